/* string.h: strlen strcpy strncpy strcat strcmp strncmp memcpy memmove
 * memset memcmp strchr strrchr strstr, with results normalised to their
 * sign where the C standard only promises a sign. */
#include <stdio.h>
#include <string.h>

static int sign(int v) { return (v > 0) - (v < 0); }

int main(void)
{
    char buf[64], buf2[64];
    const char *words[] = {"", "a", "abc", "abd", "ab", "hello world", "\xff\x01", "\x01"};
    int n = (int)(sizeof words / sizeof words[0]);
    for (int i = 0; i < n; i++)
        printf("strlen(%d)=%u ", i, (unsigned)strlen(words[i]));
    printf("\n");
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++)
            printf("%c", "<=>"[1 + sign(strcmp(words[i], words[j]))]);
        printf(" ");
        for (int j = 0; j < n; j++)
            printf("%c", "<=>"[1 + sign(strncmp(words[i], words[j], 2))]);
        printf("\n");
    }
    strcpy(buf, "foo");
    strcat(buf, "bar");
    strcat(buf, "");
    strcat(buf, "-baz");
    printf("%s (%u)\n", buf, (unsigned)strlen(buf));
    memset(buf2, 'x', sizeof buf2);
    strncpy(buf2, "short", 10);
    printf("strncpy pads: %d %d %d %c\n", buf2[5], buf2[9], buf2[10], buf2[10]);
    strncpy(buf2, "truncated!", 4);
    printf("strncpy trunc: %.6s\n", buf2);
    char *p = strchr(buf, 'b');
    char *q = strrchr(buf, 'b');
    printf("strchr %d strrchr %d nul %d none %s\n", (int)(p - buf), (int)(q - buf), (int)(strchr(buf, 0) - buf),
           strchr(buf, 'Q') ? "found" : "NULL");
    printf("strstr %d %s\n", (int)(strstr(buf, "ba") - buf), strstr(buf, "zz") ? "found" : "NULL");
    char m[32] = "0123456789abcdefghij";
    memmove(m + 4, m, 10);
    printf("memmove up: %s\n", m);
    memmove(m, m + 6, 10);
    printf("memmove down: %s\n", m);
    memcpy(m, "XYZ", 3);
    printf("memcpy: %s\n", m);
    unsigned char a[8] = {1, 2, 3, 4, 5, 6, 7, 8}, b[8] = {1, 2, 3, 4, 5, 6, 7, 200};
    printf("memcmp %d %d %d %d\n", sign(memcmp(a, b, 8)), sign(memcmp(b, a, 8)), sign(memcmp(a, b, 7)),
           memcmp(a, b, 0));
    memset(a, 0xab, 5);
    for (int i = 0; i < 8; i++)
        printf("%02x", a[i]);
    printf("\n");
    const char *csv = "alpha,beta,,gamma,delta";
    const char *s = csv;
    while (s) {
        const char *comma = strchr(s, ',');
        int len = comma ? (int)(comma - s) : (int)strlen(s);
        printf("[%.*s]", len, s);
        s = comma ? comma + 1 : NULL;
    }
    printf("\n");
    return (int)strlen(buf);
}
