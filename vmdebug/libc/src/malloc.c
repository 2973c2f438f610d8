/* malloc.c - the heap of the vmdebug libc: an implicit list on sbrk().
 *
 * Layout after p = malloc(10); q = malloc(8); r = malloc(1); free(q);
 * (addresses grow to the right; one box = 4 bytes):
 *
 *   __heap_start                                                 __heap_end
 *   |                                                    (== program break)
 *   v                                                                     v
 *   +------+------+------+------+------+------+------+------+------+------+
 *   | 0x11 | p: 10 bytes + 2 pad| 0x10 | q: free, 12 bytes  | 0x09 |  r   |
 *   +------+------+------+------+------+------+------+------+------+------+
 *   |<------ chunk of 16 ------>|<------ chunk of 16 ------>|<---- 8 ---->|
 *           ^ p (8-aligned)             ^ q (freed)                 ^ r
 *
 *   chunk  = [ header (4 bytes) ][ payload ... ]
 *   header = chunk size in bytes, header included, a multiple of 8
 *            | bit 0: 1 = in use, 0 = free      (bits 1 and 2 are always 0)
 *   size   = max(8, (request + 4 + 7) & ~7)     so the padding is 0..7 bytes
 *   header addresses are 4 (mod 8), so every payload (header + 4) is
 *   8-byte aligned; the bytes between the end of the heap's previous
 *   contents and __heap_start (0..7) are alignment padding.
 *   next chunk = chunk + (header & ~7); the last chunk ends at __heap_end.
 *
 * There are no footers and no free list: a free chunk is only a header with
 * bit 0 clear, so a debugger can draw the heap by walking from __heap_start
 * to __heap_end.
 *
 * malloc: first fit, walking every chunk from __heap_start.  A free chunk
 *   that is larger than needed is split when the rest is at least 8 bytes
 *   (the minimum chunk); otherwise the caller gets the whole chunk.  If
 *   nothing fits, the heap grows with sbrk() by EXACTLY the bytes missing:
 *   the size of the new chunk, or only the difference when the last chunk
 *   is free and can be extended.  No page rounding: the break moves by the
 *   chunk sizes you can see (the kernel maps whole pages behind it anyway).
 *   Growing needs the break to be where the heap ends: a program that
 *   moved it with its own sbrk(n)/brk() after its first malloc gets an
 *   abort the next time the heap must grow (sbrk(0) is always fine).
 * free: finds the chunk by walking from __heap_start (which also finds the
 *   chunk before it), clears bit 0, and merges it with a free chunk right
 *   after it and a free chunk right before it.  The heap never shrinks.
 * realloc: shrinks in place (splitting), grows in place into a free next
 *   chunk or at the end of the heap, else malloc + memcpy + free.
 * calloc: malloc + memset 0 (reused chunks hold old data).
 *
 * Every header the walk passes is checked (size >= 8, a multiple of 8,
 * inside the heap).  A bad one, a double free or a pointer that is not a
 * chunk's payload makes malloc print one line to stderr and abort()
 * (exit status 134).
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
#define MIN_CHUNK 8u
#define IN_USE 1u

char *__heap_start;
char *__heap_end;

static unsigned int *header_of(char *chunk)
{
    return (unsigned int *)chunk;
}

static unsigned int chunk_size(char *chunk)
{
    return *header_of(chunk) & ~7u;
}

static int chunk_in_use(char *chunk)
{
    return (int)(*header_of(chunk) & IN_USE);
}

static void set_header(char *chunk, unsigned int size, unsigned int in_use)
{
    *header_of(chunk) = size | in_use;
}

static void heap_error(const char *what, char *where)
{
    fprintf(stderr, "malloc: %s at %p (header 0x%08x)\n", what, (void *)where,
            where >= __heap_start && where < __heap_end ? *header_of(where) : 0u);
    abort();
}

/* A header must describe a chunk that lies inside the heap. */
static void check_chunk(char *chunk)
{
    unsigned int h = *header_of(chunk);
    unsigned int size = h & ~7u;
    if ((h & 6u) != 0 || size < MIN_CHUNK || size > (unsigned int)(__heap_end - chunk))
        heap_error("corrupted chunk header", chunk);
}

