"""What the debugger knows about the program: symbols, lines, sources, parameters.

Built from the session header's ``image``: either the toolchain's linked
image (``Image.to_dict()``: symbols with sizes, a line table and the source
texts) or ``{"elf": bytes}`` for a program linked by ``ld`` (symbols only, no
lines - every command degrades to what gdb shows for code without debug
information).

Names, types, variables and scopes of C programs come from gcc's DWARF
(:mod:`vmdebug.debuginfo`); this module keeps what every program has: ELF
symbols, the line table and the source texts.
"""
from __future__ import annotations

import bisect
import os
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Callable

from events.record import Frozen, Record
from vmdebug.elffile import PF_W, PT_LOAD, ElfError, ElfFile, symbol_rows
from vmdebug.machine.filemap import around, laid_out
from vmdebug.safetext import safe_line, safe_text

if TYPE_CHECKING:
    import numpy as np

    from vmdebug.isa.lines import LineTable


class Sym(Frozen):
    __slots__ = (
        "name",
        "address",
        "size",
        "kind",     # "func", "object" or "notype"
        "section",
    )

    def __init__(self, name: str, address: int, size: int, kind: str, section: str = "") -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "address", address)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "section", section)


class Region(Record):
    """A section (or segment, for ELF input) with its name and address range."""

    def __init__(self, name: str, start: int, end: int, flags: str) -> None:
        self.name = name
        self.start = start
        self.end = end
        self.flags = flags


