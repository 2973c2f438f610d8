"""Line tables as gdb builds and reads them, from gcc's ``.debug_line``.

gdb does not use the DWARF line program row by row.  It decodes it into one
table per file ("subfile", gdb/buildsym.c) with its own rules
(gdb/dwarf2/read.c ``lnp_state_machine::record_line``):

* a row is recorded in its file's table unless it repeats the last line of
  the same file after a non-zero discriminator, or is a non-statement row
  that switches file at an address that already had a statement row;
* switching files ends the previous file's table at that address with a
  line-0 marker, which first deletes that file's rows at the same address;
* each table is sorted by address, a line-0 marker before the rows at its
  address.

Questions are answered as gdb answers them: ``find_pc_line``
(symtab.c find_pc_sect_line: the last row at or before the pc in each file
of the unit, a statement row preferred among rows at its address, the best
of the files; a line-0 row means no line), and the pcs of a source line
(symtab.c find_pcs_for_symtab_line / find_line_common: every statement row
of exactly that line, else the nearest following line that has one).
"""
from __future__ import annotations

import bisect
import os
from typing import TYPE_CHECKING, Any

from events.record import Record
from vmdebug.debuginfo.leb128 import sleb128, uleb128

if TYPE_CHECKING:
    from collections.abc import Callable


class Row(Record):
    __slots__ = ("pc", "line", "is_stmt")

    def __init__(self, pc: int, line: int, is_stmt: bool) -> None:
        self.pc = pc
        self.line = line
        self.is_stmt = is_stmt


class Subfile(Record, eq=False):
    """One file's line table within a unit (gdb's symtab of a subfile)."""

    __slots__ = (
        "name",  # the name gdb shows (symtab->filename)
        "path",  # the full name, the key of sources and locations
        "rows",
        "pcs",
    )

    def __init__(self, name: str, path: str, rows: list[Row] | None = None,
                 pcs: list[int] | None = None) -> None:
        self.name = name
        self.path = path
        self.rows = [] if rows is None else rows
        self.pcs = [] if pcs is None else pcs

    def finish(self) -> None:
        # gdb end_compunit_symtab: stable sort by pc, line-0 markers first at a pc.
        self.rows.sort(key=lambda r: (r.pc, r.line != 0))
        self.pcs = [r.pc for r in self.rows]


class Sal(Record):
    """gdb's symtab_and_line for a pc: the file, line, and the line's [pc, end)."""

    __slots__ = ("path", "name", "line", "pc", "end", "is_stmt")

    def __init__(self, path: str, name: str, line: int, pc: int, end: int, is_stmt: bool) -> None:
        self.path = path
        self.name = name
        self.line = line
        self.pc = pc
        self.end = end
        self.is_stmt = is_stmt


class UnitLines:
    """One unit's tables.  Its line program is decoded when first asked for, as gdb expands
    a unit's symtab: a stop needs the unit it is in, not every unit of the libc."""

    __slots__ = ("ranges", "_subfiles", "_decode")

    def __init__(self, ranges: list[tuple[int, int]], subfiles: list[Subfile] | None = None,
                 decode: Callable[[], list[Subfile]] | None = None) -> None:
        self.ranges = ranges
        self._subfiles = subfiles
        self._decode = decode

    @property
    def decoded(self) -> bool:
        return self._subfiles is not None

    @property
    def subfiles(self) -> list[Subfile]:
        """In gdb's filetabs order: the unit's own file first."""
        if self._subfiles is None:
            self._subfiles = self._decode() if self._decode is not None else []
            self._decode = None
        return self._subfiles


class _Builder:
    """gdb's subfiles of one unit while the line program is decoded."""

    def __init__(self, unit: Any, file_names: list[tuple[str, str]]) -> None:
        self.file_names = file_names          # per file index: (shown name, full path)
        self.by_path: dict[str, Subfile] = {}
        self.order: list[Subfile] = []
        primary = os.path.normpath(os.path.join(unit.comp_dir, unit.name)) if unit.comp_dir else unit.name
        self.main = self._subfile(unit.name, primary)
        self.current: Subfile | None = self.main

    def _subfile(self, name: str, path: str) -> Subfile:
        s = self.by_path.get(path)
        if s is None:
            s = self.by_path[path] = Subfile(name, path)
            self.order.append(s)
        return s

    def start(self, index: int) -> bool:
        """dwarf2_start_subfile for a file index; False if the index is bad."""
        if not 0 <= index < len(self.file_names):
            return False
        name, path = self.file_names[index]
        self.current = self._subfile(name, path)
        return True

    @staticmethod
    def record(sub: Subfile, line: int, pc: int, is_stmt: bool) -> None:
        """buildsym_compunit::record_line."""
        if line == 0:
            last_line: int | None = None
            while sub.rows:
                last = sub.rows[-1]
                last_line = last.line
                if last.pc != pc:
                    break
                sub.rows.pop()
            if last_line is None or last_line == 0:
                return
        sub.rows.append(Row(pc, line, is_stmt))

    def filetabs(self) -> list[Subfile]:
        """The unit's own file first, then the others newest first (gdb's list order)."""
        others = [s for s in reversed(self.order) if s is not self.main]
        return [self.main, *others]


