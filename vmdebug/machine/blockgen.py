"""Python source for one instruction of a translated block (vmdebug.machine.translate).

Each generator appends lines to a :class:`Gen` that do what the interpreter's
closure for the instruction does (vmdebug/machine/cpu.py, alu.py, control.py),
with the operands, the TLB fast path, the status flags (SDM Vol. 1, 3.4.3, as
:mod:`vmdebug.machine.flags` computes them) and the events inline.  The rule
that keeps faults precise (SDM Vol. 3A 6.5): every memory access comes before
the instruction's first event, and a memory write, if any, is the last access.
A generator raises :class:`Untranslatable` for a form it does not inline; the
block then calls the interpreter's closure for that instruction.

The generated code runs with these names bound: ``regs``, ``mv`` (physical
memory), ``rtlb_get``/``wtlb_get`` (the TLB dicts' ``get``), ``R8..R32`` and
``W8..W32`` (Memory's methods: the slow paths), ``U16/U32/P16/P32`` (struct
unpack_from/pack_into), ``PAR`` (the parity table), ``buf`` (the log's open buffer:
the generators write ``emit((fields...))``, which vmdebug.machine.translate._packed turns
into packed appends), ``cp`` (the pages holding cached code), ``close_step``, ``full``/
``fsteps``/``ends``/``names_get`` (a call's frame event in place, :func:`_g_call`),
``push_frame``/``pop_frame``/``drop_abandoned``/``state``.
"""
from __future__ import annotations

import re
import sys
from typing import Any, Callable

from events import codes as C
from vmdebug.isa.decoder import Instruction
from vmdebug.isa.operands import SEGMENT_REGS, Imm, Mem, Reg, Rel
from vmdebug.machine import flags as F
from vmdebug.machine.cpu import op_size

MASK = 0xFFFFFFFF
#: Physical memory seen as native uint32s (``M32``) is little-endian only where the host is;
#: elsewhere every dword goes through the little-endian struct.
ALIGNED = sys.byteorder == "little"
REG, EIP, EFLAGS, ESP, EBP = C.REG, C.EIP, C.EFLAGS, C.ESP, C.EBP
_MEM = {8: C.MEM1, 16: C.MEM2, 32: C.MEM4}
_SIGN = {8: 0x80, 16: 0x8000, 32: 0x80000000}


class Untranslatable(Exception):
    """An instruction (or operand form) the translator leaves to the interpreter."""


# ---- code generation --------------------------------------------------------------
class Gen:
    """Python source for one instruction: ``lines`` at one indent, ``slow`` set when a
    memory write may take the slow path (the block then stops after it)."""

    def __init__(self, frame_name: Callable[[int], str] | None = None) -> None:
        self.lines: list[str] = []
        self.n = 0
        self.slow = False
        #: The function name of a call's target (Process.frame_name): a direct call's frame
        #: event is then made in place (see :func:`_g_call`).
        self.frame_name = frame_name

    def tmp(self, stem: str) -> str:
        self.n += 1
        return f"{stem}{self.n}"

    def emit(self, line: str) -> None:
        self.lines.append(line)


def _ea(m: Mem) -> str:
    """``[base + index*scale + disp]`` as operands.effective_address computes it."""
    disp = m.disp & MASK
    b = C.REG_IDS[m.base] if m.base else None
    i = C.REG_IDS[m.index] if m.index else None
    if b is None and i is None:
        return str(disp)
    if i is None:
        return f"regs[{b}]" if disp == 0 else f"(regs[{b}] + {disp}) & {MASK}"
    if b is None:
        return f"(regs[{i}] * {m.scale} + {disp}) & {MASK}"
    plus = f" + {disp}" if disp else ""
    return f"(regs[{b}] + regs[{i}] * {m.scale}{plus}) & {MASK}"


