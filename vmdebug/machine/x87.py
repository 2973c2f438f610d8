"""The x87 double extended-precision format (80 bits) and the conversions the i386 ABI needs.

``long double``/``double`` return values travel in st(0), and gcc converts with ``fld``,
``fstp``, ``fild``, ``fistp``/``fisttp`` and compares with ``fucomip``: this module computes
those exactly, on 80-bit integer bit patterns (sign bit 79, exponent bits 64-78, explicit
integer bit 63, fraction bits 0-62; SDM Vol. 1 4.2.2 and 8.2).  Status word bits it returns
are those the operation raised (SDM Vol. 1 8.1.3): IE=1 DE=2 ZE=4 OE=8 UE=16 PE=32, and C1
(bit 9) as the "round-up" bit.  All exceptions are assumed masked (the FCW masks); an unmasked
one would trap, which the caller decides from the raised bits.

Rounding is ieee.round_pack's; tininess for stores is detected after rounding, as on the real CPU
(see ``X87_TINY_AFTER``).  This module imports nothing from vmdebug but ieee.py.
"""
from __future__ import annotations

from typing import Final

from vmdebug.machine.ieee import (
    DENORMAL, F80, INF, NORMAL, QNAN, SNAN, UNSUPPORTED, ZERO, classify, convert_nan, decode, fmt_of,
    round_pack, to_integer,
)

# FSW bits (SDM Vol. 1 8.1.3, Figure 8-4)
FSW_IE: Final = 0x01
FSW_DE: Final = 0x02
FSW_ZE: Final = 0x04
FSW_OE: Final = 0x08
FSW_UE: Final = 0x10
FSW_PE: Final = 0x20
FSW_SF: Final = 0x40
FSW_C1: Final = 0x200
# FCW fields (SDM Vol. 1 8.1.5): exception masks in bits 0-5, PC bits 8-9, RC bits 10-11.
FCW_UM: Final = 0x10
FCW_RC_SHIFT: Final = 10
FCW_DEFAULT: Final = 0x037F          # FNINIT: all masked, 64-bit precision, round to nearest

F80_SIGN: Final = 1 << 79
F80_INT_BIT: Final = 1 << 63
F80_MANT: Final = (1 << 64) - 1
F80_ONE: Final = 0x3FFF8000000000000000
F80_ZERO: Final = 0
F80_INDEFINITE: Final = F80.indefinite   # 0xFFFFC000000000000000 (SDM Table 4-3)

# Tininess of a result stored to memory (FST m32fp/m64fp) is judged after rounding, as for SSE:
# storing (1 - 2**-64) * DBL_MIN to m64fp rounds to DBL_MIN and the CPU raises PE and C1 but not
# UE (checked by tests/machine/test_ieee_vs_cpu.py; SDM 4.9.1.5 "result of rounding with
# unbounded exponent").
X87_TINY_AFTER: Final = True


def classify80(x: int) -> int:
    """The class of an 80-bit pattern (SDM Vol. 1 8.2.2, Table 8-3).  Unnormals, pseudo-NaNs
    and pseudo-infinities are UNSUPPORTED (invalid as operands); pseudo-denormals (exponent 0,
    integer bit 1) are accepted as DENORMAL."""
    exp = (x >> 64) & 0x7FFF
    m = x & F80_MANT
    if exp == 0x7FFF:
        if not m & F80_INT_BIT:
            return UNSUPPORTED
        frac = m & F80.frac_mask
        if frac == 0:
            return INF
        return QNAN if frac & F80.quiet_bit else SNAN
    if exp == 0:
        return ZERO if m == 0 else DENORMAL
    return NORMAL if m & F80_INT_BIT else UNSUPPORTED


def decode80(x: int) -> tuple[int, int, int]:
    """(sign, significand, exponent) of a finite 80-bit pattern: |value| = significand * 2**exponent.
    A zero exponent field means the same scale as 1 (denormals, SDM 4.8.3.3)."""
    exp = (x >> 64) & 0x7FFF
    return (x >> 79) & 1, x & F80_MANT, max(exp, 1) - F80.bias - 63


def _encode80(sign: int, m: int, e: int) -> int:
    """The normalized 80-bit pattern of a non-zero exact value m * 2**e that fits the format."""
    shift = 64 - m.bit_length()
    m <<= shift
    e -= shift
    biased = e + 63 + F80.bias
    assert 0 < biased < 0x7FFF, "value outside the double extended range"
    return (F80_SIGN if sign else 0) | (biased << 64) | m


def _rc(fcw: int) -> int:
    return (fcw >> FCW_RC_SHIFT) & 3


# ---------------------------------------------------------------------------------------------
# Loads: FLD m32fp/m64fp, FILD


