/* string.h - vmdebug libc: byte-at-a-time C implementations, easy to step
 * through (no word-at-a-time tricks). */
#ifndef _VMDEBUG_STRING_H
#define _VMDEBUG_STRING_H
#include <stddef.h>

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *stpcpy(char *dst, const char *src);
char *strcat(char *dst, const char *src);
char *strncat(char *dst, const char *src, size_t n);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
char *strdup(const char *s);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

char *strerror(int errnum);
char *strndup(const char *s, size_t n);
char *strpbrk(const char *s, const char *accept);
/* strtok keeps its place between calls (one string at a time); strtok_r keeps it in *save. */
char *strtok(char *s, const char *delim);
char *strtok_r(char *s, const char *delim, char **save);
/* strings.h's, here too as glibc has them. */
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
#endif
