/* process.c - processes and pipes in the vmdebug libc: fork, wait, waitpid,
 * getppid, pipe, close, dup, dup2.
 *
 * Each is one i386 Linux system call made with `int 0x80`
 * (arch/x86/entry/syscalls/syscall_32.tbl), with glibc's convention for
 * errors: -1 and errno.  Compiled with -masm=intel, like syscall.c. */
#include <errno.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys.h"

#define SYS_fork 2
#define SYS_close 6
#define SYS_waitpid 7
#define SYS_dup 41
#define SYS_pipe 42
#define SYS_dup2 63
#define SYS_getppid 64
#define SYS_wait4 114

/* fork(2): 0 in the child, the child's pid in the parent, -1 on failure.
 * Both go on from here with the same memory, copied on the first write. */
pid_t fork(void)
{
    return (pid_t)check(sys0(SYS_fork));
}

pid_t getppid(void)
{
    return (pid_t)sys0(SYS_getppid);
}

/* waitpid(2) as glibc makes it: wait4(pid, status, options, NULL). */
pid_t waitpid(pid_t pid, int *status, int options)
{
    return (pid_t)check(sys4(SYS_wait4, pid, (long)status, options, 0));
}

pid_t wait(int *status)
{
    return waitpid(-1, status, 0);
}

int pipe(int fds[2])
{
    return (int)check(sys1(SYS_pipe, (long)fds));
}

int close(int fd)
{
    return (int)check(sys1(SYS_close, fd));
}

int dup(int fd)
{
    return (int)check(sys1(SYS_dup, fd));
}

int dup2(int fd, int newfd)
{
    return (int)check(sys2(SYS_dup2, fd, newfd));
}
