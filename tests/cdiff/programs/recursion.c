/* Recursion: fib, a small Ackermann, Towers of Hanoi, gcd, permutations and
 * a recursive-descent expression evaluator. */
#include <stdio.h>

__attribute__((noinline)) static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) static int ack(int m, int n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ack(m - 1, 1);
    return ack(m - 1, ack(m, n - 1));
}

static int moves;
__attribute__((noinline)) static void hanoi(int n, char from, char to, char via)
{
    if (n == 0)
        return;
    hanoi(n - 1, from, via, to);
    moves++;
    if (n >= 4)
        printf("move disk %d %c -> %c\n", n, from, to);
    hanoi(n - 1, via, to, from);
}

static unsigned gcd(unsigned a, unsigned b) { return b ? gcd(b, a % b) : a; }

static char perm[5];
static int nperm;
static void permute(char *s, int k, int n)
{
    if (k == n) {
        if (nperm++ % 7 == 0)
            printf("%s\n", s);
        return;
    }
    for (int i = k; i < n; i++) {
        char t = s[k]; s[k] = s[i]; s[i] = t;
        permute(s, k + 1, n);
        t = s[k]; s[k] = s[i]; s[i] = t;
    }
}

static const char *src;
static int expr(void);
static int atom(void)
{
    if (*src == '(') {
        src++;
        int v = expr();
        src++; /* ) */
        return v;
    }
    if (*src == '-') {
        src++;
        return -atom();
    }
    int v = 0;
    while (*src >= '0' && *src <= '9')
        v = v * 10 + (*src++ - '0');
    return v;
}
static int term(void)
{
    int v = atom();
    while (*src == '*' || *src == '/' || *src == '%') {
        char op = *src++;
        int r = atom();
        v = op == '*' ? v * r : op == '/' ? v / r : v % r;
    }
    return v;
}
static int expr(void)
{
    int v = term();
    while (*src == '+' || *src == '-') {
        char op = *src++;
        int r = term();
        v = op == '+' ? v + r : v - r;
    }
    return v;
}

int main(void)
{
    for (int i = 0; i <= 18; i += 3)
        printf("fib(%d)=%d\n", i, fib(i));
    printf("ack(2,3)=%d ack(1,5)=%d ack(3,2)=%d\n", ack(2, 3), ack(1, 5), ack(3, 2));
    hanoi(6, 'A', 'C', 'B');
    printf("hanoi moves=%d\n", moves);
    printf("gcd=%u %u %u\n", gcd(1071, 462), gcd(17, 5), gcd(1u << 20, 6u << 10));
    perm[0] = 'a'; perm[1] = 'b'; perm[2] = 'c'; perm[3] = 'd';
    permute(perm, 0, 4);
    printf("perms=%d\n", nperm);
    const char *exprs[] = {"1+2*3", "(1+2)*3", "100/7%4-(-5)", "2*(3+4)*(5-6*7)", "-(-(-8))"};
    for (int i = 0; i < 5; i++) {
        src = exprs[i];
        printf("%s = %d\n", exprs[i], expr());
    }
    return fib(10) & 0xff;
}
