"""The MMU as the CPU sees it: virtual reads and writes, with faults and events.

Translation follows the page tables the fold keeps in physical frames (i386
32-bit paging, Intel SDM Vol. 3A 4.3); three small caches stand in for the TLB:
``rtlb`` (present and readable), ``wtlb`` (present, writable and already
dirty, so a write needs no D-bit update) and ``xtlb`` (executable by the VMA:
i386 non-PAE PTEs have no NX bit, so as on a kernel with NX the VMA decides).
Every entry is dropped when its PTE changes (``invalidate``), which is what
``invlpg`` / ``flush_tlb_range`` do on the real machine.

Accesses that miss go to :meth:`vmdebug.machine.kernel.Kernel.page_fault`,
which maps the page on first touch or raises the fault the kernel would
deliver.  A write that spans two pages checks both before writing either, so
a faulting instruction leaves memory as it was (precise faults).
"""
from __future__ import annotations

from struct import Struct
from typing import TYPE_CHECKING, Callable

from events import codes as C
from events.log import pack_row
from vmdebug.machine.faults import EXEC, READ, WRITE

if TYPE_CHECKING:
    from vmdebug.machine.process import Process

_U16 = Struct("<H")
_U32 = Struct("<I")
_MEM = {1: C.MEM1, 2: C.MEM2, 4: C.MEM4}


