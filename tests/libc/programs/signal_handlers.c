#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static jmp_buf back;
static volatile int caught;

static void on_segv(int sig, siginfo_t *info, void *ctx)
{
    caught++;
    printf("caught signal %d, code %d, address %p\n", sig, info->si_code, info->si_addr);
    longjmp(back, 1);
}

static void on_usr1(int sig)
{
    printf("usr1 handler: %d\n", sig);
}

int main(void)
{
    struct sigaction sa;
    sa.sa_sigaction = on_segv;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    signal(SIGUSR1, on_usr1);
    printf("raise: %d\n", raise(SIGUSR1));
    if (setjmp(back) == 0) {
        int *p = (int *)16;
        *p = 1;
    }
    if (setjmp(back) == 0) {
        volatile char *q = (char *)0x8048000;
        q[0] = 'x';        /* read-only ELF header page */
    }
    printf("caught %d times\n", caught);
    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);
    printf("ignored\n");
    signal(SIGUSR1, SIG_DFL);
    raise(SIGUSR1);
    printf("not reached\n");
    return 0;
}
