"""vmdebug.debuginfo.valprint against the real gdb 13, value by value.

Each C program below is built twice the way vmdebug builds it: natively
(``vmdebug cc --native``, a real ELF gdb can read) and as vmdebug's image (same
addresses, same DWARF).  gdb prints every initialized global and static local
of the program with every format letter, in one batch run per program, without
running it; valprint formats the same variables from the image's bytes and
types read from the DWARF.  Every line must be identical.

gdb reads a static executable's memory from its sections, so the memory
callback here fails outside sections as gdb's exec target does.  gdb runs
under an explicit locale (C.UTF-8, and C for the ASCII variant), since the
locale decides which characters print as themselves.

gdb and gcc are required: the tests fail (not skip) without them.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vmdebug.debuginfo import charprint as CP
from vmdebug.debuginfo import ctype as T
from vmdebug.debuginfo.valprint import (
    FORMATS,
    PrintOptions,
    TargetMemoryError,
    ValuePrintError,
    format_value,
    parse_print_format,
)
from vmdebug.debuginfo.valprint_symbols import AddressSymbolizer, symbolizer_for_image

ROOT = Path(__file__).resolve().parents[2]
ALL_FORMATS = ("",) + tuple(FORMATS) + ("q",)     # q: not a format; gdb's error where it prints
NESTED_FORMATS = ("", "x", "a", "s")
#: After the others, in this order: letters print refuses, modifiers, and /r reusing the last letter.
EXTRA_FORMATS = ("i", "b", "xw", "2x", "r", "xr", "m", "dx", "-1", "rm", "zr")


def _seq(n: int, start: int = 0) -> str:
    return ", ".join(str(start + k) for k in range(n))


def _letters(n: int) -> str:
    return "".join(chr(ord("a") + k % 26) for k in range(n))


SCALARS = r"""
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

typedef int (*binop)(int, int);
typedef unsigned char byte_t;
typedef char *str_t;
typedef const char *cstr_t;
typedef int myint;
typedef myint myint2;

enum color { RED, GREEN, BLUE };
enum sign { NEG = -5, ZERO = 0, POS = 7 };
enum flags { F_A = 1, F_B = 2, F_C = 4, F_D = 16 };
enum flags0 { Z_NONE = 0, Z_ONE = 1, Z_TWO = 2, Z_ONE_AGAIN = 1 };
enum notflag { NF_A = 1, NF_B = 6 };
enum bigenum { BIG_A = 0x80000000u, BIG_B = 1 };
enum neg_only { MINUS_ONE = -1, MINUS_TWO = -2 };

int add(int a, int b) { return a + b; }
int mul(int a, int b) { return a * b; }
static int helper(int x) { return x + 1; }
void nothing(void) { }
int varfn(int n, ...) { return n; }
int knr() { return 0; }

