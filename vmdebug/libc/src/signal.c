/* signal.c - signal handlers: sigaction, signal, sigprocmask and the sigset
 * functions, with glibc's restorers (sysdeps/unix/sysv/linux/i386/sigaction.c):
 * a handler returns into __restore (pop eax; mov eax, 119; int 0x80: sigreturn)
 * or, with SA_SIGINFO, __restore_rt (mov eax, 173; int 0x80: rt_sigreturn).
 * gdb recognises these bytes as a signal trampoline.  Intel syntax. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include "sys.h"

#define SYS_rt_sigaction 174
#define SYS_rt_sigprocmask 175
#define SA_RESTORER 0x04000000

void __restore(void);
void __restore_rt(void);

__asm__(
    ".text\n"
    ".align 8\n"
    ".globl __restore\n"
    ".type __restore, @function\n"
    "__restore:\n"
    "    pop eax\n"
    "    mov eax, 119\n"
    "    int 0x80\n"
    ".size __restore, .-__restore\n"
    ".align 8\n"
    ".globl __restore_rt\n"
    ".type __restore_rt, @function\n"
    "__restore_rt:\n"
    "    mov eax, 173\n"
    "    int 0x80\n"
    ".size __restore_rt, .-__restore_rt\n");

struct kernel_sigaction {
    void *handler;
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask[2];
};

int sigaction(int sig, const struct sigaction *act, struct sigaction *oldact)
{
    struct kernel_sigaction kact, koact;
    long r;
    if (act) {
        kact.handler = (void *)act->sa_handler;
        kact.flags = (unsigned long)act->sa_flags | SA_RESTORER;
        kact.restorer = (act->sa_flags & SA_SIGINFO) ? __restore_rt : __restore;
        kact.mask[0] = (unsigned long)act->sa_mask;
        kact.mask[1] = (unsigned long)(act->sa_mask >> 32);
    }
    r = check(sys4(SYS_rt_sigaction, sig, act ? (long)&kact : 0, oldact ? (long)&koact : 0, 8));
    if (r == 0 && oldact) {
        oldact->sa_handler = (sighandler_t)koact.handler;
        oldact->sa_flags = (int)(koact.flags & ~SA_RESTORER);
        oldact->sa_restorer = koact.restorer;
        oldact->sa_mask = koact.mask[0] | ((sigset_t)koact.mask[1] << 32);
    }
    return (int)r;
}

sighandler_t signal(int sig, sighandler_t handler)
{
    struct sigaction act, old;
    act.sa_handler = handler;
    act.sa_mask = 0;
    act.sa_flags = SA_RESTART;
    if (sigaction(sig, &act, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *oldset)
{
    return (int)check(sys4(SYS_rt_sigprocmask, how, (long)set, (long)oldset, 8));
}

int sigemptyset(sigset_t *set)
{
    *set = 0;
    return 0;
}

int sigfillset(sigset_t *set)
{
    *set = ~(sigset_t)0;
    return 0;
}

static int valid(int sig)
{
    if (sig < 1 || sig > 64) {
        errno = EINVAL;
        return 0;
    }
    return 1;
}

int sigaddset(sigset_t *set, int sig)
{
    if (!valid(sig))
        return -1;
    *set |= (sigset_t)1 << (sig - 1);
    return 0;
}

int sigdelset(sigset_t *set, int sig)
{
    if (!valid(sig))
        return -1;
    *set &= ~((sigset_t)1 << (sig - 1));
    return 0;
}

int sigismember(const sigset_t *set, int sig)
{
    if (!valid(sig))
        return -1;
    return (int)((*set >> (sig - 1)) & 1);
}