def _decode(data: bytes, start: int, end: int, header: Any, b: _Builder) -> None:
    """gdb dwarf_decode_lines_1 with lnp_state_machine."""
    opcode_base = header["opcode_base"]
    line_base = header["line_base"]
    line_range = header["line_range"]
    min_len = header["minimum_instruction_length"]
    lengths = list(header["standard_opcode_lengths"])
    default_is_stmt = bool(header["default_is_stmt"])
    pos = start
    while pos < end:
        # A new state machine per sequence.
        address, file, line, is_stmt, disc = 0, 1, 1, default_is_stmt, 0
        last_subfile: Subfile | None = None
        last_address = 0
        stmt_at_address = False
        recording = True
        last_line = 0
        line_nonzero_disc = False
        b.start(file)
        end_sequence = False

        def record(end_seq: bool) -> None:
            nonlocal last_subfile, last_line, last_address, stmt_at_address
            cur = b.current
            if cur is not None:
                file_changed = last_subfile is not cur
                ignore = ((file_changed and not end_seq and last_address == address and not is_stmt
                           and stmt_at_address) or (not end_seq and line == 0))
                if (file_changed and not ignore) or end_seq:
                    if last_subfile is not None and recording:
                        b.record(last_subfile, 0, address, True)
                if not end_seq and not ignore:
                    if cur is not last_subfile or line != last_line or not line_nonzero_disc:
                        if recording:
                            b.record(cur, line, address, is_stmt)
                    last_subfile = cur
                    last_line = line
            if last_address != address:
                stmt_at_address = False
                last_address = address
            stmt_at_address |= is_stmt

        while pos < end and not end_sequence:
            op = data[pos]
            pos += 1
            if op >= opcode_base:
                adj = op - opcode_base
                address += (adj // line_range) * min_len
                delta = line_base + adj % line_range
                line += delta
                if delta:
                    line_nonzero_disc = disc != 0
                record(False)
                disc = 0
            elif op == 0:                                     # extended
                length, pos = uleb128(data, pos)
                ext_end = pos + length
                sub = data[pos] if length else 0
                pos += 1
                if sub == 1:                                  # DW_LNE_end_sequence
                    end_sequence = True
                elif sub == 2:                                # DW_LNE_set_address
                    address = int.from_bytes(data[pos:pos + 4], "little")
                    if address == 0 or address == 0xFFFFFFFF:
                        recording = False                     # a GC'd function (check_line_address)
                elif sub == 4:                                # DW_LNE_set_discriminator
                    d, _ = uleb128(data, pos)
                    disc = d
                    line_nonzero_disc |= d != 0
                pos = ext_end
            elif op == 1:                                     # DW_LNS_copy
                record(False)
                disc = 0
            elif op == 2:
                adv, pos = uleb128(data, pos)
                address += adv * min_len
            elif op == 3:
                delta, pos = sleb128(data, pos)
                line += delta
                if delta:
                    line_nonzero_disc = disc != 0
            elif op == 4:                                     # DW_LNS_set_file
                file, pos = uleb128(data, pos)
                last_subfile = b.current
                line_nonzero_disc = disc != 0
                b.start(file)
            elif op == 5:
                _col, pos = uleb128(data, pos)
            elif op == 6:
                is_stmt = not is_stmt
            elif op == 8:                                     # DW_LNS_const_add_pc
                address += ((255 - opcode_base) // line_range) * min_len
            elif op == 9:
                address += int.from_bytes(data[pos:pos + 2], "little")
                pos += 2
            elif op in (7, 10, 11):
                pass
            else:
                n = lengths[op - 1] if 0 < op <= len(lengths) else 0
                for _ in range(n):
                    _v, pos = uleb128(data, pos)
        record(True)
        recording = True


def build(debug: Any, line_section: bytes) -> list[UnitLines]:
    """gdb's line tables of every unit of a :class:`vmdebug.debuginfo.DebugInfo` that has a
    line program; each is decoded when first asked for."""
    out: list[UnitLines] = []
    for unit in debug.units:
        lp = unit.line_program
        if lp is None:
            continue
        out.append(UnitLines(list(unit.ranges), decode=lambda unit=unit, lp=lp: _unit_subfiles(
            unit, lp, line_section)))
    return out


def _unit_subfiles(unit: Any, lp: Any, line_section: bytes) -> list[Subfile]:
    b = _Builder(unit, [(f.name, f.path) for f in unit.files])
    try:
        _decode(line_section, lp.program_start_offset, lp.program_end_offset, lp.header, b)
    except (IndexError, ValueError):
        pass                                     # a damaged program: what was decoded stays
    subfiles = b.filetabs()
    for s in subfiles:
        s.finish()
    return subfiles


class LineTables:
    """Every unit's tables, and gdb's answers from them."""

    def __init__(self, units: list[UnitLines]) -> None:
        self.units = units
        spans = sorted((lo, hi, k) for k, u in enumerate(units) for lo, hi in u.ranges if hi > lo)
        self._spans = spans
        self._lows = [lo for lo, _, _ in spans]

    def unit_for(self, pc: int) -> UnitLines | None:
        k = bisect.bisect_right(self._lows, pc) - 1
        for j in range(k, max(k - 8, -1), -1):       # units' ranges do not overlap in practice
            lo, hi, u = self._spans[j]
            if lo <= pc < hi:
                return self.units[u]
        return None

    def boundaries(self) -> list[int]:
        """Every pc where find_pc_line's answer can change: row pcs and unit range ends."""
        pts = {p for lo, hi, _ in self._spans for p in (lo, hi)}
        for u in self.units:
            for s in u.subfiles:
                pts.update(s.pcs)
        return sorted(pts)

    def find_pc_line(self, pc: int, notcurrent: bool = False) -> Sal | None:
        """symtab.c find_pc_sect_line."""
        if notcurrent:
            pc -= 1
        unit = self.unit_for(pc)
        if unit is None:
            return None
        best: Row | None = None
        best_sub: Subfile | None = None
        best_end = 0
        alt: Row | None = None
        for sub in unit.subfiles:
            rows = sub.rows
            if not rows:
                continue
            if rows[0].pc > pc and (alt is None or rows[0].pc < alt.pc):
                alt = rows[0]
            k = bisect.bisect_right(sub.pcs, pc)
            prev = rows[k - 1] if k > 0 else None
            if prev is not None and prev.line and (best is None or prev.pc > best.pc):
                best = prev
                best_sub = sub
                if not best.is_stmt:
                    j = k - 1
                    while j > 0 and rows[j - 1].pc == rows[j].pc and rows[j - 1].line != 0 and not rows[j].is_stmt:
                        j -= 1
                    if rows[j].is_stmt:
                        best = rows[j]
                if best_end <= best.pc:
                    best_end = 0
            if best is not None and k < len(rows) and rows[k].pc > best.pc and (best_end == 0 or
                                                                                best_end > rows[k].pc):
                best_end = rows[k].pc
        if best is None or best_sub is None or best.line == 0:
            return None
        if best_end and (alt is None or best_end < alt.pc):
            end = best_end
        elif alt is not None:
            end = alt.pc
        else:
            end = max((hi for _, hi in unit.ranges), default=best.pc + 1)
        return Sal(best_sub.path, best_sub.name, best.line, best.pc, end, best.is_stmt)

    def subfiles_named(self, name: str) -> list[Subfile]:
        """The files a user's name means: the exact name, or a name ending in ``/NAME``
        (gdb compare_filenames_for_search), in every unit."""
        out = []
        for u in self.units:
            for s in u.subfiles:
                if matches(name, s.name) or matches(name, s.path):
                    out.append(s)
        return out

    def pcs_for_line(self, subs: list[Subfile], line: int) -> tuple[list[tuple[Subfile, int]], int | None]:
        """find_pcs_for_symtab_line over the files: (file, pc) of each statement row of exactly
        ``line``, and the smallest later line that has one (gdb's best_entry) when a file has none."""
        found: list[tuple[Subfile, int]] = []
        best: Row | None = None
        for sub in subs:
            exact = [r for r in sub.rows if r.is_stmt and r.line == line]
            if exact:
                found.extend((sub, r.pc) for r in exact)
                continue
            later = [r for r in sub.rows if r.is_stmt and r.line > line]
            if later:
                item = min(later, key=lambda r: r.line)
                if best is None or (item.line < best.line and item.is_stmt):
                    best = item
        return found, (best.line if best is not None else None)

    def stmt_pcs(self) -> list[int]:
        return sorted({r.pc for u in self.units for s in u.subfiles for r in s.rows if r.is_stmt and r.line})


def matches(search: str, name: str) -> bool:
    """gdb compare_filenames_for_search: equal, or ``name`` ends with ``/search``."""
    if name == search:
        return True
    return len(name) > len(search) and name.endswith(search) and name[-len(search) - 1] == "/" and \
        not os.path.isabs(search)
