/* Shifts by constants and by variables, 32 and 64-bit, signed (arithmetic)
 * and unsigned (logical), and the rotate idiom gcc turns into rol/ror. */
#include <stdio.h>

static volatile int svals[] = {1, -1, 0x12345678, -0x12345678, 0x7fffffff, (int)0x80000000};
static volatile unsigned uvals[] = {1u, 0xffffffffu, 0x80000001u, 0xdeadbeefu};
static volatile long long lvals[] = {1LL, -1LL, 0x123456789abcdef0LL, -0x123456789abcdefLL};

static unsigned rotl(unsigned x, unsigned n) { n &= 31; return (x << n) | (x >> ((32 - n) & 31)); }
static unsigned rotr(unsigned x, unsigned n) { n &= 31; return (x >> n) | (x << ((32 - n) & 31)); }

int main(void)
{
    unsigned h = 0;
    for (int i = 0; i < 6; i++)
        for (int n = 0; n < 32; n++) {
            int x = svals[i];
            int r = x >> n;
            unsigned l = (unsigned)x << n;
            h = h * 33 ^ (unsigned)r ^ l * 7;
            if (n % 7 == 0)
                printf("%08x sar %2d = %08x, shl = %08x\n", (unsigned)x, n, (unsigned)r, l);
        }
    for (int i = 0; i < 4; i++)
        for (int n = 0; n < 32; n++) {
            unsigned x = uvals[i];
            h = h * 7 + rotl(x, n) * 3 + rotr(x, n) + (x >> n);
            if (n % 6 == 1)
                printf("%08x shr %2d = %08x rol %08x ror %08x\n", x, n, x >> n, rotl(x, n), rotr(x, n));
        }
    for (int i = 0; i < 4; i++)
        for (int n = 0; n < 64; n++) {
            long long x = lvals[i];
            unsigned long long ux = (unsigned long long)x;
            unsigned long long a = (unsigned long long)(x >> n), b = ux >> n, c = ux << n;
            h = h * 33 ^ (unsigned)a ^ (unsigned)(a >> 32) * 3 ^ (unsigned)b * 5 ^ (unsigned)(b >> 32) * 7
                ^ (unsigned)c * 9 ^ (unsigned)(c >> 32) * 11;
            if (n % 21 == 0)
                printf("%08x%08x: sar %2d %08x%08x shr %08x%08x shl %08x%08x\n", (unsigned)(ux >> 32), (unsigned)ux, n,
                       (unsigned)(a >> 32), (unsigned)a, (unsigned)(b >> 32), (unsigned)b, (unsigned)(c >> 32),
                       (unsigned)c);
        }
    printf("const: %x %x %x %x\n", svals[2] >> 4, (unsigned)svals[3] >> 4, svals[3] >> 31, uvals[3] << 12);
    printf("%016llx %llx\n", (unsigned long long)lvals[2] >> 7, (unsigned long long)lvals[3] << 9);
    printf("h=%08x\n", h);
    return 0;
}
