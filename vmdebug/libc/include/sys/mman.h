/* sys/mman.h - vmdebug libc.  Constants are i386 Linux's
 * (include/uapi/asm-generic/mman-common.h and mman.h).
 *
 * mmap() goes through the mmap2 system call (192), whose last argument is
 * the file offset in 4096-byte pages; an offset that is not a multiple of
 * 4096 fails with EINVAL.  On failure mmap returns MAP_FAILED ((void *)-1)
 * and sets errno. */
#ifndef _VMDEBUG_SYS_MMAN_H
#define _VMDEBUG_SYS_MMAN_H
#include <sys/types.h>

#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON MAP_ANONYMOUS
#define MAP_GROWSDOWN 0x0100
#define MAP_NORESERVE 0x4000
#define MAP_POPULATE 0x8000
#define MAP_FIXED_NOREPLACE 0x100000

#define MAP_FAILED ((void *)-1)

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t length);
int mprotect(void *addr, size_t length, int prot);
#endif
