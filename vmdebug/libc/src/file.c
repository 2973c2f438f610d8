/* file.c - files: open, creat, lseek, unlink, and FILE streams on them
 * (fopen, fdopen, fclose, fread, fseek, ftell, rewind, feof, ferror,
 * clearerr, fileno, remove).  Each call is one or more i386 Linux system
 * calls (open 5, creat 8, unlink 10, lseek 19); streams are unbuffered, so
 * what the program wrote is in the file at once.  Intel syntax, as the
 * other sources. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "sys.h"

#define SYS_open 5
#define SYS_creat 8
#define SYS_unlink 10
#define SYS_lseek 19

int open(const char *path, int flags, ...)
{
    int mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, int);
        va_end(ap);
    }
    return (int)check(sys3(SYS_open, (long)path, flags, mode));
}

int creat(const char *path, mode_t mode)
{
    return (int)check(sys3(SYS_creat, (long)path, (long)mode, 0));
}

off_t lseek(int fd, off_t offset, int whence)
{
    return (off_t)check(sys3(SYS_lseek, fd, offset, whence));
}

int unlink(const char *path)
{
    return (int)check(sys1(SYS_unlink, (long)path));
}

int remove(const char *path)
{
    return unlink(path);
}

/* The open(2) flags of an fopen mode, or -1 (glibc's, libio/fileops.c). */
static int mode_flags(const char *mode)
{
    int flags;
    switch (*mode++) {
    case 'r': flags = O_RDONLY; break;
    case 'w': flags = O_WRONLY | O_CREAT | O_TRUNC; break;
    case 'a': flags = O_WRONLY | O_CREAT | O_APPEND; break;
    default: return -1;
    }
    for (; *mode; mode++) {
        if (*mode == '+')
            flags = (flags & ~(O_RDONLY | O_WRONLY | O_RDWR)) | O_RDWR;
        else if (*mode == 'x')
            flags |= O_EXCL;
        else if (*mode == 'e')
            flags |= O_CLOEXEC;
    }
    return flags;
}

FILE *fdopen(int fd, const char *mode)
{
    FILE *f;
    if (mode_flags(mode) < 0) {
        errno = EINVAL;
        return NULL;
    }
    f = malloc(sizeof *f);
    if (f == NULL)
        return NULL;
    f->fd = fd;
    f->ungot = EOF;
    f->eof = 0;
    f->failed = 0;
    return f;
}

FILE *fopen(const char *path, const char *mode)
{
    int flags = mode_flags(mode), fd;
    FILE *f;
    if (flags < 0) {
        errno = EINVAL;
        return NULL;
    }
    fd = open(path, flags, 0666);
    if (fd < 0)
        return NULL;
    f = fdopen(fd, mode);
    if (f == NULL)
        close(fd);
    return f;
}

int fclose(FILE *stream)
{
    int r = close(stream->fd);
    if (stream != stdin && stream != stdout && stream != stderr)
        free(stream);
    return r == 0 ? 0 : EOF;
}

size_t fread(void *ptr, size_t size, size_t nmemb, FILE *stream)
{
    char *p = ptr;
    size_t total = size * nmemb, done = 0;
    if (size == 0 || nmemb == 0)
        return 0;
    if (stream->ungot != EOF) {
        p[done++] = (char)stream->ungot;
        stream->ungot = EOF;
    }
    while (done < total) {
        ssize_t n = read(stream->fd, p + done, total - done);
        if (n == 0) {
            stream->eof = 1;
            break;
        }
        if (n < 0) {
            stream->failed = 1;
            break;
        }
        done += (size_t)n;
    }
    return done / size;
}

int fseek(FILE *stream, long offset, int whence)
{
    if (whence == SEEK_CUR && stream->ungot != EOF)
        offset--;
    if (lseek(stream->fd, offset, whence) < 0)
        return -1;
    stream->ungot = EOF;
    stream->eof = 0;
    return 0;
}

long ftell(FILE *stream)
{
    long pos = lseek(stream->fd, 0, SEEK_CUR);
    if (pos < 0)
        return -1;
    return stream->ungot != EOF ? pos - 1 : pos;
}

void rewind(FILE *stream)
{
    fseek(stream, 0, SEEK_SET);
    stream->failed = 0;
}

int feof(FILE *stream)
{
    return stream->eof;
}

int ferror(FILE *stream)
{
    return stream->failed;
}

void clearerr(FILE *stream)
{
    stream->eof = 0;
    stream->failed = 0;
}

int fileno(FILE *stream)
{
    return stream->fd;
}
