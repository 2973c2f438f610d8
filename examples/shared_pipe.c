/* shared_pipe.c - two processes talk: through shared memory and through a pipe.
 *
 * What to look at:
 *   - mmap(MAP_SHARED | MAP_ANONYMOUS) before fork: after fork both page
 *     tables point at the same frames, and stay so. A write by one process
 *     is read by the other; nothing is copied (compare fork_cow.c).
 *   - pipe() gives two file descriptors; after fork the child writes, the
 *     parent reads. The bytes live in the kernel's pipe buffer, not in
 *     either process's memory. A read of an empty pipe sleeps until the
 *     child writes (the scheduler runs the child meanwhile); once every
 *     write end is closed, read returns 0: end of file.
 *   - the order of the output is fixed by the program itself: the parent
 *     prints only what it read, and waits for the child before the total.
 *
 * Try:
 *   vmdebug debug examples/shared_pipe.c
 *   (vmdebug) set detach-on-fork off  keep the child under the debugger, as in gdb  => (nothing)
 *   (vmdebug) break 50            => Breakpoint 1 at
 *   (vmdebug) run                 the parent sleeps in read, the child runs  => [Switching to process 1001]
 *   (vmdebug) next                it writes 1 to the shared page  => 51
 *   (vmdebug) frames              one frame, refs 2, both map it  => 2 pid 1000 page 0xb7fff000 (rw, dirty)
 *   (vmdebug) pagewalk counter    the child's walk reaches that frame  => -> frame 0x9
 *   (vmdebug) break 58            => Breakpoint 2 at
 *   (vmdebug) continue            the parent, after end of file  => Breakpoint 2, main () at examples/shared_pipe.c:58
 *   (vmdebug) print buf           the bytes that came through the pipe  => $1 = "hello from the child"
 *   (vmdebug) print *counter      2: what the child wrote last  => $2 = 2
 *   (vmdebug) info inferiors      the child has exited: <null>  => 2 <null>
 *   (vmdebug) history *counter    one memory: 0 before fork, the child's 1 and 2  => 0x00000001 -> 0x00000002
 *
 * Expected outcome (native and simulated, at -O0, -O1 and -O2):
 *   | parent read 20 bytes: hello from the child
 *   | the shared counter is 2; the child exited with 0
 *   exit status 0
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int fds[2], status, n, got = 0;
    char buf[64];
    int *counter = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *counter = 0;               /* its frame exists before fork: both processes map it */
    pipe(fds);
    if (fork() == 0) {
        close(fds[0]);          /* the child only writes */
        *counter = 1;
        write(fds[1], "hello from the child", 20);
        *counter = 2;
        exit(0);                /* closes the write end: the parent's read sees end of file */
    }
    close(fds[1]);              /* the parent only reads */
    while ((n = read(fds[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += n;
    buf[got] = 0;
    printf("parent read %d bytes: %s\n", got, buf);
    waitpid(-1, &status, 0);
    printf("the shared counter is %d; the child exited with %d\n", *counter, WEXITSTATUS(status));
    return 0;
}