/* The chunk size for a request, or 0 if the request is too large. */
static unsigned int request_size(size_t n)
{
    if (n > 0x7ffffff0u)
        return 0;
    n = (n + HEADER + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    return n < MIN_CHUNK ? MIN_CHUNK : (unsigned int)n;
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

/* Marks `chunk` (size >= need) in use with `need` bytes, splitting off the
 * rest as a free chunk when it can hold a minimum chunk. */
static void place(char *chunk, unsigned int need)
{
    unsigned int size = chunk_size(chunk);
    if (size - need >= MIN_CHUNK) {
        set_header(chunk, need, IN_USE);
        set_header(chunk + need, size - need, 0);
    } else {
        set_header(chunk, size, IN_USE);
    }
}

void *malloc(size_t n)
{
    unsigned int need = request_size(n);
    char *chunk;
    char *last = NULL;
    if (need == 0) {
        errno = ENOMEM;
        return NULL;
    }
    if (__heap_start == NULL && heap_init() < 0) {
        errno = ENOMEM;
        return NULL;
    }
    for (chunk = __heap_start; chunk < __heap_end; chunk += chunk_size(chunk)) {
        check_chunk(chunk);
        if (!chunk_in_use(chunk) && chunk_size(chunk) >= need) {
            place(chunk, need);
            return chunk + HEADER;
        }
        last = chunk;
    }
    /* Nothing fits: extend a free last chunk, or append a new one. */
    if (last != NULL && !chunk_in_use(last)) {
        if (heap_grow(need - chunk_size(last)) == NULL)
            return NULL;
        set_header(last, need, IN_USE);
        return last + HEADER;
    }
    chunk = heap_grow(need);
    if (chunk == NULL)
        return NULL;
    set_header(chunk, need, IN_USE);
    return chunk + HEADER;
}

/* The chunk holding payload p, found by walking the heap; *before gets
 * the chunk just before it (NULL for the first).  Aborts if p is not the
 * payload of a chunk in use. */
static char *find_chunk(void *p, char **before)
{
    char *target = (char *)p - HEADER;
    char *chunk;
    char *prev = NULL;
    if (__heap_start == NULL || target < __heap_start || target >= __heap_end)
        heap_error("invalid pointer (not from malloc)", target);
    for (chunk = __heap_start; chunk < target; chunk += chunk_size(chunk)) {
        check_chunk(chunk);
        prev = chunk;
    }
    if (chunk != target)
        heap_error("invalid pointer (not the start of a chunk)", target);
    check_chunk(chunk);
    if (!chunk_in_use(chunk))
        heap_error("double free", chunk);
    *before = prev;
    return chunk;
}

void free(void *p)
{
    char *prev;
    char *chunk;
    char *next;
    unsigned int size;
    if (p == NULL)
        return;
    chunk = find_chunk(p, &prev);
    size = chunk_size(chunk);
    next = chunk + size;
    if (next < __heap_end) {
        check_chunk(next);
        if (!chunk_in_use(next))
            size += chunk_size(next);
    }
    if (prev != NULL && !chunk_in_use(prev)) {
        size += chunk_size(prev);
        chunk = prev;
    }
    set_header(chunk, size, 0);
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
    char *prev;
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
    need = request_size(n);
    if (need == 0) {
        errno = ENOMEM;
        return NULL;
    }
    chunk = find_chunk(p, &prev);
    size = chunk_size(chunk);
    next = chunk + size;
    if (next < __heap_end) {
        check_chunk(next);
        /* Absorb a free neighbour first: it makes shrinking and growing
         * in place the same case. */
        if (!chunk_in_use(next)) {
            size += chunk_size(next);
            set_header(chunk, size, IN_USE);
            next = chunk + size;
        }
    }
    if (size >= need) {
        place(chunk, need);
        return p;
    }
    if (next == __heap_end) {
        if (heap_grow(need - size) == NULL)
            return NULL;
        set_header(chunk, need, IN_USE);
        return p;
    }
    q = malloc(n);
    if (q == NULL)
        return NULL;
    memcpy(q, p, size - HEADER);
    free(p);
    return q;
}
