/* Unbounded recursion: each frame holds a 1 KiB array, so the stack hits
 * its 8 MiB limit after about 8000 calls: SIGSEGV, SEGV_MAPERR below the
 * stack, in the recursive function. */
#include <stdio.h>

char *volatile sink;

__attribute__((noinline)) int dig(int depth)
{
    char frame[1024];
    frame[0] = (char)depth;
    sink = frame;
    return dig(depth + 1) + frame[0];
}

int main(void)
{
    printf("digging\n");
    return dig(0);
}
