/* time.h - vmdebug libc: the clock.
 *
 * In vmdebug the clock is virtual (docs/processes.md, vmdebug/machine/clock.py):
 * it starts at 2026-01-01 00:00:00 UTC and advances one nanosecond per
 * instruction, so a recorded program reads the same times on every replay;
 * sleeping moves it.  Natively (vmdebug cc --native) it is the real clock. */
#ifndef _VMDEBUG_TIME_H
#define _VMDEBUG_TIME_H
#include <stddef.h>
#include <sys/types.h>

typedef long time_t;
typedef long clock_t;
typedef int clockid_t;

struct timespec {
    time_t tv_sec;
    long tv_nsec;
};

#define CLOCKS_PER_SEC 1000000L
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3

/* Seconds since 1970-01-01 00:00:00 UTC; stored in *t too when t is not NULL. */
time_t time(time_t *t);
/* CPU time the process used, in 1/CLOCKS_PER_SEC seconds. */
clock_t clock(void);
int clock_gettime(clockid_t clk, struct timespec *ts);
int nanosleep(const struct timespec *req, struct timespec *rem);
#endif
