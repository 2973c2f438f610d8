/* Function pointers: a table of operations, callbacks, a function returning
 * a function pointer, and a small state machine driven by a pointer table. */
#include <stdio.h>

typedef int (*binop)(int, int);

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
static int maxi(int a, int b) { return a > b ? a : b; }
static int xor_(int a, int b) { return a ^ b; }

static const struct { const char *name; binop fn; } ops[] = {
    {"add", add}, {"sub", sub}, {"mul", mul}, {"max", maxi}, {"xor", xor_},
};

__attribute__((noinline)) static int fold(const int *v, int n, binop f, int init)
{
    for (int i = 0; i < n; i++)
        init = f(init, v[i]);
    return init;
}

__attribute__((noinline)) static binop pick(const char *name)
{
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        const char *a = ops[i].name, *b = name;
        while (*a && *a == *b) a++, b++;
        if (*a == *b)
            return ops[i].fn;
    }
    return 0;
}

/* A state machine recognising numbers like -12, +7, 300 */
typedef struct state state;
typedef const state *(*transition)(char c);
struct state { const char *name; transition next; };
static const state *s_start(char c);
static const state *s_sign(char c);
static const state *s_digits(char c);
static const state *s_error(char c);
static const state START = {"start", s_start}, SIGN = {"sign", s_sign}, DIGITS = {"digits", s_digits},
                   ERROR = {"error", s_error};
static const state *s_start(char c) { return c == '+' || c == '-' ? &SIGN : c >= '0' && c <= '9' ? &DIGITS : &ERROR; }
static const state *s_sign(char c) { return c >= '0' && c <= '9' ? &DIGITS : &ERROR; }
static const state *s_digits(char c) { return c >= '0' && c <= '9' ? &DIGITS : &ERROR; }
static const state *s_error(char c) { (void)c; return &ERROR; }

int main(void)
{
    static volatile int data[] = {3, 9, -4, 27, 5, -11, 8};
    int v[7];
    for (int i = 0; i < 7; i++)
        v[i] = data[i];
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
        printf("%s: %d\n", ops[i].name, fold(v, 7, ops[i].fn, i == 2 ? 1 : 0));
    binop f = pick("max");
    printf("pick max -> %d, pick nope -> %s\n", f(4, 9), pick("nope") ? "found" : "null");
    const char *words[] = {"-12", "+7", "300", "1-2", "+", "", "42x"};
    for (int i = 0; i < 7; i++) {
        const state *s = &START;
        for (const char *p = words[i]; *p; p++)
            s = s->next(*p);
        printf("\"%s\" ends in %s\n", words[i], s->name);
    }
    int (*arr[3])(int, int) = {add, mul, sub};
    int acc = 1;
    for (int i = 0; i < 9; i++)
        acc = arr[i % 3](acc, i + 2);
    printf("acc=%d\n", acc);
    return 0;
}
