"""DWARF location expressions: where a variable is, in a given frame.

A stack machine over 32-bit values (DWARF 5, 2.5 and 2.6).  The result is a
:class:`Location`: in memory at an address, in a register, a computed value
(``DW_OP_stack_value``, ``DW_OP_implicit_value``), several pieces, or
nowhere (optimized out).  gdb's evaluator (gdb/dwarf2/expr.c) gives the
rules followed here: a lone ``DW_OP_regN`` is a register location, anything
else leaves an address on the stack unless it ends in ``DW_OP_stack_value``;
``DW_OP_fbreg`` adds the function's DW_AT_frame_base; ``DW_OP_entry_value``
needs the caller's call-site records and is reported as unavailable (gdb
prints ``<optimized out>`` then).
"""
from __future__ import annotations

from typing import Callable, Protocol

from events.record import Record
from vmdebug.debuginfo.leb128 import sleb128, uleb128

MASK = 0xFFFFFFFF


class LocationError(Exception):
    """The expression cannot be evaluated here; the message is gdb's."""


class Unavailable(LocationError):
    """Not known in this frame (gdb's <optimized out>)."""


class Frame(Protocol):
    """What an expression needs from a frame."""

    pc: int

    def reg(self, regno: int) -> int | None: ...
    def read(self, address: int, size: int) -> bytes: ...
    def frame_base(self) -> int: ...
    def cfa(self) -> int: ...


class Location(Record):
    """Where a value lives: kind is memory, register, value, implicit, pieces or optimized."""

    __slots__ = (
        "kind",
        "address",  # memory
        "regno",    # register
        "value",    # value (DW_OP_stack_value)
        "data",     # implicit
        "pieces",   # (size in bytes, where)
    )

    def __init__(self, kind: str, address: int = 0, regno: int = 0, value: int = 0, data: bytes = b"",
                 pieces: list[tuple[int, "Location"]] | None = None) -> None:
        self.kind = kind
        self.address = address
        self.regno = regno
        self.value = value
        self.data = data
        self.pieces = [] if pieces is None else pieces


OPTIMIZED_OUT = Location("optimized")


def _uleb(data: bytes, pos: int) -> tuple[int, int]:
    try:
        return uleb128(data, pos)
    except IndexError:
        raise LocationError("DWARF expression ends inside a LEB128") from None


def _sleb(data: bytes, pos: int) -> tuple[int, int]:
    try:
        return sleb128(data, pos)
    except IndexError:
        raise LocationError("DWARF expression ends inside a LEB128") from None


def _signed(v: int) -> int:
    v &= MASK
    return v - (1 << 32) if v & 0x80000000 else v


_FIXED = {0x08: (1, False), 0x09: (1, True), 0x0A: (2, False), 0x0B: (2, True), 0x0C: (4, False),
          0x0D: (4, True), 0x0E: (8, False), 0x0F: (8, True)}