def _read(g: Gen, addr: str, size: int) -> str:
    """Lines reading ``size`` bits at the address expression ``addr``; returns the variable."""
    a, b, v = g.tmp("a"), g.tmp("b"), g.tmp("v")
    g.emit(f"{a} = {addr}")
    g.emit(f"{b} = rtlb_get({a} >> 12)")
    if size == 8:
        g.emit(f"{v} = mv[{b} | ({a} & 4095)] if {b} is not None else R8({a})")
    elif size == 32 and ALIGNED:
        # An aligned dword is an item of physical memory seen as uint32s (one subscript,
        # where unpack_from is a call); an unaligned one within the page is unpacked.
        g.emit(f"if {b} is not None and not {a} & 3:")
        g.emit(f"    {v} = M32[({b} | ({a} & 4095)) >> 2]")
        g.emit(f"elif {b} is not None and {a} & 4095 <= 4092:")
        g.emit(f"    {v} = U32(mv, {b} | ({a} & 4095))[0]")
        g.emit("else:")
        g.emit(f"    {v} = R32({a})")
    else:
        lim, fn, slow = (0xFFC, "U32", "R32") if size == 32 else (0xFFE, "U16", "R16")
        g.emit(f"if {b} is not None and {a} & 4095 <= {lim}:")
        g.emit(f"    {v} = {fn}(mv, {b} | ({a} & 4095))[0]")
        g.emit("else:")
        g.emit(f"    {v} = {slow}({a})")
    return v


def _write(g: Gen, addr: str, size: int, value: str) -> None:
    """A memory write through the TLB fast path (not to a page holding cached code),
    else through Memory.write*, after which the block stops."""
    a, b, p, o = g.tmp("a"), g.tmp("b"), g.tmp("p"), g.tmp("o")
    g.emit(f"{a} = {addr}")
    g.emit(f"{b} = wtlb_get({a} >> 12)")
    lim = {8: 0xFFF, 16: 0xFFE, 32: 0xFFC}[size]
    kw = "if"
    if size == 32 and ALIGNED:      # an aligned dword: an item of M32, as in _read
        i = g.tmp("i")
        g.emit(f"if {b} is not None and not {a} & 3 and ({a} >> 12) not in cp:")
        g.emit(f"    {i} = ({b} | ({a} & 4095)) >> 2")
        g.emit(f"    {o} = M32[{i}]")
        g.emit(f"    M32[{i}] = {value}")
        g.emit(f"    emit(({_MEM[size]}, {a}, {o}, {value}, 0))")
        kw = "elif"
    g.emit(f"{kw} {b} is not None and {a} & 4095 <= {lim} and ({a} >> 12) not in cp:")
    g.emit(f"    {p} = {b} | ({a} & 4095)")
    if size == 8:
        g.emit(f"    {o} = mv[{p}]")
        g.emit(f"    mv[{p}] = {value}")
    else:
        s = "32" if size == 32 else "16"
        g.emit(f"    {o} = U{s}(mv, {p})[0]")
        g.emit(f"    P{s}(mv, {p}, {value})")
    g.emit(f"    emit(({_MEM[size]}, {a}, {o}, {value}, 0))")
    g.emit("else:")
    g.emit(f"    W{size}({a}, {value})")
    g.slow = True


def _set_reg(g: Gen, code: int, value: str) -> None:
    """A full 32-bit register write: an event only when the value changes."""
    value = _val(g, value)
    o = g.tmp("o")
    g.emit(f"{o} = regs[{code}]")
    g.emit(f"if {o} != {value}:")
    g.emit(f"    regs[{code}] = {value}")
    g.emit(f"    emit(({REG}, {code}, {o}, {value}, 0))")


def _set_merge(g: Gen, code: int, keep: int, value: str) -> None:
    """``regs[code] = (old & keep) | value`` with the interpreter's event rule."""
    value = _val(g, value)
    o, n = g.tmp("o"), g.tmp("n")
    g.emit(f"{o} = regs[{code}]")
    g.emit(f"{n} = ({o} & {keep}) | {value}")
    g.emit(f"if {o} != {n}:")
    g.emit(f"    regs[{code}] = {n}")
    g.emit(f"    emit(({REG}, {code}, {o}, {n}, 0))")


def _set_flags(g: Gen, affected: int, f: str) -> None:
    _set_merge(g, EFLAGS, ~affected & MASK, f)


