"""The x87 instructions of the i386 ABI: the register stack, its status and control words.

The eight physical registers R0-R7 are three register ids each (``events.codes.fpr_id``);
ST(i) is R[(TOP + i) mod 8], TOP being bits 11-13 of the status word, so a push or a pop
writes TOP and the abridged tag (``ftag``, bit i set while Ri holds a value), not the other
registers (SDM Vol. 1 8.1.2, 8.1.7).  Values are 80-bit patterns computed by
:mod:`vmdebug.machine.x87`; + - * / are rounded here, exactly, to the precision the control
word selects (SDM Vol. 1 8.1.5.2) with its rounding mode.

Stack faults (SDM Vol. 1 8.5.1.1): reading an empty register, or pushing onto a full one,
raises IE and SF (C1 says which), and with IE masked the value is the real indefinite.  An
*unmasked* exception is delivered as SIGFPE at the instruction that raised it; the real CPU
delivers it at the next x87 instruction that waits (SDM Vol. 1 8.6), which gcc's code never
arranges (it never unmasks).  ``fioff``/``fooff``/``fop`` (the last instruction's pointers)
are not tracked: they stay 0.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from events import codes as C
from vmdebug.isa.decoder import Instruction
from vmdebug.isa.operands import Mem, Reg
from vmdebug.machine import flags as F
from vmdebug.machine import ieee
from vmdebug.machine import x87 as X
from vmdebug.machine.cpu import Closure, flag_setter, reg_setter, semantics
from vmdebug.machine.faults import EXEC, CpuFault
from vmdebug.machine.operands import effective_address, getter, setter
from vmdebug.machine.sse import aligned16, fpe_code
from vmdebug.signals import SIGFPE, SIGSEGV

if TYPE_CHECKING:
    from vmdebug.machine.process import Process

FSTAT, FCTRL, FTAG = C.FSTAT, C.FCTRL, C.FTAG
TOP_SHIFT = 11
SF_C1 = X.FSW_C1
_PRECISION = {0: 24, 1: 64, 2: 53, 3: 64}    # FCW.PC (bits 8-9); 01 is reserved and acts as 64
_PC_FORMATS = {p: ieee.Format(f"x87 pc{p}", 15, p, explicit=True) for p in (24, 53, 64)}
M80 = (1 << 80) - 1


# ---- 80-bit arithmetic ---------------------------------------------------------------
def _nan_result(a: int, ca: int, b: int, cb: int) -> tuple[int, int]:
    """x87 NaN propagation (SDM Vol. 1 Table 4-7, x87 column): a QNaN beats an SNaN, two of
    the same kind give the one with the larger significand (the positive one if the significands
    are equal), and the result is quiet."""
    flags = X.FSW_IE if ieee.SNAN in (ca, cb) else 0
    nan_a, nan_b = ca in (ieee.QNAN, ieee.SNAN), cb in (ieee.QNAN, ieee.SNAN)
    if nan_a and nan_b:
        if ca != cb:
            pick = a if ca == ieee.QNAN else b
        else:
            # equal significands: the positive one (what the CPU does, tests/machine/test_fp_vs_native.py)
            ma, mb = a & X.F80_MANT, b & X.F80_MANT
            pick = a if ma > mb or (ma == mb and not a & X.F80_SIGN) else b
    else:
        pick = a if nan_a else b
    return pick | X.F80.quiet_bit, flags


def f80_arith(op: str, a: int, b: int, fcw: int) -> tuple[int, int]:
    """``a op b`` for op in add, sub, mul, div, rounded by FCW.RC to FCW.PC bits; returns
    (80-bit result, FSW bits raised, C1 the round-up bit).  SDM Vol. 2 FADD/FSUB/FMUL/FDIV
    tables of results for the special operands."""
    ca, cb = X.classify80(a), X.classify80(b)
    if ieee.UNSUPPORTED in (ca, cb):
        return X.F80_INDEFINITE, X.FSW_IE
    if ca >= ieee.QNAN or cb >= ieee.QNAN:
        return _nan_result(a, ca, b, cb)
    flags = X.FSW_DE if ieee.DENORMAL in (ca, cb) else 0
    sa, sb = (a >> 79) & 1, (b >> 79) & 1
    rc = (fcw >> X.FCW_RC_SHIFT) & 3
    if op == "sub":
        op, sb = "add", sb ^ 1
    inf = X.F80.inf
    if op == "add":
        if ca == ieee.INF or cb == ieee.INF:
            if ca == ieee.INF and cb == ieee.INF and sa != sb:
                return X.F80_INDEFINITE, X.FSW_IE
            sign = sa if ca == ieee.INF else sb
            return (X.F80_SIGN if sign else 0) | inf, flags
        _, ma, ea = X.decode80(a)
        _, mb, eb = X.decode80(b)
        e = min(ea, eb)
        total = (-1 if sa else 1) * (ma << (ea - e)) + (-1 if sb else 1) * (mb << (eb - e))
        if total == 0:
            # x + (-x) is +0, except rounding down (SDM Vol. 1 4.8.3.2); -0 + -0 is -0.
            sign = sa if (sa == sb and ca == ieee.ZERO and cb == ieee.ZERO) or (sa == sb and sa) else \
                (1 if rc == ieee.RD else 0)
            return (X.F80_SIGN if sign else 0), flags
        sign, m, sticky = (1 if total < 0 else 0), abs(total), False
    elif op == "mul":
        sign = sa ^ sb
        if ca == ieee.INF or cb == ieee.INF:
            if ieee.ZERO in (ca, cb):
                return X.F80_INDEFINITE, X.FSW_IE
            return (X.F80_SIGN if sign else 0) | inf, flags
        if ieee.ZERO in (ca, cb):
            return (X.F80_SIGN if sign else 0), flags
        _, ma, ea = X.decode80(a)
        _, mb, eb = X.decode80(b)
        m, e, sticky = ma * mb, ea + eb, False
    else:  # div
        sign = sa ^ sb
        if ca == ieee.INF:
            if cb == ieee.INF:
                return X.F80_INDEFINITE, X.FSW_IE
            return (X.F80_SIGN if sign else 0) | inf, flags
        if cb == ieee.INF:
            return (X.F80_SIGN if sign else 0), flags
        if cb == ieee.ZERO:
            if ca == ieee.ZERO:
                return X.F80_INDEFINITE, X.FSW_IE
            # A denormal dividend raises no DE beside ZE (the CPU's answer, test_fp_vs_native.py).
            return (X.F80_SIGN if sign else 0) | inf, X.FSW_ZE
        if ca == ieee.ZERO:
            return (X.F80_SIGN if sign else 0), flags
        _, ma, ea = X.decode80(a)
        _, mb, eb = X.decode80(b)
        shift = max(0, 66 + mb.bit_length() - ma.bit_length())
        q, r = divmod(ma << shift, mb)
        m, e, sticky = q, ea - eb - shift, r != 0
    p = _PRECISION[(fcw >> 8) & 3]
    fmt = _PC_FORMATS[p]
    if sticky and m.bit_length() < p + 2:
        grow = p + 2 - m.bit_length()
        m, e = m << grow, e - grow
    bits, raised, up = ieee.round_pack(sign, m, e, sticky, fmt, rc, tiny_after=X.X87_TINY_AFTER,
                                       um_masked=bool(fcw & X.FCW_UM))
    # Back from the precision's packing to the 80-bit one: the significand sits at the top.
    exp = (bits >> p) & 0x7FFF
    sig = bits & ((1 << p) - 1)
    result = (X.F80_SIGN if sign else 0) | exp << 64 | sig << (64 - p)
    if exp == 0x7FFF:
        result = (X.F80_SIGN if sign else 0) | inf
    return result, flags | raised | (SF_C1 if up else 0)


# ---- the register stack --------------------------------------------------------------
class Stack:
    """The x87 registers of one process, read and written as events."""

    def __init__(self, p: "Process", eip: int) -> None:
        self.regs, self.set, self.eip = p.state.regs, p.set_reg, eip

    def top(self) -> int:
        return (self.regs[FSTAT] >> TOP_SHIFT) & 7

    def get(self, i: int) -> int | None:
        """ST(i), or None when that register is empty."""
        n = (self.top() + i) & 7
        if not self.regs[FTAG] >> n & 1:
            return None
        r, regs = C.fpr_id(n), self.regs
        return regs[r] | regs[r + 1] << 32 | regs[r + 2] << 64

    def put(self, i: int, value: int) -> None:
        n = (self.top() + i) & 7
        r = C.fpr_id(n)
        self.set(r, value & 0xFFFFFFFF)
        self.set(r + 1, (value >> 32) & 0xFFFFFFFF)
        self.set(r + 2, (value >> 64) & 0xFFFF)
        self.set(FTAG, self.regs[FTAG] | 1 << n)

    def push(self, value: int) -> None:
        top = (self.top() - 1) & 7
        self.set(FSTAT, (self.regs[FSTAT] & ~(7 << TOP_SHIFT)) | top << TOP_SHIFT)
        self.put(0, value)

    def pop(self) -> None:
        top = self.top()
        self.set(FTAG, self.regs[FTAG] & ~(1 << top))
        self.set(FSTAT, (self.regs[FSTAT] & ~(7 << TOP_SHIFT)) | ((top + 1) & 7) << TOP_SHIFT)

    def full(self) -> bool:
        """Whether a push would overflow: the register below the top holds a value."""
        return bool(self.regs[FTAG] >> ((self.top() - 1) & 7) & 1)

    def status(self, raised: int, c1: int | None = 0) -> None:
        """Merges exception bits into the status word and sets C1 (None: leave it).  An unmasked
        exception is delivered here, before the instruction's results are written."""
        old = self.regs[FSTAT]
        new = old | (raised & 0x7F)
        if c1 is not None:
            new = (new & ~SF_C1) | (SF_C1 if c1 else 0)
        self.set(FSTAT, new)
        unmasked = raised & ~self.regs[FCTRL] & 0x3F
        if unmasked:
            raise CpuFault(SIGFPE, fpe_code(unmasked), self.eip, EXEC,
                           f"x87 floating-point exception ({fpe_code(unmasked)}) at {self.eip:#010x}")


