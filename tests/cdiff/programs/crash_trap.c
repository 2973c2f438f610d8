/* __builtin_trap() compiles to ud2: SIGILL with ILL_ILLOPN at the ud2. */
#include <stdio.h>

__attribute__((noinline)) int checked_div(int a, int b)
{
    if (b == 0)
        __builtin_trap();
    return a / b;
}

int main(void)
{
    printf("%d\n", checked_div(10, 3));
    printf("%d\n", checked_div(10, 0));
    return 0;
}
