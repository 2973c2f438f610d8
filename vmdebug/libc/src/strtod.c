/* strtod.c - strtod, strtof, strtold and atof, correctly rounded.
 *
 * Exact big-integer arithmetic, no floating-point instruction: the decimal
 * digits D and exponent E of the text (value D * 10^E) become
 *   - when E >= 0, the integer X = D * 10^E, whose top 65 bits and whether
 *     any bit below them is set decide the rounding;
 *   - when E < 0, the quotient of D * 2^s by 5^-E, carried to 65 bits by
 *     long division (one `div` per limb when 5^-E fits in 32 bits), the
 *     remainder saying whether the rest is zero.
 * pack() rounds those 65 bits (and the "more bits" flag) to the format, to
 * nearest with ties to even, into the bits of a float, double or x87 long
 * double, with subnormals, overflow to infinity and glibc's ERANGE (on
 * overflow, and when the result is tiny after rounding and inexact).
 *
 * Only the first MAXDIG significant digits are kept; a nonzero digit beyond
 * them is kept as a final 1, which cannot change the result: a value halfway
 * between two doubles has at most 767 significant digits (for long double,
 * 11,500), fewer than MAXDIG. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "fp.h"

typedef uint32_t u32;
typedef uint64_t u64;

/* float, double, long double: significand bits, exponent range, digits kept. */
static const struct {
    int p, emin, emax, maxdig, max10, min10;
} FORMATS[3] = {
    {24, -126, 127, 120, 40, -46},
    {53, -1022, 1023, 800, 310, -325},
    {64, -16382, 16383, 11600, 4934, -4952},
};

/* n / d, with *rem = n % d, for n < d * 2^32 (one `div`). */
static inline u32 div_small(u64 n, u32 d, u32 *rem)
{
    u32 q, r;
    __asm__("div %4" : "=a"(q), "=d"(r) : "a"((u32)n), "d"((u32)(n >> 32)), "r"(d) : "cc");
    *rem = r;
    return q;
}

static int clz64(u64 x)
{
    int n = 0;
    while (!(x >> 63)) {
        x <<= 1;
        n++;
    }
    return n;
}

/* Writes the words of the value rounded to the format.  The value is
 * (m + r/2 + less) * 2^e2, where m has its top bit set, r is the
 * next bit and sticky says whether any bit after it is set. */
static void pack(u64 m, int r, int sticky, int e2, enum fp_format format, int negative, u32 *w,
                 int *range)
{
    int p = FORMATS[format].p, emin = FORMATS[format].emin, emax = FORMATS[format].emax;
    int lead = 63 + e2;                 /* the exponent of m's top bit */
    int drop = 65 - p, tiny = 0, rb, st, carry_normal;
    u64 q;

    /* Would rounding to p bits, with no exponent limit, carry to 2^p?  (glibc
     * detects tininess after rounding, as x86 does: a value that rounds up to
     * the smallest normal number is not tiny.) */
    {
        u64 top = p == 64 ? m : m >> (64 - p);
        int rbn = p == 64 ? r : (int)((m >> (63 - p)) & 1);
        carry_normal = rbn && top == (p == 64 ? ~(u64)0 : ((u64)1 << p) - 1);
    }
    if (lead < emin) {
        tiny = !(lead == emin - 1 && carry_normal);
        drop += emin - lead;
    }
    /* Drop `drop` bits from the bottom of the 65-bit m:r. */
    if (drop == 1) {
        q = m;
        rb = r;
        st = sticky;
    } else if (drop <= 65) {
        int d = drop - 1;               /* bits of m dropped */
        q = d == 64 ? 0 : m >> d;
        rb = (int)((m >> (d - 1)) & 1);
        st = (d > 1 && (m << (65 - d)) != 0) || r || sticky;
    } else {
        q = 0;
        rb = 0;
        st = 1;
    }
    if (rb && (st || (q & 1)))
        q++;
    if (tiny && (rb || st))
        *range = 1;
    if (lead >= emin && p < 64 && (q >> p)) {   /* rounded up to the next power of two */
        q >>= 1;
        lead++;
    } else if (lead >= emin && p == 64 && q == 0) {
        q = (u64)1 << 63;
        lead++;
    }
    if (lead >= emin && lead > emax) {
        *range = 1;
        if (format == FP_FLOAT)
            w[0] = ((u32)negative << 31) | 0x7f800000u;
        else if (format == FP_DOUBLE) {
            w[0] = 0;
            w[1] = ((u32)negative << 31) | 0x7ff00000u;
        } else {
            w[0] = 0;
            w[1] = 0x80000000u;
            w[2] = ((u32)negative << 15) | 0x7fff;
        }
        return;
    }
    if (format == FP_LDOUBLE) {
        u32 bexp = lead >= emin ? (u32)(lead + 16383) : (u32)(q >> 63);
        w[0] = (u32)q;
        w[1] = (u32)(q >> 32);
        w[2] = ((u32)negative << 15) | bexp;
    } else {
        /* A subnormal q that rounded up to 2^(p-1) carries into the exponent by itself. */
        u64 bits = lead >= emin ? ((u64)(lead - emin + 1) << (p - 1)) + (q & (((u64)1 << (p - 1)) - 1)) : q;
        if (format == FP_FLOAT) {
            w[0] = ((u32)negative << 31) | (u32)bits;
        } else {
            w[0] = (u32)bits;
            w[1] = ((u32)negative << 31) | (u32)(bits >> 32);
        }
    }
}

