/* 64-bit (long long) arithmetic: add/sub with carry, multiplies, negation,
 * comparisons of signed and unsigned 64-bit values, printf %lld %llu %llx. */
#include <stdio.h>

static volatile long long sv[] = {0LL, 1LL, -1LL, 0x7fffffffLL, 0x80000000LL, -0x80000000LL, 0xffffffffLL,
                                  0x100000000LL, -0x100000000LL, 0x7fffffffffffffffLL, -0x7fffffffffffffffLL - 1,
                                  123456789012345LL, -98765432109876LL};
#define N ((int)(sizeof sv / sizeof sv[0]))

int main(void)
{
    unsigned long long h = 1469598103934665603ULL;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            long long a = sv[i], b = sv[j];
            unsigned long long ua = (unsigned long long)a, ub = (unsigned long long)b;
            unsigned long long s = ua + ub, d = ua - ub, m = ua * ub;
            int sc = (a < b) | (a <= b) << 1 | (a > b) << 2 | (a >= b) << 3 | (a == b) << 4;
            int uc = (ua < ub) | (ua <= ub) << 1 | (ua > ub) << 2 | (ua >= ub) << 3;
            h = (h ^ s) * 1099511628211ULL;
            h = (h ^ d) * 1099511628211ULL;
            h = (h ^ m) * 1099511628211ULL;
            h = (h ^ (unsigned)(sc | uc << 8)) * 1099511628211ULL;
            if ((i * N + j) % 17 == 0)
                printf("%lld %lld: %lld %lld %llx %x %x\n", a, b, (long long)s, (long long)d, m, sc, uc);
        }
        printf("neg %lld -> %lld / %llu / %llX\n", sv[i], (long long)(0ULL - (unsigned long long)sv[i]),
               (unsigned long long)sv[i], (unsigned long long)sv[i]);
    }
    printf("h=%llu\n", h);
    long long f = 1;
    for (int k = 1; k <= 20; k++) {
        f *= k;
        if (k % 5 == 0)
            printf("%d! = %lld\n", k, f);
    }
    return 0;
}
