/* mprotect a page read-only, read it (fine), write it: SIGSEGV,
 * SEGV_ACCERR (the page is mapped, the write is not allowed). */
#include <stdio.h>
#include <sys/mman.h>

__attribute__((noinline)) void store(volatile char *p, int off, char v)
{
    p[off] = v;
}

int main(void)
{
    char *p = mmap(0, 4096 * 3, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    store(p, 5000, 'a');
    printf("mprotect %d\n", mprotect(p + 4096, 4096, PROT_READ));
    printf("read back %c\n", p[5000]);
    store(p, 100, 'b');
    store(p, 9000, 'c');
    store(p, 5001, 'd');
    printf("not reached\n");
    return 0;
}