def evaluate(expr: bytes, frame: Frame, push_object_address: int | None = None) -> Location:
    """Run ``expr`` in ``frame`` (DWARF 5, 2.5); raises LocationError or Unavailable."""
    stack: list[int] = []
    if push_object_address is not None:
        stack.append(push_object_address)
    pieces: list[tuple[int, Location]] = []
    pos = 0
    result: Location | None = None          # a register/implicit/stack value location, until a piece
    steps = 0

    def pop() -> int:
        if not stack:
            raise LocationError("DWARF expression stack underflow")
        return stack.pop()

    def reg(regno: int) -> int:
        value = frame.reg(regno)
        if value is None:
            raise Unavailable(f"register {regno} is not available")
        return value

    while pos < len(expr):
        steps += 1
        if steps > 10000:
            raise LocationError("DWARF expression does not terminate")
        op = expr[pos]
        pos += 1
        if result is not None and op not in (0x93, 0x9D):
            raise LocationError("DWARF expression has an operation after a location description")
        if op == 0x03:                                       # DW_OP_addr
            stack.append(int.from_bytes(expr[pos:pos + 4], "little"))
            pos += 4
        elif op == 0x06:                                     # DW_OP_deref
            a = pop()
            stack.append(int.from_bytes(frame.read(a & MASK, 4), "little"))
        elif op in _FIXED:                                   # DW_OP_const1u .. const8s
            size, signed = _FIXED[op]
            stack.append(int.from_bytes(expr[pos:pos + size], "little", signed=signed) & MASK)
            pos += size
        elif op == 0x10:                                     # DW_OP_constu
            v, pos = _uleb(expr, pos)
            stack.append(v & MASK)
        elif op == 0x11:                                     # DW_OP_consts
            v, pos = _sleb(expr, pos)
            stack.append(v & MASK)
        elif op == 0x12:                                     # DW_OP_dup
            stack.append(stack[-1] if stack else pop())
        elif op == 0x13:                                     # DW_OP_drop
            pop()
        elif op == 0x14:                                     # DW_OP_over
            if len(stack) < 2:
                raise LocationError("DWARF expression stack underflow")
            stack.append(stack[-2])
        elif op == 0x15:                                     # DW_OP_pick
            k = expr[pos]
            pos += 1
            if k >= len(stack):
                raise LocationError("DWARF expression stack underflow")
            stack.append(stack[-1 - k])
        elif op == 0x16:                                     # DW_OP_swap
            a, b = pop(), pop()
            stack += [a, b]
        elif op == 0x17:                                     # DW_OP_rot
            a, b, c = pop(), pop(), pop()
            stack += [a, c, b]
        elif op == 0x19:                                     # DW_OP_abs
            stack.append(abs(_signed(pop())) & MASK)
        elif op in (0x1A, 0x1C, 0x1E, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27, 0x1B, 0x1D):
            b, a = pop(), pop()
            if op == 0x1A:
                r = a & b
            elif op == 0x1C:
                r = a - b
            elif op == 0x1E:
                r = a * b
            elif op == 0x21:
                r = a | b
            elif op == 0x22:
                r = a + b
            elif op == 0x24:
                r = a << (b & 63)
            elif op == 0x25:
                r = (a & MASK) >> (b & 63)
            elif op == 0x26:
                r = _signed(a) >> (b & 63)
            elif op == 0x27:
                r = a ^ b
            elif op == 0x1B:                                 # DW_OP_div (signed)
                if _signed(b) == 0:
                    raise LocationError("Division by zero")
                q = abs(_signed(a)) // abs(_signed(b))
                r = q if (_signed(a) < 0) == (_signed(b) < 0) else -q
            else:                                            # DW_OP_mod
                if b & MASK == 0:
                    raise LocationError("Division by zero")
                r = (a & MASK) % (b & MASK)
            stack.append(r & MASK)
        elif op == 0x1F:                                     # DW_OP_neg
            stack.append(-pop() & MASK)
        elif op == 0x20:                                     # DW_OP_not
            stack.append(~pop() & MASK)
        elif op == 0x23:                                     # DW_OP_plus_uconst
            v, pos = _uleb(expr, pos)
            stack.append((pop() + v) & MASK)
        elif op == 0x2F:                                     # DW_OP_skip
            off = int.from_bytes(expr[pos:pos + 2], "little", signed=True)
            pos += 2 + off
        elif op == 0x28:                                     # DW_OP_bra
            off = int.from_bytes(expr[pos:pos + 2], "little", signed=True)
            pos += 2
            if pop() & MASK:
                pos += off
        elif 0x29 <= op <= 0x2E:                             # eq ge gt le lt ne (signed)
            b, a = _signed(pop()), _signed(pop())
            r = {0x29: a == b, 0x2A: a >= b, 0x2B: a > b, 0x2C: a <= b, 0x2D: a < b, 0x2E: a != b}[op]
            stack.append(int(r))
        elif 0x30 <= op <= 0x4F:                             # DW_OP_lit0..31
            stack.append(op - 0x30)
        elif 0x50 <= op <= 0x6F:                             # DW_OP_reg0..31
            result = Location("register", regno=op - 0x50)
        elif op == 0x90:                                     # DW_OP_regx
            regno, pos = _uleb(expr, pos)
            result = Location("register", regno=regno)
        elif 0x70 <= op <= 0x8F:                             # DW_OP_breg0..31
            off, pos = _sleb(expr, pos)
            stack.append((reg(op - 0x70) + off) & MASK)
        elif op == 0x92:                                     # DW_OP_bregx
            regno, pos = _uleb(expr, pos)
            off, pos = _sleb(expr, pos)
            stack.append((reg(regno) + off) & MASK)
        elif op == 0x91:                                     # DW_OP_fbreg
            off, pos = _sleb(expr, pos)
            stack.append((frame.frame_base() + off) & MASK)
        elif op == 0x94:                                     # DW_OP_deref_size
            size = expr[pos]
            pos += 1
            a = pop()
            stack.append(int.from_bytes(frame.read(a & MASK, size), "little"))
        elif op == 0x96:                                     # DW_OP_nop
            pass
        elif op == 0x9C:                                     # DW_OP_call_frame_cfa
            stack.append(frame.cfa() & MASK)
        elif op == 0x9E:                                     # DW_OP_implicit_value
            size, pos = _uleb(expr, pos)
            result = Location("implicit", data=bytes(expr[pos:pos + size]))
            pos += size
        elif op == 0x9F:                                     # DW_OP_stack_value
            result = Location("value", value=pop())
        elif op in (0x93, 0x9D):                             # DW_OP_piece, DW_OP_bit_piece
            size, pos = _uleb(expr, pos)
            if op == 0x9D:
                _off, pos = _uleb(expr, pos)
                size = (size + 7) // 8
            if result is not None:
                where = result
            elif stack:
                where = Location("memory", address=pop() & MASK)
            else:
                where = OPTIMIZED_OUT
            pieces.append((size, where))
            result = None
        elif op in (0xA3, 0xF3):                             # DW_OP_entry_value, GNU_entry_value
            raise Unavailable("Cannot resolve DW_OP_entry_value")
        elif op in (0xA0, 0xF2):                             # DW_OP_implicit_pointer
            raise Unavailable("implicit pointer")
        elif op in (0xE0, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xF4, 0xF5, 0xF6, 0xF7, 0xF9, 0xFA):
            raise Unavailable(f"DWARF operation {op:#x} is not supported")
        else:
            raise LocationError(f"Unhandled dwarf expression opcode 0x{op:x}")
    if pieces:
        if result is not None or stack:
            raise LocationError("DWARF expression mixes pieces and a value")
        return Location("pieces", pieces=pieces)
    if result is not None:
        return result
    if not stack:
        return OPTIMIZED_OUT                                # an empty expression: optimized out
    return Location("memory", address=stack[-1] & MASK)


