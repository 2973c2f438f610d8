/* printf's floating point conversions on hard values: built with the host's
 * gcc and glibc (64-bit) and with vmdebug's libc (natively and simulated), it
 * must print the same bytes.  Values are given by their bits where a
 * compiler could disagree.  With an argument ("sim") it prints the subset
 * the simulator runs in a reasonable number of steps (no long double with
 * thousands of digits, fewer formats). */
#include <stdio.h>
#include <string.h>
#include <stdint.h>

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static long double ld_from(uint64_t m, unsigned se)
{
    union {
        long double ld;
        struct { uint64_t m; uint16_t se; } b;
    } u;
    memset(&u, 0, sizeof u);
    u.b.m = m;
    u.b.se = (uint16_t)se;
    return u.ld;
}

static const char *const FULL_FORMATS[] = {
    "%f", "%F", "%e", "%E", "%g", "%G", "%a", "%A", "%lf",
    "%.0f", "%.1f", "%.2f", "%.3f", "%.10f", "%.17f", "%.20f", "%.30f",
    "%.0e", "%.1e", "%.3e", "%.16e", "%.20e", "%.25E",
    "%.0g", "%.1g", "%.2g", "%.3g", "%.10g", "%.16g", "%.17g", "%.25g",
    "%#g", "%#.1g", "%#.2g", "%#.0f", "%#.0e", "%#.3g", "%#.0g", "%#G", "%#a", "%#.0a",
    "%.0a", "%.1a", "%.2a", "%.3a", "%.12a", "%.13a", "%.20a", "%.0A",
    "%15f", "%-15f|", "%015f", "%+f", "% f", "%+.3e", "% 012.4e", "%-+12.3g|", "%012g",
    "%+a", "%020a", "%-20a|", "% 020.3A", "%30.20f", "%5.1f", "%010.3f", "%-010.3f|", "%+010.2f",
    "%-+#14.0e|", "%08.3g", "%#08.3g", "%+.0f", "%1f", "%1e", "%.5g",
};

static const char *const SIM_FORMATS[] = {
    "%f", "%e", "%g", "%a", "%.0f", "%.2f", "%.17g", "%.3e", "%#g", "%.1a", "%+012.4e",
};

