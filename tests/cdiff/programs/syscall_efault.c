/* System calls handed bad pointers return -EFAULT instead of crashing:
 * write from NULL, read into a read-only string literal, a write whose
 * buffer runs off the end of a mapping (the kernel copies what it can),
 * and a read into a buffer that ends at an unmapped page (stdin and stdout
 * are pipes, natively and as the simulated kernel models them). */
//@ stdin: "0123456789abcdefghij"
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/mman.h>

int main(void)
{
    errno = 0;
    ssize_t n = write(1, NULL, 10);
    printf("\nwrite(NULL) = %d errno %d\n", (int)n, errno);
    errno = 0;
    char *lit = (char *)"read-only literal";
    n = read(0, lit, 4);
    printf("read into rodata = %d errno %d lit %s\n", (int)n, errno, lit);
    char *page = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(page + 4096, 4096); /* nothing mapped right after page */
    memset(page, 'x', 4096);
    memcpy(page + 4090, "TAIL!\n", 6);
    errno = 0;
    n = write(1, page + 4090, 100);
    printf("\nwrite across the end = %d errno %d\n", (int)n, errno);
    errno = 0;
    n = read(0, page + 4093, 10);
    printf("read across the end = %d errno %d: %.3s\n", (int)n, errno, page + 4093);
    errno = 0;
    n = read(0, page, 5);
    printf("next read = %d: %.5s\n", (int)n, page);
    return 0;
}