class ProgramInfo:
    """Symbols, lines and sources of one program (from a session header's image)."""

    def __init__(self, image: dict[str, Any] | None, name: str = "prog") -> None:
        self.name = name
        self.symbols: dict[str, Sym] = {}
        self.regions: list[Region] = []
        self._lines: LineTable | None = None
        self._lines_dict: dict[str, Any] | None = None     # the image's table, read when first asked
        self.sources: dict[str, str] = {}
        self.display_names: dict[str, str] = {}
        # Every ELF symbol and allocated section as gdb's minimal symbols see them
        # (for ``<sym+off>``, see vmdebug.debuginfo.valprint_symbols).
        self.symbol_rows: list[SimpleNamespace] = []
        self.section_rows: list[SimpleNamespace] = []
        self.entry = 0
        self.end = 0
        self.segments: list[tuple[int, bytes, int]] = []  # (vaddr, file bytes, memsz) of PT_LOADs
        self.seg_offsets: list[tuple[int, int]] = []       # (vaddr, file offset) of PT_LOADs
        #: What exec maps from the file: (start, bytes) of each segment with the file's bytes
        #: around it in its first and last pages (vmdebug.machine.filemap).
        self.file_maps: list[tuple[int, bytes]] = []
        self.warnings: list[str] = []   # what could not be read, said once when the debugger opens
        image = image or {}
        if "elf" in image:
            try:
                self._from_elf(bytes(image["elf"]))
            except ElfError:
                # gdb reads on after a corrupt table too, with what it has.
                self.warnings.append("the program's ELF section headers are corrupt: some symbols are missing")
        elif "segments" in image:
            self._from_image(image)
        funcs = sorted((s.address, s.name) for s in self.symbols.values() if s.kind != "object" or True)
        self._addrs = [a for a, _ in funcs]
        self._names = [n for _, n in funcs]
        self._text = [r for r in self.regions if "x" in r.flags]
        self.gdb_lines: Any = None      # gdb's line tables from gcc's DWARF (vmdebug.debuginfo.lines)
        self._segments: tuple[list[int], list[tuple[str, int] | None], list[int], list[bool]] | None = None

    # ---- construction ----------------------------------------------------------
    def _from_elf(self, data: bytes) -> None:
        elf = ElfFile(data)
        self.entry = elf.entry
        for ph in elf.program_headers():
            if ph.type == PT_LOAD:
                seg = data[ph.offset:ph.offset + ph.filesz]
                self.segments.append((ph.vaddr, seg, ph.memsz))
                self.seg_offsets.append((ph.vaddr, ph.offset))
                lead, tail = around(lambda off, n: data[off:off + n], ph.offset, ph.vaddr, len(seg), ph.memsz,
                                    bool(ph.flags & PF_W))
                self.file_maps.append((ph.vaddr - len(lead), lead + seg + tail))
        self.symbol_rows, self.section_rows = symbol_rows(elf)
        for sec in self.section_rows:
            self.regions.append(Region(sec.name, sec.address, sec.address + sec.size, sec.flags))
            self.end = max(self.end, sec.address + sec.size)
        for sym in self.symbol_rows:
            kind = sym.type
            if kind == "notype" and any(r.start <= sym.address < r.end and "x" in r.flags for r in self.regions):
                kind = "func"
            if sym.name not in self.symbols or sym.bind == "global":
                self.symbols[sym.name] = Sym(sym.name, sym.address, sym.size, kind, sym.section)

    def _from_image(self, image: dict[str, Any]) -> None:
        self.entry = int(image.get("entry", 0))
        self.end = int(image.get("end", 0))
        writable = []
        for seg in image.get("segments", []):
            self.segments.append((int(seg["vaddr"]), bytes(seg["data"]), int(seg["memsz"])))
            self.seg_offsets.append((int(seg["vaddr"]), int(seg.get("offset", 0))))
            writable.append("w" in str(seg.get("flags", "")))
        read = laid_out((off, data) for (_v, data, _m), (_a, off) in zip(self.segments, self.seg_offsets))
        for (vaddr, data, memsz), (_a, off), w in zip(self.segments, self.seg_offsets, writable):
            lead, tail = around(read, off, vaddr, len(data), memsz, w)
            self.file_maps.append((vaddr - len(lead), lead + data + tail))
        for s in image.get("sections", []):
            self.regions.append(Region(str(s["name"]), int(s["address"]), int(s["address"]) + int(s["size"]),
                                       str(s["flags"])))
            self.section_rows.append(SimpleNamespace(name=str(s["name"]), address=int(s["address"]),
                                                     size=int(s["size"]), flags=str(s["flags"]),
                                                     type=str(s.get("type", "progbits"))))
        for name, addr, size, typ, bind, sec, _f in image.get("symbols", []):
            self.symbol_rows.append(SimpleNamespace(name=str(name), address=int(addr), size=int(size),
                                                    type=str(typ), bind=str(bind), section=str(sec)))
            if name not in self.symbols or bind != "local":
                kind = typ if typ in ("func", "object") else "notype"
                if kind == "notype" and any(r.start <= addr < r.end and "x" in r.flags for r in self.regions):
                    kind = "func"
                self.symbols[str(name)] = Sym(str(name), int(addr), int(size), kind, str(sec))
        if image.get("lines"):
            self._lines_dict = image["lines"]
        self.sources = {str(k): str(v) for k, v in image.get("sources", {}).items()}

    @property
    def lines(self) -> LineTable | None:
        """The assembler's line table (None if it has no rows).  Read on first use: with gcc's
        DWARF it answers only for code the DWARF does not cover, and a C program's table
        holds thousands of rows."""
        if self._lines_dict is not None:
            from vmdebug.isa.lines import LineTable
            table = LineTable.from_dict(self._lines_dict)
            self._lines_dict = None
            self._lines = table if table.entries else None
        return self._lines

    def attach_debug(self, debug: Any) -> None:
        """Learn the names gdb shows for the line table's files from the DWARF units."""
        self.display_names = {}
        self.gdb_lines = None
        self._segments = None
        if debug is None:
            return
        for unit in debug.units:
            for f in unit.files:
                self.display_names.setdefault(f.path, f.name)
        self.gdb_lines = debug.line_tables

    def file_offset(self, start: int) -> int:
        """The file offset a mapping of the program starting at ``start`` maps (as /proc/PID/maps shows)."""
        for (vaddr, _data, memsz), (_, off) in zip(self.segments, self.seg_offsets):
            page = vaddr & ~0xFFF
            if page <= start < vaddr + memsz:
                return (off & ~0xFFF) + (start - page)
        return 0

    # ---- symbols -----------------------------------------------------------------
    def lookup(self, name: str) -> Sym | None:
        return self.symbols.get(name)

    def in_text(self, addr: int) -> bool:
        return any(r.start <= addr < r.end for r in self._text)

    def function_at(self, addr: int) -> Sym | None:
        if not self.in_text(addr):
            return None
        i = bisect.bisect_right(self._addrs, addr) - 1
        while i >= 0:
            sym = self.symbols[self._names[i]]
            if sym.kind == "func" or (sym.kind == "notype" and self.in_text(sym.address)):
                return sym
            i -= 1
        return None

    def function_end(self, sym: Sym) -> int:
        if sym.size:
            return sym.address + sym.size
        i = bisect.bisect_right(self._addrs, sym.address)
        nxt = [a for a in self._addrs[i:] if a > sym.address]
        region = next((r for r in self._text if r.start <= sym.address < r.end), None)
        end = region.end if region else sym.address + 1
        return min(nxt[0], end) if nxt else end

    def function_names(self) -> list[str]:
        return sorted(s.name for s in self.symbols.values() if s.kind == "func")

    # ---- lines -------------------------------------------------------------------
    def sal(self, addr: int) -> tuple[str, int, int, int] | None:
        """gdb's find_pc_line: (file, line, first pc of the line's range, its end), or None.

        Code with gcc's DWARF is answered from gdb's own line tables; other code
        (hand-written assembly) from the assembler's table."""
        gl = self.gdb_lines
        if gl is not None and gl.unit_for(addr) is not None:
            found = gl.find_pc_line(addr)
            return None if found is None else (found.path, found.line, found.pc, found.end)
        if self.lines is None:
            return None
        e = self.lines.entry_for(addr)
        if e is None:
            return None
        end = self.lines.next_row(e.address)
        return e.file, e.line, e.address, end if end is not None else e.address + 1

    def line_segments(self) -> tuple[list[int], list[tuple[str, int] | None], list[int], list[bool]]:
        """The answers of :meth:`sal` as segments: starts, (file, line) or None, the line
        range's first pc, and whether a statement line starts exactly there."""
        if self._segments is not None:
            return self._segments
        pts: set[int] = set()
        stmt_rows: set[int] = set()
        gl = self.gdb_lines
        if gl is not None:
            pts.update(gl.boundaries())
            stmt_rows.update(gl.stmt_pcs())
        if self.lines is not None:
            for e in self.lines.entries:
                if gl is None or gl.unit_for(e.address) is None:
                    pts.add(e.address)
                    if e.is_stmt:
                        stmt_rows.add(e.address)
            for lo, hi in self.lines.ranges:
                pts.update((lo, hi))
        starts: list[int] = []
        keys: list[tuple[str, int] | None] = []
        firsts: list[int] = []
        stmts: list[bool] = []
        for a in sorted(pts):
            found = self.sal(a)
            starts.append(a)
            keys.append(None if found is None else (found[0], found[1]))
            firsts.append(a if found is None else found[2])
            stmts.append(found is not None and found[2] == a and a in stmt_rows)
        self._segments = (starts, keys, firsts, stmts)
        return self._segments

    def line_for(self, addr: int) -> tuple[str, int] | None:
        """(file, line) of ``addr``: :meth:`sal` itself, so one answer needs only the unit
        that holds it (the segments of every unit are built for scans, and agree)."""
        found = self.sal(addr)
        return None if found is None else (found[0], found[1])

    def is_line_start(self, addr: int) -> bool:
        """Whether ``addr`` is the first pc of its line's range (gdb shows no address then)."""
        found = self.sal(addr)
        return found is not None and found[2] == addr

    def shows_address(self, addr: int) -> bool:
        """gdb frame_show_address for a frame stopped at ``addr``: unless it is the first pc
        of its line's range and that row is a statement (a pc of the line table's
        non-statement rows, as gcc -O2 writes them, is shown with its address)."""
        gl = self.gdb_lines
        if gl is not None and gl.unit_for(addr) is not None:
            found = gl.find_pc_line(addr)
            return found is None or found.pc != addr or not found.is_stmt
        return not self.is_line_start(addr)

    @property
    def stmt_addresses(self) -> list[int]:
        """Where a statement line starts: where ``step`` and ``next`` may stop."""
        starts, _k, _f, stmts = self.line_segments()
        return [a for a, st in zip(starts, stmts) if st]

    def source_text(self, file: str) -> list[str] | None:
        text = self.sources.get(file)
        if text is None and self.lines is not None:
            real = self.lines.match_file(file)
            text = self.sources.get(real) if real else None
        if text is None:
            base = os.path.basename(file)
            for k, v in self.sources.items():
                if os.path.basename(k) == base:
                    text = v
                    break
        # Lines go to a terminal: control characters are escaped (vmdebug.safetext).
        return None if text is None else [safe_text(line) for line in text.split("\n")]

    def short_file(self, file: str) -> str:
        """The file name gdb prints in locations: the line table's name for it (the unit's
        own file as given to the compiler, a header by its path); without gcc's DWARF, the
        name the assembler's table gives (what vmdebug elf's unit for it says)."""
        shown = self.display_names.get(file)
        return safe_line(shown if shown is not None else file)

    def main_file(self) -> str | None:
        main = self.lookup("main")
        if main is not None:
            loc = self.line_for(main.address)
            if loc:
                return loc[0]
        if self.lines is not None and self.lines.files():
            return self.lines.files()[0]
        return None

    def line_addresses(self, file: str, line: int) -> tuple[int, int] | None:
        """(address, actual line) for a breakpoint on ``file:line``: gdb moves to the next line with code."""
        if self.lines is None:
            return None
        real = self.lines.match_file(file)
        if real is None:
            return None
        for ln in self.lines.lines_with_code(real):
            if ln >= line:
                addr = self.lines.first_address(real, ln)
                if addr is not None:
                    return addr, ln
        return None


