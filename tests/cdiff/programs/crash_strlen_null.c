/* A NULL string handed to the libc: strlen(NULL) faults inside strlen,
 * so the faulting function is the libc's strlen, not main (printf's %s
 * prints "(null)" instead, as glibc's does). */
#include <stdio.h>
#include <string.h>

static const char *names[] = {"alpha", "beta", 0, "delta"};

int main(void)
{
    unsigned total = 0;
    for (int i = 0; i < 4; i++) {
        printf("%s\n", names[i]);
        total += (unsigned)strlen(names[i]);
    }
    return (int)total;
}