int main(int argc, char **argv)
{
    int sim = argc > 1;
    double values[] = {
        0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.3, 0.5, 0.125, 0.375, -0.625, 2.5, 3.5, 0.05, 0.15, 0.25,
        0.35, 1.005, 2.675, 4.35, 9.5, 99.5, 999999.5, 0.9999995, 0.999999, 9.9999e-5, 1e-4, 1e-5,
        0.00001234, 1e-7, 123456.789, 1e15, 1e16, 1e17, 1e21, 1e22, 1e23, 9.999999999999999e22,
        1.5e300, 1e100, -1e-100, 3.141592653589793, 2.718281828459045, 1.0 / 3, 2.0 / 3, 100.0,
        from_bits(0x0000000000000001ULL),       /* 2^-1074, 5e-324 */
        from_bits(0x000fffffffffffffULL),       /* the largest subnormal */
        from_bits(0x0010000000000000ULL),       /* DBL_MIN */
        from_bits(0x7fefffffffffffffULL),       /* DBL_MAX */
        from_bits(0x3fefffffffffffffULL),       /* 1 - 2^-53 */
        from_bits(0x7ff0000000000000ULL),       /* inf */
        from_bits(0xfff0000000000000ULL),       /* -inf */
        from_bits(0x7ff8000000000000ULL),       /* nan */
        from_bits(0xfff8000000000000ULL),       /* -nan */
        from_bits(0x7ff0000000000001ULL),       /* a signalling nan */
        0x1.fffffffffffffp-1, 0x1.8p+0, 0x1.f8p+0, 0x1.08p+0, 0x1.18p+0, 0x1.fffffffffffff8p+0,
        0x1.000000000000080p+0, 1e-320, 4.9406564584124654e-324, 65536.0, 1e300 * 1e8,
        /* %g where rounding adds a digit */
        9.9999996, 0.000099999995, 0.00099999995, 99.95, 9999995.0, 99999.95, 0.9999999, 9.5e-5,
    };
    static const double sim_values[] = {
        0.0, -0.0, 1.0, 0.1, 0.125, 2.5, 1e23, 5e-324, 1e-5, 123456.789, 3.141592653589793,
        1.7976931348623157e308, 0x1.f8p+0, -1.5e-300,
    };
    const char *const *formats = sim ? SIM_FORMATS : FULL_FORMATS;
    int nformats = sim ? (int)(sizeof SIM_FORMATS / sizeof *SIM_FORMATS)
                       : (int)(sizeof FULL_FORMATS / sizeof *FULL_FORMATS);
    const double *vals = sim ? sim_values : values;
    int nvalues = sim ? (int)(sizeof sim_values / sizeof *sim_values) : (int)(sizeof values / sizeof *values);
    int i, j, n;
    char buf[64];

    for (i = 0; i < nvalues; i++)
        for (j = 0; j < nformats; j++)
        {
            printf(formats[j], vals[i]);
            printf(" <%s>\n", formats[j]);
        }

    /* Widths and precisions from arguments; a negative precision is none. */
    printf("[%*.*f|%-*.*e|%.*g|%*f]\n", 12, 3, 3.14159, 12, 2, -2.5e-7, -1, 0.1, -10, 1.5);
    /* snprintf's result is the length the whole output would have had. */
    n = snprintf(buf, 8, "%.10f", 2.0 / 3);
    printf("snprintf=%d [%s]\n", n, buf);
    n = sprintf(buf, "%g|%e|%a", 1e-300, 1e300, 0.5);
    printf("sprintf=%d [%s]\n", n, buf);
    n = printf("%f %d %s %g\n", 1.25, 42, "mixed", 0.0001);
    printf("n=%d\n", n);
    printf("float %f %g %a\n", (double)3.1f, (double)1e-40f, (double)0.1f);
    if (!sim) {
        /* Every digit of the extreme values. */
        printf("%.1074f\n", from_bits(1));
        printf("%.800e\n", from_bits(1));
        printf("%f\n", from_bits(0x7fefffffffffffffULL));
        printf("%.1100f\n", from_bits(0x000fffffffffffffULL));
        printf("%.60g|%.400g|%#.30a\n", 0.1, 1e-300, 0.1);
    }

    {
        /* long double: the x87 80-bit format, the same on i386 and x86-64. */
        long double lv[] = {
            ld_from(0x8000000000000000ULL, 0x3fff),     /* 1 */
            ld_from(0x8000000000000000ULL, 0xbfff),     /* -1 */
            ld_from(0xcccccccccccccccdULL, 0x3ffb),     /* 0.1 */
            ld_from(0xaaaaaaaaaaaaaaabULL, 0x3ffd),     /* 1/3 */
            ld_from(0xc90fdaa22168c235ULL, 0x4000),     /* pi */
            ld_from(0xc77487fb61b9f077ULL, 0x405f),     /* 1.2345...e29 */
            ld_from(0x0000000000000000ULL, 0x8000),     /* -0 */
            ld_from(0x8000000000000000ULL, 0x7fff),     /* inf */
            ld_from(0xc000000000000000ULL, 0xffff),     /* -nan */
            ld_from(0xf800000000000000ULL, 0x3fff),     /* 1.9375 */
            ld_from(0xfff8000000000000ULL, 0x3fff),
            ld_from(0x8000000000000001ULL, 0x3fff),     /* 1 + 2^-63 */
            ld_from(0xd1ba8323fe558c61ULL, 0x73e6),     /* 1e4000 */
            ld_from(0x9c3d73864f3805c0ULL, 0x0c17),     /* 1e-4000 */
            ld_from(0x8000000000000000ULL, 0x0001),     /* LDBL_MIN */
            ld_from(0x2000000000000000ULL, 0x0000),     /* LDBL_MIN / 4 */
            ld_from(0x0000000000000001ULL, 0x0000),     /* the smallest subnormal */
            ld_from(0xffffffffffffffffULL, 0x7ffe),     /* LDBL_MAX */
        };
        static const char *const lformats[] = {
            "%Lf", "%Le", "%Lg", "%La", "%LA", "%.30Lf", "%.25Le", "%.20Lg", "%#Lg", "%.0La", "%.3La",
            "%.15La", "%.0Lf", "%+025.10Le", "%-20La|", "%LG", "%#.0Lf",
        };
        int nl = sim ? 6 : (int)(sizeof lv / sizeof *lv);
        int nlf = sim ? 4 : (int)(sizeof lformats / sizeof *lformats);
        for (i = 0; i < nl; i++)
            for (j = 0; j < nlf; j++)
            {
                printf(lformats[j], lv[i]);
                printf(" <%s>\n", lformats[j]);
            }
    }
    return 0;
}
