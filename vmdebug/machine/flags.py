"""EFLAGS arithmetic: exact CF PF AF ZF SF OF results (Intel SDM Vol. 1, 3.4.3).

Each function takes the operands and size and returns ``(result, flags)``
where ``flags`` holds only the six status bits; the caller merges them into
EFLAGS keeping the others.  Flags the SDM leaves undefined are given the
values this machine's CPU (AMD EPYC) produces where they are known: AF is
cleared by the logical instructions and shifts.
"""
from __future__ import annotations

CF, PF, AF, ZF, SF, TF, IF, DF, OF = 0x1, 0x4, 0x10, 0x40, 0x80, 0x100, 0x200, 0x400, 0x800
STATUS = CF | PF | AF | ZF | SF | OF
MASKS = {8: 0xFF, 16: 0xFFFF, 32: 0xFFFFFFFF}
SIGNS = {8: 0x80, 16: 0x8000, 32: 0x80000000}
#: PF is set when the low byte has an even number of 1 bits.
PARITY = tuple(PF if bin(i).count("1") % 2 == 0 else 0 for i in range(256))


def szp(res: int, size: int) -> int:
    """ZF, SF and PF of a (masked) result."""
    f = PARITY[res & 0xFF]
    if res == 0:
        f |= ZF
    if res & SIGNS[size]:
        f |= SF
    return f


def add(a: int, b: int, carry: int, size: int) -> tuple[int, int]:
    mask = MASKS[size]
    full = a + b + carry
    res = full & mask
    f = szp(res, size) | ((a ^ b ^ res) & AF)
    if full > mask:
        f |= CF
    if (a ^ res) & (b ^ res) & SIGNS[size]:
        f |= OF
    return res, f


def sub(a: int, b: int, borrow: int, size: int) -> tuple[int, int]:
    mask = MASKS[size]
    full = a - b - borrow
    res = full & mask
    f = szp(res, size) | ((a ^ b ^ res) & AF)
    if full < 0:
        f |= CF
    if (a ^ b) & (a ^ res) & SIGNS[size]:
        f |= OF
    return res, f


def logic(res: int, size: int) -> int:
    """AND, OR, XOR, TEST: CF = OF = 0, AF cleared (undefined in the SDM)."""
    return szp(res, size)


def condition(cond: int, fl: int) -> bool:
    """The 16 condition codes in encoding order (SDM Vol. 1, Appendix B)."""
    base = cond >> 1
    if base == 0:
        r = bool(fl & OF)
    elif base == 1:
        r = bool(fl & CF)
    elif base == 2:
        r = bool(fl & ZF)
    elif base == 3:
        r = bool(fl & (CF | ZF))
    elif base == 4:
        r = bool(fl & SF)
    elif base == 5:
        r = bool(fl & PF)
    elif base == 6:
        r = bool(fl & SF) != bool(fl & OF)
    else:
        r = bool(fl & ZF) or (bool(fl & SF) != bool(fl & OF))
    return r != bool(cond & 1)


def signed(value: int, size: int) -> int:
    """Two's complement reading of a ``size``-bit value."""
    return value - (1 << size) if (value >> (size - 1)) & 1 else value
