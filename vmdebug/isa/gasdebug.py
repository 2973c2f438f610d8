"""The debug sections GNU as writes by itself, appended to an assembled object.

After layout, when every code address is final, this adds what gas's
``dwarf2_finish`` and ``cfi_finish`` add (in that order, as/as.c): the line
program into ``.debug_line`` with its names in ``.debug_line_str``
(:mod:`vmdebug.isa.dwarf2dbg`), then ``.debug_frame`` (:mod:`vmdebug.isa.cfi`).

Their relocations are REL, like everything in the object: the bytes hold
the target's offset in its section (gas converts a local label to its
section symbol and keeps the offset in place), and the fixup names a
synthetic local symbol at that place so the linker can map it - through the
string merging of ``.debug_line_str`` too.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from vmdebug.isa import cfi, dwarf2dbg
from vmdebug.isa.layout import DataFixup, ObjSection, ObjSymbol, Object

if TYPE_CHECKING:
    from vmdebug.isa.assembler import Assembler


def _section(obj: Object, name: str, flags: str = "", entsize: int = 0, align: int = 1) -> ObjSection:
    sec = obj.sections.get(name)
    if sec is None:
        sec = obj.sections[name] = ObjSection(name, flags, "progbits", entsize, align)
    return sec


def _place(obj: Object, section: str, offset: int) -> str:
    """A local symbol at ``section + offset`` for a fixup (never in the symbol table)."""
    name = f".\x01gen:{section}:{offset}"
    if name not in obj.symbols:
        obj.symbols[name] = ObjSymbol(name, section, offset, "local", "notype")
    return name


def _reloc(obj: Object, sec: ObjSection, at: int, target: str, offset: int) -> None:
    sec.fixups.append(DataFixup(at, 4, _place(obj, target, offset), 0))


def append_generated(asm: "Assembler", obj: Object) -> None:
    """gas dwarf2_finish, then cfi_finish."""
    _line_program(asm, obj)
    _frames(asm, obj)


def _line_program(asm: "Assembler", obj: Object) -> None:
    info = obj.sections.get(".debug_info")
    line = obj.sections.get(".debug_line")
    emit_other = info is None or info.size == 0
    empty_line = line is None or line.size == 0
    if (not asm.locs and emit_other) or (not emit_other and not empty_line):
        return
    if not empty_line:
        asm.error("duplicate .debug_line sections", 1, 1)
        return
    sequences: dict[str, dwarf2dbg.Sequence] = {}
    for loc in asm.locs:
        seq = sequences.get(loc.section)
        if seq is None:
            frags = asm.sections[loc.section].frags
            last = frags[-1]
            seq = sequences[loc.section] = dwarf2dbg.Sequence(
                loc.section, [], last.address + last.fix, {k: f.fix for k, f in enumerate(frags)})
        seq.rows.append((loc, asm.sections[loc.section].frags[loc.frag].address + loc.offset))
    line_sec = _section(obj, ".debug_line")
    line_str = obj.sections.get(".debug_line_str")
    base = line_str.size if line_str is not None else 0
    errors: list[str] = []
    out = dwarf2dbg.debug_line(asm.file_table, list(sequences.values()), base, errors)
    for message in errors:
        asm.error(message, 1, 1)
    start = line_sec.size
    line_sec.data += out.data
    line_sec.size += len(out.data)
    for at, section, offset in out.text_relocs:
        _reloc(obj, line_sec, start + at, section, offset)
    if out.line_strs or out.str_relocs:
        line_str = _section(obj, ".debug_line_str", "MS", 1)
        line_str.data += out.line_strs
        line_str.size += len(out.line_strs)
        for at, offset in out.str_relocs:
            _reloc(obj, line_sec, start + at, ".debug_line_str", offset)


def _frames(asm: "Assembler", obj: Object) -> None:
    def address(pos: cfi.Position) -> int:
        return asm.sections[pos[0]].frags[pos[1]].address + pos[2]

    errors: list[tuple[str, cfi.Position]] = []
    out = cfi.debug_frame(asm.cfi, address, errors)
    for message, _pos in errors:
        asm.error(message, 1, 1)
    if out is None:
        return
    sec = _section(obj, ".debug_frame", "", 0, 4)
    start = sec.size
    sec.data += out.data
    sec.size += len(out.data)
    sec.align = max(sec.align, 4)
    for at, cie in out.self_relocs:
        sec.data[start + at:start + at + 4] = (start + cie).to_bytes(4, "little")
        _reloc(obj, sec, start + at, ".debug_frame", start + cie)
    for at, section, offset in out.text_relocs:
        _reloc(obj, sec, start + at, section, offset)
