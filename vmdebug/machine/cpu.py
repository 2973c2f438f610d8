"""Instruction semantics: each decoded instruction becomes a closure, once.

``SEMANTICS`` maps a mnemonic (as the one instruction table spells it) to a
builder.  A builder receives the process and the decoded instruction and
returns a closure that executes it and returns the next eip.  Closures do
their memory writes before their register writes, so a faulting access leaves
the registers as they were (precise faults, SDM Vol. 3A 6.5).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from events import codes as C
from events.log import pack_row
from vmdebug.isa.decoder import Instruction
from vmdebug.isa.operands import SEGMENT_REGS, Imm, Mem, Reg
from vmdebug.machine import flags as F
from vmdebug.machine import segments
from vmdebug.machine.operands import MASK, effective_address, getter, setter

if TYPE_CHECKING:
    from vmdebug.machine.process import Process

Closure = Callable[[], int]
Builder = Callable[["Process", Instruction], Closure]
SEMANTICS: dict[str, Builder] = {}
EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, EIP, EFLAGS = range(10)


def semantics(*names: str) -> Callable[[Builder], Builder]:
    def register(fn: Builder) -> Builder:
        for name in names:
            SEMANTICS[name] = fn
        return fn
    return register


def op_size(insn: Instruction) -> int:
    if insn.entry.opsize:
        return insn.entry.opsize
    for op in insn.operands:
        if isinstance(op, (Reg, Mem)) and getattr(op, "size", None):
            return op.size  # type: ignore[return-value]
    return 32


def flag_setter(proc: "Process", affected: int) -> Callable[[int], None]:
    """Merge new status flags into EFLAGS (only the ``affected`` bits change)."""
    regs, write = proc.state.regs, proc.write
    keep = ~affected & MASK

    def set_flags(f: int) -> None:
        old = regs[EFLAGS]
        new = (old & keep) | f
        if new != old:
            regs[EFLAGS] = new
            write(pack_row(C.REG, EFLAGS, old, new, 0))
    return set_flags


def reg_setter(proc: "Process", r: int) -> Callable[[int], None]:
    regs, write = proc.state.regs, proc.write

    def set_reg(v: int) -> None:
        old = regs[r]
        if old != v:
            regs[r] = v
            write(pack_row(C.REG, r, old, v, 0))
    return set_reg


# ---- data movement ---------------------------------------------------------------
@semantics("mov")
def _mov(p: "Process", i: Instruction) -> Closure:
    size = op_size(i)
    dst, src = i.operands
    get, put, nxt = _sreg_getter(p, src) or getter(p, src, size), _sreg_setter(p, i, dst) or setter(p, dst, size), \
        i.address + i.length

    def run() -> int:
        put(get())
        return nxt
    return run


def _sreg_getter(p: "Process", op: object) -> Callable[[], int] | None:
    """A segment register's reader: its fixed selector (vmdebug.machine.segments), zero-extended
    into a 32-bit destination as the CPU does (SDM MOV: the P6 and later fill the high bytes with
    zeros; PUSH: this machine's CPU pushes the zero-extended dword, which the SDM allows)."""
    if isinstance(op, Reg) and op.name in SEGMENT_REGS:
        v = segments.selector(p, op.name)
        return lambda: v
    return None


def _sreg_setter(p: "Process", i: Instruction, op: object) -> Callable[[int], None] | None:
    """A segment register's writer (mov sreg, pop sreg): see vmdebug.machine.segments."""
    if isinstance(op, Reg) and op.name in SEGMENT_REGS:
        name, here = op.name, i.address
        return lambda v: segments.check_load(p, name, v, here)
    return None


@semantics("movzx", "movsx")
def _movx(p: "Process", i: Instruction) -> Closure:
    dst, src = i.operands
    ssize = src.size  # type: ignore[union-attr]
    get, put, nxt = getter(p, src, ssize), setter(p, dst, dst.size), i.address + i.length  # type: ignore[union-attr]
    if i.mnemonic == "movzx":
        def run() -> int:
            put(get())
            return nxt
        return run
    sign, ext = 1 << (ssize - 1), ((1 << dst.size) - 1) ^ ((1 << ssize) - 1)  # type: ignore[union-attr]

    def runs() -> int:
        v = get()
        put(v | ext if v & sign else v)
        return nxt
    return runs


@semantics("lea")
def _lea(p: "Process", i: Instruction) -> Closure:
    dst, src = i.operands
    ea, put, nxt = effective_address(p, src), setter(p, dst, dst.size), i.address + i.length  # type: ignore
    mask = F.MASKS[dst.size]  # type: ignore[union-attr]

    def run() -> int:
        put(ea() & mask)
        return nxt
    return run


@semantics("xchg")
def _xchg(p: "Process", i: Instruction) -> Closure:
    size = op_size(i)
    a, b = i.operands
    ga, gb, sa, sb, nxt = getter(p, a, size), getter(p, b, size), setter(p, a, size), setter(p, b, size), i.address + i.length
    if isinstance(a, Reg) and isinstance(b, Reg) and a == b:
        return lambda: nxt
    if isinstance(b, Mem):
        a, b, ga, gb, sa, sb = b, a, gb, ga, sb, sa

    def run() -> int:
        va, vb = ga(), gb()
        sa(vb)  # the memory side (if any) first
        sb(va)
        return nxt
    return run


@semantics("push", "pushw")
def _push(p: "Process", i: Instruction) -> Closure:
    size = 16 if i.entry.opsize == 16 else 32
    (src,) = i.operands
    regs, nxt, set_esp = p.state.regs, i.address + i.length, reg_setter(p, ESP)
    get = _sreg_getter(p, src) or getter(p, src, size)
    if isinstance(src, Imm):
        v = src.value & F.MASKS[size]
        get = lambda: v  # noqa: E731 - s8 immediates are sign-extended by the decoder
    write = p.memory.write32 if size == 32 else p.memory.write16
    n = size // 8

    def run() -> int:
        v = get()
        sp = (regs[ESP] - n) & MASK
        write(sp, v)
        set_esp(sp)
        return nxt
    return run


@semantics("pop", "popw")
def _pop(p: "Process", i: Instruction) -> Closure:
    size = 16 if i.entry.opsize == 16 else 32
    (dst,) = i.operands
    regs, nxt, set_esp = p.state.regs, i.address + i.length, reg_setter(p, ESP)
    read = p.memory.read32 if size == 32 else p.memory.read16
    n = size // 8
    load = _sreg_setter(p, i, dst)
    if load is not None:
        # SDM POP: a 32-bit pop into a segment register takes the low 16 bits of the dword and
        # adds 4 to ESP.  The load is checked before ESP moves (precise faults).
        def runs() -> int:
            sp = regs[ESP]
            load(read(sp))
            set_esp((sp + n) & MASK)
            return nxt
        return runs
    put = setter(p, dst, size)
    if isinstance(dst, Mem):
        ea = effective_address(p, dst)
        write = p.memory.write32 if size == 32 else p.memory.write16
        # SDM POP: "If the ESP register is used as a base register for addressing a destination
        # operand in memory, the POP instruction computes the effective address of the operand
        # after it increments the ESP register."  (esp is never an index in a SIB byte.)
        after_pop = n if dst.base == "esp" else 0

        def runm() -> int:
            sp = regs[ESP]
            v = read(sp)
            write((ea() + after_pop) & MASK, v)
            set_esp((sp + n) & MASK)
            return nxt
        return runm

    def run() -> int:
        sp = regs[ESP]
        v = read(sp)
        set_esp((sp + n) & MASK)
        put(v)  # pop esp: the popped value wins
        return nxt
    return run


@semantics("pusha")
def _pusha(p: "Process", i: Instruction) -> Closure:
    regs, nxt, set_esp = p.state.regs, i.address + i.length, reg_setter(p, ESP)

    def run() -> int:
        sp = regs[ESP]
        values = [regs[r] for r in (EAX, ECX, EDX, EBX)] + [sp] + [regs[r] for r in (EBP, ESI, EDI)]
        p.memory.write_bytes((sp - 32) & MASK, b"".join(v.to_bytes(4, "little") for v in reversed(values)))
        set_esp((sp - 32) & MASK)
        return nxt
    return run


@semantics("popa")
def _popa(p: "Process", i: Instruction) -> Closure:
    regs, nxt = p.state.regs, i.address + i.length
    sets = {r: reg_setter(p, r) for r in range(8)}

    def run() -> int:
        sp = regs[ESP]
        data = p.memory.read_bytes(sp, 32)
        words = [int.from_bytes(data[k:k + 4], "little") for k in range(0, 32, 4)]
        for r, v in zip((EDI, ESI, EBP, None, EBX, EDX, ECX, EAX), words):
            if r is not None:
                sets[r](v)
        sets[ESP]((sp + 32) & MASK)
        return nxt
    return run


@semantics("pushf")
def _pushf(p: "Process", i: Instruction) -> Closure:
    regs, nxt, set_esp = p.state.regs, i.address + i.length, reg_setter(p, ESP)

    def run() -> int:
        sp = (regs[ESP] - 4) & MASK
        p.memory.write32(sp, regs[EFLAGS] & 0x00FCFFFF)  # VM and RF read as 0 (SDM PUSHF)
        set_esp(sp)
        return nxt
    return run


@semantics("popf")
def _popf(p: "Process", i: Instruction) -> Closure:
    regs, nxt, set_esp = p.state.regs, i.address + i.length, reg_setter(p, ESP)
    set_fl = reg_setter(p, EFLAGS)
    user = F.STATUS | F.DF | F.TF | 0x40000 | 0x200000  # AC and ID too; IF/IOPL stay at CPL 3

    def run() -> int:
        sp = regs[ESP]
        v = p.memory.read32(sp)
        set_esp((sp + 4) & MASK)
        set_fl((regs[EFLAGS] & ~user & MASK) | (v & user) | 0x2)
        return nxt
    return run


@semantics("lahf", "sahf")
def _lahf(p: "Process", i: Instruction) -> Closure:
    regs, nxt = p.state.regs, i.address + i.length
    set_eax, set_fl = reg_setter(p, EAX), reg_setter(p, EFLAGS)
    bits = F.SF | F.ZF | F.AF | F.PF | F.CF
    if i.mnemonic == "lahf":
        return lambda: (set_eax((regs[EAX] & 0xFFFF00FF) | (((regs[EFLAGS] & 0xFF) | 2) << 8)), nxt)[1]
    return lambda: (set_fl((regs[EFLAGS] & ~bits & MASK) | ((regs[EAX] >> 8) & bits) | 2), nxt)[1]


@semantics("cbw", "cwde", "cwd", "cdq")
def _convert(p: "Process", i: Instruction) -> Closure:
    regs, nxt = p.state.regs, i.address + i.length
    set_eax, set_edx = reg_setter(p, EAX), reg_setter(p, EDX)
    m = i.mnemonic
    if m == "cbw":
        return lambda: (set_eax((regs[EAX] & 0xFFFF0000) | (((regs[EAX] & 0xFF) ^ 0x80) - 0x80) & 0xFFFF), nxt)[1]
    if m == "cwde":
        return lambda: (set_eax((((regs[EAX] & 0xFFFF) ^ 0x8000) - 0x8000) & MASK), nxt)[1]
    if m == "cwd":
        return lambda: (set_edx((regs[EDX] & 0xFFFF0000) | (0xFFFF if regs[EAX] & 0x8000 else 0)), nxt)[1]
    return lambda: (set_edx(MASK if regs[EAX] & 0x80000000 else 0), nxt)[1]


@semantics("bswap")
def _bswap(p: "Process", i: Instruction) -> Closure:
    (r,) = i.operands
    regs, put, nxt = p.state.regs, setter(p, r, 32), i.address + i.length
    code = r.code  # type: ignore[union-attr]
    return lambda: (put(int.from_bytes(regs[code].to_bytes(4, "little"), "big")), nxt)[1]


@semantics("nop")
def _nop(p: "Process", i: Instruction) -> Closure:
    nxt = i.address + i.length
    return lambda: nxt


@semantics("clc", "stc", "cmc", "cld", "std")
def _flagops(p: "Process", i: Instruction) -> Closure:
    regs, nxt, set_fl = p.state.regs, i.address + i.length, reg_setter(p, EFLAGS)
    m = i.mnemonic
    if m == "clc":
        return lambda: (set_fl(regs[EFLAGS] & ~F.CF & MASK), nxt)[1]
    if m == "stc":
        return lambda: (set_fl(regs[EFLAGS] | F.CF), nxt)[1]
    if m == "cmc":
        return lambda: (set_fl(regs[EFLAGS] ^ F.CF), nxt)[1]
    if m == "cld":
        return lambda: (set_fl(regs[EFLAGS] & ~F.DF & MASK), nxt)[1]
    return lambda: (set_fl(regs[EFLAGS] | F.DF), nxt)[1]


def _setcc(p: "Process", i: Instruction) -> Closure:
    (dst,) = i.operands
    regs, put, nxt, cond = p.state.regs, setter(p, dst, 8), i.address + i.length, i.entry.cond
    cc = F.condition
    return lambda: (put(1 if cc(cond, regs[EFLAGS]) else 0), nxt)[1]


def _cmov(p: "Process", i: Instruction) -> Closure:
    dst, src = i.operands
    size = dst.size  # type: ignore[union-attr]
    regs, get, put, nxt, cond = p.state.regs, getter(p, src, size), setter(p, dst, size), i.address + i.length, i.entry.cond
    cc = F.condition

    def run() -> int:
        v = get()  # the source is always read, so a bad address faults even when false
        if cc(cond, regs[EFLAGS]):
            put(v)
        return nxt
    return run


def _jcc(p: "Process", i: Instruction) -> Closure:
    (target,) = i.operands
    regs, nxt, cond, t = p.state.regs, i.address + i.length, i.entry.cond, target.target & MASK  # type: ignore
    cc = F.condition
    return lambda: t if cc(cond, regs[EFLAGS]) else nxt


for _n, _c in enumerate(("o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g")):
    SEMANTICS["set" + _c] = _setcc
    SEMANTICS["cmov" + _c] = _cmov
    SEMANTICS["j" + _c] = _jcc
