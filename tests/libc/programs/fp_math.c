/* math.h against the host's glibc: every function on fixed hard inputs and on
 * random ones, printed as bits ("name: input bits -> result bits").  The test
 * compares each result with glibc's within the function's documented error
 * (docs/libc.md), and the simulated run with the native one exactly.  With an
 * argument ("sim") it does fewer random inputs. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static int nrandom = 200;
static int stride = 1;          /* the simulated run takes every 8th fixed input */

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t bits(double d)
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

/* Uniform in [lo, hi). */
static double uniform(double lo, double hi)
{
    double u = from_bits(0x3ff0000000000000ULL | (next_random() >> 12)) - 1.0;
    return lo + (hi - lo) * u;
}

/* Any finite double of either sign with an exponent in [emin, emax]. */
static double spread(int emin, int emax, int negative_too)
{
    uint64_t r = next_random();
    int e = emin + (int)(next_random() % (uint64_t)(emax - emin + 1));
    uint64_t b = ((uint64_t)(e + 1023) << 52) | (r & 0xfffffffffffffULL);
    if (negative_too && (r >> 63))
        b |= 1ULL << 63;
    return from_bits(b);
}

static void out1(const char *name, double x, double y)
{
    printf("%s: %016llx -> %016llx\n", name, (unsigned long long)bits(x), (unsigned long long)bits(y));
}

static void out2(const char *name, double x, double y, double r)
{
    printf("%s: %016llx %016llx -> %016llx\n", name, (unsigned long long)bits(x), (unsigned long long)bits(y),
           (unsigned long long)bits(r));
}

static void outf(const char *name, float x, float r)
{
    printf("%s: %08x -> f%08x\n", name, (unsigned)fbits(x), (unsigned)fbits(r));
}

static const double SPECIAL[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 2.5, -2.5, 3.5, 0.1, 10.0, 100.0, 1e-300, -1e-300, 1e300, -1e300,
    4.9406564584124654e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 3.141592653589793,
    1.5707963267948966, 0.7853981633974483, 6.283185307179586, 1e22, 0x1p1023, 1e-8, 709.78, 710.0, -745.1,
    -746.0, 0.9999999999999999, 1.0000000000000002, 0x1.fffffffffffffp52, 4503599627370496.5, -0.49999999999999994,
    1e15 + 0.5,
};

typedef double (*fn1)(double);
typedef double (*fn2)(double, double);

static void run1(const char *name, fn1 f, double lo, double hi, int emin, int emax)
{
    int i, n = (int)(sizeof SPECIAL / sizeof *SPECIAL);
    static const uint64_t ODD[] = {0x7ff0000000000000ULL, 0xfff0000000000000ULL, 0x7ff8000000000000ULL};
    for (i = 0; i < n; i += stride)
        out1(name, SPECIAL[i], f(SPECIAL[i]));
    for (i = 0; i < 3; i++)
        out1(name, from_bits(ODD[i]), f(from_bits(ODD[i])));
    for (i = 0; i < nrandom; i++) {
        double x = uniform(lo, hi);
        out1(name, x, f(x));
        x = spread(emin, emax, 1);
        out1(name, x, f(x));
    }
}

static void run2(const char *name, fn2 f, double lo, double hi, double lo2, double hi2)
{
    int i, j, n = (int)(sizeof SPECIAL / sizeof *SPECIAL);
    static const double EDGE[] = {0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, 3.0, -3.0, 1e300, -1e-300,
                                  __builtin_inf(), -__builtin_inf(), __builtin_nan("")};
    int ne = (int)(sizeof EDGE / sizeof *EDGE);
    for (i = 0; i < ne; i++)
        for (j = (i * 3) % stride; j < ne; j += stride)
            out2(name, EDGE[i], EDGE[j], f(EDGE[i], EDGE[j]));
    for (i = 0; i < n; i += 3 * stride)
        out2(name, SPECIAL[i], SPECIAL[(i * 7) % n], f(SPECIAL[i], SPECIAL[(i * 7) % n]));
    for (i = 0; i < nrandom; i++) {
        double x = uniform(lo, hi), y = uniform(lo2, hi2);
        out2(name, x, y, f(x, y));
    }
}

static double fmod_spread(double x, double y) { return fmod(x, y); }

