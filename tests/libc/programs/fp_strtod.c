/* strtod, strtof, strtold and atof: hard strings, random round trips and the
 * exact halfway points between neighbouring doubles (and just above and below
 * them).  Built with the host's gcc and glibc and with vmdebug's libc, it must
 * print the same bytes.  With an argument ("sim") it does fewer of each. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static uint64_t rng = 88172645463325252ULL;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t dbits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static uint32_t fbits(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}

union ld {
    long double ld;
    struct { uint64_t m; uint16_t se; } b;
};

static long double ld_from(uint64_t m, unsigned se)
{
    union ld u;
    memset(&u, 0, sizeof u);
    u.b.m = m;
    u.b.se = (uint16_t)se;
    return u.ld;
}

static void ld_bits(long double x, uint64_t *m, unsigned *se)
{
    union ld u;
    memset(&u, 0, sizeof u);
    u.ld = x;
    *m = u.b.m;
    *se = u.b.se;
}

static int sim;

static void show(const char *s)
{
    char *end;
    double d;
    float f;
    long double l;
    uint64_t lm;
    unsigned lse;
    int e1, e2, e3;
    errno = 0;
    d = strtod(s, &end);
    e1 = errno;
    printf("strtod(\"%s\") = %a [%016llx] errno %d used %d\n", s, d, (unsigned long long)dbits(d), e1,
           (int)(end - s));
    errno = 0;
    f = strtof(s, &end);
    e2 = errno;
    printf("  strtof = %a [%08x] errno %d used %d\n", (double)f, (unsigned)fbits(f), e2, (int)(end - s));
    /* The simulator skips the long doubles with thousands of digits. */
    if (sim && (strstr(s, "e-49") || strstr(s, "e49") || strstr(s, "p-164") || strstr(s, "p163")))
        return;
    errno = 0;
    l = strtold(s, &end);
    e3 = errno;
    ld_bits(l, &lm, &lse);
    printf("  strtold = %La [%04x %016llx] errno %d used %d\n", l, lse, (unsigned long long)lm, e3,
           (int)(end - s));
}

static const char *const STRINGS[] = {
    "0", "-0", "+0.0e10", "1", "-1", "0.1", "  \t\n 42.5xyz", "1e23", "8.5e-1", "3.14159",
    "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e308", "1e309",
    "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308",
    "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "5e-324",
    "2e-324", "1e-400", "-1e-400", "1e400", "-1e400", "1e-320", "1e-310", "1e-45", "1.4e-45", "7e-46",
    "1.17549435e-38", "1.1754942e-38", "3.4028235e38", "3.4028236e38", "3.5e38",
    "0x1p-1074", "0x1.8p-1074", "0x1p-1075", "0x1.0000000000001p-1075", "0x1.fffffffffffff8p1023",
    "0x1.fffffffffffff7ffp1023", "0X1.ABCDEFp+10", "0x.8p1", "0x1.P1", "0x123456789abcdef0123p0",
    "0x1.00000000000008p0", "0x1.00000000000008000001p0", "0x1.00000000000018p0", "0x.000001p-1050",
    "0x1.000001p0", "0x1.0000010000000001p0", "0x1.000003p0", "-0x1.8p-149", "0x1p-150", "0x1.0000000000000001p0",
    "0x1.00000000000000008p0", "0x1.00000000000000018p0", "0x1p16384", "0x1p-16445", "0x1p-16446",
    "0x", "0x.", "0x.p1", "0xg", "0x1p", "0x1p+", "0x1p-x", "0x1P-2",
    "infinity", "INF", "-Infinity", "infinit", "infx", "nan", "NaN(0x7)", "nan(abc)", "nan(", "nan()",
    "-nan(12)", "nan(0x8000000000001)", "nanx", "-nan",
    ".5", "5.", ".", "-.", "e5", "1e", "1e+", "1e-5x", "1.5E+3", "+.e1", "--1", "- 1",
    "123456789012345678901234567890", "0.000000000000000000000000000000000000000000001",
    "9007199254740993", "9007199254740995", "9007199254740993.0000000000000000001", "9007199254740992.9999999999",
    "1e-4951", "1e-4950", "1.18973149535723176502e4932", "1.18973149535723176508e4932", "1e4933",
    "3.64519953188247460253e-4951", "1.82259976594123730126e-4951", "1.8225997659412373013e-4951",
    "0.000000000000000000000000000000000000000000000000000000000000000000000000000001e78",
    "100000000000000000000000000000000000000000000000000000000000000000000000000000e-78",
    "1e2147483648", "1e-2147483649", "1e99999999999999999999", "0e99999999999",
};

