/* stddef.h - vmdebug libc (i386, ILP32).
 * The types come from gcc's predefined macros so they match the builtins
 * gcc knows (e.g. __builtin_strlen returns __SIZE_TYPE__ = unsigned int). */
#ifndef _VMDEBUG_STDDEF_H
#define _VMDEBUG_STDDEF_H

typedef __SIZE_TYPE__ size_t;
typedef __PTRDIFF_TYPE__ ptrdiff_t;
typedef __WCHAR_TYPE__ wchar_t;

#ifndef NULL
#define NULL ((void *)0)
#endif

#define offsetof(type, member) __builtin_offsetof(type, member)

#endif