int main(int argc, char **argv)
{
    int i, e;
    double ip, fr;
    if (argc > 1) {
        nrandom = 2;
        stride = 8;
    }

    run1("sqrt", sqrt, 0, 1e6, -1074 + 52, 1023);
    run1("fabs", fabs, -10, 10, -1022, 1023);
    run1("floor", floor, -1e6, 1e6, -3, 60);
    run1("ceil", ceil, -1e6, 1e6, -3, 60);
    run1("round", round, -1e6, 1e6, -3, 60);
    run1("trunc", trunc, -1e6, 1e6, -3, 60);
    run1("exp", exp, -745, 710, -60, 10);
    run1("exp2", exp2, -1075, 1024, -60, 11);
    run1("log", log, 0, 1e6, -1022, 1023);
    run1("log2", log2, 0, 1e6, -1022, 1023);
    run1("log10", log10, 0, 1e6, -1022, 1023);
    run1("sin", sin, -10, 10, -40, 1023);
    run1("cos", cos, -10, 10, -40, 1023);
    run1("tan", tan, -10, 10, -40, 1023);
    run1("atan", atan, -10, 10, -40, 1023);
    run1("asin", asin, -1, 1, -40, -1);
    run1("acos", acos, -1, 1, -40, -1);
    run2("pow", pow, 0, 100, -50, 50);
    run2("pow", pow, -10, 10, -20, 20);
    run2("atan2", atan2, -10, 10, -10, 10);
    run2("hypot", hypot, -1e10, 1e10, -1e-5, 1e-5);
    run2("fmod", fmod_spread, -1e20, 1e20, -7, 7);
    run2("copysign", copysign, -10, 10, -1, 1);
    run2("fmin", fmin, -10, 10, -10, 10);
    run2("fmax", fmax, -10, 10, -10, 10);
    for (i = 0; i < nrandom; i++) {
        double x = spread(-1000, 1000, 1), y = spread(-1000, 1000, 1);
        out2("fmod", x, y, fmod(x, y));
        out2("hypot", x, y, hypot(x, y));
        out2("pow", fabs(x), uniform(-2, 2), pow(fabs(x), uniform(-2, 2)));
    }
    for (i = 0; i < (int)(sizeof SPECIAL / sizeof *SPECIAL); i++) {
        double x = SPECIAL[i];
        fr = frexp(x, &e);
        printf("= frexp %a -> %a %d | modf -> %a", x, fr, e, modf(x, &ip));
        printf(" %a | ldexp %a %a %a\n", ip, ldexp(x, 3), ldexp(x, -1074), ldexp(x, 2000));
        printf("= isnan %d isinf %d isfinite %d signbit %d fpclassify %d isnormal %d\n", isnan(x), isinf(x),
               isfinite(x), signbit(x) != 0, fpclassify(x), isnormal(x));
        if (argc > 1 && i > 4)
            break;
    }
    for (i = 0; i < 3; i++) {
        double x = from_bits(i == 0 ? 0x7ff0000000000000ULL : i == 1 ? 0xfff0000000000000ULL : 0xfff8000000000000ULL);
        printf("= isnan %d isinf %d isfinite %d signbit %d fpclassify %d\n", isnan(x), isinf(x), isfinite(x),
               signbit(x) != 0, fpclassify(x));
    }
    {
        float fx[] = {0.0f, 1.0f, 2.0f, 0.1f, -0.5f, 3.4e38f, 1e-40f, 100.5f, -7.25f};
        for (i = 0; i < (int)(sizeof fx / sizeof *fx); i++) {
            float x = fx[i];
            outf("sqrtf", x, sqrtf(x));
            outf("fabsf", x, fabsf(x));
            outf("floorf", x, floorf(x));
            outf("ceilf", x, ceilf(x));
            outf("roundf", x, roundf(x));
            outf("truncf", x, truncf(x));
            outf("fmodf", x, fmodf(x, 0.75f));
            outf("copysignf", x, copysignf(x, -1.0f));
            outf("hypotf", x, hypotf(x, 3.0f));
            outf("expf", x, expf(x));
            outf("logf", x, logf(x));
            outf("log2f", x, log2f(x));
            outf("log10f", x, log10f(x));
            outf("powf", x, powf(x, 1.5f));
            outf("sinf", x, sinf(x));
            outf("cosf", x, cosf(x));
            outf("tanf", x, tanf(x));
            outf("asinf", x, asinf(x));
            outf("acosf", x, acosf(x));
            outf("atanf", x, atanf(x));
            outf("atan2f", x, atan2f(x, -2.0f));
        }
    }
    printf("= %a %a %a %g %d\n", HUGE_VAL, (double)INFINITY, -(double)NAN, M_PI, (int)sizeof(double_t));
    printf("= %a %a %a %a %a %a %d %d %d %d\n", (double)FLT_MAX, (double)FLT_MIN, (double)FLT_EPSILON, DBL_MAX, DBL_MIN,
           DBL_EPSILON, FLT_MANT_DIG, DBL_MANT_DIG, DBL_DIG, FLT_EVAL_METHOD);
    printf("= %La %La %La %d %d\n", LDBL_MAX, LDBL_MIN, LDBL_EPSILON, LDBL_MANT_DIG, LDBL_MAX_EXP);
    printf("= %.17g %.17g %.17g %.17g\n", M_E, M_LN2, M_SQRT2, M_PI_2);
    return 0;
}
