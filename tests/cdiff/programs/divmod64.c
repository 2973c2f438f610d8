/* 64-bit division and modulo through the libc's __divdi3/__moddi3/
 * __udivdi3/__umoddi3, with negative and large operands. */
#include <stdio.h>

static volatile long long nums[] = {0LL, 1LL, -1LL, 1000000007LL, -1000000007LL, 0x123456789abcdefLL,
                                    -0x123456789abcdefLL, 0x7fffffffffffffffLL, -0x7fffffffffffffffLL - 1,
                                    4294967296LL, -4294967297LL};
static volatile long long dens[] = {1LL, -1LL, 3LL, -3LL, 10LL, 4294967295LL, 4294967296LL, -4294967296LL,
                                    0x7fffffffffffffffLL, 1234567LL, -99LL};

int main(void)
{
    unsigned long long h = 0;
    for (int i = 0; i < 11; i++)
        for (int j = 0; j < 11; j++) {
            long long a = nums[i], b = dens[j];
            if (a == -0x7fffffffffffffffLL - 1 && b == -1)
                continue;
            long long q = a / b, r = a % b;
            unsigned long long ua = (unsigned long long)a, ub = (unsigned long long)b;
            unsigned long long uq = ua / ub, ur = ua % ub;
            h = h * 1000003ULL + (unsigned long long)q + (unsigned long long)r * 7 + uq * 11 + ur * 13;
            if ((i * 11 + j) % 9 == 0)
                printf("%lld / %lld = %lld r %lld | %llu / %llu = %llu r %llu\n", a, b, q, r, ua, ub, uq, ur);
        }
    /* decimal digits of a big number by repeated division */
    unsigned long long v = 18446744073709551615ULL;
    char buf[32];
    int n = 0;
    while (v) {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    }
    while (n)
        putchar(buf[--n]);
    putchar('\n');
    printf("h=%llx\n", h);
    return 0;
}
