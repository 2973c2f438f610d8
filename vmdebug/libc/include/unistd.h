/* unistd.h - vmdebug libc: thin wrappers around i386 Linux system calls
 * made with `int 0x80` (eax = number, ebx, ecx, edx, esi, edi, ebp = args;
 * the kernel returns -ERRNO in eax on failure, the wrapper stores ERRNO in
 * errno and returns -1). */
#ifndef _VMDEBUG_UNISTD_H
#define _VMDEBUG_UNISTD_H
#include <sys/types.h>
#include <stdint.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);

/* getpid(2): this process's id; getppid(2): its parent's. */
pid_t getpid(void);
pid_t getppid(void);

/* fork(2): a copy of this process; 0 in the child, the child's pid in the
 * parent, -1 with errno on failure. */
pid_t fork(void);

/* pipe(2): fds[0] reads what fds[1] writes.  close, dup and dup2 as POSIX. */
int pipe(int fds[2]);
int close(int fd);
int dup(int fd);
int dup2(int fd, int newfd);

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
/* lseek(2) and unlink(2) (file.c); open is in fcntl.h. */
off_t lseek(int fd, off_t offset, int whence);
int unlink(const char *path);

/* sleep(3) and usleep(3) (time.c): nanosleep on the clock (virtual in vmdebug). */
unsigned int sleep(unsigned int seconds);
int usleep(unsigned int usec);

/* exit_group(2) (syscall 252) at once: no atexit handlers. */
void _exit(int status) __attribute__((noreturn));

/* brk(addr): sets the program break to addr; 0 on success, -1 with
 * errno = ENOMEM if the kernel refused (the raw syscall then returns the
 * unchanged break).  sbrk(inc): moves the break by inc bytes and returns the
 * PREVIOUS break (so sbrk(0) is the current break), or (void *)-1 with
 * errno = ENOMEM. */
int brk(void *addr);
void *sbrk(intptr_t increment);

/* The raw brk system call (45): returns the new break, or the unchanged
 * break if the request failed.  __brk_syscall(0) asks for the current one. */
void *__brk_syscall(void *addr);

/* Generic system call: returns the raw kernel result (-ERRNO on failure). */
long __syscall6(long number, long a1, long a2, long a3, long a4, long a5, long a6);
#endif
