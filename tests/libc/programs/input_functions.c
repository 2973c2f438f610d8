#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void scan(const char *input, const char *fmt)
{
    int a = -7, b = -7, n = -7;
    char s[32] = "-", t[32] = "-";
    int r = sscanf(input, fmt, &a, s, &b, t, &n);
    printf("sscanf(\"%s\", \"%s\") = %d: a=%d s=%s b=%d t=%s n=%d\n", input, fmt, r, a, s, b, t, n);
}

int main(void)
{
    char buf[64], *save, *tok, *line = NULL;
    size_t cap = 0;
    long long big = 0;
    short sh = 0;
    unsigned char ch = 0;
    unsigned int u = 0;
    int i, x = 0, y = 0, r;
    char c3[4] = "---";

    scan("12 abc 34 def", "%d %s %d %s%n");
    scan("  -5xyz", "%d%[a-z]%d%s%n");
    scan("0x1f 017 9", "%i %s %i %s%n");
    scan("", "%d%s%d%s%n");
    scan("   ", "%d%s%d%s%n");
    scan("abc", "%d%s%d%s%n");
    scan("7,8", "%d,%s%d%s%n");
    scan("7;8", "%d,%s%d%s%n");
    scan("123456", "%3d%2s%d%s%n");
    scan("x=42 [hi] y", "x=%d [%[^]]] %n%s%s");
    scan("% 5", "%% %d%s%d%s%n");
    scan("+17 -0", "%d %s%d%s%n");
    scan("ff FF", "%x %s%X%s%n");
    r = sscanf("9999999999 -3 300 0x10", "%lld %hd %hhu %x", &big, &sh, &ch, &u);
    printf("r=%d big=%lld sh=%d ch=%d u=%u\n", r, big, sh, ch, u);
    r = sscanf("abcdef", "%3c%*c%c", c3, &c3[3]);
    printf("r=%d c3=%.4s\n", r, c3);
    r = sscanf("5 6", "%*d %d", &x);
    printf("r=%d x=%d\n", r, x);

    strcpy(buf, "  the quick,,brown fox ");
    for (tok = strtok(buf, " ,"); tok; tok = strtok(NULL, " ,"))
        printf("[%s]", tok);
    printf("\n");
    strcpy(buf, "a=1;b=2;;c=3");
    for (tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save))
        printf("<%s>", tok);
    printf("\n");
    tok = strndup("abcdef", 3);
    printf("%s %s %d %d %d %d\n", tok, strpbrk("hello world", "ow"), strcasecmp("HeLLo", "hello") == 0,
           strcasecmp("abc", "ABD") < 0, strncasecmp("ABCx", "abcy", 3), strcasecmp("b", "A") > 0);
    free(tok);

    srand(42);
    for (i = 0; i < 5; i++)
        printf("%d ", rand());
    srand(0);
    printf("| %d ", rand());
    srand(1);
    printf("%d\n", rand());

    r = scanf("%d %d", &x, &y);
    printf("scanf=%d x=%d y=%d\n", r, x, y);
    r = getchar();
    printf("next=%d\n", r);
    ungetc('Q', stdin);
    printf("ungot=%c\n", getchar());
    while (getline(&line, &cap, stdin) > 0)
        printf("line: %s", line);
    r = scanf("%d", &x);
    printf("at end: %d\n", r);
    free(line);
    return 0;
}
