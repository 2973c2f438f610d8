/* past_brk.c - reading past the program break.
 *
 * What to look at:
 *   - the heap ends at the break (sbrk(0)), but the kernel maps memory in
 *     whole 4096-byte pages: the bytes between the break and the end of
 *     its page are mapped (and zero), so reading them "works" - a bug
 *     nothing reports.
 *   - the first byte of the NEXT page is not mapped: reading it is a page
 *     fault, SIGSEGV.
 *
 * Try:
 *   vmdebug debug examples/past_brk.c
 *   (vmdebug) break 41            => Breakpoint 1 at
 *   (vmdebug) run                 up to the last printf
 *     => byte at the break: 0 (same page, still mapped)
 *   (vmdebug) vmmap               [heap] ends on a page boundary  => [heap] 4 KiB => (page-aligned end 0x...000)
 *   (vmdebug) pagewalk brk_now    present  => mapping: 0x...-0x... rw-p [heap]
 *   (vmdebug) pagewalk next_page  not present  => walk stops: the PTE is not present
 *   (vmdebug) continue            => Program received signal SIGSEGV => examples/past_brk.c:42
 *   (vmdebug) explain             => no mapping there (above the program break
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | the break is 20 bytes past p
 *   | byte at the break: 0 (same page, still mapped)
 *   | reading the first byte of the next page...
 *   killed by SIGSEGV
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    char *p = malloc(16); /* a chunk of 24: the heap now exists */
    volatile char *brk_now = sbrk(0);
    volatile char *next_page = (volatile char *)(((uintptr_t)brk_now + 4095) & ~(uintptr_t)4095);
    printf("the break is %d bytes past p\n", (int)(brk_now - p));
    if (brk_now != next_page) /* the break is inside a page */
        printf("byte at the break: %d (same page, still mapped)\n", *brk_now);
    printf("reading the first byte of the next page...\n");
    printf("%d\n", *next_page);
    return 0;
}
