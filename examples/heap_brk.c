/* heap_brk.c - the heap grows with brk; malloc's headers and padding.
 *
 * What to look at:
 *   - malloc asks the kernel for memory with brk (through sbrk): the break,
 *     the end of the heap, moves up by exactly the size of each new chunk.
 *   - every chunk starts with a 4-byte header: the chunk size (header
 *     included, rounded up to a multiple of 8) with bit 0 set while the
 *     chunk is in use.  malloc(10) gets a chunk of 16 (4 header + 10 + 2
 *     bytes of padding); malloc(100) one of 104.  16 is also the smallest
 *     chunk, so malloc(1) gets 16 too (1 + 11 bytes of padding): freed,
 *     a chunk must hold two free-list links and a footer.
 *   - payloads are 8-byte aligned, so consecutive results differ by the
 *     chunk sizes: b - a == 16, c - b == 16.
 *   - free(b) clears bit 0 of b's header and puts b's chunk on the free
 *     list of 16-byte chunks (bin 0); c's header gets bit 1 (0x6b): the
 *     chunk before it is free.  malloc(3) takes b's chunk from that list.
 *   (Layout diagram: vmdebug/libc/src/malloc.c, and docs/libc.md.)
 *
 * Try:
 *   vmdebug debug examples/heap_brk.c
 *   (vmdebug) break free          => Breakpoint 1 at
 *   (vmdebug) continue            in free(b)  => Breakpoint 1, free (p=0x
 *   (vmdebug) heap                the chunks from __heap_start to __heap_end  => 0x00000011 16 in use
 *   (vmdebug) x/12xw __heap_start  headers 0x11, 0x11, 0x69  => 0x00000011 0x00000000 0x00000000 => 0x00000069
 *   (vmdebug) finish              out of free(b), back in main  => in main () at examples/heap_brk.c:68
 *   (vmdebug) heap                b's chunk free, in bin 0; c's header 0x6b  => 0x00000010 16 free => 0x0000006b
 *   (vmdebug) vmmap               the [heap] ends at the page-rounded break  => [heap] 4 KiB
 *   (vmdebug) history &__heap_end  every change of the heap end  => heap_grow
 *   (vmdebug) explain             => The process exits normally with status 0
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | a = malloc(1):   header 0x11 (chunk of 16 bytes)
 *   | b = malloc(10):  header 0x11 (chunk of 16 bytes), break +16
 *   | c = malloc(100): header 0x69 (chunk of 104 bytes), break +104
 *   | b - a = 16, c - b = 16, all 8-aligned: 1
 *   | heap size 136, break == heap end: 1
 *   | after free(b): header 0x10, malloc(3) reuses it: 1
 *   exit status 0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The header is the 4 bytes just before the payload. */
static unsigned header(void *payload)
{
    return ((unsigned *)payload)[-1];
}

int main(void)
{
    char *a, *b, *c, *d, *brk_before;
    a = malloc(1);
    printf("a = malloc(1):   header 0x%x (chunk of %u bytes)\n", header(a), header(a) & ~7u);
    brk_before = sbrk(0);
    b = malloc(10);
    printf("b = malloc(10):  header 0x%x (chunk of %u bytes), break +%d\n", header(b), header(b) & ~7u,
           (int)((char *)sbrk(0) - brk_before));
    brk_before = sbrk(0);
    c = malloc(100);
    printf("c = malloc(100): header 0x%x (chunk of %u bytes), break +%d\n", header(c), header(c) & ~7u,
           (int)((char *)sbrk(0) - brk_before));
    printf("b - a = %d, c - b = %d, all 8-aligned: %d\n", (int)(b - a), (int)(c - b),
           ((uintptr_t)a | (uintptr_t)b | (uintptr_t)c) % 8 == 0);
    printf("heap size %d, break == heap end: %d\n", (int)(__heap_end - __heap_start),
           (char *)sbrk(0) == __heap_end);
    free(b);
    printf("after free(b): header 0x%x, ", header(b));
    d = malloc(3);
    printf("malloc(3) reuses it: %d\n", d == b);
    free(a);
    free(c);
    free(d);
    return 0;
}
