/* recursion_frames.c - how a call builds a stack frame (cdecl, i386).
 *
 * What to look at:
 *   - add3(1, 2, 3): the caller pushes the arguments RIGHT TO LEFT (3, then
 *     2, then 1), so the first argument ends up at the lowest address,
 *     [ebp+8] inside add3; `call` pushes the return address ([ebp+4]).
 *   - factorial(n): every call pushes the caller's ebp (saved ebp, [ebp]),
 *     then makes room for its locals below it ([ebp-4], ...).  Each frame
 *     links to the previous one through the saved ebp: that chain is what
 *     `bt` walks.
 *   Compile at -O0 (the default) to see one frame per call; at -O2 gcc
 *   turns the recursion into a loop and inlines add3.
 *
 * Try:
 *   vmdebug debug examples/recursion_frames.c
 *   (vmdebug) break add3
 *   (vmdebug) continue
 *   (vmdebug) x/8xw $esp          the return address, then 1, 2, 3
 *   (vmdebug) break factorial
 *   (vmdebug) continue            (four more times: one frame per call)
 *   (vmdebug) bt                  the chain of saved ebp values, innermost first
 *   (vmdebug) stack               the frames drawn: args, return address, saved ebp, locals
 *   (vmdebug) reverse-stepi       step backwards: watch a push being undone
 *   (vmdebug) explain
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | add3(1, 2, 3) = 6
 *   | factorial(5) = 120
 *   exit status 0
 */
#include <stdio.h>

int add3(int a, int b, int c)
{
    return a + b + c;
}

int factorial(int n)
{
    int result; /* a local: in this call's frame, below the saved ebp */
    if (n <= 1)
        return 1;
    result = n * factorial(n - 1);
    return result;
}

int main(void)
{
    printf("add3(1, 2, 3) = %d\n", add3(1, 2, 3));
    printf("factorial(5) = %d\n", factorial(5));
    return 0;
}
