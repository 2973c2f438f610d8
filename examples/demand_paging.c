/* demand_paging.c - reserve a lot, touch a little.
 *
 * What to look at:
 *   - mmap reserves 64 MiB of address space at once, but no page is allocated yet: the region
 *     exists in the memory map, the page table has no entries for it.
 *   - the first access to each page faults; the kernel then allocates one zeroed page and maps
 *     it (a "minor" fault, invisible to the program).  Only the 4 written pages get memory of
 *     their own: 16 KiB of 64 MiB (and a page table for each 4 MiB they are in).
 *   - reading an untouched page maps the shared zero page (frame 0, all zeros) read-only: it
 *     reads as 0 and takes no frame of its own (a page table, if its 4 MiB had none yet).  A
 *     write to such a page would fault again and get a zeroed frame (copy-on-write).
 *
 * Try:
 *   vmdebug debug examples/demand_paging.c
 *   (vmdebug) break main          => Breakpoint 1 at
 *   (vmdebug) continue            => Breakpoint 1, main () at examples/demand_paging.c:47
 *   (vmdebug) next                past the mmap  => 48
 *   (vmdebug) vmmap               a 64 MiB region ...  => mmap area | rw-p 65536 KiB
 *   (vmdebug) pagewalk p          ... with no page table yet  => walk stops: the PDE is not present
 *   (vmdebug) tbreak 56           => Temporary breakpoint 2 at
 *   (vmdebug) continue            past the first p[offset] = ...  => main () at examples/demand_paging.c:56
 *   (vmdebug) pagewalk p          present now: the write faulted it in  => -> frame
 *   (vmdebug) pagewalk p + 4096   the next page: still not present  => = 0x00000000 P=0
 *   (vmdebug) break 61            => Breakpoint 3 at
 *   (vmdebug) continue            the last line reads an untouched page  => touched 4 pages, sum 10
 *   (vmdebug) next                => an untouched page reads as 0
 *   (vmdebug) frames              frame 0, the zero page, mapped there  => (all zeros, read-only): read but never written
 *   (vmdebug) info pagefaults     4 zero-filled pages, 1 zero-page mapping  => 4 zero-filled on a first write
 *     => 1 mapped the zero page on a first read
 *   (vmdebug) explain             => The process exits normally with status 0
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
