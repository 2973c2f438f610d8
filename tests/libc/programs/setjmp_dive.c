#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static int depth;

static void dive(int n)
{
    depth = n;
    if (n == 5)
        longjmp(env, n * 10);
    dive(n + 1);
    printf("not reached\n");
}

int main(void)
{
    volatile int tries = 0;
    int r = setjmp(env);
    tries++;
    printf("setjmp returned %d (try %d, depth %d)\n", r, tries, depth);
    if (r == 0)
        dive(1);
    if (tries < 3) {
        depth = 0;
        longjmp(env, 0);
    }
    printf("done\n");
    return 0;
}