def _load(g: Gen, op: object, size: int) -> str:
    """An expression (or a variable, for memory) holding the operand's value."""
    if isinstance(op, Reg):
        if op.name in SEGMENT_REGS:     # the interpreter's (vmdebug.machine.segments)
            raise Untranslatable(f"segment register {op.name}")
        c = op.code
        if op.size == 32:
            return f"regs[{c}]"
        if op.size == 16:
            return f"(regs[{c}] & 65535)"
        if c < 4:
            return f"(regs[{c}] & 255)"
        return f"((regs[{c - 4}] >> 8) & 255)"
    if isinstance(op, Mem):
        return _read(g, _ea(op), op.size or size)
    if isinstance(op, Imm):
        return str(op.value & ((1 << size) - 1))
    if isinstance(op, Rel):
        return str(op.target & MASK)
    raise Untranslatable(repr(op))


def _store(g: Gen, op: object, size: int, value: str) -> None:
    """operands.setter, inline."""
    if isinstance(op, Reg):
        if op.name in SEGMENT_REGS:     # the interpreter's (vmdebug.machine.segments)
            raise Untranslatable(f"segment register {op.name}")
        c = op.code
        if op.size == 32:
            _set_reg(g, c, value)
        elif op.size == 16:
            _set_merge(g, c, 0xFFFF0000, value)
        elif c < 4:
            _set_merge(g, c, 0xFFFFFF00, value)
        else:
            _set_merge(g, c - 4, 0xFFFF00FF, f"({value} << 8)")
        return
    if isinstance(op, Mem):
        _write(g, _ea(op), op.size or size, value)
        return
    raise Untranslatable(repr(op))


def _szp(res: str, size: int) -> str:
    """flags.szp: PF from the low byte, ZF, SF."""
    sf = {8: f"({res} & 128)", 16: f"(({res} >> 8) & 128)", 32: f"(({res} >> 24) & 128)"}[size]
    return f"PAR[{res} & 255] | (64 if {res} == 0 else 0) | {sf}"


def _of(expr: str, size: int) -> str:
    """OF (0x800) from the sign bit of ``expr``."""
    return {8: f"((({expr}) & 128) << 4)", 16: f"((({expr}) >> 4) & 2048)", 32: f"((({expr}) >> 20) & 2048)"}[size]


def _cond(cond: int) -> str:
    """flags.condition as an expression on ``regs[9]`` (SDM Vol. 1, Appendix B)."""
    fl = f"regs[{EFLAGS}]"
    base = cond >> 1
    test = {0: f"{fl} & 2048", 1: f"{fl} & 1", 2: f"{fl} & 64", 3: f"{fl} & 65", 4: f"{fl} & 128",
            5: f"{fl} & 4", 6: f"(({fl} >> 7) ^ ({fl} >> 11)) & 1",
            7: f"({fl} & 64 or (({fl} >> 7) ^ ({fl} >> 11)) & 1)"}[base]
    return f"not ({test})" if cond & 1 else f"({test})"


# ---- one generator per instruction family: returns the next-eip expression ---------
def _g_mov(g: Gen, i: Instruction) -> None:
    size = op_size(i)
    dst, src = i.operands
    _store(g, dst, size, _val(g, _load(g, src, size)))


def _val(g: Gen, expr: str) -> str:
    """A value used more than once, or across an event, in a variable."""
    if expr.isidentifier() or expr.isdigit():
        return expr
    v = g.tmp("x")
    g.emit(f"{v} = {expr}")
    return v


def _g_movx(g: Gen, i: Instruction) -> None:
    dst, src = i.operands
    ssize = src.size  # type: ignore[union-attr]
    v = _val(g, _load(g, src, ssize))
    if i.mnemonic == "movsx":
        sign, ext = 1 << (ssize - 1), ((1 << dst.size) - 1) ^ ((1 << ssize) - 1)  # type: ignore[union-attr]
        v2 = g.tmp("x")
        g.emit(f"{v2} = {v} | {ext} if {v} & {sign} else {v}")
        v = v2
    _store(g, dst, dst.size, v)  # type: ignore[union-attr]


def _g_lea(g: Gen, i: Instruction) -> None:
    dst, src = i.operands
    if not isinstance(src, Mem):
        raise Untranslatable("lea")
    v = g.tmp("x")
    g.emit(f"{v} = ({_ea(src)}) & {F.MASKS[dst.size]}")  # type: ignore[union-attr]
    _store(g, dst, dst.size, v)  # type: ignore[union-attr]


