"""Walking the vmdebug libc's heap from outside the process (for ``heap``).

The layout is the one drawn in ``src/malloc.c``: from the address stored in
the global ``__heap_start`` to the one in ``__heap_end``, chunks follow each
other with no gaps; each starts with a 4-byte little-endian header holding
the chunk size (header included, a multiple of 8, at least 16) with bit 0 =
in use and bit 1 = the chunk before is free; the payload (what malloc
returned) starts 4 bytes after the header.  A free chunk holds the next and
previous free chunks of its bin at +4 and +8 and its size again in its last
4 bytes (the footer), except the top (the free chunk that ends the heap),
which is in no bin.  ``__heap_bins[i]`` is the first free chunk of bin i.

Sessions recorded with the first libc (an implicit list: 8-byte minimum,
bits 1 and 2 always 0, no links) have no ``__heap_bins`` symbol; ``legacy``
walks their heaps by those rules.

The walk never trusts a header blindly: a heap overflow may have destroyed
one (see examples/heap_overflow.c).  A header whose size is too small, not
a multiple of 8 or runs past the heap end stops the walk and is reported as
a corrupt chunk, just as malloc itself would report it.
"""
from __future__ import annotations

from collections.abc import Callable

from events.record import Frozen
from vmdebug.libc import (CHUNK_HEADER_SIZE, CHUNK_IN_USE_BIT, CHUNK_MIN_SIZE, CHUNK_PREV_FREE_BIT,
                          HEAP_BIN_COUNT, HEAP_SMALL_MAX, LEGACY_CHUNK_MIN_SIZE)


class HeapChunk(Frozen):
    """One chunk: where its header is, what the header says, and whether it is sane."""

    __slots__ = (
        "address",    # of the header
        "header",     # the raw 32-bit header word
        "size",       # header & ~7 (0 if corrupt)
        "in_use",
        "corrupt",
        "prev_free",  # bit 1: the chunk before is free
        "next_free",  # a free chunk in a bin: the next one of its bin (0 = none)
        "prev_link",  # ... and the previous one (0 = it is the bin's first)
        "footer",     # a free chunk's last 4 bytes (its size, when sane)
        "top",        # the free chunk that ends the heap: in no bin
    )

    def __init__(self, address: int, header: int, size: int, in_use: bool, corrupt: bool = False,
                 prev_free: bool = False, next_free: int | None = None, prev_link: int | None = None,
                 footer: int | None = None, top: bool = False) -> None:
        object.__setattr__(self, "address", address)
        object.__setattr__(self, "header", header)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "in_use", in_use)
        object.__setattr__(self, "corrupt", corrupt)
        object.__setattr__(self, "prev_free", prev_free)
        object.__setattr__(self, "next_free", next_free)
        object.__setattr__(self, "prev_link", prev_link)
        object.__setattr__(self, "footer", footer)
        object.__setattr__(self, "top", top)

    @property
    def payload(self) -> int:
        """The pointer malloc returned for this chunk."""
        return self.address + CHUNK_HEADER_SIZE

    @property
    def payload_size(self) -> int:
        """Usable bytes: the request plus its padding."""
        return max(self.size - CHUNK_HEADER_SIZE, 0)


def bin_of(size: int) -> int:
    """The bin of a free chunk of ``size`` bytes (src/malloc.c bin_of)."""
    if size <= HEAP_SMALL_MAX:
        return (size >> 3) - 2
    return min(size.bit_length() - 1 + 8, HEAP_BIN_COUNT - 1)


def bin_sizes(index: int) -> str:
    """The chunk sizes bin ``index`` holds, as the table in src/malloc.c gives them."""
    if index < 15:
        return f"{16 + 8 * index} bytes"
    if index == 15:
        return "136-255 bytes"
    if index == HEAP_BIN_COUNT - 1:
        return f"{1 << (index - 8)}+ bytes"
    return f"{1 << (index - 8)}-{(1 << (index - 7)) - 1} bytes"


