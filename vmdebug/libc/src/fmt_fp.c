/* fmt_fp.c - printf's floating point conversions: %f %F %e %E %g %G %a %A.
 *
 * Exact, as glibc's printf is: a finite double is m * 2^e2 with integer m, and
 * so has a finite decimal expansion.  exact_decimal() computes all of it with
 * integer arithmetic on the bits (a big integer in base 10^9: m * 2^e2 when
 * e2 >= 0, else m * 5^-e2 with the decimal point -e2 places from the right),
 * and the digits are then rounded as the conversion asks, to nearest with
 * ties to even (the binary value is exact, so a tie is a real tie: 0.125
 * with %.2f is 0.12, 2.5 with %.0f is 2).  %a rounds the bits the same way.
 *
 * A long double (x87 extended, 64-bit significand) goes the same way; its
 * widest values have thousands of digits, so they cost more.  The spellings
 * are glibc's: inf, nan, -nan (a NaN with its sign bit set), 0x1.8p+1 for a
 * double and 0xcp-2 for a long double (the first hex digit is the top four
 * bits of the 64-bit significand), 0x0.0000000000001p-1022 for a subnormal
 * double. */
#include <stdint.h>
#include "fp.h"

typedef uint32_t u32;
typedef uint64_t u64;

#define BASE 1000000000u

/* n / d, with *rem = n % d, for n < d * 2^32: one `div` (a 64-bit division in
 * C would call __udivdi3). */
static inline u32 div_small(u64 n, u32 d, u32 *rem)
{
    u32 q, r;
    __asm__("div %4" : "=a"(q), "=d"(r) : "a"((u32)n), "d"((u32)(n >> 32)), "r"(d) : "cc");
    *rem = r;
    return q;
}

static const u32 pow5[14] = {
    1, 5, 25, 125, 625, 3125, 15625, 78125, 390625, 1953125, 9765625, 48828125, 244140625,
    1220703125,
};

/* How many base-10^9 limbs m * 2^e2 needs (m < 2^64): its integer m * 2^e2 or
 * m * 5^-e2 has at most 64 + e2 or 64 + 2.33 * -e2 bits, and a limb holds
 * more than 29.8 bits. */
static int limbs_needed(int e2)
{
    int bits = e2 >= 0 ? 64 + e2 : 64 + (-e2 * 2322) / 1000 + 1;
    return bits / 29 + 2;
}

/* The exact decimal digits of m * 2^e2 (m != 0) into buf (9 * limbs_needed
 * bytes), without leading or trailing zeros; z is scratch of limbs_needed
 * limbs.  Returns the count of digits; *dexp is the decimal exponent: the
 * value is 0.DIGITS * 10^dexp. */
static int exact_decimal(u64 m, int e2, char *buf, u32 *z, int *dexp)
{
    int n = 0, k = 0, len = 0, i;
    while (m) {
        u32 hi = (u32)(m >> 32), r;
        u32 qh = hi / BASE;
        u32 ql = div_small(((u64)(hi % BASE) << 32) | (u32)m, BASE, &r);
        z[n++] = r;
        m = ((u64)qh << 32) | ql;
    }
    if (e2 >= 0) {
        while (e2 > 0) {
            int sh = e2 < 29 ? e2 : 29;
            u32 carry = 0;
            for (i = 0; i < n; i++)
                carry = div_small(((u64)z[i] << sh) + carry, BASE, &z[i]);
            if (carry)
                z[n++] = carry;
            e2 -= sh;
        }
    } else {
        k = -e2;
        while (e2 < 0) {
            int sh = -e2 < 13 ? -e2 : 13;
            u32 f = pow5[sh], carry = 0;
            for (i = 0; i < n; i++)
                carry = div_small((u64)z[i] * f + carry, BASE, &z[i]);
            while (carry) {                 /* 5^13 > 10^9: the carry may take two limbs */
                z[n++] = carry % BASE;
                carry /= BASE;
            }
            e2 += sh;
        }
    }
    {
        char tmp[10];
        int t = 0;
        u32 v = z[n - 1];
        while (v) {
            tmp[t++] = (char)('0' + v % 10);
            v /= 10;
        }
        while (t)
            buf[len++] = tmp[--t];
    }
    for (i = n - 2; i >= 0; i--) {
        u32 v = z[i];
        int j;
        for (j = 8; j >= 0; j--) {
            buf[len + j] = (char)('0' + v % 10);
            v /= 10;
        }
        len += 9;
    }
    *dexp = len - k;
    while (buf[len - 1] == '0')
        len--;
    return len;
}

