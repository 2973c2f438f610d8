/* Multi-precision arithmetic with 32-bit limbs and 64-bit intermediates:
 * 50! and 2^200, printed in decimal by repeated division of the bignum. */
#include <stdio.h>
#include <string.h>

#define LIMBS 8
typedef struct { unsigned d[LIMBS]; } big;

static void mul_small(big *a, unsigned m)
{
    unsigned long long carry = 0;
    for (int i = 0; i < LIMBS; i++) {
        unsigned long long t = (unsigned long long)a->d[i] * m + carry;
        a->d[i] = (unsigned)t;
        carry = t >> 32;
    }
}

static void add(big *a, const big *b)
{
    unsigned carry = 0;
    for (int i = 0; i < LIMBS; i++) {
        unsigned s = a->d[i] + carry;
        unsigned c1 = s < carry;
        a->d[i] = s + b->d[i];
        carry = c1 + (a->d[i] < s);
    }
}

static unsigned div_small(big *a, unsigned m)
{
    unsigned long long rem = 0;
    for (int i = LIMBS - 1; i >= 0; i--) {
        unsigned long long cur = rem << 32 | a->d[i];
        a->d[i] = (unsigned)(cur / m);
        rem = cur % m;
    }
    return (unsigned)rem;
}

static int is_zero(const big *a)
{
    for (int i = 0; i < LIMBS; i++)
        if (a->d[i])
            return 0;
    return 1;
}

static void print(const char *label, big a)
{
    char digits[100];
    int n = 0;
    do
        digits[n++] = (char)('0' + div_small(&a, 10));
    while (!is_zero(&a));
    printf("%s = ", label);
    while (n)
        putchar(digits[--n]);
    putchar('\n');
}

int main(void)
{
    big f;
    memset(&f, 0, sizeof f);
    f.d[0] = 1;
    for (unsigned i = 2; i <= 30; i++)
        mul_small(&f, i);
    print("30!", f);
    big p = {{1}};
    for (int i = 0; i < 150; i++)
        mul_small(&p, 2);
    print("2^150", p);
    big fa = {{0}}, fb = {{1}};
    for (int i = 0; i < 120; i++) {
        big t = fb;
        add(&fb, &fa);
        fa = t;
    }
    print("fib(120)", fa);
    printf("limbs of 2^150: %08x %08x\n", p.d[4], p.d[0]);
    return 0;
}
