/* math_exp.c - exp, exp2 and pow: Arm's optimized-routines as musl has them
 * (MIT licence, Copyright (c) 2018 Arm Limited; see musl/COPYRIGHT and
 * musl/README), compiled here from musl/.  Error bounds (without fma, as
 * here): exp 0.511 ulp, exp2 0.503 ulp, pow 0.52 ulp; float versions are
 * computed in double and rounded (below 1 ulp of float). */
#include <math.h>
#include <stdint.h>
#include "musl/libm.h"

/* Each musl file is compiled as it is; the names it defines at file scope
 * (static constants and functions, macros) are renamed or undefined around it
 * so that the files can share this unit. */
#include "musl/exp_data.c"
#undef N
#define specialcase exp_specialcase
#define top12 exp_top12
#include "musl/exp.c"
#undef specialcase
#undef top12
#undef N
#undef InvLn2N
#undef NegLn2hiN
#undef NegLn2loN
#undef Shift
#undef T
#undef C2
#undef C3
#undef C4
#undef C5
#define specialcase exp2_specialcase
#define top12 exp2_top12
#include "musl/exp2.c"
#undef specialcase
#undef top12
#undef N
#undef Shift
#undef T
#undef C1
#undef C2
#undef C3
#undef C4
#undef C5
#include "musl/pow_data.c"
#undef N
#undef A
#define checkint pow_checkint
#define exp_inline pow_exp_inline
#define log_inline pow_log_inline
#define specialcase pow_specialcase
#define top12 pow_top12
#define zeroinfnan pow_zeroinfnan
#include "musl/pow.c"
#undef checkint
#undef exp_inline
#undef log_inline
#undef specialcase
#undef top12
#undef zeroinfnan
#undef T
#undef A
#undef Ln2hi
#undef Ln2lo
#undef N
#undef OFF
#undef N
#undef InvLn2N
#undef NegLn2hiN
#undef NegLn2loN
#undef Shift
#undef T
#undef C2
#undef C3
#undef C4
#undef C5
#undef C6
#undef SIGN_BIAS

float expf(float x) { return (float)exp(x); }
float powf(float x, float y) { return (float)pow(x, y); }
