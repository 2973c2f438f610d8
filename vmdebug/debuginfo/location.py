"""DWARF location expressions: where a variable is, in a given frame.

A stack machine over typed values (DWARF 5, 2.5 and 2.6; the values and their
arithmetic are :mod:`.dwarf_stack`).  The result is a :class:`Location`: in memory
at an address, in a register, a computed value (``DW_OP_stack_value``,
``DW_OP_implicit_value``), a pointer with no bits of its own to an object the
debug information describes (``DW_OP_implicit_pointer``), several pieces, or
nowhere (optimized out).  gdb's evaluator (gdb/dwarf2/expr.c) gives the rules
followed here: a lone ``DW_OP_regN`` is a register location, anything else
leaves an address on the stack unless it ends in ``DW_OP_stack_value``;
``DW_OP_fbreg`` adds the function's DW_AT_frame_base; ``DW_OP_entry_value``
asks the frame for the value at the function's entry, which needs the caller's
call-site records - when they do not tell, gdb prints ``<optimized out>``
(:class:`NoEntryValue`).
"""
from __future__ import annotations

from typing import Callable, Protocol

from events.record import Record
from vmdebug.debuginfo import dwarf_stack as S
from vmdebug.debuginfo.leb128 import sleb128, uleb128

MASK = 0xFFFFFFFF


class LocationError(Exception):
    """The expression cannot be evaluated here; the message is gdb's."""


class Unavailable(LocationError):
    """Not known in this frame (gdb's <optimized out>)."""


class NoEntryValue(Unavailable):
    """An entry value gdb cannot resolve (its NO_ENTRY_VALUE_ERROR): reading a variable,
    gdb shows ``<optimized out>``; ``X@entry`` prints the message."""


class Frame(Protocol):
    """What an expression needs from a frame."""

    pc: int

    def reg(self, regno: int) -> int | None: ...
    def read(self, address: int, size: int) -> bytes: ...
    def frame_base(self) -> int: ...
    def cfa(self) -> int: ...


class Location(Record):
    """Where a value lives: kind is memory, register, value, implicit, implicit_pointer,
    pieces or optimized."""

    __slots__ = (
        "kind",
        "address",  # memory
        "regno",    # register
        "value",    # value (DW_OP_stack_value)
        "data",     # implicit
        "pieces",   # (size in bytes, where)
        "die",      # implicit_pointer: the .debug_info offset of the object pointed to
        "offset",   # implicit_pointer: the byte offset into that object
        "base",     # value: the DWARF base type of the stack value (None: generic)
    )

    def __init__(self, kind: str, address: int = 0, regno: int = 0, value: int = 0, data: bytes = b"",
                 pieces: list[tuple[int, "Location"]] | None = None, die: int = 0, offset: int = 0,
                 base: "S.BaseType | None" = None) -> None:
        self.kind = kind
        self.address = address
        self.regno = regno
        self.value = value
        self.data = data
        self.pieces = [] if pieces is None else pieces
        self.die = die
        self.offset = offset
        self.base = base


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


_FIXED = {0x08: (1, False), 0x09: (1, True), 0x0A: (2, False), 0x0B: (2, True), 0x0C: (4, False),
          0x0D: (4, True), 0x0E: (8, False), 0x0F: (8, True)}


_BINARY = {0x1A: "and", 0x1B: "div", 0x1C: "minus", 0x1D: "mod", 0x1E: "mul", 0x21: "or", 0x22: "plus",
           0x24: "shl", 0x25: "shr", 0x26: "shra", 0x27: "xor", 0x29: "eq", 0x2A: "ge", 0x2B: "gt",
           0x2C: "le", 0x2D: "lt", 0x2E: "ne"}


def _base_type(frame: Frame, offset: int) -> S.BaseType:
    """The unit's base type at ``offset`` (gdb get_base_type)."""
    lookup = getattr(frame, "base_type", None)
    if lookup is None:
        raise LocationError("DWARF expression refers to a base type, which this frame cannot read")
    return lookup(offset)


def evaluate(expr: bytes, frame: Frame, push_object_address: int | None = None) -> Location:
    """Run ``expr`` in ``frame`` (DWARF 5, 2.5); raises LocationError or Unavailable."""
    stack: list[S.Entry] = []
    if push_object_address is not None:
        stack.append((push_object_address & MASK, S.GENERIC))
    try:
        return _run(expr, frame, stack)
    except S.StackError as exc:
        raise LocationError(str(exc)) from None


