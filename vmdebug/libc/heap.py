"""Walking the vmdebug libc's heap from outside the process (for ``heap``).

The layout is the one drawn in ``src/malloc.c``: from the address stored in
the global ``__heap_start`` to the one in ``__heap_end``, chunks follow each
other with no gaps; each starts with a 4-byte little-endian header holding
the chunk size (header included, a multiple of 8) with bit 0 = in use; the
payload (what malloc returned) starts 4 bytes after the header.

The walk never trusts a header blindly: a heap overflow may have destroyed
one (see examples/heap_overflow.c).  A header whose size is below 8, not a
multiple of 8 or runs past the heap end stops the walk and is reported as a
corrupt chunk, just as malloc itself would report it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vmdebug.libc import CHUNK_HEADER_SIZE, CHUNK_IN_USE_BIT, CHUNK_MIN_SIZE


@dataclass(frozen=True, slots=True)
class HeapChunk:
    """One chunk: where its header is, what the header says, and whether it is sane."""

    address: int        # of the header
    header: int         # the raw 32-bit header word
    size: int           # header & ~7 (0 if corrupt)
    in_use: bool
    corrupt: bool = False

    @property
    def payload(self) -> int:
        """The pointer malloc returned for this chunk."""
        return self.address + CHUNK_HEADER_SIZE

    @property
    def payload_size(self) -> int:
        """Usable bytes: the request plus 0..7 bytes of padding."""
        return max(self.size - CHUNK_HEADER_SIZE, 0)


def walk_heap(read_u32: Callable[[int], int], heap_start: int, heap_end: int,
              limit: int = 100_000) -> list[HeapChunk]:
    """The chunks between ``heap_start`` and ``heap_end`` (the values of
    ``__heap_start`` and ``__heap_end``), reading headers with ``read_u32``.

    The last element is marked ``corrupt`` if the walk hit a bad header;
    an empty heap (both 0 before the first malloc) gives [].
    """
    chunks: list[HeapChunk] = []
    addr = heap_start
    while addr < heap_end and len(chunks) < limit:
        header = read_u32(addr) & 0xFFFFFFFF
        size = header & ~7 & 0xFFFFFFFF
        if header & 6 or size < CHUNK_MIN_SIZE or size > heap_end - addr:
            chunks.append(HeapChunk(addr, header, 0, bool(header & CHUNK_IN_USE_BIT), corrupt=True))
            break
        chunks.append(HeapChunk(addr, header, size, bool(header & CHUNK_IN_USE_BIT)))
        addr += size
    return chunks
