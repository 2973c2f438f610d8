"""Minimal DWARF 4 for hand-written assembly: line programs, compile units, functions.

A C program's DWARF is gcc's, assembled and linked as ``as`` and ``ld`` do
(:attr:`Image.debug`).  Hand-written ``.s`` files have none, so for their
code :func:`build_dwarf` writes small debug sections from what the
:class:`Image` knows, appended after gcc's when both are linked together:

* ``.debug_line``: one line-number program per compile unit (DWARF 4,
  section 6.2), one sequence per input code section, with the rows of the
  image's :class:`LineTable` in order.  The header constants are gas's
  (gas/dwarf2dbg.c: ``DWARF2_LINE_BASE`` -5, ``DWARF2_LINE_RANGE`` 14,
  ``DWARF2_LINE_OPCODE_BASE`` 13), so the rows decode exactly as those of a
  native build;
* ``.debug_info``/``.debug_abbrev``: a ``DW_TAG_compile_unit`` per source
  file (name, comp_dir, language, pc range or ``DW_AT_ranges``, stmt_list)
  with a ``DW_TAG_subprogram`` per function, so gdb knows function extents
  (``bt``, ``info scope``, prologue analysis) and where each starts;
* ``.debug_ranges`` for units made of several code sections (a C file's
  ``.text`` plus ``.text.startup``), ``.debug_aranges`` for the address
  lookup table.

A compile unit is the set of code sections (LineTable ranges) whose rows
are mostly from one file: gcc puts a header's inline functions in the C
file's section, so their rows stay in the C file's unit, as in gcc's own
DWARF.
"""
from __future__ import annotations

import bisect
import os
import re
import struct
from collections import Counter

from events.record import Record
from vmdebug.isa.layout import encode_leb
from vmdebug.isa.lines import LineEntry, LineTable
from vmdebug.toolchain.image import Image, Symbol

PRODUCER = "vmdebug (line table of the simulated image)"

# DWARF 4, section 7.5.4 / 7.22.
DW_TAG_compile_unit = 0x11
DW_TAG_subprogram = 0x2E
DW_AT_name, DW_AT_stmt_list, DW_AT_low_pc, DW_AT_high_pc = 0x03, 0x10, 0x11, 0x12
DW_AT_language, DW_AT_comp_dir, DW_AT_producer = 0x13, 0x1B, 0x25
DW_AT_decl_file, DW_AT_decl_line, DW_AT_external, DW_AT_ranges = 0x3A, 0x3B, 0x3F, 0x55
DW_FORM_addr, DW_FORM_data2, DW_FORM_data4, DW_FORM_string = 0x01, 0x05, 0x06, 0x08
DW_FORM_udata, DW_FORM_sec_offset, DW_FORM_flag_present = 0x0F, 0x17, 0x19
DW_LANG_C99 = 0x0C
DW_LANG_Mips_Assembler = 0x8001

# Line program opcodes (DWARF 4, 6.2.5) and gas's header constants.
DW_LNS_copy, DW_LNS_advance_pc, DW_LNS_advance_line, DW_LNS_set_file = 1, 2, 3, 4
DW_LNS_set_column, DW_LNS_negate_stmt = 5, 6
DW_LNE_end_sequence, DW_LNE_set_address = 1, 2
LINE_BASE, LINE_RANGE, OPCODE_BASE = -5, 14, 13
STANDARD_OPCODE_LENGTHS = bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1])

# Abbreviation codes used below.
ABBREV_CU_PC, ABBREV_CU_RANGES, ABBREV_FUNC_EXTERN, ABBREV_FUNC_STATIC = 1, 2, 3, 4


def uleb(value: int) -> bytes:
    return encode_leb(value, False)


def sleb(value: int) -> bytes:
    return encode_leb(value, True)


