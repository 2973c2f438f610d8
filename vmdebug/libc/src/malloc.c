/* malloc.c - the heap of the vmdebug libc: boundary tags, segregated free
 * lists and a top chunk, on sbrk().
 *
 * Layout after p = malloc(10); q = malloc(20); r = malloc(1); free(q);
 * (addresses grow to the right; one box = 4 bytes):
 *
 * __heap_start                                                   __heap_end
 * |                                                      (== program break)
 * v                                                                       v
 * +----+----+----+----+----+----+----+----+----+----+----+----+----+----+
 * |0x11| p: 10 + 2 pad|0x18|next|prev|    |    |0x18|0x13| r: 1 + 11 pad|
 * +----+----+----+----+----+----+----+----+----+----+----+----+----+----+
 * |<--- in use, 16 -->|<----- free, 24: bin 1 ----->|<--- in use, 16 -->|
 *       ^ p (8-aligned)    ^ q (freed)       footer ^    ^ r; bit 1 of its
 *                                                          header: the
 *                                                          chunk before is free
 *
 *   chunk  = [ header (4 bytes) ][ payload ... ]
 *   header = chunk size in bytes, header included, a multiple of 8
 *            | bit 0 (IN_USE):    1 = in use, 0 = free
 *            | bit 1 (PREV_FREE): 1 = the chunk just before this one is free
 *            (bit 2 is always 0)
 *   size   = max(16, (request + 4 + 7) & ~7)   so the padding is 0..11 bytes
 *   A free chunk also holds, where its payload was:
 *     +4      next: the next free chunk of its bin (its header), or NULL
 *     +8      prev: the previous free chunk of its bin, or NULL for the first
 *     size-4  the footer: its size again (the "boundary tag")
 *   so the smallest chunk is 16 bytes (as glibc's on i386, MINSIZE).
 *   Header addresses are 4 (mod 8), so every payload is 8-byte aligned;
 *   the bytes between the end of the heap's previous contents and
 *   __heap_start (0..7) are alignment padding.  next chunk = chunk + size;
 *   the last chunk ends at __heap_end.  Two free chunks are never
 *   neighbours: free merges them (coalescing).
 *
 * This is Knuth's boundary-tag method (TAOCP vol. 1, 2.5, Algorithm C) with
 * the footer kept only in free chunks and a "previous chunk is free" bit in
 * the header instead, as in dlmalloc and in CS:APP 3e, 9.9.11 (where the
 * bit means the opposite, "previous allocated").  This sense keeps the
 * headers of a heap with nothing freed as the first, implicit-list malloc
 * wrote them: 0x11 for malloc(10).
 *
 * The bins (segregated free lists: dlmalloc's small bins, CS:APP 9.9.14):
 * __heap_bins[i] is the first free chunk of bin i, and bit i of
 * __heap_binmap is set while bin i is not empty.
 *   bins 0..14    one size each: 16, 24, 32, ..., 128 bytes (size/8 - 2)
 *   bins 15..30   a power of two each: 136..255, 256..511, ..., 4M..8M-1
 *   bin 31        8 MiB and up
 * free puts a chunk first in its bin (LIFO: the chunk freed last is the
 * first one reused).  The free chunk that ends the heap is the top
 * (dlmalloc's "top", glibc's av->top): it is in no bin.
 *
 * malloc(n): the first chunk of n's bin if it is big enough (always, for
 *   bins 0..14), else the first chunk of the lowest non-empty bin above
 *   it, where every chunk is big enough (one bsf instruction on the
 *   bitmap), else the top.  A chunk larger than needed is split when the
 *   rest can be a chunk of 16 or more; the rest is free.  When the top is
 *   too small, or there is none, the heap grows with sbrk() by EXACTLY
 *   the bytes missing: the top is extended, or a new chunk appended.  No
 *   page rounding: the break moves by the chunk sizes you can see (the
 *   kernel maps whole pages behind it anyway).  Growing needs the break to
 *   be where the heap ends: a program that moved it with its own
 *   sbrk(n)/brk() after its first malloc gets an abort the next time the
 *   heap must grow (sbrk(0) is always fine).
 * free(p): clears bit 0, merges the chunk with a free chunk right after it
 *   (at chunk + size) and right before it (bit 1 says there is one, and
 *   the footer just before the header says where it starts), and puts the
 *   result first in its bin, or makes it the top.  The heap never shrinks.
 * realloc: shrinks in place (splitting), grows in place into a free next
 *   chunk or at the end of the heap, else malloc + memcpy + free.
 * calloc: malloc + memset 0 (reused chunks hold old data).
 * No list is walked: each call costs a bounded number of instructions
 * whatever the size of the heap (only realloc's copy and calloc's memset
 * cost in proportion to the bytes).  benchmarks/bench_malloc.py counts them.
 *
 * Checks.  malloc and free check what they touch: the header of the chunk
 * being freed (a size >= 16, a multiple of 8, inside the heap; bit 0 set),
 * the footer a set bit 1 points to, the links of a chunk leaving a bin
 * (its neighbours in the list must point back at it, as glibc's unlink
 * checks), the header of a free chunk merged or taken, and the last chunk
 * when the heap grows.  When a check fails, the heap is walked from
 * __heap_start, as the first malloc walked it on every call, to name the
 * fault the same way: the first bad header on the way ("corrupted chunk
 * header"), a pointer the walk steps over ("invalid pointer (not the start
 * of a chunk)"), a chunk already free ("double free"); a damaged list is
 * "corrupted free list".  The message is one line on stderr, then abort()
 * (SIGABRT, exit status 134).  Unlike the walk on every call, these checks
 * do not see a header damaged where no call looks, and a pointer into the
 * middle of a chunk whose preceding 4 bytes happen to look like an in-use
 * header is taken for a chunk (glibc has the same limit); the debugger's
 * `heap` walks everything.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEADER 4u
#define ALIGN 8u
#define MIN_CHUNK 16u
#define IN_USE 1u
#define PREV_FREE 2u
#define FLAGS 7u
#define NBINS __HEAP_BINS
#define SMALL_MAX 128u /* the largest size with a bin of its own */
#define MAX_REQUEST 0x7ffffff0u