UNDERFLOW = X.FSW_IE | X.FSW_SF          # a read of an empty register: C1 = 0
OVERFLOW = X.FSW_IE | X.FSW_SF           # a push onto a full stack: C1 = 1


def _operand_value(s: Stack, i: int) -> tuple[int, int]:
    """ST(i) and the stack-fault bits its read raised (the indefinite if it was empty)."""
    v = s.get(i)
    return (X.F80_INDEFINITE, UNDERFLOW) if v is None else (v, 0)


def _load(p: "Process", i: Instruction, value: Callable[[Stack], tuple[int, int]]) -> Closure:
    """Every push: fld, fild, fld1, fldz.  C1 = 1 on stack overflow (SDM FLD)."""
    nxt = i.address + i.length

    def run() -> int:
        s = Stack(p, i.address)
        v, raised = value(s)
        if s.full():
            # the stack fault outranks the denormal operand (SDM Vol. 1 4.9.2)
            s.status(raised & ~X.FSW_DE | OVERFLOW, 1)
            v = X.F80_INDEFINITE
        else:
            s.status(raised, 0)
        s.push(v)
        return nxt
    return run


def _memory(p: "Process", op: Mem) -> tuple[Callable[[], int], int]:
    return effective_address(p, op), op.size // 8  # type: ignore[operator]