def _run(expr: bytes, frame: Frame, stack: list[S.Entry]) -> Location:
    """gdb dwarf_expr_context::execute_stack_op, then its fetch of the result."""
    G = S.GENERIC
    pieces: list[tuple[int, Location]] = []
    pos = 0
    result: Location | None = None          # a register/implicit/stack value location, until a piece
    steps = 0

    def pop() -> S.Entry:
        if not stack:
            raise LocationError("DWARF expression stack underflow")
        return stack.pop()

    def push(v: int) -> None:
        stack.append((v & MASK, G))

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
            push(int.from_bytes(expr[pos:pos + 4], "little"))
            pos += 4
        elif op in (0x06, 0x94):                             # DW_OP_deref, DW_OP_deref_size
            size = 4
            if op == 0x94:
                size = expr[pos]
                pos += 1
            a = S.address(pop())
            push(int.from_bytes(frame.read(a, size), "little"))
        elif op in (0xA6, 0xF6):                             # DW_OP_deref_type, GNU_deref_type
            size = expr[pos]
            off, pos = _uleb(expr, pos + 1)
            t = _base_type(frame, off)
            a = S.address(pop())
            stack.append((int.from_bytes(frame.read(a, size), "little") & t.mask, t))
        elif op in _FIXED:                                   # DW_OP_const1u .. const8s
            size, signed = _FIXED[op]
            push(int.from_bytes(expr[pos:pos + size], "little", signed=signed))
            pos += size
        elif op == 0x10:                                     # DW_OP_constu
            v, pos = _uleb(expr, pos)
            push(v)
        elif op == 0x11:                                     # DW_OP_consts
            v, pos = _sleb(expr, pos)
            push(v)
        elif op in (0xA4, 0xF4):                             # DW_OP_const_type, GNU_const_type
            off, pos = _uleb(expr, pos)
            n = expr[pos]
            data = expr[pos + 1:pos + 1 + n]
            pos += 1 + n
            t = _base_type(frame, off)
            if t.size != n:
                raise LocationError("DW_OP_const_type has different sizes for type and data")
            stack.append((int.from_bytes(data, "little"), t))
        elif op in (0xA5, 0xF5):                             # DW_OP_regval_type, GNU_regval_type
            regno, pos = _uleb(expr, pos)
            off, pos = _uleb(expr, pos)
            t = _base_type(frame, off)
            if t.is_float and 11 <= regno <= 18:
                # gdb converts an x87 register to the type (i387_register_to_value).
                raise LocationError("vmdebug cannot read an x87 register as a typed DWARF value")
            stack.append((reg(regno) & t.mask, t))
        elif op in (0xA8, 0xF7, 0xA9, 0xF9):                 # DW_OP_convert, DW_OP_reinterpret (+GNU)
            off, pos = _uleb(expr, pos)
            t = G if off == 0 else _base_type(frame, off)
            e = pop()
            stack.append(S.convert(e, t) if op in (0xA8, 0xF7) else S.reinterpret(e, t))
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
            if len(stack) < 2:
                raise LocationError(f"Not enough elements for DW_OP_swap.  Need 2, have {len(stack)}.")
            stack[-1], stack[-2] = stack[-2], stack[-1]
        elif op == 0x17:                                     # DW_OP_rot
            if len(stack) < 3:
                raise LocationError(f"Not enough elements for DW_OP_rot.  Need 3, have {len(stack)}.")
            stack[-1], stack[-2], stack[-3] = stack[-2], stack[-3], stack[-1]
        elif op in (0x19, 0x1F, 0x20):                       # DW_OP_abs, DW_OP_neg, DW_OP_not
            stack.append(S.unary({0x19: "abs", 0x1F: "neg", 0x20: "not"}[op], pop()))
        elif op in _BINARY:
            b = pop()
            a = pop()
            stack.append(S.binary(_BINARY[op], a, b))
        elif op == 0x23:                                     # DW_OP_plus_uconst (generic result)
            v, pos = _uleb(expr, pos)
            raw, t = pop()
            S.require_integral(t)
            push(int(S.number(raw, t)) + v)
        elif op == 0x2F:                                     # DW_OP_skip
            off = int.from_bytes(expr[pos:pos + 2], "little", signed=True)
            pos += 2 + off
        elif op == 0x28:                                     # DW_OP_bra
            off = int.from_bytes(expr[pos:pos + 2], "little", signed=True)
            pos += 2
            if S.truth(pop()):
                pos += off
        elif 0x30 <= op <= 0x4F:                             # DW_OP_lit0..31
            push(op - 0x30)
        elif 0x50 <= op <= 0x6F:                             # DW_OP_reg0..31
            result = Location("register", regno=op - 0x50)
        elif op == 0x90:                                     # DW_OP_regx
            regno, pos = _uleb(expr, pos)
            result = Location("register", regno=regno)
        elif 0x70 <= op <= 0x8F:                             # DW_OP_breg0..31
            off, pos = _sleb(expr, pos)
            push(reg(op - 0x70) + off)
        elif op == 0x92:                                     # DW_OP_bregx
            regno, pos = _uleb(expr, pos)
            off, pos = _sleb(expr, pos)
            push(reg(regno) + off)
        elif op == 0x91:                                     # DW_OP_fbreg
            off, pos = _sleb(expr, pos)
            push(frame.frame_base() + off)
        elif op == 0x96:                                     # DW_OP_nop
            pass
        elif op == 0x9C:                                     # DW_OP_call_frame_cfa
            push(frame.cfa())
        elif op == 0x9E:                                     # DW_OP_implicit_value
            size, pos = _uleb(expr, pos)
            if pos + size > len(expr):
                raise LocationError("DW_OP_implicit_value: too few bytes available.")
            result = Location("implicit", data=bytes(expr[pos:pos + size]))
            pos += size
        elif op == 0x9F:                                     # DW_OP_stack_value
            e = pop()
            result = Location("value", value=e[0] & e[1].mask, data=S.to_bytes(e), base=e[1])
        elif op in (0xA0, 0xF2):                             # DW_OP_implicit_pointer (DWARF 5, 2.6.1.1.4)
            # The pointer's target is the object the DIE at this .debug_info offset
            # describes, at a byte offset into it; the pointer itself has no bits.  The
            # reference is offset-sized (4 on i386 in either DWARF 2's address or 32-bit
            # DWARF's offset size).
            die = int.from_bytes(expr[pos:pos + 4], "little")
            off, pos = _sleb(expr, pos + 4)
            result = Location("implicit_pointer", die=die, offset=off)
        elif op in (0x93, 0x9D):                             # DW_OP_piece, DW_OP_bit_piece
            size, pos = _uleb(expr, pos)
            if op == 0x9D:
                _off, pos = _uleb(expr, pos)
                size = (size + 7) // 8
            if result is not None:
                where = result
            elif stack:
                where = Location("memory", address=S.address(pop()))
            else:
                where = OPTIMIZED_OUT
            pieces.append((size, where))
            result = None
        elif op in (0xA3, 0xF3):                             # DW_OP_entry_value, GNU_entry_value
            length, pos = _uleb(expr, pos)
            if pos + length > len(expr):
                raise LocationError("DW_OP_entry_value: too few bytes available.")
            block = bytes(expr[pos:pos + length])
            pos += length
            stack.append(_entry_value(frame, block))
        elif op == 0xFA:                                     # DW_OP_GNU_parameter_ref
            # The parameter (a CU-relative DIE offset) gcc removed from the callee: its
            # value comes from the caller's DW_TAG_call_site_parameter that names it.
            ref = int.from_bytes(expr[pos:pos + 4], "little")
            pos += 4
            resolve = getattr(frame, "entry_value", None)
            if resolve is None:
                raise NoEntryValue("DW_OP_GNU_parameter_ref needs the caller's call sites")
            stack.append(resolve("param", ref, -1))
        elif op == 0xE0:
            raise Unavailable(f"DWARF operation {op:#x} is not supported")
        else:
            raise LocationError(f"Unhandled dwarf expression opcode 0x{op:x}")
    if result is not None and result.kind == "implicit_pointer" and not pieces:
        # gdb makes a lone implicit pointer a piece of the address size (execute_stack_op's end).
        return Location("pieces", pieces=[(4, result)])
    if pieces:
        if result is not None or stack:
            raise LocationError("DWARF expression mixes pieces and a value")
        return Location("pieces", pieces=pieces)
    if result is not None:
        return result
    if not stack:
        return OPTIMIZED_OUT                                # an empty expression: optimized out
    return Location("memory", address=S.address(stack[-1]))


