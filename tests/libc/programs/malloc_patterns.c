/* malloc_patterns.c - many allocation patterns, each checked by the program
 * itself and printed so that the simulated run can be compared with the
 * native one (tests/libc/test_libc_malloc_patterns.py): random sizes from a
 * fixed seed, realloc growing and shrinking, calloc zeroing reused memory,
 * frees in random order, and the heap walked after each phase (offsets from
 * __heap_start, headers, free-list links) so coalescing shows. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 160

static char *ptr[N];
static unsigned len[N];
static unsigned seed = 2026;
static int bad;

static unsigned rnd(unsigned n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
}

static void fill(int i)
{
    unsigned k;
    for (k = 0; k < len[i]; k++)
        ptr[i][k] = (char)(i * 31 + k);
}

static void check(int i)
{
    unsigned k;
    for (k = 0; k < len[i]; k++)
        bad += ptr[i][k] != (char)(i * 31 + k);
}

#define OFF(p) ((p) ? (long)((char *)(p) - __heap_start) : -1L)

/* The heap, chunk by chunk, and the free lists; checks the boundary tags. */
static void walk(const char *label, int verbose)
{
    char *c;
    int chunks = 0, free_chunks = 0, prev_free = 0, i;
    long used = 0;
    if (verbose)
        printf("%s:", label);
    for (c = __heap_start; c < __heap_end; c += *(unsigned *)c & ~7u) {
        unsigned h = *(unsigned *)c, size = h & ~7u;
        bad += (h & 4) != 0 || size < 16 || (uintptr_t)(c + 4) % 8 != 0;
        bad += ((h & 2) != 0) != prev_free;                 /* bit 1: the chunk before is free */
        bad += prev_free && !(h & 1);                       /* never two free chunks side by side */
        if (!(h & 1))
            bad += *(unsigned *)(c + size - 4) != size;     /* the footer */
        prev_free = !(h & 1);
        chunks++;
        free_chunks += prev_free;
        used += (h & 1) ? size : 0;
        if (verbose) {
            printf(" %ld:%x", OFF(c), h);
            if (!(h & 1) && c + size < __heap_end)
                printf("[%ld,%ld]", OFF(((char **)c)[1]), OFF(((char **)c)[2]));
        }
    }
    bad += c != __heap_end;
    if (verbose)
        printf("\n");
    printf("%s: %d chunks, %d free, %ld bytes in use, heap %ld, bins %08x, first of each:", label, chunks,
           free_chunks, used, (long)(__heap_end - __heap_start), __heap_binmap);
    for (i = 0; i < __HEAP_BINS; i++)
        if (__heap_bins[i])
            printf(" %d@%ld", i, OFF(__heap_bins[i]));
    printf("\n");
}

int main(void)
{
    int i, j, round;
    char *a, *b, *c, *d;
    unsigned char *z;
    long sum;

    /* Small neighbours freed in different orders: coalescing forward, backward, both. */
    a = malloc(24);
    b = malloc(24);
    c = malloc(24);
    d = malloc(24);
    ptr[0] = malloc(8); /* keeps d from the top */
    walk("four", 1);
    free(b);
    walk("b free", 1);
    free(c);
    walk("c merged after b", 1);
    free(a);
    walk("a merged before b+c", 1);
    a = malloc(60);
    walk("a again, split from a+b+c", 1);
    free(d);
    walk("d merged after the rest", 1);
    free(a);
    free(ptr[0]);
    walk("everything merged into the top", 1);
    ptr[0] = NULL;

    /* Random sizes, random frees, reallocs that grow and shrink. */
    for (round = 0; round < 5; round++) {
        for (j = 0; j < N; j++) {
            i = (int)rnd(N);
            if (ptr[i] && rnd(3) == 0) {
                check(i);
                free(ptr[i]);
                ptr[i] = NULL;
            } else if (!ptr[i]) {
                len[i] = round % 3 == 2 ? rnd(1200) : rnd(120);
                ptr[i] = malloc(len[i]);
                bad += (uintptr_t)ptr[i] % 8 != 0;
                fill(i);
            } else {
                check(i);
                len[i] = rnd(3) == 0 ? len[i] / 2 : len[i] + rnd(300);
                ptr[i] = realloc(ptr[i], len[i]);
                bad += (uintptr_t)ptr[i] % 8 != 0;
                fill(i);
            }
        }
        walk("round", 0);
    }

    /* calloc hands out zeroed memory, also where freed data lay. */
    for (i = 0; i < N; i += 2) {
        if (ptr[i]) {
            check(i);
            memset(ptr[i], 0xee, len[i]);
            free(ptr[i]);
            ptr[i] = NULL;
        }
    }
    walk("every other freed", 0);
    sum = 0;
    for (i = 0; i < N; i += 2) {
        len[i] = rnd(200);
        z = calloc(len[i] + 1, 1);
        for (j = 0; j <= (int)len[i]; j++)
            sum += z[j];
        ptr[i] = (char *)z;
        fill(i);
    }
    printf("calloc sum %ld\n", sum);
    walk("calloc'd", 0);

    /* Free in a random order; the whole heap ends as one free chunk. */
    for (j = 0; j < 5 * N; j++) {
        i = (int)rnd(N);
        if (ptr[i]) {
            check(i);
            free(ptr[i]);
            ptr[i] = NULL;
        }
    }
    for (i = 0; i < N; i++) {
        if (ptr[i]) {
            check(i);
            free(ptr[i]);
        }
    }
    walk("all freed", 1);
    printf("bad %d\n", bad);
    return 0;
}
