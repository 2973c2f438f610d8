"""Evaluating gdb's C expressions against a frame of the recorded process.

The rules are gdb 13's (gdb/eval.c, valarith.c, valops.c): integer
promotion and the usual conversions of ``binop_promote`` (sizes of int and
long are 4 on i386; a result no wider than int is int or unsigned int),
arrays decaying to pointers except under ``sizeof`` and ``&``, pointer
arithmetic scaled by the target's size, a pointer difference of type
``long``, comparisons and ``!`` of type int, ``_Bool`` refusing arithmetic,
``ptr.member`` and ``struct->member`` both accepted as gdb accepts them.

Values are lazy: a variable is an lvalue (memory or register) whose bytes are
read when needed, and every read is noted in the context - which is how
watchpoints learn what to watch.  The history cannot change, so assignment
and function calls are refused with one line.
"""
from __future__ import annotations

import math
import struct
from typing import Any, Callable

from events.record import Record
from vmdebug.debuginfo import ctype as T
from vmdebug.debuginfo.ctype import CType
from vmdebug.debugger.values import DebugError, Value

MAX_VALUE_SIZE = 65536                 # gdb's `max-value-size`


class EvalContext(Record):
    """What an expression can see.  Filled by the debugger for the selected frame."""

    def __init__(self, read_mem: Callable[[int, int], bytes], lookup: Callable[[str], Value | None],
                 read_reg: Callable[[str], Value | None], history: list[Value] | None = None,
                 convenience: dict[str, Value] | None = None, regs_read: set[str] | None = None,
                 mem_read: list[tuple[int, int]] | None = None,
                 reg_value: Callable[[int], int | None] | None = None, blocks_used: list[Any] | None = None,
                 special: Callable[[str], Value | None] | None = None,
                 warn: Callable[[str], None] | None = None,
                 indirect: Callable[[int, int, CType], Value] | None = None,
                 entry: Callable[[str], Value] | None = None,
                 scoped: Callable[[str, str], Value] | None = None) -> None:
        self.read_mem = read_mem  # raises DebugError when unmapped
        self.lookup = lookup  # a variable, function or enumerator
        self.read_reg = read_reg  # $eax, $pc, ...
        self.history = [] if history is None else history
        self.convenience = {} if convenience is None else convenience
        self.regs_read = set() if regs_read is None else regs_read
        self.mem_read = [] if mem_read is None else mem_read
        self.reg_value = reg_value  # a DWARF register of the frame
        self.blocks_used = [] if blocks_used is None else blocks_used  # blocks whose locals were named
        #: Locals named that need no frame (a constant, a static, one optimized out), by name:
        #: a display binds them as gdb's parsed expression binds its symbols.
        self.bound: dict[str, Any] = {}
        self.special = special  # gdb's computed $_siginfo, $_exitcode
        self.warn = warn        # gdb's warning(): said at once, the evaluation goes on
        self.indirect = indirect  # the object an implicit pointer points to (DIE, offset, type)
        self.types_only = False  # gdb's EVAL_AVOID_SIDE_EFFECTS (whatis, ptype, sizeof)
        self.entry = entry  # NAME@entry: a parameter's value on entry to its function
        self.scoped = scoped  # FUNC::NAME and ::NAME
        #: gdb's internal functions ($_streq(...)): (name, argument nodes) -> the value, or
        #: None when the name is not one (vmdebug.debugger.internal_functions).
        self.internal: Callable[[str, list[Any]], Value | None] | None = None
        #: A process runs (gdb could copy a value into it, value_coerce_to_target).
        self.live = False

    def read(self, address: int, size: int) -> bytes:
        self.mem_read.append((address & 0xFFFFFFFF, size))
        return self.read_mem(address & 0xFFFFFFFF, size)


# ---- contents -----------------------------------------------------------------------
def fetch(ctx: EvalContext, v: Value, partial: bool = False) -> bytes:
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


def as_int(v: Value, ctx: EvalContext | None = None) -> int:
    """A scalar as a Python int (signed or unsigned as its type is)."""
    data = v.data if v.data is not None or ctx is None else fetch(ctx, v)
    if data is None:
        raise DebugError("value is not available")
    t = v.type.strip()
    if t.kind == "float":
        return int(as_float(v, data))
    n = int.from_bytes(data[:max(t.length, 1)], "little")
    bits = 8 * max(t.length, 1)
    if _signed(t) and n >> (bits - 1):
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
    return _x87_to_float(data[:10])


def _x87_to_float(b: bytes) -> float:
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


