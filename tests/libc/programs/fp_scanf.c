/* scanf, sscanf and fscanf with %f %e %g %a (float), %lf... (double) and %Lf...
 * (long double): each field is read as glibc reads it (greedily: "1e+x" gives 1
 * and leaves x), then converted exactly.  Built with the host's gcc and glibc
 * and with vmdebug's libc, it must print the same bytes.  Reads numbers from
 * stdin too, and prints their average. */
#include <stdio.h>
#include <string.h>

static const char *const INPUTS[] = {
    "1e+x", "1e", "1ex", "0x", "0xg", "0x1p", "0x1p-", "0x1.8p1z", "inf", "infinity", "infx", "infin",
    "nan(12)", "nan(12", "nanx", "na", ".5", ".", "-", "+.e", "  3.5abc", "1.5e10", "12345", "-0",
    "1e400", "1e-400", "0x.8", "  -inf  ", "NAN(abc)q", "1.2.3", "00012e2", "e5", "1e5e5",
    "0x1.fffffffffffff8p1023", "1,5", "-.5e-3", "0.1", "3.4028235e38", "1e-45", "+", "",
    "  ", "0x1P+4", "1E2", "9007199254740993", "2.5e-324", "0.30000000000000004441",
};

int main(void)
{
    int n = (int)(sizeof INPUTS / sizeof *INPUTS);
    int i, r, count = 0;
    double a, b, sum = 0, x;
    float f1;
    long double l1;
    char word[16];

    for (i = 0; i < n; i++) {
        const char *in = INPUTS[i];
        double d = -99, d4 = -99;
        float f = -99;
        long double L = -99;
        int c = -7, c4 = -7, rd, r4, rf, rl;
        char rest[32] = "?";
        rd = sscanf(in, "%lf%n%31s", &d, &c, rest);
        r4 = sscanf(in, "%4lf%n", &d4, &c4);
        rf = sscanf(in, "%f", &f);
        rl = sscanf(in, "%Lg", &L);
        printf("\"%s\": r=%d d=%a c=%d rest=%s | w4 r=%d d=%a c=%d | f r=%d %a | L r=%d %La\n", in, rd, d, c, rest,
               r4, d4, c4, rf, (double)f, rl, L);
    }
    r = sscanf("1.5 2.5e1", "%le %lg", &a, &b);
    printf("%d %g %g\n", r, a, b);
    r = sscanf("x", "%lf", &a);
    printf("x %d\n", r);
    r = sscanf("3.25 7", "%*f%n %d", &i, &count);
    printf("suppress %d %d %d\n", r, i, count);
    r = sscanf("1.25;2.5;0x10", "%lE;%LA;%F", &a, &l1, &f1);
    printf("%d %a %La %a\n", r, a, l1, (double)f1);
    r = sscanf("[-7.5e-1]", "[%lG]%n", &a, &i);
    printf("%d %a %d\n", r, a, i);

    /* An average of what stdin holds, as a course's first program reads it. */
    count = 0;
    while ((r = scanf("%lf", &x)) == 1) {
        sum += x;
        count++;
    }
    printf("read %d numbers, scanf ended with %d\n", count, r);
    if (count > 0)
        printf("sum %.17g average %.6f\n", sum, sum / count);
    if (r == 0 && scanf("%15s", word) == 1)
        printf("stopped at \"%s\"\n", word);
    while (fscanf(stdin, "%lf", &x) == 1)
        printf("fscanf %g\n", x);
    return 0;
}