def _g_arith(g: Gen, i: Instruction) -> None:
    """add adc sub sbb cmp: flags.add / flags.sub inline; the result is written, then EFLAGS."""
    size = op_size(i)
    dst, src = i.operands
    m = i.mnemonic
    a = _val(g, _load(g, dst, size))
    b = _val(g, _load(g, src, size))
    full, res, f = g.tmp("full"), g.tmp("res"), g.tmp("f")
    carry = f" + (regs[{EFLAGS}] & 1)" if m == "adc" else f" - (regs[{EFLAGS}] & 1)" if m == "sbb" else ""
    mask = F.MASKS[size]
    if m in ("add", "adc"):
        g.emit(f"{full} = {a} + {b}{carry}")
        g.emit(f"{res} = {full} & {mask}")
        g.emit(f"{f} = {_szp(res, size)} | (({a} ^ {b} ^ {res}) & 16) | ({full} > {mask}) | "
               f"{_of(f'({a} ^ {res}) & ({b} ^ {res})', size)}")
    else:
        g.emit(f"{full} = {a} - {b}{carry}")
        g.emit(f"{res} = {full} & {mask}")
        g.emit(f"{f} = {_szp(res, size)} | (({a} ^ {b} ^ {res}) & 16) | ({full} < 0) | "
               f"{_of(f'({a} ^ {b}) & ({a} ^ {res})', size)}")
    if m != "cmp":
        _store(g, dst, size, res)
    _set_flags(g, F.STATUS, f)


def _g_logic(g: Gen, i: Instruction) -> None:
    size = op_size(i)
    dst, src = i.operands
    op = {"and": "&", "or": "|", "xor": "^", "test": "&"}[i.mnemonic]
    a = _val(g, _load(g, dst, size))
    b = _val(g, _load(g, src, size))
    res = g.tmp("res")
    g.emit(f"{res} = {a} {op} {b}")
    if i.mnemonic != "test":
        _store(g, dst, size, res)
    _set_flags(g, F.STATUS, _szp(res, size))


def _g_incdec(g: Gen, i: Instruction) -> None:
    """flags.add/sub with 1, CF untouched (SDM INC/DEC)."""
    size = op_size(i)
    (dst,) = i.operands
    a = _val(g, _load(g, dst, size))
    res, f = g.tmp("res"), g.tmp("f")
    mask = F.MASKS[size]
    if i.mnemonic == "inc":
        g.emit(f"{res} = ({a} + 1) & {mask}")
        g.emit(f"{f} = {_szp(res, size)} | (({a} ^ 1 ^ {res}) & 16) | {_of(f'({a} ^ {res}) & (1 ^ {res})', size)}")
    else:
        g.emit(f"{res} = ({a} - 1) & {mask}")
        g.emit(f"{f} = {_szp(res, size)} | (({a} ^ 1 ^ {res}) & 16) | {_of(f'({a} ^ 1) & ({a} ^ {res})', size)}")
    _store(g, dst, size, res)
    _set_flags(g, F.STATUS & ~F.CF, f)


def _g_neg(g: Gen, i: Instruction) -> None:
    size = op_size(i)
    (dst,) = i.operands
    mask = F.MASKS[size]
    a = _val(g, _load(g, dst, size))
    res = g.tmp("res")
    if i.mnemonic == "not":
        g.emit(f"{res} = {a} ^ {mask}")
        _store(g, dst, size, res)
        return
    f = g.tmp("f")   # flags.sub(0, a): CF when a != 0
    g.emit(f"{res} = -{a} & {mask}")
    g.emit(f"{f} = {_szp(res, size)} | (({a} ^ {res}) & 16) | ({a} != 0) | {_of(f'{a} & {res}', size)}")
    _store(g, dst, size, res)
    _set_flags(g, F.STATUS, f)