def _signed(t: CType) -> bool:
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
        data = _float_to_x87(x)
    return Value(t, data)


def _float_to_x87(x: float) -> bytes:
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


# ---- coercions ----------------------------------------------------------------------
def coerce_array(ctx: EvalContext, v: Value) -> Value:
    """An array decays to a pointer to its first element, a function to a pointer to it
    (gdb value_coerce_array / value_coerce_function)."""
    t = v.type.strip()
    if t.kind == "array":
        if v.lval != "memory" or v.address is None:
            raise DebugError("Attempt to take address of value not located in memory.")
        return make_int(T.pointer_to(t.target or T.VOID), v.address)
    if t.kind == "func":
        return make_int(T.pointer_to(v.type), v.code_address if v.code_address is not None else v.address or 0)
    return v


def rvalue(ctx: EvalContext, v: Value) -> Value:
    """The value with its contents, arrays and functions decayed."""
    v = coerce_array(ctx, v)
    if v.type.code == "error":
        raise DebugError(f"'{v.name}' has unknown type; cast it to its declared type")
    fetch(ctx, v)
    return v


def truth(ctx: EvalContext, v: Value) -> bool:
    """gdb value_logical_not: a number against zero, anything else by its bytes."""
    v = rvalue(ctx, v)
    t = v.type.strip()
    if t.kind == "float":
        return as_float(v) != 0
    if t.kind in ("struct", "union", "array"):
        return any(fetch(ctx, v))
    return as_int(v) != 0


def _aggregate(t: CType) -> bool:
    return t.strip().kind in ("struct", "union")


def no_user_operator(op: str, a: CType, b: CType | None = None) -> None:
    """gdb looks for a C++ operator when an operand is a struct or union
    (binop_user_defined_p / unop_user_defined_p, then value_x_binop's lookup), and C
    has none: its errors, before any arithmetic is tried."""
    if _aggregate(a):
        raise DebugError(f"Structure has no component named operator{op}.")
    if b is not None and _aggregate(b):
        raise DebugError("Can't do that binary op on that type")


def convert(ctx: EvalContext, v: Value, t: CType) -> Value:
    """``(T) v`` for scalars (gdb value_cast)."""
    v = rvalue(ctx, v)
    src = v.type.strip()
    dst = t.strip()
    if dst.kind == "void":
        return Value(t, b"")
    if dst.kind in ("struct", "union", "array"):
        if src.kind == dst.kind and v.type.length == t.length:
            return Value(t, v.data, v.lval, v.address)
        raise DebugError("Invalid cast.")
    if dst.kind == "float":
        x = as_float(v) if src.kind == "float" else float(as_int(v))
        return make_float(t, x)
    if src.kind == "float":
        x = as_float(v)
        if math.isnan(x) or math.isinf(x):
            return make_int(t, 0)
        n = int(x)
        if dst.kind == "int" and dst.encoding == T.DW_ATE_boolean:
            n = int(x != 0)
        return make_int(t, n)
    if src.kind in ("struct", "union"):
        raise DebugError("Invalid cast.")
    n = as_int(v)
    if dst.is_bool():
        n = int(n != 0)
    return make_int(t, n)


# ---- arithmetic ---------------------------------------------------------------------
def promote(a: CType, b: CType | None = None) -> CType:
    """gdb binop_promote for C integers (unary when ``b`` is None)."""
    ta, tb = a.strip(), (b.strip() if b is not None else None)
    if ta.kind == "float" or (tb is not None and tb.kind == "float"):
        cands = [t for t in (ta, tb) if t is not None and t.kind == "float"]
        return max(cands, key=lambda t: t.length)
    len1, uns1 = ta.length, ta.is_unsigned
    if len1 < 4:
        len1, uns1 = 4, False
    if tb is None:
        len2, uns2 = len1, uns1
    else:
        len2, uns2 = tb.length, tb.is_unsigned
        if len2 < 4:
            len2, uns2 = 4, False
    if len1 > len2:
        unsigned, size = uns1, len1
    elif len2 > len1:
        unsigned, size = uns2, len2
    else:
        unsigned, size = uns1 or uns2, len1
    if size <= 4:
        return T.UINT if unsigned else T.INT
    return T.ULONGLONG if unsigned else T.LONGLONG


def _is_integral(t: CType) -> bool:
    return t.strip().kind in ("int", "enum")


def _is_number(t: CType) -> bool:
    return t.strip().kind in ("int", "enum", "float")


