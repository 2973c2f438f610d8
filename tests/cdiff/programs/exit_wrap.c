/* Exit statuses wrap to 8 bits: exit(300) is 44 to the parent.  _exit skips
 * the atexit handlers that exit() would run. */
//@ args: 300 fast
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void handler(void) { printf("atexit handler ran\n"); }

int main(int argc, char **argv)
{
    atexit(handler);
    int status = argc > 1 ? atoi(argv[1]) : -1;
    printf("exiting with %d\n", status);
    if (argc > 2 && strcmp(argv[2], "fast") == 0)
        _exit(status);
    exit(status);
}
