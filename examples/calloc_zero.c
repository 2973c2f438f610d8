/* calloc_zero.c - malloc hands back old bytes, calloc zeroes them.
 *
 * What to look at:
 *   - a freed chunk keeps its contents: the next malloc of the same size
 *     gets the same chunk (reused first) with the old bytes still in it.
 *   - calloc is malloc + memset(0): same chunk, but every byte is 0.
 *
 * Try:
 *   vmdebug debug examples/calloc_zero.c
 *   (vmdebug) break calloc
 *   (vmdebug) continue
 *   (vmdebug) heap                one free chunk of 40 bytes waiting to be reused
 *   (vmdebug) finish              (out of calloc, back in main: "Value returned")
 *   (vmdebug) heap                the same chunk in use again
 *   (vmdebug) history ADDR        (ADDR = the chunk's payload) memset in main, then in calloc
 *   (vmdebug) explain
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