char c_A = 'A', c_nl = '\n', c_tab = '\t', c_quote = '\'', c_dquote = '"', c_bs = '\\', c_nul = 0;
char c_del = 127, c_esc = 27, c_neg = -5, c_hi = (char)200, c_bell = 7, c_bsp = 8, c_ff = 12;
char c_vt = 11, c_cr = 13, c_space = ' ', c_zero_digit = '0', c_x = 'x';
signed char sc_min = -128, sc_max = 127;
unsigned char uc_200 = 200, uc_max = 255, uc_a = 'a';
short s_min = -32768, s_max = 32767, s_neg = -2;
unsigned short us_max = 65535;
int i_min = -2147483647 - 1, i_max = 2147483647, i_neg = -1, i_zero = 0, i_42 = 42;
int i_addr = 0x804c000, i_65 = 65, i_321 = 321, i_octal = 8;
unsigned u_max = 4294967295u, u_big = 0x80000000u;
long l_neg = -100000;
unsigned long ul_big = 3000000000ul;
long long ll_min = -9223372036854775807LL - 1, ll_max = 9223372036854775807LL, ll_neg = -1;
unsigned long long ull_max = 18446744073709551615ULL;
uint64_t u64 = 1311768467463790320ULL;
int8_t i8 = -100;
uint8_t u8 = 250;
int16_t i16 = -300;
uint32_t u32 = 123456789;
myint2 td_int = -7;
const int ci = 5;
volatile int vi = 6;
const volatile unsigned char cvuc = 'x';
bool b_true = true, b_false = false;
union { unsigned char c; _Bool b; } bool_two = { 2 };
enum color col_blue = BLUE, col_bad = (enum color)7;
enum sign sg_neg = NEG, sg_unknown = (enum sign)-3, sg_pos = POS;
enum flags fl_ab = F_A | F_B, fl_unknown = F_A | 8, fl_zero = 0, fl_d = F_D, fl_only_unknown = 32;
enum flags0 f0_zero = Z_NONE, f0_three = 3, f0_eight = 8, f0_one = Z_ONE;
enum notflag nf_7 = 7;
enum bigenum big_a = BIG_A, big_b = BIG_B;
enum neg_only neg_one = MINUS_ONE, neg_other = (enum neg_only)5;
float f_pi = 3.14f, f_tenth = 0.1f, f_zero = 0.0f, f_negzero = -0.0f, f_big = 1e30f, f_tiny = 1.5e-45f;
float f_max = 3.40282347e38f, f_one = 1.0f, f_third = 1.0f / 3, f_neg = -2.5f, f_1e7 = 1e7f;
float f_small = 1e-5f, f_100 = 100.0f, f_123456789 = 123456789.0f;
double d_tenth = 0.1, d_big = 1e30, d_negzero = -0.0, d_huge = 1.7976931348623157e308, d_denorm = 5e-324;
double d_int = 123456789012345678.0, d_1e16 = 1e16, d_1e17 = 1e17, d_small = 1e-5, d_0001 = 0.0001;
double d_100 = 100.0, d_third = 1.0 / 3, d_neg = -1.25e-300, d_two = 2.0;
long double ld_tenth = 0.1L, ld_one = 1.0L, ld_big = 1e4000L, ld_neg = -2.5L, ld_third = 1.0L / 3;
long double ld_tiny = 1e-4940L, ld_max = 1.18973149535723176502e4932L;
union fbits { uint32_t u; float f; };
union dbits { uint64_t u; double d; };
union fbits f_inf = { 0x7f800000 }, f_ninf = { 0xff800000 }, f_nan = { 0x7fc00000 }, f_nnan = { 0xffc00001 };
union fbits f_snan = { 0x7f800001 }, f_denorm_max = { 0x007fffff };
union dbits d_inf = { 0x7ff0000000000000ULL }, d_nan = { 0x7ff8000000000000ULL };
union dbits d_nnan = { 0xfff8000000000123ULL }, d_snan = { 0x7ff0000000000001ULL };
struct ldbits { uint32_t lo, hi; uint16_t se; uint16_t pad; };
union ldu { struct ldbits b; long double ld; };
union ldu ld_inf = {{0, 0x80000000u, 0x7fff, 0}}, ld_ninf = {{0, 0x80000000u, 0xffff, 0}};
union ldu ld_nan = {{0, 0xc0000000u, 0x7fff, 0}}, ld_nan2 = {{5, 0x80000000u, 0xffff, 0}};
union ldu ld_invalid = {{0, 0x40000000u, 0x3fff, 0}}, ld_pseudo_denorm = {{1, 0x80000000u, 0, 0}};
union ldu ld_denorm = {{1, 0, 0, 0}}, ld_pad = {{0, 0xc0000000u, 0x3fff, 0xabcd}};
_Complex double z_d = 1.0 + 2.0i;
_Complex float z_f = 0.5f - 1.5fi;
struct { _Complex double z; int k; } z_in_struct = { 3.0 + 4.0i, 1 };

