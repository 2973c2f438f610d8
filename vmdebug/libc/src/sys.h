/* sys.h - the i386 Linux system call, as every libc source makes it (private to src/).
 *
 * `int 0x80` with eax = the number, ebx ecx edx esi = the arguments, the
 * result in eax (arch/x86/entry/entry_32.S).  A result in [-4095, -1] is
 * -ERRNO (include/linux/err.h, MAX_ERRNO): check() stores ERRNO in errno and
 * returns -1, as glibc's INLINE_SYSCALL does.  Intel syntax: every source is
 * compiled with -masm=intel (build.py). */
#ifndef _VMDEBUG_SRC_SYS_H
#define _VMDEBUG_SRC_SYS_H
#include <errno.h>

static inline long sys0(long n)
{
    long ret;
    __asm__ volatile("int 0x80" : "=a"(ret) : "a"(n) : "memory");
    return ret;
}

static inline long sys1(long n, long a)
{
    long ret;
    __asm__ volatile("int 0x80" : "=a"(ret) : "a"(n), "b"(a) : "memory");
    return ret;
}

static inline long sys2(long n, long a, long b)
{
    long ret;
    __asm__ volatile("int 0x80" : "=a"(ret) : "a"(n), "b"(a), "c"(b) : "memory");
    return ret;
}

static inline long sys3(long n, long a, long b, long c)
{
    long ret;
    __asm__ volatile("int 0x80" : "=a"(ret) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
    return ret;
}

static inline long sys4(long n, long a, long b, long c, long d)
{
    long ret;
    __asm__ volatile("int 0x80" : "=a"(ret) : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d) : "memory");
    return ret;
}

/* Turn a raw kernel result into the C convention (-1 and errno). */
static inline long check(long ret)
{
    if ((unsigned long)ret > (unsigned long)-4096) {
        errno = (int)-ret;
        return -1;
    }
    return ret;
}
#endif
