/* stdio.h - vmdebug libc.
 *
 * Output is UNBUFFERED per call: every printf/puts/fputs/fwrite call formats
 * into a 256-byte buffer on the stack and hands it to ONE write(2) system
 * call (more only if the text is longer than 256 bytes); putchar/fputc write
 * one byte each.  So a trace shows one write per printf, the text reaches
 * the terminal in program order even if the program crashes right after,
 * and fflush() has nothing to do.
 *
 * printf conversions: %d %i %u %x %X %o %c %s %p %% ; flags - 0 + space #;
 * a width and a precision (digits or *); length modifiers hh h l ll z t j.
 * %s of NULL prints "(null)" and %p of NULL prints "(nil)" as glibc does;
 * %p otherwise prints 0x followed by lowercase hex.  Floating point: %f %F
 * %e %E %g %G %a %A (and L for long double) print exactly what glibc prints:
 * the exact binary value, correctly rounded (to nearest, ties to even), with
 * glibc's inf, nan and -nan. */
#ifndef _VMDEBUG_STDIO_H
#define _VMDEBUG_STDIO_H
#include <stddef.h>
#include <stdarg.h>
#include <sys/types.h>

typedef struct __vmdebug_file {
    int fd;
    int ungot;      /* a byte pushed back by ungetc (or scanf), EOF if none */
    int eof;        /* a read found the end of the file (feof) */
    int failed;     /* a read or write failed (ferror) */
} FILE;

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;

#define EOF (-1)
#define BUFSIZ 256

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *stream, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vprintf(const char *fmt, va_list ap);
int vfprintf(FILE *stream, const char *fmt, va_list ap);
int vsprintf(char *buf, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int vdprintf(int fd, const char *fmt, va_list ap);

int putchar(int c);
int puts(const char *s);
int fputc(int c, FILE *stream);
int putc(int c, FILE *stream);
int fputs(const char *s, FILE *stream);
size_t fwrite(const void *ptr, size_t size, size_t nmemb, FILE *stream);
int fflush(FILE *stream);

/* Input is read one byte per read(2) call (no buffering either); ungetc
 * pushes one byte back. */
int getchar(void);
int fgetc(FILE *stream);
int getc(FILE *stream);
int ungetc(int c, FILE *stream);
char *fgets(char *s, int size, FILE *stream);
ssize_t getline(char **lineptr, size_t *n, FILE *stream);

/* scanf and friends (scanf.c): %d %i %u %o %x %X %p %c %s %[set] %n %%, with
 * widths, * (no assignment) and the length modifiers hh h l ll j z t; and
 * %f %e %g %a (any case) into a float, with l a double, with L a long double,
 * the field read as glibc reads it and converted exactly (strtod). */
int scanf(const char *fmt, ...) __attribute__((format(scanf, 1, 2)));
int fscanf(FILE *stream, const char *fmt, ...) __attribute__((format(scanf, 2, 3)));
int sscanf(const char *str, const char *fmt, ...) __attribute__((format(scanf, 2, 3)));
int vscanf(const char *fmt, va_list ap);
int vfscanf(FILE *stream, const char *fmt, va_list ap);
int vsscanf(const char *str, const char *fmt, va_list ap);

void perror(const char *s);

/* Files (file.c): fopen modes r w a r+ w+ a+, with b ignored and x (O_EXCL).
 * Like the standard streams, a FILE is unbuffered: each fread or fwrite is
 * read(2) or write(2) calls on its descriptor. */
FILE *fopen(const char *path, const char *mode);
FILE *fdopen(int fd, const char *mode);
int fclose(FILE *stream);
size_t fread(void *ptr, size_t size, size_t nmemb, FILE *stream);
int fseek(FILE *stream, long offset, int whence);
long ftell(FILE *stream);
void rewind(FILE *stream);
int feof(FILE *stream);
int ferror(FILE *stream);
void clearerr(FILE *stream);
int fileno(FILE *stream);
int remove(const char *path);
#endif
