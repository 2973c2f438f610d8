/* time.c - the clock: time, clock, clock_gettime, gettimeofday, nanosleep,
 * sleep and usleep, each one i386 Linux system call (time 13, gettimeofday 78,
 * clock_gettime 265, nanosleep 162) with glibc's conventions.  Compiled with
 * -masm=intel, like syscall.c. */
#include <errno.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "sys.h"

#define SYS_time 13
#define SYS_gettimeofday 78
#define SYS_nanosleep 162
#define SYS_clock_gettime 265

time_t time(time_t *t)
{
    return (time_t)check(sys2(SYS_time, (long)t, 0));
}

int gettimeofday(struct timeval *tv, void *tz)
{
    return (int)check(sys2(SYS_gettimeofday, (long)tv, (long)tz));
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
    return (int)check(sys2(SYS_clock_gettime, clk, (long)ts));
}

/* glibc's clock(): the process's CPU time, in microseconds. */
clock_t clock(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return (clock_t)-1;
    return ts.tv_sec * CLOCKS_PER_SEC + ts.tv_nsec / 1000;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    return (int)check(sys2(SYS_nanosleep, (long)req, (long)rem));
}

/* sleep(3): 0, or the seconds left when a signal interrupted the sleep. */
unsigned int sleep(unsigned int seconds)
{
    struct timespec req = {(time_t)seconds, 0}, rem = {0, 0};
    if (nanosleep(&req, &rem) != 0)
        return (unsigned int)rem.tv_sec + (rem.tv_nsec != 0);
    return 0;
}

int usleep(unsigned int usec)
{
    struct timespec req = {(time_t)(usec / 1000000), (long)(usec % 1000000) * 1000};
    return nanosleep(&req, NULL);
}