def _entry_value(frame: Frame, block: bytes) -> S.Entry:
    """DW_OP_entry_value (DWARF 5, 2.5.1.7): the value the block had on entry to the
    frame's function, which gdb learns from the caller's DW_TAG_call_site_parameter
    (dwarf2/expr.c, push_dwarf_reg_entry_value).  gdb accepts a block that is one
    DW_OP_regN, or DW_OP_bregN 0 with a DW_OP_deref[_size]."""
    regno = block_register(block)
    deref = -1
    if regno is None:
        found = _breg_deref(block)
        if found is None:
            raise LocationError("DWARF-2 expression error: DW_OP_entry_value is supported only for "
                                "single DW_OP_reg* or for DW_OP_breg*(0)+DW_OP_deref*")
        regno, deref = found
    resolve = getattr(frame, "entry_value", None)
    if resolve is None:
        raise NoEntryValue("DW_OP_entry_value needs the caller's call sites")
    return resolve("reg", regno, deref)


def block_register(block: bytes) -> int | None:
    """gdb dwarf_block_to_dwarf_reg: the register of a block that is one DW_OP_regN/regx."""
    if len(block) == 1 and 0x50 <= block[0] <= 0x6F:
        return block[0] - 0x50
    if block[:1] == b"\x90":
        try:
            regno, end = uleb128(block, 1)
        except IndexError:
            return None
        return regno if end == len(block) else None
    return None


