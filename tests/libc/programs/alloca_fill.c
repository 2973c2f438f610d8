#include <alloca.h>
#include <stdio.h>
#include <string.h>
static int fill(int n)
{
    char *p = alloca(n);
    int i, sum = 0;
    memset(p, 3, n);
    for (i = 0; i < n; i++)
        sum += p[i];
    return sum + ((unsigned long)p % 16 == 0);
}
int main(void)
{
    printf("%d %d\n", fill(100), fill(5000));
    return 0;
}
