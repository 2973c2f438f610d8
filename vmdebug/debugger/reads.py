"""Memory *reads* per step, for read/access watchpoints.

Reads are not events (only writes change state), so we find them the way a
CPU would: decode the instruction each step executed and compute its memory
operands' addresses from the registers before that step.  Decoding is cached
per address and the address arithmetic is vectorised over all the steps that
ran one instruction.  Implicit reads follow the Intel SDM Vol. 2 operation
sections: ``pop``/``ret`` read ``[esp]``, ``leave`` reads ``[ebp]``, the
string instructions read ``[esi]`` (``movs``/``lods``/``cmps``) and ``[edi]``
(``scas``/``cmps``).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from events import codes as C
from vmdebug.isa.decoder import decode
from vmdebug.isa.operands import Mem

#: Destination-only memory operands (written, not read).
_WRITE_ONLY_DEST = {"mov", "pop", "stos", "stosb", "stosw", "stosd"}

ReadOp = tuple[str | None, str | None, int, int, int]   # base, index, scale, disp, size


def read_ops(code: bytes, eip: int) -> tuple[ReadOp, ...]:
    try:
        insn = decode(code, eip)
    except Exception:
        return ()
    m = insn.mnemonic
    ops: list[ReadOp] = []
    if m == "lea" or m == "nop":
        return ()
    for i, op in enumerate(insn.operands):
        if not isinstance(op, Mem):
            continue
        if i == 0 and (m in _WRITE_ONLY_DEST or m.startswith("set")):
            continue
        size = (op.size or 32) // 8
        ops.append((op.base, op.index, op.scale, op.disp, size))
    if m in ("pop", "ret"):
        ops.append(("esp", None, 1, 0, 4))
    elif m == "leave":
        ops.append(("ebp", None, 1, 0, 4))
    width = {"b": 1, "w": 2, "d": 4}
    for base, names in (("esi", ("movs", "lods", "cmps")), ("edi", ("scas", "cmps"))):
        for n in names:
            if m.startswith(n):
                ops.append((base, None, 1, 0, width.get(m[len(n):], 4)))
    return tuple(ops)


class ReadScanner:
    def __init__(self, read_code: Callable[[int, int], bytes]) -> None:
        self.read_code = read_code
        self._cache: dict[int, tuple[ReadOp, ...]] = {}

    def ops(self, eip: int) -> tuple[ReadOp, ...]:
        got = self._cache.get(eip)
        if got is None:
            got = read_ops(self.read_code(eip, 15), eip)
            self._cache[eip] = got
        return got

    def mask(self, eips: np.ndarray, regs: dict[str, np.ndarray], ranges: tuple[tuple[int, int], ...]) -> np.ndarray:
        """Which steps (given the eip and registers *before* each) read a byte of ``ranges``."""
        out = np.zeros(len(eips), dtype=bool)
        if not ranges:
            return out
        uniq, inverse = np.unique(eips, return_inverse=True)
        for k, eip in enumerate(uniq.tolist()):
            ops = self.ops(int(eip))
            if not ops:
                continue
            sel = inverse == k
            for base, index, scale, disp, size in ops:
                addr = np.full(int(sel.sum()), disp, dtype=np.int64)
                if base is not None:
                    addr = addr + regs[base][sel]
                if index is not None:
                    addr = addr + regs[index][sel] * scale
                addr &= 0xFFFFFFFF
                hit = np.zeros(len(addr), dtype=bool)
                for lo, hi in ranges:
                    hit |= (addr < hi) & (addr + size > lo)
                idx = np.flatnonzero(sel)
                out[idx[hit]] = True
        return out


REG_FOR_READS = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi")
REG_IDS = {n: C.REG_IDS[n] for n in REG_FOR_READS}