/* Rounds the digits d[0..n) (no trailing zeros; value 0.D * 10^*dexp) to
 * their first `keep` digits, to nearest with ties to even.  Returns the new
 * count, trailing zeros dropped; 0 means the value rounded to zero. */
static int round_digits(char *d, int n, int keep, int *dexp)
{
    int up;
    if (keep >= n)
        return n;
    if (keep < 0)
        return 0;
    if (d[keep] != '5')
        up = d[keep] > '5';
    else if (n > keep + 1)
        up = 1;                         /* more digits follow, and they are not all zeros */
    else
        up = keep > 0 && ((d[keep - 1] - '0') & 1);
    n = keep;
    if (up) {
        while (n > 0 && d[n - 1] == '9')
            n--;
        if (n == 0) {
            d[0] = '1';
            n = 1;
            (*dexp)++;
        } else {
            d[n - 1]++;
        }
    }
    while (n > 0 && d[n - 1] == '0')
        n--;
    return n;
}

/* The digits of a decimal exponent (at least two), sign first; returns the length. */
static int exponent_text(char *out, int x, char letter)
{
    char tmp[8];
    int t = 0, len = 0;
    out[len++] = letter;
    out[len++] = x < 0 ? '-' : '+';
    if (x < 0)
        x = -x;
    do {
        tmp[t++] = (char)('0' + x % 10);
        x /= 10;
    } while (x);
    if (letter != 'p' && letter != 'P' && t < 2)
        tmp[t++] = '0';
    while (t)
        out[len++] = tmp[--t];
    return len;
}

struct out {
    fp_emit emit;
    void *ctx;
};

static void put_str(struct out *o, const char *s, int n)
{
    if (n > 0)
        o->emit(o->ctx, s, n, 0);
}

static void put_fill(struct out *o, char c, int n)
{
    if (n > 0)
        o->emit(o->ctx, 0, n, c);
}

/* The padding before a body of `len` bytes (the sign and prefix included) and,
 * with the 0 flag, the zeros after them; pad_after puts the '-' flag's. */
static void pad_before(struct out *o, int flags, int width, int len, char sign, const char *prefix,
                       int prefix_len, int zeros_allowed)
{
    if (!(flags & FLAG_LEFT) && !((flags & FLAG_ZERO) && zeros_allowed))
        put_fill(o, ' ', width - len);
    if (sign)
        put_str(o, &sign, 1);
    put_str(o, prefix, prefix_len);
    if (!(flags & FLAG_LEFT) && (flags & FLAG_ZERO) && zeros_allowed)
        put_fill(o, '0', width - len);
}

static void pad_after(struct out *o, int flags, int width, int len)
{
    if (flags & FLAG_LEFT)
        put_fill(o, ' ', width - len);
}

/* %a: the significand in hex.  lead is the digit before the point, frac the
 * bits after it, left-aligned (nnib hex digits of them at most). */
