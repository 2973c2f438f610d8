/* Raw I/O and errors: read(2) in chunks from stdin, write(2) to stdout and
 * stderr, puts/fputs/putchar, failing system calls setting errno, perror
 * and strerror. */
//@ stdin: "chunked input that is longer than one small buffer\nsecond line\n"
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

int main(void)
{
    char buf[16];
    ssize_t n;
    int chunks = 0, total = 0;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        chunks++;
        total += (int)n;
        write(1, "[", 1);
        write(1, buf, (size_t)n);
        write(1, "]", 1);
    }
    printf("\nchunks=%d total=%d last=%d\n", chunks, total, (int)n);
    errno = 0;
    n = read(99, buf, 4);
    printf("read(99) = %d errno=%d (%s)\n", (int)n, errno, strerror(errno));
    perror("read 99");
    n = write(-1, "x", 1);
    printf("write(-1) = %d errno=%d\n", (int)n, errno);
    puts("puts adds a newline");
    fputs("fputs does not\n", stdout);
    fputs("to stderr\n", stderr);
    fprintf(stderr, "fprintf %d\n", 12);
    putchar('!');
    putchar('\n');
    write(2, "raw stderr\n", 11);
    return chunks;
}
