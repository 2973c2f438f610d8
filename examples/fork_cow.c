/* fork_cow.c - fork copies nothing until someone writes.
 *
 * What to look at:
 *   - fork makes a second process, pid 1001, whose page tables point at
 *     the parent's frames: nothing is copied. Every writable private page
 *     is made read-only in both (copy-on-write) and its frame counted twice.
 *   - the first write to such a page, by either process, faults: the kernel
 *     copies the frame and maps the copy writable for the writer. The other
 *     keeps the original; when it is left as its only user, its next write
 *     just makes the page writable again, with no copy.
 *   - text and read-only data stay shared for good: one copy in memory.
 *   - the parent sleeps in waitpid while the child runs; exit(3) becomes
 *     the status the parent reads (3 << 8).
 *
 * Try:
 *   vmdebug debug examples/fork_cow.c
 *   (vmdebug) set detach-on-fork off  keep the child under the debugger, as in gdb  => (nothing)
 *   (vmdebug) break 58            => Breakpoint 1 at
 *   (vmdebug) run                 the parent, after fork, before its write  => [New inferior 2 (process 1001)]
 *   (vmdebug) info inferiors      two processes, 1000 and 1001  => 2 process 1001
 *   (vmdebug) frames              shared, refs 2  => 2 pid 1000 page ... (r-, dirty) in examples/fork_cow.c
 *   (vmdebug) next                the parent writes data[0]: a copy, its own frame  => 59
 *   (vmdebug) history data[0]     => copy-on-write: page ... of pid 1000 copied from frame
 *   (vmdebug) break child         => Breakpoint 2 at
 *   (vmdebug) continue            the child  => [Switching to process 1001] => Breakpoint 2, child ()
 *   (vmdebug) print data[0]       still 1: the page as it was at fork  => $1 = 1
 *   (vmdebug) next 2              the child writes 2: the frame is its own now  => child sees 1, writes 2
 *   (vmdebug) history data[0]     no copy: the parent's copy left it the only user  => 0x00000001 -> 0x00000002
 *   (vmdebug) info pagefaults     faults per process  => pid 1001: ... page faults
 *   (vmdebug) reverse-continue    back to the child's breakpoint  => Breakpoint 2, child ()
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | child sees 1, writes 2
 *   | parent sees 100, child exited with 3
 *   exit status 0
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int data[2048];                 /* two pages of zeros (.bss) */

static void child(void)
{
    printf("child sees %d, writes 2\n", data[0]);
    data[0] = 2;
    exit(3);
}

int main(void)
{
    int status;
    data[0] = 1;                /* the page is the parent's before fork */
    pid_t pid = fork();
    if (pid == 0)
        child();
    data[0] = 100;
    waitpid(pid, &status, 0);
    printf("parent sees %d, child exited with %d\n", data[0], WEXITSTATUS(status));
    return 0;
}
