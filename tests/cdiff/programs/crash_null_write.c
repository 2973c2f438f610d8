/* Writing through a NULL struct pointer at an offset: SIGSEGV at 0x28. */
#include <stdio.h>

struct record { int key; char name[32]; int hits; int extra; };

__attribute__((noinline)) void touch(struct record *r, int n)
{
    r->hits += n;
}

static struct record table[2] = {{1, "one", 0, 0}, {2, "two", 0, 0}};

__attribute__((noinline)) struct record *lookup(int key)
{
    for (int i = 0; i < 2; i++)
        if (table[i].key == key)
            return &table[i];
    return 0;
}

int main(void)
{
    for (int k = 1; k <= 3; k++) {
        printf("key %d\n", k);
        touch(lookup(k), k);
    }
    return 0;
}
