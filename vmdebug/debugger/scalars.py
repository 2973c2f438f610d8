"""A value's contents as numbers: reading them (gdb's lazy values fetched), and making
values from Python ints and floats in the target's formats (two's complement, IEEE
single and double, IEEE half and bfloat16 for the vector registers, x87's 80-bit
extended).  Kept apart from the evaluator, which every printer, register reader and
command uses these through."""
from __future__ import annotations

import math
import struct
from typing import TYPE_CHECKING

from vmdebug.debuginfo.ctype import CType
from vmdebug.debugger.values import DebugError, Value

if TYPE_CHECKING:
    from vmdebug.debugger.evaluate import EvalContext

MAX_VALUE_SIZE = 65536                 # gdb's `max-value-size`


# ---- contents -----------------------------------------------------------------------
def fetch(ctx: "EvalContext", v: Value, partial: bool = False) -> bytes:
    """The value's bytes, reading memory or the register the first time.  Using a value
    some of whose bytes were optimized out is an error, except to print it (``partial``)."""
    if v.optimized_out:
        raise DebugError("value has been optimized out")
    if v.data is not None:
        # An implicit pointer's bytes (2) read as zeros, as gdb's do; only bytes that
        # were optimized out (0) stop a use of the value.
        if v.valid is not None and not partial and not all(v.valid):
            raise DebugError("value has been optimized out")
        return v.data
    size = v.type.length
    if size > MAX_VALUE_SIZE:
        raise DebugError(f"value requires {size} bytes, which is more than max-value-size")
    if v.lval == "memory" and v.address is not None:
        if v.bitsize:
            nbytes = (v.bitpos % 8 + v.bitsize + 7) // 8
            raw = int.from_bytes(ctx.read(v.address + v.bitpos // 8, nbytes), "little")
            field_bits = (raw >> (v.bitpos % 8)) & ((1 << v.bitsize) - 1)
            if v.type.strip().is_unsigned is False and v.type.code in ("int", "enum") and \
                    not v.type.strip().is_unsigned and field_bits >> (v.bitsize - 1):
                field_bits -= 1 << v.bitsize
            v.data = (field_bits & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
        else:
            v.data = ctx.read(v.address, size)
        return v.data
    if v.lval == "register" and v.regno is not None and ctx.reg_value is not None:
        reg = ctx.reg_value(v.regno)
        if reg is None:
            raise DebugError("value has been optimized out")
        v.data = (reg & ((1 << (8 * max(size, 4))) - 1)).to_bytes(max(size, 4), "little")[:size]
        return v.data
    raise DebugError("value is not available")


def as_int(v: Value, ctx: "EvalContext | None" = None) -> int:
    """A scalar as a Python int (signed or unsigned as its type is)."""
    data = v.data if v.data is not None or ctx is None else fetch(ctx, v)
    if data is None:
        raise DebugError("value is not available")
    t = v.type.strip()
    if t.kind == "float":
        return int(as_float(v, data))
    n = int.from_bytes(data[:max(t.length, 1)], "little")
    bits = 8 * max(t.length, 1)
    if signed_type(t) and n >> (bits - 1):
        n -= 1 << bits
    return n


#: The name of the tdesc ``bfloat16`` type of the xmm registers' v8_bfloat16 (gdb's builtin).
BFLOAT16_NAME = "builtin_type_bfloat16"


def as_float(v: Value, data: bytes | None = None) -> float:
    data = data if data is not None else v.data
    assert data is not None
    size = v.type.length
    if size == 2:        # a register's bfloat16 (the high half of a float) or IEEE half
        if v.type.strip().name == BFLOAT16_NAME:
            return struct.unpack("<f", bytes(2) + data[:2])[0]
        return struct.unpack("<e", data[:2])[0]
    if size == 4:
        return struct.unpack("<f", data[:4])[0]
    if size == 8:
        return struct.unpack("<d", data[:8])[0]
    return x87_to_float(data[:10])


def x87_to_float(b: bytes) -> float:
    """An 80-bit x87 extended value (Intel SDM Vol. 1, 4.2.2) as the nearest double."""
    mant = int.from_bytes(b[:8], "little")
    se = int.from_bytes(b[8:10], "little")
    sign = -1.0 if se & 0x8000 else 1.0
    exp = se & 0x7FFF
    if exp == 0x7FFF:
        return sign * math.inf if (mant << 1) & ((1 << 64) - 1) == 0 else math.nan
    if exp == 0 and mant == 0:
        return sign * 0.0
    try:
        return sign * math.ldexp(mant, exp - 16383 - 63)
    except OverflowError:
        return sign * math.inf


def signed_type(t: CType) -> bool:
    """Whether a scalar of ``t`` is read as signed (a pointer never is)."""
    t = t.strip()
    if t.kind == "pointer":
        return False
    return not t.is_unsigned


def make_int(t: CType, n: int) -> Value:
    size = max(t.length, 1)
    return Value(t, (n & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))


def make_float(t: CType, x: float) -> Value:
    size = t.length
    if size == 2:
        if t.strip().name == BFLOAT16_NAME:
            f32 = int.from_bytes(struct.pack("<f", x if abs(x) <= 3.4e38 or not math.isfinite(x)
                                             else math.copysign(math.inf, x)), "little")
            if math.isnan(x):
                data = (0x7FC0).to_bytes(2, "little")
            else:                                   # round to nearest even on the low 16 bits
                data = ((f32 + 0x7FFF + (f32 >> 16 & 1)) >> 16 & 0xFFFF).to_bytes(2, "little")
        else:
            try:
                data = struct.pack("<e", x)
            except OverflowError:
                data = struct.pack("<e", math.copysign(math.inf, x))
        return Value(t, data)
    if size == 4:
        try:
            data = struct.pack("<f", x)
        except OverflowError:
            data = struct.pack("<f", math.copysign(math.inf, x))
    elif size == 8:
        data = struct.pack("<d", x)
    else:
        data = float_to_x87(x)
    return Value(t, data)


def float_to_x87(x: float) -> bytes:
    sign = 0x8000 if math.copysign(1.0, x) < 0 else 0
    if math.isnan(x):                       # a quiet NaN keeps its sign (the indefinite is negative)
        return (0xC000000000000000).to_bytes(8, "little") + (sign | 0x7FFF).to_bytes(2, "little")
    x = abs(x)
    if math.isinf(x):
        return (1 << 63).to_bytes(8, "little") + (sign | 0x7FFF).to_bytes(2, "little")
    if x == 0:
        return bytes(8) + sign.to_bytes(2, "little")
    m, e = math.frexp(x)                       # x = m * 2**e, 0.5 <= m < 1
    mant = int(m * (1 << 64))
    return mant.to_bytes(8, "little") + (sign | (e - 1 + 16383)).to_bytes(2, "little")