/* The helpers on the way of every call are inlined (a call with its
 * prologue and epilogue costs as much as they do); what only runs on the
 * way to abort() is kept out of the way. */
#define INLINE static inline __attribute__((always_inline))
#define FATAL static __attribute__((noinline, noreturn))

char *__heap_start;
char *__heap_end;
char *__heap_bins[NBINS];
unsigned int __heap_binmap;
/* The chunk that ends at __heap_end, NULL while the heap is empty.  When it
 * is free it is the top: in no bin, carved by malloc when no bin has a
 * chunk, grown when it is too small (dlmalloc's "top" chunk). */
static char *heap_last;

INLINE unsigned int *header_of(char *chunk)
{
    return (unsigned int *)chunk;
}

INLINE unsigned int chunk_size(char *chunk)
{
    return *header_of(chunk) & ~FLAGS;
}

INLINE char **next_link(char *chunk)
{
    return (char **)(chunk + 4);
}

INLINE char **prev_link(char *chunk)
{
    return (char **)(chunk + 8);
}

/* A free chunk: header and footer both hold its size, with no flag set
 * (the chunk before a free chunk is never free). */
INLINE void set_free(char *chunk, unsigned int size)
{
    *header_of(chunk) = size;
    *(unsigned int *)(chunk + size - 4) = size;
}

FATAL void heap_error(const char *what, char *where)
{
    fprintf(stderr, "malloc: %s at %p (header 0x%08x)\n", what, (void *)where,
            where >= __heap_start && where < __heap_end ? *header_of(where) : 0u);
    abort();
}

/* A header must describe a chunk that lies inside the heap. */
INLINE int bad_header(char *chunk)
{
    unsigned int h = *header_of(chunk);
    unsigned int size = h & ~FLAGS;
    return (h & 4u) != 0 || size < MIN_CHUNK || size > (unsigned int)(__heap_end - chunk);
}

static void check_chunk(char *chunk)
{
    if (bad_header(chunk))
        heap_error("corrupted chunk header", chunk);
}

/* A check failed at `chunk`: walk the heap from its start to say why, in
 * the words of the first (implicit-list) malloc, which walked it on every
 * call: the first bad header on the way, a chunk start the walk steps over,
 * or else `what`.  Only reached on the way to abort(). */
FATAL void diagnose(const char *what, char *chunk)
{
    char *c;
    for (c = __heap_start; c < chunk; c += chunk_size(c))
        check_chunk(c);
    if (c != chunk)
        heap_error("invalid pointer (not the start of a chunk)", chunk);
    check_chunk(chunk);
    heap_error(what, chunk);
}

