/* Files: FILE streams and open/read/write/lseek/unlink, run in a directory that holds
 * nums.txt; prints what it sees and leaves report.txt and gap.bin behind. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    FILE *in = fopen("nums.txt", "r"), *out;
    int x, n = 0, fd, r;
    long sum = 0;
    char buf[32];
    if (in == NULL) {
        perror("fopen");
        return 1;
    }
    while (fscanf(in, "%d", &x) == 1) {
        sum += x;
        n++;
    }
    printf("eof=%d error=%d n=%d sum=%ld\n", feof(in), ferror(in), n, sum);
    rewind(in);
    r = fscanf(in, "%d", &x);
    printf("after rewind: %d %d at %ld\n", r, x, ftell(in));
    printf("fread: %d\n", (int)fread(buf, 1, 5, in));
    fclose(in);
    out = fopen("report.txt", "w");
    fprintf(out, "n=%d sum=%ld\n", n, sum);
    fclose(out);
    out = fopen("report.txt", "a+");
    fputs("appended\n", out);
    fclose(out);
    errno = 0;
    printf("missing: %p %s\n", (void *)fopen("missing.txt", "r"), strerror(errno));
    fd = open("report.txt", O_CREAT | O_EXCL | O_WRONLY, 0644);
    printf("excl: %d %s\n", fd, strerror(errno));
    fd = open("gap.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
    printf("lseek: %ld %ld\n", (long)lseek(fd, 10, SEEK_SET), (long)write(fd, "Z", 1));
    printf("size: %ld\n", (long)lseek(fd, 0, SEEK_END));
    lseek(fd, 0, SEEK_SET);
    r = (int)read(fd, buf, sizeof buf);
    printf("read %d: %d %d %c\n", r, buf[0], buf[9], buf[10]);
    close(fd);
    fd = open("nums.txt", O_RDONLY);
    errno = 0;
    printf("write to read-only: %ld %s\n", (long)write(fd, "x", 1), strerror(errno));
    printf("dup shares the offset: %ld ", (long)read(fd, buf, 3));
    r = dup(fd);
    printf("%ld\n", (long)lseek(r, 0, SEEK_CUR));
    close(fd);
    close(r);
    fd = open("tmp.txt", O_CREAT | O_WRONLY, 0644);
    close(fd);
    printf("unlink: %d %d\n", unlink("tmp.txt"), open("tmp.txt", O_RDONLY));
    errno = 0;
    printf("bad lseek: %ld %s\n", (long)lseek(1, 0, SEEK_SET) < 0 ? -1L : 0L, errno ? "error" : "ok");
    return 0;
}
