/* The kernel's address-space bookkeeping: where anonymous mmaps land
 * (top-down below the stack, ASLR off), reuse of holes left by munmap,
 * hints, MAP_FIXED over an existing mapping, MAP_FIXED_NOREPLACE, partial
 * munmap/mprotect splitting regions, error codes, and brk refusing to
 * grow into a mapping. */
#include <stdio.h>
#include <errno.h>
#include <unistd.h>
#include <sys/mman.h>

#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static char *map(void *hint, unsigned len, int flags)
{
    errno = 0;
    char *p = mmap(hint, len, RW, ANON | flags, -1, 0);
    return p;
}

static void show(const char *what, void *p)
{
    if (p == MAP_FAILED)
        printf("%-24s failed errno %d\n", what, errno);
    else
        printf("%-24s %p\n", what, p);
}

static void report(const char *what, int result)
{
    printf("%s %d errno %d\n", what, result, result ? errno : 0);
}

int main(void)
{
    char *a = map(0, 4096, 0), *b = map(0, 3 * 4096, 0), *c = map(0, 10000, 0);
    show("a (1 page)", a);
    show("b (3 pages)", b);
    show("c (10000 bytes)", c);
    printf("munmap b middle page %d\n", munmap(b + 4096, 4096));
    char *d = map(0, 4096, 0);
    show("d (fills the hole?)", d);
    char *e = map(0, 8192, 0);
    show("e (2 pages)", e);
    char *h = map((void *)0x40000000, 4096, 0);
    show("hint 0x40000000", h);
    char *h2 = map((void *)0x40000000, 4096, 0);
    show("same hint again", h2);
    c[0] = 'c';
    char *f = map(c, 4096, MAP_FIXED);
    show("MAP_FIXED over c", f);
    printf("c[0] after MAP_FIXED = %d\n", c[0]);
    show("NOREPLACE over a", map(a, 4096, MAP_FIXED_NOREPLACE));
    show("length 0", map(0, 0, 0));
    show("unaligned fixed", map((void *)0x40000123, 4096, MAP_FIXED));
    report("munmap unaligned", munmap(a + 1, 4096));
    report("mprotect unmapped", mprotect((void *)0x30000000, 4096, PROT_READ));
    report("mprotect b first page ro", mprotect(b, 4096, PROT_READ));
    report("munmap nothing", munmap((void *)0x30000000, 4096));
    char *brk0 = sbrk(0);
    char *wall = map(brk0 + 3 * 4096, 4096, MAP_FIXED);
    show("wall above brk", wall);
    errno = 0;
    void *r1 = sbrk(2 * 4096);
    printf("sbrk 2 pages ok %d\n", r1 == brk0);
    errno = 0;
    void *r2 = sbrk(4 * 4096);
    printf("sbrk into the wall %s errno %d, brk moved %d\n", r2 == (void *)-1 ? "refused" : "allowed", errno,
           (int)((char *)sbrk(0) - brk0));
    return 0;
}