@semantics("fld")
def _fld(p: "Process", i: Instruction) -> Closure:
    (src,) = i.operands
    if isinstance(src, Reg):
        k = src.code
        return _load(p, i, lambda s: _operand_value(s, k))
    ea, nbytes = _memory(p, src)
    mem = p.memory
    if nbytes == 10:
        # FLD m80fp loads without conversion: no #IA for an SNaN, no #D (SDM FLD, exceptions).
        return _load(p, i, lambda s: (mem.read_wide(ea(), 10), 0))
    return _load(p, i, lambda s: X.f80_from_fp(mem.read_wide(ea(), nbytes), nbytes * 8))


@semantics("fild")
def _fild(p: "Process", i: Instruction) -> Closure:
    ea, nbytes = _memory(p, i.operands[0])  # type: ignore[arg-type]
    mem, bits = p.memory, nbytes * 8

    def value(s: Stack) -> tuple[int, int]:
        v = mem.read_wide(ea(), nbytes) if nbytes != 2 else mem.read16(ea())
        return X.f80_from_int(v - (1 << bits) if v >> (bits - 1) else v), 0
    return _load(p, i, value)


@semantics("fld1", "fldz")
def _fldconst(p: "Process", i: Instruction) -> Closure:
    const = X.F80_ONE if i.mnemonic == "fld1" else X.F80_ZERO
    return _load(p, i, lambda s: (const, 0))


