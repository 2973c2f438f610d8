/* exit.c - process termination: exit, _Exit, atexit, abort, assert. */
#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ATEXIT_MAX 32

static void (*handlers[ATEXIT_MAX])(void);
static int handler_count;

int atexit(void (*fn)(void))
{
    if (handler_count == ATEXIT_MAX)
        return -1;
    handlers[handler_count++] = fn;
    return 0;
}

/* C11 7.22.4.4: handlers run in reverse order of registration.  stdio is
 * unbuffered (see stdio.h), so there is nothing to flush. */
void exit(int status)
{
    while (handler_count > 0)
        handlers[--handler_count]();
    _exit(status);
}

void _Exit(int status)
{
    _exit(status);
}

/* See stdlib.h: SIGABRT, as glibc's abort raises it (stdlib/abort.c); its
 * default action ends the process, so a shell shows status 134 (128 + 6). */
void abort(void)
{
    raise(SIGABRT);
    _exit(127);     /* not reached: nothing catches SIGABRT */
}

void __assert_fail(const char *expr, const char *file, unsigned int line, const char *func)
{
    fprintf(stderr, "%s:%u: %s: Assertion `%s' failed.\n", file, line, func, expr);
    abort();
}