def binop(ctx: EvalContext, op: str, a: Value, b: Value) -> Value:
    no_user_operator(op, a.type, b.type)
    a, b = rvalue(ctx, a), rvalue(ctx, b)
    ta, tb = a.type.strip(), b.type.strip()
    if op in ("+", "-") and ta.kind == "pointer" and _is_integral(tb):
        return _ptr_add(a, as_int(b) if op == "+" else -as_int(b))
    if op == "+" and tb.kind == "pointer" and _is_integral(ta):
        return _ptr_add(b, as_int(a))
    if op == "-" and ta.kind == "pointer" and tb.kind == "pointer":
        sa, sb = _elt_size(ta), _elt_size(tb)
        if sa != sb:
            raise DebugError("First argument of `-' is a pointer and second argument is neither\n"
                             "an integer nor a pointer of the same type.")
        diff = _sx32(as_int(a) - as_int(b))
        return make_int(T.LONG, int(diff / sa) if sa else diff)
    if op in ("==", "!=", "<", ">", "<=", ">=") and (ta.kind == "pointer" or tb.kind == "pointer"):
        x, y = as_int(a) & 0xFFFFFFFF, as_int(b) & 0xFFFFFFFF
        return make_int(T.INT, int(_compare(op, x, y)))
    if ta.kind == "int" and tb.kind == "int" and ta.is_bool() and tb.is_bool() and op not in (
            "==", "!=", "&&", "||"):
        raise DebugError("Invalid operation on booleans.")
    if not (_is_number(ta) and _is_number(tb)):
        if ta.kind in ("struct", "union") or tb.kind in ("struct", "union"):
            raise DebugError("Argument to arithmetic operation not a number or boolean.")
        if ta.kind == "pointer" or tb.kind == "pointer":
            raise DebugError("Argument to arithmetic operation not a number or boolean.")
        raise DebugError("Argument to arithmetic operation not a number or boolean.")
    rt = promote(ta, tb)
    if rt.kind == "float":
        x = as_float(a) if ta.kind == "float" else float(as_int(a))
        y = as_float(b) if tb.kind == "float" else float(as_int(b))
        if op in ("==", "!=", "<", ">", "<=", ">="):
            return make_int(T.INT, int(_compare(op, x, y)))
        if op == "+":
            return make_float(rt, x + y)
        if op == "-":
            return make_float(rt, x - y)
        if op == "*":
            return make_float(rt, x * y)
        if op == "/":
            if y == 0:
                # gdb divides on the host (x86 SSE): NaN / 0 is that NaN, 0 / 0 the default
                # NaN, whose sign bit is set (SDM vol. 1, 4.8.3.7 "QNaN Floating-Point Indefinite").
                if math.isnan(x):
                    return make_float(rt, x)
                return make_float(rt, math.copysign(math.inf, x) * math.copysign(1, y) if x else -math.nan)
            return make_float(rt, x / y)
        # valarith.c scalar_binop: %, &, |, ^, << and >> take integers only
        raise DebugError("Integer-only operation on floating point number.")
    bits = 8 * rt.length
    x, y = _fit(as_int(a), rt), _fit(as_int(b), rt)
    if op in ("==", "!=", "<", ">", "<=", ">="):
        return make_int(T.INT, int(_compare(op, x, y)))
    if op in ("/", "%"):
        if y == 0:
            raise DebugError("Division by zero")
        q = abs(x) // abs(y)
        if (x < 0) != (y < 0):
            q = -q
        return make_int(rt, q if op == "/" else x - q * y)
    if op in ("<<", ">>"):
        rt = promote(ta)
        bits = 8 * rt.length
        x = _fit(as_int(a), rt)
        # valarith.c check_valid_shift_count: a count out of range warns, and gives 0
        side = "left" if op == "<<" else "right"
        if y < 0 or y >= bits:
            if ctx.warn is not None:
                ctx.warn(f"{side} shift count is negative" if y < 0 else f"{side} shift count >= width of type")
            return make_int(rt, 0)
        return make_int(rt, x << y if op == "<<" else x >> y)
    r = {"+": x + y, "-": x - y, "*": x * y, "&": x & y, "|": x | y, "^": x ^ y}.get(op)
    if r is None:
        raise DebugError(f"A syntax error in expression, near `{op}'.")
    return make_int(rt, r & ((1 << bits) - 1))


def _sx32(n: int) -> int:
    n &= 0xFFFFFFFF
    return n - (1 << 32) if n & 0x80000000 else n


def _fit(n: int, t: CType) -> int:
    bits = 8 * t.length
    n &= (1 << bits) - 1
    if not t.is_unsigned and n >> (bits - 1):
        n -= 1 << bits
    return n


