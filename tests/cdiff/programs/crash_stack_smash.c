/* A stack buffer overflow overwrites the saved return address with bytes
 * from the input; `ret` jumps to 0x44434241 ("ABCD") and the instruction
 * fetch there faults: SIGSEGV, SEGV_MAPERR, si_addr = eip = 0x44434241. */
#include <stdio.h>
#include <string.h>

__attribute__((noinline)) void copy_name(const char *src)
{
    char buf[12];
    strcpy(buf, src); /* no bounds check */
    printf("copied %u bytes\n", (unsigned)strlen(buf));
}

int main(void)
{
    copy_name("short");
    char evil[80];
    memset(evil, 0, sizeof evil);
    for (int i = 0; i < 64; i += 4)
        memcpy(evil + i, "ABCD", 4);
    copy_name(evil);
    printf("not reached\n");
    return 0;
}
