/* The floating-point libc a course uses: math.h, strtod, sscanf %lf, qsort of doubles and
   printf's %f %e %g %a, compared with the native twin at every level. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    const char *text = "3.5 -1e-3 2.25e2 0x1.8p1 7 1e308 -0.0 4.9e-324";
    double xs[8];
    int n = 0;
    const char *p = text;
    while (n < 8) {
        char *end;
        double v = strtod(p, &end);
        if (end == p)
            break;
        xs[n++] = v;
        p = end;
    }
    qsort(xs, n, sizeof xs[0], by_value);
    for (int i = 0; i < n; i++)
        printf("%d: %g %.3e %a\n", i, xs[i], xs[i], xs[i]);
    double a, b;
    if (sscanf("12.5, 0.75", "%lf, %lf", &a, &b) == 2)
        printf("pow %.17g sqrt %.17g hypot %.17g\n", pow(a, b), sqrt(a), hypot(a, b));
    printf("sin %.17g cos %.17g atan2 %.17g\n", sin(a), cos(b), atan2(a, -b));
    printf("exp %.17g log %.17g log10 %.17g\n", exp(b), log(a), log10(a));
    printf("floor %g ceil %g round %g fmod %g fabs %g\n", floor(-a), ceil(-b), round(2.5), fmod(a, b), fabs(-b));
    printf("%8.3f|%-10.2e|%+g|%#.0f|%010.4f\n", M_PI, -a, b, a, -b);
    printf("atof %.6f isnan %d isinf %d\n", atof("  -42.125xyz"), isnan(sqrt(-1.0)), isinf(-HUGE_VAL));
    return 0;
}
