/* mmap_anon.c - anonymous memory from mmap: pages, zeroes, protections.
 *
 * What to look at:
 *   - mmap(MAP_PRIVATE | MAP_ANONYMOUS) creates a new region of whole
 *     pages, page-aligned, filled with zeros, away from the heap.
 *   - mprotect changes the protection of part of it: the region splits in
 *     two (rw- then r--) in the memory map.
 *   - munmap removes it; the addresses become unmapped again.
 *
 * Try:
 *   vmdebug debug examples/mmap_anon.c
 *   (vmdebug) break mprotect      => Breakpoint 1 at
 *   (vmdebug) continue            => Breakpoint 1, mprotect (addr=0xb7fff000, length=4096, prot=1)
 *   (vmdebug) vmmap               one rw- region of 2 pages  => | mmap area | rw-p 8 KiB
 *   (vmdebug) break munmap        => Breakpoint 2 at
 *   (vmdebug) continue            => Breakpoint 2, munmap (addr=0xb7ffe000, length=8192)
 *   (vmdebug) vmmap               now rw- and r--  => | mmap area | r--p 4 KiB
 *   (vmdebug) pagewalk addr + 4096  read-only: the zero page (read, never written)  => RW=0 => -> frame 0x0
 *   (vmdebug) explain             => The process exits normally with status 0
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | mmap: page-aligned 1, zero-filled 1
 *   | written into the mapping
 *   | mprotect second page read-only: 0, still readable: 0
 *   | munmap: 0
 *   exit status 0
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define LENGTH (2 * 4096)

int main(void)
{
    char *p = mmap(NULL, LENGTH, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int i, zero = 1, rc;
    if (p == MAP_FAILED) {
        printf("mmap failed\n");
        return 1;
    }
    for (i = 0; i < LENGTH; i++)
        zero &= p[i] == 0;
    printf("mmap: page-aligned %d, zero-filled %d\n", ((uintptr_t)p & 4095) == 0, zero);
    strcpy(p, "written into the mapping");
    printf("%s\n", p);
    rc = mprotect(p + 4096, 4096, PROT_READ);
    printf("mprotect second page read-only: %d, still readable: %d\n", rc, p[4096]);
    printf("munmap: %d\n", munmap(p, LENGTH));
    return 0;
}
