/* A variadic function of our own: va_arg of int, unsigned, long long, char*
 * and char (promoted to int), driven by a format string; vsnprintf through
 * a wrapper. */
#include <stdio.h>
#include <stdarg.h>

static long long sum_typed(const char *types, ...)
{
    va_list ap;
    long long total = 0;
    va_start(ap, types);
    for (const char *t = types; *t; t++) {
        switch (*t) {
        case 'i': total += va_arg(ap, int); break;
        case 'u': total += va_arg(ap, unsigned); break;
        case 'L': total += va_arg(ap, long long); break;
        case 'c': total += (char)va_arg(ap, int); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            while (*s)
                total += *s++;
            break;
        }
        }
    }
    va_end(ap);
    return total;
}

static int count_args(int n, ...)
{
    va_list ap, copy;
    va_start(ap, n);
    va_copy(copy, ap);
    int max = -2147483647 - 1;
    for (int i = 0; i < n; i++) {
        int v = va_arg(ap, int);
        if (v > max)
            max = v;
    }
    int first = n ? va_arg(copy, int) : 0;
    va_end(copy);
    va_end(ap);
    return max * 1000 + first;
}

static int format(char *buf, unsigned size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int main(void)
{
    printf("%lld\n", sum_typed("iiu", 1, -2, 3000000000u));
    printf("%lld\n", sum_typed("LiL", 0x100000000LL, 7, -5LL));
    printf("%lld\n", sum_typed("csc", 'a', "hello", -1));
    printf("%lld\n", sum_typed(""));
    printf("%d %d\n", count_args(5, 3, 99, -4, 12, 7), count_args(1, -8));
    char buf[20];
    int n = format(buf, sizeof buf, "%s=%d;%x", "answer", 42, 0xbeef);
    printf("%d [%s]\n", n, buf);
    n = format(buf, 6, "%lld", -1234567890123LL);
    printf("%d [%s]\n", n, buf);
    return 0;
}
