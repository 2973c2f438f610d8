"""Unwinding a frame with the call frame information gcc wrote (``.debug_frame``).

For the frame whose code is at ``pc``, the FDE covering ``pc`` gives a row
of rules (DWARF 5, 6.4.1): how to compute the CFA (the caller's stack
pointer before the call, i386: the address just above the return address)
and where each register the function saved is.  The caller's registers are
then: esp = CFA; eip = the return address column's rule; a register with
a rule is restored by it; every other register keeps its value - the
assumption gdb makes for registers the CFI leaves unspecified
(gdb/dwarf2/frame.c, DWARF2_FRAME_REG_UNSPECIFIED, i386: "same value").

The expressions in the rules (gcc's ``main`` realigns the stack and
describes its CFA with ``DW_CFA_def_cfa_expression``) are evaluated by
:mod:`vmdebug.debuginfo.location`.
"""
from __future__ import annotations

import bisect
import io
import struct
from typing import Any, Callable

from events.record import Record
from vmdebug.debuginfo import location as L

ESP, EBP, EIP = 4, 5, 8
RA_COLUMN = 8


class Fde(Record):
    """One FDE's address range; its table of rules is decoded when first asked for
    (a debugger that unwinds a few frames decodes a few of the program's hundreds)."""

    __slots__ = ("low", "high", "entry", "_rows")

    def __init__(self, low: int, high: int, entry: Any = None,
                 _rows: list[dict[Any, Any]] | None = None) -> None:
        self.low = low
        self.high = high
        self.entry = entry
        self._rows = _rows

    @property
    def rows(self) -> list[dict[Any, Any]]:
        if self._rows is None:
            try:
                self._rows = list(self.entry.get_decoded().table)
            except Exception:           # a damaged FDE covers nothing
                self._rows = []
        return self._rows


_U32 = struct.Struct("<I")


def fde_spans(data: bytes) -> list[tuple[int, int, tuple[int, int], tuple[int, int]]] | None:
    """Every FDE of a 32-bit i386 ``.debug_frame`` (DWARF 5, 6.4.1): (initial location,
    address range, its CIE's (start, end), its own (start, end)), from the entries' fixed
    headers alone; None when the section holds anything else (64-bit entries, a CIE of
    another version, address size or augmentation, a pointer to no CIE)."""
    cies: dict[int, int] = {}
    out = []
    at = 0
    while at + 8 <= len(data):
        length, = _U32.unpack_from(data, at)
        end = at + 4 + length
        if length == 0xFFFFFFFF or length < 4 or end > len(data):
            return None
        ident, = _U32.unpack_from(data, at + 4)
        if ident == 0xFFFFFFFF:
            version = data[at + 8] if at + 9 <= end else 0
            if version not in (1, 3, 4) or at + 10 > end or data[at + 9] != 0:   # augmentation ""
                return None
            if version == 4 and (at + 12 > end or data[at + 10] != 4 or data[at + 11] != 0):
                return None
            cies[at] = end
        else:
            if ident not in cies or at + 16 > end:
                return None
            low, size = _U32.unpack_from(data, at + 8)[0], _U32.unpack_from(data, at + 12)[0]
            out.append((low, size, (ident, cies[ident]), (at, end)))
        at = end
    return out if at == len(data) else None


class _OneFde:
    """An FDE with its CIE, cut out of the section and parsed by pyelftools on first use,
    as if they were the whole section (the FDE's CIE pointer made 0)."""

    def __init__(self, data: bytes, cie: tuple[int, int], fde: tuple[int, int], structs: Any) -> None:
        self.data, self.cie, self.fde, self.structs = data, cie, fde, structs

    def get_decoded(self) -> Any:
        from elftools.dwarf.callframe import CallFrameInfo

        (c0, c1), (f0, f1) = self.cie, self.fde
        sub = self.data[c0:c1] + self.data[f0:f0 + 4] + _U32.pack(0) + self.data[f0 + 8:f1]
        entries = CallFrameInfo(io.BytesIO(sub), len(sub), 0, self.structs).get_entries()
        return entries[-1].get_decoded()


class _RegFrame:
    """A minimal frame for evaluating CFI expressions (registers and memory only)."""

    def __init__(self, regs: dict[int, int | None], read: Callable[[int, int], bytes], pc: int) -> None:
        self.regs = regs
        self._read = read
        self.pc = pc

    def reg(self, regno: int) -> int | None:
        return self.regs.get(regno)

    def read(self, address: int, size: int) -> bytes:
        return self._read(address, size)

    def frame_base(self) -> int:
        raise L.LocationError("DW_OP_fbreg in call frame information")

    def cfa(self) -> int:
        raise L.LocationError("DW_OP_call_frame_cfa in call frame information")


