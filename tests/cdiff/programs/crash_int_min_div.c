/* INT_MIN / -1 overflows: idiv raises #DE just like a zero divisor, so
 * the process gets SIGFPE (FPE_INTDIV) though nothing is zero. */
#include <stdio.h>
#include <limits.h>

static volatile int num = INT_MIN, den = -1;

__attribute__((noinline)) int quotient(int a, int b)
{
    return a % b;
}

int main(void)
{
    printf("%d\n", quotient(INT_MIN, 7));
    printf("%d\n", quotient(num, den));
    return 0;
}
