/* Dense switches (gcc emits a jump table: jmp [table + reg*4]), a switch
 * with fall-through, a sparse one (compare tree) and a switch on chars. */
#include <stdio.h>

__attribute__((noinline)) static int dense(int x)
{
    switch (x) {
    case 0: return 11;
    case 1: return 22;
    case 2: return 35;
    case 3: return 47;
    case 4: return -5;
    case 5: return 600;
    case 6: return 7;
    case 7: return 8123;
    case 8: return 99;
    case 9: return 1000;
    case 10: return -31;
    case 11: return 12;
    default: return -1;
    }
}

__attribute__((noinline)) static int fallthrough(int x)
{
    int r = 0;
    switch (x) {
    case 10: r += 1;      /* fall through */
    case 11: r += 10;     /* fall through */
    case 12: r += 100; break;
    case 13: r = 5;       /* fall through */
    case 14:
    case 15: r *= 3; break;
    case 16: r = -16; break;
    case 17: r = 1700; break;
    case 18: return 18;
    default: r = 42;
    }
    return r;
}

__attribute__((noinline)) static int sparse(int x)
{
    switch (x) {
    case -1000: return 1;
    case 3: return 2;
    case 100: return 3;
    case 4096: return 4;
    case 70000: return 5;
    case 1 << 30: return 6;
    default: return 0;
    }
}

__attribute__((noinline)) static const char *kind(char c)
{
    switch (c) {
    case 'a': case 'e': case 'i': case 'o': case 'u': return "vowel";
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': return "digit";
    case ' ': case '\t': case '\n': return "space";
    case '+': case '-': case '*': case '/': return "op";
    default: return "other";
    }
}

int main(void)
{
    for (int i = -2; i < 14; i++)
        printf("dense(%d)=%d\n", i, dense(i));
    for (int i = 8; i < 20; i++)
        printf("fallthrough(%d)=%d\n", i, fallthrough(i));
    static const int probes[] = {-1000, -999, 3, 4, 100, 4096, 70000, 1 << 30, 0};
    for (unsigned i = 0; i < sizeof probes / sizeof probes[0]; i++)
        printf("sparse(%d)=%d\n", probes[i], sparse(probes[i]));
    const char *text = "a1 +z\te9/Q";
    for (const char *p = text; *p; p++)
        printf("'%c' %s\n", *p == '\t' ? 'T' : *p, kind(*p));
    return dense(7) % 256;
}
