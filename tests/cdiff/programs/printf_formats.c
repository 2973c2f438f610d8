/* printf conversions %d %i %u %x %X %c %s %p %% with widths, '-', '0',
 * precision, and the hh h l ll modifiers; sprintf and snprintf return values. */
#include <stdio.h>
#include <limits.h>

static int gvar;

int main(void)
{
    static volatile int iv[] = {0, 1, -1, 42, -42, 123456, INT_MAX, INT_MIN};
    for (int i = 0; i < 8; i++) {
        int v = iv[i];
        printf("[%d] [%i] [%5d] [%-5d] [%05d] [%u] [%x] [%X] [%8x] [%-8X|] [%08x] [%+d] [% d] [%.3d] [%#x]\n", v, v, v,
               v, v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v, (unsigned)v, v, v, v,
               (unsigned)v);
    }
    printf("[%ld] [%lu] [%lx] [%li]\n", -123456789L, 4000000000UL, 0xdeadbeefUL, LONG_MIN);
    printf("[%lld] [%llu] [%llx] [%llX] [%20lld] [%-20lld|] [%020llu]\n", -1234567890123LL, 18446744073709551615ULL,
           0x0123456789abcdefULL, 0xfedcba9876543210ULL, LLONG_MIN, LLONG_MAX, 12345ULL);
    printf("[%hd] [%hu] [%hhd] [%hhu] [%hx]\n", 70000, 70000, 300, 300, -1);
    printf("[%c] [%3c] [%-3c] [%c%c%c]\n", 'A', 'b', 'c', 'x', 'y', 'z');
    printf("[%s] [%10s] [%-10s] [%.2s] [%8.3s] [%s]\n", "str", "right", "left", "truncate", "abcdef", "");
    printf("[%%] [%5%] [100%%]\n");
    printf("[%p] [%p] [%12p] [%-12p|]\n", (void *)&gvar, (void *)0, (void *)0x1234, (void *)main);
    printf("[%*d] [%-*d] [%.*d]\n", 6, 42, 6, 42, 4, 7);
    char buf[32];
    int n = sprintf(buf, "%d-%s-%x", 12, "ab", 255);
    printf("sprintf %d \"%s\"\n", n, buf);
    n = snprintf(buf, 8, "%s", "0123456789");
    printf("snprintf %d \"%s\"\n", n, buf);
    n = snprintf(buf, 1, "%d", 99);
    printf("snprintf %d \"%s\"\n", n, buf);
    n = printf("%s%d\n", "twelve", 12);
    return n;
}