def _breg_deref(block: bytes) -> tuple[int, int] | None:
    """gdb dwarf_block_to_dwarf_reg_deref: DW_OP_bregN 0 then DW_OP_deref or
    DW_OP_deref_size: (N, size)."""
    try:
        if block[:1] and 0x70 <= block[0] <= 0x8F:
            regno, pos = block[0] - 0x70, 1
        elif block[:1] == b"\x92":
            regno, pos = uleb128(block, 1)
        else:
            return None
        off, pos = sleb128(block, pos)
    except IndexError:
        return None
    if off != 0:
        return None
    if block[pos:] == b"\x06":
        return regno, 4
    if len(block) == pos + 2 and block[pos] == 0x94:
        return regno, block[pos + 1]
    return None


def block_fb_offset(block: bytes) -> int | None:
    """gdb dwarf_block_to_fb_offset: the offset of a block that is one DW_OP_fbreg."""
    if block[:1] != b"\x91":
        return None
    try:
        off, end = sleb128(block, 1)
    except IndexError:
        return None
    return off if end == len(block) else None


def block_sp_offset(block: bytes, sp_regno: int = 4) -> int | None:
    """gdb dwarf_block_to_sp_offset: the offset of a block that is one DW_OP_breg of the
    stack pointer (esp, DWARF register 4 on i386)."""
    if not block or not (block[0] == 0x70 + sp_regno or block[0] == 0x92):
        return None
    try:
        pos = 1
        if block[0] == 0x92:
            regno, pos = uleb128(block, 1)
            if regno != sp_regno:
                return None
        off, end = sleb128(block, pos)
    except IndexError:
        return None
    return off if end == len(block) else None


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
    """A composite location's ``size`` bytes and what each of them is: 1 a byte that
    exists, 0 one optimized out (a piece the optimiser dropped, a register the frame
    does not have, bytes past the last piece), 2 a byte of an implicit pointer, which
    reads as zero but is not optimized out (gdb dwarf2/expr.c rw_pieced_value)."""
    out = bytearray()
    valid = bytearray()
    for piece_size, where in loc.pieces:
        if where.kind == "implicit_pointer":
            out += bytes(piece_size)
            valid += b"\2" * piece_size
            continue
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


def synthetic_pieces(loc: Location) -> tuple[tuple[int, int, int, int], ...]:
    """The implicit-pointer pieces of a composite location: (byte start, size, DIE
    offset, byte offset into the object), as gdb's indirect_pieced_value finds them."""
    out = []
    start = 0
    for piece_size, where in loc.pieces:
        if where.kind == "implicit_pointer":
            out.append((start, piece_size, where.die, where.offset))
        start += piece_size
    return tuple(out)


def read_value(loc: Location, size: int, frame: Frame, regsize: Callable[[int], int] | None = None) -> bytes:
    """The ``size`` bytes a location holds (little-endian, as the i386 keeps them).  A
    stack value shorter than ``size`` reads as zeros past its end (rw_pieced_value: "Use
    zeroes if piece reaches beyond stack value")."""
    if loc.kind == "memory":
        return frame.read(loc.address, size)
    if loc.kind == "register":
        v = frame.reg(loc.regno)
        if v is None:
            raise Unavailable(f"register {loc.regno} is not available")
        return (v & ((1 << (8 * max(size, 4))) - 1)).to_bytes(max(size, 4), "little")[:size]
    if loc.kind in ("value", "implicit"):
        return (loc.data + bytes(size))[:size]
    if loc.kind == "pieces":
        out = bytearray()
        for piece_size, where in loc.pieces:
            if where.kind in ("optimized", "implicit_pointer"):
                raise Unavailable("a piece is optimized out")
            out += read_value(where, piece_size, frame)
        if len(out) < size:
            raise Unavailable("the pieces do not cover the value")
        return bytes(out[:size])
    raise Unavailable("optimized out")
