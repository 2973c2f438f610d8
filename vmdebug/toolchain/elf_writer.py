"""Write a linked :class:`Image` as an i386 ELF executable (ET_EXEC).

The file holds exactly the bytes the simulator loads: the image's first
segment is already the page ld starts with (ELF header plus program
headers, see :meth:`Image.headers`), and every PT_LOAD segment goes to the
file offset the image recorded (congruent to its address modulo the page
size, bfd/elf.c assign_file_positions_for_load_sections).  Only three
fields of the ELF header change: where the section headers are, how many,
and which one names the others.

After the loaded bytes come the non-allocated sections, in ld's order:
``.comment`` and the DWARF - gcc's, as linked (:attr:`Image.debug`), with
units for hand-written assembly appended (see
:mod:`vmdebug.toolchain.dwarf_line`) - then ``.symtab``, ``.strtab`` and
``.shstrtab``, then the section header table.
The symbol table is laid out as ld lays out a static executable's (no
section symbols; per object a FILE symbol followed by its locals; then the
globals), so ``objdump -d`` labels the code as it does for ld's output.

Reference: System V ABI, "Object Files" (ELF32 structures) and the i386
psABI; field offsets from /usr/include/elf.h.
"""
from __future__ import annotations

import os
import re
import struct
from pathlib import Path

from events.record import Record
from vmdebug.toolchain.dwarf_line import build_dwarf
from vmdebug.toolchain.image import BASE_ADDRESS, PAGE_SIZE, Image, Symbol
from vmdebug.toolchain.link import NONALLOC_ORDER

# elf.h constants.
SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_NOTE, SHT_NOBITS = 1, 2, 3, 7, 8
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS = 0x1, 0x2, 0x4, 0x10, 0x20
#: Non-allocated sections ld writes as merged strings (entsize 1), and the alignment of .debug_frame.
STRING_SECTIONS = {".comment", ".debug_str", ".debug_line_str"}
SECTION_ALIGN = {".debug_frame": 4}
SHN_ABS = 0xFFF1
STB = {"local": 0, "global": 1, "weak": 2}
STT = {"notype": 0, "object": 1, "func": 2, "section": 3, "file": 4}
STT_FILE = 4
EHDR_SIZE, SHDR_SIZE, SYM_SIZE = 52, 40, 16
_FILE_DIRECTIVE = re.compile(r'^\s*\.file\s+"([^"]*)"\s*(?:#.*)?$', re.M)   # .file "x" (not .file N "x")
E_SHOFF, E_SHNUM = 0x20, 0x30        # e_shoff (Elf32_Off); e_shnum, e_shstrndx (Elf32_Half each)


class ElfWriteError(ValueError):
    """The image cannot be written as an executable (not a linked image)."""


class OutSection(Record):
    """A section header to write."""

    __slots__ = ("name", "type", "flags", "addr", "offset", "size", "link", "info", "align", "entsize")

    def __init__(self, name: str, type: int, flags: int, addr: int, offset: int, size: int, link: int = 0,
                 info: int = 0, align: int = 1, entsize: int = 0) -> None:
        self.name = name
        self.type = type
        self.flags = flags
        self.addr = addr
        self.offset = offset
        self.size = size
        self.link = link
        self.info = info
        self.align = align
        self.entsize = entsize


class StringTable:
    """An ELF string table: a leading NUL, each distinct string once."""

    def __init__(self) -> None:
        self.data = bytearray(b"\0")
        self.index: dict[str, int] = {"": 0}

    def add(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.data)
            self.data += text.encode("utf-8", "surrogateescape") + b"\0"
        return found


def _section_flags(letters: str) -> int:
    return ((SHF_ALLOC if "a" in letters else 0) | (SHF_WRITE if "w" in letters else 0)
            | (SHF_EXECINSTR if "x" in letters else 0))


def _section_type(kind: str) -> int:
    return {"nobits": SHT_NOBITS, "note": SHT_NOTE}.get(kind, SHT_PROGBITS)


def file_symbol_name(obj_file: str, image: Image) -> str:
    """The STT_FILE name ld copies from an object: gcc's ``.file "prog.c"``.

    The image knows locals by the object they came from.  An assembly file
    in the image's sources names itself with ``.file "name"`` (gas makes the
    STT_FILE symbol from it, gas/config/obj-elf.c elf_file_symbol); for gcc's
    output of ``prog.c`` (object ``prog.s``, not kept as a source) the C
    file of the same stem is the name gcc wrote."""
    text = image.sources.get(obj_file)
    if text is not None:                                 # an assembly source: its own .file "name"
        found = _FILE_DIRECTIVE.search(text)
        if found:
            return found.group(1)
    base = os.path.basename(obj_file)
    stem = os.path.splitext(base)[0]
    for name in [*image.sources, *image.lines.files()]:
        b = os.path.basename(name)
        if b.endswith(".c") and os.path.splitext(b)[0] == stem:
            return b
    return base


