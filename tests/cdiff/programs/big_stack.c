/* Large stack frames: a 256 KiB local array makes the stack region grow
 * page by page as it is touched (from the far end first), a deep-but-bounded
 * recursion, and alloca-like VLAs of run-time size. */
//@ args: 300
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static unsigned big_frame(unsigned seed)
{
    unsigned char area[256 * 1024];
    for (int i = 0; i < (int)sizeof area; i += 4096)
        area[i] = (unsigned char)(seed + (unsigned)i / 4096);
    unsigned s = 0;
    for (int i = (int)sizeof area - 4096; i >= 0; i -= 4096)
        s = s * 31 + area[i];
    return s;
}

__attribute__((noinline)) static int deep(int n)
{
    volatile char pad[200];
    pad[0] = (char)n;
    if (n == 0)
        return 0;
    return deep(n - 1) + pad[0] % 3;
}

__attribute__((noinline)) static long vla_sum(int n)
{
    int v[n];
    for (int i = 0; i < n; i++)
        v[i] = i * i;
    long s = 0;
    for (int i = n - 1; i >= 0; i -= 7)
        s += v[i];
    return s;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10;
    printf("big_frame %u\n", big_frame(7));
    printf("deep(%d) = %d\n", n * 10, deep(n * 10));
    printf("vla_sum(%d) = %ld, vla_sum(%d) = %ld\n", n, vla_sum(n), n * 50, vla_sum(n * 50));
    return 0;
}
