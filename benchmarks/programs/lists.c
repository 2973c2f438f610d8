/* lists.c - benchmark workload: build linked lists with malloc, walk them, free them. */
#include <stdio.h>
#include <stdlib.h>

struct node { int value; struct node *next; };

static struct node *build(int n)
{
    struct node *head = NULL;
    for (int i = 0; i < n; i++) {
        struct node *e = malloc(sizeof *e);
        e->value = i * 7 % 13;
        e->next = head;
        head = e;
    }
    return head;
}

int main(void)
{
    long total = 0;
    for (int round = 0; round < 6; round++) {
        struct node *l = build(40 + round);
        for (struct node *p = l; p; p = p->next)
            total += p->value;
        while (l) {
            struct node *n = l->next;
            free(l);
            l = n;
        }
    }
    printf("total %ld\n", total);
    return 0;
}