static void pack_zero(enum fp_format format, int negative, u32 *w)
{
    w[0] = format == FP_FLOAT ? (u32)negative << 31 : 0;
    if (format == FP_DOUBLE)
        w[1] = (u32)negative << 31;
    if (format == FP_LDOUBLE) {
        w[1] = 0;
        w[2] = (u32)negative << 15;
    }
}

/* ---- big integers: little-endian arrays of 32-bit limbs, n of them (the top one nonzero) ---- */

static int big_mul_small(u32 *z, int n, u32 f, u32 add)
{
    u64 carry = add;
    int i;
    for (i = 0; i < n; i++) {
        u64 t = (u64)z[i] * f + carry;
        z[i] = (u32)t;
        carry = t >> 32;
    }
    if (carry)
        z[n++] = (u32)carry;
    return n;
}

static int big_bits(const u32 *z, int n)
{
    u32 top = z[n - 1];
    int b = 0;
    while (top) {
        b++;
        top >>= 1;
    }
    return (n - 1) * 32 + b;
}

/* z <<= s (z has room). */
static int big_shl(u32 *z, int n, int s)
{
    int words = s / 32, bits = s % 32, i;
    if (bits) {
        u32 carry = 0;
        for (i = 0; i < n; i++) {
            u32 v = z[i];
            z[i] = (v << bits) | carry;
            carry = v >> (32 - bits);
        }
        if (carry)
            z[n++] = carry;
    }
    if (words) {
        for (i = n - 1; i >= 0; i--)
            z[i + words] = z[i];
        for (i = 0; i < words; i++)
            z[i] = 0;
        n += words;
    }
    return n;
}

/* Compares a[0..n) with b[0..m). */
static int big_cmp(const u32 *a, int n, const u32 *b, int m)
{
    if (n != m)
        return n < m ? -1 : 1;
    while (n-- > 0)
        if (a[n] != b[n])
            return a[n] < b[n] ? -1 : 1;
    return 0;
}

/* a -= b (a >= b); returns a's new length. */
static int big_sub(u32 *a, int n, const u32 *b, int m)
{
    u32 borrow = 0;
    int i;
    for (i = 0; i < n; i++) {
        u64 t = (u64)a[i] - (i < m ? b[i] : 0) - borrow;
        a[i] = (u32)t;
        borrow = (u32)(t >> 63);
    }
    while (n > 0 && a[n - 1] == 0)
        n--;
    return n;
}

/* b >>= 1 */
static int big_shr1(u32 *b, int m)
{
    int i;
    for (i = 0; i < m - 1; i++)
        b[i] = (b[i] >> 1) | (b[i + 1] << 31);
    b[m - 1] >>= 1;
    if (b[m - 1] == 0)
        m--;
    return m;
}

/* The top 65 bits of z (as m:r) and whether any bit below them is set;
 * returns e2 with z = (m + r/2 + less) * 2^e2. */
