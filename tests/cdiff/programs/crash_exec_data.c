/* Jumping into a writable, non-executable global array (the program has
 * PT_GNU_STACK, so no READ_IMPLIES_EXEC): SIGSEGV, SEGV_ACCERR at the
 * array's address. */
#include <stdio.h>

unsigned char code[16] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3}; /* mov eax, 42; ret */

int main(void)
{
    int (*fn)(void) = (int (*)(void))(void *)code;
    printf("calling data at %p\n", (void *)code);
    return fn();
}
