/* Two-dimensional arrays: matrix multiply, transpose, a VLA sized at run
 * time, row pointers, and Pascal's triangle in a global 2D table. */
#include <stdio.h>

#define N 6
static int pascal[16][16];

__attribute__((noinline)) static void matmul(int a[N][N], int b[N][N], int c[N][N])
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int s = 0;
            for (int k = 0; k < N; k++)
                s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
}

__attribute__((noinline)) static int trace_vla(int n, int m[n][n])
{
    int t = 0;
    for (int i = 0; i < n; i++)
        t += m[i][i] - m[i][n - 1 - i];
    return t;
}

int main(int argc, char **argv)
{
    (void)argv;
    int a[N][N], b[N][N], c[N][N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = i * N + j - 10;
            b[i][j] = (i == j) * 2 + (i + 1 == j) - (j + 1 == i);
        }
    matmul(a, b, c);
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++)
            printf("%5d", c[i][j]);
        printf("\n");
    }
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++) {
            int t = c[i][j];
            c[i][j] = c[j][i];
            c[j][i] = t;
        }
    printf("transposed row 1:");
    for (int j = 0; j < N; j++)
        printf(" %d", c[1][j]);
    printf("\n");
    int n = 4 + argc; /* 5: a run-time size */
    int vla[n][n];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            vla[i][j] = (i + 1) * (j + 2) ^ i;
    printf("vla %dx%d trace %d sizeof %u\n", n, n, trace_vla(n, vla), (unsigned)sizeof vla);
    for (int i = 0; i < 16; i++) {
        pascal[i][0] = 1;
        for (int j = 1; j <= i; j++)
            pascal[i][j] = pascal[i - 1][j - 1] + pascal[i - 1][j];
    }
    for (int i = 10; i < 16; i += 5) {
        for (int j = 0; j <= i; j++)
            printf("%d ", pascal[i][j]);
        printf("\n");
    }
    int *rows[3] = {a[0], a[2], a[4]};
    printf("rows %d %d %d\n", rows[0][5], rows[1][1], rows[2][3]);
    return pascal[15][7] % 256;
}
