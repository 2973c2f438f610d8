/* Writing to a string literal: it lives in .rodata, mapped read-only, so
 * the store faults with SEGV_ACCERR (the page is there, the write is not
 * allowed). */
#include <stdio.h>

__attribute__((noinline)) void upcase(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 32);
}

int main(void)
{
    char ok[] = "on the stack";
    upcase(ok);
    printf("%s\n", ok);
    char *lit = "in rodata";
    upcase(lit);
    printf("%s\n", lit);
    return 0;
}
