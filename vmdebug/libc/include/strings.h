/* strings.h - vmdebug libc: case-insensitive comparison (defined in string.c). */
#ifndef _VMDEBUG_STRINGS_H
#define _VMDEBUG_STRINGS_H
#include <stddef.h>
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
#endif
