/* alloca.h - vmdebug libc: alloca(size) gives size bytes in the caller's stack
 * frame, freed when the function returns (gcc expands it inline: esp moves
 * down; `stack` and `x/8xw $esp` in the debugger show the space). */
#ifndef _VMDEBUG_ALLOCA_H
#define _VMDEBUG_ALLOCA_H
#include <stddef.h>
#define alloca(size) __builtin_alloca(size)
#endif