def _g_shift(g: Gen, i: Instruction) -> None:
    """shl/shr/sar by a constant count (alu._shift); a count in cl is left to the interpreter."""
    size = op_size(i)
    dst = i.operands[0]
    cnt = i.operands[1] if len(i.operands) > 1 else Imm(1, 8)
    if not isinstance(cnt, Imm):
        raise Untranslatable("shift by cl")
    count = cnt.value & 0xFF & 0x1F
    m = i.mnemonic
    mask, sign = F.MASKS[size], _SIGN[size]
    a = _val(g, _load(g, dst, size))
    if count == 0:
        return                      # the operand is read (and may fault), nothing changes
    res, f = g.tmp("res"), g.tmp("f")
    if m == "shl":
        cf = f"(({a} >> {size - count}) & 1)" if count <= size else "0"
        g.emit(f"{res} = ({a} << {count}) & {mask}")
        g.emit(f"{f} = {_szp(res, size)} | {cf} | (2048 if bool({res} & {sign}) != bool({cf}) else 0)")
    elif m == "shr":
        g.emit(f"{res} = {a} >> {count}")
        g.emit(f"{f} = {_szp(res, size)} | (({a} >> {count - 1}) & 1) | (2048 if {a} & {sign} else 0)")
    else:
        sa = g.tmp("sa")
        g.emit(f"{sa} = {a} - {1 << size} if {a} & {sign} else {a}")
        g.emit(f"{res} = ({sa} >> {count}) & {mask}")
        g.emit(f"{f} = {_szp(res, size)} | (({sa} >> {count - 1}) & 1)")
    _store(g, dst, size, res)
    _set_flags(g, F.STATUS, f)


def _g_imul(g: Gen, i: Instruction) -> None:
    """imul r, r/m [, imm] (alu._mul's two- and three-operand forms)."""
    if len(i.operands) < 2:
        raise Untranslatable("one-operand imul")
    size = op_size(i)
    dst = i.operands[0]
    a_op, b_op = (i.operands[1], i.operands[2]) if len(i.operands) == 3 else (i.operands[0], i.operands[1])
    a = _val(g, _load(g, a_op, size))
    b = _val(g, _load(g, b_op, size))
    sign, wrap = _SIGN[size], 1 << size
    full, res, sr = g.tmp("full"), g.tmp("res"), g.tmp("sr")
    g.emit(f"{full} = ({a} - {wrap} if {a} & {sign} else {a}) * ({b} - {wrap} if {b} & {sign} else {b})")
    g.emit(f"{res} = {full} & {F.MASKS[size]}")
    g.emit(f"{sr} = {res} - {wrap} if {res} & {sign} else {res}")
    _store(g, dst, size, res)
    _set_flags(g, F.CF | F.OF, f"(0 if {sr} == {full} else 2049)")


def _g_push(g: Gen, i: Instruction) -> None:
    if i.entry.opsize == 16:
        raise Untranslatable("pushw")
    (src,) = i.operands
    v = str(src.value & MASK) if isinstance(src, Imm) else _val(g, _load(g, src, 32))
    sp = g.tmp("sp")
    g.emit(f"{sp} = (regs[{ESP}] - 4) & {MASK}")
    _write(g, sp, 32, v)
    _set_reg(g, ESP, sp)


def _g_pop(g: Gen, i: Instruction) -> None:
    (dst,) = i.operands
    if i.entry.opsize == 16 or not isinstance(dst, Reg):
        raise Untranslatable("pop to memory or 16 bits")
    sp = g.tmp("sp")
    g.emit(f"{sp} = regs[{ESP}]")
    v = _read(g, sp, 32)
    _set_reg(g, ESP, f"(({sp} + 4) & {MASK})")
    _store(g, dst, 32, v)       # pop esp: the popped value wins


def _g_leave(g: Gen, i: Instruction) -> None:
    bp = g.tmp("bp")
    g.emit(f"{bp} = regs[{EBP}]")
    v = _read(g, bp, 32)
    _set_reg(g, ESP, f"(({bp} + 4) & {MASK})")
    _set_reg(g, EBP, v)


def _g_setcc(g: Gen, i: Instruction) -> None:
    (dst,) = i.operands
    v = g.tmp("x")
    g.emit(f"{v} = 1 if {_cond(i.entry.cond)} else 0")  # type: ignore[arg-type]
    _store(g, dst, 8, v)


