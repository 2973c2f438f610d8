/* demand_paging.c - reserve a lot, touch a little.
 *
 * What to look at:
 *   - mmap reserves 64 MiB of address space at once, but no page is
 *     allocated yet: the region exists in the memory map, the page table
 *     has no entries for it.
 *   - the first access to each page faults; the kernel then allocates one
 *     zeroed page and maps it (a "minor" fault, invisible to the program).
 *   - only the 4 written pages get memory of their own: 16 KiB of 64 MiB.
 *     Reading an untouched page maps the shared zero page (frame 0, all
 *     zeros) read-only: it reads as 0 and costs no memory. A write to such a
 *     page would fault again and get a zeroed frame of its own
 *     (copy-on-write).
 *
 * Try:
 *   vmdebug debug examples/demand_paging.c
 *   (vmdebug) break main
 *   (vmdebug) continue
 *   (vmdebug) next                (past the mmap)
 *   (vmdebug) vmmap               a 64 MiB region ...
 *   (vmdebug) pagewalk ADDR       (ADDR = p) ... whose pages are not present yet
 *   (vmdebug) next                (past the first p[offset] = ...)
 *   (vmdebug) pagewalk ADDR       present now: the write faulted it in
 *   (vmdebug) pagewalk ADDR       (ADDR = p + 4096) still not present
 *   (vmdebug) break 61
 *   (vmdebug) continue            (the last line reads an untouched page)
 *   (vmdebug) next
 *   (vmdebug) frames              frame 0, the zero page, is mapped there read-only
 *   (vmdebug) info pagefaults     4 zero-filled pages, 1 zero-page mapping
 *   (vmdebug) explain
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | reserved 64 MiB
 *   | touched 4 pages, sum 10
 *   | an untouched page reads as 0
 *   exit status 0
 */
#include <stdio.h>
#include <sys/mman.h>

#define MIB (1024 * 1024)
#define RESERVED (64 * MIB)
#define STRIDE (16 * MIB)

int main(void)
{
    char *p = mmap(NULL, RESERVED, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int offset, pages = 0, sum = 0;
    if (p == MAP_FAILED) {
        printf("mmap failed\n");
        return 1;
    }
    printf("reserved %d MiB\n", RESERVED / MIB);
    for (offset = 0; offset < RESERVED; offset += STRIDE) {
        p[offset] = (char)(1 + offset / STRIDE); /* first touch: a page fault */
        pages++;
    }
    for (offset = 0; offset < RESERVED; offset += STRIDE)
        sum += p[offset];
    printf("touched %d pages, sum %d\n", pages, sum);
    printf("an untouched page reads as %d\n", p[RESERVED / 2 + 4096]);
    return 0;
}
