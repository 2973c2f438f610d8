"""The heap of the vmdebug libc, chunk by chunk (layout: vmdebug/libc/src/malloc.c).

Each chunk is a 4-byte header (size including the header, a multiple of 8,
bit 0 = in use) then the payload malloc returned (8-byte aligned).  The walk
goes from ``__heap_start`` to ``__heap_end`` with
:func:`vmdebug.libc.heap.walk_heap`, which stops at a corrupt header.
"""
from __future__ import annotations

from typing import Callable

from vmdebug.libc.heap import walk_heap

PREVIEW = 8


def _preview(data: bytes) -> str:
    hexs = " ".join(f"{b:02x}" for b in data)
    text = "".join(chr(b) if 32 <= b < 127 else "." for b in data)
    return f"{hexs:<{PREVIEW * 3}} {text}"


def heap_view(read: Callable[[int, int], bytes | None], start_sym: int | None, end_sym: int | None,
              brk: int) -> list[str]:
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
    chunks = walk_heap(read_u32, start, end)
    used = sum(c.size for c in chunks if c.in_use and not c.corrupt)
    out = [f"heap {start:#010x} - {end:#010x} ({end - start} bytes: {used} in use), program break {brk:#010x}",
           f"{'chunk':<10}  {'header':<10}  {'size':>6}  {'state':<7}  {'payload':<10}  {'usable':>6}  preview"]
    for c in chunks:
        if c.corrupt:
            out.append(f"{c.address:#010x}  {c.header:#010x}  {'?':>6}  CORRUPT  "
                       f"header is not a valid size (below 8, not a multiple of 8 or past the heap end): "
                       f"the walk stops (malloc would abort)")
            break
        data = read(c.payload, min(PREVIEW, c.payload_size)) or b""
        state = "in use" if c.in_use else "free"
        out.append(f"{c.address:#010x}  {c.header:#010x}  {c.size:>6}  {state:<7}  {c.payload:#010x}  "
                   f"{c.payload_size:>6}  {_preview(data)}")
    out.append("usable = payload bytes: the request plus 0..7 bytes of padding (sizes round up to 8)")
    if end < brk:
        out.append(f"{brk - end} bytes between the heap end and the break (moved by the program itself)")
    return out
