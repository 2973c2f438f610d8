/* stack_smash.c - a stack buffer overflow overwrites the return address.
 *
 * What to look at:
 *   - greet() copies its argument with strcpy, which does not know the size, into a 16-byte buffer
 *     on its own stack frame.  The second name is 40 bytes long: it runs over the buffer, the saved
 *     ebp and the return address above it, which become 0x41414141 ("AAAA").  (Built without
 *     -fstack-protector, so no canary stops it.)  `ret` pops 0x41414141 into eip; fetching the
 *     next instruction there faults: SIGSEGV with fault address 0x41414141.
 *
 * Try:
 *   vmdebug debug examples/stack_smash.c
 *   (vmdebug) break greet         => Breakpoint 1 at
 *   (vmdebug) continue            => Breakpoint 1, greet (name=0x... "bob")
 *   (vmdebug) continue            the second call  => greet (name=0x... 'A' <repeats 40 times>)
 *   (vmdebug) stack               buf, saved ebp, return address at ADDR  => 0xbffffe9c 0x08049086 return address
 *   (vmdebug) watch *(int *)0xbffffe9c if *(int *)0xbffffe9c == 0x41414141
 *                                 the int at ADDR (`watch ADDR` would watch a constant), once all "AAAA"
 *     => Hardware watchpoint 2: *(int *)0xbffffe9c
 *   (vmdebug) continue            strcpy writes the fourth 'A'  => Old value = 138494273 => New value = 1094795585
 *   (vmdebug) x/12xw $esp         strcpy's frame, then buf: all 0x41  => 0x41414141 0x41414141 0x41414141
 *   (vmdebug) continue            ret jumps to 0x41414141  => Program received signal SIGSEGV => 0x41414141 in ?? ()
 *   (vmdebug) history *(int *)0xbffffe9c  => 0x08049076 -> 0x08049086 => [0xbffffe9f, 1 byte] 0x08 -> 0x41
 *   (vmdebug) explain             => note: greet returned to 0x41414141, but its caller pushed 0x08049086
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | hello, bob
 *   | hello, AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
 *   killed by SIGSEGV
 */
#include <stdio.h>
#include <string.h>

/* noinline: greet keeps its own frame (and return address) at -O2 too. */
__attribute__((noinline)) void greet(const char *name)
{
    char buf[16];
    strcpy(buf, name); /* no bounds check */
    printf("hello, %s\n", buf);
}

int main(void)
{
    greet("bob");
    greet("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    printf("not reached\n");
    return 0;
}