def _store(p: "Process", i: Instruction, write: Callable[[int], int], pop: bool) -> Closure:
    """fst(p)/fist(p)/fisttp to memory: ``write`` converts ST(0), stores it and returns the bits
    it raised; C1 = round-up, or 0 on stack underflow (SDM FST)."""
    nxt = i.address + i.length

    def run() -> int:
        s = Stack(p, i.address)
        v = s.get(0)
        if v is None:
            raised = UNDERFLOW
            s.status(raised, 0)
            write(X.F80_INDEFINITE)
        else:
            raised = write(v)
            s.status(raised & ~SF_C1, raised & SF_C1)
        if pop:
            s.pop()
        return nxt
    return run


@semantics("fst", "fstp")
def _fst(p: "Process", i: Instruction) -> Closure:
    (dst,) = i.operands
    pop = i.mnemonic == "fstp"
    if isinstance(dst, Reg):
        k, nxt = dst.code, i.address + i.length

        def to_reg() -> int:
            s = Stack(p, i.address)
            v, raised = _operand_value(s, 0)
            s.status(raised, 0)
            s.put(k, v)
            if pop:
                s.pop()
            return nxt
        return to_reg
    ea, nbytes = _memory(p, dst)
    mem, fctrl, regs = p.memory, FCTRL, p.state.regs
    if nbytes == 10:
        def write80(v: int) -> int:
            mem.write_wide(ea(), 10, v)
            return 0
        return _store(p, i, write80, pop)

    def write(v: int) -> int:
        bits, raised = X.f80_to_fp(v, nbytes * 8, regs[fctrl])
        if not raised & ~regs[fctrl] & 0x3F:      # an unmasked exception stores nothing
            mem.write_wide(ea(), nbytes, bits) if nbytes != 4 else mem.write32(ea(), bits)
        return raised
    return _store(p, i, write, pop)


@semantics("fist", "fistp", "fisttp")
def _fist(p: "Process", i: Instruction) -> Closure:
    ea, nbytes = _memory(p, i.operands[0])  # type: ignore[arg-type]
    truncate, pop = i.mnemonic == "fisttp", i.mnemonic != "fist"
    mem, regs = p.memory, p.state.regs

    def write(v: int) -> int:
        bits, raised = X.f80_to_int(v, nbytes * 8, regs[FCTRL], truncate)
        if not raised & ~regs[FCTRL] & 0x3F:
            if nbytes == 2:
                mem.write16(ea(), bits)
            elif nbytes == 4:
                mem.write32(ea(), bits)
            else:
                mem.write_wide(ea(), 8, bits)
        return raised
    return _store(p, i, write, pop)


@semantics("fxch")
def _fxch(p: "Process", i: Instruction) -> Closure:
    k, nxt = i.operands[0].code, i.address + i.length  # type: ignore[union-attr]

    def run() -> int:
        s = Stack(p, i.address)
        a, fa = _operand_value(s, 0)
        b, fb = _operand_value(s, k)
        s.status(fa | fb, 0)
        s.put(0, b)
        s.put(k, a)
        return nxt
    return run


@semantics("fcmovb", "fcmove", "fcmovbe", "fcmovu", "fcmovnb", "fcmovne", "fcmovnbe", "fcmovnu")
def _fcmov(p: "Process", i: Instruction) -> Closure:
    """st(0) = st(i) when the EFLAGS condition holds (SDM FCMOVcc); an empty st(0) or st(i) is
    a stack underflow whatever the condition, and st(0) gets the indefinite."""
    k, cond, regs, nxt = i.operands[1].code, i.entry.cond, p.state.regs, i.address + i.length  # type: ignore
    holds = F.condition

    def run() -> int:
        s = Stack(p, i.address)
        a, b = s.get(0), s.get(k)
        if a is None or b is None:
            s.status(UNDERFLOW, 0)
            s.put(0, X.F80_INDEFINITE)
        else:
            s.status(0, 0)
            if holds(cond, regs[C.EFLAGS]):  # type: ignore[arg-type]
                s.put(0, b)
        return nxt
    return run


@semantics("fchs", "fabs")
def _fsign(p: "Process", i: Instruction) -> Closure:
    fn, nxt = (X.f80_chs if i.mnemonic == "fchs" else X.f80_abs), i.address + i.length

    def run() -> int:
        s = Stack(p, i.address)
        v, raised = _operand_value(s, 0)
        s.status(raised, 0)
        s.put(0, v if raised else fn(v))
        return nxt
    return run


