/* fp.h - what stdio.c, scanf.c, fmt_fp.c and strtod.c share about floating point (private to src/).
 *
 * Everything here works on the bits of a value, with integer arithmetic only:
 * a double is two 32-bit words (low word first, as in memory), a long double
 * (the x87 80-bit extended format, 12 bytes on i386) three, the third holding
 * the sign and the 15-bit exponent in its low 16 bits.  No floating-point
 * instruction is needed to print or to parse a number. */
#ifndef _VMDEBUG_SRC_FP_H
#define _VMDEBUG_SRC_FP_H
#include <stdint.h>

/* printf's flags (stdio.c parses them, fmt_fp.c reads them). */
#define FLAG_LEFT 1   /* '-' */
#define FLAG_ZERO 2   /* '0' */
#define FLAG_PLUS 4   /* '+' */
#define FLAG_SPACE 8  /* ' ' */
#define FLAG_ALT 16   /* '#' */

/* A double or a long double as its words in memory, for va_arg: on i386 a
 * variadic double takes 8 bytes of the argument area and a long double 12,
 * both 4-byte aligned, exactly as these structures do. */
struct fp_double_words { uint32_t w[2]; };
struct fp_ldouble_words { uint32_t w[3]; };

/* Where a conversion's output goes: n bytes of s, or (s NULL) n copies of fill. */
typedef void (*fp_emit)(void *ctx, const char *s, int n, char fill);

/* One printf conversion f F e E g G a A of the value in w (2 words, or 3 when
 * ldbl), with the flags, width and precision (-1: none) already parsed. */
void __fmt_fp(fp_emit emit, void *ctx, const uint32_t *w, int ldbl, int conv, int flags, int width,
              int precision);

/* The binary formats strtod's core rounds to: float, double, x87 extended. */
enum fp_format { FP_FLOAT, FP_DOUBLE, FP_LDOUBLE };

/* strtod's core (strtod.c): reads a number from s as strtod does (after white
 * space: a sign, then decimal or hexadecimal digits with an optional
 * exponent, or inf, infinity, nan, nan(chars)), correctly rounded to format
 * (to nearest, ties to even).  Writes the value's words to w (1, 2 or 3 words
 * as format needs) and returns the bytes used (0: no number, and w holds +0).
 * Sets *range when the result overflowed, or underflowed (tiny after rounding
 * and inexact), where glibc sets ERANGE. */
int __fp_parse(const char *s, enum fp_format format, uint32_t *w, int *range);
#endif
