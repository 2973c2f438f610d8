/* Signed 32-bit arithmetic over edge values: add/sub/mul wrap (done in
 * unsigned, then converted back), negation, comparisons of every kind. */
#include <stdio.h>
#include <limits.h>

static volatile int vals[] = {0, 1, -1, 2, -2, 7, -7, 100, -100, 65535, -65536,
                              INT_MAX, INT_MIN, INT_MAX - 1, INT_MIN + 1, 0x40000000, -0x40000000};
#define N ((int)(sizeof vals / sizeof vals[0]))

static int wadd(int a, int b) { return (int)((unsigned)a + (unsigned)b); }
static int wsub(int a, int b) { return (int)((unsigned)a - (unsigned)b); }
static int wmul(int a, int b) { return (int)((unsigned)a * (unsigned)b); }

int main(void)
{
    unsigned h = 0;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            int a = vals[i], b = vals[j];
            int s = wadd(a, b), d = wsub(a, b), m = wmul(a, b);
            int cmp = (a < b) | (a <= b) << 1 | (a > b) << 2 | (a >= b) << 3 | (a == b) << 4 | (a != b) << 5;
            h = h * 31 + (unsigned)s;
            h = h * 31 + (unsigned)d;
            h = h * 31 + (unsigned)m;
            h = h * 31 + (unsigned)cmp;
            if (i % 4 == 0 && j % 5 == 0)
                printf("%d %d: %d %d %d %02x\n", a, b, s, d, m, cmp);
        }
        int a = vals[i];
        printf("neg %d = %d, not %d = %d, abs-ish %d, min(a,3)=%d max(a,3)=%d\n", a, wsub(0, a), a, ~a,
               a < 0 ? wsub(0, a) : a, a < 3 ? a : 3, a > 3 ? a : 3);
    }
    printf("hash %u\n", h);
    return 0;
}