int global_int = 5;
int arr10[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
int after_arr = 77;
int *p_null = 0, *p_int = &global_int, *p_mid = &arr10[3], *p_end = &arr10[10], *p_bad = (int *)0x1234;
int *p_high = (int *)0xfffffff0;
void *vp = &global_int, *vp_text = (void *)add, *vp_null;
binop bop = add, bops[3] = {add, mul, 0};
int (*fp)(int, int) = mul;
int (*fpa[2])(int, int) = {add, mul};
int (*fp_helper)(int) = helper;
void (*vfp)(void) = nothing;
void (*vfp_null)(void);
int (*fp_var)(int, ...) = varfn;
int (*fp_knr)() = knr;
int (*fp_mid)(int, int) = (binop)((char *)add + 3);
char *str_hello = "hello", *str_null = 0, *str_bad = (char *)0x1234, *str_empty = "";
const char *cstr = "const string";
cstr_t cstr_td = "typedef'd";
str_t str_td = "typedef'd too";
unsigned char *ustr = (unsigned char *)"unsigned";
signed char *sstr = (signed char *)"signed";
const unsigned char *custr = (const unsigned char *)"cu";
byte_t *bstr = (byte_t *)"bytes";
char **strpp = &str_hello;
char *const cp_const = "constptr";
const char *const ccp_const = "both const";
volatile char *vcp = (volatile char *)"volatile";
int *p_text = (int *)add + 1;
char *p_text_c = (char *)add + 3;
int (*pa)[10] = &arr10;
int **ppi = &p_int;
struct opaque;
struct opaque *op = (struct opaque *)&global_int;
struct node { int key; struct node *left, *right; };
struct node leaf = {10, 0, 0}, root = {50, &leaf, 0};
typedef struct node node_t;
node_t *np = &root;
struct node *np_mid = (struct node *)((char *)&root + 4);
const struct node *cnp = &leaf;
short *shortp = &s_min;
long long *llp = &ll_max;
float *fpp = &f_pi;
enum color *cpp = &col_blue;
bool *boolp = &b_true;
_Bool *bpp = (_Bool *)0;
char *p_arr_end = (char *)&arr10[10];
char *p_data_sym = (char *)&i_42;

int main(void) { return helper(add(1, 2)); }
"""

LETTERS = _letters(260)

AGGREGATES = r"""
#include <stdint.h>
#include <stdbool.h>

enum color { RED, GREEN, BLUE };
enum sign { NEG = -5, ZERO = 0, POS = 7 };
typedef int (*binop)(int, int);
int add(int a, int b) { return a + b; }
int mul(int a, int b) { return a * b; }

struct pt { int x, y; };
struct box { struct pt tl, br; const char *name; } boxv = {{1, 2}, {3, 4}, "box"};
struct bits { int a : 3; unsigned b : 5; int c : 4; char d; } bf = {1, 5, -3, 'z'};
struct sbits { %(SBITS_DECL)s } sbits_neg = { %(SBITS_NEG)s }, sbits_max = { %(SBITS_MAX)s },
    sbits_min = { %(SBITS_MIN)s };
struct ubits { %(UBITS_DECL)s } ubits_max = { %(UBITS_MAX)s }, ubits_pat = { %(UBITS_PAT)s };
struct mixbits {
    unsigned char uc : 3; signed char sc : 4; short sh : 9; unsigned long long ull : 40;
    long long sll : 33; _Bool bo : 1; enum color col : 2; enum sign sg : 4; unsigned pad : 3;
    char ch : 7;
} mixbits_v = {5, -6, -200, 0xfedcba9876ULL, -4294967296LL, 1, BLUE, NEG, 7, 'q'},
  mixbits_w = {7, 7, 255, 1, 1, 0, 3, 7, 0, -1};
union u4 { uint32_t u; uint8_t b[4]; uint16_t h[2]; } un = {0x11223344};
struct withanon {
    int a;
    union { int i; float f; };
    struct { char c1, c2; };
    int z;
} wa = {1, {.i = 2}, {'x', 'y'}, 9};
union ua { char c[8]; int i[2]; short s[4]; } uav = {"abcdefg"};
union ua uarr[2] = {{"xyz"}, {{1, 2, 3, 4, 5, 6, 7, 8}}};
int m2[2][3] = {{1, 2, 3}, {4, 5, 6}};
int m3[2][2][2] = {{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}};
int many[250] = {[100] = 1};
int seq300[300] = {%(SEQ300)s};
int seq200[200] = {%(SEQ200)s};
int seq201[201] = {%(SEQ201)s};
int tail_rep[215] = {%(SEQ195)s};
int rep10[10] = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
int rep11[11] = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
int rep_mix[30] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4};
int grid[30][30] = {{1, 2}, {3}};
int grid_rep[15][3];
long long llarr[3] = {-1, 0, 9223372036854775807LL};
unsigned char ucarr[5] = {1, 2, 200, 255, 0};
signed char scarr[3] = {-1, 65, 0};
short sarr[4] = {-1, 2, -3, 4};
struct pt pts[12] = {{1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, {1, 1},
                     {1, 1}, {1, 1}};
struct pt pts2[3] = {{1, 2}, {3, 4}, {5, 6}};
char names[3][8] = {"ab", "cd", "ef"};
char same_rows[12][4] = {"abc", "abc", "abc", "abc", "abc", "abc", "abc", "abc", "abc", "abc", "abc", "abc"};
char grid_c[3][6] = {"ab", "", "abcdef"};
bool bools[5] = {true, false, true, true, false};
bool bools_rep[20] = {true, true, true, true, true, true, true, true, true, true, true, true};
_Bool bools_odd[2];
enum color cols[4] = {RED, BLUE, GREEN, (enum color)5};
enum sign signs[3] = {NEG, POS, (enum sign)1};
float farr[4] = {0.1f, 1.5f, -0.0f, 1e30f};
double darr[3] = {0.1, -2.0, 1e-300};
long double ldarr[2] = {1.5L, -0.1L};
char *strs[3] = {"one", "two", 0};
const char *cstrs[2] = {"c1", "c2"};
binop table[4] = {add, mul, add, 0};
int (*ftable[2])(int, int) = {mul, 0};
void *vptrs[3] = {&boxv, add, 0};
int *iptrs[3] = {&m2[0][0], &m2[1][2], 0};
struct node { int key; struct node *left, *right; };
struct node leaf = {10, 0, 0}, root = {50, &leaf, 0};
struct node nodes[2] = {{1, &nodes[1], 0}, {2, 0, &nodes[0]}};
struct rec { struct pt p[2]; char tag[4]; union u4 u; enum color c; bool ok; float f; } recs[2] = {
    {{{1, 2}, {3, 4}}, "ab", {0x41424344}, BLUE, true, 2.5f},
    {{{5, 6}, {7, 8}}, "cd", {1}, RED, false, -0.5f}};
struct empty {} empty_s;
struct flex { int n; int data[]; } flex_s = {3};
struct zl { int n; char z[0]; int after; } zl_s = {.n = 4, .after = 0x41414141};
struct zli { int n; int zi[0]; } zli_s = {4};
%(DEEP)s
%(DEEP_ANON)s
struct with_union { int tag; union { int i; char c[4]; } u; } wu = {1, {0x64636261}};
struct outer_arr { struct pt pts[2]; int n; } oa = {{{1, 2}, {3, 4}}, 2};
int empty_arr[0];
char bigarr[70000];
struct bigs { char b[70000]; } bigs_v;
typedef char bigt[70000];
bigt bigt_v;
int ok_60000[15000];

int main(void) { return add(1, 2); }
"""


def _deep(levels: int) -> str:
    """22 nested structs: gdb prints {...} below max-depth 20."""
    out = "struct d0 { int v; };\n"
    for k in range(1, levels + 1):
        out += f"struct d{k} {{ struct d{k - 1} in; int n{k}; }};\n"
    return out + f"struct d{levels} deep = {{0}};\nstruct d19 deep19 = {{0}};\nstruct d20 deep20 = {{0}};\n"


def _deep_anon(levels: int) -> str:
    """Anonymous members do not count towards max-depth."""
    body = "int leafv;"
    for k in range(levels):
        body = f"struct {{ {body} int a{k}; }};"
    return f"struct danon {{ {body} }} danon_v = {{0}};\nstruct dmix {{ struct danon x; struct d19 y; }} dmix_v;\n"


def _aggregates_source() -> str:
    sb = [f"int s{k} : {k};" for k in range(1, 32)]
    ub = [f"unsigned u{k} : {k};" for k in range(1, 32)]
    return AGGREGATES % {
        "SBITS_DECL": " ".join(sb), "UBITS_DECL": " ".join(ub),
        "SBITS_NEG": ", ".join("-1" for _ in range(1, 32)),
        "SBITS_MAX": ", ".join(str((1 << (k - 1)) - 1) for k in range(1, 32)),
        "SBITS_MIN": ", ".join(str(-(1 << (k - 1))) for k in range(1, 32)),
        "UBITS_MAX": ", ".join(str((1 << k) - 1) + "u" for k in range(1, 32)),
        "UBITS_PAT": ", ".join(str(0x55555555 & ((1 << k) - 1)) + "u" for k in range(1, 32)),
        "SEQ300": _seq(300), "SEQ200": _seq(200), "SEQ201": _seq(201), "SEQ195": _seq(195, 1000),
        "DEEP": _deep(22), "DEEP_ANON": _deep_anon(24),
    }


STRINGS = r"""
#include <stddef.h>
typedef __CHAR16_TYPE__ char16_t;
typedef __CHAR32_TYPE__ char32_t;
typedef char mychar;

char msg[16] = "hello";
char zeros[300];
char full[5] = {'a', 'b', 'c', 'd', 'e'};
char esc[] = "tab\there\nnl \"q\" 'a' back\\slash \a\b\f\v\r \033 \177 end";
char hi[] = "\310\311\200\377";
char oct_digit[] = "\3101\0012";
char utf8[] = "caf\303\251 \342\202\254 \360\237\230\200 \344\270\255";
char utf8_bad[] = "a\303b";
char utf8_trunc[] = "ab\303";
char utf8_trunc2[] = "ab\342\202";
char utf8_trunc_rep[16] = "ab\303";
char utf8_overlong[] = "\300\200 \340\200\200 \355\240\200 \364\220\200\200 \370\210 \301";
char utf8_trunc_odd[] = "x\340\200";
char utf8_trunc_sur[] = "x\355\240";
char utf8_trunc_big[] = "x\364\220";
char utf8_rep[] = "\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251\303\251 \377\377\377\377\377\377\377\377\377\377\377\377";
char ctrl_u[] = "\302\200\302\237 \302\240 \342\200\250 \356\200\200 \357\277\277 \315\270";
char long_s[300] = "%(L260)s";
char exact200[201] = "%(L200)s";
char over200[202] = "%(L201)s";
char rep_inside[] = "ab%(X15)scd%(Y10)se";
char rep_only[20] = "%(X19)s";
char rep_then_nuls[40] = "%(Z12)s";
char rep_long[260] = "%(A250)s";
char rep_at_limit[260] = "%(L195)s%(X20)s";
char rep_nul_mid[30] = "ab\0\0\0\0\0\0\0\0\0\0\0\0cd";
unsigned char ubytes[6] = {1, 2, 200, 'A', 0, 0};
signed char sbytes[4] = {-1, 'B', 0, 0};
mychar mchars[4] = "my";
const char cmsg[] = "const msg";
char *p_long = long_s, *p_mid = &msg[1], *p_rep = rep_inside, *p_utf8 = utf8;
char *p_trunc = "ab\303", *p_bad = "a\303b", *p_hi = hi;
char *p_lit300 = "%(L300)s";
char *p_lit200 = "%(L200)s";
char *p_lit201 = "%(L201)s";
char *p_rep_long = "%(A250)s";
char *p_rep_short = "%(A12)s";
char *p_zeros = zeros;
char *p_full = full;
unsigned char *p_ubytes = ubytes;
mychar *p_mychar = mchars;
wchar_t wstr[] = L"wide \x4e2d\x6587 A1";
wchar_t wbad[] = {0x41, 0x110000, 0xd800, 0x42, 0x1234, 0x61, 0x31, 0};
wchar_t wrep[16] = L"wwwwwwwwwwwwww";
wchar_t *wp = L"ptr", *wp_null;
wchar_t wc = L'x', wc_big = 0x4e2d, wc_nl = L'\n', wc_bad = 0x110000;
char16_t s16[] = u"utf16 \u00e9 \U0001F600";
char16_t s16_bad[] = {0x41, 0xd800, 0x42, 0xdc00, 0};
char16_t s16_trunc[] = {0x41, 0xd800};
char32_t s32[] = U"utf32 \U0001F600";
char16_t c16 = u'x';
char32_t c32 = U'y';
char16_t *p16 = u"p16";
char32_t *p32 = U"p32";
char *strs[] = {"one", "two", 0, "\310"};
char empty_str[1];
char two_nuls[2];

int main(void) { return msg[0]; }
"""


def _strings_source() -> str:
    return STRINGS % {"L260": _letters(260), "L200": _letters(200), "L201": _letters(201), "L300": _letters(300),
                      "L195": _letters(195), "X15": "x" * 15, "Y10": "y" * 10, "X19": "x" * 19, "X20": "x" * 20,
                      "Z12": "z" * 12, "A250": "a" * 250, "A12": "a" * 12}


STATICS = r"""
struct pt { int x, y; };
int counter(void)
{
    static int count = 3;
    static char name[8] = "cnt";
    static struct pt origin = {1, 2};
    static const char *label = "lbl";
    return count++ + name[0] + origin.x + label[0];
}
static int twice(int x) { static unsigned calls; calls++; return 2 * x; }
int main(void)
{
    static const char *greeting = "hi";
    static double ratio = 0.5;
    static int (*fn)(void) = counter;
    return counter() + twice(1) + greeting[0] + (int)sizeof ratio + (fn == 0);
}
"""


NAMES = r"""
/* ELF symbol names gdb prints through its Ada decoder (valprint_names). */
int fooB = 1, my__var = 2, xN = 3, bufTB = 4, x__1 = 5, y_E1s = 6, cU61x = 7, z$1 = 8, a___Xb = 9;
int a___Yb = 10, abcXb = 11, abcXbz = 12, Oand_x = 13, ONE = 14, name__B_1__x = 15, plain = 16;
int *pn[] = {&fooB, &my__var, &xN, &bufTB, &x__1, &y_E1s, &cU61x, &z$1, &a___Xb, &a___Yb, &abcXb, &abcXbz,
             &Oand_x, &ONE, &name__B_1__x, &plain, &plain + 1};
int fnB(void) { return 1; }
static int st__fn(void) { return 2; }
int (*pfn[])(void) = {fnB, st__fn};
void *pfn_mid[] = {(char *)fnB + 1, (char *)st__fn + 2};
int *counter(void) { static int count = 1; static int *self = &count; count++; return self; }
int *counter2(void) { static int count = 2; count++; return &count; }
int main(void) { static int *pc = 0; static char *pm = (char *)&main; return *counter() + *counter2() + (pc == 0) + (pm != 0); }
"""

COLD = r"""
/* -O2: a function split into f and f.cold; pointers into both halves and into clones. */
__attribute__((cold, noinline)) void bail(int x) { volatile int y = x; for (;;) y++; }
__attribute__((noinline)) int f(int x) { if (__builtin_expect(x > 1000, 0)) { bail(x); return -1; } return x * 2; }
extern void fcold(void) __asm__("f.cold");
void *pc0 = (char *)fcold, *pc1 = (char *)fcold + 1, *pf = (char *)f + 2, *pf0 = (char *)f;
void *pbail = (char *)bail + 3;
static int counter;
int *pcounter = &counter;
int main(void) { counter = f(3); return counter; }
"""


OPTIMIZED = r"""
/* Values partly or wholly optimized out: the test rewrites these variables' DWARF
   locations into DW_OP_piece compositions (see PIECES).  Every type is used by
   anchor_v first, so no DIE after the rewritten ones moves. */
struct pt { int x, y; };
struct bits { int a : 3; unsigned b : 5; int c : 4; char d; };
union u4 { unsigned u; unsigned char b[4]; };
struct nest { struct pt ps[2]; char tag[4]; };
struct anchor { struct pt a; struct bits b; char c[8]; int d[12]; char *e; int *f; union u4 g; float h;
                double i; struct nest j; };
struct anchor anchor_v;
char msg_backing[8] = "hi there";
int arr_backing[12] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
struct bits bits_backing = {1, 5, -3, 'z'};
struct nest nest_backing = {{{1, 2}, {3, 4}}, "abc"};
char *cp_backing = msg_backing;
struct pt p_part, p_part2, p_none;
int i_none, i_half;
char msg_part[8];
int arr_part[12], arr_gaps[12];
char *cp_part;
int *ip_part;
struct bits bits_part, bits_low;
union u4 u_part;
float f_part;
double d_part;
struct nest nest_part;
int main(void) { return 0; }
"""

DW_OP_addr, DW_OP_piece, DW_OP_stack_value, DW_OP_lit0 = 0x03, 0x93, 0x9F, 0x30
#: name -> pieces: (size, None) optimized out, (size, "sym+off") memory, (size, n) the literal n.
PIECES: dict[str, list[tuple[int, Any]]] = {
    "p_part": [(4, 1), (4, None)],
    "p_part2": [(4, None), (4, 7)],
    "p_none": [(8, None)],
    "i_none": [(4, None)],
    "i_half": [(2, "arr_backing"), (2, None)],
    "msg_part": [(4, "msg_backing"), (4, None)],
    "arr_part": [(4, "arr_backing"), (44, None)],
    "arr_gaps": [(8, "arr_backing"), (8, None), (16, "arr_backing+16"), (4, None), (12, "arr_backing+36")],
    "cp_part": [(2, "cp_backing"), (2, None)],
    "ip_part": [(3, "cp_backing"), (1, None)],
    "bits_part": [(1, "bits_backing"), (3, None)],
    "bits_low": [(1, None), (3, "bits_backing+1")],
    "u_part": [(1, None), (3, "arr_backing+1")],
    "f_part": [(2, None), (2, "arr_backing")],
    "d_part": [(4, 0), (4, None)],
    "nest_part": [(12, "nest_backing"), (4, None), (4, "nest_backing+16")],
}


def _piece_asm(pieces: list[tuple[int, Any]]) -> tuple[str, int]:
    """The assembly of a DW_OP_piece location expression, and its length."""
    lines, n = [], 0
    for size, what in pieces:
        if isinstance(what, str):
            lines += [f"\t.byte\t{DW_OP_addr:#x}", f"\t.long\t{what}"]
            n += 5
        elif isinstance(what, int):
            lines += [f"\t.byte\t{DW_OP_lit0 + what:#x}", f"\t.byte\t{DW_OP_stack_value:#x}"]
            n += 2
        lines += [f"\t.byte\t{DW_OP_piece:#x}", f"\t.uleb128 {size:#x}"]
        n += 2
    return "".join(line + "\n" for line in lines), n


def patch_locations(asm: str) -> str:
    """gcc's assembly with the PIECES variables' DW_AT_location rewritten and the unit
    length grown to match (the rewritten DIEs come after every DIE they or later DIEs
    refer to)."""
    grow = 0
    for name, pieces in PIECES.items():
        old = f"\t.uleb128 0x5\n\t.byte\t0x3\n\t.long\t{name}\n"
        assert asm.count(old) == 1, name
        body, n = _piece_asm(pieces)
        asm = asm.replace(old, f"\t.uleb128 {n:#x}\n" + body)
        grow += n - 5
    m = re.search(r"\.Ldebug_info0:\n\t\.long\t(0x[0-9a-f]+)\n", asm)
    assert m, "no .debug_info unit length"
    return asm[:m.start(1)] + hex(int(m.group(1), 16) + grow) + asm[m.end(1):]


def piece_value(image: Any, pieces: list[tuple[int, Any]]) -> tuple[bytes, bytes]:
    """(bytes, valid mask) of a pieced location, as gdb's read_pieced_value builds it."""
    data, valid = b"", b""
    for size, what in pieces:
        if what is None:
            data, valid = data + bytes(size), valid + bytes(size)
            continue
        if isinstance(what, str):
            sym, _, off = what.partition("+")
            chunk = image.read(image.address_of(sym) + int(off or 0), size)
        else:
            chunk = what.to_bytes(8, "little")[:size]
        data, valid = data + chunk, valid + b"\1" * size
    return data, valid


@dataclass
class Case:
    """One printed expression: gdb's text for it and what valprint gets."""