/* The bin of a chunk size (see the table at the top). */
INLINE unsigned int bin_of(unsigned int size)
{
    unsigned int bin;
    if (size <= SMALL_MAX)
        return (size >> 3) - 2;
    bin = (31u - (unsigned int)__builtin_clz(size)) + 8u; /* floor(log2 size) + 8: 136..255 is 15 */
    return bin < NBINS ? bin : NBINS - 1;
}

INLINE int in_heap(char *p)
{
    return (uintptr_t)(p - __heap_start) < (uintptr_t)(__heap_end - __heap_start);
}

/* Puts free chunk `chunk` of `size` bytes first in its bin. */
INLINE void push(char *chunk, unsigned int size)
{
    unsigned int bin = bin_of(size);
    char *first = __heap_bins[bin];
    *next_link(chunk) = first;
    *prev_link(chunk) = NULL;
    if (first != NULL)
        *prev_link(first) = chunk;
    __heap_bins[bin] = chunk;
    __heap_binmap |= 1u << bin;
}

/* Takes free chunk `chunk` of `size` bytes out of its bin.  Its neighbours
 * in the list must point back at it (glibc's "corrupted double-linked list"
 * check, malloc/malloc.c unlink_chunk): a write through a dangling pointer
 * into a free chunk is caught here instead of sending malloc astray. */
INLINE void unlink_chunk(char *chunk, unsigned int size)
{
    unsigned int bin = bin_of(size);
    char *next = *next_link(chunk);
    char *prev = *prev_link(chunk);
    if (next != NULL) {
        if (!in_heap(next) || *prev_link(next) != chunk)
            heap_error("corrupted free list", chunk);
        *prev_link(next) = prev;
    }
    if (prev != NULL) {
        if (!in_heap(prev) || *next_link(prev) != chunk)
            heap_error("corrupted free list", chunk);
        *next_link(prev) = next;
    } else {
        if (__heap_bins[bin] != chunk)
            heap_error("corrupted free list", chunk);
        __heap_bins[bin] = next;
        if (next == NULL)
            __heap_binmap &= ~(1u << bin);
    }
}

/* `next` (header h, bit 0 clear, not the top) is about to merge with the
 * chunk before it: it must be a sane free chunk in a bin, and leaves it. */
INLINE void claim_free_next(char *next, unsigned int h)
{
    if ((h & FLAGS) != 0 || h < MIN_CHUNK || h >= (unsigned int)(__heap_end - next) || next == heap_last)
        diagnose("corrupted chunk header", next);
    unlink_chunk(next, h);
}

/* make_free when the chunk after `chunk` is not the top: merge with it if
 * it is free, put the result in its bin, tell the chunk after it (bit 1). */
static __attribute__((noinline)) void free_to_bin(char *chunk, unsigned int size, unsigned int next_header)
{
    char *next = chunk + size;
    if ((next_header & IN_USE) == 0) {
        claim_free_next(next, next_header);
        size += next_header;
        next = chunk + size;
        next_header = *header_of(next);
    }
    set_free(chunk, size);
    push(chunk, size);
    *header_of(next) = next_header | PREV_FREE;
}

/* Makes `chunk`..`chunk + size` one free chunk, merged with a free chunk
 * right after it: the top if it reaches the end of the heap, else put in
 * its bin.  The chunk before it must be in use (free merges with that
 * one first). */
INLINE void make_free(char *chunk, unsigned int size)
{
    char *next = chunk + size;
    if (next != __heap_end) {
        unsigned int h = *header_of(next);
        /* A free chunk that ends the heap is the top (its header has no
         * flag set, so this also says it is free). */
        if (next + h != __heap_end) {
            free_to_bin(chunk, size, h);
            return;
        }
        size += h;
    }
    heap_last = chunk; /* the new top */
    set_free(chunk, size);
}

/* First use: align the heap start so that payloads are 8-aligned. */
static int heap_init(void)
{
    char *start = sbrk(0);
    unsigned int pad = (HEADER - (unsigned int)(uintptr_t)start) & (ALIGN - 1);
    if (start == (char *)-1)
        return -1;
    if (pad && sbrk((intptr_t)pad) == (void *)-1)
        return -1;
    __heap_start = start + pad;
    __heap_end = __heap_start;
    return 0;
}

/* Adds `bytes` at the end of the heap; returns the old end or NULL.
 *
 * The heap must end at the program break: if the program moved the break
 * itself since malloc last grew the heap (its own sbrk(n) or brk()), the
 * new chunk's header would have to go into the program's bytes, so malloc
 * stops with a clear message instead of silently overwriting them. */
