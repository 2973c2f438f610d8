/* sys/types.h - vmdebug libc, i386 Linux sizes. */
#ifndef _VMDEBUG_SYS_TYPES_H
#define _VMDEBUG_SYS_TYPES_H
#include <stddef.h>
typedef int ssize_t;
typedef long off_t;
typedef int pid_t;
typedef unsigned int mode_t;
#endif
