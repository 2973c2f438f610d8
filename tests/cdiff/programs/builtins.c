/* gcc builtins and the instructions behind them: overflow checks (jo/jc,
 * seto/setc), popcount/parity (libc helpers or inline code), ctz/clz on 32
 * and 64-bit values, ffs, bswap64, and conditional moves (cmov at -O2).
 * (__builtin_ctzll is left out: gcc calls libgcc's __ctzdi2, which the
 * vmdebug libc does not provide.) */
#include <stdio.h>
#include <limits.h>

static volatile int a_vals[] = {1, -1, INT_MAX, INT_MIN, 46341, -46341, 65536, 0};
static volatile unsigned long long q_vals[] = {1ULL, 0x8000000000000000ULL, 0x00000001000000f0ULL,
                                               0x0123456789abcdefULL, 0xffffffff00000000ULL};

__attribute__((noinline)) static int pick(int c, int x, int y) { return c > 0 ? x : y; }
__attribute__((noinline)) static unsigned umin(unsigned x, unsigned y) { return x < y ? x : y; }
__attribute__((noinline)) static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

int main(void)
{
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j += 3) {
            int a = a_vals[i], b = a_vals[j], r1, r2, r3;
            unsigned u;
            int o1 = __builtin_add_overflow(a, b, &r1);
            int o2 = __builtin_sub_overflow(a, b, &r2);
            int o3 = __builtin_mul_overflow(a, b, &r3);
            int o4 = __builtin_add_overflow((unsigned)a, (unsigned)b, &u);
            printf("%d,%d: add %d/%d sub %d/%d mul %d/%d uadd %u/%d\n", a, b, r1, o1, r2, o2, r3, o3, u, o4);
        }
    for (int i = 0; i < 8; i++) {
        unsigned x = (unsigned)a_vals[i];
        printf("%08x pop=%d par=%d ffs=%d", x, __builtin_popcount(x), __builtin_parity(x), __builtin_ffs((int)x));
        if (x)
            printf(" clz=%d ctz=%d", __builtin_clz(x), __builtin_ctz(x));
        printf("\n");
    }
    for (int i = 0; i < 5; i++) {
        unsigned long long q = q_vals[i];
        unsigned long long s = __builtin_bswap64(q);
        printf("%08x%08x clzll=%d ctzll=%d popll=%d bswap64=%08x%08x\n", (unsigned)(q >> 32), (unsigned)q,
               __builtin_clzll(q), (unsigned)q ? __builtin_ctz((unsigned)q) : 32 + __builtin_ctz((unsigned)(q >> 32)), __builtin_popcountll(q), (unsigned)(s >> 32), (unsigned)s);
    }
    int acc = 0;
    for (int i = -5; i <= 5; i++)
        acc = acc * 3 + pick(i, i * 7, -i) + (int)umin((unsigned)i, 3u) + clamp(i * 40, -100, 77);
    printf("cmov acc=%d\n", acc);
    return 0;
}
