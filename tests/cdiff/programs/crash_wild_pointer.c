/* A wild pointer: an uninitialised-looking value used as an address. The
 * page at 0x5a5a5a5a is not mapped: SIGSEGV, SEGV_MAPERR at that address. */
#include <stdio.h>

struct holder { int value; int *ptr; };

__attribute__((noinline)) int deref(struct holder *h)
{
    return *h->ptr + h->value;
}

int main(void)
{
    int x = 5;
    struct holder good = {1, &x};
    printf("good %d\n", deref(&good));
    struct holder bad;
    unsigned char *raw = (unsigned char *)&bad;
    for (unsigned i = 0; i < sizeof bad; i++)
        raw[i] = 0x5a;
    printf("bad...\n");
    printf("%d\n", deref(&bad));
    return 0;
}
