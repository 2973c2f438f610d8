/* Values returned in st(0) by the i386 ABI, float and double arguments on the stack, and
   long double arithmetic on the x87. */
#include <stdio.h>

__attribute__((noinline)) float fhalf(float x) { return x / 2; }
__attribute__((noinline)) double dmix(double a, float b, int c) { return a * b + c; }
__attribute__((noinline)) long double lscale(long double x, long double y) { return x * y - x / y + 1; }

volatile double vd = 3.141592653589793;
volatile long double vl = 2.5L;

int main(void)
{
    double total = 0;
    for (int i = 1; i <= 20; i++)
        total += dmix(1.0 / i, fhalf((float)i), i % 3);
    long double l = lscale(vl, 3.0L);
    double back = (double)l;
    int whole = (int)(total * 1000);
    long long lw = (long long)(vd * 1e15);
    printf("%d %lld %d %d\n", whole, lw, (int)(back * 1000000), l > vl);
    printf("%.17g %.9g %.6f %e %g %a\n", total, fhalf(7.0f), vd, vd * 1e-300, back, vd);
    return whole % 7;
}
