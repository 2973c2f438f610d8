/* scanf.c - formatted input: scanf, fscanf, sscanf and their v- forms.
 *
 * One engine reads from a string or a FILE through get/unget, with at most
 * one byte of pushback (the byte that ended a field), as C requires.  The
 * rules are C11 7.21.6.2: white space in the format skips any white space in
 * the input; other characters must match; each conversion but %c, %[ and %n
 * skips leading white space first.  The result is the number of assignments,
 * or EOF when the input ended before the first conversion.  Floating point
 * conversions (%f %e %g %a, any case) read their field as glibc's scanf does
 * (scan_float) and convert it with strtod's core (strtod.c). */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fp.h"

struct source {
    FILE *file;          /* NULL for a string */
    const char *str;
    int count;           /* bytes consumed: %n */
};

static int get(struct source *in)
{
    int c;
    if (in->file == NULL)
        c = *in->str ? (unsigned char)*in->str++ : EOF;
    else
        c = fgetc(in->file);
    if (c != EOF)
        in->count++;
    return c;
}

static void unget(struct source *in, int c)
{
    if (c == EOF)
        return;
    in->count--;
    if (in->file == NULL)
        in->str--;
    else
        ungetc(c, in->file);
}

/* Skips white space; returns the first other byte, consumed (or EOF). */
static int skip_space(struct source *in)
{
    int c;
    do
        c = get(in);
    while (c != EOF && isspace(c));
    return c;
}

enum { LEN_HH, LEN_H, LEN_INT, LEN_L, LEN_LL };

static void store(void *p, int len, unsigned long long v)
{
    switch (len) {
    case LEN_HH: *(char *)p = (char)v; break;
    case LEN_H: *(short *)p = (short)v; break;
    case LEN_INT: *(int *)p = (int)v; break;
    case LEN_L: *(long *)p = (long)v; break;
    default: *(long long *)p = (long long)v; break;
    }
}

static int digit_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/* An integer field of at most `width` bytes (0: no limit) in `base` (0: C
 * prefixes).  Returns 0 on a matching failure, 1 with *out set, -1 at EOF. */
static int scan_integer(struct source *in, int base, int width, unsigned long long *out)
{
    unsigned long long v = 0;
    int neg = 0, digits = 0, used = 0;
    int c = skip_space(in);
    if (c == EOF)
        return -1;
    if (c == '+' || c == '-') {
        neg = c == '-';
        used++;
        c = (width && used >= width) ? EOF : get(in);
    }
    if (c == '0' && (base == 0 || base == 16) && !(width && used + 1 >= width)) {
        int next = get(in);
        used++;
        digits = 1;                 /* "0" alone is a number */
        if (next == 'x' || next == 'X') {
            base = 16;
            used++;
            c = (width && used >= width) ? EOF : get(in);
        } else {
            if (base == 0)
                base = 8;
            c = next;
        }
    } else if (base == 0) {
        base = 10;
    }
    while (c != EOF && digit_value(c) < base && !(width && used >= width)) {
        v = v * (unsigned)base + (unsigned)digit_value(c);
        digits++;
        used++;
        c = get(in);
    }
    unget(in, c);
    if (!digits)
        return 0;
    *out = neg ? (unsigned long long)-(long long)v : v;
    return 1;
}

/* A floating-point field's text, in a buffer that grows from the stack to the heap. */
struct field {
    char *text;
    int len, cap;
    char local[128];
};

static void field_add(struct field *f, int c)
{
    if (f->len + 1 >= f->cap) {
        char *bigger = malloc((size_t)f->cap * 2);
        if (bigger == NULL)
            return;
        memcpy(bigger, f->text, (size_t)f->len);
        if (f->text != f->local)
            free(f->text);
        f->text = bigger;
        f->cap *= 2;
    }
    f->text[f->len++] = (char)c;
}

/* Reads a floating-point field as glibc's scanf does (vfscanf-internal.c):
 * white space, a sign, then "nan", "inf" or "infinity" (no nan(...)), or
 * else the longest run of digits, one '.', and an exponent letter (e, or p
 * after 0x) once a digit has been seen, followed by an optional sign -
 * without looking back, so "1e+" is taken whole and strtod then reads its 1.
 * At most `width` bytes (0: no limit).  Returns 1 with the text in f, 0 on a
 * matching failure (nothing, a lone sign, or 0x and no digit), -1 at EOF. */
