/* A heap buffer overflow tramples the next chunk's header; the next free()
 * notices and the vmdebug malloc prints "malloc: ..." with the address to
 * stderr and aborts (SIGABRT). The address matches with ASLR off. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    char *first = malloc(16);
    char *second = malloc(16);
    strcpy(first, "fits");
    printf("first=%s\n", first);
    memset(first, 'Z', 24); /* 8 bytes too many: over second's header */
    printf("overflowed\n");
    free(second);
    printf("not reached\n");
    return 0;
}
