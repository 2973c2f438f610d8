/* recursion_frames.c - how a call builds a stack frame (cdecl, i386).
 *
 * What to look at:
 *   - add3(1, 2, 3): the caller pushes the arguments RIGHT TO LEFT (3, then
 *     2, then 1), so the first argument ends up at the lowest address,
 *     [ebp+8] inside add3; `call` pushes the return address ([ebp+4]).
 *   - factorial(n): every call pushes the caller's ebp (saved ebp, [ebp]),
 *     then makes room for its locals below it ([ebp-4], ...).  Each frame
 *     links to the previous one through the saved ebp: `bt` walks that chain.
 *   Compile at -O0 (the default) to see one frame per call; at -O2 gcc
 *   turns the recursion into a loop and inlines add3.
 *
 * Try:
 *   vmdebug debug examples/recursion_frames.c
 *   (vmdebug) break add3          => Breakpoint 1 at 0x804902c: file examples/recursion_frames.c, line 35.
 *   (vmdebug) continue            => Breakpoint 1, add3 (a=1, b=2, c=3)
 *   (vmdebug) x/8xw $esp          saved ebp, return address, then 1, 2, 3  => 0xbffffeb8 0x0804908a 0x00000001
 *   (vmdebug) break factorial     => Breakpoint 2 at
 *   (vmdebug) continue            => Breakpoint 2, factorial (n=5)
 *   (vmdebug) continue 4          four more calls, one frame each  => Breakpoint 2, factorial (n=1)
 *   (vmdebug) bt                  innermost first, up the saved ebp chain  => #4 0x0804905d in factorial (n=5)
 *   (vmdebug) stack               args, return address, saved ebp, locals  => 0x0804905d return address ->
 *   (vmdebug) reverse-stepi       step backwards: a push undone  => 0x0804903e 39 {
 *   (vmdebug) explain             => The process exits normally with status 0 at step 1853
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