static void format_hex(struct out *o, u32 lead, u64 frac, int nnib, int exp2, int upper, char sign,
                       int flags, int width, int precision)
{
    const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[16], expo[12];
    int i, len, elen;
    if (precision < 0) {
        precision = nnib;
        while (precision > 0 && ((frac >> (64 - 4 * precision)) & 15) == 0)
            precision--;
    } else if (precision < nnib) {
        /* Round the bits after `precision` digits: to nearest, ties to even. */
        u64 rest = frac << (4 * precision);
        u64 kept = precision ? frac >> (64 - 4 * precision) : 0;
        u64 half = (u64)1 << 63;
        int odd = precision ? (int)(kept & 1) : (int)(lead & 1);
        if (rest > half || (rest == half && odd)) {
            kept++;
            if (precision == 0 || (kept >> (4 * precision)) != 0) {
                kept = 0;
                lead++;
                if (lead == 16) {       /* a long double's f rounded up: 0x1p with 4 more */
                    lead = 1;
                    exp2 += 4;
                }
            }
        }
        frac = precision ? kept << (64 - 4 * precision) : 0;
    }
    for (i = 0; i < precision && i < nnib; i++)
        digits[i] = hex[(frac >> (60 - 4 * i)) & 15];
    elen = exponent_text(expo, exp2, upper ? 'P' : 'p');
    len = (sign ? 1 : 0) + 3 + (precision > 0 || (flags & FLAG_ALT) ? 1 + precision : 0) + elen;
    pad_before(o, flags, width, len, sign, upper ? "0X" : "0x", 2, 1);
    put_str(o, &hex[lead], 1);
    if (precision > 0 || (flags & FLAG_ALT))
        put_str(o, ".", 1);
    put_str(o, digits, i);
    put_fill(o, '0', precision - i);
    put_str(o, expo, elen);
    pad_after(o, flags, width, len);
}

/* %e style: d[0..n) (n <= precision + 1) as D.DDDe+XX. */
static void format_exp(struct out *o, const char *d, int n, int x, int precision, int upper, char sign,
                       int flags, int width)
{
    char expo[12];
    int elen = exponent_text(expo, x, upper ? 'E' : 'e');
    int dot = precision > 0 || (flags & FLAG_ALT);
    int len = (sign ? 1 : 0) + 1 + (dot ? 1 + precision : 0) + elen;
    pad_before(o, flags, width, len, sign, 0, 0, 1);
    put_str(o, n > 0 ? d : "0", 1);
    if (dot)
        put_str(o, ".", 1);
    if (n > 1)
        put_str(o, d + 1, n - 1);
    put_fill(o, '0', precision - (n > 1 ? n - 1 : 0));
    put_str(o, expo, elen);
    pad_after(o, flags, width, len);
}

/* %f style: d[0..n) is 0.D * 10^dexp, already rounded to `precision` places. */
static void format_fixed(struct out *o, const char *d, int n, int dexp, int precision, char sign,
                         int flags, int width)
{
    int int_len = (n > 0 && dexp > 0) ? dexp : 1;
    int dot = precision > 0 || (flags & FLAG_ALT);
    int len = (sign ? 1 : 0) + int_len + (dot ? 1 + precision : 0);
    int left, zeros;
    pad_before(o, flags, width, len, sign, 0, 0, 1);
    if (n > 0 && dexp > 0) {
        put_str(o, d, n < dexp ? n : dexp);
        put_fill(o, '0', dexp - n);
    } else {
        put_str(o, "0", 1);
    }
    if (dot)
        put_str(o, ".", 1);
    left = precision;
    if (n > 0 && dexp < 0) {            /* zeros between the point and the first digit */
        zeros = -dexp < left ? -dexp : left;
        put_fill(o, '0', zeros);
        left -= zeros;
    }
    if (n > 0) {
        int from = dexp > 0 ? dexp : 0;
        int count = n - from;
        if (count > left)
            count = left;
        if (count > 0) {
            put_str(o, d + from, count);
            left -= count;
        }
    }
    put_fill(o, '0', left);
    pad_after(o, flags, width, len);
}

