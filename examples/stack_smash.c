/* stack_smash.c - a stack buffer overflow overwrites the return address.
 *
 * What to look at:
 *   - greet() copies its argument into a 16-byte buffer on its own stack
 *     frame with strcpy, which does not know the buffer's size.
 *   - the second name is 40 bytes long: it runs over the buffer, the saved
 *     ebp and the return address above it, which become 0x41414141
 *     ("AAAA").  (Built without -fstack-protector, so no canary stops it.)
 *   - `ret` pops 0x41414141 into eip; fetching the next instruction there
 *     faults: SIGSEGV with fault address 0x41414141.
 *
 * Try:
 *   vmdebug debug examples/stack_smash.c
 *   (vmdebug) break greet
 *   (vmdebug) continue
 *   (vmdebug) continue            the second call
 *   (vmdebug) stack               buf, saved ebp, return address into main
 *   (vmdebug) watch ADDR          (ADDR = $ebp + 4, the return address) strcpy overwrites it
 *   (vmdebug) continue
 *   (vmdebug) x/12xw $esp
 *   (vmdebug) continue            ret jumps to 0x41414141
 *   (vmdebug) history ADDR
 *   (vmdebug) explain
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
