/* syscall.c - the system call layer of the vmdebug libc.
 *
 * i386 Linux system calls go through `int 0x80` (arch/x86/entry/entry_32.S):
 * eax = system call number, ebx ecx edx esi edi ebp = arguments 1..6, result
 * in eax.  A result in [-4095, -1] is -ERRNO (include/linux/err.h,
 * MAX_ERRNO); the wrappers store ERRNO in errno and return -1, as glibc's
 * INLINE_SYSCALL does.
 *
 * The inline assembly is written in Intel syntax because this file is only
 * ever compiled with -masm=intel (see build.py).  Numbers are from
 * arch/x86/entry/syscalls/syscall_32.tbl. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>
#include "sys.h"

#define SYS_exit 1
#define SYS_read 3
#define SYS_write 4
#define SYS_brk 45
#define SYS_munmap 91
#define SYS_mprotect 125
#define SYS_mmap2 192
#define SYS_exit_group 252
#define SYS_getpid 20
#define SYS_kill 37

int errno;

/* Six arguments need ebp too, which cannot be named in an asm constraint
 * while it may be the frame pointer: the arguments are passed in memory
 * (pointer in ecx), ebp is saved on the stack around the trap. */
long __syscall6(long number, long a1, long a2, long a3, long a4, long a5, long a6)
{
    long args[6];
    long *p = args;
    long ret;
    args[0] = a1;
    args[1] = a2;
    args[2] = a3;
    args[3] = a4;
    args[4] = a5;
    args[5] = a6;
    __asm__ volatile(
        "push ebp\n\t"
        "mov ebx, DWORD PTR [ecx]\n\t"
        "mov edx, DWORD PTR [ecx+8]\n\t"
        "mov esi, DWORD PTR [ecx+12]\n\t"
        "mov edi, DWORD PTR [ecx+16]\n\t"
        "mov ebp, DWORD PTR [ecx+20]\n\t"
        "mov ecx, DWORD PTR [ecx+4]\n\t"
        "int 0x80\n\t"
        "pop ebp"
        : "=a"(ret), "+c"(p)
        : "a"(number)
        : "ebx", "edx", "esi", "edi", "memory");
    return ret;
}

ssize_t read(int fd, void *buf, size_t count)
{
    return check(sys3(SYS_read, fd, (long)buf, (long)count));
}

ssize_t write(int fd, const void *buf, size_t count)
{
    return check(sys3(SYS_write, fd, (long)buf, (long)count));
}

void _exit(int status)
{
    /* exit_group ends every thread; there is only one, but it is what
     * glibc's _exit uses.  SYS_exit follows in case exit_group is refused. */
    sys1(SYS_exit_group, status);
    for (;;)
        sys1(SYS_exit, status);
}

/* The raw brk(2) system call (mm/mmap.c, SYSCALL_DEFINE1(brk)): it returns
 * the new break on success and the unchanged break on failure. */
void *__brk_syscall(void *addr)
{
    return (void *)sys1(SYS_brk, (long)addr);
}

/* The current break as last seen by brk()/sbrk(); 0 until first asked. */
static char *current_break;

int brk(void *addr)
{
    char *result = __brk_syscall(addr);
    current_break = result;
    if (result != (char *)addr) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

void *sbrk(intptr_t increment)
{
    char *old;
    char *wanted;
    if (current_break == NULL)
        current_break = __brk_syscall(NULL);
    old = current_break;
    if (increment == 0)
        return old;
    wanted = old + increment;
    /* Refuse a request that would wrap around the address space. */
    if ((increment > 0 && wanted < old) || (increment < 0 && wanted > old)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    current_break = __brk_syscall(wanted);
    if (current_break != wanted) {
        errno = ENOMEM;
        return (void *)-1;
    }
    return old;
}

void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
    /* mmap2 takes the offset in 4096-byte units (mm/mmap.c, sys_mmap_pgoff). */
    if (offset < 0 || (offset & 4095) != 0) {
        errno = EINVAL;
        return MAP_FAILED;
    }
    return (void *)check(__syscall6(SYS_mmap2, (long)addr, (long)length, prot, flags, fd,
                                    offset >> 12));
}

int munmap(void *addr, size_t length)
{
    return (int)check(sys2(SYS_munmap, (long)addr, (long)length));
}

int mprotect(void *addr, size_t length, int prot)
{
    return (int)check(sys3(SYS_mprotect, (long)addr, (long)length, prot));
}

pid_t getpid(void)
{
    return (pid_t)sys0(SYS_getpid);
}

/* kill(2) (kernel/signal.c): a signal whose default action ends the process
 * ends it here too, with that signal (status 128 + signal in a shell). */
int kill(pid_t pid, int sig)
{
    return (int)check(sys2(SYS_kill, pid, sig));
}

int raise(int sig)
{
    return kill(getpid(), sig);
}
