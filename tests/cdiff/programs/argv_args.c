/* argc and argv: counts, string lengths, numeric arguments summed into the
 * exit status, flags recognised by strcmp. */
//@ args: -v 12 "two words" -n=5 300 -- ""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int verbose = 0, sum = 0, nums = 0;
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        printf("argv[%d] len %u \"%s\"\n", i, (unsigned)strlen(a), a);
        if (strcmp(a, "-v") == 0)
            verbose = 1;
        else if (strncmp(a, "-n=", 3) == 0)
            sum += 1000 * atoi(a + 3);
        else if (a[0] >= '0' && a[0] <= '9') {
            sum += atoi(a);
            nums++;
        }
    }
    printf("verbose=%d nums=%d sum=%d argv[argc]=%s\n", verbose, nums, sum, argv[argc] ? "set" : "NULL");
    return sum % 256;
}
