/* null_deref.c - dereferencing NULL: page 0 is never mapped.
 *
 * What to look at:
 *   - find() returns NULL when the value is not in the list, and main uses
 *     the result without checking it.
 *   - reading node->value at address 0 (value is the first field) touches
 *     page 0, which no process has mapped: the page walk finds no entry,
 *     the CPU raises a page fault (#PF) and the kernel sends SIGSEGV
 *     (si_code SEGV_MAPERR, fault address 0x0).
 *
 * Try:
 *   vmdebug debug examples/null_deref.c
 *   (vmdebug) continue            runs to the fault  => Program received signal SIGSEGV, Segmentation fault.
 *   (vmdebug) bt                  main, at the line that used the NULL  => #0  main () at examples/null_deref.c:52
 *   (vmdebug) pagewalk 0          no page-table entry for page 0  => walk stops: the PDE is not present
 *   (vmdebug) reverse-stepi       back to the instruction before the fault  => 0x080490e9 52
 *   (vmdebug) x/8xw $esp          => 0xbffffea0: 0x00000000 0x00000063
 *   (vmdebug) explain             => read from 0x00000000: NULL pointer dereference
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | 20 is in the list: 20
 *   | looking for 99...
 *   killed by SIGSEGV
 */
#include <stdio.h>
#include <stdlib.h>

struct node {
    int value;
    struct node *next;
};

static struct node *find(struct node *list, int value)
{
    while (list != NULL && list->value != value)
        list = list->next;
    return list; /* NULL if not found */
}

int main(void)
{
    struct node *list = NULL;
    int i;
    for (i = 1; i <= 3; i++) {
        struct node *n = malloc(sizeof *n);
        n->value = i * 10;
        n->next = list;
        list = n;
    }
    printf("20 is in the list: %d\n", find(list, 20)->value);
    printf("looking for 99...\n");
    printf("99 is in the list: %d\n", find(list, 99)->value); /* NULL->value */
    return 0;
}
