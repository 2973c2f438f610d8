/* Floating point on SSE2 and the x87 subset: every result printed as its bits, so the
   simulated CPU must agree with the real one exactly (NaNs, infinities, denormals, -0). */
#include <stdio.h>
#include <string.h>

static char line[4096];
static int len;

/* Hex by hand: printf's %llx divides 64-bit numbers, which costs the simulator time. */
static void hex(unsigned long long u, int digits)
{
    line[len++] = ' ';
    for (int k = digits - 1; k >= 0; k--)
        line[len++] = "0123456789abcdef"[(u >> (4 * k)) & 15];
}

static void flush(void)
{
    line[len++] = '\n';
    fwrite(line, 1, len, stdout);
    len = 0;
}

static unsigned long long dbits(double d) { unsigned long long u; memcpy(&u, &d, 8); return u; }
static unsigned fbits(float f) { unsigned u; memcpy(&u, &f, 4); return u; }
static double from_bits(unsigned long long u) { double d; memcpy(&d, &u, 8); return d; }

volatile double values[16];
volatile float fvalues[16];
static const unsigned long long patterns[16] = {
    0x0000000000000000ULL, 0x8000000000000000ULL, 0x3FF0000000000000ULL, 0xBFF8000000000000ULL,
    0x7FF0000000000000ULL, 0xFFF0000000000000ULL, 0x7FF8000000000000ULL, 0x7FF4000000000001ULL,
    0x0000000000000001ULL, 0x000FFFFFFFFFFFFFULL, 0x7FEFFFFFFFFFFFFFULL, 0x4340000000000001ULL,
    0x41DFFFFFFFC00000ULL, 0xC1E0000000000000ULL, 0x3FB999999999999AULL, 0x43E0000000000000ULL,
};

int main(void)
{
    for (int i = 0; i < 16; i++) {
        values[i] = from_bits(patterns[i]);
        fvalues[i] = (float)values[i];
    }
    for (int i = 0; i < 16; i++) {
        double a = values[i];
        float fa = fvalues[i];
        hex(fbits(fa), 8), hex((unsigned)(int)a, 8), hex((unsigned)a, 8);
        hex((unsigned long long)(long long)a, 16), hex((unsigned long long)a, 16);
        flush();
        for (int j = 0; j < 16; j += 3) {
            double b = values[j];
            float fb = fvalues[j];
            hex(dbits(a + b), 16), hex(dbits(a - b), 16), hex(dbits(a * b), 16), hex(dbits(a / b), 16);
            hex(fbits(fa + fb), 8), hex(fbits(fa - fb), 8), hex(fbits(fa * fb), 8), hex(fbits(fa / fb), 8);
            hex((a < b) | (a <= b) << 1 | (a == b) << 2 | (a != b) << 3 | (a > b) << 4 | (a >= b) << 5, 2);
            flush();
        }
        hex(dbits(__builtin_sqrt(a)), 16), hex(fbits(__builtin_sqrtf(fa)), 8), hex(dbits(-a), 16);
        hex(dbits(__builtin_fabs(a)), 16), hex(dbits(a > 1.0 ? a : 1.0), 16);
        flush();
    }
    volatile long long big = -9007199254740993LL;
    volatile unsigned long long ubig = 18446744073709551615ULL;
    volatile unsigned u32 = 4294967295u;
    volatile int i32 = -2147483647 - 1;
    printf("%016llx %016llx %016llx %016llx %08x %08x\n", dbits((double)big), dbits((double)ubig),
           dbits((double)u32), dbits((double)i32), fbits((float)big), fbits((float)ubig));
    return 0;
}