def walk_heap(read_u32: Callable[[int], int], heap_start: int, heap_end: int,
              limit: int = 100_000, legacy: bool = False) -> list[HeapChunk]:
    """The chunks between ``heap_start`` and ``heap_end`` (the values of
    ``__heap_start`` and ``__heap_end``), reading headers with ``read_u32``.

    The last element is marked ``corrupt`` if the walk hit a bad header;
    an empty heap (both 0 before the first malloc) gives [].
    """
    chunks: list[HeapChunk] = []
    addr = heap_start
    bad_bits = 6 if legacy else 4
    min_size = LEGACY_CHUNK_MIN_SIZE if legacy else CHUNK_MIN_SIZE
    while addr < heap_end and len(chunks) < limit:
        header = read_u32(addr) & 0xFFFFFFFF
        size = header & ~7 & 0xFFFFFFFF
        in_use = bool(header & CHUNK_IN_USE_BIT)
        prev_free = not legacy and bool(header & CHUNK_PREV_FREE_BIT)
        if header & bad_bits or size < min_size or size > heap_end - addr:
            chunks.append(HeapChunk(addr, header, 0, in_use, corrupt=True, prev_free=prev_free))
            break
        if in_use or legacy:
            chunks.append(HeapChunk(addr, header, size, in_use, prev_free=prev_free))
        elif addr + size == heap_end:
            chunks.append(HeapChunk(addr, header, size, False, prev_free=prev_free,
                                    footer=read_u32(addr + size - 4) & 0xFFFFFFFF, top=True))
        else:
            chunks.append(HeapChunk(addr, header, size, False, prev_free=prev_free,
                                    next_free=read_u32(addr + 4) & 0xFFFFFFFF,
                                    prev_link=read_u32(addr + 8) & 0xFFFFFFFF,
                                    footer=read_u32(addr + size - 4) & 0xFFFFFFFF))
        addr += size
    return chunks


def heap_problems(chunks: list[HeapChunk], bins: list[int] | None, heap_end: int) -> list[str]:
    """What the boundary tags and the free lists say that does not add up.

    ``bins`` are the values of ``__heap_bins`` (None when they cannot be read).
    Each line names the chunk and the rule it breaks (src/malloc.c): bit 1
    must say whether the chunk before is free, two free chunks are never
    neighbours, a free chunk's footer repeats its size, each free chunk but
    the top is on its bin's list exactly once, and the links agree both ways.
    The lists are only checked when the walk reached ``heap_end`` (no
    corrupt header, no limit), since a chunk it did not see may be on them.
    """
    out: list[str] = []
    sane = [c for c in chunks if not c.corrupt]
    if not sane or sane[-1].address + sane[-1].size != heap_end:
        bins = None
    before: HeapChunk | None = None
    for c in sane:
        was_free = before is not None and not before.in_use
        if c.prev_free != was_free:
            out.append(f"{c.address:#010x}: bit 1 of its header says the chunk before is "
                       f"{'free' if c.prev_free else 'in use'}, but it is {'free' if was_free else 'in use'}")
        if was_free and not c.in_use:
            out.append(f"{c.address:#010x}: two free chunks side by side (free merges them)")
        if not c.in_use and c.footer is not None and c.footer != c.size:
            out.append(f"{c.address:#010x}: footer {c.footer:#x} is not the chunk size {c.size:#x}")
        before = c
    if bins is None:
        return out
    free = {c.address: c for c in sane if not c.in_use and not c.top}
    seen: dict[int, int] = {}
    for index, first in enumerate(bins):
        prev, addr, steps = 0, first, 0
        while addr and steps <= len(free):
            chunk = free.get(addr)
            if chunk is None:
                out.append(f"bin {index}: {addr:#010x} is not a free chunk in a bin")
                break
            if addr in seen:
                out.append(f"bin {index}: {addr:#010x} is on a list twice (a loop)")
                break
            seen[addr] = index
            if bin_of(chunk.size) != index:
                out.append(f"bin {index}: {addr:#010x} has {chunk.size} bytes, which belong in bin {bin_of(chunk.size)}")
            if chunk.prev_link != prev:
                out.append(f"bin {index}: {addr:#010x} says its previous is {chunk.prev_link or 0:#010x}, "
                           f"not {prev:#010x}")
            prev, addr, steps = addr, chunk.next_free or 0, steps + 1
    for addr in free:
        if addr not in seen:
            out.append(f"{addr:#010x}: free, but on no bin's list (malloc cannot find it)")
    return out
