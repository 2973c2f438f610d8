"""Memory *reads* per step, for read/access watchpoints.

Reads are not events (only writes change state), so we find them the way a
CPU would: decode the instruction each step executed and compute the
addresses it reads from the registers before that step.  Which memory an
instruction reads - its operands and its implicit accesses (``pop``/``ret``/
``popf``/``popa`` read the stack, ``leave`` reads ``[ebp]``, the string
instructions ``[esi]``/``[edi]``, ``xlat`` ``[ebx+al]``) - is the memory
column of the one instruction table (:data:`vmdebug.isa.table.MEM_EFFECTS`).
Decoding is cached per address and the address arithmetic is vectorised over
all the steps that ran one instruction.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from events import codes as C

ReadOp = tuple[str | None, str | None, int, int, int]   # base, index, scale, disp, size


def read_ops(code: bytes, eip: int) -> tuple[ReadOp, ...]:
    """The memory reads of the instruction at ``eip`` (none if it does not decode: the
    step then faulted on its fetch, which reads no data)."""
    # The instruction tables load with the first read watchpoint, not with every session.
    from vmdebug.isa.decoder import DecodeError, TruncatedInstruction, decode
    from vmdebug.isa.operands import Mem
    try:
        insn = decode(code, eip)
    except (DecodeError, TruncatedInstruction):
        return ()
    effect = insn.entry.mem
    opsize = (insn.entry.opsize or 32) // 8
    ops: list[ReadOp] = []
    for i, op in enumerate(insn.operands):
        if isinstance(op, Mem) and "r" in effect.operand(i):
            ops.append((op.base, op.index, op.scale, op.disp, (op.size or 32) // 8))
    for base, index, disp, size, access in effect.implicit:
        if "r" in access:
            width = size or opsize
            ops.append((base, index, 1, -width if disp == "-size" else int(disp), width))
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
                if index == "al":       # xlat: the table index is AL, zero-extended
                    addr = addr + (regs["eax"][sel] & 0xFF)
                elif index is not None:
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