static int scan_float(struct source *in, int width, struct field *f)
{
    int c, got_digit = 0, got_dot = 0, got_e = 0, got_sign = 0, hexa = 0, exp_char = 'e';
    int w = width ? width : -1;
    c = skip_space(in);
    if (c == EOF)
        return -1;
    if (w > 0)
        w--;
    if (c == '-' || c == '+') {
        got_sign = 1;
        field_add(f, c);
        if (w == 0 || (c = get(in)) == EOF)
            return 0;
        if (w > 0)
            w--;
    }
    if (tolower(c) == 'n' || tolower(c) == 'i') {
        const char *word = tolower(c) == 'n' ? "nan" : "inf";
        int i;
        field_add(f, c);
        for (i = 1; i < 3; i++) {
            if (w == 0 || (c = get(in)) == EOF || tolower(c) != word[i]) {
                unget(in, c);
                return 0;
            }
            if (w > 0)
                w--;
            field_add(f, c);
        }
        if (word[0] == 'i' && w != 0 && (c = get(in)) != EOF) {
            if (tolower(c) == 'i') {
                /* "infinity", or nothing */
                if (w > 0)
                    w--;
                field_add(f, c);
                for (i = 0; i < 4; i++) {
                    if (w == 0 || (c = get(in)) == EOF || tolower(c) != "nity"[i]) {
                        unget(in, c);
                        return 0;
                    }
                    if (w > 0)
                        w--;
                    field_add(f, c);
                }
            } else {
                unget(in, c);
            }
        }
        return 1;
    }
    if (w != 0 && c == '0') {
        field_add(f, c);
        c = get(in);
        if (w > 0)
            w--;
        if (w != 0 && tolower(c) == 'x') {
            field_add(f, c);
            hexa = 1;
            exp_char = 'p';
            c = get(in);
            if (w > 0)
                w--;
        } else {
            got_digit = 1;
        }
    }
    for (;;) {
        if (c != EOF && (isdigit(c) || (hexa && !got_e && isxdigit(c)))) {
            field_add(f, c);
            got_digit = 1;
        } else if (got_e && f->text[f->len - 1] == exp_char && (c == '-' || c == '+')) {
            field_add(f, c);
        } else if (got_digit && !got_e && c != EOF && tolower(c) == exp_char) {
            field_add(f, exp_char);
            got_e = got_dot = 1;
        } else if (!got_dot && c == '.') {
            field_add(f, c);
            got_dot = 1;
        } else {
            unget(in, c);
            break;
        }
        if (w == 0 || (c = get(in)) == EOF)
            break;
        if (w > 0)
            w--;
    }
    if (f->len == got_sign || (hexa && f->len == 2 + got_sign))
        return 0;
    return 1;
}