def f80_from_fp(bits: int, size: int) -> tuple[int, int]:
    """FLD m32fp/m64fp: the exact widening of a float32/float64 pattern.

    Returns (80-bit pattern, FSW exception bits): an SNaN is loaded quiet with IE; a denormal
    source reports DE and is loaded normalized (SDM Vol. 2 FLD; 4.8.3.3).
    """
    fmt = fmt_of(size)
    cls = classify(bits, fmt)
    sign = bits >> (fmt.width - 1)
    sbits = F80_SIGN if sign else 0
    if cls == QNAN or cls == SNAN:
        return convert_nan(bits, fmt, F80), FSW_IE if cls == SNAN else 0
    if cls == INF:
        return sbits | F80.inf, 0
    if cls == ZERO:
        return sbits, 0
    _, m, e = decode(bits, fmt)
    return _encode80(sign, m, e), FSW_DE if cls == DENORMAL else 0


def f80_from_int(value: int) -> int:
    """FILD m16int/m32int/m64int: every such integer is exact in 64 bits of significand."""
    if not -(1 << 63) <= value < (1 << 63):
        raise ValueError(f"not a signed 64-bit integer: {value!r}")
    if value == 0:
        return F80_ZERO
    return _encode80(1 if value < 0 else 0, abs(value), 0)


# ---------------------------------------------------------------------------------------------
# Stores: FST/FSTP m32fp/m64fp, FIST/FISTP/FISTTP


def f80_to_fp(x: int, size: int, fcw: int) -> tuple[int, int]:
    """FST/FSTP m32fp/m64fp: rounds by FCW.RC (the precision control does not apply to stores).

    Returns (bits, FSW bits): PE when inexact with C1 when the magnitude was rounded up (SDM
    8.5.6); OE (with PE) on overflow, which gives infinity or the largest finite number by the
    rounding mode (Table 4-10); UE when the result is tiny and inexact; IE for an SNaN (stored
    quiet) and for an unsupported format (stored as the real indefinite).
    """
    fmt = fmt_of(size)
    cls = classify80(x)
    sign = (x >> 79) & 1
    sbits = fmt.sign_bit if sign else 0
    if cls == UNSUPPORTED:
        return fmt.indefinite, FSW_IE
    if cls == QNAN or cls == SNAN:
        return convert_nan(x, F80, fmt), FSW_IE if cls == SNAN else 0
    if cls == INF:
        return sbits | fmt.inf, 0
    if cls == ZERO:
        return sbits, 0
    _, m, e = decode80(x)
    bits, flags, up = round_pack(sign, m, e, False, fmt, _rc(fcw), tiny_after=X87_TINY_AFTER,
                                 um_masked=bool(fcw & FCW_UM))
    return bits, flags | (FSW_C1 if up else 0)


INT_INDEFINITE: Final = {16: 0x8000, 32: 0x80000000, 64: 0x8000000000000000}


def f80_to_int(x: int, width: int, fcw: int, truncate: bool = False) -> tuple[int, int]:
    """FIST/FISTP (rounded by FCW.RC) and FISTTP (``truncate``: toward zero) to a 16, 32 or
    64-bit integer.  Returns (the unsigned pattern, FSW bits): PE with C1 = rounded up when
    inexact; a NaN, an infinity, an unsupported format or a value out of range gives the
    integer indefinite (0x8000, 0x80000000, 0x8000000000000000) with IE (SDM Vol. 2 FIST).
    """
    indefinite = INT_INDEFINITE[width]
    cls = classify80(x)
    if cls >= INF:
        return indefinite, FSW_IE
    if cls == ZERO:
        return 0, 0
    sign, m, e = decode80(x)
    if e > width:                       # far too large: skip building a huge integer
        return indefinite, FSW_IE
    value, inexact, up = to_integer(sign, m, e, 3 if truncate else _rc(fcw), width)
    if value is None:
        return indefinite, FSW_IE
    return value, (FSW_PE if inexact else 0) | (FSW_C1 if up else 0)


# ---------------------------------------------------------------------------------------------
# FUCOMI/FCOMI, FCHS, FABS


def _magnitude_key(x: int) -> tuple[int, int]:
    """Orders finite magnitudes; pseudo-denormals compare equal to the normals they equal."""
    _, m, e = decode80(x)
    if m == 0:
        return (-1 << 20, 0)
    shift = 64 - m.bit_length()
    return (e - shift, m << shift)


def f80_compare(a: int, b: int, signaling: bool) -> tuple[int, int, int, int]:
    """FUCOMI/FUCOMIP (``signaling=False``: IE only for an SNaN or unsupported operand) and
    FCOMI/FCOMIP (IE for any NaN), comparing st(0) = ``a`` with st(i) = ``b``.

    Returns (ZF, PF, CF, FSW bits): greater 0,0,0; less 0,0,1; equal 1,0,0; unordered 1,1,1
    (SDM Vol. 2 FCOMI, Table 3-33).  A denormal operand reports DE.
    """
    ca, cb = classify80(a), classify80(b)
    if ca >= QNAN or cb >= QNAN:
        invalid = signaling or SNAN in (ca, cb) or UNSUPPORTED in (ca, cb)
        return 1, 1, 1, FSW_IE if invalid else 0
    flags = FSW_DE if DENORMAL in (ca, cb) else 0
    sa, sb = (a >> 79) & 1, (b >> 79) & 1
    if ca == ZERO and cb == ZERO:
        return 1, 0, 0, flags
    if ca == INF or cb == INF:
        ka = (1 << 20, 0) if ca == INF else _magnitude_key(a)
        kb = (1 << 20, 0) if cb == INF else _magnitude_key(b)
    else:
        ka, kb = _magnitude_key(a), _magnitude_key(b)
    va = (-1 if sa else 1, ka) if ca != ZERO else (0, (0, 0))
    vb = (-1 if sb else 1, kb) if cb != ZERO else (0, (0, 0))
    order = _signed_order(va, vb)
    if order > 0:
        return 0, 0, 0, flags
    if order < 0:
        return 0, 0, 1, flags
    return 1, 0, 0, flags