def _named_inputs(image: Image) -> list[tuple[str, str, bool]]:
    """(source name, STT_FILE name, is C) of each input that names itself, in link order.

    The image's sources follow the link order: a ``.s`` input holds its own
    text (gcc's ``.file "x.c"`` directive names it for the libc), a C program
    holds the C file, whose basename gcc writes as ``.file``."""
    from vmdebug.libc import LIBC_DEBUG_ROOT, source_files

    # A libc C file is an input only if build.py compiles it as a unit (src/*.c); the ones it
    # #includes (src/musl/*.c, compiled through math*.c) have no object and no STT_FILE.
    libc_units = {f"{LIBC_DEBUG_ROOT}/src/{path.name}" for path in source_files()}
    out: list[tuple[str, str, bool]] = []
    for name, text in image.sources.items():
        ext = os.path.splitext(name)[1].lower()
        if ext == ".c":
            if name.startswith(LIBC_DEBUG_ROOT + "/") and name not in libc_units:
                continue
            out.append((name, os.path.basename(name), True))
        elif ext in (".s", ".asm"):
            found = _FILE_DIRECTIVE.search(text)
            if found:
                out.append((name, found.group(1), False))
    return out


def symbol_order(image: Image) -> tuple[list[tuple[Symbol | None, str]], int]:
    """Symbols in ld's order: (symbol, FILE name) pairs, locals first.

    As ld (bfd/elflink.c elf_link_input_bfd) writes them: for each input in
    link order its STT_FILE symbol and its locals; an input with locals but
    no STT_FILE gets one with its file name; then the globals.  A FILE entry
    is ``(None, name)``.  Returns the list (without the null symbol) and how
    many entries are local."""
    groups: dict[str, list[Symbol]] = {}
    globals_: list[Symbol] = []
    for sym in image.all_symbols():
        if sym.bind == "local":
            groups.setdefault(sym.file, []).append(sym)
        else:
            globals_.append(sym)
    out: list[tuple[Symbol | None, str]] = []
    done: set[str] = set()
    for source, file_name, is_c in _named_inputs(image):
        key = source
        if is_c:   # the object is gcc's assembly of the C file, named after it (prog.c -> prog.s)
            stem = os.path.splitext(os.path.basename(source))[0]
            key = next((k for k in groups if k not in done and k != source
                        and os.path.splitext(os.path.basename(k))[0] == stem), source)
        done.add(key)
        out.append((None, file_name))
        out.extend((s, "") for s in groups.get(key, []))
    for obj_file, syms in groups.items():
        if obj_file in done:
            continue
        if obj_file:
            out.append((None, file_symbol_name(obj_file, image)))
        out.extend((s, "") for s in syms)
    nlocal = len(out)
    out.extend((s, "") for s in globals_)
    return out, nlocal


def _nearby_section(sym: Symbol, sections: list[OutSection]) -> int:
    """The section index ld gives a symbol whose own output section was dropped
    as empty (``_edata`` with no .data, ``_end`` with no .bss): the next
    allocated section at or after its value, else the last one before it
    (bfd/linker.c _bfd_fix_excluded_sec_syms, as measured on ld 2.40)."""
    if sym.section == "*ABS*" or not sections:
        return SHN_ABS
    later = [k for k, s in enumerate(sections) if s.addr >= sym.address]
    if later:
        return min(later, key=lambda k: sections[k].addr) + 1
    return max(range(len(sections)), key=lambda k: sections[k].addr) + 1


def _check(image: Image) -> bytes:
    """The image's header page, after checking the image is a linked executable."""
    if not image.segments:
        raise ElfWriteError("the image has no segments")
    first = image.segments[0]
    header = bytes(first.data)
    if first.vaddr != BASE_ADDRESS or first.offset != 0 or header[:4] != b"\x7fELF" or len(header) < EHDR_SIZE:
        raise ElfWriteError("the image does not start with ld's ELF header page")
    for seg in image.segments[1:]:
        if seg.data and (seg.offset - seg.vaddr) % PAGE_SIZE:
            raise ElfWriteError(f"segment at {seg.vaddr:#x}: file offset {seg.offset:#x} is not congruent "
                                "to its address modulo the page size")
    return header


