/* Calling through a NULL function pointer: the call itself works, the fetch
 * at address 0 faults. eip = 0, no symbol there; si_addr = 0. */
#include <stdio.h>

typedef int (*handler)(int);

static int twice(int x) { return 2 * x; }

static handler handlers[4] = {twice, twice, 0, twice};

__attribute__((noinline)) int dispatch(int i, int arg)
{
    return handlers[i](arg);
}

int main(void)
{
    for (int i = 0; i < 4; i++)
        printf("handler %d -> %d\n", i, dispatch(i, i + 10));
    return 0;
}
