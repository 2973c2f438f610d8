"""The SSE/SSE2 instructions gcc's ``-msse2 -mfpmath=sse`` code uses, on xmm0-xmm7 and MXCSR.

An xmm register is four dword register ids (``events.codes.xmm_id``); a write logs one
register event per dword it changes.  The arithmetic itself is :mod:`vmdebug.machine.ieee`'s,
on bit patterns, so NaN payloads and signed zeros come out as the CPU makes them.

Exceptions (SDM Vol. 1 11.5): every operation ORs the flags it raised into MXCSR; when one
of them is unmasked the destination is left unchanged and the kernel sends SIGFPE with the
si_code ``fpu__exception_code`` picks (arch/x86/kernel/fpu/core.c).  A 128-bit memory operand
of anything but the unaligned moves must be 16-byte aligned, or the CPU raises #GP, which
Linux delivers as SIGSEGV with si_code SI_KERNEL (SDM Vol. 1 11.4.1; traps.c exc_general_protection).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from events import codes as C
from events.log import pack_row
from vmdebug.isa.decoder import Instruction
from vmdebug.isa.operands import Mem, Reg
from vmdebug.machine import ieee
from vmdebug.machine.cpu import Closure, flag_setter, reg_setter, semantics
from vmdebug.machine.faults import EXEC, CpuFault
from vmdebug.machine.operands import MASK, effective_address, getter, setter
from vmdebug.signals import SIGFPE, SIGSEGV

if TYPE_CHECKING:
    from vmdebug.machine.process import Process

MXCSR = C.MXCSR
M32, M64, M128 = (1 << 32) - 1, (1 << 64) - 1, (1 << 128) - 1
UNALIGNED_OK = frozenset(("movups", "movupd", "movdqu"))
#: si_code of a SIMD floating-point exception by the first unmasked flag, in the order
#: fpu__exception_code tests them (include/uapi/asm-generic/siginfo.h numbers).
_FPE_CODES = ((ieee.IE, "FPE_FLTINV"), (ieee.ZE, "FPE_FLTDIV"), (ieee.OE, "FPE_FLTOVF"),
              (ieee.UE | ieee.DE, "FPE_FLTUND"), (ieee.PE, "FPE_FLTRES"))


def fpe_code(flags: int) -> str:
    """The si_code Linux gives a floating-point exception whose unmasked flags are ``flags``."""
    return next((code for bits, code in _FPE_CODES if flags & bits), "FPE_FLTINV")


# ---- operand access ----------------------------------------------------------------
def xmm_getter(p: "Process", n: int) -> Callable[[], int]:
    regs, base = p.state.regs, C.xmm_id(n)
    return lambda: regs[base] | regs[base + 1] << 32 | regs[base + 2] << 64 | regs[base + 3] << 96


def xmm_setter(p: "Process", n: int, dwords: int = 4) -> Callable[[int], None]:
    """Writes the low ``dwords`` dwords of xmm``n`` (the rest keep their value)."""
    regs, write, base = p.state.regs, p.write, C.xmm_id(n)

    def put(value: int) -> None:
        for k in range(dwords):
            new = (value >> (32 * k)) & M32
            old = regs[base + k]
            if old != new:
                regs[base + k] = new
                write(pack_row(C.REG, base + k, old, new, 0))
    return put


def aligned16(ea: Callable[[], int], eip: int, what: Callable[[int], str]) -> Callable[[], int]:
    """``ea`` checked for 16-byte alignment: a misaligned address raises #GP, which Linux
    delivers as SIGSEGV with si_code SI_KERNEL and no address; ``what(addr)`` says what was
    misaligned (the 16-byte SSE operands here, fxsave's area in fpu.py)."""
    def aligned() -> int:
        addr = ea()
        if addr & 15:
            raise CpuFault(SIGSEGV, "SI_KERNEL", 0, EXEC,
                           f"general protection fault: {what(addr)} (at {eip:#010x})")
        return addr
    return aligned


def _check_aligned(i: Instruction, op: Mem, ea: Callable[[], int]) -> Callable[[], int]:
    if i.mnemonic in UNALIGNED_OK or op.size != 128:
        return ea
    name = i.mnemonic
    return aligned16(ea, i.address, lambda addr: f"{name} of a 16-byte operand at {addr:#010x}, "
                                                 "which is not 16-byte aligned")


def source(p: "Process", i: Instruction, op: object, nbytes: int) -> Callable[[], int]:
    """The value of an SSE source: an xmm register's low ``nbytes`` bytes, memory, or a
    general register (movd, cvtsi2sd)."""
    if isinstance(op, Reg) and op.size == 128:
        get = xmm_getter(p, op.code)
        mask = (1 << (8 * nbytes)) - 1
        return get if nbytes == 16 else (lambda: get() & mask)
    if isinstance(op, Mem):
        ea = _check_aligned(i, op, effective_address(p, op))
        mem = p.memory
        if nbytes == 4:
            return lambda: mem.read32(ea())
        return lambda: mem.read_wide(ea(), nbytes)
    return getter(p, op, 32)


def destination(p: "Process", i: Instruction, op: object, nbytes: int) -> Callable[[int], None]:
    """Stores the low ``nbytes`` bytes of a value into an xmm register (its other bytes
    unchanged), memory, or a general register."""
    if isinstance(op, Reg) and op.size == 128:
        return xmm_setter(p, op.code, nbytes // 4)
    if isinstance(op, Mem):
        ea = _check_aligned(i, op, effective_address(p, op))
        mem = p.memory
        if nbytes == 4:
            return lambda v: mem.write32(ea(), v)
        return lambda v: mem.write_wide(ea(), nbytes, v)
    return setter(p, op, 32)


def status(p: "Process", eip: int) -> Callable[[int], None]:
    """Merges raised exception flags into MXCSR; an unmasked one faults (SIGFPE) before the
    destination is written."""
    regs, set_mxcsr = p.state.regs, reg_setter(p, MXCSR)

    def raise_flags(raised: int) -> None:
        old = regs[MXCSR]
        # An unmasked pre-computation exception (IE DE ZE) records only those flags, since no
        # result was computed; otherwise every flag raised (SDM Vol. 1 11.5.1, ieee.sse_fault_flags).
        recorded = ieee.sse_fault_flags(raised, old)
        set_mxcsr(old | (raised if recorded is None else recorded))
        unmasked = raised & ~(old >> ieee.MASKS_SHIFT) & 0x3F
        if unmasked:
            raise CpuFault(SIGFPE, fpe_code(unmasked), eip, EXEC,
                           f"floating-point exception ({fpe_code(unmasked)}) at {eip:#010x}")
    return raise_flags


def _lanes(value: int, width: int, count: int) -> list[int]:
    mask = (1 << width) - 1
    return [(value >> (width * k)) & mask for k in range(count)]


def _join(lanes: list[int], width: int) -> int:
    out = 0
    for k, v in enumerate(lanes):
        out |= v << (width * k)
    return out


def _each(compute: Callable[..., tuple[int, int]], operands: Iterable[tuple[int, ...]],
          mxcsr: int) -> tuple[list[int], int]:
    """``compute(*element, mxcsr)`` for every element: the results, and the flags of all."""
    out, raised = [], 0
    for element in operands:
        r, f = compute(*element, mxcsr)
        out.append(r)
        raised |= f
    return out, raised


def _shape(mnemonic: str) -> tuple[int, int]:
    """(lane width in bits, lanes computed) from the ps/pd/ss/sd suffix."""
    return {"ps": (32, 4), "pd": (64, 2), "ss": (32, 1), "sd": (64, 1)}[mnemonic[-2:]]


# ---- moves -------------------------------------------------------------------------
@semantics("movss", "movsd")
def _move_scalar(p: "Process", i: Instruction) -> Closure:
    """A load from memory clears the rest of the register; a register move or a store
    touches only the low element (SDM MOVSS/MOVSD)."""
    nbytes = 4 if i.mnemonic == "movss" else 8
    dst, src = i.operands
    get = source(p, i, src, nbytes)
    put = xmm_setter(p, dst.code, 4) if isinstance(src, Mem) else destination(p, i, dst, nbytes)  # type: ignore
    nxt = i.address + i.length

    def run() -> int:
        put(get())
        return nxt
    return run


@semantics("movaps", "movapd", "movups", "movupd", "movdqa", "movdqu")
def _move_full(p: "Process", i: Instruction) -> Closure:
    dst, src = i.operands
    get, put, nxt = source(p, i, src, 16), destination(p, i, dst, 16), i.address + i.length

    def run() -> int:
        put(get())
        return nxt
    return run


@semantics("movd", "movq")
def _move_int(p: "Process", i: Instruction) -> Closure:
    """movd/movq into an xmm register zero-extend it; out of one they take the low dword or
    qword (SDM MOVD/MOVQ)."""
    nbytes = 4 if i.mnemonic == "movd" else 8
    dst, src = i.operands
    get = source(p, i, src, nbytes)
    put = xmm_setter(p, dst.code, 4) if isinstance(dst, Reg) and dst.size == 128 else destination(p, i, dst, nbytes)
    nxt = i.address + i.length

    def run() -> int:
        put(get())
        return nxt
    return run


@semantics("movlps", "movlpd", "movhps", "movhpd")
def _move_half(p: "Process", i: Instruction) -> Closure:
    high = i.mnemonic.startswith("movh")
    dst, src = i.operands
    nxt = i.address + i.length
    if isinstance(dst, Mem):
        get = source(p, i, src, 16)
        put = destination(p, i, dst, 8)

        def store() -> int:
            v = get()
            put(v >> 64 if high else v & M64)
            return nxt
        return store
    old, load, write = xmm_getter(p, dst.code), source(p, i, src, 8), xmm_setter(p, dst.code)  # type: ignore

    def run() -> int:
        v = load()
        write((old() & M64) | v << 64 if high else (old() & ~M64 & M128) | v)
        return nxt
    return run


@semantics("movmskps", "movmskpd")
def _movmsk(p: "Process", i: Instruction) -> Closure:
    width, count = (32, 4) if i.mnemonic == "movmskps" else (64, 2)
    dst, src = i.operands
    get, put, nxt = xmm_getter(p, src.code), setter(p, dst, 32), i.address + i.length  # type: ignore

    def run() -> int:
        lanes = _lanes(get(), width, count)
        put(sum(((v >> (width - 1)) & 1) << k for k, v in enumerate(lanes)))
        return nxt
    return run


# ---- arithmetic --------------------------------------------------------------------
_ARITH = {"add": "add", "sub": "sub", "mul": "mul", "div": "div", "min": "min", "max": "max"}


def _lanewise(p: "Process", i: Instruction, compute: Callable[[int, int, int], tuple[int, int]],
              unary: bool = False) -> Closure:
    """An operation on each element: scalar forms compute element 0 and keep the rest of the
    destination; packed forms compute every element.  Flags of all elements are merged
    before anything is written, so an unmasked exception leaves the destination whole."""
    width, count = _shape(i.mnemonic)
    dst, src = i.operands[0], i.operands[1]
    nbytes = width // 8 * count
    old = xmm_getter(p, dst.code)  # type: ignore[union-attr]
    get = source(p, i, src, 16 if count > 1 else nbytes)
    put = xmm_setter(p, dst.code, nbytes // 4)  # type: ignore[union-attr]
    flags = status(p, i.address)
    regs, nxt = p.state.regs, i.address + i.length
    mask = (1 << width) - 1
    if count == 1:
        def scalar() -> int:
            b = get()
            r, raised = compute(old() & mask, b & mask, regs[MXCSR])
            if raised:
                flags(raised)
            put(r)
            return nxt
        return scalar

    def packed() -> int:
        out, raised = _each(compute, zip(_lanes(old(), width, count), _lanes(get(), width, count)), regs[MXCSR])
        if raised:
            flags(raised)
        put(_join(out, width))
        return nxt
    return packed


for _op in _ARITH:
    for _suffix in ("ps", "pd", "ss", "sd"):
        def _make(op: str) -> Callable[["Process", Instruction], Closure]:
            def build(p: "Process", i: Instruction) -> Closure:
                size = _shape(i.mnemonic)[0]
                return _lanewise(p, i, lambda a, b, m: ieee.sse_arith_raised(op, a, b, size, m))
            return build
        semantics(_op + _suffix)(_make(_op))


@semantics("sqrtps", "sqrtpd", "sqrtss", "sqrtsd")
def _sqrt(p: "Process", i: Instruction) -> Closure:
    size = _shape(i.mnemonic)[0]
    return _lanewise(p, i, lambda a, b, m: ieee.sse_sqrt_raised(b, size, m))


@semantics("cmpps", "cmppd", "cmpss", "cmpsd")
def _cmp(p: "Process", i: Instruction) -> Closure:
    size = _shape(i.mnemonic)[0]
    predicate = i.operands[2].value & 7  # type: ignore[union-attr]  # legacy SSE uses imm8[2:0]
    ones = (1 << size) - 1

    def compare(a: int, b: int, m: int) -> tuple[int, int]:
        true, raised = ieee.sse_cmp_raised(a, b, size, predicate, m)
        return (ones if true else 0), raised
    return _lanewise(p, i, compare)


@semantics("ucomiss", "ucomisd", "comiss", "comisd")
def _comi(p: "Process", i: Instruction) -> Closure:
    """ZF PF CF from the comparison, OF SF AF cleared (SDM COMISD, UCOMISD)."""
    size = 32 if i.mnemonic.endswith("ss") else 64
    signaling = not i.mnemonic.startswith("u")
    a_op, b_op = i.operands
    geta, getb = source(p, i, a_op, size // 8), source(p, i, b_op, size // 8)
    set_flags = flag_setter(p, 0x8D5)        # CF PF AF ZF SF OF
    flags, regs, nxt = status(p, i.address), p.state.regs, i.address + i.length

    def run() -> int:
        zf, pf, cf, raised = ieee.sse_comi_raised(geta(), getb(), size, signaling, regs[MXCSR])
        if raised:
            flags(raised)
        set_flags(zf << 6 | pf << 2 | cf)
        return nxt
    return run


# ---- bitwise and integer -----------------------------------------------------------
def _binary128(p: "Process", i: Instruction, compute: Callable[[int, int], int]) -> Closure:
    dst, src = i.operands[0], i.operands[1]
    old, get = xmm_getter(p, dst.code), source(p, i, src, 16)  # type: ignore[union-attr]
    put, nxt = xmm_setter(p, dst.code), i.address + i.length  # type: ignore[union-attr]

    def run() -> int:
        put(compute(old(), get()) & M128)
        return nxt
    return run


_BITWISE: dict[str, Callable[[int, int], int]] = {
    "and": lambda a, b: a & b, "andn": lambda a, b: ~a & b, "or": lambda a, b: a | b, "xor": lambda a, b: a ^ b,
}
for _name, _fn in _BITWISE.items():
    for _form in (_name + "ps", _name + "pd", "p" + _name):
        semantics(_form)(lambda p, i, fn=_fn: _binary128(p, i, fn))


def _lane_op(width: int, fn: Callable[[int, int], int]) -> Callable[[int, int], int]:
    count, mask = 128 // width, (1 << width) - 1
    return lambda a, b: _join([fn(x, y) & mask for x, y in zip(_lanes(a, width, count), _lanes(b, width, count))],
                              width)


_INTEGER: dict[str, Callable[[int, int], int]] = {
    "paddd": _lane_op(32, lambda x, y: x + y), "psubd": _lane_op(32, lambda x, y: x - y),
    "paddq": _lane_op(64, lambda x, y: x + y), "psubq": _lane_op(64, lambda x, y: x - y),
    "pcmpeqd": _lane_op(32, lambda x, y: M32 if x == y else 0),
    # unpack low/high: interleave the low (high) halves of both operands (SDM UNPCKLPS, PUNPCKLDQ)
    "unpcklps": lambda a, b: _join([a & M32, b & M32, (a >> 32) & M32, (b >> 32) & M32], 32),
    "unpckhps": lambda a, b: _join([(a >> 64) & M32, (b >> 64) & M32, a >> 96, b >> 96], 32),
    "unpcklpd": lambda a, b: (a & M64) | (b & M64) << 64,
    "unpckhpd": lambda a, b: (a >> 64) | (b >> 64) << 64,
}
_INTEGER["punpckldq"], _INTEGER["punpckhdq"] = _INTEGER["unpcklps"], _INTEGER["unpckhps"]
_INTEGER["punpcklqdq"], _INTEGER["punpckhqdq"] = _INTEGER["unpcklpd"], _INTEGER["unpckhpd"]
for _name, _fn in _INTEGER.items():
    semantics(_name)(lambda p, i, fn=_fn: _binary128(p, i, fn))


@semantics("shufps", "shufpd", "pshufd")
def _shuffle(p: "Process", i: Instruction) -> Closure:
    imm = i.operands[2].value & 0xFF  # type: ignore[union-attr]
    if i.mnemonic == "shufps":      # two elements of the destination, then two of the source
        fn = lambda a, b: _join([_lanes(a, 32, 4)[imm & 3], _lanes(a, 32, 4)[(imm >> 2) & 3],  # noqa: E731
                                 _lanes(b, 32, 4)[(imm >> 4) & 3], _lanes(b, 32, 4)[(imm >> 6) & 3]], 32)
    elif i.mnemonic == "shufpd":
        fn = lambda a, b: _join([_lanes(a, 64, 2)[imm & 1], _lanes(b, 64, 2)[(imm >> 1) & 1]], 64)  # noqa: E731
    else:                           # pshufd: each dword of the result picks one of the source
        fn = lambda a, b: _join([_lanes(b, 32, 4)[(imm >> (2 * k)) & 3] for k in range(4)], 32)  # noqa: E731
    return _binary128(p, i, fn)


@semantics("pslld", "psrld", "psrad", "psllq", "psrlq", "pslldq", "psrldq")
def _shift(p: "Process", i: Instruction) -> Closure:
    """Shifts by an immediate; a count past the element width clears it (or fills it with
    the sign, psrad); the dq forms shift the whole register by bytes (SDM PSLLD, PSRLDQ)."""
    count = i.operands[1].value & 0xFF  # type: ignore[union-attr]
    name = i.mnemonic
    if name.endswith("dq"):
        shift = 8 * min(count, 16)
        fn = (lambda a, b: a << shift) if name == "pslldq" else (lambda a, b: a >> shift)
    else:
        width = 32 if name[-1] == "d" else 64
        if name.startswith("psll"):
            fn = _lane_op(width, lambda x, y: x << count if count < width else 0)
        elif name.startswith("psrl"):
            fn = _lane_op(width, lambda x, y: x >> count if count < width else 0)
        else:
            sign = 1 << (width - 1)
            fn = _lane_op(width, lambda x, y: ((x ^ sign) - sign) >> min(count, width - 1))
    return _binary128(p, i, fn)


# ---- conversions -------------------------------------------------------------------
@semantics("cvtsi2ss", "cvtsi2sd")
def _cvtsi2(p: "Process", i: Instruction) -> Closure:
    size = 32 if i.mnemonic.endswith("ss") else 64
    dst, src = i.operands
    get, put = getter(p, src, 32), xmm_setter(p, dst.code, size // 32)  # type: ignore[union-attr]
    flags, regs, nxt = status(p, i.address), p.state.regs, i.address + i.length

    def run() -> int:
        v = get()
        r, raised = ieee.cvt_int_to_fp_raised(v - (1 << 32) if v & 0x80000000 else v, size, regs[MXCSR])
        if raised:
            flags(raised)
        put(r)
        return nxt
    return run


@semantics("cvttss2si", "cvttsd2si", "cvtss2si", "cvtsd2si")
def _cvt2si(p: "Process", i: Instruction) -> Closure:
    size = 32 if i.mnemonic.endswith("ss2si") else 64
    truncate = i.mnemonic.startswith("cvtt")
    dst, src = i.operands
    get, put = source(p, i, src, size // 8), setter(p, dst, 32)
    flags, regs, nxt = status(p, i.address), p.state.regs, i.address + i.length

    def run() -> int:
        r, raised = ieee.cvt_fp_to_int_raised(get(), size, truncate, regs[MXCSR])
        if raised:
            flags(raised)
        put(r & MASK)
        return nxt
    return run


def _convert(p: "Process", i: Instruction, in_width: int, count: int, out_width: int,
             convert: Callable[[int, int], tuple[int, int]], src_bytes: int) -> Closure:
    """Converts ``count`` elements of ``in_width`` bits to elements of ``out_width``: the
    scalar forms (count 1) keep the rest of the destination, the packed ones zero it."""
    dst, src = i.operands
    get = source(p, i, src, src_bytes)
    dwords = 4 if count > 1 else out_width // 32
    put = xmm_setter(p, dst.code, dwords)  # type: ignore[union-attr]
    flags, regs, nxt = status(p, i.address), p.state.regs, i.address + i.length

    def run() -> int:
        out, raised = _each(convert, ((v,) for v in _lanes(get(), in_width, count)), regs[MXCSR])
        if raised:
            flags(raised)
        put(_join(out, out_width))
        return nxt
    return run


def _signed(v: int) -> int:
    return v - (1 << 32) if v & 0x80000000 else v


_CONVERSIONS: dict[str, tuple[int, int, int, int, Callable[[int, int], tuple[int, int]]]] = {
    # mnemonic: (in width, elements, out width, source bytes, conversion)
    "cvtss2sd": (32, 1, 64, 4, lambda v, m: ieee.cvt_fp_to_fp_raised(v, 32, 64, m)),
    "cvtsd2ss": (64, 1, 32, 8, lambda v, m: ieee.cvt_fp_to_fp_raised(v, 64, 32, m)),
    "cvtps2pd": (32, 2, 64, 8, lambda v, m: ieee.cvt_fp_to_fp_raised(v, 32, 64, m)),
    "cvtpd2ps": (64, 2, 32, 16, lambda v, m: ieee.cvt_fp_to_fp_raised(v, 64, 32, m)),
    "cvtdq2ps": (32, 4, 32, 16, lambda v, m: ieee.cvt_int_to_fp_raised(_signed(v), 32, m)),
    "cvtdq2pd": (32, 2, 64, 8, lambda v, m: ieee.cvt_int_to_fp_raised(_signed(v), 64, m)),
    "cvtps2dq": (32, 4, 32, 16, lambda v, m: ieee.cvt_fp_to_int_raised(v, 32, False, m)),
    "cvttps2dq": (32, 4, 32, 16, lambda v, m: ieee.cvt_fp_to_int_raised(v, 32, True, m)),
    "cvtpd2dq": (64, 2, 32, 16, lambda v, m: ieee.cvt_fp_to_int_raised(v, 64, False, m)),
    "cvttpd2dq": (64, 2, 32, 16, lambda v, m: ieee.cvt_fp_to_int_raised(v, 64, True, m)),
}
for _name, (_iw, _n, _ow, _nb, _fn) in _CONVERSIONS.items():
    semantics(_name)(lambda p, i, a=(_iw, _n, _ow, _fn, _nb): _convert(p, i, *a))


# ---- MXCSR ---------------------------------------------------------------------------
#: The MXCSR bits this machine has: all of them up to FZ (MXCSR_MASK 0xffff with DAZ, SDM
#: Vol. 1 11.6.6); setting any other raises #GP.
MXCSR_WRITABLE = 0xFFFF


@semantics("ldmxcsr")
def _ldmxcsr(p: "Process", i: Instruction) -> Closure:
    (src,) = i.operands
    get, set_mxcsr, nxt = getter(p, src, 32), reg_setter(p, MXCSR), i.address + i.length

    def run() -> int:
        v = get()
        if v & ~MXCSR_WRITABLE:
            raise CpuFault(SIGSEGV, "SI_KERNEL", 0, EXEC,
                           f"general protection fault: ldmxcsr of {v:#x} sets reserved MXCSR bits")
        set_mxcsr(v)
        return nxt
    return run


@semantics("stmxcsr")
def _stmxcsr(p: "Process", i: Instruction) -> Closure:
    (dst,) = i.operands
    put, regs, nxt = setter(p, dst, 32), p.state.regs, i.address + i.length

    def run() -> int:
        put(regs[MXCSR])
        return nxt
    return run

