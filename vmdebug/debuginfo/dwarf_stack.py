"""The typed values of a DWARF expression stack (DWARF 5, 2.5.1: "Each element of the
stack has a type and a value").

An element is ``(raw, BaseType)``: ``raw`` holds the value's bits, the type's width
of them, as an unsigned integer.  Untyped values (literals, addresses, registers) have
the generic type, which gdb models as a *signed* integer of the address size
(dwarf2/expr.c dwarf_expr_context::address_type, "<signed DWARF address type>");
``DW_OP_convert``, ``DW_OP_const_type``, ``DW_OP_regval_type`` and
``DW_OP_deref_type`` make values of a unit's base types.  Arithmetic follows gdb's
value_binop (valarith.c scalar_binop): both operands of one base type, the result in
that type, wrapped to its width; comparisons give a generic 0 or 1.
"""
from __future__ import annotations

import struct

from events.record import Record


class BaseType(Record):
    """A DW_TAG_base_type as the evaluator needs it: its size, signedness and kind
    (``int``, ``bool``, ``char`` or ``float`` - gdb's TYPE_CODE of it)."""

    __slots__ = ("size", "signed", "code", "name")

    def __init__(self, size: int, signed: bool, code: str = "int", name: str = "") -> None:
        self.size = size
        self.signed = signed
        self.code = code
        self.name = name

    @property
    def is_float(self) -> bool:
        return self.code == "float"

    @property
    def mask(self) -> int:
        return (1 << (8 * self.size)) - 1


#: The generic type of untyped DWARF values on i386 (gdb address_type, 4 bytes, signed).
GENERIC = BaseType(4, True, "int", "<signed DWARF address type>")

Entry = tuple[int, BaseType]


class StackError(Exception):
    """An expression gdb refuses to evaluate; the message is gdb's."""


def same_type(a: BaseType, b: BaseType) -> bool:
    """gdb base_types_equal_p: same code, signedness and length (the generic type and a
    4-byte signed ``int`` are equal by this rule)."""
    return a.code == b.code and a.signed == b.signed and a.size == b.size


def require_integral(t: BaseType) -> None:
    """dwarf_require_integral."""
    if t.is_float:
        raise StackError("integral type expected in DWARF expression")


def number(raw: int, t: BaseType) -> int | float:
    """The value of an element: a signed or unsigned integer, or a float."""
    if t.is_float:
        if t.size == 4:
            return float(struct.unpack("<f", (raw & t.mask).to_bytes(4, "little"))[0])
        if t.size == 8:
            return float(struct.unpack("<d", (raw & t.mask).to_bytes(8, "little"))[0])
        raise StackError(f"vmdebug cannot compute with the {t.size}-byte floating type "
                         "of a DWARF expression")
    raw &= t.mask
    if t.signed and raw >> (8 * t.size - 1):
        raw -= 1 << (8 * t.size)
    return raw


def make(x: int | float, t: BaseType) -> Entry:
    """An element of type ``t`` holding ``x`` (an int wraps to the width; value_from_longest)."""
    if t.is_float:
        if t.size == 4:
            return int.from_bytes(struct.pack("<f", float(x)), "little"), t
        if t.size == 8:
            return int.from_bytes(struct.pack("<d", float(x)), "little"), t
        raise StackError(f"vmdebug cannot compute with the {t.size}-byte floating type "
                         "of a DWARF expression")
    if t.code == "bool":
        x = int(bool(x))
    return int(x) & t.mask, t


def convert(e: Entry, t: BaseType) -> Entry:
    """DW_OP_convert: gdb value_cast between base types (a float to an integer truncates
    toward zero, an integer keeps its value, wrapped to the new width)."""
    x = number(*e)
    if not t.is_float and isinstance(x, float):
        if x != x or x in (float("inf"), float("-inf")):
            return make(0, t)
        x = int(x)
    return make(x, t)


def reinterpret(e: Entry, t: BaseType) -> Entry:
    """DW_OP_reinterpret: the same bits as another type of the same size."""
    raw, old = e
    if same_type(old, t) and old.name == t.name:
        return e
    if old.size != t.size:
        raise StackError("DW_OP_reinterpret has wrong size")
    return raw & t.mask, t


def to_bytes(e: Entry) -> bytes:
    """The element's contents, as DW_OP_stack_value leaves them (little-endian)."""
    raw, t = e
    return (raw & t.mask).to_bytes(t.size, "little")


def address(e: Entry) -> int:
    """dwarf_expr_context::fetch_address: an integral element, read unsigned."""
    raw, t = e
    require_integral(t)
    return raw & t.mask & 0xFFFFFFFF


def truth(e: Entry) -> bool:
    """DW_OP_bra's test: an integral element, nonzero."""
    require_integral(e[1])
    return bool(e[0] & e[1].mask)


def unary(op: str, e: Entry) -> Entry:
    """DW_OP_abs, DW_OP_neg, DW_OP_not (value_neg, value_complement)."""
    x = number(*e)
    t = e[1]
    if op == "abs":
        return make(-x if x < 0 else x, t)
    if op == "neg":
        return make(-x, t)
    require_integral(t)
    return make(~int(x), t)


def binary(op: str, a: Entry, b: Entry, generic: BaseType = GENERIC) -> Entry:
    """A binary operation of dwarf_expr_context::execute_stack_op: ``a`` is the deeper
    element (gdb's ``first``), ``b`` the top (``second``)."""
    ta, tb = a[1], b[1]
    if not same_type(ta, tb):
        raise StackError("Incompatible types on DWARF stack")
    if op in ("and", "or", "xor", "shl", "shr", "shra"):
        require_integral(ta)
        require_integral(tb)
    x, y = number(*a), number(*b)
    if op in ("eq", "ne", "lt", "gt", "le", "ge"):
        r = {"eq": x == y, "ne": x != y, "lt": x < y, "gt": x > y, "le": x <= y, "ge": x >= y}[op]
        return int(r), generic
    if op == "plus":
        return make(x + y, ta)
    if op == "minus":
        return make(x - y, ta)
    if op == "mul":
        return make(x * y, ta)
    if op == "and":
        return make(int(x) & int(y), ta)
    if op == "or":
        return make(int(x) | int(y), ta)
    if op == "xor":
        return make(int(x) ^ int(y), ta)
    if op == "shl":
        return make(int(x) << (int(y) & 63), ta)
    if op in ("shr", "shra"):
        # DW_OP_shr casts the first operand to unsigned, DW_OP_shra to signed; the result
        # takes the second operand's type (which equals the first's).
        n = a[0] & ta.mask
        if op == "shra" and n >> (8 * ta.size - 1):
            n -= 1 << (8 * ta.size)
        return make(n >> (int(y) & 63), tb)
    if op == "div":
        if ta.is_float:
            return make(x / y if y else (float("nan") if x == 0 or x != x else
                                         float("inf") if x > 0 else float("-inf")), ta)
        if y == 0:
            raise StackError("Division by zero")
        q = abs(int(x)) // abs(int(y))
        return make(q if (x < 0) == (y < 0) else -q, ta)
    if op == "mod":
        # gdb computes an untyped DW_OP_mod with unsigned math, then casts back.
        if ta is generic:
            x, y = a[0] & ta.mask, b[0] & tb.mask
        if ta.is_float:
            raise StackError("Integer-only operation DW_OP_mod.")
        if y == 0:
            raise StackError("Division by zero")
        r = abs(int(x)) % abs(int(y))
        return make(-r if x < 0 else r, ta)
    raise StackError(f"Unhandled dwarf expression opcode {op}")
