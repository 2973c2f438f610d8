/* Patching our own code: .text is mapped read+execute, so the store
 * faults with SEGV_ACCERR at the function's address. */
#include <stdio.h>

int victim(int x) { return x + 1; }

__attribute__((noinline)) void patch(volatile unsigned char *p)
{
    p[0] = 0xc3;
}

int main(void)
{
    printf("victim(1) = %d\n", victim(1));
    patch((volatile unsigned char *)(void *)victim);
    return victim(2);
}
