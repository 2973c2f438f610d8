"""Control transfer, string instructions and traps (SDM Vol. 2 instruction pages)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from vmdebug.isa.decoder import Instruction
from vmdebug.isa.operands import Rel
from vmdebug.machine import flags as F
from vmdebug.machine.cpu import ECX, EBP, EDI, EFLAGS, ESI, ESP, EAX, EBX, Closure, flag_setter, op_size, reg_setter, semantics
from vmdebug.machine.faults import CpuFault, EXEC, sigtrap
from vmdebug.machine.operands import MASK, getter
from vmdebug.signals import SIGSEGV

if TYPE_CHECKING:
    from vmdebug.machine.process import Process


@semantics("jmp")
def _jmp(p: "Process", i: Instruction) -> Closure:
    (target,) = i.operands
    if isinstance(target, Rel):
        t = target.target & MASK
        return lambda: t
    get_target, regs, state = getter(p, target, 32), p.state.regs, p.state

    def run() -> int:
        # An indirect jump that lands with esp above the top frame's return slot left that
        # frame behind (longjmp's last instruction): the call stack drops it now.
        t = get_target()
        if state.stack and state.stack[-1][3] < regs[ESP]:
            p.drop_abandoned(regs[ESP], t)
        return t
    return run


@semantics("call")
def _call(p: "Process", i: Instruction) -> Closure:
    (target,) = i.operands
    regs, ret, site = p.state.regs, (i.address + i.length) & MASK, i.address
    get_target = getter(p, target, 32)
    write32, set_esp, push_frame = p.memory.write32, reg_setter(p, ESP), p.push_frame

    def run() -> int:
        t = get_target()
        sp = (regs[ESP] - 4) & MASK
        write32(sp, ret)
        set_esp(sp)
        push_frame(t, site, ret, sp)
        return t
    return run


@semantics("ret")
def _ret(p: "Process", i: Instruction) -> Closure:
    regs, read32, set_esp, pop_frame = p.state.regs, p.memory.read32, reg_setter(p, ESP), p.pop_frame
    extra = i.operands[0].value if i.operands else 0  # type: ignore[union-attr]

    def run() -> int:
        sp = regs[ESP]
        t = read32(sp)
        set_esp((sp + 4 + extra) & MASK)
        pop_frame(t, sp)
        return t
    return run


@semantics("leave")
def _leave(p: "Process", i: Instruction) -> Closure:
    regs, read32, nxt = p.state.regs, p.memory.read32, i.address + i.length
    set_esp, set_ebp = reg_setter(p, ESP), reg_setter(p, EBP)

    def run() -> int:
        bp = regs[EBP]
        v = read32(bp)
        set_esp((bp + 4) & MASK)
        set_ebp(v)
        return nxt
    return run


@semantics("enter")
def _enter(p: "Process", i: Instruction) -> Closure:
    size_op, level_op = i.operands
    alloc, level = size_op.value & 0xFFFF, level_op.value & 0x1F  # type: ignore[union-attr]
    regs, nxt = p.state.regs, i.address + i.length
    set_esp, set_ebp = reg_setter(p, ESP), reg_setter(p, EBP)

    def run() -> int:
        sp, bp = regs[ESP], regs[EBP]
        words = [bp]
        for k in range(1, level):
            words.append(p.memory.read32((bp - 4 * k) & MASK))
        frame = (sp - 4) & MASK
        if level:
            words.append(frame)
        data = b"".join(w.to_bytes(4, "little") for w in reversed(words))
        low = (sp - 4 * len(words)) & MASK
        p.memory.write_bytes(low, data)
        set_ebp(frame)
        set_esp((low - alloc) & MASK)
        return nxt
    return run


@semantics("loop", "loope", "loopne", "jecxz")
def _loop(p: "Process", i: Instruction) -> Closure:
    (target,) = i.operands
    regs, t, nxt, m = p.state.regs, target.target & MASK, i.address + i.length, i.mnemonic  # type: ignore
    set_ecx = reg_setter(p, ECX)
    if m == "jecxz":
        return lambda: t if regs[ECX] == 0 else nxt

    def run() -> int:
        c = (regs[ECX] - 1) & MASK
        set_ecx(c)
        if c == 0:
            return nxt
        z = regs[EFLAGS] & F.ZF
        if m == "loope" and not z or m == "loopne" and z:
            return nxt
        return t
    return run


@semantics("int")
def _int(p: "Process", i: Instruction) -> Closure:
    vector = i.operands[0].value & 0xFF  # type: ignore[union-attr]
    nxt, addr = i.address + i.length, i.address
    if vector == 0x80:
        kernel = p.kernel

        def run() -> int:
            kernel.syscall()
            if kernel.resume_at is not None:     # a signal handler, or sigreturn's resumption
                to, kernel.resume_at = kernel.resume_at, None
                return to
            return nxt
        return run
    if vector == 3:
        return _trap(addr, nxt)

    def gp() -> int:
        # Only vectors 3, 4 and 0x80 are user-callable gates; others raise #GP -> SIGSEGV
        # (arch/x86/kernel/traps.c exc_general_protection, si_code SI_KERNEL).
        raise CpuFault(SIGSEGV, "SI_KERNEL", 0, EXEC,
                       f"general protection fault: int {vector:#x} is not a system call gate")
    return gp


def _trap(addr: int, nxt: int) -> Closure:
    def run() -> int:
        raise sigtrap(addr, f"breakpoint trap: int3 at {addr:#010x} with no debugger attached", nxt)
    return run


@semantics("int3")
def _int3(p: "Process", i: Instruction) -> Closure:
    return _trap(i.address, i.address + i.length)


@semantics("hlt")
def _hlt(p: "Process", i: Instruction) -> Closure:
    def run() -> int:
        raise CpuFault(SIGSEGV, "SI_KERNEL", 0, EXEC, "general protection fault: hlt is privileged (CPL 3)")
    return run


@semantics("xlat")
def _xlat(p: "Process", i: Instruction) -> Closure:
    regs, read8, nxt, set_eax = p.state.regs, p.memory.read8, i.address + i.length, reg_setter(p, EAX)
    return lambda: (set_eax((regs[EAX] & 0xFFFFFF00) | read8((regs[EBX] + (regs[EAX] & 0xFF)) & MASK)), nxt)[1]


# ---- string instructions: one iteration per step, as single-stepping the real CPU does ----
@semantics("movs", "stos", "lods", "cmps", "scas")
def _string(p: "Process", i: Instruction) -> Closure:
    size = op_size(i)
    n = size // 8
    m = i.mnemonic
    regs, mem, here, nxt = p.state.regs, p.memory, i.address, i.address + i.length
    # The rep word among the prefixes (an ignored segment override's word can stand beside it).
    rep = next((w for w in i.prefixes if w in ("rep", "repz", "repnz")), None)
    if rep is not None:
        if m not in ("cmps", "scas"):
            rep = "rep"   # F2 or F3 on movs/stos/lods: a plain repeat (ZF is not tested)
        elif rep == "rep":
            rep = "repz"  # F3 on cmps/scas is repe
    set_ecx, set_esi, set_edi = reg_setter(p, ECX), reg_setter(p, ESI), reg_setter(p, EDI)
    set_eax, set_fl = reg_setter(p, EAX), flag_setter(p, F.STATUS)
    read, write = mem.read, mem.write  # sizes in bytes
    mask = F.MASKS[size]

    def one() -> None:
        step = -n if regs[EFLAGS] & F.DF else n
        if m == "movs":
            write(regs[EDI], n, read(regs[ESI], n))
            set_esi((regs[ESI] + step) & MASK)
            set_edi((regs[EDI] + step) & MASK)
        elif m == "stos":
            write(regs[EDI], n, regs[EAX] & mask)
            set_edi((regs[EDI] + step) & MASK)
        elif m == "lods":
            v = read(regs[ESI], n)
            set_eax(v if size == 32 else (regs[EAX] & ~mask & MASK) | v)
            set_esi((regs[ESI] + step) & MASK)
        elif m == "cmps":
            a, b = read(regs[ESI], n), read(regs[EDI], n)
            set_fl(F.sub(a, b, 0, size)[1])
            set_esi((regs[ESI] + step) & MASK)
            set_edi((regs[EDI] + step) & MASK)
        else:  # scas
            set_fl(F.sub(regs[EAX] & mask, read(regs[EDI], n), 0, size)[1])
            set_edi((regs[EDI] + step) & MASK)

    if rep is None:
        return lambda: (one(), nxt)[1]

    def run() -> int:
        c = regs[ECX]
        if c == 0:
            return nxt
        one()
        c = (c - 1) & MASK
        set_ecx(c)
        if c == 0:
            return nxt
        if rep == "repz" and not regs[EFLAGS] & F.ZF:
            return nxt
        if rep == "repnz" and regs[EFLAGS] & F.ZF:
            return nxt
        return here
    return run


@semantics("ud2")
def _ud2(p: "Process", i: Instruction) -> Closure:
    def run() -> int:
        raise CpuFault(4, "ILL_ILLOPN", i.address, EXEC, f"ud2 (undefined instruction) at {i.address:#010x}")
    return run


@semantics("pause")
def _pause(p: "Process", i: Instruction) -> Closure:
    nxt = i.address + i.length
    return lambda: nxt
