/* rodata_write.c - string literals live in read-only memory.
 *
 * What to look at:
 *   - "hello" is stored in .rodata, which the loader maps read-only
 *     (the page-table entry has R/W = 0); the pointer s itself is an
 *     ordinary writable variable.
 *   - the store s[0] = 'H' finds the page present but not writable: a
 *     protection page fault, SIGSEGV (si_code SEGV_ACCERR).
 *   - copying the literal into an array (buf) gives writable memory.
 *
 * Try:
 *   vmdebug debug examples/rodata_write.c
 *   (vmdebug) continue            runs to the fault  => Program received signal SIGSEGV
 *   (vmdebug) vmmap               .rodata is r--, .data and .bss rw-  => | rodata (.rodata) | r--p
 *   (vmdebug) pagewalk s          present, but not writable  => P=1 RW=0 => read-only (a write faults: SEGV_ACCERR)
 *   (vmdebug) reverse-stepi       => 36 s[0] = 'H';
 *   (vmdebug) explain             => write to 0x... in .rodata
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | buf = Hello
 *   | s = hello, now writing s[0]...
 *   killed by SIGSEGV
 */
#include <stdio.h>

/* volatile: gcc must really store through s, even though writing to a
 * string literal is undefined behaviour it could otherwise assume away. */
char *volatile s = "hello";

int main(void)
{
    char buf[] = "hello"; /* a writable copy on the stack */
    buf[0] = 'H';
    printf("buf = %s\n", buf);
    printf("s = %s, now writing s[0]...\n", s);
    s[0] = 'H';
    printf("s = %s\n", s);
    return 0;
}
