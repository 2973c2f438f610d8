/* Pseudo-random generators: the libc's rand()/srand(), xorshift32,
 * xorshift64*, and a shuffle plus histogram driven by them. */
#include <stdio.h>
#include <stdlib.h>

static unsigned xs32(unsigned *s)
{
    unsigned x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static unsigned long long xs64(unsigned long long *s)
{
    unsigned long long x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

int main(void)
{
    srand(42);
    for (int i = 0; i < 8; i++)
        printf("%d ", rand());
    printf("\n");
    srand(1);
    int hist[10] = {0};
    for (int i = 0; i < 500; i++)
        hist[rand() % 10]++;
    for (int i = 0; i < 10; i++)
        printf("%d ", hist[i]);
    printf("\n");
    unsigned s = 1;
    for (int i = 0; i < 5; i++)
        printf("%u ", xs32(&s));
    printf("\n");
    unsigned long long s64 = 88172645463325252ULL;
    for (int i = 0; i < 3; i++) {
        unsigned long long r = xs64(&s64);
        printf("%08x%08x ", (unsigned)(r >> 32), (unsigned)r);
    }
    printf("\n");
    int deck[20];
    for (int i = 0; i < 20; i++)
        deck[i] = i;
    for (int i = 19; i > 0; i--) {
        int j = (int)(xs32(&s) % (unsigned)(i + 1));
        int t = deck[i];
        deck[i] = deck[j];
        deck[j] = t;
    }
    for (int i = 0; i < 20; i++)
        printf("%d ", deck[i]);
    printf("\n");
    return deck[0];
}
