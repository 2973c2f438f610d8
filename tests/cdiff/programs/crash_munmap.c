/* Anonymous mmap: use two pages, unmap the second, touch it again:
 * SIGSEGV, SEGV_MAPERR at the unmapped address (mmap's placement matches
 * the real kernel's with ASLR off). */
#include <stdio.h>
#include <sys/mman.h>

__attribute__((noinline)) int sum_pages(volatile int *p, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += p[i * 1024];
    return s;
}

int main(void)
{
    int *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 1;
    p[0] = 3;
    p[1024] = 4;
    printf("sum %d\n", sum_pages(p, 2));
    printf("munmap %d\n", munmap(p + 1024, 4096));
    printf("sum %d\n", sum_pages(p, 2));
    return 0;
}
