/* stdio.c - printf and friends for the vmdebug libc.
 *
 * Every output call formats into a `struct sink`: either a 256-byte buffer
 * on the stack that is handed to write(2) when full and at the end of the
 * call (so one printf is normally one write system call), or a caller's
 * string (snprintf).  Nothing stays buffered between calls; see stdio.h. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fp.h"

static FILE stdin_file = {0, EOF, 0, 0};
static FILE stdout_file = {1, EOF, 0, 0};
static FILE stderr_file = {2, EOF, 0, 0};
FILE *stdin = &stdin_file;
FILE *stdout = &stdout_file;
FILE *stderr = &stderr_file;

#define SINK_BUFFER 256

struct sink {
    int fd;            /* >= 0: write to this descriptor; -1: to str */
    int failed;        /* a write(2) failed */
    size_t pos;        /* bytes waiting in buf */
    size_t total;      /* bytes produced so far (the printf result) */
    char *str;         /* string mode: destination ... */
    size_t size;       /* ... and its capacity including the NUL */
    char buf[SINK_BUFFER];
};

static void sink_flush(struct sink *s)
{
    size_t done = 0;
    while (done < s->pos) {
        ssize_t n = write(s->fd, s->buf + done, s->pos - done);
        if (n <= 0) {
            s->failed = 1;
            break;
        }
        done += (size_t)n;
    }
    s->pos = 0;
}

static void put(struct sink *s, char c)
{
    if (s->fd >= 0) {
        s->buf[s->pos++] = c;
        if (s->pos == SINK_BUFFER)
            sink_flush(s);
    } else if (s->total + 1 < s->size) {
        s->str[s->total] = c;
    }
    s->total++;
}

static void put_repeat(struct sink *s, char c, int n)
{
    while (n-- > 0)
        put(s, c);
}

static void put_string(struct sink *s, const char *p, size_t n)
{
    while (n--)
        put(s, *p++);
}

static void sink_init_fd(struct sink *s, int fd)
{
    s->fd = fd;
    s->failed = 0;
    s->pos = 0;
    s->total = 0;
    s->str = NULL;
    s->size = 0;
}

/* Ends a fd sink: the C result is -1 if any write failed, else the count. */
static int sink_finish_fd(struct sink *s)
{
    sink_flush(s);
    if (s->failed)
        return -1;
    return s->total > INT_MAX ? INT_MAX : (int)s->total;
}

/* The FLAG_ bits ('-' '0' '+' ' ' '#') are in fp.h, which fmt_fp.c shares. */

/* Digits of v in base 8, 10 or 16, least significant first, into out;
 * returns how many.  Bases 8 and 16 take shifts; base 10 takes 32-bit
 * `div`s only (a 64-bit value is divided by 10 in two steps, high word
 * first), so no call to __udivdi3 (div64.c), which is one bit per step. */
static int to_digits(unsigned long long v, unsigned base, int upper, char *out)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    if (base != 10) {
        unsigned shift = base == 16 ? 4 : 3;
        do {
            out[n++] = digits[(unsigned)v & (base - 1)];
            v >>= shift;
        } while (v);
        return n;
    }
    while (v > 0xffffffffULL) {
        unsigned int hi = (unsigned int)(v >> 32), lo = (unsigned int)v, q, r;
        /* (hi % 10) * 2^32 + lo < 10 * 2^32: one `div` gives the low quotient word. */
        __asm__("div %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi % 10), "r"(10u) : "cc");
        out[n++] = digits[r];
        v = ((unsigned long long)(hi / 10) << 32) | q;
    }
    {
        unsigned int w = (unsigned int)v;
        do {
            out[n++] = digits[w % 10];
            w /= 10;
        } while (w);
    }
    return n;
}

/* One integer conversion: [padding][sign][prefix][zeros][digits][padding]
 * with the C11 7.21.6.1 rules: precision = minimum number of digits (and
 * disables the 0 flag); precision 0 with value 0 prints no digits. */
static void put_integer(struct sink *s, unsigned long long v, int negative, unsigned base,
                        int upper, int flags, int width, int precision, const char *prefix)
{
    char digits[24];
    int ndigits = to_digits(v, base, upper, digits);
    char sign = 0;
    int zeros = 0;
    int prefix_len = prefix ? (int)strlen(prefix) : 0;
    int len;

    if (precision == 0 && v == 0)
        ndigits = 0;
    if (negative)
        sign = '-';
    else if (flags & FLAG_PLUS)
        sign = '+';
    else if (flags & FLAG_SPACE)
        sign = ' ';
    if (precision > ndigits)
        zeros = precision - ndigits;
    /* "#o" makes the first digit a zero, if it is not one already. */
    if (base == 8 && (flags & FLAG_ALT) && zeros == 0 && (ndigits == 0 || digits[ndigits - 1] != '0'))
        zeros = 1;
    len = (sign ? 1 : 0) + prefix_len + zeros + ndigits;
    if ((flags & FLAG_ZERO) && !(flags & FLAG_LEFT) && precision < 0 && width > len) {
        zeros += width - len;
        len = width;
    }
    if (!(flags & FLAG_LEFT))
        put_repeat(s, ' ', width - len);
    if (sign)
        put(s, sign);
    if (prefix_len)
        put_string(s, prefix, (size_t)prefix_len);
    put_repeat(s, '0', zeros);
    while (ndigits > 0)
        put(s, digits[--ndigits]);
    if (flags & FLAG_LEFT)
        put_repeat(s, ' ', width - len);
}

