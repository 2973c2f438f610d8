/* stdarg.h - vmdebug libc: gcc's builtins (on i386 cdecl, va_list is a
 * plain pointer walking up the caller's argument area on the stack). */
#ifndef _VMDEBUG_STDARG_H
#define _VMDEBUG_STDARG_H
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)
#define va_copy(dst, src) __builtin_va_copy(dst, src)
#endif
