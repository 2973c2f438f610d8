/* setjmp.h - vmdebug libc: non-local jumps.
 *
 * jmp_buf holds what the i386 calling convention says survives a call (ebx,
 * esi, edi, ebp), the stack pointer after setjmp returns, and where it
 * returns to.  longjmp(env, val) returns from that setjmp once more, with val
 * (1 if val is 0).  The frames it jumps over are gone: vmdebug's call stack
 * drops them at the next call or return. */
#ifndef _VMDEBUG_SETJMP_H
#define _VMDEBUG_SETJMP_H

typedef int jmp_buf[6];

int setjmp(jmp_buf env) __attribute__((returns_twice));
void longjmp(jmp_buf env, int val) __attribute__((noreturn));
int _setjmp(jmp_buf env) __attribute__((returns_twice));
void _longjmp(jmp_buf env, int val) __attribute__((noreturn));
#endif