static int big_top(const u32 *z, int n, u64 *m, int *r, int *sticky)
{
    int bits = big_bits(z, n), lo = bits - 65, i;     /* lo: the position of r */
    u64 acc = 0;
    for (i = bits - 1; i >= bits - 64; i--)
        acc = (acc << 1) | (i >= 0 ? (z[i >> 5] >> (i & 31)) & 1 : 0);
    *m = acc;
    *r = lo >= 0 ? (int)((z[lo >> 5] >> (lo & 31)) & 1) : 0;
    *sticky = 0;
    if (lo > 0) {
        for (i = 0; i < lo >> 5; i++)
            if (z[i])
                *sticky = 1;
        if (z[lo >> 5] & ((1u << (lo & 31)) - 1))
            *sticky = 1;
    }
    return bits - 64;
}

/* Rounds D * 10^e10 (digits d[0..n), n > 0, d[0] != '0') to the format. */
static void decimal_to_bits(const char *d, int n, int e10, enum fp_format format, int negative, u32 *w,
                            int *range)
{
    int k = e10 < 0 ? -e10 : 0;
    /* Limbs: D has < 3.33 n bits, 10^e10 or 5^k < 3.33 e10 or 2.33 k; plus the 66-bit shift. */
    int cap = (n * 3322 / 1000 + (e10 > 0 ? e10 * 3322 / 1000 : k * 2322 / 1000) + 140) / 32 + 4;
    u32 x[cap];
    int nx = 0, i, r, sticky, e2;
    u64 m;

    for (i = 0; i < n;) {
        u32 chunk = 0, scale = 1;
        int j;
        for (j = 0; j < 9 && i < n; j++, i++) {
            chunk = chunk * 10 + (u32)(d[i] - '0');
            scale *= 10;
        }
        nx = nx ? big_mul_small(x, nx, scale, chunk) : (chunk ? (x[0] = chunk, 1) : 0);
    }
    if (e10 >= 0) {
        while (e10 > 0) {
            int s = e10 < 9 ? e10 : 9;
            static const u32 p10[10] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
                                        1000000000};
            nx = big_mul_small(x, nx, p10[s], 0);
            e10 -= s;
        }
        e2 = big_top(x, nx, &m, &r, &sticky);
        pack(m, r, sticky, e2, format, negative, w, range);
        return;
    }
    {
        static const u32 pow5[14] = {1, 5, 25, 125, 625, 3125, 15625, 78125, 390625, 1953125, 9765625,
                                     48828125, 244140625, 1220703125};
        u32 y[cap];
        int ny = 1, s, kk = k;
        y[0] = 1;
        while (kk > 0) {
            int t = kk < 13 ? kk : 13;
            ny = big_mul_small(y, ny, pow5[t], 0);
            kk -= t;
        }
        /* Line X = D * 2^s up so that X / Y lies in [2^64, 2^65). */
        s = big_bits(y, ny) + 64 - big_bits(x, nx);
        if (s > 0)
            nx = big_shl(x, nx, s);
        else if (s < 0)
            ny = big_shl(y, ny, -s);
        if (ny == 1) {
            /* One-limb divisor: X / y limb by limb, with `div`. */
            u32 q[cap], rem = 0, yy = y[0];
            int nq;
            for (i = nx - 1; i >= 0; i--)
                q[i] = div_small(((u64)rem << 32) | x[i], yy, &rem);
            nq = nx;
            while (nq > 0 && q[nq - 1] == 0)
                nq--;
            if (big_bits(q, nq) < 65) {     /* X / Y < 2^64: one more bit */
                nx = big_shl(x, nx, 1);
                s++;
                rem = 0;
                for (i = nx - 1; i >= 0; i--)
                    q[i] = div_small(((u64)rem << 32) | x[i], yy, &rem);
                nq = nx;
                while (nq > 0 && q[nq - 1] == 0)
                    nq--;
            }
            /* q has exactly 65 bits. */
            m = ((u64)q[2] << 63) | ((u64)q[1] << 31) | (q[0] >> 1);
            r = (int)(q[0] & 1);
            sticky = rem != 0;
        } else {
            /* Restoring long division by T = Y * 2^64, halved at every bit. */
            u32 t[cap];
            int nt = ny + 2, bit;
            t[0] = 0;
            t[1] = 0;
            for (i = 0; i < ny; i++)
                t[i + 2] = y[i];
            if (big_cmp(x, nx, t, nt) < 0) {
                nx = big_shl(x, nx, 1);
                s++;
            }
            m = 0;
            r = 0;
            for (bit = 64; bit >= 0; bit--) {
                int one = big_cmp(x, nx, t, nt) >= 0;
                if (one)
                    nx = big_sub(x, nx, t, nt);
                if (bit > 0)
                    m |= (u64)one << (bit - 1);
                else
                    r = one;
                if (bit > 0)
                    nt = big_shr1(t, nt);
            }
            sticky = nx != 0;
        }
        pack(m, r, sticky, 1 - s - k, format, negative, w, range);
    }
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int lower_is(const char *s, const char *word)
{
    while (*word)
        if (tolower((unsigned char)*s++) != *word++)
            return 0;
    return 1;
}

