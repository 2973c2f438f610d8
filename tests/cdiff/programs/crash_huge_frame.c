/* One frame larger than the whole 8 MiB stack limit: `sub esp, 16 MiB`
 * works, the first store into the array (its low end, far below the stack)
 * faults: SIGSEGV, SEGV_MAPERR, at a fixed distance from esp. */
#include <stdio.h>

char *volatile keep;

__attribute__((noinline)) int huge(int n)
{
    char area[16 << 20];
    keep = area;
    area[0] = (char)n;
    area[n] = 1;
    return area[0] + area[n];
}

int main(void)
{
    printf("allocating 16 MiB on the stack\n");
    return huge(12);
}
