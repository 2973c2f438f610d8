/* Reading through a NULL pointer inside a helper: SIGSEGV, SEGV_MAPERR,
 * si_addr 0 + the field's offset, in the helper. */
#include <stdio.h>
#include <stdlib.h>

struct item { int id; int weight; struct item *next; };

__attribute__((noinline)) int total_weight(const struct item *it)
{
    int sum = 0;
    for (int i = 0; i < 4; i++) {
        sum += it->weight;
        it = it->next;
    }
    return sum;
}

int main(void)
{
    struct item *c = calloc(1, sizeof *c), *b = malloc(sizeof *b);
    b->id = 2; b->weight = 20; b->next = c;
    c->id = 3; c->weight = 30; /* c->next stays NULL */
    printf("partial: %d\n", b->weight + c->weight);
    printf("total: %d\n", total_weight(b));
    return 0;
}