/* The quiet NaN, with glibc's payload from nan(n-char-sequence) when that is a number. */
static void pack_nan(enum fp_format format, int negative, const char *seq, int len, u32 *w)
{
    u64 payload = 0;
    int base = 10, i = 0, ok = len > 0;
    if (len > 1 && seq[0] == '0' && (seq[1] == 'x' || seq[1] == 'X')) {
        base = 16;
        i = 2;
        ok = len > 2;
    } else if (len > 0 && seq[0] == '0') {
        base = 8;
    }
    for (; i < len && ok; i++) {
        int v = hex_value((unsigned char)seq[i]);
        if (v < 0 || v >= base)
            ok = 0;
        else if (payload > (~(u64)0 - (u64)v) / (u64)base)
            payload = ~(u64)0;
        else
            payload = payload * (u64)base + (u64)v;
    }
    if (!ok)
        payload = 0;
    if (format == FP_FLOAT) {
        w[0] = ((u32)negative << 31) | 0x7fc00000u | ((u32)payload & 0x3fffff);
    } else if (format == FP_DOUBLE) {
        w[0] = (u32)payload;
        w[1] = ((u32)negative << 31) | 0x7ff80000u | ((u32)(payload >> 32) & 0x7ffff);
    } else {
        w[0] = (u32)payload;
        w[1] = 0xc0000000u | ((u32)(payload >> 32) & 0x3fffffff);
        w[2] = ((u32)negative << 15) | 0x7fff;
    }
}