def _alloc_sections(image: Image) -> tuple[list[OutSection], int]:
    """Headers of the loaded sections, and where the loaded file part ends.

    A NOBITS section's offset is the file position reached so far (ld does
    not advance it for .bss), moved to the next offset congruent to its
    address when it starts a segment with no file part."""
    out: list[OutSection] = []
    pos = len(image.segments[0].data)
    for sec in image.sections:
        seg = next((s for s in image.segments[1:] if s.vaddr <= sec.address < max(s.end, s.vaddr + 1)), None)
        if seg is None:
            raise ElfWriteError(f"section {sec.name} at {sec.address:#x} is outside every segment")
        nobits = sec.type == "nobits"
        if nobits:
            offset = pos if seg.data else pos + (sec.address - pos) % PAGE_SIZE
        else:
            offset = seg.offset + sec.address - seg.vaddr
            pos = offset + sec.size
        out.append(OutSection(sec.name, _section_type(sec.type), _section_flags(sec.flags), sec.address, offset,
                              sec.size, align=max(sec.align, 1)))
    end = max(s.offset + len(s.data) for s in image.segments if s.data)
    return out, end


def build_elf(image: Image, comp_dir: str = "", debug: bool = True) -> bytes:
    """The executable's bytes: the image as loaded, symbols and (``debug``) DWARF.

    ``comp_dir`` is the directory that relative source names in the line
    table are relative to (default: the current directory)."""
    header = bytearray(_check(image))
    sections, end = _alloc_sections(image)
    index = {s.name: k + 1 for k, s in enumerate(sections)}
    blobs: list[tuple[OutSection, bytes]] = []
    pos = end
    extra = build_dwarf(image, comp_dir, image.debug).sections if debug else {}
    if ".comment" in image.debug:
        extra[".comment"] = image.debug[".comment"]
    for name in sorted(extra, key=lambda n: NONALLOC_ORDER.index(n) if n in NONALLOC_ORDER else len(NONALLOC_ORDER)):
        data = extra[name]
        align = SECTION_ALIGN.get(name, 1)
        pos = (pos + align - 1) & ~(align - 1)
        strings = name in STRING_SECTIONS
        blobs.append((OutSection(name, SHT_PROGBITS, SHF_MERGE | SHF_STRINGS if strings else 0, 0, pos, len(data),
                                 align=align, entsize=1 if strings else 0), data))
        pos += len(data)
    # .symtab
    strtab = StringTable()
    entries, nlocal = symbol_order(image)
    symtab = bytearray(SYM_SIZE)
    for sym, file_name in entries:
        if sym is None:
            symtab += struct.pack("<IIIBBH", strtab.add(file_name), 0, 0, STT_FILE, 0, SHN_ABS)
            continue
        shndx = index.get(sym.section) or _nearby_section(sym, sections)
        info = (STB.get(sym.bind, 1) << 4) | STT.get(sym.type, 0)
        symtab += struct.pack("<IIIBBH", strtab.add(sym.name), sym.address & 0xFFFFFFFF, sym.size, info, 0, shndx)
    pos = (pos + 3) & ~3
    nsec = len(sections) + len(blobs)
    sym_sec = OutSection(".symtab", SHT_SYMTAB, 0, 0, pos, len(symtab), link=nsec + 2, info=nlocal + 1, align=4,
                         entsize=SYM_SIZE)
    pos += len(symtab)
    str_sec = OutSection(".strtab", SHT_STRTAB, 0, 0, pos, len(strtab.data))
    pos += len(strtab.data)
    shstr = StringTable()
    shstr_sec = OutSection(".shstrtab", SHT_STRTAB, 0, 0, pos, 0)
    blobs += [(sym_sec, bytes(symtab)), (str_sec, bytes(strtab.data))]
    all_secs = [*sections, *(b[0] for b in blobs), shstr_sec]
    for sec in all_secs:
        shstr.add(sec.name)
    shstr_sec.size = len(shstr.data)
    blobs.append((shstr_sec, bytes(shstr.data)))
    shoff = (shstr_sec.offset + shstr_sec.size + 3) & ~3
    # The ELF header: where the section headers are, how many, which names them.
    struct.pack_into("<I", header, E_SHOFF, shoff)
    struct.pack_into("<HH", header, E_SHNUM, len(all_secs) + 1, len(all_secs))

    out = bytearray(shoff + SHDR_SIZE * (len(all_secs) + 1))
    out[:len(header)] = header
    for seg in image.segments[1:]:
        if seg.data:
            out[seg.offset:seg.offset + len(seg.data)] = seg.data
    for sec, data in blobs:
        out[sec.offset:sec.offset + len(data)] = data
    at = shoff + SHDR_SIZE                               # entry 0 stays SHT_NULL
    for sec in all_secs:
        struct.pack_into("<IIIIIIIIII", out, at, shstr.add(sec.name), sec.type, sec.flags, sec.addr, sec.offset,
                         sec.size, sec.link, sec.info, sec.align, sec.entsize)
        at += SHDR_SIZE
    return bytes(out)


def write_elf(image: Image, path: str | Path, comp_dir: str = "", debug: bool = True) -> None:
    """Write :func:`build_elf`'s bytes to ``path`` as an executable file, whole or not at all."""
    from events.files import write_atomic
    write_atomic(path, build_elf(image, comp_dir, debug), executable=True)