static char *heap_grow(unsigned int bytes)
{
    char *old;
    if ((char *)sbrk(0) != __heap_end)
        heap_error("the program moved the break (sbrk/brk) since malloc grew the heap", __heap_end);
    if (bytes > 0x7fffffffu || sbrk((intptr_t)bytes) == (void *)-1) {
        errno = ENOMEM;
        return NULL;
    }
    old = __heap_end;
    __heap_end += bytes;
    return old;
}

/* No bin has a chunk for `need` bytes: carve it from the top, growing the
 * top as far as needed, or append a new chunk after an in-use last one. */
static __attribute__((noinline)) void *malloc_from_top(unsigned int need)
{
    char *last = heap_last;
    char *chunk;
    unsigned int size;
    if (last != NULL) {
        size = *header_of(last);
        if ((size & IN_USE) == 0) {
            if ((size & FLAGS) != 0 || last + size != __heap_end)
                diagnose("corrupted chunk header", last);
            if (size < need) {
                if (heap_grow(need - size) == NULL)
                    return NULL;
                size = need;
            }
            if (size - need >= MIN_CHUNK) {
                heap_last = last + need;
                set_free(heap_last, size - need);
                size = need;
            }
            *header_of(last) = size | IN_USE;
            return last + HEADER;
        }
        if (bad_header(last) || last + (size & ~FLAGS) != __heap_end)
            diagnose("corrupted chunk header", last);
    } else if (__heap_start == NULL && heap_init() < 0) {
        errno = ENOMEM;
        return NULL;
    }
    chunk = heap_grow(need);
    if (chunk == NULL)
        return NULL;
    *header_of(chunk) = need | IN_USE;
    heap_last = chunk;
    return chunk + HEADER;
}

/* The first chunk of the first bin that has one for `need` bytes (the
 * first chunk of need's own bin if it is big enough, else of the lowest
 * non-empty bin above it, where every chunk is), or NULL. */
INLINE char *find_in_bins(unsigned int need)
{
    unsigned int bin = bin_of(need);
    unsigned int above;
    char *chunk = __heap_bins[bin];
    if (chunk != NULL && chunk_size(chunk) >= need)
        return chunk;
    above = __heap_binmap & (~1u << bin);
    return above != 0 ? __heap_bins[__builtin_ctz(above)] : NULL;
}

/* The chunk size for a request of n bytes (n <= MAX_REQUEST). */
INLINE unsigned int request_size(size_t n)
{
    unsigned int need = (n + HEADER + ALIGN - 1) & ~(ALIGN - 1);
    return need < MIN_CHUNK ? MIN_CHUNK : need;
}

/* malloc for `need` bytes when some bin is not empty. */
static __attribute__((noinline)) void *malloc_from_bins(unsigned int need)
{
    char *chunk = find_in_bins(need);
    unsigned int size;
    if (chunk == NULL)
        return malloc_from_top(need);
    size = *header_of(chunk);
    /* A chunk in a bin is free, fits, and is never the top. */
    if ((size & FLAGS) != 0 || size < need || size >= (unsigned int)(__heap_end - chunk))
        diagnose("corrupted free list", chunk);
    unlink_chunk(chunk, size);
    if (size - need >= MIN_CHUNK) {
        /* The rest is a free chunk; the chunk after it knows (bit 1). */
        *header_of(chunk) = need | IN_USE;
        set_free(chunk + need, size - need);
        push(chunk + need, size - need);
    } else {
        *header_of(chunk) = size | IN_USE;
        *header_of(chunk + size) &= ~PREV_FREE;
    }
    return chunk + HEADER;
}

void *malloc(size_t n)
{
    unsigned int need;
    unsigned int size;
    char *top;
    if (n > MAX_REQUEST) {
        errno = ENOMEM;
        return NULL;
    }
    need = request_size(n);
    if (__heap_binmap != 0)
        return malloc_from_bins(need);
    /* No free chunk but the top: carve the chunk from it.  The top is
     * free and has no flag set, so it ends the heap exactly when its
     * header is its size. */
    top = heap_last;
    if (top != NULL && (size = *header_of(top)) >= need + MIN_CHUNK && top + size == __heap_end) {
        heap_last = top + need;
        set_free(heap_last, size - need);
        *header_of(top) = need | IN_USE;
        return top + HEADER;
    }
    return malloc_from_top(need);
}