def _signed_order(va: tuple[int, tuple[int, int]], vb: tuple[int, tuple[int, int]]) -> int:
    """Compares (sign -1/0/+1, magnitude key) pairs: -1, 0 or 1."""
    if va[0] != vb[0]:
        return 1 if va[0] > vb[0] else -1
    if va[1] == vb[1]:
        return 0
    bigger = va[1] > vb[1]
    return (1 if bigger else -1) * va[0]


def f80_chs(x: int) -> int:
    """FCHS: flips the sign bit, whatever the value (a NaN too; SDM Vol. 2 FCHS)."""
    return x ^ F80_SIGN


def f80_abs(x: int) -> int:
    """FABS: clears the sign bit."""
    return x & ~F80_SIGN


def f80_tag(x: int) -> int:
    """The tag of a non-empty register (SDM Vol. 1 8.1.7; the table FXSAVE/FRSTOR use to rebuild
    it in Vol. 2 FXSAVE): 0 valid, 1 zero, 2 special (NaN, infinity, denormal, unnormal and the
    other unsupported encodings).  3 (empty) is the caller's to know."""
    cls = classify80(x)
    if cls == NORMAL:
        return 0
    if cls == ZERO:
        return 1
    return 2


# ---------------------------------------------------------------------------------------------
# Display, as gdb 13 prints a long double


def _is_valid_gdb(x: int) -> bool:
    """libiberty's floatformat_i387_ext_is_valid: the integer bit must be set exactly when the
    exponent is non-zero (so unnormals, pseudo-NaNs/infinities and pseudo-denormals are not)."""
    exp = (x >> 64) & 0x7FFF
    return (exp == 0) == (not x & F80_INT_BIT)


def f80_to_decimal_str(x: int) -> str:
    """The value as gdb prints a long double (gdb/target-float.c, target_float_to_string):
    "<invalid float value>" for encodings libiberty rejects, "[-]nan(0x<64-bit significand,
    integer bit included>)", "[-]inf", else the exact value through ``%.21Lg`` (21 significant
    digits, DECIMAL_DIG for a 64-bit significand), which glibc rounds correctly to nearest."""
    x &= (1 << 80) - 1
    if not _is_valid_gdb(x):
        return "<invalid float value>"
    sign = "-" if x & F80_SIGN else ""
    exp = (x >> 64) & 0x7FFF
    m = x & F80_MANT
    if exp == 0x7FFF:
        if m & F80.frac_mask:
            # floatformat_mantissa: the first 32 bits with "%lx", then 32 bits with "%08lx".
            return f"{sign}nan(0x{m >> 32:x}{m & 0xFFFFFFFF:08x})"
        return f"{sign}inf"
    if m == 0:
        return f"{sign}0"
    _, m, e = decode80(x)
    return sign + format_g(m, e, 21)


def format_g(m: int, e: int, precision: int) -> str:
    """C's ``%.<precision>g`` of the exact positive value m * 2**e, rounded to nearest-even."""
    num, den = (m << e, 1) if e >= 0 else (m, 1 << -e)
    # Decimal exponent estimate from the binary one, then corrected exactly.
    x10 = int(((num.bit_length() - den.bit_length()) * 0.30102999566398120))
    while True:
        digits = _scaled_round(num, den, precision - 1 - x10)
        if digits >= 10 ** precision:
            x10 += 1
        elif digits < 10 ** (precision - 1):
            x10 -= 1
        else:
            break
    text = str(digits)
    if -4 <= x10 < precision:
        if x10 >= 0:
            whole, frac = text[:x10 + 1], text[x10 + 1:]
        else:
            whole, frac = "0", "0" * (-x10 - 1) + text
        frac = frac.rstrip("0")
        return f"{whole}.{frac}" if frac else whole
    frac = text[1:].rstrip("0")
    mantissa = f"{text[0]}.{frac}" if frac else text[0]
    return f"{mantissa}e{x10:+03d}"


def _scaled_round(num: int, den: int, k: int) -> int:
    """round_half_even(num / den * 10**k)."""
    if k >= 0:
        num *= 10 ** k
    else:
        den *= 10 ** -k
    q, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and q & 1):
        q += 1
    return q


__all__ = [
    "F80_ONE", "F80_ZERO", "F80_INDEFINITE", "f80_from_fp", "f80_to_fp", "f80_from_int", "f80_to_int",
    "f80_compare", "f80_chs", "f80_abs", "f80_tag", "f80_to_decimal_str", "classify80", "decode80",
]