class Memory:
    """Virtual memory access for one process."""

    def __init__(self, proc: "Process") -> None:
        self.proc = proc
        self.mv = memoryview(proc.state.mem)
        self.rtlb: dict[int, int] = {}
        self.wtlb: dict[int, int] = {}
        self.xtlb: set[int] = set()
        self.code_pages: dict[int, set[int]] = {}  # vpn -> eips of cached decodes on that page
        self.on_code_write: Callable[[int], None] = lambda vpn: None

    # ---- TLB ---------------------------------------------------------------
    def tlb(self) -> tuple[dict[int, int], dict[int, int]]:
        """The read and write TLB dicts (vpn -> physical page base), for code that inlines the
        fast path (vmdebug.machine.translate).  They are the same objects for the life of the
        Memory (flushes clear them in place), so they may be held; a miss must go through
        read*/write*, which fault the page in or raise as the kernel would."""
        return self.rtlb, self.wtlb

    def exec_base(self, vpn: int) -> int | None:
        """The physical base of page ``vpn`` if the TLB holds it as executable, else None -
        without faulting, so translating ahead never maps a page or changes an event."""
        return self.rtlb.get(vpn) if vpn in self.xtlb else None

    def phys_bytes(self, pa: int, n: int) -> bytes:
        """``n`` bytes of physical memory at ``pa`` (within one page)."""
        return bytes(self.mv[pa:pa + n])

    def invalidate(self, vpn: int) -> None:
        self.rtlb.pop(vpn, None)
        self.wtlb.pop(vpn, None)
        self.xtlb.discard(vpn)
        if vpn in self.code_pages:
            self.on_code_write(vpn)

    def flush_tlb(self) -> None:
        """Drop every translation, keeping the decoded code (a cr3 load: another process's
        page tables, or the same ones after fork write-protected them)."""
        self.rtlb.clear()
        self.wtlb.clear()
        self.xtlb.clear()

    def flush(self) -> None:
        self.rtlb.clear()
        self.wtlb.clear()
        self.xtlb.clear()
        for vpn in list(self.code_pages):
            self.on_code_write(vpn)

    def _page_base(self, addr: int, access: int) -> int:
        """Physical base of the page holding ``addr`` for an access, faulting it in if needed."""
        vpn = addr >> 12
        if access == READ:
            base = self.rtlb.get(vpn)
        elif access == WRITE:
            base = self.wtlb.get(vpn)
        else:
            base = self.rtlb.get(vpn) if vpn in self.xtlb else None
        if base is None:
            base = self.proc.kernel.page_fault(addr, access)
        return base

    # ---- reads -------------------------------------------------------------
    def read8(self, addr: int) -> int:
        base = self.rtlb.get(addr >> 12)
        if base is None:
            base = self._page_base(addr, READ)
        return self.mv[base | (addr & 0xFFF)]

    def read16(self, addr: int) -> int:
        off = addr & 0xFFF
        base = self.rtlb.get(addr >> 12)
        if base is not None and off <= 0xFFE:
            return _U16.unpack_from(self.mv, base | off)[0]
        return int.from_bytes(self.read_bytes(addr, 2), "little")

    def read32(self, addr: int) -> int:
        off = addr & 0xFFF
        base = self.rtlb.get(addr >> 12)
        if base is not None and off <= 0xFFC:
            return _U32.unpack_from(self.mv, base | off)[0]
        return int.from_bytes(self.read_bytes(addr, 4), "little")

    def read(self, addr: int, size: int) -> int:
        if size == 4:
            return self.read32(addr)
        if size == 1:
            return self.read8(addr)
        return self.read16(addr)

    def read_wide(self, addr: int, nbytes: int) -> int:
        """An 8-, 10- or 16-byte little-endian value (SSE and x87 operands), read as dwords
        (and a word); a page fault leaves nothing changed, since reads change nothing."""
        value, shift = 0, 0
        while nbytes >= 4:
            value |= self.read32((addr + shift // 8) & 0xFFFFFFFF) << shift
            shift += 32
            nbytes -= 4
        if nbytes:
            value |= self.read16((addr + shift // 8) & 0xFFFFFFFF) << shift
        return value

    def read_bytes(self, addr: int, size: int, access: int = READ) -> bytes:
        """Bytes at a virtual address; every page is checked before any is read."""
        pieces = self._pieces(addr, size, access)
        return b"".join(bytes(self.mv[pa:pa + n]) for pa, n in pieces)

    def _pieces(self, addr: int, size: int, access: int) -> list[tuple[int, int]]:
        out = []
        while size > 0:
            off = addr & 0xFFF
            n = min(size, 0x1000 - off)
            out.append((self._page_base(addr, access) | off, n))
            addr = (addr + n) & 0xFFFFFFFF
            size -= n
        return out

    def fetch_bytes(self, addr: int, size: int) -> bytes:
        """Instruction bytes: the first page must be executable; stop early at a
        page that is not (the decoder then reports a truncated instruction and
        the fetch is retried for exactly the bytes it needs)."""
        return self.read_bytes(addr, size, EXEC)

    # ---- writes ------------------------------------------------------------
    def write32(self, addr: int, value: int) -> None:
        off = addr & 0xFFF
        vpn = addr >> 12
        base = self.wtlb.get(vpn)
        if base is not None and off <= 0xFFC:
            pa = base | off
            old = _U32.unpack_from(self.mv, pa)[0]
            _U32.pack_into(self.mv, pa, value)
            self.proc.write(pack_row(C.MEM4, addr, old, value, 0))
            if vpn in self.code_pages:
                self.on_code_write(vpn)
        else:
            self.write_bytes(addr, value.to_bytes(4, "little"))

    def write16(self, addr: int, value: int) -> None:
        off = addr & 0xFFF
        vpn = addr >> 12
        base = self.wtlb.get(vpn)
        if base is not None and off <= 0xFFE:
            pa = base | off
            old = _U16.unpack_from(self.mv, pa)[0]
            _U16.pack_into(self.mv, pa, value)
            self.proc.write(pack_row(C.MEM2, addr, old, value, 0))
            if vpn in self.code_pages:
                self.on_code_write(vpn)
        else:
            self.write_bytes(addr, value.to_bytes(2, "little"))

    def write8(self, addr: int, value: int) -> None:
        vpn = addr >> 12
        base = self.wtlb.get(vpn)
        if base is not None:
            pa = base | (addr & 0xFFF)
            old = self.mv[pa]
            self.mv[pa] = value
            self.proc.write(pack_row(C.MEM1, addr, old, value, 0))
            if vpn in self.code_pages:
                self.on_code_write(vpn)
        else:
            self.write_bytes(addr, bytes((value,)))

    def write(self, addr: int, size: int, value: int) -> None:
        if size == 4:
            self.write32(addr, value)
        elif size == 1:
            self.write8(addr, value)
        else:
            self.write16(addr, value)

    def write_wide(self, addr: int, nbytes: int, value: int) -> None:
        """An 8-, 10- or 16-byte store as dword (and word) writes, so it logs compact memory
        events.  Every page is made writable before anything is written, so a fault in the
        middle of the operand leaves memory as it was (precise faults, SDM Vol. 3A 6.5)."""
        if (addr & 0xFFF) + nbytes > 0x1000 or self.wtlb.get(addr >> 12) is None:
            self._pieces(addr, nbytes, WRITE)
        shift = 0
        while nbytes >= 4:
            self.write32((addr + shift // 8) & 0xFFFFFFFF, (value >> shift) & 0xFFFFFFFF)
            shift += 32
            nbytes -= 4
        if nbytes:
            self.write16((addr + shift // 8) & 0xFFFFFFFF, (value >> shift) & 0xFFFF)

    def write_bytes(self, addr: int, data: bytes) -> None:
        """Write any number of bytes; all pages are made writable first."""
        if not data:
            return
        pieces = self._pieces(addr, len(data), WRITE)
        old = b"".join(bytes(self.mv[pa:pa + n]) for pa, n in pieces)
        pos = 0
        for pa, n in pieces:
            self.mv[pa:pa + n] = data[pos:pos + n]
            pos += n
        code = _MEM.get(len(data))
        if code is not None:
            self.proc.emit((code, addr, int.from_bytes(old, "little"), int.from_bytes(data, "little"), 0))
        else:
            self.proc.emit((C.MEMN, addr, 0, 0, self.proc.log.add_extra((old, bytes(data)))))
        first, last = addr >> 12, ((addr + len(data) - 1) & 0xFFFFFFFF) >> 12
        for vpn in {first, last}:
            if vpn in self.code_pages:
                self.on_code_write(vpn)

    def read_cstring(self, addr: int, limit: int = 4096) -> bytes:
        out = bytearray()
        while len(out) < limit:
            b = self.read8(addr)
            if b == 0:
                break
            out.append(b)
            addr = (addr + 1) & 0xFFFFFFFF
        return bytes(out)
