/* __builtin_ctzll / clzll / ffsll: gcc calls libgcc helpers (__ctzdi2, __clzdi2, __ffsdi2) on i386. */
#include <stdio.h>
int main(void) {
    unsigned long long v[] = {1ULL, 0x80000000ULL, 0x100000000ULL, 0x8000000000000000ULL, 0x00f0000000000000ULL, 12ULL};
    for (int i = 0; i < 6; i++)
        printf("%d %d %d\n", __builtin_ctzll(v[i]), __builtin_clzll(v[i]), __builtin_ffsll((long long)v[i]));
    printf("%d\n", __builtin_ffsll(0));
    return 0;
}
