"""Arithmetic, logic, shifts, multiply and divide (SDM Vol. 2 instruction pages)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from vmdebug.isa.decoder import Instruction
from vmdebug.isa.operands import Imm, Mem, Reg
from vmdebug.machine import flags as F
from vmdebug.machine.cpu import EAX, EBX, ECX, EDX, EFLAGS, Closure, flag_setter, op_size, reg_setter, semantics
from vmdebug.machine.faults import sigfpe
from vmdebug.machine.operands import MASK, effective_address, getter, setter

if TYPE_CHECKING:
    from vmdebug.machine.process import Process

ARITH = F.STATUS


def _operands(p: "Process", i: Instruction):
    size = op_size(i)
    dst, src = i.operands
    return size, getter(p, dst, size), getter(p, src, size), setter(p, dst, size), i.address + i.length


@semantics("add", "adc", "sub", "sbb", "cmp")
def _arith(p: "Process", i: Instruction) -> Closure:
    size, gd, gs, put, nxt = _operands(p, i)
    regs, set_fl, m = p.state.regs, flag_setter(p, ARITH), i.mnemonic
    fn = F.add if m in ("add", "adc") else F.sub
    carry = m in ("adc", "sbb")
    write = m != "cmp"
    dst, src = i.operands
    if write and m == "sub" and isinstance(dst, Reg) and dst == src:
        pass  # sub r, r is an ordinary subtraction; nothing special architecturally

    def run() -> int:
        a, b = gd(), gs()
        res, f = fn(a, b, regs[EFLAGS] & 1 if carry else 0, size)
        if write:
            put(res)
        set_fl(f)
        return nxt
    return run


@semantics("and", "or", "xor", "test")
def _logic(p: "Process", i: Instruction) -> Closure:
    size, gd, gs, put, nxt = _operands(p, i)
    set_fl, m = flag_setter(p, ARITH), i.mnemonic
    szp = F.szp
    if m == "test":
        return lambda: (set_fl(szp(gd() & gs(), size)), nxt)[1]
    op = {"and": int.__and__, "or": int.__or__, "xor": int.__xor__}[m]

    def run() -> int:
        res = op(gd(), gs())
        put(res)
        set_fl(szp(res, size))
        return nxt
    return run


@semantics("inc", "dec")
def _incdec(p: "Process", i: Instruction) -> Closure:
    size = op_size(i)
    (dst,) = i.operands
    gd, put, nxt = getter(p, dst, size), setter(p, dst, size), i.address + i.length
    set_fl = flag_setter(p, ARITH & ~F.CF)
    fn = F.add if i.mnemonic == "inc" else F.sub

    def run() -> int:
        res, f = fn(gd(), 1, 0, size)
        put(res)
        set_fl(f & ~F.CF)
        return nxt
    return run


@semantics("neg", "not")
def _neg(p: "Process", i: Instruction) -> Closure:
    size = op_size(i)
    (dst,) = i.operands
    gd, put, nxt, mask = getter(p, dst, size), setter(p, dst, size), i.address + i.length, F.MASKS[size]
    if i.mnemonic == "not":
        return lambda: (put(gd() ^ mask), nxt)[1]
    set_fl = flag_setter(p, ARITH)

    def run() -> int:
        res, f = F.sub(0, gd(), 0, size)
        put(res)
        set_fl(f)
        return nxt
    return run


@semantics("shl", "shr", "sar", "rol", "ror", "rcl", "rcr")
def _shift(p: "Process", i: Instruction) -> Closure:
    size = op_size(i)
    dst = i.operands[0]
    count_op = i.operands[1] if len(i.operands) > 1 else Imm(1, 8)
    gd, gc, put, nxt = getter(p, dst, size), getter(p, count_op, 8), setter(p, dst, size), i.address + i.length
    regs, m = p.state.regs, i.mnemonic
    mask, sign = F.MASKS[size], F.SIGNS[size]
    set_all = flag_setter(p, ARITH)
    set_co = flag_setter(p, F.CF | F.OF)

    def run() -> int:
        count = gc() & 0x1F
        if count == 0:
            gd()  # the operand is still read (and may fault)
            return nxt
        a = gd()
        fl = regs[EFLAGS]
        if m == "shl":
            res = (a << count) & mask
            cf = (a >> (size - count)) & 1 if count <= size else 0
            f = F.szp(res, size) | cf | (F.OF if bool(res & sign) != bool(cf) else 0)
            put(res)
            set_all(f)
        elif m == "shr":
            res = a >> count if count < 64 else 0
            cf = (a >> (count - 1)) & 1
            f = F.szp(res, size) | cf | (F.OF if a & sign else 0)
            put(res)
            set_all(f)
        elif m == "sar":
            sa = F.signed(a, size)
            res = (sa >> count) & mask
            cf = (sa >> (count - 1)) & 1
            put(res)
            set_all(F.szp(res, size) | cf)
        elif m in ("rol", "ror"):
            n = count % size
            res = ((a << n) | (a >> (size - n))) & mask if m == "rol" else ((a >> n) | (a << (size - n))) & mask
            if m == "rol":
                cf = res & 1
                of = bool(res & sign) != bool(cf)
            else:
                cf = 1 if res & sign else 0
                of = bool(res & sign) != bool(res & (sign >> 1))
            put(res)
            set_co(cf | (F.OF if of else 0))
        else:  # rcl, rcr: rotate through CF, a (size+1)-bit rotation
            n = count % (size + 1)
            cf_in = fl & 1
            wide = (cf_in << size) | a if m == "rcl" else (a << 1) | cf_in
            total = size + 1
            if m == "rcl":
                rot = ((wide << n) | (wide >> (total - n))) & ((1 << total) - 1)
                res, cf = rot & mask, (rot >> size) & 1
                of = bool(res & sign) != bool(cf)
            else:
                rot = ((wide >> n) | (wide << (total - n))) & ((1 << total) - 1)
                res, cf = rot >> 1, rot & 1
                of = bool(res & sign) != bool(res & (sign >> 1))
            put(res)
            set_co(cf | (F.OF if of else 0))
        return nxt
    return run


@semantics("shld", "shrd")
def _dshift(p: "Process", i: Instruction) -> Closure:
    size = op_size(i)
    dst, src, cnt = i.operands
    gd, gs, gc, put, nxt = getter(p, dst, size), getter(p, src, size), getter(p, cnt, 8), setter(p, dst, size), i.address + i.length
    mask, sign, left = F.MASKS[size], F.SIGNS[size], i.mnemonic == "shld"
    set_all = flag_setter(p, ARITH)

    def run() -> int:
        count = gc() & 0x1F
        a = gd()
        if count == 0:
            return nxt
        b = gs()
        if left:
            res = ((a << count) | (b >> (size - count))) & mask
            cf = (a >> (size - count)) & 1
        else:
            res = ((a >> count) | (b << (size - count))) & mask
            cf = (a >> (count - 1)) & 1
        put(res)
        set_all(F.szp(res, size) | cf | (F.OF if bool(res & sign) != bool(a & sign) else 0))
        return nxt
    return run


@semantics("mul", "imul")
def _mul(p: "Process", i: Instruction) -> Closure:
    size = op_size(i)
    regs, nxt = p.state.regs, i.address + i.length
    set_co = flag_setter(p, F.CF | F.OF)
    mask = F.MASKS[size]
    signed_mul = i.mnemonic == "imul"
    if len(i.operands) >= 2:  # imul r, r/m [, imm]
        dst = i.operands[0]
        a_op, b_op = (i.operands[1], i.operands[2]) if len(i.operands) == 3 else (i.operands[0], i.operands[1])
        ga, gb, put = getter(p, a_op, size), getter(p, b_op, size), setter(p, dst, size)

        def run2() -> int:
            full = F.signed(ga(), size) * F.signed(gb(), size)
            res = full & mask
            put(res)
            set_co(0 if F.signed(res, size) == full else F.CF | F.OF)
            return nxt
        return run2
    (src,) = i.operands
    gs = getter(p, src, size)
    set_eax, set_edx = reg_setter(p, EAX), reg_setter(p, EDX)

    def run1() -> int:
        b = gs()
        if size == 8:
            a = regs[EAX] & 0xFF
            full = F.signed(a, 8) * F.signed(b, 8) if signed_mul else a * b
            ax = full & 0xFFFF
            set_eax((regs[EAX] & 0xFFFF0000) | ax)
            over = F.signed(ax & 0xFF, 8) != full if signed_mul else ax > 0xFF
        else:
            a = regs[EAX] & mask
            full = F.signed(a, size) * F.signed(b, size) if signed_mul else a * b
            lo, hi = full & mask, (full >> size) & mask
            if size == 16:
                set_eax((regs[EAX] & 0xFFFF0000) | lo)
                set_edx((regs[EDX] & 0xFFFF0000) | hi)
            else:
                set_eax(lo)
                set_edx(hi)
            over = F.signed(lo, size) != full if signed_mul else hi != 0
        set_co(F.CF | F.OF if over else 0)
        return nxt
    return run1


@semantics("div", "idiv")
def _div(p: "Process", i: Instruction) -> Closure:
    size = op_size(i)
    (src,) = i.operands
    regs, gs, nxt, addr = p.state.regs, getter(p, src, size), i.address + i.length, i.address
    set_eax, set_edx = reg_setter(p, EAX), reg_setter(p, EDX)
    mask, signed_div = F.MASKS[size], i.mnemonic == "idiv"

    def run() -> int:
        d = gs()
        if size == 8:
            n = regs[EAX] & 0xFFFF
        elif size == 16:
            n = ((regs[EDX] & 0xFFFF) << 16) | (regs[EAX] & 0xFFFF)
        else:
            n = (regs[EDX] << 32) | regs[EAX]
        if d == 0:
            raise sigfpe(addr, f"divide error: {i.mnemonic} by zero at {addr:#010x}")
        if signed_div:
            sn, sd = F.signed(n, 2 * size), F.signed(d, size)
            q = abs(sn) // abs(sd)
            if (sn < 0) != (sd < 0):
                q = -q
            r = sn - q * sd
            if not -(1 << (size - 1)) <= q < (1 << (size - 1)):
                raise sigfpe(addr, f"divide error: the quotient of {i.mnemonic} does not fit in {size} bits")
        else:
            q, r = divmod(n, d)
            if q > mask:
                raise sigfpe(addr, f"divide error: the quotient of {i.mnemonic} does not fit in {size} bits")
        q &= mask
        r &= mask
        if size == 8:
            set_eax((regs[EAX] & 0xFFFF0000) | (r << 8) | q)
        elif size == 16:
            set_eax((regs[EAX] & 0xFFFF0000) | q)
            set_edx((regs[EDX] & 0xFFFF0000) | r)
        else:
            set_eax(q)
            set_edx(r)
        return nxt
    return run


@semantics("bt", "bts", "btr", "btc")
def _bt(p: "Process", i: Instruction) -> Closure:
    size = op_size(i)
    base, off = i.operands
    goff, nxt, m = getter(p, off, 8 if isinstance(off, Imm) else size), i.address + i.length, i.mnemonic
    set_cf = flag_setter(p, F.CF)
    if isinstance(base, Mem) and not isinstance(off, Imm):
        from vmdebug.machine.operands import effective_address
        ea = effective_address(p, base)
        rd, wr = (p.memory.read32, p.memory.write32) if size == 32 else (p.memory.read16, p.memory.write16)

        def runm() -> int:
            o = F.signed(goff(), size)
            addr = (ea() + (o >> (5 if size == 32 else 4)) * (size // 8)) & MASK
            bit = o & (size - 1)
            v = rd(addr)
            cf = (v >> bit) & 1
            if m != "bt":
                wr(addr, v | (1 << bit) if m == "bts" else v & ~(1 << bit) & F.MASKS[size] if m == "btr" else v ^ (1 << bit))
            set_cf(cf)
            return nxt
        return runm
    gb, put = getter(p, base, size), setter(p, base, size)

    def run() -> int:
        bit = goff() & (size - 1)
        v = gb()
        cf = (v >> bit) & 1
        if m != "bt":
            put(v | (1 << bit) if m == "bts" else v & ~(1 << bit) & F.MASKS[size] if m == "btr" else v ^ (1 << bit))
        set_cf(cf)
        return nxt
    return run


@semantics("bsf", "bsr")
def _bscan(p: "Process", i: Instruction) -> Closure:
    size = op_size(i)
    dst, src = i.operands
    gs, put, nxt, fwd = getter(p, src, size), setter(p, dst, size), i.address + i.length, i.mnemonic == "bsf"
    set_zf = flag_setter(p, F.ZF)

    def run() -> int:
        v = gs()
        if v == 0:
            set_zf(F.ZF)  # destination unchanged (AMD documents this; Intel leaves it undefined)
            return nxt
        put((v & -v).bit_length() - 1 if fwd else v.bit_length() - 1)
        set_zf(0)
        return nxt
    return run


@semantics("tzcnt", "lzcnt")
def _count_zeros(p: "Process", i: Instruction) -> Closure:
    """SDM TZCNT/LZCNT: the number of trailing/leading zero bits, the operand size
    for a zero source; CF = (source == 0), ZF = (result == 0).  gcc emits `rep bsf`
    for __builtin_ctz, which is TZCNT on BMI1 CPUs (the reference machine has it);
    the undefined PF AF SF OF are left alone, as for bsf."""
    size = op_size(i)
    dst, src = i.operands
    gs, put, nxt, trailing = getter(p, src, size), setter(p, dst, size), i.address + i.length, i.mnemonic == "tzcnt"
    set_fl = flag_setter(p, F.CF | F.ZF)

    def run() -> int:
        v = gs()
        if v == 0:
            n = size
        else:
            n = (v & -v).bit_length() - 1 if trailing else size - v.bit_length()
        put(n)
        set_fl((F.CF if v == 0 else 0) | (F.ZF if n == 0 else 0))
        return nxt
    return run


@semantics("xadd", "cmpxchg")
def _xadd(p: "Process", i: Instruction) -> Closure:
    size = op_size(i)
    dst, src = i.operands
    gd, gs, sd, ss, nxt = getter(p, dst, size), getter(p, src, size), setter(p, dst, size), setter(p, src, size), i.address + i.length
    set_fl = flag_setter(p, ARITH)
    regs = p.state.regs
    acc = setter(p, Reg.named({8: "al", 16: "ax", 32: "eax"}[size]), size)
    if i.mnemonic == "xadd":
        def run() -> int:
            a, b = gd(), gs()
            res, f = F.add(a, b, 0, size)
            sd(res)
            ss(a)
            set_fl(f)
            return nxt
        return run

    def runc() -> int:
        a = gd()
        cur = regs[EAX] & F.MASKS[size]
        _, f = F.sub(cur, a, 0, size)
        if a == cur:
            sd(gs())
        else:
            sd(a)  # the destination is always written (SDM CMPXCHG)
            acc(a)
        set_fl(f)
        return nxt
    return runc


@semantics("cmpxchg8b")
def _cmpxchg8b(p: "Process", i: Instruction) -> Closure:
    """SDM CMPXCHG8B: compare EDX:EAX with m64; if equal, ZF=1 and m64 = ECX:EBX,
    else ZF=0 and EDX:EAX = m64, the destination being written back with its own
    value (so a read-only m64 faults either way).  gcc emits it for 64-bit
    __sync/__atomic compare-and-swap."""
    (dst,) = i.operands
    ea, mem, regs, nxt = effective_address(p, dst), p.memory, p.state.regs, i.address + i.length
    set_zf = flag_setter(p, F.ZF)
    set_eax, set_edx = reg_setter(p, EAX), reg_setter(p, EDX)

    def run() -> int:
        addr = ea()
        lo, hi = mem.read32(addr), mem.read32((addr + 4) & MASK)
        if lo == regs[EAX] and hi == regs[EDX]:
            lo, hi = regs[EBX], regs[ECX]
            set_zf(F.ZF)
        else:
            set_eax(lo)
            set_edx(hi)
            set_zf(0)
        mem.write32(addr, lo)
        mem.write32((addr + 4) & MASK, hi)
        return nxt
    return run
