/* A singly linked list on the heap: push, insertion sort, reverse, remove,
 * free; a growing array with realloc; a zeroed one with calloc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node { int value; struct node *next; };

static struct node *push(struct node *head, int v)
{
    struct node *n = malloc(sizeof *n);
    n->value = v;
    n->next = head;
    return n;
}

static struct node *sorted_insert(struct node *head, struct node *n)
{
    if (!head || n->value < head->value) {
        n->next = head;
        return n;
    }
    struct node *p = head;
    while (p->next && p->next->value <= n->value)
        p = p->next;
    n->next = p->next;
    p->next = n;
    return head;
}

static struct node *sort(struct node *head)
{
    struct node *out = NULL;
    while (head) {
        struct node *next = head->next;
        out = sorted_insert(out, head);
        head = next;
    }
    return out;
}

static struct node *reverse(struct node *head)
{
    struct node *prev = NULL;
    while (head) {
        struct node *next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }
    return prev;
}

static struct node *remove_if_odd(struct node *head)
{
    struct node **pp = &head;
    while (*pp) {
        if ((*pp)->value & 1) {
            struct node *dead = *pp;
            *pp = dead->next;
            free(dead);
        } else {
            pp = &(*pp)->next;
        }
    }
    return head;
}

static void show(const char *what, const struct node *n)
{
    printf("%s:", what);
    for (; n; n = n->next)
        printf(" %d", n->value);
    printf("\n");
}

int main(void)
{
    struct node *list = NULL;
    unsigned seed = 12345;
    for (int i = 0; i < 20; i++) {
        seed = seed * 1103515245u + 12345u;
        list = push(list, (int)(seed >> 16) % 100 - 30);
    }
    show("pushed", list);
    list = sort(list);
    show("sorted", list);
    list = reverse(list);
    show("reversed", list);
    list = remove_if_odd(list);
    show("even", list);
    while (list) {
        struct node *next = list->next;
        free(list);
        list = next;
    }
    int *arr = NULL;
    int cap = 0, len = 0;
    for (int i = 0; i < 50; i++) {
        if (len == cap) {
            cap = cap ? cap * 2 : 2;
            arr = realloc(arr, (size_t)cap * sizeof *arr);
        }
        arr[len++] = i * i;
    }
    long sum = 0;
    for (int i = 0; i < len; i++)
        sum += arr[i];
    printf("realloc'd %d (cap %d) sum %ld last %d\n", len, cap, sum, arr[len - 1]);
    arr = realloc(arr, 10 * sizeof *arr);
    printf("shrunk: %d %d\n", arr[0], arr[9]);
    free(arr);
    int *z = calloc(64, sizeof *z);
    int nz = 0;
    for (int i = 0; i < 64; i++)
        nz += z[i] != 0;
    char *s = malloc(32);
    memset(s, 'q', 31);
    s[31] = 0;
    free(z);
    z = calloc(64, sizeof *z); /* reuses the freed block: must be zeroed again */
    for (int i = 0; i < 64; i++)
        nz += z[i] != 0;
    printf("calloc nonzero=%d s=%s\n", nz, s + 25);
    free(z);
    free(s);
    return 0;
}
