#include <stdio.h>

double scale = 2.5;
float ratio = 0.1f;
long double third = 1.0L / 3;
double specials[4] = {-0.0, 5e-324, -1.0 / 0.0, 0.0 / 0.0};
float fneg = -7.25f;
long long pattern = 0x0123456789abcdefLL;

long double half(long double x) { return x / 2; }

int main(void) {
    volatile double a = 1.5 * scale;
    volatile float f = ratio * 3.0f;
    volatile long double l = half(3.0L);
    volatile double s = a / 3;
    volatile int marker = 0;
    __asm__ volatile ("{movsd 24(%0), %%xmm2|movsd xmm2, QWORD PTR [%0+24]}\n\t"
                      "{movsd 8(%0), %%xmm3|movsd xmm3, QWORD PTR [%0+8]}\n\t"
                      "{movsd 16(%0), %%xmm4|movsd xmm4, QWORD PTR [%0+16]}\n\t"
                      "{movss (%1), %%xmm5|movss xmm5, DWORD PTR [%1]}\n\t"
                      "{movq (%2), %%xmm6|movq xmm6, QWORD PTR [%2]}\n\t"
                      "{movsd (%0), %%xmm7|movsd xmm7, QWORD PTR [%0]}"
                      : : "r"(specials), "r"(&fneg), "r"(&pattern) : "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7");
    __asm__ volatile ("fld1\n\tfldz\n\t{fldt (%0)|fld TBYTE PTR [%0]}\n\tfchs\n\t{fldl 16(%1)|fld QWORD PTR [%1+16]}"
                      : : "r"(&third), "r"(specials));
    marker = 1;
    __asm__ volatile ("{fstp %%st(0)|fstp st(0)}\n\t{fstp %%st(0)|fstp st(0)}\n\t"
                      "{fstp %%st(0)|fstp st(0)}\n\t{fstp %%st(0)|fstp st(0)}" : : : "st", "st(1)", "st(2)", "st(3)");
    printf("%g %g %g %d\n", s, (double)f, (double)l, marker);
    return 0;
}
