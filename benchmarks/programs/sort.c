/* sort.c - benchmark workload: fill an array with a PRNG, insertion-sort it, print a checksum. */
#include <stdio.h>

#define N 400

static unsigned int seed = 12345;
static int data[N];

static unsigned int next(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) & 0xffff;
}

static void insertion_sort(int *a, int n)
{
    for (int i = 1; i < n; i++) {
        int v = a[i], j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

int main(void)
{
    for (int i = 0; i < N; i++)
        data[i] = (int)next();
    insertion_sort(data, N);
    unsigned int sum = 0;
    for (int i = 0; i < N; i++)
        sum = sum * 31 + (unsigned int)data[i];
    printf("sorted %d values, checksum %u\n", N, sum);
    return 0;
}
