"""Reading the process's memory at the cursor, as ptrace would.

A page that is inside a VMA but not present yet (demand paging: never
touched) still reads fine through ptrace - the kernel faults it in for the
debugger (``access_remote_vm`` -> ``get_user_pages``).  So we read present
pages from physical memory and not-yet-present ones from what the fault
would bring: the program file's bytes for its own mappings, zeros for
anonymous memory.  Outside every VMA: "Cannot access memory at address".
"""
from __future__ import annotations

from typing import Any

from vmdebug.debugger.values import DebugError
from events.state import PAGE, ProcessState


class MemoryReader:
    def __init__(self, state_fn: Any, file_maps: list[tuple[int, bytes]]) -> None:
        self._state_fn = state_fn
        self.file_maps = file_maps      # ProgramInfo.file_maps: what exec maps from the file

    @property
    def state(self) -> ProcessState:
        return self._state_fn()

    def vma_at(self, addr: int) -> tuple[int, int, str, str] | None:
        for start, (end, perms, name) in self.state.vmas.items():
            if start <= addr < end:
                return start, end, perms, name
        return None

    def _file_page(self, page: int) -> bytes:
        from vmdebug.machine.filemap import page_bytes
        return page_bytes(self.file_maps, page)

    def read_page_part(self, addr: int, n: int) -> bytes | None:
        state = self.state
        pa = state.translate(addr)
        if pa is not None:
            return state.mem[pa:pa + n]
        vma = self.vma_at(addr)
        if vma is None:
            return None
        page = addr & ~(PAGE - 1)
        if vma[3] and not vma[3].startswith("["):
            data = self._file_page(page)
            return data[addr - page:addr - page + n]
        return bytes(n)

    def try_read(self, addr: int, size: int) -> tuple[bytes, int | None]:
        """The readable prefix, and the first unreadable address (None if all read)."""
        out = bytearray()
        addr &= 0xFFFFFFFF
        while size > 0:
            n = min(size, PAGE - (addr & 0xFFF))
            part = self.read_page_part(addr, n)
            if part is None:
                return bytes(out), addr
            out += part
            addr = (addr + n) & 0xFFFFFFFF
            size -= n
        return bytes(out), None

    def read(self, addr: int, size: int) -> bytes:
        data, bad = self.try_read(addr, size)
        if bad is not None:
            raise DebugError(f"Cannot access memory at address {addr & 0xFFFFFFFF:#x}")
        return data

    def read_u32(self, addr: int) -> int | None:
        data, bad = self.try_read(addr, 4)
        return None if bad is not None else int.from_bytes(data, "little")

    def read_string(self, addr: int, limit: int = 201) -> bytes | None:
        """Bytes up to a NUL (or ``limit``), None if the first byte is unreadable."""
        out = bytearray()
        while len(out) < limit:
            n = min(limit - len(out), PAGE - (addr & 0xFFF))
            part = self.read_page_part(addr, n)
            if part is None:
                return bytes(out) if out else None
            nul = part.find(b"\0")
            if nul >= 0:
                out += part[:nul + 1]
                return bytes(out)
            out += part
            addr = (addr + n) & 0xFFFFFFFF
        return bytes(out)


class FileMemory(MemoryReader):
    """Memory when no process exists (after it exited, or was killed): gdb then reads the
    executable's allocated sections (exec.c ``section_table_xfer_memory_partial``), zeros
    for a section without contents (.bss, as bfd_get_section_contents gives), and nothing
    else - the heap and the stack are gone."""

    def __init__(self, sections: list[tuple[int, int]], segments: list[tuple[int, bytes, int]]) -> None:
        super().__init__(lambda: None, [])
        self.sections = sorted(sections)
        self.segments = segments

    def vma_at(self, addr: int) -> tuple[int, int, str, str] | None:
        return None

    def read_page_part(self, addr: int, n: int) -> bytes | None:
        if not any(lo <= addr and addr + n <= hi for lo, hi in self.sections):
            return None
        out = bytearray(n)
        for vaddr, data, _memsz in self.segments:
            lo, hi = max(vaddr, addr), min(vaddr + len(data), addr + n)
            if lo < hi:
                out[lo - addr:hi - addr] = data[lo - vaddr:hi - vaddr]
        return bytes(out)
