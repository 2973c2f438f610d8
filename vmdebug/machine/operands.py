"""Compile decoded operands into fast getter and setter closures.

The CPU turns each decoded instruction into a closure once (cached by eip), so
operand decoding costs nothing on later executions.  Register numbers are the
``events.codes`` ids, which match the ModRM codes for the eight general
registers.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from events import codes as C
from events.log import pack_row
from vmdebug.isa.operands import SEGMENT_REGS, Imm, Mem, Reg, Rel

if TYPE_CHECKING:
    from vmdebug.machine.process import Process

Getter = Callable[[], int]
Setter = Callable[[int], None]
MASK = 0xFFFFFFFF


def effective_address(proc: "Process", m: Mem) -> Getter:
    """``[base + index*scale + disp]`` (segments are flat: every base is 0)."""
    regs = proc.state.regs
    disp = m.disp & MASK
    b = C.REG_IDS[m.base] if m.base else None
    i = C.REG_IDS[m.index] if m.index else None
    s = m.scale
    if b is None and i is None:
        return lambda: disp
    if i is None:
        if disp == 0:
            return lambda: regs[b]
        return lambda: (regs[b] + disp) & MASK
    if b is None:
        return lambda: (regs[i] * s + disp) & MASK
    return lambda: (regs[b] + regs[i] * s + disp) & MASK


def getter(proc: "Process", op: object, size: int) -> Getter:
    regs = proc.state.regs
    if isinstance(op, Reg):
        if op.name in SEGMENT_REGS:     # its code is an Sreg number, not a register id
            raise TypeError(f"segment register {op.name} has no general-register getter (cpu._sreg_getter)")
        code = op.code
        if op.size == 32:
            return lambda: regs[code]
        if op.size == 16:
            return lambda: regs[code] & 0xFFFF
        if code < 4:
            return lambda: regs[code] & 0xFF
        code -= 4
        return lambda: (regs[code] >> 8) & 0xFF
    if isinstance(op, Mem):
        ea = effective_address(proc, op)
        mem = proc.memory
        msize = op.size or size
        if msize == 32:
            r32 = mem.read32
            return lambda: r32(ea())
        if msize == 16:
            r16 = mem.read16
            return lambda: r16(ea())
        r8 = mem.read8
        return lambda: r8(ea())
    if isinstance(op, Imm):
        value = op.value & ((1 << size) - 1)
        return lambda: value
    if isinstance(op, Rel):
        target = op.target & MASK
        return lambda: target
    raise TypeError(f"unsupported operand {op!r}")


def setter(proc: "Process", op: object, size: int) -> Setter:
    regs = proc.state.regs
    write = proc.write
    if isinstance(op, Reg):
        if op.name in SEGMENT_REGS:     # its code is an Sreg number, not a register id
            raise TypeError(f"segment register {op.name} has no general-register setter (cpu._sreg_setter)")
        code = op.code
        if op.size == 32:
            def set32(v: int) -> None:
                old = regs[code]
                if old != v:
                    regs[code] = v
                    write(pack_row(C.REG, code, old, v, 0))
            return set32
        if op.size == 16:
            def set16(v: int) -> None:
                old = regs[code]
                new = (old & 0xFFFF0000) | v
                if old != new:
                    regs[code] = new
                    write(pack_row(C.REG, code, old, new, 0))
            return set16
        if code < 4:
            def set8l(v: int) -> None:
                old = regs[code]
                new = (old & 0xFFFFFF00) | v
                if old != new:
                    regs[code] = new
                    write(pack_row(C.REG, code, old, new, 0))
            return set8l
        hi = code - 4

        def set8h(v: int) -> None:
            old = regs[hi]
            new = (old & 0xFFFF00FF) | (v << 8)
            if old != new:
                regs[hi] = new
                write(pack_row(C.REG, hi, old, new, 0))
        return set8h
    if isinstance(op, Mem):
        ea = effective_address(proc, op)
        w = {32: proc.memory.write32, 16: proc.memory.write16, 8: proc.memory.write8}[op.size or size]
        return lambda v: w(ea(), v)
    raise TypeError(f"cannot write to {op!r}")
