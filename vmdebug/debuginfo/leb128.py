"""LEB128 numbers, as DWARF encodes them (DWARF 5, 7.6).

One decoder for every reader of DWARF bytes here: location expressions
(:mod:`.location`), line programs (:mod:`.lines`) and the descriptions of
``info scope`` (:mod:`.describe`).  A number the data ends inside raises
IndexError; each caller turns that into its own complaint.
"""
from __future__ import annotations


def uleb128(data: bytes, pos: int) -> tuple[int, int]:
    """The unsigned LEB128 at ``pos``: (value, position after it)."""
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos


def sleb128(data: bytes, pos: int) -> tuple[int, int]:
    """The signed LEB128 at ``pos``: (value, position after it)."""
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            if b & 0x40:
                result -= 1 << shift
            return result, pos
