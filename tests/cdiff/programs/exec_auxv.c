/* What exec leaves on the stack past argv and envp: the empty environment
 * and the ELF auxiliary vector.  Printed: the order of the entry types and
 * the values that do not depend on the machine or on stack placement
 * (AT_PAGESZ, AT_CLKTCK, AT_PHDR, AT_PHENT, AT_PHNUM, AT_BASE, AT_FLAGS,
 * AT_ENTRY, AT_UID..AT_EGID are compared as equal pairs, AT_SECURE), plus
 * the argv strings laid out back to back. */
//@ args: first "second arg" 3
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    char **e = environ;
    int nenv = 0;
    while (*e) {
        e++;
        nenv++;
    }
    printf("argc %d envc %d environ==argv+argc+1 %d\n", argc, nenv, environ == argv + argc + 1);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] \"%s\" follows the previous string: %d\n", i, argv[i],
               argv[i] == argv[i - 1] + strlen(argv[i - 1]) + 1);
    unsigned *a = (unsigned *)(e + 1);
    unsigned uid = 0, euid = 1;
    printf("auxv types:");
    for (; a[0]; a += 2) {
        printf(" %u", a[0]);
        if (a[0] == 11)
            uid = a[1];
        if (a[0] == 12)
            euid = a[1];
    }
    printf("\n");
    for (a = (unsigned *)(e + 1); a[0]; a += 2)
        switch (a[0]) {
        case 3: case 4: case 5: case 6: case 7: case 8: case 9: case 17: case 23:
            printf("  type %2u = %#x\n", a[0], a[1]);
            break;
        default:
            break;
        }
    printf("uid == euid %d\n", uid == euid);
    return 0;
}