static int vfscanf_source(struct source *in, const char *fmt, va_list ap)
{
    int assigned = 0, started = 0;
    while (*fmt) {
        int suppress = 0, width = 0, len = LEN_INT, c;
        if (isspace((unsigned char)*fmt)) {
            unget(in, skip_space(in));
            fmt++;
            continue;
        }
        if (*fmt != '%' || fmt[1] == '%') {
            int want = (unsigned char)*fmt;
            fmt += *fmt == '%' ? 2 : 1;
            c = want == '%' ? skip_space(in) : get(in);
            if (c != want) {
                unget(in, c);
                return (c == EOF && !started) ? EOF : assigned;
            }
            continue;
        }
        fmt++;
        if (*fmt == '*') {
            suppress = 1;
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        if (*fmt == 'h') {
            len = fmt[1] == 'h' ? LEN_HH : LEN_H;
            fmt += fmt[1] == 'h' ? 2 : 1;
        } else if (*fmt == 'l') {
            len = fmt[1] == 'l' ? LEN_LL : LEN_L;
            fmt += fmt[1] == 'l' ? 2 : 1;
        } else if (*fmt == 'j' || *fmt == 'q' || *fmt == 'L') {
            len = LEN_LL;
            fmt++;
        } else if (*fmt == 'z' || *fmt == 't') {
            len = LEN_INT;          /* size_t and ptrdiff_t are 32 bits on i386 */
            fmt++;
        }
        switch (*fmt) {
        case 'n':
            if (!suppress)
                store(va_arg(ap, void *), len, (unsigned long long)in->count);
            fmt++;
            continue;
        case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': case 'p': {
            int base = *fmt == 'd' || *fmt == 'u' ? 10 : *fmt == 'i' ? 0 : *fmt == 'o' ? 8 : 16;
            unsigned long long v;
            int got = scan_integer(in, base, width, &v);
            if (*fmt == 'p')
                len = LEN_INT;
            fmt++;
            if (got <= 0)
                return (got < 0 && !started) ? EOF : assigned;
            started = 1;
            if (!suppress) {
                store(va_arg(ap, void *), len, v);
                assigned++;
            }
            continue;
        }
        case 'c': {
            char *dst = suppress ? NULL : va_arg(ap, char *);
            int i;
            if (!width)
                width = 1;
            for (i = 0; i < width; i++) {
                c = get(in);
                if (c == EOF)
                    break;
                if (dst)
                    dst[i] = (char)c;
            }
            fmt++;
            if (i == 0)
                return started ? assigned : EOF;
            started = 1;
            if (i < width)              /* input ended inside the field: a failure, nothing assigned */
                return assigned;
            if (dst)
                assigned++;
            continue;
        }
        case 's': {
            char *dst = suppress ? NULL : va_arg(ap, char *);
            int i = 0;
            c = skip_space(in);
            if (c == EOF)
                return started ? assigned : EOF;
            while (c != EOF && !isspace(c) && !(width && i >= width)) {
                if (dst)
                    dst[i] = (char)c;
                i++;
                c = get(in);
            }
            unget(in, c);
            if (dst) {
                dst[i] = '\0';
                assigned++;
            }
            started = 1;
            fmt++;
            continue;
        }
        case '[': {
            unsigned char set[256] = {0};
            int negate = 0, i = 0;
            char *dst;
            fmt++;
            if (*fmt == '^') {
                negate = 1;
                fmt++;
            }
            if (*fmt == ']')
                set[(unsigned char)*fmt++] = 1;
            while (*fmt && *fmt != ']') {
                if (fmt[1] == '-' && fmt[2] && fmt[2] != ']') {
                    int a = (unsigned char)fmt[0], b = (unsigned char)fmt[2];
                    for (; a <= b; a++)
                        set[a] = 1;
                    fmt += 3;
                } else {
                    set[(unsigned char)*fmt++] = 1;
                }
            }
            if (*fmt == ']')
                fmt++;
            dst = suppress ? NULL : va_arg(ap, char *);
            c = get(in);
            if (c == EOF)
                return started ? assigned : EOF;
            while (c != EOF && set[c] != negate && !(width && i >= width)) {
                if (dst)
                    dst[i] = (char)c;
                i++;
                c = get(in);
            }
            unget(in, c);
            if (i == 0)
                return assigned;
            started = 1;
            if (dst) {
                dst[i] = '\0';
                assigned++;
            }
            continue;
        }
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A': {
            /* float, l: double, L (or ll): long double - stored as their words */
            struct field field;
            uint32_t words[3];
            int got, range, used = 0;
            field.text = field.local;
            field.len = 0;
            field.cap = (int)sizeof field.local;
            got = scan_float(in, width, &field);
            if (got > 0) {
                field.text[field.len] = '\0';
                used = __fp_parse(field.text, len == LEN_LL ? FP_LDOUBLE : len == LEN_L ? FP_DOUBLE : FP_FLOAT,
                                  words, &range);
            }
            if (field.text != field.local)
                free(field.text);
            fmt++;
            if (got <= 0 || used == 0)
                return (got < 0 && !started) ? EOF : assigned;
            started = 1;
            if (!suppress) {
                uint32_t *dst = va_arg(ap, uint32_t *);
                dst[0] = words[0];
                if (len == LEN_L || len == LEN_LL)
                    dst[1] = words[1];
                if (len == LEN_LL)
                    dst[2] = words[2];
                assigned++;
            }
            continue;
        }
        default:                        /* anything unknown: stop here */
            return assigned;
        }
    }
    return assigned;
}

int vfscanf(FILE *stream, const char *fmt, va_list ap)
{
    struct source in = {stream, NULL, 0};
    return vfscanf_source(&in, fmt, ap);
}

int vsscanf(const char *str, const char *fmt, va_list ap)
{
    struct source in = {NULL, str, 0};
    return vfscanf_source(&in, fmt, ap);
}

int vscanf(const char *fmt, va_list ap)
{
    return vfscanf(stdin, fmt, ap);
}

int scanf(const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vfscanf(stdin, fmt, ap);
    va_end(ap);
    return n;
}

int fscanf(FILE *stream, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vfscanf(stream, fmt, ap);
    va_end(ap);
    return n;
}

int sscanf(const char *str, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsscanf(str, fmt, ap);
    va_end(ap);
    return n;
}
