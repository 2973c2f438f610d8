/* 32-bit division and modulo: signed with negative operands (C truncates
 * toward zero), unsigned, by variables (idiv/div) and by constants (gcc's
 * multiply-by-reciprocal at -O1/-O2). */
#include <stdio.h>
#include <limits.h>

static volatile int nums[] = {0, 1, -1, 7, -7, 13, -13, 100, -100, 12345, -12345, INT_MAX, INT_MIN, 1 << 30};
static volatile int dens[] = {1, -1, 2, -2, 3, -3, 7, -7, 10, 16, -16, 1000, INT_MAX, INT_MIN};

int main(void)
{
    unsigned h = 0;
    for (int i = 0; i < 14; i++)
        for (int j = 0; j < 14; j++) {
            int a = nums[i], b = dens[j];
            if (a == INT_MIN && b == -1)
                continue;
            int q = a / b, r = a % b;
            unsigned uq = (unsigned)a / (unsigned)b, ur = (unsigned)a % (unsigned)b;
            h = h * 131 + (unsigned)q * 3 + (unsigned)r + uq * 5 + ur;
            if ((i + j) % 5 == 0)
                printf("%d / %d = %d r %d; unsigned %u %u\n", a, b, q, r, uq, ur);
        }
    for (int i = 0; i < 14; i++) {
        int a = nums[i];
        unsigned u = (unsigned)a;
        printf("%d: /3=%d %%3=%d /7=%d %%7=%d /10=%d %%10=%d /16=%d %%16=%d /1000=%d\n", a, a / 3, a % 3, a / 7, a % 7,
               a / 10, a % 10, a / 16, a % 16, a / 1000);
        printf("%u: /3=%u %%3=%u /7=%u /10=%u %%10=%u /16=%u %%16=%u\n", u, u / 3, u % 3, u / 7, u / 10, u % 10,
               u / 16, u % 16);
    }
    printf("h=%u\n", h);
    return 0;
}
