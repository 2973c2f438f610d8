/* calloc_zero.c - malloc hands back old bytes, calloc zeroes them.
 *
 * What to look at:
 *   - a freed chunk keeps its contents: the next malloc of the same size
 *     gets the same chunk (reused first) with the old bytes still in it.
 *   - calloc is malloc + memset(0): same chunk, but every byte is 0.
 *
 * Try:
 *   vmdebug debug examples/calloc_zero.c
 *   (vmdebug) break calloc        => Breakpoint 1 at
 *   (vmdebug) continue            => Breakpoint 1, calloc (nmemb=8, size=4)
 *   (vmdebug) heap                q's free chunk of 40  => 0x00000028 40 free
 *   (vmdebug) finish              out of calloc, back in main  => Value returned is $1 = (void *) 0x
 *   (vmdebug) heap                in use again, zeroed  => 0x00000029 40 in use ... 36 00 00 00 00
 *   (vmdebug) history *(int *)$1  memset in main, then in calloc  => -> 0xabababab => 0xabababab -> 0
 *   (vmdebug) explain             => The process exits normally with status 0
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | filled 32 bytes with 0xab
 *   | malloc reused the chunk: 1, first byte 0xab
 *   | calloc reused the chunk: 1, sum of its 32 bytes: 0
 *   exit status 0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    unsigned char *p, *q, *r;
    uintptr_t first;
    int i, sum = 0;
    p = malloc(32);
    memset(p, 0xab, 32);
    printf("filled 32 bytes with 0x%x\n", p[31]);
    first = (uintptr_t)p; /* compared as a number: p itself is dead after free */
    free(p);
    q = malloc(32);
    printf("malloc reused the chunk: %d, first byte 0x%x\n", (uintptr_t)q == first, q[0]);
    free(q);
    r = calloc(8, 4);
    for (i = 0; i < 32; i++)
        sum += r[i];
    printf("calloc reused the chunk: %d, sum of its 32 bytes: %d\n", (uintptr_t)r == first, sum);
    free(r);
    return 0;
}
