/* Heap addresses: with ASLR off the heap starts where the simulated compat
 * layout puts it, so printed malloc results, their spacing (8-byte aligned
 * payloads after 4-byte headers), reuse after free, and the program break
 * must all agree with the real process. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    char *brk0 = sbrk(0);
    char *a = malloc(1), *b = malloc(24), *c = malloc(100);
    printf("a=%p b=%p c=%p\n", (void *)a, (void *)b, (void *)c);
    printf("b-a=%d c-b=%d heap_start=%p brk moved by %d\n", (int)(b - a), (int)(c - b), (void *)__heap_start,
           (int)((char *)sbrk(0) - brk0));
    free(b);
    char *d = malloc(16);
    printf("d reuses b: %d\n", d == b);
    char *e = realloc(c, 4000);
    printf("e=%p (same as c: %d) brk=%p\n", (void *)e, e == c, sbrk(0));
    free(a);
    free(d);
    free(e);
    char *f = malloc(3000);
    printf("f=%p after freeing all\n", (void *)f);
    printf("brk0 page offset %d\n", (int)((unsigned long)brk0 & 4095));
    return 0;
}