def select(ranges: list, pc: int, entry_pc: int | None = None) -> bytes | None:
    """The expression of the first location-list entry whose [low, high) holds ``pc``
    (gdb dwarf2_find_location_expression); None: optimized out there.  An empty entry
    at ``pc`` counts when ``pc`` is its function's entry (gcc's entry-point values)."""
    for r in ranges:
        if r.low == r.high == pc and pc == entry_pc:
            return r.expr
        if r.low <= pc < r.high:
            return r.expr
    return None


def read_pieces(loc: Location, size: int, frame: Frame) -> tuple[bytes, bytes]:
    """A composite location's ``size`` bytes and which of them exist: a piece the
    optimiser dropped, a register the frame does not have, or bytes past the last
    piece are optimized out (gdb dwarf2/expr.c rw_pieced_value marks them so)."""
    out = bytearray()
    valid = bytearray()
    for piece_size, where in loc.pieces:
        try:
            if where.kind == "optimized":
                raise Unavailable("a piece is optimized out")
            out += read_value(where, piece_size, frame)
            valid += b"\1" * piece_size
        except Unavailable:
            out += bytes(piece_size)
            valid += bytes(piece_size)
    out += bytes(max(0, size - len(out)))
    valid += bytes(max(0, size - len(valid)))
    return bytes(out[:size]), bytes(valid[:size])


def read_value(loc: Location, size: int, frame: Frame, regsize: Callable[[int], int] | None = None) -> bytes:
    """The ``size`` bytes a location holds (little-endian, as the i386 keeps them)."""
    if loc.kind == "memory":
        return frame.read(loc.address, size)
    if loc.kind == "register":
        v = frame.reg(loc.regno)
        if v is None:
            raise Unavailable(f"register {loc.regno} is not available")
        return (v & ((1 << (8 * max(size, 4))) - 1)).to_bytes(max(size, 4), "little")[:size]
    if loc.kind == "value":
        return (loc.value & ((1 << (8 * max(size, 4))) - 1)).to_bytes(max(size, 4), "little")[:size] \
            if size <= 4 else loc.value.to_bytes(size, "little", signed=False) if loc.value >= 0 else \
            (loc.value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
    if loc.kind == "implicit":
        return (loc.data + bytes(size))[:size]
    if loc.kind == "pieces":
        out = bytearray()
        for piece_size, where in loc.pieces:
            if where.kind == "optimized":
                raise Unavailable("a piece is optimized out")
            out += read_value(where, piece_size, frame)
        if len(out) < size:
            raise Unavailable("the pieces do not cover the value")
        return bytes(out[:size])
    raise Unavailable("optimized out")