    expr: str
    type: T.CType
    data: bytes
    address: int | None
    valid: bytes | None = None


@dataclass
class Program:
    name: str
    source: str
    charset: str = CP.UTF8
    opt: str = "0"
    pieces: bool = False      # rewrite PIECES locations (via gcc's assembly)


PROGRAMS = [Program("scalars", SCALARS), Program("aggregates", _aggregates_source()),
            Program("strings", _strings_source()), Program("strings_ascii", _strings_source(), CP.ASCII),
            Program("statics", STATICS), Program("names", NAMES), Program("cold", COLD, opt="2"),
            Program("optimized", OPTIMIZED, pieces=True)]


def _program(name: str) -> Program:
    return next(p for p in PROGRAMS if p.name == name)


def _require_tools() -> None:
    for tool in ("gdb", "gcc"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is required for this test (not found on PATH)")


class SectionMemory:
    """Memory as gdb's exec target reads a static executable: section contents only."""

    def __init__(self, image: Any) -> None:
        self.image = image
        self.sections = [s for s in image.sections if "a" in s.flags]

    def __call__(self, addr: int, n: int) -> bytes:
        out = b""
        while n > 0:
            sec = next((s for s in self.sections if s.address <= addr < s.address + s.size), None)
            if sec is None:
                raise TargetMemoryError(addr)
            k = min(n, sec.address + sec.size - addr)
            out += self.image.read(addr, k)
            addr += k
            n -= k
        return out


def _static_vars(fn: Any) -> Iterator[Any]:
    """A function's static locals (those gdb finds as ``fn::name``: its outermost block)."""
    for v in fn.variables:
        if not v.is_param and v.static_address() is not None:
            yield v


def _cases(image: Any, units: list[Any]) -> list[Case]:
    """Every variable with static storage of prog.c, its functions, and a few casts."""
    unit = next(u for u in units if u.name in ("prog.c", "prog.s"))
    cases = []
    for v in unit.variables:
        addr = v.static_address()
        if v.name in PIECES and v.type is not None:
            data, valid = piece_value(image, PIECES[v.name])
            cases.append(Case(v.name, v.type, data, None, valid))
            continue
        if addr is None or v.type is None or v.declaration:
            continue
        n = v.type.length
        cases.append(Case(v.name, v.type, image.read(addr, n) if n <= 1 << 20 else b"", addr))
    for fn in unit.functions:
        for v in _static_vars(fn):
            cases.append(Case(f"{fn.name}::{v.name}", v.type, image.read(v.static_address(), v.type.length),
                              v.static_address()))
        entry = AddressSymbolizer.entry_pc(fn)           # gdb's address of the function
        cases.append(Case(fn.name, fn.type, image.read(entry, 1), entry))
    cases += _section_end_cases(image)
    return cases


def _section_end_cases(image: Any) -> list[Case]:
    """``(char *) ADDR`` near the end of each section followed by unreadable memory:
    strings cut by a read error."""
    out = []
    secs = [s for s in image.sections if "a" in s.flags]
    for s in secs:
        end = s.address + s.size
        if any(o.address <= end < o.address + o.size for o in secs) or s.type == "nobits":
            continue
        for back in (1, 3, 9):
            addr = end - back
            out.append(Case(f"(char *) {addr:#x}", T.CHAR_PTR, addr.to_bytes(4, "little"), None))
        out.append(Case(f"(char *) {end:#x}", T.CHAR_PTR, end.to_bytes(4, "little"), None))
    return out


_OUTPUTS: dict[str, tuple[list[Case], dict[tuple[str, str], tuple[bool, str]], Any]] = {}


def _run(program: Program, tmp: Path) -> tuple[list[Case], dict[tuple[str, str], tuple[bool, str]], Any]:
    """Build natively and as an image, run gdb once; gdb's result per (expr, fmt):
    (whether ``$N = `` was printed, the text)."""
    _require_tools()
    from vmdebug.commands.objdump import load_image
    from vmdebug.debuginfo.reader import Reader, dwarf_info

    (tmp / "prog.c").write_text(program.source)
    source = "prog.c"
    if program.pieces:
        cc = subprocess.run([sys.executable, "-m", "vmdebug", "cc", "-O", program.opt, "prog.c", "-o", "prog.s"],
                            cwd=tmp, capture_output=True, text=True, timeout=120, check=False)
        assert cc.returncode == 0, cc.stderr + cc.stdout
        (tmp / "prog.s").write_text(patch_locations((tmp / "prog.s").read_text()))
        source = "prog.s"
    build = subprocess.run([sys.executable, "-m", "vmdebug", "cc", "--native", "-O", program.opt, source, "-o",
                            "prog"], cwd=tmp, capture_output=True, text=True, timeout=120, check=False)
    assert build.returncode == 0, build.stderr + build.stdout
    old = os.getcwd()
    os.chdir(tmp)
    try:
        image = load_image(source, program.opt)
    finally:
        os.chdir(old)
    units = Reader(dwarf_info(image.debug)).read()
    cases = _cases(image, units)
    args: list[str] = []
    keys: list[tuple[str, str]] = []
    for c in cases:
        for f in ALL_FORMATS:
            keys.append((c.expr, f))
            args += ["-ex", f"echo @@{len(keys) - 1}\\n", "-ex", f"print{'/' + f if f else ''} {c.expr}"]
    for c in cases:
        for f in NESTED_FORMATS:
            # gdb.Value.format_string: common_val_print, how a value inside something prints.
            keys.append((c.expr, "py" + f))
            arg = f"format={f!r}" if f else ""
            args += ["-ex", f"echo @@{len(keys) - 1}\\n",
                     "-ex", f"python print(gdb.parse_and_eval({c.expr!r}).format_string({arg}))"]
    for c in cases[:3]:
        for f in EXTRA_FORMATS:
            keys.append((c.expr, f))
            args += ["-ex", f"echo @@{len(keys) - 1}\\n", "-ex", f"print/{f} {c.expr}"]
    args += ["-ex", "echo @@end\\n"]
    env = dict(os.environ, LC_ALL="C.UTF-8" if program.charset == CP.UTF8 else "C")
    # -ex commands, not a command file: an error must not stop the rest.
    gdb = subprocess.run(["gdb", "-nx", "-batch", *args, "./prog"], cwd=tmp, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, env=env, timeout=300, check=False)
    text = gdb.stdout.decode("utf-8", "surrogateescape")
    results: dict[tuple[str, str], tuple[bool, str]] = {}
    for m in re.finditer(r"^@@(\d+)\n(.*?)(?=^@@)", text, re.DOTALL | re.MULTILINE):
        body = m.group(2).rstrip("\n")
        hist = re.match(r"\$\d+ = ", body)
        results[keys[int(m.group(1))]] = (True, body[hist.end():]) if hist else (False, body)
    assert len(results) == len(keys), text[-3000:]
    symbolize = symbolizer_for_image(image, [f for u in units for f in u.functions])
    return cases, results, (image, symbolize)


@pytest.fixture(scope="module")
def gdb_outputs(tmp_path_factory: pytest.TempPathFactory):
    def get(program: Program):
        if program.name not in _OUTPUTS:
            _OUTPUTS[program.name] = _run(program, tmp_path_factory.mktemp(program.name))
        return _OUTPUTS[program.name]
    return get


def _ours(case: Case, fmt: str, image: Any, symbolize: Any, charset: str) -> tuple[bool, str]:
    try:
        text = format_value(case.type, case.data, case.address, fmt, SectionMemory(image), symbolize,
                            valid=case.valid, options=PrintOptions(charset=charset))
    except ValuePrintError as e:
        return not e.before_value, e.message
    return True, text


@pytest.mark.parametrize("fmt", ALL_FORMATS, ids=lambda f: f or "none")
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.name)
def test_print_matches_gdb(program: Program, fmt: str, gdb_outputs) -> None:
    cases, results, (image, symbolize) = gdb_outputs(program)
    mismatches = []
    for case in cases:
        want = results[(case.expr, fmt)]
        got = _ours(case, fmt, image, symbolize, program.charset)
        if got != want:
            mismatches.append(f"print{'/' + fmt if fmt else ''} {case.expr}\n  gdb:  {want}\n  ours: {got}")
    assert not mismatches, f"{len(mismatches)} of {len(cases)} differ:\n" + "\n".join(mismatches)


@pytest.mark.parametrize("program", [_program(n) for n in ("scalars", "aggregates", "strings", "optimized")],
                         ids=lambda p: p.name)
def test_nested_value_matches_gdb(program: Program, gdb_outputs) -> None:
    """top_level=False is gdb's common_val_print (no ``(type *)`` prefix), compared with
    gdb.Value.format_string()."""
    cases, results, (image, symbolize) = gdb_outputs(program)
    mismatches = []
    for case in cases:
        for f in NESTED_FORMATS:
            want = results[(case.expr, "py" + f)][1]
            error = re.search(r"^gdb\.error: (.*)$", want, re.MULTILINE)
            if error:
                want = error.group(1)                 # format_string raised gdb's error
            try:
                got = format_value(case.type, case.data, case.address, f, SectionMemory(image), symbolize,
                                   top_level=False, valid=case.valid,
                                   options=PrintOptions(charset=program.charset))
            except ValuePrintError as e:
                got = e.message
            if got != want:
                mismatches.append(f"format_string({f!r}) {case.expr}\n  gdb:  {want}\n  ours: {got}")
    assert not mismatches, f"{len(mismatches)} differ:\n" + "\n".join(mismatches)


def test_print_format_letters_like_gdb(gdb_outputs) -> None:
    """Letters print refuses (i, size letters, counts) and modifiers (r, m) on a few
    values, in gdb's command order: /r reuses the last format letter."""
    cases, results, (image, symbolize) = gdb_outputs(_program("scalars"))
    last = "q"                                        # the last print/FMT before these: print/q
    for case in cases[:3]:
        for letters in EXTRA_FORMATS:
            try:
                fmt = parse_print_format(letters, last)
            except ValuePrintError as e:
                got = (not e.before_value, e.message)
            else:
                last = fmt
                got = _ours(case, fmt, image, symbolize, CP.UTF8)
            assert got == results[(case.expr, letters)], f"print/{letters} {case.expr}"


def test_print_covers_what_it_claims(gdb_outputs) -> None:
    """The programs exercise the cases the module is written for (a guard against a
    program silently losing its variables or gdb printing something else)."""
    def texts(name: str) -> dict[str, str]:
        cases, results, _ = gdb_outputs(_program(name))
        return {c.expr: results[(c.expr, "")][1] for c in cases}

    agg = texts("aggregates")
    assert agg["bf"] == "{a = 1, b = 5, c = -3, d = 122 'z'}"
    assert agg["many"] == "{0 <repeats 100 times>, 1, 0 <repeats 149 times>}"
    assert "{...}" in agg["deep"]
    assert agg["bigarr"].startswith("value requires 70000 bytes")
    scalars = texts("scalars")
    assert scalars["fl_unknown"] == "(F_A | unknown: 0x8)"
    assert scalars["add"].startswith("{int (int, int)} 0x")
    assert texts("strings")["utf8"] == '"caf\u00e9 \u20ac \U0001f600 \u4e2d"'
    assert texts("strings_ascii")["utf8"].startswith('"caf\\303\\251')
    assert texts("optimized")["p_part"] == "{x = 1, y = <optimized out>}"
    assert texts("cold")["pc0"].endswith("<f[cold]>")
    assert texts("names")["pn"].startswith("{0x")
