/* stdlib.c - number parsing, abs, rand, qsort, bsearch, getenv. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Set by crt0.s before main runs. */
char **environ;

/* Parses [space][sign][0x]digits in base 2..36 (0 = guess from the prefix,
 * C11 7.22.1.4) into an unsigned magnitude; reports the sign, whether it
 * overflowed 64 bits, and where parsing stopped. */
static unsigned long long parse(const char *s, char **end, int base, int *negative, int *overflow)
{
    const char *p = s;
    const char *digits_start;
    unsigned long long v = 0;
    *negative = 0;
    *overflow = 0;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-') {
        *negative = *p == '-';
        p++;
    }
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    digits_start = p;
    for (;; p++) {
        int d;
        if (isdigit((unsigned char)*p))
            d = *p - '0';
        else if (isalpha((unsigned char)*p))
            d = tolower((unsigned char)*p) - 'a' + 10;
        else
            break;
        if (d >= base)
            break;
        if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
            *overflow = 1;
        v = v * (unsigned)base + (unsigned)d;
    }
    if (end)
        *end = (char *)(p == digits_start ? s : p);
    return v;
}

long long strtoll(const char *s, char **end, int base)
{
    int neg, ovf;
    unsigned long long v = parse(s, end, base, &neg, &ovf);
    if (ovf || (!neg && v > (unsigned long long)LLONG_MAX)) {
        errno = ERANGE;
        return LLONG_MAX;
    }
    if (neg && v > (unsigned long long)LLONG_MAX + 1) {
        errno = ERANGE;
        return LLONG_MIN;
    }
    return neg ? (long long)(0ULL - v) : (long long)v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
    int neg, ovf;
    unsigned long long v = parse(s, end, base, &neg, &ovf);
    if (ovf) {
        errno = ERANGE;
        return ULLONG_MAX;
    }
    return neg ? 0ULL - v : v;
}

long strtol(const char *s, char **end, int base)
{
    int neg, ovf;
    unsigned long long v = parse(s, end, base, &neg, &ovf);
    if (ovf || (!neg && v > (unsigned long long)LONG_MAX)) {
        errno = ERANGE;
        return LONG_MAX;
    }
    if (neg && v > (unsigned long long)LONG_MAX + 1) {
        errno = ERANGE;
        return LONG_MIN;
    }
    return neg ? (long)(0UL - (unsigned long)v) : (long)v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    int neg, ovf;
    unsigned long long v = parse(s, end, base, &neg, &ovf);
    if (ovf || v > ULONG_MAX) {
        errno = ERANGE;
        return ULONG_MAX;
    }
    return neg ? 0UL - (unsigned long)v : (unsigned long)v;
}

/* atoi: skip spaces, optional sign, decimal digits; no error reporting.
 * Overflow wraps modulo 2^32 (glibc's atoi is (int)strtol, which clamps
 * first: the two differ only for out-of-range input, which is undefined). */
int atoi(const char *s)
{
    unsigned int v = 0;
    int neg = 0;
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    while (isdigit((unsigned char)*s))
        v = v * 10 + (unsigned)(*s++ - '0');
    return (int)(neg ? 0u - v : v);
}

long atol(const char *s)
{
    return atoi(s);
}

long long atoll(const char *s)
{
    unsigned long long v = 0;
    int neg = 0;
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    while (isdigit((unsigned char)*s))
        v = v * 10 + (unsigned)(*s++ - '0');
    return (long long)(neg ? 0ULL - v : v);
}

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
long long llabs(long long x) { return x < 0 ? -x : x; }

/* glibc's random_r with TYPE_0 state (stdlib/random_r.c): a 31-bit linear
 * congruential generator; srand(0) seeds it as srand(1) does. */
static unsigned int rand_state = 1;

int rand(void)
{
    rand_state = (rand_state * 1103515245u + 12345u) & 0x7fffffffu;
    return (int)rand_state;
}

void srand(unsigned int seed)
{
    rand_state = seed ? seed : 1;
}

static void swap_bytes(char *a, char *b, size_t size)
{
    while (size--) {
        char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

/* Restores the max-heap property below node i (0-based, n elements). */
static void sift_down(char *base, size_t i, size_t n, size_t size,
                      int (*cmp)(const void *, const void *))
{
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            return;
        if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
            child++;
        if (cmp(base + i * size, base + child * size) >= 0)
            return;
        swap_bytes(base + i * size, base + child * size, size);
        i = child;
    }
}

/* Heapsort: O(n log n), no recursion, no extra memory (not stable, like
 * every qsort). */
void qsort(void *base, size_t nmemb, size_t size, int (*cmp)(const void *, const void *))
{
    char *b = base;
    size_t i;
    if (nmemb < 2 || size == 0)
        return;
    for (i = nmemb / 2; i-- > 0;)
        sift_down(b, i, nmemb, size, cmp);
    for (i = nmemb - 1; i > 0; i--) {
        swap_bytes(b, b + i * size, size);
        sift_down(b, 0, i, size, cmp);
    }
}

void *bsearch(const void *key, const void *base, size_t nmemb, size_t size,
              int (*cmp)(const void *, const void *))
{
    const char *b = base;
    size_t lo = 0;
    size_t hi = nmemb;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp(key, b + mid * size);
        if (c == 0)
            return (void *)(b + mid * size);
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

char *getenv(const char *name)
{
    size_t n = strlen(name);
    char **e;
    if (environ == NULL)
        return NULL;
    for (e = environ; *e; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}
