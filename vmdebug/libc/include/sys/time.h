/* sys/time.h - vmdebug libc: gettimeofday (the virtual clock: see time.h). */
#ifndef _VMDEBUG_SYS_TIME_H
#define _VMDEBUG_SYS_TIME_H
#include <time.h>

struct timeval {
    time_t tv_sec;
    long tv_usec;
};

struct timezone {
    int tz_minuteswest;
    int tz_dsttime;
};

int gettimeofday(struct timeval *tv, void *tz);
#endif