/* fmt_fp.c's output: n bytes of p, or n copies of fill. */
static void emit_fp(void *ctx, const char *p, int n, char fill)
{
    if (p)
        put_string(ctx, p, (size_t)n);
    else
        put_repeat(ctx, fill, n);
}

static void put_padded(struct sink *s, const char *p, size_t n, int flags, int width)
{
    if (!(flags & FLAG_LEFT))
        put_repeat(s, ' ', width - (int)n);
    put_string(s, p, n);
    if (flags & FLAG_LEFT)
        put_repeat(s, ' ', width - (int)n);
}

/* The printf engine shared by every printf-like function. */
static void format(struct sink *s, const char *fmt, va_list ap)
{
    while (*fmt) {
        const char *spec = fmt;
        int flags = 0;
        int width = 0;
        int precision = -1;
        int length = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long */
        int ldbl = 0;   /* L: long double */
        char conv;

        if (*fmt != '%') {
            put(s, *fmt++);
            continue;
        }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-')
                flags |= FLAG_LEFT;
            else if (*fmt == '0')
                flags |= FLAG_ZERO;
            else if (*fmt == '+')
                flags |= FLAG_PLUS;
            else if (*fmt == ' ')
                flags |= FLAG_SPACE;
            else if (*fmt == '#')
                flags |= FLAG_ALT;
            else
                break;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                flags |= FLAG_LEFT;
                width = -width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            precision = 0;
            if (*fmt == '*') {
                precision = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    precision = precision * 10 + (*fmt++ - '0');
            }
        }
        for (;; fmt++) {
            if (*fmt == 'h')
                length--;
            else if (*fmt == 'l')
                length++;
            else if (*fmt == 'q' || *fmt == 'L' || *fmt == 'j') {
                length = 2;
                ldbl = *fmt == 'L';
            }
            else if (*fmt == 'z' || *fmt == 't')
                length = 1;
            else
                break;
        }
        conv = *fmt;
        if (conv == '\0') {
            /* A lone trailing '%...': print it as written. */
            put_string(s, spec, (size_t)(fmt - spec));
            break;
        }
        fmt++;
        switch (conv) {
        case 'd':
        case 'i': {
            long long v;
            if (length >= 2)
                v = va_arg(ap, long long);
            else
                v = va_arg(ap, int);
            if (length == -1)
                v = (short)v;
            else if (length <= -2)
                v = (signed char)v;
            if (v < 0)
                put_integer(s, 0ULL - (unsigned long long)v, 1, 10, 0, flags, width, precision, NULL);
            else
                put_integer(s, (unsigned long long)v, 0, 10, 0, flags, width, precision, NULL);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            unsigned long long v;
            unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
            const char *prefix = NULL;
            if (length >= 2)
                v = va_arg(ap, unsigned long long);
            else
                v = va_arg(ap, unsigned int);
            if (length == -1)
                v = (unsigned short)v;
            else if (length <= -2)
                v = (unsigned char)v;
            if ((flags & FLAG_ALT) && v != 0 && base == 16)
                prefix = conv == 'X' ? "0X" : "0x";
            put_integer(s, v, 0, base, conv == 'X', flags & ~(FLAG_PLUS | FLAG_SPACE), width,
                        precision, prefix);
            break;
        }
        case 'p': {
            void *p = va_arg(ap, void *);
            if (p == NULL)
                put_padded(s, "(nil)", 5, flags, width);
            else
                put_integer(s, (unsigned long)p, 0, 16, 0, flags, width, precision, "0x");
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_padded(s, &c, 1, flags, width);
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            size_t n;
            if (str == NULL)
                str = (precision < 0 || precision >= 6) ? "(null)" : "";
            n = precision < 0 ? strlen(str) : strnlen(str, (size_t)precision);
            put_padded(s, str, n, flags, width);
            break;
        }
        case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
            /* The value's words, without a floating-point instruction (fp.h). */
            if (ldbl) {
                struct fp_ldouble_words v = va_arg(ap, struct fp_ldouble_words);
                __fmt_fp(emit_fp, s, v.w, 1, conv, flags, width, precision);
            } else {
                struct fp_double_words v = va_arg(ap, struct fp_double_words);
                __fmt_fp(emit_fp, s, v.w, 0, conv, flags, width, precision);
            }
            break;
        case '%':
            put(s, '%');
            break;
        default:
            /* %n and unknown conversions: print the conversion as written. */
            put_string(s, spec, (size_t)(fmt - spec));
            break;
        }
    }
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
    struct sink s;
    sink_init_fd(&s, fd);
    format(&s, fmt, ap);
    return sink_finish_fd(&s);
}

