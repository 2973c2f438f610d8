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
 * %p otherwise prints 0x followed by lowercase hex.  There is no floating
 * point: %f %e %g %a print the conversion text itself (e.g. "%f") and
 * consume no argument. */
#ifndef _VMDEBUG_STDIO_H
#define _VMDEBUG_STDIO_H
#include <stddef.h>
#include <stdarg.h>

typedef struct __vmdebug_file {
    int fd;
} FILE;

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

/* Input is read one byte per read(2) call (no buffering either). */
int getchar(void);
int fgetc(FILE *stream);
int getc(FILE *stream);
char *fgets(char *s, int size, FILE *stream);

void perror(const char *s);
#endif
