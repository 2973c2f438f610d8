/* Pointers to typedef'd structs in the heap, recursion, function pointers. */
#include <stdio.h>
#include <stdlib.h>

typedef struct node { int key; struct node *left, *right; } node_t;
typedef int (*visit_fn)(node_t *);

static int count;

static node_t *insert(node_t *root, int key)
{
    if (root == NULL) {
        node_t *n = malloc(sizeof *n);
        n->key = key;
        n->left = n->right = NULL;
        return n;
    }
    if (key < root->key)
        root->left = insert(root->left, key);
    else
        root->right = insert(root->right, key);
    return root;
}

static int visit(node_t *n)
{
    count++;
    return n->key;
}

static int walk(node_t *n, visit_fn fn)
{
    if (n == NULL)
        return 0;
    return walk(n->left, fn) + fn(n) + walk(n->right, fn);
}

int main(void)
{
    static const int keys[] = {50, 30, 70, 20, 40};
    node_t *root = NULL;
    visit_fn fn = visit;
    for (unsigned i = 0; i < sizeof keys / sizeof keys[0]; i++)
        root = insert(root, keys[i]);
    int total = walk(root, fn);
    printf("%d %d %d\n", total, count, root->left->key);
    return 0;
}
