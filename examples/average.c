/* average.c - read numbers from a file and average them: floating point in xmm registers.
 *
 * What to look at:
 *   - double arithmetic is SSE2: sum += x is an addsd on xmm registers, whose
 *     writes show in the events like any register's (info registers xmm0).
 *   - a double travels between functions on the stack and comes back in st(0),
 *     the x87 stack top (the i386 ABI): mean's return value is there after
 *     `finish`, and the caller stores it with fstp.
 *   - the file is read through the kernel: fopen is open(2), fgets is read(2)
 *     into the FILE's buffer, and the bytes are recorded in the session.
 *   - printf's %.2f is computed exactly from the double's bits, as glibc does.
 *
 * Try:
 *   vmdebug debug --file examples/numbers.txt examples/average.c
 *   (vmdebug) break 43                  mean's return, after the loop  => Breakpoint 1 at
 *   (vmdebug) run                       => Breakpoint 1, mean (xs=... <numbers>, n=6)
 *   (vmdebug) print sum                 the six numbers added up  => $1 = 99.625
 *   (vmdebug) print sum / n             the debugger's own division  => $2 = 16.604166666666668
 *   (vmdebug) history sum               each addsd's result: 8 bytes a step  => 0x4053e00000000000 -> 0x4058e8
 *   (vmdebug) finish                    => Value returned is $3 = 16.604166666666668
 *   (vmdebug) info registers st0        the same value, as the 80-bit x87 register  => 16.6041666666666678509
 *   (vmdebug) reverse-step              back into mean, after the division  => mean (xs=... at examples/average.c:44
 *   (vmdebug) p $xmm0.v2_double[0]      the quotient divsd left in xmm0  => $4 = 16.604166666666668
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | 6 numbers from numbers.txt
 *   | mean 16.60, min -2.75, max 23.00
 *   | 1 below freezing
 *   exit status 0
 */
#include <stdio.h>
#include <stdlib.h>

#define MAX_NUMBERS 100

static double numbers[MAX_NUMBERS];

__attribute__((noinline)) double mean(const double *xs, int n)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += xs[i];
    return n > 0 ? sum / n : 0.0;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "numbers.txt";
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        printf("cannot open %s (vmdebug run --file %s ...)\n", path, path);
        return 1;
    }
    char line[80];
    int n = 0;
    while (n < MAX_NUMBERS && fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        numbers[n++] = atof(line);
    }
    fclose(f);

    double lo = numbers[0], hi = numbers[0];
    int freezing = 0;
    for (int i = 0; i < n; i++) {
        if (numbers[i] < lo)
            lo = numbers[i];
        if (numbers[i] > hi)
            hi = numbers[i];
        if (numbers[i] < 0.0)
            freezing++;
    }
    printf("%d numbers from numbers.txt\n", n);
    printf("mean %.2f, min %.2f, max %.2f\n", mean(numbers, n), lo, hi);
    printf("%d below freezing\n", freezing);
    return 0;
}