int dprintf(int fd, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vdprintf(fd, fmt, ap);
    va_end(ap);
    return n;
}

int vfprintf(FILE *stream, const char *fmt, va_list ap)
{
    return vdprintf(stream->fd, fmt, ap);
}

int vprintf(const char *fmt, va_list ap)
{
    return vdprintf(1, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vdprintf(1, fmt, ap);
    va_end(ap);
    return n;
}

int fprintf(FILE *stream, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vdprintf(stream->fd, fmt, ap);
    va_end(ap);
    return n;
}

/* C11 7.21.6.5: at most size-1 characters plus a NUL are stored; the
 * result is the length the whole output would have had. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink s;
    s.fd = -1;
    s.failed = 0;
    s.pos = 0;
    s.total = 0;
    s.str = buf;
    s.size = size;
    format(&s, fmt, ap);
    if (size > 0)
        buf[s.total < size ? s.total : size - 1] = '\0';
    return s.total > INT_MAX ? INT_MAX : (int)s.total;
}

int vsprintf(char *buf, const char *fmt, va_list ap)
{
    return vsnprintf(buf, (size_t)INT_MAX, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int sprintf(char *buf, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf, (size_t)INT_MAX, fmt, ap);
    va_end(ap);
    return n;
}

int fputc(int c, FILE *stream)
{
    unsigned char b = (unsigned char)c;
    if (write(stream->fd, &b, 1) != 1)
        return EOF;
    return b;
}

int putc(int c, FILE *stream)
{
    return fputc(c, stream);
}

int putchar(int c)
{
    return fputc(c, stdout);
}

int fputs(const char *str, FILE *stream)
{
    struct sink s;
    sink_init_fd(&s, stream->fd);
    put_string(&s, str, strlen(str));
    return sink_finish_fd(&s) < 0 ? EOF : 1;
}

/* glibc's puts returns the number of bytes written (string + newline). */
int puts(const char *str)
{
    struct sink s;
    sink_init_fd(&s, 1);
    put_string(&s, str, strlen(str));
    put(&s, '\n');
    return sink_finish_fd(&s);
}

size_t fwrite(const void *ptr, size_t size, size_t nmemb, FILE *stream)
{
    const char *p = ptr;
    size_t total = size * nmemb;
    size_t done = 0;
    if (size == 0 || nmemb == 0)
        return 0;
    while (done < total) {
        ssize_t n = write(stream->fd, p + done, total - done);
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    return done / size;
}

int fflush(FILE *stream)
{
    (void)stream;
    return 0;
}

int fgetc(FILE *stream)
{
    unsigned char c;
    if (stream->ungot != EOF) {
        int got = stream->ungot;
        stream->ungot = EOF;
        return got;
    }
    switch (read(stream->fd, &c, 1)) {
    case 1:
        return c;
    case 0:
        stream->eof = 1;
        return EOF;
    default:
        stream->failed = 1;
        return EOF;
    }
}

/* One byte of pushback, as C guarantees (glibc keeps more). */
int ungetc(int c, FILE *stream)
{
    if (c == EOF || stream->ungot != EOF)
        return EOF;
    stream->ungot = (unsigned char)c;
    return (unsigned char)c;
}

/* getline(3): the whole line, newline included, in a buffer grown with realloc. */
ssize_t getline(char **lineptr, size_t *n, FILE *stream)
{
    size_t len = 0;
    int c;
    if (lineptr == NULL || n == NULL) {
        errno = EINVAL;
        return -1;
    }
    if (*lineptr == NULL || *n == 0) {
        *n = 120;
        *lineptr = realloc(*lineptr, *n);
        if (*lineptr == NULL)
            return -1;
    }
    while ((c = fgetc(stream)) != EOF) {
        if (len + 2 > *n) {
            size_t bigger = *n * 2;
            char *p = realloc(*lineptr, bigger);
            if (p == NULL)
                return -1;
            *lineptr = p;
            *n = bigger;
        }
        (*lineptr)[len++] = (char)c;
        if (c == '\n')
            break;
    }
    if (len == 0)
        return -1;
    (*lineptr)[len] = '\0';
    return (ssize_t)len;
}

int getc(FILE *stream)
{
    return fgetc(stream);
}

int getchar(void)
{
    return fgetc(stdin);
}

/* Reads up to size-1 bytes, stopping after a newline; NULL at end of file
 * with nothing read. */
char *fgets(char *str, int size, FILE *stream)
{
    int i = 0;
    if (size <= 0)
        return NULL;
    while (i < size - 1) {
        int c = fgetc(stream);
        if (c == EOF)
            break;
        str[i++] = (char)c;
        if (c == '\n')
            break;
    }
    if (i == 0)
        return NULL;
    str[i] = '\0';
    return str;
}

void perror(const char *msg)
{
    if (msg && *msg)
        fprintf(stderr, "%s: %s\n", msg, strerror(errno));
    else
        fprintf(stderr, "%s\n", strerror(errno));
}