int __fp_parse(const char *s, enum fp_format format, uint32_t *w, int *range)
{
    const char *p = s;
    int negative = 0;

    *range = 0;
    pack_zero(format, 0, w);
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        negative = *p++ == '-';

    if (lower_is(p, "inf")) {
        p += lower_is(p, "infinity") ? 8 : 3;
        if (format == FP_FLOAT)
            w[0] = ((u32)negative << 31) | 0x7f800000u;
        else if (format == FP_DOUBLE) {
            w[0] = 0;
            w[1] = ((u32)negative << 31) | 0x7ff00000u;
        } else {
            w[0] = 0;
            w[1] = 0x80000000u;
            w[2] = ((u32)negative << 15) | 0x7fff;
        }
        return (int)(p - s);
    }
    if (lower_is(p, "nan")) {
        const char *seq = 0;
        int len = 0;
        p += 3;
        if (*p == '(') {
            const char *q = p + 1;
            while (isalnum((unsigned char)*q) || *q == '_')
                q++;
            if (*q == ')') {
                seq = p + 1;
                len = (int)(q - seq);
                p = q + 1;
            }
        }
        pack_nan(format, negative, seq, len, w);
        return (int)(p - s);
    }

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')
        && (hex_value((unsigned char)p[2]) >= 0 || (p[2] == '.' && hex_value((unsigned char)p[3]) >= 0))) {
        /* Hexadecimal: the first 16 significant hex digits in m, the next in nx, the rest sticky. */
        u64 m = 0;
        u32 nx = 0;
        int have_nx = 0, sticky = 0, e2 = 0, seen_point = 0, v;
        p += 2;
        for (;; p++) {
            if (*p == '.' && !seen_point) {
                seen_point = 1;
                continue;
            }
            v = hex_value((unsigned char)*p);
            if (v < 0)
                break;
            if (m == 0 && v == 0) {
                if (seen_point)
                    e2 -= 4;
                continue;
            }
            if (!(m >> 60)) {
                m = (m << 4) | (u64)v;
                if (seen_point)
                    e2 -= 4;
            } else {
                if (!have_nx) {
                    nx = (u32)v;
                    have_nx = 1;
                } else if (v) {
                    sticky = 1;
                }
                if (!seen_point)
                    e2 += 4;
            }
        }
        if (*p == 'p' || *p == 'P') {
            const char *q = p + 1;
            int eneg = 0, ev = 0;
            if (*q == '+' || *q == '-')
                eneg = *q++ == '-';
            if (*q >= '0' && *q <= '9') {
                while (*q >= '0' && *q <= '9') {
                    if (ev < 100000)
                        ev = ev * 10 + (*q - '0');
                    q++;
                }
                e2 += eneg ? -ev : ev;
                p = q;
            }
        }
        if (m == 0) {
            pack_zero(format, negative, w);
        } else {
            /* value = (m + nx/16 + less) * 2^e2, with m >= 2^60 when nx was read. */
            int r = 0, shift = clz64(m);
            if (have_nx) {
                m = (m << shift) | (shift ? (u64)(nx >> (4 - shift)) : 0);
                r = (int)((nx >> (3 - shift)) & 1);
                if (nx & ((1u << (3 - shift)) - 1))
                    sticky = 1;
            } else {
                m <<= shift;
            }
            pack(m, r, sticky, e2 - shift, format, negative, w, range);
        }
        return (int)(p - s);
    }

    {
        /* Decimal. */
        int maxdig = FORMATS[format].maxdig;
        char d[maxdig + 1];
        int n = 0, any = 0, seen_point = 0, dropped = 0;
        long e10 = 0;
        for (;; p++) {
            if (*p == '.' && !seen_point) {
                seen_point = 1;
                continue;
            }
            if (*p < '0' || *p > '9')
                break;
            any = 1;
            if (n == 0 && *p == '0') {
                if (seen_point)
                    e10--;
                continue;
            }
            if (n < maxdig) {
                d[n++] = *p;
                if (seen_point)
                    e10--;
            } else {
                if (*p != '0')
                    dropped = 1;
                if (!seen_point)
                    e10++;
            }
        }
        if (!any)
            return 0;
        if (*p == 'e' || *p == 'E') {
            const char *q = p + 1;
            int eneg = 0;
            long ev = 0;
            if (*q == '+' || *q == '-')
                eneg = *q++ == '-';
            if (*q >= '0' && *q <= '9') {
                while (*q >= '0' && *q <= '9') {
                    if (ev < 1000000)
                        ev = ev * 10 + (*q - '0');
                    q++;
                }
                e10 += eneg ? -ev : ev;
                p = q;
            }
        }
        if (dropped) {
            d[n++] = '1';
            e10--;
        }
        while (n > 0 && d[n - 1] == '0') {
            n--;
            e10++;
        }
        if (n == 0) {
            pack_zero(format, negative, w);
        } else if (n + e10 > FORMATS[format].max10 - 1) {
            pack(~(u64)0, 1, 1, 1 << 20, format, negative, w, range);    /* overflow */
        } else if (n + e10 < FORMATS[format].min10 + 1) {
            pack_zero(format, negative, w);                              /* underflow */
            *range = 1;
        } else {
            decimal_to_bits(d, n, (int)e10, format, negative, w, range);
        }
        return (int)(p - s);
    }
}

static void set_end(char **end, const char *s, int used)
{
    if (end)
        *end = (char *)s + used;
}

double strtod(const char *s, char **end)
{
    union {
        double d;
        u32 w[2];
    } u;
    int range;
    set_end(end, s, __fp_parse(s, FP_DOUBLE, u.w, &range));
    if (range)
        errno = ERANGE;
    return u.d;
}

float strtof(const char *s, char **end)
{
    union {
        float f;
        u32 w[1];
    } u;
    int range;
    set_end(end, s, __fp_parse(s, FP_FLOAT, u.w, &range));
    if (range)
        errno = ERANGE;
    return u.f;
}

long double strtold(const char *s, char **end)
{
    union {
        long double ld;
        u32 w[3];
    } u;
    int range;
    set_end(end, s, __fp_parse(s, FP_LDOUBLE, u.w, &range));
    if (range)
        errno = ERANGE;
    return u.ld;
}

double atof(const char *s)
{
    return strtod(s, 0);
}
