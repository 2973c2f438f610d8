"""The heap of the vmdebug libc, chunk by chunk (layout: vmdebug/libc/src/malloc.c).

Each chunk is a 4-byte header (size including the header, a multiple of 8,
bit 0 = in use, bit 1 = the chunk before is free) then the payload malloc
returned (8-byte aligned).  The walk goes from ``__heap_start`` to
``__heap_end`` with :func:`vmdebug.libc.heap.walk_heap`, which stops at a
corrupt header.  A free chunk shows its bin and its links instead of a
preview (its first bytes are those links), and the free lists are drawn
from ``__heap_bins`` under the table, so what malloc will hand out next is
on the screen; whatever in the tags and links does not add up is said last.
"""
from __future__ import annotations

from typing import Callable

from vmdebug.libc import HEAP_BIN_COUNT
from vmdebug.libc.heap import HeapChunk, bin_of, bin_sizes, heap_problems, walk_heap

PREVIEW = 8


def _preview(data: bytes) -> str:
    hexs = " ".join(f"{b:02x}" for b in data)
    text = "".join(chr(b) if 32 <= b < 127 else "." for b in data)
    return f"{hexs:<{PREVIEW * 3}} {text}"


def _links(c: HeapChunk) -> str:
    """What stands in a free chunk's preview column: its bin and its links."""
    if c.top:
        return "top: in no bin, malloc carves new chunks from it"
    nxt = f"{c.next_free:#010x}" if c.next_free else "none (last)"
    prev = f"{c.prev_link:#010x}" if c.prev_link else "none (first)"
    return f"bin {bin_of(c.size)}, next {nxt}, prev {prev}"


def _bins(read: Callable[[int, int], bytes | None], bins_sym: int) -> list[int] | None:
    raw = read(bins_sym, 4 * HEAP_BIN_COUNT)
    if raw is None:
        return None
    return [int.from_bytes(raw[i:i + 4], "little") for i in range(0, len(raw), 4)]


def _free_lists(chunks: list[HeapChunk], bins: list[int]) -> list[str]:
    by_address = {c.address: c for c in chunks if not c.corrupt and not c.in_use and not c.top}
    out = []
    for index, first in enumerate(bins):
        if not first:
            continue
        names, addr = [], first
        while addr and len(names) <= len(by_address):
            names.append(f"{addr:#010x}")
            chunk = by_address.get(addr)
            addr = (chunk.next_free or 0) if chunk is not None else 0
        out.append(f"  bin {index} ({bin_sizes(index)}): {' -> '.join(names)}")
    return out or ["  (every bin is empty)"]


def heap_view(read: Callable[[int, int], bytes | None], start_sym: int | None, end_sym: int | None,
              brk: int, bins_sym: int | None = None) -> list[str]:
    """The ``heap`` command's lines.  ``bins_sym`` is the address of ``__heap_bins``; a
    program linked with the first libc has none, and its heap is walked by that libc's rules."""
    if start_sym is None or end_sym is None:
        return ["No heap to show: the program does not use the vmdebug libc's malloc "
                "(no __heap_start / __heap_end symbols)."]
    raw_s, raw_e = read(start_sym, 4), read(end_sym, 4)
    if raw_s is None or raw_e is None:
        return ["Cannot read __heap_start / __heap_end."]
    start, end = int.from_bytes(raw_s, "little"), int.from_bytes(raw_e, "little")
    if start == 0:
        return ["The heap is empty: malloc has not been called yet (__heap_start is 0).",
                f"program break: {brk:#010x}"]

    def read_u32(a: int) -> int:
        d = read(a, 4)
        return int.from_bytes(d, "little") if d is not None else 0
    legacy = bins_sym is None
    chunks = walk_heap(read_u32, start, end, legacy=legacy)
    used = sum(c.size for c in chunks if c.in_use and not c.corrupt)
    out = [f"heap {start:#010x} - {end:#010x} ({end - start} bytes: {used} in use), program break {brk:#010x}",
           f"{'chunk':<10}  {'header':<10}  {'size':>6}  {'state':<7}  {'payload':<10}  {'usable':>6}  preview"]
    for c in chunks:
        if c.corrupt:
            out.append(f"{c.address:#010x}  {c.header:#010x}  {'?':>6}  CORRUPT  "
                       f"header is not a valid size (below {8 if legacy else 16}, not a multiple of 8 or past "
                       f"the heap end): the walk stops (malloc would abort)")
            break
        state = "in use" if c.in_use else "free"
        if c.in_use or legacy:
            data = read(c.payload, min(PREVIEW, c.payload_size)) or b""
            shown = _preview(data)
        else:
            shown = _links(c)
        out.append(f"{c.address:#010x}  {c.header:#010x}  {c.size:>6}  {state:<7}  {c.payload:#010x}  "
                   f"{c.payload_size:>6}  {shown}")
    if legacy:
        out.append("usable = payload bytes: the request plus 0..7 bytes of padding (sizes round up to 8)")
    else:
        out.append("usable = payload bytes: the request plus its padding (sizes round up to 8, and to 16 at least)")
        out.append("header bit 0 (0x1): in use; bit 1 (0x2): the chunk before is free, and its last 4 bytes "
                   "(its footer) hold its size")
        bins = _bins(read, bins_sym)
        if bins is None:
            out.append("Cannot read __heap_bins (the free lists).")
        else:
            out.append("free lists (__heap_bins; a free chunk's next and prev are at +4 and +8):")
            out.extend(_free_lists(chunks, bins))
        out.extend(f"problem: {p}" for p in heap_problems(chunks, bins, end))
    if end < brk:
        out.append(f"{brk - end} bytes between the heap end and the break (moved by the program itself)")
    return out
