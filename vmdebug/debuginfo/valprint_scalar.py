"""Scalars as gdb 13 prints them: integers in every radix, floats, enums.

Ported from gdb/valprint.c (``print_decimal_chars``, ``print_hex_chars``,
``print_octal_chars``, ``print_binary_chars``, ``generic_val_print_enum_1``,
``print_longest``), gdb/value.c (``unpack_long``, ``unpack_bits_as_long``)
and gdb/target-float.c (``target_float_to_string``, ``floatformat_classify``,
``floatformat_mantissa``, ``floatformat_printf_format``,
``host_float_ops::to_longest``).  Everything is little-endian i386: float is
IEEE single, double IEEE double, long double the 80-bit i387 format stored
in 12 bytes.
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import NamedTuple

from vmdebug.debuginfo.ctype import DW_ATE_UTF, CType, DW_ATE_complex_float


class FloatFormat(NamedTuple):
    """The part of libiberty's ``struct floatformat`` gdb's printing uses."""

    total_bits: int
    exp_bits: int
    man_bits: int       # stored mantissa bits (the i387 format stores its integer bit)
    intbit: bool        # floatformat_intbit_yes
    precision: int      # floatformat_precision: significant bits


IEEE_SINGLE = FloatFormat(32, 8, 23, False, 24)
IEEE_DOUBLE = FloatFormat(64, 11, 52, False, 53)
I387_EXT = FloatFormat(80, 15, 64, True, 64)
# The 2-byte element types of gdb's vec128 register union (tdesc bfloat16 and ieee_half).
BFLOAT16 = FloatFormat(16, 8, 7, False, 8)
IEEE_HALF = FloatFormat(16, 5, 10, False, 11)

LONGEST_MIN, LONGEST_MAX = -(1 << 63), (1 << 63) - 1


def float_format(length: int, name: str | None = None) -> FloatFormat | None:
    """The floatformat of a float type of this size on i386 (i386_floatformat_for_type); a
    2-byte one is a register's ``bfloat16`` or ``half``."""
    if length == 2:
        return BFLOAT16 if name == "builtin_type_bfloat16" else IEEE_HALF
    return {4: IEEE_SINGLE, 8: IEEE_DOUBLE, 10: I387_EXT, 12: I387_EXT, 16: I387_EXT}.get(length)


def is_unsigned(t: CType) -> bool:
    """TYPE_UNSIGNED after check_typedef: pointers are unsigned in gdb (make_pointer_type)."""
    s = t.strip()
    if s.kind == "pointer":
        return True
    if s.kind == "int" and s.encoding == DW_ATE_UTF:
        return True                                   # init_character_type (..., unsigned=1)
    if s.kind in ("int", "enum"):
        return bool(s.is_unsigned)
    return False


def extract(data: bytes, signed: bool) -> int:
    """extract_signed_integer / extract_unsigned_integer (little-endian)."""
    return int.from_bytes(data, "little", signed=signed) if data else 0


# ---- integers in a radix (print_*_chars; they print the raw bytes, whatever the type) ---
def decimal_chars(data: bytes, signed: bool) -> str:
    """print_decimal_chars."""
    return str(extract(data, signed))


def hex_chars(data: bytes, zero_pad: bool) -> str:
    """print_hex_chars: leading zero bytes dropped unless zero-padding (/z)."""
    v = extract(data, False)
    return "0x" + (format(v, f"0{2 * len(data)}x") if zero_pad else format(v, "x"))


def octal_chars(data: bytes) -> str:
    """print_octal_chars: a leading 0, and only "0" for zero."""
    v = extract(data, False)
    return "0" + format(v, "o") if v else "0"


def binary_chars(data: bytes, zero_pad: bool, nibbles: bool = False) -> str:
    """print_binary_chars: with ``print nibbles``, groups of four bits after the first one
    seen, the group holding it printed whole."""
    v = extract(data, False)
    if not nibbles:
        return format(v, f"0{8 * len(data)}b") if zero_pad else format(v, "b")
    out = []
    seen_one = False
    for byte in reversed(data):
        for i in range(8):
            bit = byte & (0x80 >> i)
            b = "1" if bit else "0"
            if seen_one and i % 4 == 0:
                out.append(" ")
            if zero_pad or seen_one or bit:
                out.append(b)
            elif (0xF0 & (0x80 >> i) and byte & 0xF0) or (0x0F & (0x80 >> i) and byte & 0x0F):
                out.append(b)
            seen_one = seen_one or bool(bit)
    if not zero_pad and not seen_one:
        out.append("0")
    return "".join(out)


def longest_hex(v: int) -> str:
    """print_longest (stream, 'x', 0, v): hex without prefix of a LONGEST's 64 bits."""
    return format(v & ((1 << 64) - 1), "x")


