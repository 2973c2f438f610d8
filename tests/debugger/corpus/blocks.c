/* Shadowed names in inner blocks, static locals, 2-D arrays, strings, arrays of pointers. */
#include <stdio.h>
#include <string.h>

int grid[3][4];
const char *names[] = {"zero", "one", "two"};

static int counter(void)
{
    static int calls = 0;
    calls++;
    return calls;
}

static void fill(int rows, int cols)
{
    int v = 0;
    for (int r = 0; r < rows; r++) {
        int v2 = r * 10;
        for (int c = 0; c < cols; c++) {
            int v = v2 + c;
            grid[r][c] = v;
        }
        v += v2;
    }
    grid[0][0] = v;
}

int main(void)
{
    char buf[32];
    int x = 1;
    fill(3, 4);
    {
        int x = 2;
        strcpy(buf, names[x]);
        {
            int x = 3;
            buf[0] = (char)('0' + x);
        }
    }
    int n = counter() + counter();
    printf("%s %d %d %d\n", buf, x, n, grid[2][3]);
    return 0;
}
