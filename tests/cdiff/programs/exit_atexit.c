/* exit() from deep inside the call chain with a status other than 0;
 * atexit handlers run in reverse order first. */
//@ args: 3
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("atexit: first registered, runs last\n"); }
static void second(void) { printf("atexit: second registered, runs first\n"); }

__attribute__((noinline)) static void dive(int depth, int status)
{
    if (depth == 0) {
        printf("leaving with %d\n", status);
        exit(status);
    }
    dive(depth - 1, status + depth);
    printf("not reached\n");
}

int main(int argc, char **argv)
{
    atexit(first);
    atexit(second);
    int depth = argc > 1 ? atoi(argv[1]) : 1;
    dive(depth, 70);
    return 0;
}
