/* fcntl.h - vmdebug libc: open(2) and its flags (i386 Linux values). */
#ifndef _VMDEBUG_FCNTL_H
#define _VMDEBUG_FCNTL_H
#include <sys/types.h>

#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_EXCL 0200
#define O_TRUNC 01000
#define O_APPEND 02000
#define O_CLOEXEC 02000000
#define AT_FDCWD (-100)

/* open(path, flags[, mode]): a descriptor, or -1 and errno. */
int open(const char *path, int flags, ...);
int creat(const char *path, mode_t mode);
#endif
