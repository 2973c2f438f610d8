/* gcc's labels-as-values: a dispatch table of &&label addresses in .data
 * (relocated label addresses) and `goto *table[op]`; plus a tail-recursive
 * loop and mutual recursion that -O2 turns into jumps. */
#include <stdio.h>

static int run(const unsigned char *code)
{
    static const void *table[] = {&&op_halt, &&op_inc, &&op_dbl, &&op_neg, &&op_print};
    int acc = 1, n = 0;
    goto *table[code[n++]];
op_inc:
    acc++;
    goto *table[code[n++]];
op_dbl:
    acc *= 2;
    goto *table[code[n++]];
op_neg:
    acc = -acc;
    goto *table[code[n++]];
op_print:
    printf("acc=%d at %d\n", acc, n);
    goto *table[code[n++]];
op_halt:
    return acc;
}

__attribute__((noinline)) static unsigned sum_to(unsigned n, unsigned acc)
{
    if (n == 0)
        return acc;
    return sum_to(n - 1, acc + n);
}

static int is_odd(unsigned n);
__attribute__((noinline)) static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
__attribute__((noinline)) static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

int main(void)
{
    static const unsigned char prog[] = {1, 2, 2, 4, 3, 1, 4, 2, 2, 2, 4, 0};
    int r = run(prog);
    printf("result %d\n", r);
    printf("sum_to(1000)=%u even(77)=%d odd(77)=%d even(300)=%d\n", sum_to(1000, 0), is_even(77), is_odd(77),
           is_even(300));
    return r & 0xff;
}
