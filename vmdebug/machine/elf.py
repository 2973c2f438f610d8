"""Read a static i386 ELF executable into a :class:`LoadSpec` (what exec needs).

Only the parts fs/binfmt_elf.c uses are read: the ELF header, the PT_LOAD and
PT_GNU_STACK program headers, plus the symbol table for names (all through
the one reader, :mod:`vmdebug.elffile`).  This lets
vmdebug run exactly the binary that ``ld`` produced, next to the real CPU.
"""
from __future__ import annotations

from pathlib import Path

from events import codes as C
from vmdebug.debuginfo.valprint_symbols import AddressSymbolizer
from vmdebug.elffile import PF_R, PF_W, PF_X, PT_GNU_STACK, PT_LOAD, ElfError, ElfFile, symbol_rows
from vmdebug.errors import UserError
from vmdebug.machine.filemap import around
from vmdebug.machine.process import LoadSpec, Segment


def load_elf(path: str | Path, name: str | None = None) -> LoadSpec:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {p}: {exc.strerror}") from None
    return parse_elf(data, name or str(p))


def parse_elf(data: bytes, name: str) -> LoadSpec:
    try:
        elf = ElfFile(data)
    except ElfError as exc:
        raise UserError(f"{name}: {exc}") from None
    if elf.machine != 3 or elf.type != 2:
        raise UserError(f"{name}: not a static i386 executable (ET_EXEC, EM_386)")
    # fs/binfmt_elf.c load_elf_phdrs: the kernel refuses (ENOEXEC) program headers of
    # the wrong size, too many of them, or ones it cannot read whole.
    if elf.phentsize != 32 or not 1 <= elf.phnum <= 65536 // 32 or elf.phoff + 32 * elf.phnum > len(data):
        raise UserError(f"{name}: cannot execute: Exec format error (bad program headers)")
    segments: list[Segment] = []
    gnu_stack = False
    phdr_addr = 0
    for k, ph in enumerate(elf.program_headers()):
        if ph.type == PT_LOAD:
            if ph.offset + ph.filesz > len(data):
                raise UserError(f"{name}: cannot execute: segment {k}'s file bytes lie past the end of the file")
            perms = (C.PERM_R if ph.flags & PF_R else 0) | (C.PERM_W if ph.flags & PF_W else 0) \
                | (C.PERM_X if ph.flags & PF_X else 0)
            lead, tail = around(lambda off, n: data[off:off + n], ph.offset, ph.vaddr, ph.filesz, ph.memsz,
                                bool(perms & C.PERM_W))
            segments.append(Segment(ph.vaddr, elf.segment_bytes(ph), ph.memsz, perms, lead, tail))
            if ph.offset <= elf.phoff < ph.offset + ph.filesz:
                phdr_addr = ph.vaddr + elf.phoff - ph.offset
        elif ph.type == PT_GNU_STACK:
            gnu_stack = not ph.flags & PF_X
    symbols: dict[str, int] = {}
    symbolizer = None
    try:        # function and object names, for frame names
        for sym in elf.symbols():
            if sym.type in (0, 1, 2) and sym.shndx != 0 and sym.name:    # NOTYPE, OBJECT, FUNC
                symbols.setdefault(sym.name, sym.value)
        symbolizer = AddressSymbolizer(*symbol_rows(elf))
    except ElfError:
        symbols = {}        # the kernel never reads section headers: a bad table only loses names
    return LoadSpec(name, segments, elf.entry, symbols, phdr_addr or 0x08048034, elf.phnum, gnu_stack,
                    symbolizer=symbolizer)
