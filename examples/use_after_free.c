/* use_after_free.c - a dangling pointer reads someone else's data.
 *
 * What to look at:
 *   - after free(acct) the pointer still holds the old address, and the
 *     chunk is handed to the next malloc of a similar size (reused first).
 *   - writing through the new pointer changes what the old one "sees":
 *     acct->name and acct->balance now show the bytes of msg.  Nothing
 *     crashes: the memory is still mapped, only its owner changed.
 *
 * Try:
 *   vmdebug debug examples/use_after_free.c
 *   (vmdebug) break free          => Breakpoint 1 at
 *   (vmdebug) continue            => Breakpoint 1, free (p=0x
 *   (vmdebug) heap                acct's 24-byte chunk, in use  => 0x00000019 24 in use ... 20 61 6c 69 63 65
 *   (vmdebug) finish              out of free, back in main  => in main () at examples/use_after_free.c:49
 *   (vmdebug) heap                the chunk is free: bit 0 of its header is clear  => 0x00000018 24 free
 *   (vmdebug) watch -l acct->balance  stops when strcpy(msg, ...) writes it  => Hardware watchpoint 2
 *   (vmdebug) continue            => Old value = 100 => New value = 101 => in strcpy
 *   (vmdebug) history acct->balance  100 by main, then msg's bytes  => 0x00000000 -> 0x00000064 => 0x64 -> 0x65
 *   (vmdebug) explain             => The process exits normally with status 0
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | alice has 100
 *   | msg reuses acct's chunk: 1
 *   | acct->name = "hacked by eve!!", acct->balance = 2171237 (0x212165)
 *   exit status 0
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct account {
    char name[12];
    int balance;
};

/* volatile: the program reads freed memory on purpose; this keeps gcc -O2
 * from assuming that msg and acct cannot point to the same bytes. */
struct account *volatile acct;

int main(void)
{
    char *msg;
    acct = malloc(sizeof(struct account));
    strcpy(acct->name, "alice");
    acct->balance = 100;
    printf("%s has %d\n", acct->name, acct->balance);
    free(acct); /* acct now dangles */
    msg = malloc(16);
    printf("msg reuses acct's chunk: %d\n", (uintptr_t)msg == (uintptr_t)acct);
    strcpy(msg, "hacked by eve!!");
    printf("acct->name = \"%s\", acct->balance = %d (0x%x)\n", acct->name, acct->balance, acct->balance);
    return 0;
}