void __fmt_fp(fp_emit emit, void *ctx, const uint32_t *w, int ldbl, int conv, int flags, int width,
              int precision)
{
    struct out o = {emit, ctx};
    int upper = conv == 'F' || conv == 'E' || conv == 'G' || conv == 'A';
    int lower = conv | 32;
    int negative, special = 0, e2, zero;
    u64 m;
    char sign;

    if (ldbl) {
        u32 se = w[2] & 0xffff;
        int bexp = (int)(se & 0x7fff);
        negative = (int)(se >> 15);
        m = ((u64)w[1] << 32) | w[0];
        if (bexp == 0x7fff)
            special = (m << 1) == 0 ? 1 : 2;        /* inf, nan (the integer bit aside) */
        e2 = (bexp ? bexp : 1) - 16383 - 63;
    } else {
        int bexp = (int)((w[1] >> 20) & 0x7ff);
        negative = (int)(w[1] >> 31);
        m = ((u64)(w[1] & 0xfffff) << 32) | w[0];
        if (bexp == 0x7ff)
            special = m == 0 ? 1 : 2;
        else if (bexp)
            m |= (u64)1 << 52;
        e2 = (bexp ? bexp : 1) - 1023 - 52;
    }
    sign = negative ? '-' : (flags & FLAG_PLUS) ? '+' : (flags & FLAG_SPACE) ? ' ' : 0;
    zero = m == 0;

    if (special) {
        const char *text = special == 1 ? (upper ? "INF" : "inf") : (upper ? "NAN" : "nan");
        int len = (sign ? 1 : 0) + 3;
        pad_before(&o, flags, width, len, sign, 0, 0, 0);
        put_str(&o, text, 3);
        pad_after(&o, flags, width, len);
        return;
    }

    if (lower == 'a') {
        if (ldbl) {
            /* 0xH.HHH...p(e2 + 63 - 3): the top four bits of m first. */
            if (zero)
                format_hex(&o, 0, 0, 15, 0, upper, sign, flags, width, precision);
            else
                format_hex(&o, (u32)(m >> 60), m << 4, 15, e2 + 60, upper, sign, flags, width, precision);
        } else {
            if (zero)
                format_hex(&o, 0, 0, 13, 0, upper, sign, flags, width, precision);
            else
                format_hex(&o, (u32)(m >> 52), m << 12, 13, e2 + 52, upper, sign, flags, width, precision);
        }
        return;
    }

    {
        int cap = zero ? 1 : limbs_needed(e2);
        u32 z[cap];
        char d[cap * 9 + 2];
        int n = 0, dexp = 0;
        if (!zero)
            n = exact_decimal(m, e2, d, z, &dexp);
        if (precision < 0)
            precision = 6;
        if (lower == 'f') {
            n = round_digits(d, n, dexp + precision, &dexp);
            format_fixed(&o, d, n, dexp, precision, sign, flags, width);
        } else if (lower == 'e') {
            n = round_digits(d, n, precision + 1, &dexp);
            format_exp(&o, d, n, n ? dexp - 1 : 0, precision, upper, sign, flags, width);
        } else {
            /* %g (C11 7.21.6.1): P significant digits; the exponent X of the
             * value so rounded picks %f (P > X >= -4) or %e; then trailing
             * zeros go, unless '#'. */
            int p = precision == 0 ? 1 : precision;
            int x0 = n ? dexp - 1 : 0, x;
            n = round_digits(d, n, p, &dexp);
            x = n ? dexp - 1 : 0;
            if ((flags & FLAG_ALT) && x0 == p - 1 && x == p) {
                /* glibc chooses the style on the exponent before rounding: %f, with
                 * no fraction digits; when rounding adds an integer digit it turns
                 * to %e but keeps those zero digits (%#g of 999999.5 is 1.e+06). */
                format_exp(&o, d, n, x, 0, upper, sign, flags, width);
            } else if (p > x && x >= -4) {
                int places = p - 1 - x;
                if (!(flags & FLAG_ALT))
                    places = n - dexp > 0 ? n - dexp : 0;
                format_fixed(&o, d, n, dexp, places, sign, flags, width);
            } else {
                int places = p - 1;
                if (!(flags & FLAG_ALT))
                    places = n > 1 ? n - 1 : 0;
                format_exp(&o, d, n, x, places, upper, sign, flags, width);
            }
        }
    }
}