# ---- floats ----------------------------------------------------------------------
def _fields(fmt: FloatFormat, data: bytes) -> tuple[int, int, int]:
    """(sign, biased exponent, stored mantissa) of a float in ``fmt``."""
    v = extract(data[:fmt.total_bits // 8], False)
    mant = v & ((1 << fmt.man_bits) - 1)
    exp = (v >> fmt.man_bits) & ((1 << fmt.exp_bits) - 1)
    sign = v >> (fmt.man_bits + fmt.exp_bits) & 1
    return sign, exp, mant


def _exact(fmt: FloatFormat, data: bytes) -> tuple[int, int, int]:
    """The finite value as (sign, integer significand, power of two)."""
    sign, exp, mant = _fields(fmt, data)
    bias = (1 << (fmt.exp_bits - 1)) - 1
    if fmt.intbit:
        frac_bits = fmt.man_bits - 1
        e = (exp if exp else 1) - bias - frac_bits
        return sign, mant, e
    frac_bits = fmt.man_bits
    if exp == 0:
        return sign, mant, 1 - bias - frac_bits
    return sign, mant | (1 << frac_bits), exp - bias - frac_bits


def _decimal_dig(fmt: FloatFormat) -> int:
    """floatformat_printf_format: ceil(1 + p * log10(2)) significant digits (9, 17, 21)."""
    d = 1 + fmt.precision * .30102999566398119521
    n = int(d)
    return n + 1 if n < d else n


def format_g(sign: int, significand: int, exp2: int, precision: int) -> str:
    """C's ``%.<precision>g`` of sign * significand * 2**exp2, correctly rounded
    (round-half-even on the exact binary value, as glibc's printf does)."""
    minus = "-" if sign else ""
    if significand == 0:
        return minus + "0"
    # Exact: m * 2**-k == (m * 5**k) * 10**-k.
    exact = Decimal(significand << exp2) if exp2 >= 0 else Decimal(significand * 5 ** -exp2).scaleb(exp2)
    ctx = Context(prec=precision, rounding=ROUND_HALF_EVEN)
    rounded = ctx.plus(exact)
    digits, x = rounded.as_tuple().digits, rounded.adjusted()
    text = "".join(map(str, digits)).ljust(precision, "0")
    if -4 <= x < precision:
        if x >= 0:
            body = text[:x + 1] + "." + text[x + 1:]
        else:
            body = "0." + "0" * (-x - 1) + text
        body = body.rstrip("0").rstrip(".") if "." in body else body
        return minus + body
    mant = text[0] + "." + text[1:]
    mant = mant.rstrip("0").rstrip(".")
    return minus + mant + ("e-" if x < 0 else "e+") + format(abs(x), "02d")


def float_to_string(data: bytes, length: int, name: str | None = None) -> str:
    """target_float_to_string (no format): ``<invalid float value>``, ``[-]nan(0x...)``,
    ``[-]inf``, else %g with the format's DECIMAL_DIG digits."""
    fmt = float_format(length, name)
    if fmt is None:
        return "<invalid float value>"
    sign, exp, mant = _fields(fmt, data)
    exp_nan = (1 << fmt.exp_bits) - 1
    if fmt.intbit and (exp == 0) != (mant >> (fmt.man_bits - 1) == 0):
        return "<invalid float value>"              # floatformat_i387_ext_is_valid
    frac = mant & ((1 << (fmt.man_bits - 1)) - 1) if fmt.intbit else mant
    if exp == exp_nan:
        s = "-" if sign else ""
        if frac:
            return f"{s}nan(0x{_mantissa_hex(fmt, mant)})"
        return f"{s}inf"
    sign, significand, e2 = _exact(fmt, data)
    return format_g(sign, significand, e2, _decimal_dig(fmt))


def _mantissa_hex(fmt: FloatFormat, mant: int) -> str:
    """floatformat_mantissa: the top (man_bits % 32 or 32) bits with %lx, then 32-bit
    chunks with %08lx."""
    first = fmt.man_bits % 32 or 32
    rest = fmt.man_bits - first
    out = format(mant >> rest, "x")
    while rest > 0:
        rest -= 32
        out += format((mant >> rest) & 0xFFFFFFFF, "08x")
    return out


def float_to_longest(data: bytes, length: int) -> int:
    """host_float_ops::to_longest: truncation toward zero, saturating; NaN gives LONGEST_MAX."""
    fmt = float_format(length)
    if fmt is None:
        return 0
    sign, exp, mant = _fields(fmt, data)
    if fmt.intbit and exp != 0 and not mant >> (fmt.man_bits - 1):
        return LONGEST_MAX                  # an unnormal: the x87 loads it as a NaN
    if exp == (1 << fmt.exp_bits) - 1:
        frac = mant & ((1 << (fmt.man_bits - 1)) - 1) if fmt.intbit else mant
        if frac:
            return LONGEST_MAX
        return LONGEST_MIN if sign else LONGEST_MAX
    sign, significand, e2 = _exact(fmt, data)
    mag = significand << e2 if e2 >= 0 else significand >> -e2
    v = -mag if sign else mag
    if v >= 1 << 63:
        return LONGEST_MAX
    if v < LONGEST_MIN:
        return LONGEST_MIN
    return v


def is_complex(t: CType) -> bool:
    s = t.strip()
    return s.kind == "float" and s.encoding == DW_ATE_complex_float


# ---- enums ----------------------------------------------------------------------
def is_flag_enum(t: CType) -> bool:
    """gdb 13's TYPE_FLAG_ENUM (dwarf2/read.c process_enumeration_scope): every
    enumerator non-negative with at most one bit set (duplicates allowed)."""
    if not t.enumerators:
        return False
    return all(v >= 0 and v.bit_count() <= 1 for _, v in t.enumerators)


def enum_text(t: CType, val: int) -> str:
    """generic_val_print_enum_1: the enumerator's name; for a flag enum the names of
    its bits ``(A | B)`` and ``unknown: 0x..`` for the rest; else the number."""
    for name, v in t.enumerators:
        if v == val:
            return name
    if not is_flag_enum(t):
        return str(val)
    parts: list[str] = []
    for name, v in t.enumerators:
        if val & v:
            parts.append(name)
            val &= ~v
    if val:
        parts.append("unknown: 0x" + longest_hex(val))
    if not parts:
        return "0"
    return "(" + " | ".join(parts) + ")"
