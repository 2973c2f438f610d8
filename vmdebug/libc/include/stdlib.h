/* stdlib.h - vmdebug libc.
 *
 * malloc/calloc/realloc/free manage a heap that grows with sbrk(); see the
 * diagram at the top of src/malloc.c.  Each chunk is a 4-byte header (size,
 * a multiple of 8 and at least 16; bit 0 = in use, bit 1 = the chunk before
 * is free) then the 8-byte-aligned payload.  The heap runs from __heap_start
 * to __heap_end (the break); a debugger walks it with  chunk += header & ~7.
 * It grows by exactly the bytes a request needs (no page rounding).
 *
 * The heap must end at the program break when it grows: calling sbrk(n)
 * or brk() yourself after the first malloc makes the next growth abort
 * (sbrk(0), which only reads the break, is fine).
 *
 * malloc checks the headers and free-list links it touches; a damaged one,
 * a double free or freeing a pointer malloc did not return prints a
 * one-line message to stderr and calls abort().
 *
 * abort(): raises SIGABRT (as glibc's does), which ends the process: a
 * shell shows status 134 (128 + SIGABRT) and "Aborted".
 *
 * rand(): glibc's generator with a TYPE_0 state (what glibc's random() gives
 * after initstate(seed, state, 8)):
 *   next = (next * 1103515245 + 12345) & 0x7fffffff; return next;
 * so RAND_MAX is 2147483647; srand(0) is srand(1).  glibc's rand() without
 * initstate uses TYPE_3, a different sequence. */
#ifndef _VMDEBUG_STDLIB_H
#define _VMDEBUG_STDLIB_H
#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 2147483647

void *malloc(size_t size);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);

/* Heap bounds for debuggers: the first chunk header and the current end of
 * the heap (== the program break once malloc has been used).  Both are 0
 * until the first malloc. */
extern char *__heap_start;
extern char *__heap_end;

void exit(int status) __attribute__((noreturn));
void _Exit(int status) __attribute__((noreturn));
void abort(void) __attribute__((noreturn));
int atexit(void (*fn)(void));

int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);

/* strtod.c: correctly rounded (to nearest, ties to even) from decimal or
 * hexadecimal text, inf/infinity/nan/nan(chars) as glibc; ERANGE on
 * overflow, and on underflow (a result tiny after rounding and inexact). */
double strtod(const char *s, char **end);
float strtof(const char *s, char **end);
long double strtold(const char *s, char **end);
double atof(const char *s);

int abs(int x);
long labs(long x);
long long llabs(long long x);

int rand(void);
void srand(unsigned int seed);

void qsort(void *base, size_t nmemb, size_t size, int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t nmemb, size_t size,
              int (*cmp)(const void *, const void *));

char *getenv(const char *name);
extern char **environ;
/* The free lists, for debuggers (src/malloc.c): __heap_bins[i] is the first
 * free chunk (its header) of size class i, or NULL; bit i of __heap_binmap
 * is set while bin i is not empty.  A free chunk holds the next free chunk
 * of its bin at +4, the previous one at +8 and its size in its last 4 bytes. */
#define __HEAP_BINS 32
extern char *__heap_bins[__HEAP_BINS];
extern unsigned int __heap_binmap;
#endif
