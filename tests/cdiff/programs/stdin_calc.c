/* An RPN calculator reading lines from stdin with fgets, numbers with
 * strtol (decimal, hex, octal, negative), ops + - * / % and 'p'. */
//@ stdin: "3 4 + p\n10 -3 / p\n0x10 010 * p\n-7 2 % p\n1 2 3 4 5 + + + + p\n100 9 - 2 * p\nbad\n"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long stack[32];
static int top;

int main(void)
{
    char line[128];
    int lineno = 0, errors = 0;
    while (fgets(line, sizeof line, stdin)) {
        lineno++;
        char *p = line;
        while (*p) {
            while (*p == ' ' || *p == '\n')
                p++;
            if (!*p)
                break;
            char *end;
            long v = strtol(p, &end, 0);
            if (end != p && (*end == ' ' || *end == '\n' || *end == 0)) {
                stack[top++] = v;
                p = end;
                continue;
            }
            char op = *p++;
            if (op == 'p') {
                printf("line %d: %ld (depth %d)\n", lineno, stack[top - 1], top);
                continue;
            }
            if (top < 2 || !strchr("+-*/%", op)) {
                printf("line %d: bad token '%c'\n", lineno, op);
                errors++;
                while (*p && *p != ' ' && *p != '\n')
                    p++;
                continue;
            }
            long b = stack[--top], a = stack[--top];
            stack[top++] = op == '+' ? a + b : op == '-' ? a - b : op == '*' ? a * b : op == '/' ? a / b : a % b;
        }
    }
    printf("%d lines, %d errors, depth %d, atoi %d %d %d\n", lineno, errors, top, atoi("  -42x"), atoi("+17"),
           atoi("abc"));
    return errors ? 3 : 0;
}
