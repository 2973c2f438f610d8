"""Read a static i386 ELF executable into a :class:`LoadSpec` (what exec needs).

Only the parts fs/binfmt_elf.c uses are read: the ELF header, the PT_LOAD and
PT_GNU_STACK program headers, plus the symbol table for names.  This lets
vmdebug run exactly the binary that ``ld`` produced, next to the real CPU.
"""
from __future__ import annotations

import struct
from pathlib import Path

from events import codes as C
from vmdebug.errors import UserError
from vmdebug.machine.process import LoadSpec, Segment

PT_LOAD, PT_GNU_STACK = 1, 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4


def load_elf(path: str | Path, name: str | None = None) -> LoadSpec:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {p}: {exc.strerror}") from None
    return parse_elf(data, name or str(p))


def parse_elf(data: bytes, name: str) -> LoadSpec:
    if data[:4] != b"\x7fELF" or len(data) < 52:
        raise UserError(f"{name}: not an ELF file")
    if data[4] != 1 or data[5] != 1:
        raise UserError(f"{name}: not a 32-bit little-endian ELF file")
    (e_type, e_machine, _, e_entry, e_phoff, e_shoff, _, _, e_phentsize, e_phnum,
     e_shentsize, e_shnum, e_shstrndx) = struct.unpack_from("<HHIIIIIHHHHHH", data, 16)
    if e_machine != 3 or e_type != 2:
        raise UserError(f"{name}: not a static i386 executable (ET_EXEC, EM_386)")
    # fs/binfmt_elf.c load_elf_phdrs: the kernel refuses (ENOEXEC) program headers of
    # the wrong size, too many of them, or ones it cannot read whole.
    if e_phentsize != 32 or not 1 <= e_phnum <= 65536 // 32 or e_phoff + 32 * e_phnum > len(data):
        raise UserError(f"{name}: cannot execute: Exec format error (bad program headers)")
    segments: list[Segment] = []
    gnu_stack = False
    phdr_addr = 0
    for k in range(e_phnum):
        off = e_phoff + k * e_phentsize
        p_type, p_offset, p_vaddr, _, p_filesz, p_memsz, p_flags, _ = struct.unpack_from("<8I", data, off)
        if p_type == PT_LOAD:
            if p_offset + p_filesz > len(data):
                raise UserError(f"{name}: cannot execute: segment {k}'s file bytes lie past the end of the file")
            perms = (C.PERM_R if p_flags & PF_R else 0) | (C.PERM_W if p_flags & PF_W else 0) \
                | (C.PERM_X if p_flags & PF_X else 0)
            segments.append(Segment(p_vaddr, data[p_offset:p_offset + p_filesz], p_memsz, perms))
            if p_offset <= e_phoff < p_offset + p_filesz:
                phdr_addr = p_vaddr + e_phoff - p_offset
        elif p_type == PT_GNU_STACK:
            gnu_stack = not p_flags & PF_X
    try:
        symbols = _symbols(data, e_shoff, e_shnum, e_shentsize)
    except (struct.error, ValueError, IndexError):
        symbols = {}        # the kernel never reads section headers: a bad table only loses names
    return LoadSpec(name, segments, e_entry, symbols, phdr_addr or 0x08048034, e_phnum, gnu_stack)


def _symbols(data: bytes, e_shoff: int, e_shnum: int, e_shentsize: int) -> dict[str, int]:
    """Function and object names from SHT_SYMTAB, for frame names."""
    symbols: dict[str, int] = {}
    for k in range(e_shnum):
        sh = struct.unpack_from("<10I", data, e_shoff + k * e_shentsize)
        if sh[1] != 2:  # SHT_SYMTAB
            continue
        sym_off, sym_size, link, entsize = sh[4], sh[5], sh[6], sh[9] or 16
        str_off = struct.unpack_from("<10I", data, e_shoff + link * e_shentsize)[4]
        for s in range(sym_size // entsize):
            st_name, st_value, _, st_info, _, st_shndx = struct.unpack_from("<IIIBBH", data, sym_off + s * entsize)
            if st_info & 0xF in (0, 1, 2) and st_shndx != 0 and st_name:  # NOTYPE, OBJECT, FUNC
                end = data.index(b"\0", str_off + st_name)
                symbols.setdefault(data[str_off + st_name:end].decode(errors="replace"), st_value)
    return symbols
