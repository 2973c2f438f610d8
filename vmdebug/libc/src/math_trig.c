/* math_trig.c - sin, cos, tan, asin, acos, atan and atan2: Sun's fdlibm as
 * musl has it (Copyright (C) 1993 by Sun Microsystems, notices kept in each
 * file; musl's changes MIT, see musl/COPYRIGHT and musl/README), compiled
 * here from musl/.  Each is below 1 ulp (fdlibm's bound); float versions are
 * computed in double and rounded (below 1 ulp of float). */
#include <math.h>
#include <stdint.h>
#include "musl/libm.h"

/* Each musl file is compiled as it is; the names it defines at file scope
 * (static constants and functions, macros) are renamed or undefined around it
 * so that the files can share this unit. */
#define PIo2 rem_pio2_large_PIo2
#define init_jk rem_pio2_large_init_jk
#define ipio2 rem_pio2_large_ipio2
#include "musl/__rem_pio2_large.c"
#undef PIo2
#undef init_jk
#undef ipio2
#define invpio2 rem_pio2_invpio2
#define pio2_1 rem_pio2_pio2_1
#define pio2_1t rem_pio2_pio2_1t
#define pio2_2 rem_pio2_pio2_2
#define pio2_2t rem_pio2_pio2_2t
#define pio2_3 rem_pio2_pio2_3
#define pio2_3t rem_pio2_pio2_3t
#define pio4 rem_pio2_pio4
#define toint rem_pio2_toint
#include "musl/__rem_pio2.c"
#undef invpio2
#undef pio2_1
#undef pio2_1t
#undef pio2_2
#undef pio2_2t
#undef pio2_3
#undef pio2_3t
#undef pio4
#undef toint
#undef EPS
#undef EPS
#define S1 sin_S1
#define S2 sin_S2
#define S3 sin_S3
#define S4 sin_S4
#define S5 sin_S5
#define S6 sin_S6
#include "musl/__sin.c"
#undef S1
#undef S2
#undef S3
#undef S4
#undef S5
#undef S6
#define C1 cos_C1
#define C2 cos_C2
#define C3 cos_C3
#define C4 cos_C4
#define C5 cos_C5
#define C6 cos_C6
#include "musl/__cos.c"
#undef C1
#undef C2
#undef C3
#undef C4
#undef C5
#undef C6
#define T tan_T
#define pio4 tan_pio4
#define pio4lo tan_pio4lo
#include "musl/__tan.c"
#undef T
#undef pio4
#undef pio4lo
#include "musl/sin.c"
#include "musl/cos.c"
#include "musl/tan.c"
#define aT atan_aT
#define atanhi atan_atanhi
#define atanlo atan_atanlo
#include "musl/atan.c"
#undef aT
#undef atanhi
#undef atanlo
#define pi atan2_pi
#define pi_lo atan2_pi_lo
#include "musl/atan2.c"
#undef pi
#undef pi_lo
#define R asin_R
#define pS0 asin_pS0
#define pS1 asin_pS1
#define pS2 asin_pS2
#define pS3 asin_pS3
#define pS4 asin_pS4
#define pS5 asin_pS5
#define pio2_hi asin_pio2_hi
#define pio2_lo asin_pio2_lo
#define qS1 asin_qS1
#define qS2 asin_qS2
#define qS3 asin_qS3
#define qS4 asin_qS4
#define asin musl_asin
#include "musl/asin.c"
#undef asin
#undef R
#undef pS0
#undef pS1
#undef pS2
#undef pS3
#undef pS4
#undef pS5
#undef pio2_hi
#undef pio2_lo
#undef qS1
#undef qS2
#undef qS3
#undef qS4
#define R acos_R
#define pS0 acos_pS0
#define pS1 acos_pS1
#define pS2 acos_pS2
#define pS3 acos_pS3
#define pS4 acos_pS4
#define pS5 acos_pS5
#define pio2_hi acos_pio2_hi
#define pio2_lo acos_pio2_lo
#define qS1 acos_qS1
#define qS2 acos_qS2
#define qS3 acos_qS3
#define qS4 acos_qS4
#define acos musl_acos
#include "musl/acos.c"
#undef acos
#undef R
#undef pS0
#undef pS1
#undef pS2
#undef pS3
#undef pS4
#undef pS5
#undef pio2_hi
#undef pio2_lo
#undef qS1
#undef qS2
#undef qS3
#undef qS4

/* glibc returns a positive NaN where the argument is out of the domain (musl's
 * 0/0 is the x86 default NaN, negative: printf would show -nan). */
double asin(double x)
{
    double r = musl_asin(x);
    if (r != r && x == x)
        return __builtin_nan("");
    return r;
}

double acos(double x)
{
    double r = musl_acos(x);
    if (r != r && x == x)
        return __builtin_nan("");
    return r;
}

float sinf(float x) { return (float)sin(x); }
float cosf(float x) { return (float)cos(x); }
float tanf(float x) { return (float)tan(x); }
float asinf(float x) { return (float)asin(x); }
float atanf(float x) { return (float)atan(x); }
float atan2f(float y, float x) { return (float)atan2(y, x); }
float acosf(float x) { return (float)acos(x); }
