/* stdbool.h - vmdebug libc (C99 7.16). */
#ifndef _VMDEBUG_STDBOOL_H
#define _VMDEBUG_STDBOOL_H
#ifndef __cplusplus
#define bool _Bool
#define true 1
#define false 0
#endif
#define __bool_true_false_are_defined 1
#endif