def _compare(op: str, x: Any, y: Any) -> bool:
    return {"==": x == y, "!=": x != y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]


def _elt_size(t: CType) -> int:
    target = (t.target or T.VOID).strip()
    if target.kind in ("void", "func"):
        return 1
    return max(target.length, 1) if target.length else 1


def _ptr_add(p: Value, n: int) -> Value:
    t = p.type
    size = _elt_size(t.strip())
    if (t.strip().target or T.VOID).strip().length == 0 and (t.strip().target or T.VOID).strip().kind not in (
            "void", "func"):
        raise DebugError("Cannot perform pointer math on incomplete type \"%s\", try casting to a known type, "
                         "or void *." % _type_name(t.strip().target))
    out = make_int(t, (as_int(p) + n * size) & 0xFFFFFFFF)
    if p.synthetic:
        # value_ptradd keeps an implicit pointer's location (set_value_component_location):
        # the sum is still synthetic, and ``*`` adds the moved offset.
        out.valid, out.synthetic = p.valid, p.synthetic
    return out


def _type_name(t: CType | None) -> str:
    from vmdebug.debuginfo.typeprint import type_name
    return type_name(t) if t is not None else "void"


def unop(ctx: EvalContext, op: str, v: Value) -> Value:
    no_user_operator(op, v.type)
    v = rvalue(ctx, v)
    t = v.type.strip()
    if op == "!":
        if t.kind == "float":
            return make_int(T.INT, int(as_float(v) == 0))
        if t.kind in ("struct", "union"):
            raise DebugError("Argument to arithmetic operation not a number or boolean.")
        return make_int(T.INT, int(as_int(v) == 0))
    if t.kind == "float":
        if op == "-":
            # gdb's value_neg computes 0 - x: exact, so flipping the sign bit gives the same
            # (a long double keeps its 64-bit significand, which a Python float would round),
            # except that 0 - (+-0) is +0 and 0 - NaN is that NaN.
            x = as_float(v)
            if x == 0:
                return make_float(v.type, 0.0)
            if math.isnan(x):
                return v
            data = bytearray(v.data or bytes(v.type.length))
            size = v.type.length
            data[min(size, 10) - 1] ^= 0x80
            return Value(v.type, bytes(data))
        if op == "+":
            return v
        raise DebugError("Argument to complement operation not an integer, boolean.")
    if not _is_integral(t):
        # valarith.c value_neg / value_pos / value_complement
        raise DebugError({"-": "Argument to negate operation not a number.",
                          "+": "Argument to positive operation not a number.",
                          "~": "Argument to complement operation not an integer, boolean."}[op])
    if t.is_bool() and op != "+":
        if op == "~":
            raise DebugError("Argument to complement operation not an integer, boolean.")
    rt = promote(t)
    n = as_int(v)
    if op == "-":
        return make_int(rt, -n)
    if op == "+":
        return make_int(rt, n)
    return make_int(rt, ~n)


def deref(ctx: EvalContext, v: Value) -> Value:
    """``*v`` (gdb value_ind): a pointer's target; an integer is used as an address of
    an int-sized... long, as gdb does; a function stays itself."""
    t = v.type.strip()
    if t.kind == "func":
        return v
    if t.kind == "array":
        v = coerce_array(ctx, v)
        t = v.type.strip()
    if t.kind in ("struct", "union"):
        # gdb looks for a C++ operator* before it gives up (value_x_unop), taking the address.
        if v.lval != "memory":
            raise DebugError("Attempt to take address of value not located in memory.")
        raise DebugError("Structure has no component named operator*.")
    if t.kind == "pointer" and v.synthetic:
        found = _indirect_synthetic(ctx, v, t)
        if found is not None:
            return found
    v = rvalue(ctx, v)
    if t.kind == "pointer":
        target = t.target or T.VOID
        tt = target.strip()
        if tt.kind == "void":
            raise DebugError("Attempt to dereference a generic pointer.")     # eval.c unop_ind
        if tt.kind == "func":
            return Value(target, None, "memory", as_int(v) & 0xFFFFFFFF, code_address=as_int(v) & 0xFFFFFFFF)
        return Value(target, None, "memory", as_int(v) & 0xFFFFFFFF)
    if t.kind in ("int", "enum"):
        return Value(T.LONG, None, "memory", as_int(v) & 0xFFFFFFFF)

    raise DebugError("Attempt to take contents of a non-pointer value.")


