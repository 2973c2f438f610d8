"""The one reader of i386 ELF files: header, program headers, sections and symbols.

exec (:mod:`vmdebug.machine.elf`) and the debugger's program facts
(:mod:`vmdebug.debugger.program_info`) read the same fields the same way here,
and each applies its own rules on top: exec refuses what fs/binfmt_elf.c
refuses; the debugger keeps what gdb's minimal symbols keep.  Offsets and
sizes come from a file that may be hostile, so every read is bounds-checked and
a bad table raises :class:`ElfError` (one line), never an IndexError from deep
inside.  The layouts are the System V ABI's (Elf32_Ehdr, Elf32_Phdr, Elf32_Shdr,
Elf32_Sym).
"""
from __future__ import annotations

import struct
from types import SimpleNamespace

from events.record import Frozen

PT_LOAD, PT_GNU_STACK = 1, 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4
SHT_SYMTAB, SHT_NOBITS = 2, 8
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4
STT_NAMES = {0: "notype", 1: "object", 2: "func"}
STB_NAMES = {0: "local", 1: "global", 2: "weak"}
SHN_LORESERVE = 0xFF00

_EHDR = struct.Struct("<HHIIIIIHHHHHH")     # from e_type (offset 16)
_PHDR = struct.Struct("<8I")
_SHDR = struct.Struct("<10I")
_SYM = struct.Struct("<IIIBBH")


class ElfError(ValueError):
    """A table of the file cannot be read as it says it is laid out."""


class ProgramHeader(Frozen):
    __slots__ = ("type", "offset", "vaddr", "filesz", "memsz", "flags")

    def __init__(self, type: int, offset: int, vaddr: int, filesz: int, memsz: int, flags: int) -> None:
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "offset", offset)
        object.__setattr__(self, "vaddr", vaddr)
        object.__setattr__(self, "filesz", filesz)
        object.__setattr__(self, "memsz", memsz)
        object.__setattr__(self, "flags", flags)


class Section(Frozen):
    __slots__ = ("name", "type", "flags", "address", "offset", "size", "link", "entsize")

    def __init__(self, name: str, type: int, flags: int, address: int, offset: int, size: int, link: int,
                 entsize: int) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "flags", flags)
        object.__setattr__(self, "address", address)
        object.__setattr__(self, "offset", offset)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "link", link)
        object.__setattr__(self, "entsize", entsize)

    @property
    def allocated(self) -> bool:
        return bool(self.flags & SHF_ALLOC)

    @property
    def flag_text(self) -> str:
        """``a``, ``aw``, ``ax``... as the debugger names a section's flags."""
        return "a" + ("w" if self.flags & SHF_WRITE else "") + ("x" if self.flags & SHF_EXECINSTR else "")


class Symbol(Frozen):
    __slots__ = (
        "name",
        "value",
        "size",
        "type",     # STT_*
        "bind",     # STB_*
        "shndx",
        "section",  # the name of section ``shndx`` ("" when it has none)
    )

    def __init__(self, name: str, value: int, size: int, type: int, bind: int, shndx: int,
                 section: str) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "bind", bind)
        object.__setattr__(self, "shndx", shndx)
        object.__setattr__(self, "section", section)


def symbol_rows(elf: "ElfFile") -> tuple[list[SimpleNamespace], list[SimpleNamespace]]:
    """The allocated sections and their named symbols, as the one symbolizer reads them
    (:class:`vmdebug.debuginfo.valprint_symbols.AddressSymbolizer`: gdb's minimal symbols)."""
    secs = elf.sections()
    sections = [SimpleNamespace(name=s.name, address=s.address, size=s.size, flags=s.flag_text,
                                type="nobits" if s.type == SHT_NOBITS else "progbits")
                for s in secs if s.allocated and s.size]
    symbols = [SimpleNamespace(name=sym.name, address=sym.value, size=sym.size, type=STT_NAMES[sym.type],
                               bind=STB_NAMES.get(sym.bind, "global"), section=sym.section)
               for sym in elf.symbols(secs)
               if sym.type in STT_NAMES and sym.name and 0 < sym.shndx < SHN_LORESERVE]
    return symbols, sections


class ElfFile:
    """A 32-bit little-endian ELF file's bytes and its header fields."""

    def __init__(self, data: bytes) -> None:
        if data[:4] != b"\x7fELF" or len(data) < 52:
            raise ElfError("not an ELF file")
        if data[4] != 1 or data[5] != 1:
            raise ElfError("not a 32-bit little-endian ELF file")
        self.data = data
        (self.type, self.machine, _, self.entry, self.phoff, self.shoff, _, _, self.phentsize, self.phnum,
         self.shentsize, self.shnum, self.shstrndx) = _EHDR.unpack_from(data, 16)

    # ---- program headers (what exec reads) ---------------------------------------------
    def program_headers(self) -> list[ProgramHeader]:
        if self.phentsize < _PHDR.size or self.phoff + self.phentsize * self.phnum > len(self.data):
            raise ElfError("bad program headers")
        out = []
        for k in range(self.phnum):
            p_type, p_offset, p_vaddr, _, p_filesz, p_memsz, p_flags, _ = _PHDR.unpack_from(
                self.data, self.phoff + k * self.phentsize)
            out.append(ProgramHeader(p_type, p_offset, p_vaddr, p_filesz, p_memsz, p_flags))
        return out

    def segment_bytes(self, ph: ProgramHeader) -> bytes:
        if ph.offset + ph.filesz > len(self.data):
            raise ElfError("a segment's file bytes lie past the end of the file")
        return self.data[ph.offset:ph.offset + ph.filesz]

    # ---- sections and symbols (what the kernel never reads) ----------------------------
    def sections(self) -> list[Section]:
        if not self.shnum:
            return []
        if self.shentsize < _SHDR.size or self.shoff + self.shentsize * self.shnum > len(self.data):
            raise ElfError("bad section headers")
        raw = [_SHDR.unpack_from(self.data, self.shoff + k * self.shentsize) for k in range(self.shnum)]
        if self.shstrndx >= len(raw):
            raise ElfError("bad section name table index")
        names = raw[self.shstrndx][4]
        return [Section(self._cstr(names + sh[0]), sh[1], sh[2], sh[3], sh[4], sh[5], sh[6], sh[9])
                for sh in raw]

    def symbols(self, sections: list[Section] | None = None) -> list[Symbol]:
        """Every entry of every SHT_SYMTAB, in file order."""
        secs = self.sections() if sections is None else sections
        out = []
        for sec in secs:
            if sec.type != SHT_SYMTAB:
                continue
            if sec.link >= len(secs):
                raise ElfError("bad symbol string table index")
            strings = secs[sec.link].offset
            entsize = sec.entsize or _SYM.size
            if entsize < _SYM.size or sec.offset + sec.size > len(self.data):
                raise ElfError("bad symbol table")
            for k in range(sec.size // entsize):
                st_name, value, size, info, _, shndx = _SYM.unpack_from(self.data, sec.offset + k * entsize)
                section = secs[shndx].name if 0 < shndx < len(secs) else ""
                out.append(Symbol(self._cstr(strings + st_name) if st_name else "", value, size, info & 0xF,
                                  info >> 4, shndx, section))
        return out

    def _cstr(self, off: int) -> str:
        end = self.data.find(b"\0", off)
        if off >= len(self.data) or end < 0:
            raise ElfError("a name lies past the end of the file")
        return self.data[off:end].decode(errors="replace")
