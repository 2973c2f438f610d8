/* math.c - math.h's exact functions: sqrt (the sqrtsd instruction, correctly
 * rounded), fabs, floor, ceil, round, trunc, fmod, copysign, ldexp, scalbn,
 * frexp, modf, fmin, fmax, hypot, and the float versions.
 *
 * Most are musl's (MIT licence, Copyright (c) 2005-2020 Rich Felker et al.;
 * see musl/COPYRIGHT and musl/README), compiled here from musl/.  Every one of
 * them but hypot returns the exact result; hypot's error is below 1 ulp. */
#include <math.h>
#include <stdint.h>
#include "musl/libm.h"

/* Each musl file is compiled as it is; the names it defines at file scope
 * (static constants and functions, macros) are renamed or undefined around it
 * so that the files can share this unit. */
#include "musl/fabs.c"
#include "musl/copysign.c"
#define toint floor_toint
#include "musl/floor.c"
#undef toint
#undef EPS
#undef EPS
#define toint ceil_toint
#include "musl/ceil.c"
#undef toint
#undef EPS
#undef EPS
#define toint round_toint
#include "musl/round.c"
#undef toint
#undef EPS
#undef EPS
#include "musl/trunc.c"
#include "musl/fmod.c"
#include "musl/scalbn.c"
#include "musl/ldexp.c"
#include "musl/frexp.c"
#include "musl/modf.c"
#include "musl/fmin.c"
#include "musl/fmax.c"
#define sq hypot_sq
#include "musl/hypot.c"
#undef sq
#undef SPLIT
#undef SPLIT
#include "musl/__math_xflow.c"
#include "musl/__math_oflow.c"
#include "musl/__math_uflow.c"
#include "musl/__math_invalid.c"
#include "musl/__math_divzero.c"

/* IEEE 754 square root, correctly rounded by the instruction itself. */
double sqrt(double x)
{
    double r;
    __asm__("{sqrtsd %1, %0|sqrtsd %0, %1}" : "=x"(r) : "x"(x));
    return r;
}

float sqrtf(float x)
{
    float r;
    __asm__("{sqrtss %1, %0|sqrtss %0, %1}" : "=x"(r) : "x"(x));
    return r;
}

float fabsf(float x)
{
    union {float f; uint32_t i;} u = {x};
    u.i &= 0x7fffffff;
    return u.f;
}

float copysignf(float x, float y)
{
    union {float f; uint32_t i;} ux = {x}, uy = {y};
    ux.i = (ux.i & 0x7fffffff) | (uy.i & 0x80000000);
    return ux.f;
}

/* A float is a double exactly, and these results of a float are floats: exact. */
float floorf(float x) { return (float)floor(x); }
float ceilf(float x) { return (float)ceil(x); }
float roundf(float x) { return (float)round(x); }
float truncf(float x) { return (float)trunc(x); }
float fmodf(float x, float y) { return (float)fmod(x, y); }
/* Computed in double, then rounded to float: below 1 ulp of float. */
float hypotf(float x, float y) { return (float)hypot(x, y); }