class CallFrames:
    """The FDEs of a program, by address: read when the first frame is unwound (a session
    that never unwinds past frame 0 does not pay for .debug_frame, issue #17)."""

    def __init__(self, dwarf: Any) -> None:
        self._dwarf = dwarf
        self._fdes: list[Fde] | None = None
        self._lows: list[int] = []

    @property
    def fdes(self) -> list[Fde]:
        if self._fdes is None:
            self._fdes = self._read(self._dwarf)
            self._lows = [f.low for f in self._fdes]
        return self._fdes

    @staticmethod
    def _read(dwarf: Any) -> list[Fde]:
        fdes: list[Fde] = []
        if dwarf is None or not dwarf.has_CFI():
            return fdes
        sec = getattr(dwarf, "debug_frame_sec", None)
        data = sec.stream.getvalue() if sec is not None and hasattr(sec.stream, "getvalue") else None
        found = fde_spans(data) if data is not None else None
        if found is not None:
            # Each FDE is parsed with its CIE alone, when an unwind first reaches it.
            fdes = [Fde(low, low + size, _OneFde(data, cie, fde, dwarf.structs)) for low, size, cie, fde in found]
        else:                       # a form the scan does not take: pyelftools reads them all
            try:
                entries = dwarf.CFI_entries()
            except Exception:
                return fdes
            for e in entries:
                header = getattr(e, "header", None)
                if header is None or "initial_location" not in header:
                    continue
                low = header["initial_location"]
                fdes.append(Fde(low, low + header["address_range"], e))
        fdes.sort(key=lambda f: f.low)
        return fdes

    def row(self, pc: int) -> dict[Any, Any] | None:
        """The rules in effect at ``pc`` (None: no FDE covers it)."""
        fdes = self.fdes
        k = bisect.bisect_right(self._lows, pc) - 1
        if k < 0:
            return None
        fde = fdes[k]
        if not fde.low <= pc < fde.high:
            return None
        best = None
        for r in fde.rows:
            if r["pc"] <= pc:
                best = r
            else:
                break
        return best

    def cfa(self, pc: int, regs: dict[int, int | None], read: Callable[[int, int], bytes]) -> int | None:
        found = self._row_cfa(pc, regs, read)
        return found[1] if found is not None else None

    def _row_cfa(self, pc: int, regs: dict[int, int | None], read: Callable[[int, int], bytes]
                 ) -> tuple[dict[Any, Any], int] | None:
        """The rules at ``pc`` and the CFA they give (None: no FDE, or no CFA)."""
        row = self.row(pc)
        if row is None:
            return None
        cfa = _cfa(row, regs, read, pc)
        return None if cfa is None else (row, cfa)

    def unwind(self, pc: int, regs: dict[int, int | None],
               read: Callable[[int, int], bytes]) -> tuple[int, dict[int, int | None]] | None:
        """(CFA, the caller's registers) for the frame at ``pc`` with ``regs``; None
        without call frame information for ``pc``."""
        found = self._row_cfa(pc, regs, read)
        if found is None:
            return None
        row, cfa = found
        caller: dict[int, int | None] = dict(regs)
        for regno, rule in row.items():
            if not isinstance(regno, int):
                continue
            caller[regno] = _apply(regno, rule, cfa, regs, read, pc)
        caller[ESP] = cfa
        if RA_COLUMN not in row:
            caller[EIP] = None
        return cfa, caller

    def saved(self, pc: int, regs: dict[int, int | None], read: Callable[[int, int], bytes]
              ) -> tuple[int, dict[int, int], bool] | None:
        """For ``info frame``: (CFA, where the frame at ``pc`` saved each register the
        rules put in memory, whether its return address is undefined - the outermost frame,
        gdb's dwarf2_frame_cache undefined_retaddr); None without call frame information."""
        found = self._row_cfa(pc, regs, read)
        if found is None:
            return None
        row, cfa = found
        at: dict[int, int] = {}
        for regno, rule in row.items():
            if not isinstance(regno, int):
                continue
            if rule.type == "OFFSET":
                at[regno] = (cfa + rule.arg) & L.MASK
            elif rule.type == "EXPRESSION":
                try:
                    loc = L.evaluate(bytes(_expr_bytes(rule.arg)), _RegFrame(regs, read, pc),
                                     push_object_address=cfa)
                except (L.LocationError, MemoryError):
                    continue
                at[regno] = (loc.address if loc.kind == "memory" else loc.value) & L.MASK
        undefined = RA_COLUMN in row and row[RA_COLUMN].type == "UNDEFINED"
        return cfa, at, undefined


def _cfa(row: dict[Any, Any], regs: dict[int, int | None], read: Callable[[int, int], bytes],
         pc: int) -> int | None:
    rule = row["cfa"]
    if rule.expr is not None:
        try:
            loc = L.evaluate(bytes(_expr_bytes(rule.expr)), _RegFrame(regs, read, pc))
        except (L.LocationError, MemoryError):
            return None
        return loc.address if loc.kind == "memory" else loc.value if loc.kind == "value" else None
    base = regs.get(rule.reg)
    if base is None:
        return None
    return (base + rule.offset) & L.MASK


def _apply(regno: int, rule: Any, cfa: int, regs: dict[int, int | None], read: Callable[[int, int], bytes],
           pc: int) -> int | None:
    kind = rule.type
    try:
        if kind == "OFFSET":
            return int.from_bytes(read((cfa + rule.arg) & L.MASK, 4), "little")
        if kind == "VAL_OFFSET":
            return (cfa + rule.arg) & L.MASK
        if kind == "REGISTER":
            return regs.get(rule.arg)
        if kind == "SAME_VALUE":
            return regs.get(regno)
        if kind in ("EXPRESSION", "VAL_EXPRESSION"):
            frame = _RegFrame(regs, read, pc)
            # The CFA is pushed before the expression runs (DWARF 5, 6.4.2.3).
            loc = L.evaluate(bytes(_expr_bytes(rule.arg)), frame, push_object_address=cfa)
            address = loc.address if loc.kind == "memory" else loc.value
            if kind == "VAL_EXPRESSION":
                return address
            return int.from_bytes(read(address & L.MASK, 4), "little")
    except (L.LocationError, MemoryError):
        return None
    return None                                          # UNDEFINED


def _expr_bytes(expr: Any) -> bytes:
    """pyelftools hands a CFI expression over as a list of bytes."""
    return bytes(expr)
