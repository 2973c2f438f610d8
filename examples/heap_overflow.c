/* heap_overflow.c - writing past a malloc'd block corrupts the next header.
 *
 * What to look at:
 *   - a and b are neighbours: a's 16-byte chunk is followed directly by
 *     b's header (0x11: size 16, in use).
 *   - strcpy copies 19 bytes into a's 12-byte payload: the extra bytes
 *     overwrite b's header with "AAAA" (0x41414141) and b's first bytes.
 *   - the damage shows up later, in free(b): malloc checks the header it
 *     is given, finds a size that does not fit in the heap, prints
 *     "malloc: corrupted chunk header at ..." on stderr and aborts:
 *     abort() raises SIGABRT, as glibc's does (a shell shows status 134).
 *
 * Try:
 *   vmdebug debug examples/heap_overflow.c
 *   (vmdebug) break strcpy        => Breakpoint 1 at 0x...: strcpy. (2 locations)
 *   (vmdebug) continue            => Breakpoint 1.1, strcpy (dst=0x... "", src=0x... "bbbb")
 *   (vmdebug) continue            the second strcpy, into a  => src=0x... 'A' <repeats 18 times>
 *   (vmdebug) heap                two chunks of 16; b's header is 0x11  => 0x00000011 16 in use ... 62 62 62 62
 *   (vmdebug) watch *(int *)(b - 4)  b's header: stops inside strcpy  => Hardware watchpoint 2
 *   (vmdebug) continue            => Old value = 17 => New value = 65 => in strcpy (dst=0x... 'A' <repeats 13 times>
 *   (vmdebug) bt                  => #1 0x080490a9 in main () at examples/heap_overflow.c:44
 *   (vmdebug) history *(int *)(b - 4)  0x11 by malloc, then 0x41 a byte by strcpy  => 0x00000000 -> 0x00000011
 *   (vmdebug) explain             => free found the heap damaged and called abort()
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | b's header before: 0x11, b = "bbbb"
 *   | b's header after:  0x41414141, b = "AA"
 *   killed by SIGABRT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* volatile: keeps gcc -O2 from assuming a write through a cannot change b. */
char *volatile a;
char *volatile b;

int main(void)
{
    a = malloc(8);
    b = malloc(8);
    strcpy(b, "bbbb");
    printf("b's header before: 0x%x, b = \"%s\"\n", ((unsigned *)b)[-1], b);
    strcpy(a, "AAAAAAAAAAAAAAAAAA"); /* 18 characters + NUL into 12 bytes */
    printf("b's header after:  0x%x, b = \"%s\"\n", ((unsigned *)b)[-1], b);
    free(b); /* malloc notices the broken header and aborts */
    printf("not reached\n");
    return 0;
}