@semantics("fucomi", "fucomip", "fcomi", "fcomip")
def _fcomi(p: "Process", i: Instruction) -> Closure:
    """ZF PF CF from comparing st(0) with st(i); OF SF AF cleared (SDM FCOMI/FUCOMI)."""
    k = i.operands[1].code  # type: ignore[union-attr]
    signaling, pop = not i.mnemonic.startswith("fu"), i.mnemonic.endswith("p")
    set_flags, nxt = flag_setter(p, 0x8D5), i.address + i.length

    def run() -> int:
        s = Stack(p, i.address)
        a, b = s.get(0), s.get(k)
        if a is None or b is None:
            zf = pf = cf = 1
            s.status(UNDERFLOW, 0)
        else:
            zf, pf, cf, raised = X.f80_compare(a, b, signaling)
            s.status(raised, 0)
        set_flags(zf << 6 | pf << 2 | cf)
        if pop:
            s.pop()
        return nxt
    return run


_NAN_OR_INVALID = (ieee.QNAN, ieee.SNAN, ieee.UNSUPPORTED)
_ARITH = {"fadd": ("add", False), "fmul": ("mul", False), "fsub": ("sub", False), "fsubr": ("sub", True),
          "fdiv": ("div", False), "fdivr": ("div", True)}


def _arith(p: "Process", i: Instruction) -> Closure:
    """fadd fmul fsub fsubr fdiv fdivr, and their popping forms: the destination is the first
    operand (st(0) for a memory source); the r forms compute source op destination."""
    base = i.mnemonic[:-1] if i.mnemonic.endswith("p") and i.mnemonic[:-1] in _ARITH else i.mnemonic
    op, reverse = _ARITH[base]
    pop = base != i.mnemonic
    regs, nxt = p.state.regs, i.address + i.length
    first = i.operands[0]
    if isinstance(first, Mem):
        ea, nbytes = _memory(p, first)
        mem = p.memory
        dst = 0
        source: Callable[[Stack], tuple[int, int]] = lambda s: X.f80_from_fp(mem.read_wide(ea(), nbytes), nbytes * 8)  # noqa: E731
    else:
        dst, src = first.code, i.operands[1].code  # type: ignore[union-attr]
        source = lambda s: _operand_value(s, src)  # noqa: E731

    def run() -> int:
        s = Stack(p, i.address)
        b, fb = source(s)
        a, fa = _operand_value(s, dst)
        if fa | fb & X.FSW_SF:
            # A stack fault outranks the memory operand's denormal (SDM Vol. 1 4.9.2).
            result, raised = X.F80_INDEFINITE, fa | fb & ~X.FSW_DE
        else:
            if fb & X.FSW_IE and X.classify80(b) == ieee.QNAN:
                # An SNaN m32/m64 stays signaling here, so that a QNaN st operand beats it
                # (SDM Vol. 1 Table 4-7); f80_arith raises its IE and quiets it.
                b, fb = b & ~X.F80.quiet_bit, fb & ~X.FSW_IE
            result, raised = f80_arith(op, b, a, regs[FCTRL]) if reverse else f80_arith(op, a, b, regs[FCTRL])
            if fb & X.FSW_DE and (X.classify80(a) in _NAN_OR_INVALID or raised & X.FSW_ZE):
                fb &= ~X.FSW_DE     # a NaN or unsupported st operand, or x/0, outranks the denormal m32/m64
            raised |= fb
        s.status(raised & ~SF_C1, raised & SF_C1)
        s.put(dst, result)
        if pop:
            s.pop()
        return nxt
    return run


for _name in _ARITH:
    semantics(_name, _name + "p")(_arith)


@semantics("fldcw")
def _fldcw(p: "Process", i: Instruction) -> Closure:
    get, set_fctrl, nxt = getter(p, i.operands[0], 16), reg_setter(p, FCTRL), i.address + i.length

    def run() -> int:
        # Bits 6 and 13-15 are reserved: the CPU keeps bit 6 set and the others clear.
        set_fctrl((get() & 0x1F3F) | 0x40)
        return nxt
    return run


@semantics("fnstcw", "fnstsw")
def _fnstore(p: "Process", i: Instruction) -> Closure:
    r = FCTRL if i.mnemonic == "fnstcw" else FSTAT
    put, regs, nxt = setter(p, i.operands[0], 16), p.state.regs, i.address + i.length

    def run() -> int:
        put(regs[r] & 0xFFFF)
        return nxt
    return run