def _g_cmov(g: Gen, i: Instruction) -> None:
    dst, src = i.operands
    size = dst.size  # type: ignore[union-attr]
    v = _val(g, _load(g, src, size))       # the source is read (and may fault) either way
    inner = Gen()
    inner.n = g.n + 100
    _store(inner, dst, size, v)
    g.n = inner.n
    g.emit(f"if {_cond(i.entry.cond)}:")   # type: ignore[arg-type]
    g.lines += ["    " + line for line in inner.lines]


def _g_convert(g: Gen, i: Instruction) -> None:
    m = i.mnemonic
    if m == "cdq":
        _set_reg(g, C.EDX, f"({MASK} if regs[0] & 2147483648 else 0)")
    elif m == "cwde":
        _set_reg(g, C.EAX, f"((((regs[0] & 65535) ^ 32768) - 32768) & {MASK})")
    else:
        raise Untranslatable(m)


def _g_xchg(g: Gen, i: Instruction) -> None:
    size = op_size(i)
    a, b = i.operands
    if isinstance(a, Reg) and isinstance(b, Reg) and a == b:
        return
    if isinstance(b, Mem):
        a, b = b, a
    va = _val(g, _load(g, a, size))
    vb = _val(g, _load(g, b, size))
    _store(g, a, size, vb)     # the memory side (if any) first
    _store(g, b, size, va)


def _g_nop(g: Gen, i: Instruction) -> None:
    pass


# ---- branches: they return the next eip's expression ------------------------------
def _g_jcc(g: Gen, i: Instruction) -> str:
    (target,) = i.operands
    return f"({target.target & MASK} if {_cond(i.entry.cond)} else {i.address + i.length})"  # type: ignore


def _g_jmp(g: Gen, i: Instruction) -> str:
    (target,) = i.operands
    if isinstance(target, Rel):
        return str(target.target & MASK)
    t = _val(g, _load(g, target, 32))
    # control._jmp: an indirect jump that lands above the top frame's return slot left it behind
    g.emit(f"if state.stack and state.stack[-1][3] < regs[{ESP}]:")
    g.emit(f"    drop_abandoned(regs[{ESP}], {t})")
    return t


def _g_call(g: Gen, i: Instruction) -> str:
    (target,) = i.operands
    ret, site = (i.address + i.length) & MASK, i.address
    t = _val(g, _load(g, target, 32))
    sp = g.tmp("sp")
    g.emit(f"{sp} = (regs[{ESP}] - 4) & {MASK}")
    _write(g, sp, 32, str(ret))
    _set_reg(g, ESP, sp)
    if g.frame_name is None or not isinstance(target, Rel):
        g.emit(f"push_frame({t}, {site}, {ret}, {sp})")
        return t
    # Process.push_frame in place when nothing but the event is to do: no frame left behind
    # below the new return slot, no chunk due to be sealed (the open chunk's extras index of
    # the name is then Process.frame_index's; ``full``/``fsteps`` are the limits the caller
    # settles at, 0 when it settles after every block).
    name = g.frame_name(int(t))
    st, ni = g.tmp("st"), g.tmp("ni")
    g.emit(f"{st} = state.stack")
    g.emit(f"if ({st} and {st}[-1][3] <= {sp}) or len(buf) >= full or len(ends) >= fsteps "
           f"or ({ni} := names_get({name!r})) is None:")
    g.emit(f"    push_frame({t}, {site}, {ret}, {sp})")
    g.emit("else:")
    g.emit(f"    emit(({C.FRAME_PUSHED}, {sp}, {ret}, {site}, {ni}))")
    g.emit(f"    {st}.append(({name!r}, {site}, {ret}, {sp}))")
    return t


def _g_ret(g: Gen, i: Instruction) -> str:
    extra = i.operands[0].value if i.operands else 0  # type: ignore[union-attr]
    sp = g.tmp("sp")
    g.emit(f"{sp} = regs[{ESP}]")
    t = _read(g, sp, 32)
    _set_reg(g, ESP, f"(({sp} + {4 + extra}) & {MASK})")
    if g.frame_name is None:
        g.emit(f"pop_frame({t}, {sp})")
        return t
    # Process.pop_frame in place, on the conditions of _g_call's.
    st, ni, fr = g.tmp("st"), g.tmp("ni"), g.tmp("fr")
    g.emit(f"{st} = state.stack")
    g.emit(f"if not {st} or {st}[-1][3] < {sp} or len(buf) >= full or len(ends) >= fsteps "
           f"or ({ni} := names_get({st}[-1][0])) is None:")
    g.emit(f"    pop_frame({t}, {sp})")
    g.emit("else:")
    # The row first, then the pop: a KeyboardInterrupt (raised after a call returns) never
    # finds the shadow stack popped without its event.
    g.emit(f"    {fr} = {st}[-1]")
    g.emit(f"    emit(({C.FRAME_POPPED}, {fr}[3], {fr}[2], {fr}[1], {ni}))")
    g.emit(f"    {st}.pop()")
    return t


