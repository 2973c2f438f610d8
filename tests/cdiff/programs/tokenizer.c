/* A tokenizer using ctype: identifiers, numbers, strings with escapes,
 * operators; counts per kind and a keyword lookup table. */
#include <stdio.h>
#include <ctype.h>
#include <string.h>

static const char *keywords[] = {"if", "else", "while", "return", "int", "char"};

static const char *classify(const char *word, int len)
{
    for (unsigned i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if ((int)strlen(keywords[i]) == len && strncmp(keywords[i], word, (unsigned)len) == 0)
            return "keyword";
    return "ident";
}

int main(void)
{
    const char *src = "int main(void) {\n  char *s = \"a\\\"b\\n\";\n  if (x_1 >= 0x1F) return -42;\n"
                      "  else while (y != 7) y += z*2;\n}\n";
    const char *p = src;
    int counts[6] = {0};
    int line = 1;
    while (*p) {
        if (*p == '\n')
            line++;
        if (isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        const char *start = p;
        const char *kind;
        if (isalpha((unsigned char)*p) || *p == '_') {
            while (isalnum((unsigned char)*p) || *p == '_')
                p++;
            kind = classify(start, (int)(p - start));
            counts[kind[0] == 'k']++;
        } else if (isdigit((unsigned char)*p)) {
            if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
                p += 2;
            while (isxdigit((unsigned char)*p))
                p++;
            kind = "number";
            counts[2]++;
        } else if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                p++;
            }
            p++;
            kind = "string";
            counts[3]++;
        } else if (strchr("<>=!+-*/", *p) && p[1] == '=') {
            p += 2;
            kind = "op2";
            counts[4]++;
        } else {
            p++;
            kind = ispunct((unsigned char)*start) ? "punct" : "other";
            counts[5]++;
        }
        printf("%d:%-7s %.*s\n", line, kind, (int)(p - start), start);
    }
    printf("ident %d keyword %d number %d string %d op2 %d punct %d\n", counts[0], counts[1], counts[2], counts[3],
           counts[4], counts[5]);
    printf("toupper: ");
    for (const char *q = "mixed Case 123!"; *q; q++)
        putchar(toupper((unsigned char)*q));
    putchar('\n');
    return counts[0];
}