int main(int argc, char **argv)
{
    int nstrings = (int)(sizeof STRINGS / sizeof *STRINGS);
    int i, n, bad;
    static char buf[2400];
    unsigned long long hash = 0;

    sim = argc > 1;

    for (i = 0; i < nstrings; i++)
        if (!sim || i % 6 == 0)
            show(STRINGS[i]);

    /* Long strings: more than the 800 digits strtod keeps. */
    buf[0] = '0';
    buf[1] = '.';
    memset(buf + 2, '0', 400);
    strcpy(buf + 402, "1");
    show(buf);
    memset(buf, '0', 901);
    buf[0] = '1';
    strcpy(buf + 901, "e-900");
    show(buf);
    if (!sim) {
        /* 2^-1075, halfway between 0 and the smallest subnormal: even, so 0; a 1 at
         * the 1100th decimal place (past the digits kept) tips it up. */
        long double half_min = ld_from(0x8000000000000000ULL, 16383 - 1075);
        n = snprintf(buf, sizeof buf, "%.1100Le", half_min);
        show(buf);
        buf[1101] = '1';
        show(buf);
        printf("len %d\n", n);
    }

    /* Random doubles: %.17g reads back to the same bits. */
    n = sim ? 12 : 3000;
    bad = 0;
    for (i = 0; i < n; i++) {
        uint64_t b = next_random();
        double x = from_bits(b), y;
        if (((b >> 52) & 0x7ff) == 0x7ff)
            continue;
        snprintf(buf, sizeof buf, "%.17g", x);
        y = strtod(buf, NULL);
        if (dbits(y) != b)
            bad++;
        hash = hash * 31 + dbits(y);
        if (i % (sim ? 3 : 300) == 0)
            printf("%s -> %016llx\n", buf, (unsigned long long)dbits(y));
    }
    printf("round trips: %d bad, hash %016llx\n", bad, hash);

    /* Random floats: %.9g reads back with strtof. */
    n = sim ? 12 : 2000;
    bad = 0;
    for (i = 0; i < n; i++) {
        uint32_t b = (uint32_t)next_random();
        float x, y;
        memcpy(&x, &b, sizeof x);
        if (((b >> 23) & 0xff) == 0xff)
            continue;
        snprintf(buf, sizeof buf, "%.9g", (double)x);
        y = strtof(buf, NULL);
        if (fbits(y) != b)
            bad++;
        hash = hash * 31 + fbits(y);
    }
    printf("float round trips: %d bad, hash %016llx\n", bad, hash);

    /* Halfway between a double and the next one (an exact long double), and just
     * above and below that. */
    n = sim ? 2 : 600;
    for (i = 0; i < n; i++) {
        uint64_t b = next_random() & 0x7fffffffffffffffULL;
        unsigned bexp = (unsigned)(b >> 52);
        uint64_t mant = b & 0xfffffffffffffULL;
        int e, shift = 0;
        uint64_t mid;
        char *e_at;
        double lo, hi, below;
        if (bexp == 0x7ff || bexp == 0x7fe)
            continue;
        if (i % 5 == 0) {                   /* a subnormal */
            bexp = 0;
            mant >>= (unsigned)(next_random() % 52);
        }
        if (bexp)
            mant |= 1ULL << 52;
        e = bexp ? (int)bexp - 1075 : -1074;
        mid = 2 * mant + 1;                 /* the halfway point is mid * 2^(e-1) */
        while (!(mid >> 63)) {
            mid <<= 1;
            shift++;
        }
        snprintf(buf, sizeof buf, "%.800Le", ld_from(mid, (unsigned)(e - 1 - shift + 63 + 16383)));
        lo = strtod(buf, NULL);
        e_at = strchr(buf, 'e');
        {
            char exp_part[16];
            strcpy(exp_part, e_at);
            strcpy(e_at, "1");
            strcat(buf, exp_part);
        }
        hi = strtod(buf, NULL);
        memmove(buf + 40, e_at + 1, strlen(e_at + 1) + 1);     /* the first 39 digits: below */
        below = strtod(buf, NULL);
        if (i % (sim ? 1 : 7) == 0)
            printf("halfway %016llx: %016llx %016llx %016llx\n", (unsigned long long)b,
                   (unsigned long long)dbits(lo), (unsigned long long)dbits(hi), (unsigned long long)dbits(below));
        hash = hash * 31 + dbits(lo);
        hash = hash * 31 + dbits(hi);
        hash = hash * 31 + dbits(below);
    }
    printf("halfway hash %016llx\n", hash);

    /* long double round trips with %.21Lg. */
    n = sim ? 3 : 500;
    bad = 0;
    for (i = 0; i < n; i++) {
        uint64_t m = next_random() | 0x8000000000000000ULL, m2;
        unsigned se = sim ? 16383 - 60 + (unsigned)(next_random() % 120) : (unsigned)(next_random() % 0x7ffe) + 1, se2;
        long double x = ld_from(m, se);
        snprintf(buf, sizeof buf, "%.21Lg", x);
        ld_bits(strtold(buf, NULL), &m2, &se2);
        if (m2 != m || se2 != se)
            bad++;
        hash = hash * 31 + m2 + se2;
    }
    printf("long double round trips: %d bad, hash %016llx\n", bad, hash);
    printf("atof %a %a\n", atof("  -2.5e-3"), atof("junk"));
    return 0;
}