def _indirect_synthetic(ctx: EvalContext, v: Value, t: CType) -> Value | None:
    """``*p`` of an implicit pointer (dwarf2/expr.c indirect_pieced_value): when the
    pointer's first byte is an implicit-pointer piece, the object its DIE describes, at
    the piece's offset plus the pointer's own (zero unless arithmetic moved it); None
    when it is not synthetic there."""
    for start, size, die, offset in v.synthetic:
        if start != 0:
            continue
        if size != t.length:
            raise DebugError("Invalid use of DW_OP_implicit_pointer")
        if ctx.indirect is None:
            raise DebugError("access outside bounds of object referenced via synthetic pointer")
        data = fetch(ctx, v, partial=True)
        moved = int.from_bytes(data[:t.length], "little", signed=True)
        return ctx.indirect(die, offset + moved, t.target or T.VOID)
    return None


def address_of_variable(ctx: EvalContext, v: Value, name: str) -> Value:
    """``&name`` (valops.c address_of_variable): a variable in memory, or a function,
    has an address; one in a register says which; anything else - a value computed by
    its DWARF, assembled from pieces, or optimized out - is not an lvalue."""
    t = v.type.strip()
    if t.kind == "func" or (v.lval == "memory" and v.address is not None and not v.bitsize
                            and not v.optimized_out):
        return address_of(ctx, v)
    if ctx.types_only:
        # var_value_operation::evaluate_for_address under EVAL_AVOID_SIDE_EFFECTS: only
        # the type matters, a zero pointer to the variable's type.
        return make_int(T.pointer_to(v.type), 0)
    if v.lval == "register":
        return address_of(ctx, v)
    raise DebugError(f'Can\'t take address of "{name}" which isn\'t an lvalue.')


def address_of(ctx: EvalContext, v: Value) -> Value:
    t = v.type.strip()
    if t.kind == "func":
        return make_int(T.pointer_to(v.type), v.code_address if v.code_address is not None else v.address or 0)
    if v.bitsize:
        raise DebugError("Attempt to take address of value not located in memory.")
    if v.lval == "register":
        raise DebugError(f"Address requested for identifier \"{v.name}\" which is in register "
                         f"${_REG_NAMES.get(v.regno or 0, 'eax')}")
    if v.lval != "memory" or v.address is None:
        raise DebugError("Attempt to take address of value not located in memory.")
    return make_int(T.pointer_to(v.type), v.address)


_REG_NAMES = {0: "eax", 1: "ecx", 2: "edx", 3: "ebx", 4: "esp", 5: "ebp", 6: "esi", 7: "edi", 8: "eip"}


def member(ctx: EvalContext, v: Value, name: str, arrow: bool) -> Value:
    """``v.name`` / ``v->name``: gdb follows a pointer for either (an array is a pointer
    to its first element: value_struct_elt coerces it), and errors as it does."""
    t = v.type.strip()
    if t.kind == "array":
        v = coerce_array(ctx, v)
        t = v.type.strip()
    if t.kind == "pointer":
        target = (t.target or T.VOID).strip()
        if target.kind not in ("struct", "union"):
            raise DebugError("Attempt to extract a component of a value that is not a structure pointer."
                             if arrow else "Attempt to extract a component of a value that is not a structure.")
        v = deref(ctx, v)
        t = v.type.strip()
    elif t.kind not in ("struct", "union"):
        raise DebugError("Attempt to extract a component of a value that is not a structure pointer."
                         if arrow else "Attempt to extract a component of a value that is not a structure.")
    elif arrow and v.lval != "memory":
        # eval_op_structop_ptr tries a C++ operator-> first, which takes the address.
        raise DebugError("Attempt to take address of value not located in memory.")
    found = _find_member(t, name, 0)
    if found is None:
        raise DebugError(f"There is no member named {name}.")
    m, bitpos = found
    return _member_value(ctx, v, m, bitpos)


def _find_member(t: CType, name: str, base: int) -> tuple[Any, int] | None:
    """A member by name, looking into anonymous structs and unions (gdb search_struct_field)."""
    for m in t.members:
        if m.name == name:
            return m, base + m.bitpos
    for m in t.members:
        if m.name is None and m.type.strip().kind in ("struct", "union"):
            found = _find_member(m.type.strip(), name, base + m.bitpos)
            if found is not None:
                return found
    return None


