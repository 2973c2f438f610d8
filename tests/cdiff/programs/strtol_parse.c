/* Number parsing: strtol/strtoul/strtoll in bases 0, 2, 8, 10, 16, 36,
 * with end pointers, signs, leading space, overflow clamping; atoi/atol. */
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>

int main(void)
{
    const char *inputs[] = {"0", "42", "-42", "  +17xyz", "0x1f", "0X1F", "017", "0b101", "zz", "-0x80000000",
                            "2147483648", "-2147483649", "4294967295", ""};
    int bases[] = {0, 16};
    for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        const char *s = inputs[i];
        printf("\"%s\":", s);
        for (unsigned b = 0; b < sizeof bases / sizeof bases[0]; b++) {
            char *end;
            errno = 0;
            long v = strtol(s, &end, bases[b]);
            printf(" b%d=%ld/%d%s", bases[b], v, (int)(end - s), errno == ERANGE ? "R" : "");
        }
        char *end;
        errno = 0;
        unsigned long u = strtoul(s, &end, 0);
        long long ll = strtoll(s, NULL, 0);
        printf(" ul=%lu%s ll=%d:%08x atoi=%d\n", u, errno == ERANGE ? "R" : "", (int)(ll >> 32), (unsigned)ll, atoi(s));
    }
    char *end;
    printf("b2 %ld b36 %ld b8 %ld", strtol("-1011z", &end, 2), strtol("Zz9", NULL, 36), strtol("0777", NULL, 8));
    printf(" end '%s'\n", end);
    errno = 0;
    long long huge = strtoll("99999999999999999999", NULL, 10);
    printf("huge %d:%08x %s\n", (int)(huge >> 32), (unsigned)huge, errno == ERANGE ? "ERANGE" : "ok");
    printf("atol %ld atoll %lld abs %d labs %ld llabs %lld\n", atol("-123456"), atoll("-9000000000"), abs(-5),
           labs(-70000L), llabs(-5000000000LL));
    return 0;
}
