/* signal.h - vmdebug libc: signal numbers (arch/x86/include/uapi/asm/signal.h),
 * the calls that send them, and handlers (signal, sigaction): the kernel runs
 * a handler on a signal frame pushed on the stack, and its return goes
 * through sa_restorer to sigreturn (signal.c). */
#ifndef _VMDEBUG_SIGNAL_H
#define _VMDEBUG_SIGNAL_H
#include <sys/types.h>

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17

#define SIGSTOP 19

/* kill(2): send sig to the process pid; 0, or -1 and errno. */
int kill(pid_t pid, int sig);
/* raise(sig): kill(getpid(), sig). */
int raise(int sig);

typedef int sig_atomic_t;                 /* glibc bits/types/sig_atomic_t.h: an int on i386 */
typedef void (*sighandler_t)(int);
typedef unsigned long long sigset_t;     /* the kernel's 64 signals (glibc's is larger) */

#define SIG_DFL ((sighandler_t)0)
#define SIG_IGN ((sighandler_t)1)
#define SIG_ERR ((sighandler_t)-1)

#define SA_NOCLDSTOP 1
#define SA_SIGINFO 4
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

typedef struct {
    int si_signo;
    int si_errno;
    int si_code;
    union {
        void *si_addr;          /* SIGSEGV, SIGBUS, SIGILL, SIGFPE: the faulting address */
        int si_pid;             /* kill: the sender */
        int __pad[29];
    };
} siginfo_t;

struct sigaction {
    union {
        sighandler_t sa_handler;
        void (*sa_sigaction)(int, siginfo_t *, void *);
    };
    sigset_t sa_mask;
    int sa_flags;
    void (*sa_restorer)(void);
};

#define SEGV_MAPERR 1
#define SEGV_ACCERR 2

/* signal(sig, handler): install handler (as glibc: SA_RESTART, and the old
 * action returned); SIG_ERR and errno on failure. */
sighandler_t signal(int sig, sighandler_t handler);
int sigaction(int sig, const struct sigaction *act, struct sigaction *oldact);
int sigprocmask(int how, const sigset_t *set, sigset_t *oldset);
int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);
#endif
