"""The framing of a session file's records, and reading them within bounds.

A record is a tag, a length, a CRC32 and a payload (see :mod:`events.session`).
Payloads are msgpack, often zlib-compressed; everything here refuses to let a
small hostile payload become a large allocation: msgpack containers are limited
one by one and in total, and inflation is limited before it happens.
"""
from __future__ import annotations

import struct
import zlib
from typing import Any

import msgpack

_REC = struct.Struct("<2sII")
_TRAILER = struct.Struct("<Q8s")
MAX_RECORD = 256 << 20         # no honest record comes near this
MAX_CHUNK_EVENTS = 1 << 20    # the writer seals every 64k events; one step rarely adds many
MAX_CHUNK_STEPS = 1 << 28     # ... and every 64k steps; older writers made one chunk of a long
                              # spin (``jmp .``), and empty steps cost no memory once read
#: Event columns compress about 30x (planes of similar bytes); beyond this they are a bomb.
COLS_RATIO = 256
#: Headers (code, sources, DWARF) compress a few times at most.
HEADER_RATIO = 200
#: The zlib level of everything a session compresses (header, event columns, checkpoints),
#: chosen by measurement: level 3 compresses real sessions at a third of level 6's CPU time
#: for about a fifth more bytes; levels 1 and 2 take as long as 3 and write more, 4 and 5
#: twice as long for 5-10% less, 7-9 up to three times as long for under 7% less
#: (benchmarks/bench_zlib_levels.py, docs/performance.md).  Readers accept any level.
ZLIB_LEVEL = 3


def _deflate(raw: bytes) -> bytes:
    """``raw`` compressed at :data:`ZLIB_LEVEL`: the one place a session's bytes are deflated,
    so the same content gives the same bytes (for a given zlib build: docs/session-format.md)."""
    return zlib.compress(raw, ZLIB_LEVEL)


def _pack(obj: Any) -> bytes:
    return msgpack.packb(obj, use_bin_type=True, strict_types=False)


#: Limits on what one record may unpack to: no honest record comes near them, and
#: they keep a small hostile file from becoming gigabytes of Python objects.
MAX_CONTAINER_LEN = 1 << 20
MAX_CONTAINERS = 1 << 21


def _unpack(data: bytes) -> Any:
    # unpackb bounds every string and bin by len(data) and refuses nesting deeper than
    # its fixed stack (StackError); arrays and maps are bounded here, one by one and in
    # total (an empty map is one byte on disk and ~64 in memory).
    budget = [MAX_CONTAINERS]

    def count(obj: Any) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise ValueError(f"more than {MAX_CONTAINERS} arrays and maps")
        return obj
    return msgpack.unpackb(data, raw=False, strict_map_key=False, use_list=True,
                           max_array_len=MAX_CONTAINER_LEN, max_map_len=MAX_CONTAINER_LEN,
                           list_hook=count, object_hook=count)


def _inflate(payload: bytes, limit: int) -> bytes:
    """zlib data that must not inflate past ``limit`` bytes (a small bomb is refused
    before it costs memory)."""
    inflater = zlib.decompressobj()
    raw = inflater.decompress(payload, limit)
    if inflater.unconsumed_tail:
        raise ValueError(f"inflates past {limit} bytes")
    return raw


def _limit(compressed: int, ratio: int) -> int:
    """How far ``compressed`` bytes of a kind of data may honestly inflate."""
    return min(MAX_RECORD, (1 << 20) + ratio * compressed)


def _record(tag: bytes, payload: bytes) -> bytes:
    return _REC.pack(tag, len(payload), zlib.crc32(payload)) + payload
