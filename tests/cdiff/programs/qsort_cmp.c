/* qsort with comparators: ints ascending and descending, structs by two
 * keys, strings through an array of pointers; then bsearch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct person { char name[12]; int age; };

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }
static int cmp_person(const void *a, const void *b)
{
    const struct person *p = a, *q = b;
    if (p->age != q->age)
        return p->age - q->age;
    return strcmp(p->name, q->name);
}
static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

int main(void)
{
    int v[25];
    unsigned s = 7;
    for (int i = 0; i < 25; i++) {
        s = s * 69069u + 1;
        v[i] = (int)(s >> 20) - 2048;
    }
    qsort(v, 25, sizeof v[0], cmp_int);
    for (int i = 0; i < 25; i++)
        printf("%d ", v[i]);
    printf("\n");
    int key = v[17], *hit = bsearch(&key, v, 25, sizeof v[0], cmp_int);
    int missing = 5000;
    printf("bsearch %d at %d, 5000 %s\n", key, (int)(hit - v), bsearch(&missing, v, 25, sizeof v[0], cmp_int) ? "found" : "absent");
    qsort(v, 25, sizeof v[0], cmp_int_desc);
    printf("desc: %d %d %d ... %d\n", v[0], v[1], v[2], v[24]);
    struct person people[] = {{"dora", 31}, {"bob", 25}, {"carl", 31}, {"al", 40}, {"eve", 25}, {"fay", 19}};
    qsort(people, 6, sizeof people[0], cmp_person);
    for (int i = 0; i < 6; i++)
        printf("%s(%d) ", people[i].name, people[i].age);
    printf("\n");
    const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "apricot", "date"};
    qsort(words, 7, sizeof words[0], cmp_str);
    for (int i = 0; i < 7; i++)
        printf("%s ", words[i]);
    printf("\n");
    qsort(v, 1, sizeof v[0], cmp_int);
    qsort(v, 0, sizeof v[0], cmp_int);
    return 0;
}
