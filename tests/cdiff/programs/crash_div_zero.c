/* Integer division by zero from a runtime value: the CPU raises #DE,
 * the kernel sends SIGFPE with FPE_INTDIV and si_addr = the div's address. */
//@ args: 10 5 0 2
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) int share(int total, int parts)
{
    return total / parts;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        printf("1000 / %s = %d\n", argv[i], share(1000, atoi(argv[i])));
    return 0;
}