def _member_value(ctx: EvalContext, v: Value, m: Any, bitpos: int) -> Value:
    if m.bit_size:
        if v.lval == "memory" and v.address is not None and v.data is None:
            return Value(m.type, None, "memory", v.address, bitpos=bitpos, bitsize=m.bit_size, name=m.name or "")
        data = fetch(ctx, v)
        raw = int.from_bytes(data, "little") >> bitpos & ((1 << m.bit_size) - 1)
        if not m.type.strip().is_unsigned and raw >> (m.bit_size - 1):
            raw -= 1 << m.bit_size
        return make_int(m.type, raw)
    off = bitpos // 8
    if v.lval == "memory" and v.address is not None and v.data is None:
        return Value(m.type, None, "memory", v.address + off, name=m.name or "")
    fetch(ctx, v, partial=True)
    return v.part(m.type, off)


def index(ctx: EvalContext, v: Value, i: Value) -> Value:
    """``v[i]``: an array element (still an lvalue in memory) or ``*(v + i)``."""
    t = v.type.strip()
    no_user_operator("[]", v.type)
    iv = rvalue(ctx, i)
    if not _is_integral(iv.type):
        if _is_integral(t) and iv.type.strip().kind in ("pointer", "array"):
            return index(ctx, i, v)
        raise DebugError("Argument to arithmetic operation not a number or boolean.")
    n = as_int(iv)
    if t.kind == "array":
        elt = t.target or T.VOID
        if v.lval == "memory" and v.address is not None:
            return Value(elt, None, "memory", (v.address + n * elt.length) & 0xFFFFFFFF)
        fetch(ctx, v, partial=True)
        if not 0 <= n < (t.count or 0):
            raise DebugError("no such vector element")
        return v.part(elt, n * elt.length)
    if t.kind == "pointer":
        return deref(ctx, _ptr_add(rvalue(ctx, v), n))
    raise DebugError(f"cannot subscript something of type `{_type_name(v.type)}'")


def artificial_array(ctx: EvalContext, v: Value, n: Value) -> Value:
    """gdb's ``*p@N``: N objects from where ``v`` is."""
    count = as_int(rvalue(ctx, n))
    if count <= 0:
        raise DebugError(f"Invalid number {count} of repetitions.")
    if v.lval != "memory" or v.address is None:
        raise DebugError("Only values in memory can be extended with '@'.")
    return Value(T.array_of(v.type, count), None, "memory", v.address)


def sizeof_type(t: CType) -> Value:
    st = t.strip()
    if st.kind == "void":
        return make_int(T.UINT, 1)
    if st.kind in ("struct", "union", "enum") and st.stub:
        raise DebugError("Attempt to take size of incomplete type")
    # gdb types sizeof as int (evaluate_subexp_for_sizeof with the C int type).
    return make_int(T.INT, t.length if st.kind != "func" else 1)


