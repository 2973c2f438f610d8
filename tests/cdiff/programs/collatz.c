/* Collatz sequences with long long values: the longest chain below a
 * bound, the highest value reached, and a memo table in .bss. */
#include <stdio.h>

static unsigned short memo[1000];

static int chain(unsigned long long n, unsigned long long *peak)
{
    int steps = 0;
    while (n != 1) {
        if (n < 1000 && memo[n])
            return steps + memo[n];
        n = n & 1 ? 3 * n + 1 : n >> 1;
        if (n > *peak)
            *peak = n;
        steps++;
    }
    return steps;
}

int main(void)
{
    int best = 0;
    unsigned best_n = 0;
    unsigned long long peak = 0;
    for (unsigned n = 1; n < 1000; n++) {
        int c = chain(n, &peak);
        memo[n] = (unsigned short)c;
        if (c > best) {
            best = c;
            best_n = n;
        }
    }
    printf("longest below 1000: %u (%d steps), peak %llu\n", best_n, best, peak);
    unsigned long long big = 0x7fffffffffULL, p2 = 0;
    printf("chain(%llu) = %d, peak %llx\n", big, chain(big, &p2), p2);
    return best % 256;
}
