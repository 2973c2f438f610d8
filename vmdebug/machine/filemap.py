"""What exec maps from the program file: each PT_LOAD segment's pages, whole.

fs/binfmt_elf.c elf_map maps a segment from the page holding ``p_offset``, for
``p_filesz`` plus the segment's offset in its page, rounded up to whole pages.  So the
first page of a segment shows the file's bytes before the segment (ld puts a segment
that does not start a page in the same file page as the one before it: the data
segment's first page shows the end of .rodata) and its last page the file's bytes after
it (the read-only data's last page shows .data's initial values) - except where the
segment has bss: elf_load's padzero clears from the end of its file bytes to the end of
that page, when the segment can be written.

The kernel (vmdebug.machine.process) and the debugger's view of pages not touched yet
(vmdebug.debugger.memory) both read a segment's pages from here.
"""
from __future__ import annotations

from typing import Callable, Iterable

PAGE = 4096

Reader = Callable[[int, int], bytes]


def around(read: Reader, offset: int, vaddr: int, filesz: int, memsz: int, writable: bool) -> tuple[bytes, bytes]:
    """(lead, tail): the file's bytes before the segment in its first page and after it
    in its last (``tail`` empty where padzero clears it); ``read(off, n)`` gives the
    file's bytes at ``off`` (fewer at its end: past the end of the file a page reads
    zeros)."""
    if not filesz:                      # no file mapping at all: anonymous zeros
        return b"", b""
    page_off = vaddr & (PAGE - 1)
    lead = read(offset - page_off, page_off) if page_off and offset >= page_off else b""
    room = -(vaddr + filesz) & (PAGE - 1)
    tail = read(offset + filesz, room) if room and not (memsz > filesz and writable) else b""
    return lead, tail


def laid_out(segments: Iterable[tuple[int, bytes]]) -> Reader:
    """A reader of the file ``ld`` writes for segments given as (file offset, bytes):
    each at its offset, zeros between.  (The sections ld writes after the last segment -
    .comment, the symbol table - are not among them: they read as zeros.)"""
    placed = sorted((off, data) for off, data in segments if data)

    def read(offset: int, size: int) -> bytes:
        out = bytearray(size)
        for start, data in placed:
            lo, hi = max(offset, start), min(offset + size, start + len(data))
            if lo < hi:
                out[lo - offset:hi - offset] = data[lo - start:hi - start]
        return bytes(out)
    return read


def page_bytes(maps: Iterable[tuple[int, bytes]], page: int) -> bytes:
    """The page at ``page`` as the program file's mappings (start, bytes: a segment with
    its lead and tail) bring it; a later mapping replaces an earlier one's page, as
    elf_map's MAP_FIXED does."""
    out = bytearray(PAGE)
    for start, data in maps:
        lo, hi = max(start, page), min(start + len(data), page + PAGE)
        if lo < hi:
            out[lo - page:hi - page] = data[lo - start:hi - start]
    return bytes(out)
