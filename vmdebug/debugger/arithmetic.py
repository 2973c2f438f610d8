"""C's conversions and arithmetic on values, as gdb 13 does them (gdb/valarith.c,
valops.c, eval.c binop_promote): arrays and functions decaying, truth, conversions,
the usual arithmetic conversions (int and long are 4 bytes on i386; a result no wider
than int is int or unsigned int), pointer arithmetic scaled by the target's size, and
gdb's words for what C refuses."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from vmdebug.debuginfo import ctype as T
from vmdebug.debuginfo.ctype import CType
from vmdebug.debugger.scalars import as_float, as_int, fetch, make_float, make_int
from vmdebug.debugger.values import DebugError, Value

if TYPE_CHECKING:
    from vmdebug.debugger.evaluate import EvalContext


# ---- coercions ----------------------------------------------------------------------
def coerce_array(ctx: "EvalContext", v: Value) -> Value:
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


def rvalue(ctx: "EvalContext", v: Value) -> Value:
    """The value with its contents, arrays and functions decayed."""
    v = coerce_array(ctx, v)
    if v.type.code == "error":
        raise DebugError(f"'{v.name}' has unknown type; cast it to its declared type")
    fetch(ctx, v)
    return v


def truth(ctx: "EvalContext", v: Value) -> bool:
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


def convert(ctx: "EvalContext", v: Value, t: CType) -> Value:
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


def is_integral(t: CType) -> bool:
    return t.strip().kind in ("int", "enum")


def _is_number(t: CType) -> bool:
    return t.strip().kind in ("int", "enum", "float")


def binop(ctx: "EvalContext", op: str, a: Value, b: Value) -> Value:
    no_user_operator(op, a.type, b.type)
    a, b = rvalue(ctx, a), rvalue(ctx, b)
    ta, tb = a.type.strip(), b.type.strip()
    if op in ("+", "-") and ta.kind == "pointer" and is_integral(tb):
        return ptr_add(a, as_int(b) if op == "+" else -as_int(b))
    if op == "+" and tb.kind == "pointer" and is_integral(ta):
        return ptr_add(b, as_int(a))
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


def ptr_add(p: Value, n: int) -> Value:
    t = p.type
    size = _elt_size(t.strip())
    if (t.strip().target or T.VOID).strip().length == 0 and (t.strip().target or T.VOID).strip().kind not in (
            "void", "func"):
        raise DebugError("Cannot perform pointer math on incomplete type \"%s\", try casting to a known type, "
                         "or void *." % type_text(t.strip().target))
    out = make_int(t, (as_int(p) + n * size) & 0xFFFFFFFF)
    if p.synthetic:
        # value_ptradd keeps an implicit pointer's location (set_value_component_location):
        # the sum is still synthetic, and ``*`` adds the moved offset.
        out.valid, out.synthetic = p.valid, p.synthetic
    return out


def type_text(t: CType | None) -> str:
    from vmdebug.debuginfo.typeprint import type_name
    return type_name(t) if t is not None else "void"


def unop(ctx: "EvalContext", op: str, v: Value) -> Value:
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
    if not is_integral(t):
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
