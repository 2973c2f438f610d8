/* assert.h - vmdebug libc: a failed assert prints
 * "FILE:LINE: FUNC: Assertion `EXPR' failed." to stderr, then abort()
 * (exit status 134, see stdlib.h). */
#ifndef _VMDEBUG_ASSERT_H
#define _VMDEBUG_ASSERT_H
void __assert_fail(const char *expr, const char *file, unsigned int line,
                   const char *func) __attribute__((noreturn));
#endif
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : __assert_fail(#e, __FILE__, __LINE__, __func__))
#endif