# ---- FXSAVE / FXRSTOR ----------------------------------------------------------------
#: The FXSAVE area (SDM Vol. 2 FXSAVE, Table 3-53, 32-bit format): FCW at 0, FSW at 2, the
#: abridged tag at 4, FOP/FIP/FCS/FDP/FDS at 6-23 (not tracked: 0), MXCSR at 24, MXCSR_MASK
#: at 28, ST0-ST7 (stack order, 10 of 16 bytes each) at 32, XMM0-XMM7 at 160.  Bytes 288-511
#: are left as they were, as the real CPU leaves them outside 64-bit mode.
FXSAVE_ST, FXSAVE_XMM, FXSAVE_WRITTEN = 32, 160, 288
#: The MXCSR bits this machine lets software set (sse.MXCSR_WRITABLE), as FXSAVE reports them.
MXCSR_MASK = 0xFFFF


def _fx_area(p: "Process", i: Instruction) -> Callable[[], int]:
    """The area's address; it must be 16-byte aligned or the CPU raises #GP (SIGSEGV,
    SI_KERNEL), SDM FXSAVE "Protected Mode Exceptions"."""
    name = i.mnemonic
    return aligned16(effective_address(p, i.operands[0]), i.address,  # type: ignore[arg-type]
                     lambda addr: f"{name} area at {addr:#010x} is not 16-byte aligned")


@semantics("fxsave")
def _fxsave(p: "Process", i: Instruction) -> Closure:
    area, mem, regs, nxt = _fx_area(p, i), p.memory, p.state.regs, i.address + i.length

    def run() -> int:
        addr = area()
        s = Stack(p, i.address)
        out = bytearray(FXSAVE_WRITTEN)
        out[0:2] = (regs[FCTRL] & 0xFFFF).to_bytes(2, "little")
        out[2:4] = (regs[FSTAT] & 0xFFFF).to_bytes(2, "little")
        out[4] = regs[FTAG] & 0xFF
        out[24:28] = regs[C.MXCSR].to_bytes(4, "little")
        out[28:32] = MXCSR_MASK.to_bytes(4, "little")
        top = s.top()
        for k in range(8):
            r = C.fpr_id((top + k) & 7)
            value = regs[r] | regs[r + 1] << 32 | regs[r + 2] << 64
            out[FXSAVE_ST + 16 * k:FXSAVE_ST + 16 * k + 10] = value.to_bytes(10, "little")
            x = C.xmm_id(k)
            for lane in range(4):
                out[FXSAVE_XMM + 16 * k + 4 * lane:FXSAVE_XMM + 16 * k + 4 * lane + 4] = \
                    regs[x + lane].to_bytes(4, "little")
        mem.write_bytes(addr, bytes(out))
        return nxt
    return run


@semantics("fxrstor")
def _fxrstor(p: "Process", i: Instruction) -> Closure:
    area, mem, put, nxt = _fx_area(p, i), p.memory, p.set_reg, i.address + i.length

    def run() -> int:
        addr = area()
        data = mem.read_bytes(addr, 512)
        mxcsr = int.from_bytes(data[24:28], "little")
        if mxcsr & ~MXCSR_MASK:
            raise CpuFault(SIGSEGV, "SI_KERNEL", 0, EXEC,
                           f"general protection fault: fxrstor of MXCSR {mxcsr:#x} sets reserved bits "
                           f"(at {i.address:#010x})")
        fsw = int.from_bytes(data[2:4], "little")
        top = (fsw >> TOP_SHIFT) & 7
        put(FCTRL, int.from_bytes(data[0:2], "little"))
        put(FSTAT, fsw)
        put(FTAG, data[4])
        put(C.MXCSR, mxcsr)
        for k in range(8):
            value = int.from_bytes(data[FXSAVE_ST + 16 * k:FXSAVE_ST + 16 * k + 10], "little")
            r = C.fpr_id((top + k) & 7)
            put(r, value & 0xFFFFFFFF)
            put(r + 1, (value >> 32) & 0xFFFFFFFF)
            put(r + 2, value >> 64)
            x = C.xmm_id(k)
            for lane in range(4):
                put(x + lane, int.from_bytes(data[FXSAVE_XMM + 16 * k + 4 * lane:FXSAVE_XMM + 16 * k + 4 * lane + 4],
                                             "little"))
        return nxt
    return run
