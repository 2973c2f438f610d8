/* div64.c - the libgcc helpers for 64-bit division on i386.
 *
 * The i386 `div` instruction divides a 64-bit edx:eax by a 32-bit value
 * only, so gcc compiles `long long / long long` (and %) into calls to
 * __divdi3, __udivdi3, __moddi3 and __umoddi3 (gcc internals manual,
 * "Integer library routines"), which libgcc normally provides.  These are
 * plain C: shift-and-subtract long division, one quotient bit per step. */

typedef unsigned long long u64;
typedef long long s64;

/* Division by zero must trap as the hardware does: a 32-bit `div` by zero
 * raises #DE (Intel SDM Vol. 2A, DIV), which Linux delivers as SIGFPE
 * with si_code FPE_INTDIV - the same thing libgcc's helpers end up doing. */
static volatile unsigned int zero;
static volatile unsigned int one = 1;

static u64 divide_by_zero(void)
{
    /* Both operands volatile: with a constant 1 gcc rewrites 1u / x as
     * x == 1 and no division (and no trap) would be left. */
    return one / zero;
}

u64 __udivmoddi4(u64 n, u64 d, u64 *rem)
{
    u64 q = 0;
    int shift = 0;
    if (d == 0)
        return divide_by_zero();
    if ((n >> 32) == 0 && (d >> 32) == 0) {
        /* Both fit in 32 bits: one hardware `div`. */
        unsigned int a = (unsigned int)n;
        unsigned int b = (unsigned int)d;
        if (rem)
            *rem = a % b;
        return a / b;
    }
    if (d > n) {
        if (rem)
            *rem = n;
        return 0;
    }
    /* Line the divisor up under the dividend's top bit ... */
    while ((d >> 63) == 0 && (d << 1) <= n) {
        d <<= 1;
        shift++;
    }
    /* ... then subtract it wherever it fits, one quotient bit per step. */
    for (; shift >= 0; shift--) {
        q <<= 1;
        if (n >= d) {
            n -= d;
            q |= 1;
        }
        d >>= 1;
    }
    if (rem)
        *rem = n;
    return q;
}

u64 __udivdi3(u64 n, u64 d)
{
    return __udivmoddi4(n, d, 0);
}

u64 __umoddi3(u64 n, u64 d)
{
    u64 r;
    __udivmoddi4(n, d, &r);
    return r;
}

/* C11 6.5.5: the quotient is truncated toward zero and (a/b)*b + a%b == a,
 * so the remainder has the sign of the dividend.  LLONG_MIN / -1 wraps to
 * LLONG_MIN, as libgcc's does (no trap). */
s64 __divmoddi4(s64 a, s64 b, s64 *rem)
{
    int neg_a = a < 0;
    int neg_b = b < 0;
    u64 ua = neg_a ? 0 - (u64)a : (u64)a;
    u64 ub = neg_b ? 0 - (u64)b : (u64)b;
    u64 r;
    u64 q = __udivmoddi4(ua, ub, &r);
    if (rem)
        *rem = (s64)(neg_a ? 0 - r : r);
    return (s64)(neg_a != neg_b ? 0 - q : q);
}

s64 __divdi3(s64 a, s64 b)
{
    return __divmoddi4(a, b, 0);
}

s64 __moddi3(s64 a, s64 b)
{
    s64 r;
    __divmoddi4(a, b, &r);
    return r;
}

/* gcc calls this for __builtin_popcount when the CPU has no popcnt. */
int __popcountsi2(unsigned int x)
{
    int n = 0;
    while (x) {
        x &= x - 1;
        n++;
    }
    return n;
}

int __popcountdi2(u64 x)
{
    return __popcountsi2((unsigned int)x) + __popcountsi2((unsigned int)(x >> 32));
}

/* gcc calls these for __builtin_ctzll / __builtin_clzll / __builtin_ffsll on i386
 * (libgcc's libgcc2.c): count trailing / leading zeros of a 64-bit value, undefined for 0,
 * and the 1-based index of the lowest set bit, 0 for 0. */
int __ctzdi2(u64 x)
{
    unsigned int lo = (unsigned int)x;
    unsigned int v = lo ? lo : (unsigned int)(x >> 32);
    int n = lo ? 0 : 32;
    while (!(v & 1u) && n < 64) {
        v >>= 1;
        n++;
    }
    return n;
}

int __clzdi2(u64 x)
{
    unsigned int hi = (unsigned int)(x >> 32);
    unsigned int v = hi ? hi : (unsigned int)x;
    int n = hi ? 0 : 32;
    while (!(v & 0x80000000u) && n < 64) {
        v <<= 1;
        n++;
    }
    return n;
}

int __ffsdi2(u64 x)
{
    return x ? __ctzdi2(x) + 1 : 0;
}
