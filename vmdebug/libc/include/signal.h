/* signal.h - vmdebug libc: signal numbers (arch/x86/include/uapi/asm/signal.h)
 * and the calls that send them.  There are no handlers: every signal has
 * its default action. */
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

/* kill(2): send sig to the process pid (its default action); 0, or -1 and errno. */
int kill(pid_t pid, int sig);
/* raise(sig): kill(getpid(), sig). */
int raise(int sig);
#endif
