/* A binary search tree: insert, lookup, delete with successor, in-order
 * and pre-order walks, height, and freeing the whole tree. */
#include <stdio.h>
#include <stdlib.h>

struct tree { int key; int count; struct tree *left, *right; };

static struct tree *insert(struct tree *t, int key)
{
    if (!t) {
        t = calloc(1, sizeof *t);
        t->key = key;
        t->count = 1;
        return t;
    }
    if (key < t->key)
        t->left = insert(t->left, key);
    else if (key > t->key)
        t->right = insert(t->right, key);
    else
        t->count++;
    return t;
}

static struct tree *delete(struct tree *t, int key)
{
    if (!t)
        return NULL;
    if (key < t->key) {
        t->left = delete(t->left, key);
    } else if (key > t->key) {
        t->right = delete(t->right, key);
    } else if (!t->left || !t->right) {
        struct tree *child = t->left ? t->left : t->right;
        free(t);
        return child;
    } else {
        struct tree *s = t->right;
        while (s->left)
            s = s->left;
        t->key = s->key;
        t->count = s->count;
        t->right = delete(t->right, s->key);
    }
    return t;
}

static int height(const struct tree *t)
{
    if (!t)
        return 0;
    int l = height(t->left), r = height(t->right);
    return 1 + (l > r ? l : r);
}

static void inorder(const struct tree *t)
{
    if (!t)
        return;
    inorder(t->left);
    printf(" %d", t->key);
    if (t->count > 1)
        printf("x%d", t->count);
    inorder(t->right);
}

static void preorder(const struct tree *t, int depth)
{
    if (!t || depth > 3)
        return;
    printf("%*s%d\n", depth * 2, "", t->key);
    preorder(t->left, depth + 1);
    preorder(t->right, depth + 1);
}

static int contains(const struct tree *t, int key)
{
    while (t && t->key != key)
        t = key < t->key ? t->left : t->right;
    return t != NULL;
}

static void destroy(struct tree *t)
{
    if (!t)
        return;
    destroy(t->left);
    destroy(t->right);
    free(t);
}

int main(void)
{
    struct tree *t = NULL;
    unsigned x = 2463534242u;
    for (int i = 0; i < 40; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        t = insert(t, (int)(x % 60));
    }
    printf("in-order:");
    inorder(t);
    printf("\nheight %d\n", height(t));
    preorder(t, 0);
    for (int k = 0; k < 60; k += 7)
        printf("contains(%d)=%d\n", k, contains(t, k));
    for (int k = 0; k < 60; k += 3)
        t = delete(t, k);
    printf("after deletes:");
    inorder(t);
    printf("\nheight %d\n", height(t));
    destroy(t);
    return 0;
}
