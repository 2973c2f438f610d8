/* math_log.c - log, log2 (Arm's optimized-routines as musl has them, MIT
 * licence, Copyright (c) 2018 Arm Limited) and log10 (fdlibm's, via musl;
 * Copyright (C) 1993 by Sun Microsystems).  See musl/COPYRIGHT and
 * musl/README; compiled here from musl/.  Error bounds: log 0.52 ulp, log2
 * 0.55 ulp, log10 below 1 ulp; float versions are computed in double and
 * rounded (below 1 ulp of float). */
#include <math.h>
#include <stdint.h>
#include "musl/libm.h"

/* Each musl file is compiled as it is; the names it defines at file scope
 * (static constants and functions, macros) are renamed or undefined around it
 * so that the files can share this unit. */
#include "musl/log_data.c"
#undef N
#define top16 log_top16
#include "musl/log.c"
#undef top16
#undef T
#undef T2
#undef B
#undef A
#undef Ln2hi
#undef Ln2lo
#undef N
#undef OFF
#undef LO
#undef HI
#include "musl/log2_data.c"
#undef N
#define top16 log2_top16
#include "musl/log2.c"
#undef top16
#undef T
#undef T2
#undef B
#undef A
#undef InvLn2hi
#undef InvLn2lo
#undef N
#undef OFF
#undef LO
#undef HI
#define Lg1 log10_Lg1
#define Lg2 log10_Lg2
#define Lg3 log10_Lg3
#define Lg4 log10_Lg4
#define Lg5 log10_Lg5
#define Lg6 log10_Lg6
#define Lg7 log10_Lg7
#define ivln10hi log10_ivln10hi
#define ivln10lo log10_ivln10lo
#define log10_2hi log10_log10_2hi
#define log10_2lo log10_log10_2lo
#define log10 musl_log10
#include "musl/log10.c"
#undef log10
#undef Lg1
#undef Lg2
#undef Lg3
#undef Lg4
#undef Lg5
#undef Lg6
#undef Lg7
#undef ivln10hi
#undef ivln10lo
#undef log10_2hi
#undef log10_2lo

/* glibc returns a positive NaN where the argument is out of the domain (musl's
 * 0/0 is the x86 default NaN, negative: printf would show -nan). */
double log10(double x)
{
    double r = musl_log10(x);
    if (r != r && x == x)
        return __builtin_nan("");
    return r;
}

float logf(float x) { return (float)log(x); }
float log2f(float x) { return (float)log2(x); }
float log10f(float x) { return (float)log10(x); }
