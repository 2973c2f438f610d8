/* Bit tricks: popcount by hand, lowest set bit, power-of-two tests, bit
 * reversal, gcc's __builtin_ctz/__builtin_clz (bsf/bsr) and bswap, parity,
 * gray codes, and a bitset. */
#include <stdio.h>

static volatile unsigned vals[] = {0u, 1u, 2u, 3u, 0x80000000u, 0xffffffffu, 0x12345678u, 0xf0f0f0f0u, 96u, 1u << 20};

static int popcount(unsigned x)
{
    int n = 0;
    while (x) {
        x &= x - 1;
        n++;
    }
    return n;
}

static unsigned reverse_bits(unsigned x)
{
    x = (x & 0x55555555u) << 1 | (x >> 1 & 0x55555555u);
    x = (x & 0x33333333u) << 2 | (x >> 2 & 0x33333333u);
    x = (x & 0x0f0f0f0fu) << 4 | (x >> 4 & 0x0f0f0f0fu);
    x = (x & 0x00ff00ffu) << 8 | (x >> 8 & 0x00ff00ffu);
    return x << 16 | x >> 16;
}

static unsigned bswap(unsigned x)
{
    return (x >> 24) | (x >> 8 & 0xff00u) | (x << 8 & 0xff0000u) | (x << 24);
}

int main(void)
{
    for (int i = 0; i < 10; i++) {
        unsigned x = vals[i];
        printf("%08x pop=%d low=%08x pow2=%d rev=%08x bswap=%08x/%08x parity=%d gray=%08x", x, popcount(x), x & -x,
               x && !(x & (x - 1)), reverse_bits(x), bswap(x), __builtin_bswap32(x), popcount(x) & 1, x ^ (x >> 1));
        if (x)
            printf(" ctz=%d clz=%d", __builtin_ctz(x), __builtin_clz(x));
        printf("\n");
    }
    unsigned set[4] = {0};
    for (int i = 0; i < 128; i += 3)
        set[i / 32] |= 1u << (i % 32);
    for (int i = 0; i < 128; i += 5)
        set[i / 32] ^= 1u << (i % 32);
    int count = 0;
    for (int i = 0; i < 128; i++)
        count += (set[i >> 5] >> (i & 31)) & 1;
    printf("bitset %08x %08x %08x %08x count=%d\n", set[0], set[1], set[2], set[3], count);
    int a = 12345, b = -678;
    a ^= b;
    b ^= a;
    a ^= b;
    int sgn = (a >> 31) | (int)((unsigned)-a >> 31);
    int mask = b >> 31;
    printf("swapped a=%d b=%d sign(a)=%d abs(b)=%d min=%d\n", a, b, sgn, (b + mask) ^ mask, b ^ ((a ^ b) & -(a < b)));
    return popcount(vals[6]);
}
