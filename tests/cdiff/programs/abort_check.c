/* abort() after a failed check: the vmdebug libc writes "abort" to stderr
 * and exits with status 134 (128 + SIGABRT) on both machines. */
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
