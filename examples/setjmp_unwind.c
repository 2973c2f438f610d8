/* setjmp_unwind.c - longjmp leaves many frames at once.
 *
 * What to look at:
 *   - setjmp saves what a call must preserve (ebx, esi, edi, ebp), the stack
 *     pointer and where it returns to: 24 bytes in a jmp_buf. It returns 0.
 *   - parse() recurses once per '(' and, on bad input, longjmp()s back:
 *     setjmp returns a second time, now with the error code, and every frame
 *     in between is gone at once - no function returned.
 *   - the stack memory of those frames is still there, below esp: nothing
 *     erases it, it is just no longer anybody's.
 *
 * Try:
 *   vmdebug debug examples/setjmp_unwind.c
 *   (vmdebug) break fail          => Breakpoint 1 at
 *   (vmdebug) run                 => Breakpoint 1, fail (code=2)
 *   (vmdebug) bt                  fail, parse five times, run, main  => #5 0x08049070 in parse () => #7
 *   (vmdebug) print/x where       the jmp_buf: ebx esi edi ebp esp eip  => {0x0, 0x0, 0x0, 0xbffffe98,
 *   (vmdebug) next                past longjmp: back in run, mid-line, where setjmp
 *                                 returns again (gdb stops there too)  => 0x08049108 in run (
 *   (vmdebug) bt                  only run and main are left  => #1 0x08049179 in main ()
 *   (vmdebug) x/16xw $esp - 64    the abandoned frames' bytes, still there  => 0xbffffe58 0x08049070
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | (((7))) = 7
 *   | ((((x)))) : error 2 at depth 5
 *   | (1 : error 1 at depth 2
 *   exit status 0
 */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf where;
static const char *text;
static int depth;

static void __attribute__((noinline)) fail(int code)
{
    longjmp(where, code);
}

static int __attribute__((noinline)) parse(void)
{
    int v;
    depth++;
    if (*text == '(') {
        text++;
        v = parse();
        if (*text != ')')
            fail(1);
        text++;
        return v;
    }
    if (*text >= '0' && *text <= '9')
        return *text++ - '0';
    fail(2);
    return 0;
}

static void run(const char *input)
{
    int code;
    text = input;
    depth = 0;
    code = setjmp(where);
    if (code == 0)
        printf("%s = %d\n", input, parse());
    else
        printf("%s : error %d at depth %d\n", input, code, depth);
}

int main(void)
{
    run("(((7)))");
    run("((((x))))");
    run("(1");
    return 0;
}