# ---- the walk ----------------------------------------------------------------------
def evaluate(node: Any, ctx: EvalContext) -> Value:
    """The value of an expression tree from :mod:`vmdebug.debugger.expressions`."""
    kind = node[0]
    if kind == "num":
        return make_int(node[2], node[1])
    if kind == "float":
        return make_float(node[2], node[1])
    if kind == "str":
        data = node[1] + b"\0"
        return Value(T.array_of(T.CHAR, len(data)), data)
    if kind == "type":
        raise DebugError("Attempt to use a type name as an expression")
    if kind == "var":
        v = ctx.lookup(node[1])
        if v is None:
            raise DebugError(f'No symbol "{node[1]}" in current context.')
        return v
    if kind == "dollar":
        return dollar(node[1], ctx)
    if kind == "scope":
        if ctx.scoped is None:
            raise DebugError(f'No symbol "{node[2]}" in current context.')
        return ctx.scoped(node[1], node[2])
    if kind == "entry":
        if ctx.entry is None:
            raise DebugError(f'@entry can be used only for function parameters, not for "{node[1]}"')
        return ctx.entry(node[1])
    if kind == "un":
        op = node[1]
        if op == "&":
            if node[2][0] == "var":
                return address_of_variable(ctx, evaluate(node[2], ctx), node[2][1])
            if node[2][0] == "un" and node[2][1] == "*":
                # unop_ind_base_operation::evaluate_for_address: ``&*x`` is x, arrays decayed
                # (a struct first looks for a user-defined operator*, as deref does).
                x = evaluate(node[2][2], ctx)
                if x.type.strip().kind not in ("struct", "union"):
                    return coerce_array(ctx, x)
            return address_of(ctx, evaluate(node[2], ctx))
        if op == "*":
            return deref(ctx, evaluate(node[2], ctx))
        return unop(ctx, op, evaluate(node[2], ctx))
    if kind == "bin":
        op = node[1]
        if op == "@":
            return artificial_array(ctx, evaluate(node[2], ctx), evaluate(node[3], ctx))
        if op == "&&":
            a = evaluate(node[2], ctx)
            no_user_operator(op, a.type, type_of(node[3], ctx))
            if not truth(ctx, a):
                return make_int(T.INT, 0)
            return make_int(T.INT, int(truth(ctx, evaluate(node[3], ctx))))
        if op == "||":
            a = evaluate(node[2], ctx)
            no_user_operator(op, a.type, type_of(node[3], ctx))
            if truth(ctx, a):
                return make_int(T.INT, 1)
            return make_int(T.INT, int(truth(ctx, evaluate(node[3], ctx))))
        return binop(ctx, op, evaluate(node[2], ctx), evaluate(node[3], ctx))
    if kind == "?":
        return evaluate(node[2] if truth(ctx, evaluate(node[1], ctx)) else node[3], ctx)
    if kind == "comma":
        evaluate(node[1], ctx)
        return evaluate(node[2], ctx)
    if kind == "cast":
        return cast(ctx, node[1], evaluate(node[2], ctx))
    if kind == "brace":
        operand = evaluate(node[2], ctx)
        t = node[1].strip()
        if ctx.live and operand.type.strip().kind == "array" and operand.lval != "memory" \
                and operand.data is not None and t.length <= len(operand.data):
            # {char[5]}"hello" (the manual's way to search for a string without its NUL):
            # gdb copies the array into the inferior (value_coerce_to_target) and reads
            # the type's bytes back; a recorded history cannot allocate, but those bytes
            # are the array's own.  The value has no address here (gdb's is on the heap);
            # a type longer than the array would read heap bytes nobody knows: refused.
            return Value(node[1], operand.data[:t.length])
        addr = rvalue(ctx, operand)
        return Value(node[1], None, "memory", as_int(addr) & 0xFFFFFFFF)
    if kind == "member":
        return member(ctx, evaluate(node[1], ctx), node[2], False)
    if kind == "ptrmember":
        return member(ctx, evaluate(node[1], ctx), node[2], True)
    if kind == "index":
        return index(ctx, evaluate(node[1], ctx), evaluate(node[2], ctx))
    if kind == "sizeof_type":
        return sizeof_type(node[1])
    if kind == "sizeof":
        return sizeof_type(type_of(node[1], ctx))
    if kind in ("alignof_type", "alignof"):
        t = node[1] if kind == "alignof_type" else type_of(node[1], ctx)
        return make_int(T.INT, _alignment(t))
    if kind in ("pre", "post"):
        no_user_operator(node[1], type_of(node[2], ctx))
    if kind == "assign" and node[2][0] == "dollar" and _is_convenience(node[2][1], ctx):
        # A convenience variable is the debugger's own, not the program's: gdb sets it
        # (value.c set_internalvar), and so may we - the history is untouched.
        name = node[2][1][1:]
        _not_a_function(name, ctx)
        rhs = node[3] if node[1] == "=" else ("bin", node[1][:-1], node[2], node[3])
        value = evaluate(rhs, ctx)
        if value.type.strip().kind in ("array", "func") and value.lval == "memory":
            # value_assign to an internalvar: "Coerce arrays and functions to pointers,
            # except for arrays which only live in GDB's storage."
            value = coerce_array(ctx, value)
        value = Value(value.type, fetch(ctx, value))
        ctx.convenience[name] = value
        return value
    if kind in ("pre", "post") and node[2][0] == "dollar" and _is_convenience(node[2][1], ctx):
        # ++$i / $i-- on a convenience variable: gdb's unop_incr/decr assign through
        # value_assign like any lvalue, and the variable is the debugger's own.
        # The variable takes the sum's own type ($c of a char 127 becomes the int 128):
        # value_assign gives an internalvar the value as it is, with no cast.
        name = node[2][1][1:]
        _not_a_function(name, ctx)
        old = evaluate(node[2], ctx)
        if old.type.strip().kind not in ("int", "enum", "float", "pointer"):
            raise DebugError("Not a numeric type.")            # value_one
        new = evaluate(("bin", node[1][0], node[2], ("num", 1, T.INT)), ctx)
        new = Value(new.type, fetch(ctx, new))
        ctx.convenience[name] = new
        return new if kind == "pre" else Value(old.type, fetch(ctx, old))
    if kind in ("assign", "pre", "post"):
        target = evaluate(node[2], ctx)
        if target.lval not in ("memory", "register") and node[2][0] != "dollar":     # gdb value_assign
            raise DebugError("Left operand of assignment is not an lvalue.")
        raise DebugError("Cannot change the program's state: vmdebug replays a recorded history, "
                         "which cannot be altered.")
    if kind == "call":
        callee = node[1]
        if callee[0] == "dollar" and ctx.internal is not None:
            got = ctx.internal(callee[1][1:], node[2])
            if got is not None:
                return got
            if dollar(callee[1], ctx).type.strip().kind == "void":
                raise DebugError("Invalid data type for function to be called.")
        raise DebugError("Cannot call functions: vmdebug replays a recorded history and does not run "
                         "the program again.")
    raise DebugError("A syntax error in expression.")