class LineIndex:
    """Vectorised ``eip -> line id`` (numpy), for scans over many steps.

    Line ids index :attr:`keys` (``(file, line)``); -1 means no line
    information.  ``user`` marks lines of the user's own files (not the
    libc's, which its image names under ``/vmdebug/libc``), which is where
    ``step`` may stop; ``skip`` lists let a user step into the libc anyway.
    """

    def __init__(self, info: ProgramInfo, libc_dir: str,
                 skip: "Callable[[str, int], bool] | None" = None) -> None:
        import numpy as np
        self.keys: list[tuple[str, int]] = []
        self.first: list[int] = []                 # the first address of each line id
        ids: dict[tuple[str, int], int] = {}
        starts, keys, firsts, stmts = info.line_segments()
        row_ids: list[int] = []
        for addr, key in zip(starts, keys):
            if key is None:
                row_ids.append(-1)
                continue
            k = ids.setdefault(key, len(ids))
            if k == len(self.keys):
                self.keys.append(key)
                self.first.append(addr)
            row_ids.append(k)
        self.addrs = np.array(starts, dtype=np.int64)
        self.row_ids = np.array(row_ids, dtype=np.int64)
        #: The first pc of the line-table row each segment belongs to (find_pc_line's sal.pc).
        self.firsts = np.array(firsts, dtype=np.int64)
        self.ids_of_keys = ids
        self.libc_dir = libc_dir
        self.stmts = np.array([a for a, st in zip(starts, stmts) if st], dtype=np.int64)
        self.set_skips(skip)

    def set_skips(self, skip: "Callable[[str, int], bool] | None") -> None:
        """Which lines ``step`` may stop at: those not skipped (file, first address)."""
        import numpy as np
        from vmdebug.libc import is_libc_name

        def skipped(f: str, addr: int) -> bool:
            if skip is not None:
                return skip(f, addr)
            return is_libc_name(f)
        self.user = np.array([not skipped(f, a) for (f, _), a in zip(self.keys, self.first)] + [False],
                             dtype=bool)

    def ids(self, eips: "np.ndarray") -> "np.ndarray":
        import numpy as np
        if not len(self.addrs):
            return np.full(len(eips), -1, dtype=np.int64)
        idx = np.searchsorted(self.addrs, eips, side="right") - 1
        return np.where(idx >= 0, self.row_ids[np.clip(idx, 0, None)], -1)

    def row_starts(self, eips: "np.ndarray") -> "np.ndarray":
        """The first pc of each eip's line-table row (gdb's sal.pc), -1 outside any."""
        import numpy as np
        if not len(self.addrs):
            return np.full(len(eips), -1, dtype=np.int64)
        idx = np.searchsorted(self.addrs, eips, side="right") - 1
        return np.where(idx >= 0, self.firsts[np.clip(idx, 0, None)], -1)

    def id_of(self, eip: int) -> int:
        import numpy as np
        return int(self.ids(np.array([eip], dtype=np.int64))[0])

    def is_user(self, ids: "np.ndarray") -> "np.ndarray":
        return self.user[ids]  # -1 picks the trailing False

    def at_stmt(self, eips: "np.ndarray") -> "np.ndarray":
        import numpy as np
        return np.isin(eips, self.stmts)
