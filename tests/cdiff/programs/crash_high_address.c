/* Reading from the top of the 4 GiB address space, above the stack: a
 * 32-bit process on a 64-bit kernel owns it all, but nothing is mapped
 * there: SIGSEGV, SEGV_MAPERR at 0xfffffff0. */
#include <stdio.h>

__attribute__((noinline)) unsigned peek(unsigned long addr)
{
    return *(volatile unsigned *)addr;
}

int main(void)
{
    static unsigned here = 0xabcd;
    printf("%x\n", peek((unsigned long)&here));
    printf("%x\n", peek(0xfffffff0UL));
    return 0;
}
