/* siginfo_sender.c - what an SA_SIGINFO handler learns about a signal a process sent:
 * si_code SI_USER and si_pid the sender's pid (kernel/signal.c __send_signal), for
 * kill() of itself and for the SIGPIPE of a write to a pipe nobody reads; with SIGPIPE
 * ignored, that write just fails with EPIPE. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int seen_signo, seen_code, seen_pid;

static void handler(int sig, siginfo_t *info, void *uc)
{
    (void)uc;
    seen_signo = info->si_signo;
    seen_code = info->si_code;
    seen_pid = info->si_pid;
    (void)sig;
}

static void report(const char *what)
{
    printf("%s: signo %d, code %d, from me %d\n", what, seen_signo, seen_code, seen_pid == getpid());
}

int main(void)
{
    struct sigaction sa;
    int fds[2];

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);

    kill(getpid(), SIGUSR1);
    report("kill");
    if (pipe(fds) == 0) {
        close(fds[0]);
        printf("write: %d\n", (int)write(fds[1], "x", 1));
        report("pipe");
        signal(SIGPIPE, SIG_IGN);
        seen_signo = 0;
        printf("ignored: %d, EPIPE %d, signo %d\n", (int)write(fds[1], "x", 1), errno == EPIPE, seen_signo);
    }
    return 0;
}