def cstr(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape") + b"\0"


class Function(Record):
    """A DW_TAG_subprogram: [low, high) and where its first row is."""

    __slots__ = ("name", "low", "high", "external", "decl_file", "decl_line")

    def __init__(self, name: str, low: int, high: int, external: bool, decl_file: int = 0,
                 decl_line: int = 0) -> None:
        self.name = name
        self.low = low
        self.high = high
        self.external = external
        self.decl_file = decl_file
        self.decl_line = decl_line


class Unit(Record):
    """One compile unit: a primary source file and the code sections it owns."""

    __slots__ = ("name", "ranges", "sequences", "functions")

    def __init__(self, name: str, ranges: list[tuple[int, int]] | None = None,
                 sequences: list[list[LineEntry]] | None = None,
                 functions: list[Function] | None = None) -> None:
        self.name = name
        self.ranges = [] if ranges is None else ranges
        self.sequences = [] if sequences is None else sequences
        self.functions = [] if functions is None else functions

    @property
    def language(self) -> int:
        ext = os.path.splitext(self.name)[1].lower()
        return DW_LANG_Mips_Assembler if ext in (".s", ".asm") else DW_LANG_C99

    def files(self) -> list[str]:
        """The line program's file table (index 1 first, DWARF 4 numbering)."""
        names = [self.name]
        for seq in self.sequences:
            names.extend(e.file for e in seq)
        return list(dict.fromkeys(names))


class DebugSections(Record):
    """Contents of the generated sections, by name, in the order ld writes them."""

    __slots__ = ("sections", "units")

    def __init__(self, sections: dict[str, bytes], units: list[Unit]) -> None:
        self.sections = sections
        self.units = units


# ------------------------------------------------------------------ units
def _code_ranges(table: LineTable) -> list[tuple[int, int]]:
    ranges = sorted(r for r in table.ranges if r[1] > r[0])
    if ranges or not table.entries:
        return ranges
    # A table without ranges (older sessions): one range over all rows.
    return [(table.entries[0].address, table.entries[-1].address + 1)]


def split_units(image: Image) -> list[Unit]:
    """Group the image's code sections into compile units by their main file."""
    table = image.lines
    addrs = [e.address for e in table.entries]
    units: dict[str, Unit] = {}
    for lo, hi in _code_ranges(table):
        rows = table.entries[bisect.bisect_left(addrs, lo):bisect.bisect_left(addrs, hi)]
        if not rows:
            continue
        counts = Counter(e.file for e in rows)
        top = max(counts.values())
        main = next(e.file for e in rows if counts[e.file] == top)
        unit = units.setdefault(main, Unit(main))
        unit.ranges.append((lo, hi))
        unit.sequences.append(rows)
    out = sorted(units.values(), key=lambda u: min(u.ranges))
    _attach_functions(image, out)
    return out


def _is_code_symbol(sym: Symbol, code_sections: set[str]) -> bool:
    if sym.section not in code_sections:
        return False
    return sym.type == "func" or (sym.type == "notype" and sym.bind != "local")


def _attach_functions(image: Image, units: list[Unit]) -> None:
    """A subprogram per function symbol (and per global label in hand-written
    code); one per address, the global name preferred as objdump prefers it."""
    code = {s.name for s in image.sections if "x" in s.flags}
    best: dict[int, Symbol] = {}
    for sym in image.all_symbols():
        if not _is_code_symbol(sym, code):
            continue
        old = best.get(sym.address)
        rank = (sym.type != "func", sym.bind == "local", sym.size == 0)
        if old is None or rank < (old.type != "func", old.bind == "local", old.size == 0):
            best[sym.address] = sym
    starts = sorted(best)
    addrs = [e.address for e in image.lines.entries]
    ranges = sorted(((lo, hi, u) for u in units for lo, hi in u.ranges), key=lambda r: (r[0], r[1]))
    file_tables = {id(u): u.files() for u in units}
    lows = [r[0] for r in ranges]
    for k, addr in enumerate(starts):
        j = bisect.bisect_right(lows, addr) - 1
        if j < 0 or not ranges[j][0] <= addr < ranges[j][1]:
            continue
        lo, hi, unit = ranges[j]
        sym = best[addr]
        # No .size (a hand-written label): up to the next function or the section's end.
        end = min(addr + sym.size if sym.size else (starts[k + 1] if k + 1 < len(starts) else hi), hi)
        # The function's first row (the line of its opening brace) stands for gcc's decl_line.
        first = bisect.bisect_left(addrs, addr)
        row = image.lines.entries[first] if first < len(addrs) and addrs[first] == addr \
            else image.lines.entry_for(addr)
        files = file_tables[id(unit)]
        decl_file = files.index(row.file) + 1 if row is not None and row.file in files else 0
        decl_line = _decl_line(image, row.file, row.line, sym.name) if row is not None and decl_file else 0
        unit.functions.append(Function(sym.name, addr, end, sym.bind != "local", decl_file, decl_line))


def _decl_line(image: Image, file: str, line: int, name: str) -> int:
    """gcc's DW_AT_decl_line is the line naming the function, a few lines above
    its first row (the opening brace): find ``name(`` (C) or ``name:`` (assembly)
    in the source if the image has it, else keep the first row's line."""
    text = image.sources.get(file)
    if text is None:
        return line
    lines = text.splitlines()
    pattern = re.compile(rf"(?<![\w.$]){re.escape(name)}\s*[(:]")
    for k in range(min(line, len(lines)) - 1, max(line - 10, 0) - 1, -1):
        if pattern.search(lines[k]):
            return k + 1
    return line


# ------------------------------------------------------------- .debug_line
def line_program(unit: Unit) -> bytes:
    """The unit's line-number program (DWARF 4 header, one sequence per range)."""
    files = unit.files()
    index = {name: k + 1 for k, name in enumerate(files)}
    header = bytes([1, 1, 1]) + struct.pack("<bB", LINE_BASE, LINE_RANGE) + bytes([OPCODE_BASE])
    header += STANDARD_OPCODE_LENGTHS
    header += b"\0"                                      # no include_directories
    for name in files:
        header += cstr(name) + uleb(0) + uleb(0) + uleb(0)  # dir 0 = comp_dir, no mtime/length
    header += b"\0"
    prog = bytearray()
    for (lo, hi), rows in zip(unit.ranges, unit.sequences):
        prog += b"\0" + uleb(5) + bytes([DW_LNE_set_address]) + struct.pack("<I", lo)
        addr, file, line, col, stmt = lo, 1, 1, 0, True
        for row in rows:
            if index[row.file] != file:
                file = index[row.file]
                prog += bytes([DW_LNS_set_file]) + uleb(file)
            if row.col != col:
                col = row.col
                prog += bytes([DW_LNS_set_column]) + uleb(col)
            if row.is_stmt != stmt:
                stmt = row.is_stmt
                prog.append(DW_LNS_negate_stmt)
            dline, daddr = row.line - line, row.address - addr
            special = (dline - LINE_BASE) + LINE_RANGE * daddr + OPCODE_BASE
            if LINE_BASE <= dline < LINE_BASE + LINE_RANGE and special <= 255:
                prog.append(special)
            else:
                if dline:
                    prog += bytes([DW_LNS_advance_line]) + sleb(dline)
                if daddr:
                    prog += bytes([DW_LNS_advance_pc]) + uleb(daddr)
                prog.append(DW_LNS_copy)
            addr, line = row.address, row.line
        if hi > addr:
            prog += bytes([DW_LNS_advance_pc]) + uleb(hi - addr)
        prog += b"\0" + uleb(1) + bytes([DW_LNE_end_sequence])
    body = struct.pack("<H", 4) + struct.pack("<I", len(header)) + header + bytes(prog)
    return struct.pack("<I", len(body)) + body


# ------------------------------------------------------------- .debug_info
def abbrev_table() -> bytes:
    def entry(code: int, tag: int, children: bool, attrs: list[tuple[int, int]]) -> bytes:
        out = uleb(code) + uleb(tag) + bytes([int(children)])
        for at, form in attrs:
            out += uleb(at) + uleb(form)
        return out + b"\0\0"

    head = [(DW_AT_producer, DW_FORM_string), (DW_AT_language, DW_FORM_data2), (DW_AT_name, DW_FORM_string),
            (DW_AT_comp_dir, DW_FORM_string), (DW_AT_low_pc, DW_FORM_addr)]
    func = [(DW_AT_name, DW_FORM_string), (DW_AT_decl_file, DW_FORM_udata), (DW_AT_decl_line, DW_FORM_udata),
            (DW_AT_low_pc, DW_FORM_addr), (DW_AT_high_pc, DW_FORM_data4)]
    return (entry(ABBREV_CU_PC, DW_TAG_compile_unit, True,
                  [*head, (DW_AT_high_pc, DW_FORM_data4), (DW_AT_stmt_list, DW_FORM_sec_offset)])
            + entry(ABBREV_CU_RANGES, DW_TAG_compile_unit, True,
                    [*head, (DW_AT_ranges, DW_FORM_sec_offset), (DW_AT_stmt_list, DW_FORM_sec_offset)])
            + entry(ABBREV_FUNC_EXTERN, DW_TAG_subprogram, False, [(DW_AT_external, DW_FORM_flag_present), *func])
            + entry(ABBREV_FUNC_STATIC, DW_TAG_subprogram, False, func)
            + b"\0")


def compile_unit(unit: Unit, comp_dir: str, stmt_list: int, ranges_offset: int | None,
                 abbrev_offset: int = 0) -> bytes:
    """One DWARF 4 compile unit (header + DIEs) for ``unit``."""
    die = bytearray()
    if ranges_offset is None:
        (lo, hi), = unit.ranges
        die += uleb(ABBREV_CU_PC)
    else:
        lo = hi = 0                                      # base address 0: .debug_ranges entries are absolute
        die += uleb(ABBREV_CU_RANGES)
    die += cstr(PRODUCER) + struct.pack("<H", unit.language) + cstr(unit.name) + cstr(comp_dir)
    die += struct.pack("<I", lo)
    die += struct.pack("<I", hi - lo) if ranges_offset is None else struct.pack("<I", ranges_offset)
    die += struct.pack("<I", stmt_list)
    for f in unit.functions:
        die += uleb(ABBREV_FUNC_EXTERN if f.external else ABBREV_FUNC_STATIC)
        die += cstr(f.name) + uleb(f.decl_file) + uleb(f.decl_line)
        die += struct.pack("<II", f.low, f.high - f.low)
    die += b"\0"                                         # end of the unit's children
    body = struct.pack("<HIB", 4, abbrev_offset, 4) + bytes(die)     # version 4, 4-byte addresses
    return struct.pack("<I", len(body)) + body


def aranges(unit: Unit, info_offset: int) -> bytes:
    """The unit's .debug_aranges set (DWARF 4, 6.1.2): header padded to 8, then pairs."""
    body = struct.pack("<HIBB", 2, info_offset, 4, 0) + bytes(4)
    for lo, hi in sorted(unit.ranges):
        body += struct.pack("<II", lo, hi - lo)
    body += bytes(8)
    return struct.pack("<I", len(body)) + body


def build_dwarf(image: Image, comp_dir: str = "", existing: dict[str, bytes] | None = None) -> DebugSections:
    """Debug sections for the image's code that has no DWARF of its own.

    Without ``existing`` (gcc's linked sections) that is every unit; with it,
    only the assembly units, appended to ``existing`` (the returned sections
    are the whole new contents).  ``comp_dir`` is the directory relative file
    names in the line table are relative to, so gdb finds the sources.
    """
    existing = {k: v for k, v in (existing or {}).items() if k.startswith(".debug")}
    units = split_units(image)
    if existing.get(".debug_info"):
        units = [u for u in units if u.language == DW_LANG_Mips_Assembler]
    if not units:
        return DebugSections(existing, [])
    comp_dir = comp_dir or os.getcwd()

    def base(name: str) -> bytearray:
        return bytearray(existing.get(name, b""))
    line, info, arange, rng = base(".debug_line"), base(".debug_info"), base(".debug_aranges"), \
        base(".debug_ranges")
    abbrev = base(".debug_abbrev")
    abbrev_offset = len(abbrev)
    abbrev += abbrev_table()
    for unit in units:
        stmt_list = len(line)
        line += line_program(unit)
        ranges_offset: int | None = None
        if len(unit.ranges) > 1:
            ranges_offset = len(rng)
            for lo, hi in sorted(unit.ranges):
                rng += struct.pack("<II", lo, hi)
            rng += bytes(8)
        arange += aranges(unit, len(info))
        # An absolute name needs no compilation directory: give its own.
        unit_dir = os.path.dirname(unit.name) if os.path.isabs(unit.name) else comp_dir
        info += compile_unit(unit, unit_dir, stmt_list, ranges_offset, abbrev_offset)
    sections = dict(existing)
    sections.update({".debug_aranges": bytes(arange), ".debug_info": bytes(info), ".debug_abbrev": bytes(abbrev),
                     ".debug_line": bytes(line)})
    if rng:
        sections[".debug_ranges"] = bytes(rng)
    return DebugSections(sections, units)
