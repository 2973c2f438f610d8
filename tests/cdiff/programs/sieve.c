/* The sieve of Eratosthenes in a bit array in .bss, prime counting, twin
 * primes, and a segmented count with a char array on the stack. */
#include <stdio.h>

#define LIMIT 6000
static unsigned composite[LIMIT / 32 + 1];

static int is_composite(int n) { return composite[n >> 5] >> (n & 31) & 1; }

int main(void)
{
    composite[0] |= 3;
    for (int i = 2; i * i < LIMIT; i++)
        if (!is_composite(i))
            for (int j = i * i; j < LIMIT; j += i)
                composite[j >> 5] |= 1u << (j & 31);
    int count = 0, twins = 0, last = 0;
    for (int i = 2; i < LIMIT; i++)
        if (!is_composite(i)) {
            count++;
            if (i - last == 2)
                twins++;
            last = i;
        }
    printf("primes below %d: %d, twin pairs %d, largest %d\n", LIMIT, count, twins, last);
    for (int i = 0; i < 100; i++)
        if (!is_composite(i))
            printf("%d ", i);
    printf("\n");
    char seg[1000];
    int base = 100000, found = 0;
    for (int i = 0; i < 300; i++)
        seg[i] = 1;
    for (int p = 2; p * p < base + 300; p++) {
        if (p < LIMIT && is_composite(p))
            continue;
        int start = (base + p - 1) / p * p;
        for (int j = start; j < base + 300; j += p)
            seg[j - base] = 0;
    }
    for (int i = 0; i < 300; i++)
        if (seg[i]) {
            if (found < 5)
                printf("%d ", base + i);
            found++;
        }
    printf("\n%d primes in [%d, %d)\n", found, base, base + 300);
    return count % 256;
}