GENERATORS: dict[str, Callable[[Gen, Instruction], Any]] = {
    "mov": _g_mov, "movzx": _g_movx, "movsx": _g_movx, "lea": _g_lea,
    "add": _g_arith, "adc": _g_arith, "sub": _g_arith, "sbb": _g_arith, "cmp": _g_arith,
    "and": _g_logic, "or": _g_logic, "xor": _g_logic, "test": _g_logic,
    "inc": _g_incdec, "dec": _g_incdec, "neg": _g_neg, "not": _g_neg,
    "shl": _g_shift, "shr": _g_shift, "sar": _g_shift, "imul": _g_imul,
    "push": _g_push, "pop": _g_pop, "leave": _g_leave, "cdq": _g_convert, "cwde": _g_convert,
    "xchg": _g_xchg, "nop": _g_nop,
    "jmp": _g_jmp, "call": _g_call, "ret": _g_ret,
}
for _c in ("o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"):
    GENERATORS["set" + _c] = _g_setcc
    GENERATORS["cmov" + _c] = _g_cmov
    GENERATORS["j" + _c] = _g_jcc


#: What may stand between two register events that :func:`merge_events` makes one append:
#: plain assignments that call nothing (of ``_CALLS``) that could add an event or fault.
_PURE = re.compile(r"[a-z]\w* = ")
_CALLS = ("emit", "R8(", "R16(", "R32(", "W8(", "W16(", "W32(", "frame", "fns[", "drop_abandoned", "U16(", "U32(")


def _conditional_event(lines: list[str], i: int) -> bool:
    """``lines[i:i + 3]`` is a register write and its event on a change (_set_reg, _set_merge)."""
    return (i + 2 < len(lines) and lines[i].startswith("if ") and lines[i + 1].startswith("    regs[")
            and lines[i + 2].startswith("    emit((") and (i + 3 == len(lines) or not lines[i + 3].startswith(" ")))


def merge_events(lines: list[str], g: Gen) -> list[str]:
    """One instruction's lines with its first two register events (a result and EFLAGS, esp
    and a popped register) appended together when both happen: one packed row of both, where
    two appends cost a pack and an append more.  The rows, their order and the registers'
    writes are as before; only plain assignments stand between them (:data:`_PURE`)."""
    first = next((i for i in range(len(lines)) if _conditional_event(lines, i)), None)
    if first is None:
        return lines
    j = first + 3
    while j < len(lines) and not _conditional_event(lines, j):
        if not _PURE.match(lines[j]) or any(c in lines[j] for c in _CALLS):
            return lines
        j += 1
    if j >= len(lines):
        return lines
    c = g.tmp("c")
    row1 = lines[first + 2].strip()[len("emit(("):-2]
    row2 = lines[j + 2].strip()[len("emit(("):-2]
    return (lines[:first] + [f"{c} = {lines[first][3:-1]}", f"if {c}:", lines[first + 1]] + lines[first + 3:j]
            + [lines[j], lines[j + 1], f"    if {c}:", f"        emit(({row1}, {row2}))", "    else:",
               f"        emit(({row2}))", f"elif {c}:", f"    emit(({row1}))"] + lines[j + 3:])


def eip_event(g: Gen, here: int, after: int) -> None:
    """The step's EIP event and write.  Its fields are all constants, so the block appends it
    as a ``bytes`` constant of its own (vmdebug.machine.translate._packed): cheaper than
    packing its five fields again with the instruction's last event."""
    g.lines.append(f"emit(({REG}, {EIP}, {here}, {after}, 0))")
    g.lines.append(f"regs[{EIP}] = {after}")