def _not_a_function(name: str, ctx: EvalContext) -> None:
    """value.c set_internalvar: an internal function ($_streq) cannot be assigned to."""
    if ctx.internal is not None and name not in ctx.convenience:
        from vmdebug.debugger.internal_functions import NAMES
        if name in NAMES:
            raise DebugError(f"Cannot overwrite convenience function {name}")


def _is_convenience(name: str, ctx: EvalContext) -> bool:
    """``$foo`` names a convenience variable: not a register, not the value history."""
    body = name[1:]
    return not body.startswith("$") and _history_number(body) is None and ctx.read_reg(body) is None


def _history_number(body: str) -> int | None:
    """``$``, ``$$``, ``$N`` and ``$$N`` (without the first ``$``) as a history index:
    0 and below count back from the last value (gdb value.c access_value_history)."""
    if body == "":
        return 0
    if body.startswith("$"):
        rest = body[1:]
        return -(int(rest) if rest else 1) if rest == "" or rest.isdigit() else None
    return int(body) if body.isdigit() else None


def type_of(node: Any, ctx: EvalContext) -> CType:
    """The static type of an expression, without reading memory (gdb evaluate_type)."""
    if node[0] == "type":
        return node[1]
    saved = ctx.read_mem

    def no_read(address: int, size: int) -> bytes:
        return bytes(size)
    ctx.read_mem = no_read
    ctx.types_only = True
    try:
        return evaluate(node, ctx).type
    finally:
        ctx.read_mem = saved
        ctx.types_only = False


def _alignment(t: CType) -> int:
    """i386 System V alignment (long long and double align to 4, i386 psABI Table 2.1)."""
    st = t.strip()
    if st.kind == "array":
        return _alignment(st.target or T.VOID)
    if st.kind in ("struct", "union"):
        return max((_alignment(m.type) for m in st.members), default=1)
    return min(max(st.length, 1), 4)


def cast(ctx: EvalContext, t: CType, v: Value) -> Value:
    """``(T) v`` (gdb value_cast): aggregates are reinterpreted in place, arrays and
    functions decay first, an unknown-type symbol takes the type at its address."""
    st = t.strip()
    if v.type.code == "error":
        if v.lval == "memory" and v.address is not None:
            return Value(t, None, "memory", v.address, name=v.name)
        raise DebugError(f"'{v.name}' has unknown type; cast it to its declared type")
    if st.kind in ("struct", "union") or (st.kind == "array" and v.type.strip().kind == "array"):
        if v.type.length != t.length and st.kind != "array":
            raise DebugError("Invalid cast.")
        if v.lval == "memory" and v.address is not None and v.data is None:
            return Value(t, None, "memory", v.address)
        fetch(ctx, v, partial=True)
        return v.part(t, 0)
    return convert(ctx, coerce_array(ctx, v), t)


def dollar(name: str, ctx: EvalContext) -> Value:
    """``$reg``, ``$N``, ``$``, ``$$``, ``$$N`` and convenience variables (gdb value.c)."""
    body = name[1:]
    hist = ctx.history
    num = _history_number(body)
    if num is not None:                                   # gdb value.c access_value_history
        absnum = num + len(hist) if num <= 0 else num
        if absnum <= 0:
            if num == 0:
                raise DebugError("The history is empty.")
            if num == 1:
                raise DebugError("There is only one value in the history.")
            raise DebugError(f"History does not go back to $${-num}.")
        if absnum > len(hist):
            raise DebugError(f"History has not yet reached ${absnum}.")
        return hist[absnum - 1]
    v = ctx.read_reg(body)
    if v is not None:
        ctx.regs_read.add(body)
        return v
    if ctx.special is not None:
        v = ctx.special(body)
        if v is not None:
            return v
    if body in ctx.convenience:
        return ctx.convenience[body]
    if ctx.internal is not None:
        from vmdebug.debugger.internal_functions import NAMES, bare_value
        if body in NAMES:
            return bare_value(body)
    return Value(T.VOID, b"")
