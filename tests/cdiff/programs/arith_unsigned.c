/* Unsigned 32-bit arithmetic: wrap-around, carries, unsigned comparisons,
 * the high half of a 32x32 product through a 64-bit multiply. */
#include <stdio.h>

static volatile unsigned vals[] = {0u, 1u, 2u, 3u, 255u, 256u, 0x7fffffffu, 0x80000000u, 0x80000001u,
                                   0xfffffffeu, 0xffffffffu, 0x12345678u, 0xdeadbeefu, 1000000007u};
#define N ((int)(sizeof vals / sizeof vals[0]))

int main(void)
{
    unsigned acc = 0;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            unsigned a = vals[i], b = vals[j];
            unsigned s = a + b;
            unsigned carry = s < a;
            unsigned borrow = a < b;
            unsigned long long wide = (unsigned long long)a * b;
            unsigned hi = (unsigned)(wide >> 32), lo = (unsigned)wide;
            unsigned flags = (a < b) | (a <= b) << 1 | (a > b) << 2 | (a >= b) << 3;
            acc ^= s * 3 + carry + borrow * 5 + hi * 7 + lo * 11 + flags;
            acc = (acc << 5) | (acc >> 27);
            if ((i + j) % 6 == 0)
                printf("%u %u -> %u c%u b%u hi=%08x lo=%08x f=%x\n", a, b, s, carry, borrow, hi, lo, flags);
        }
    }
    printf("acc=%u %x %X\n", acc, acc, acc);
    unsigned x = 1;
    for (int k = 0; k < 40; k++)
        x = x * 2654435761u + (unsigned)k;
    printf("x=%u\n", x);
    return (int)(acc & 0x3f);
}
