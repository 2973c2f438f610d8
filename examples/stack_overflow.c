/* stack_overflow.c - unbounded recursion runs off the end of the stack.
 *
 * What to look at:
 *   - each call of recurse() adds a frame of about 200 bytes (return
 *     address, saved ebp, the frame[] array) below the previous one.
 *   - the stack region grows down on demand, but only up to the stack limit (8 MiB); the
 *     next write below it touches an unmapped page: page fault, SIGSEGV.  The faulting
 *     address is just below the lowest stack page.
 *   (last_frame makes frame[] escape, so gcc -O2 cannot turn the
 *   recursion into a loop.)
 *
 * Try:
 *   vmdebug debug examples/stack_overflow.c
 *   (vmdebug) continue            runs until the fault  => Program received signal SIGSEGV => recurse (n=37447)
 *   (vmdebug) vmmap               the [stack] region at its limit  => rw-p [stack] 8192 KiB
 *   (vmdebug) bt -3               the outermost frames of recurse(), then main
 *     => #37446 0x08049055 in recurse (n=1) => #37448 0x08049091 in main ()
 *   (vmdebug) pagewalk $esp - 4   not present: below the stack  => mapping: none - no VMA covers this address
 *   (vmdebug) explain             => past RLIMIT_STACK (8 MiB)
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | recursing without a base case...
 *   killed by SIGSEGV
 */
#include <stdio.h>

char *volatile last_frame;

int recurse(int n)
{
    char frame[180];
    frame[0] = (char)n;
    last_frame = frame;
    return recurse(n + 1) + frame[0];
}

int main(void)
{
    printf("recursing without a base case...\n");
    return recurse(0);
}
