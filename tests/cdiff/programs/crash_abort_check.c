/* abort() after a failed check: abort() raises SIGABRT, as glibc's does,
 * and the process dies of it on both machines (a shell shows 134). */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) void check(int ok, const char *what)
{
    printf("checking %s\n", what);
    if (!ok)
        abort();
}

int main(void)
{
    check(1, "first");
    check(2 + 2 == 5, "arithmetic");
    printf("not reached\n");
    return 0;
}
