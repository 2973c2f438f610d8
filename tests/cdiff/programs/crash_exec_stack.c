/* Machine code copied into a stack buffer and called: the stack is not
 * executable (PT_GNU_STACK without X), so the instruction fetch faults:
 * SIGSEGV, SEGV_ACCERR, si_addr = eip = the buffer. */
#include <stdio.h>
#include <string.h>

static const unsigned char ret42[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3}; /* mov eax, 42; ret */

__attribute__((noinline)) int run_copy(void)
{
    unsigned char buf[16];
    memcpy(buf, ret42, sizeof ret42);
    int (*fn)(void) = (int (*)(void))(void *)buf;
    return fn();
}

int main(void)
{
    printf("calling code on the stack\n");
    return run_copy();
}
