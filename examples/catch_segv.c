/* catch_segv.c - a handler catches SIGSEGV, and the program goes on.
 *
 * What to look at:
 *   - sigaction installs on_segv for SIGSEGV. A write to page 0 faults as in null_deref.c, but now
 *     the kernel does not end the process: it pushes a signal frame on the stack (the interrupted
 *     registers, siginfo with the faulting address) and starts the handler on it.
 *   - the handler cannot simply return: the faulting instruction would fault again.  It jumps back
 *     to a point saved with setjmp (sigsetjmp's plain cousin), so the program tries the next address.
 *   - bt inside the handler shows the trampoline as gdb does: "<signal handler called>", then the
 *     frame that faulted.
 *
 * Try:
 *   vmdebug debug examples/catch_segv.c
 *   (vmdebug) break on_segv       => Breakpoint 1 at
 *   (vmdebug) run                 the write in probe, before the handler runs (as gdb)  => in probe (where=0x0)
 *   (vmdebug) continue            the handler starts  => Breakpoint 1, on_segv (sig=11
 *   (vmdebug) bt                  on_segv, <signal handler called>, probe  => #1 <signal handler called>
 *   (vmdebug) print *info         si_signo 11, si_code 1 (SEGV_MAPERR)
 *     => {si_signo = 11, si_errno = 0, si_code = 1, {si_addr = 0x0,
 *   (vmdebug) x/8xw $esp          the signal frame the kernel pushed  => 0x0000000b 0xbffffd6c 0xbffffdec
 *   (vmdebug) frame 2             the write that faulted  => #2 0x0804905a in probe (where=0x0)
 *   (vmdebug) continue            the second fault arrives: a read-only page
 *     => 0x00000000: SIGSEGV (no mapping) => probe (where=0x8048000 "\177ELF\001\001\001")
 *   (vmdebug) continue            its handler: Breakpoint 1 again  => Breakpoint 1, on_segv
 *   (vmdebug) print info->si_code  2 (SEGV_ACCERR: mapped, but not writable)  => $2 = 2
 *   (vmdebug) handle SIGSEGV nostop  a next fault would not stop before its handler  => (nothing)
 *   (vmdebug) continue            => a local variable: written => exited normally
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | 0x00000000: SIGSEGV (no mapping)
 *   | 0x08048000: SIGSEGV (no permission)
 *   | a local variable: written
 *   exit status 0
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static jmp_buf retry;

static void on_segv(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)context;
    longjmp(retry, info->si_code == SEGV_MAPERR ? 1 : 2);
}

static void __attribute__((noinline)) probe(volatile char *where)
{
    *where = 'x';
}

int main(void)
{
    struct sigaction sa;
    char local = 0;
    volatile char *targets[3] = {(char *)0, (char *)0x08048000, &local};
    const char *names[3] = {"0x00000000", "0x08048000", "a local variable"};
    int i;
    sa.sa_sigaction = on_segv;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    for (i = 0; i < 3; i++) {
        int why = setjmp(retry);
        if (why == 0) {
            probe(targets[i]);
            printf("%s: written\n", names[i]);
        } else {
            printf("%s: SIGSEGV (%s)\n", names[i], why == 1 ? "no mapping" : "no permission");
        }
    }
    return 0;
}