/* What free and realloc say when a pointer fails the O(1) checks. */
FATAL void bad_pointer(char *chunk)
{
    if ((uintptr_t)(chunk - __heap_start) >= (uintptr_t)(__heap_end - __heap_start))
        heap_error("invalid pointer (not from malloc)", chunk);
    diagnose((*header_of(chunk) & IN_USE) != 0 ? "corrupted chunk header" : "double free", chunk);
}

/* The header of the chunk of payload p, which must be in use: p inside
 * the heap and 8-aligned, the header sane, bit 0 set and, when bit 1 says
 * the chunk before is free, a footer there that leads back to a free
 * header of the same size.  O(1); diagnose() names any fault found. */
INLINE unsigned int in_use_header(void *p)
{
    char *chunk = (char *)p - HEADER;
    char *end = __heap_end;
    unsigned int h;
    if (chunk < __heap_start || chunk >= end) /* NULL, NULL before the first malloc */
        bad_pointer(chunk);
    h = *header_of(chunk);
    if ((((uintptr_t)p | h) & 5u) != IN_USE || (h & ~FLAGS) < MIN_CHUNK
        || (h & ~FLAGS) > (unsigned int)(end - chunk))
        bad_pointer(chunk);
    return h;
}

/* A set bit 1 in `chunk`'s header: the footer before it must lead back to
 * a free header of the same size. */
INLINE void check_before(char *chunk)
{
    unsigned int before = *(unsigned int *)(chunk - 4);
    if ((before & FLAGS) != 0 || before < MIN_CHUNK || before > (unsigned int)(chunk - __heap_start)
        || *header_of(chunk - before) != before)
        diagnose("corrupted chunk header", chunk);
}

/* free(p) when bit 1 says the chunk before p's is free: the two merge. */
static __attribute__((noinline)) void free_after_free_chunk(char *chunk, unsigned int h)
{
    unsigned int before = *(unsigned int *)(chunk - 4);
    check_before(chunk);
    /* Clear bit 0 of the header that now lies inside the merged chunk: a
     * second free(p) finds it free. */
    *header_of(chunk) = h & ~IN_USE;
    unlink_chunk(chunk - before, before);
    make_free(chunk - before, (h & ~FLAGS) + before);
}

void free(void *p)
{
    unsigned int h;
    if (p == NULL)
        return;
    h = in_use_header(p);
    if (h & PREV_FREE)
        free_after_free_chunk((char *)p - HEADER, h);
    else
        make_free((char *)p - HEADER, h & ~FLAGS);
}

void *calloc(size_t nmemb, size_t size)
{
    size_t total;
    void *p;
    if (size != 0 && nmemb > (size_t)-1 / size) {
        errno = ENOMEM;
        return NULL;
    }
    total = nmemb * size;
    p = malloc(total);
    if (p != NULL)
        memset(p, 0, total);
    return p;
}

void *realloc(void *p, size_t n)
{
    char *chunk;
    char *next;
    unsigned int size;
    unsigned int need;
    void *q;
    if (p == NULL)
        return malloc(n);
    if (n == 0) {
        free(p);
        return NULL;
    }
    if (n > MAX_REQUEST) {
        errno = ENOMEM;
        return NULL;
    }
    need = request_size(n);
    chunk = (char *)p - HEADER;
    size = in_use_header(p);
    if (size & PREV_FREE)
        check_before(chunk);
    size &= ~FLAGS;
    next = chunk + size;
    /* Absorb a free neighbour first (the top included): it makes shrinking
     * and growing in place the same case. */
    if (next != __heap_end) {
        unsigned int h = *header_of(next);
        if (next + h == __heap_end) {
            heap_last = chunk;
            size += h;
            *header_of(chunk) += h;
            next = __heap_end;
        } else if ((h & IN_USE) == 0) {
            claim_free_next(next, h);
            size += h;
            *header_of(chunk) += h;
            next = chunk + size;
            *header_of(next) &= ~PREV_FREE;
        }
    }
    if (size >= need) {
        if (size - need >= MIN_CHUNK) {
            *header_of(chunk) -= size - need;
            make_free(chunk + need, size - need);
        }
        return p;
    }
    if (next == __heap_end) {
        if (heap_grow(need - size) == NULL)
            return NULL;
        *header_of(chunk) += need - size;
        return p;
    }
    q = malloc(n);
    if (q == NULL)
        return NULL;
    memcpy(q, p, size - HEADER);
    free(p);
    return q;
}
