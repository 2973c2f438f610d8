"""Values of the debugged program, the errors commands raise, and the formats of ``x``.

A :class:`Value` is typed by the program's DWARF (:mod:`vmdebug.debuginfo.ctype`);
how one prints is :mod:`vmdebug.debuginfo.valprint`.  The helpers below format
the raw memory units of ``x/FMT`` and registers, as gdb 13 does on i386
(gdb/printcmd.c ``print_scalar_formatted``: ``/o`` prefixes 0, ``/t`` drops
leading zeros; characters as ``65 'A'``; ``$eflags`` as ``[ IF ZF ]``).
"""
from __future__ import annotations

from typing import Callable

from events.record import Record
from vmdebug.debuginfo.ctype import CType


class DebugError(Exception):
    """A command failed; the message is the one line gdb would print."""


class NotFoundError(DebugError):
    """gdb's NOT_FOUND_ERROR: a location names no function, file or line (``break`` then
    offers a pending breakpoint)."""


class AfterValueError(DebugError):
    """An error gdb meets while printing a value it has already recorded in the history
    and announced with ``$N = `` (the message follows on the same line)."""


class QuitRequest(Exception):
    """``quit``: the front end ends the session."""


class Value(Record):
    """A value of the debugged program, as gdb's struct value (gdb/value.h).

    ``lval`` says where it came from: "memory" (at ``address``; a bit-field
    also has ``bitpos``/``bitsize`` from that address), "register" (``regno``
    in the frame the expression was evaluated in), or "none" (computed).
    Contents are read when first needed (gdb's lazy values), so ``&arr`` or
    ``sizeof arr`` never touch memory; ``optimized_out`` marks a value the
    debug information cannot locate here."""

    def __init__(self, type: CType, data: bytes | None = None, lval: str = "none", address: int | None = None,
                 regno: int | None = None, bitpos: int = 0, bitsize: int = 0, optimized_out: bool = False,
                 name: str = "", code_address: int | None = None, valid: bytes | None = None,
                 synthetic: tuple[tuple[int, int, int, int], ...] = ()) -> None:
        self.type = type
        self.data = data
        self.lval = lval
        self.address = address
        self.regno = regno
        self.bitpos = bitpos
        self.bitsize = bitsize
        self.optimized_out = optimized_out
        self.name = name
        self.code_address = code_address  # a function: where its code starts
        # Per byte of ``data``, whether it exists (None: all do): a value assembled from
        # DWARF pieces can lack some (0), which print as <optimized out> (gdb's value
        # optimized_out ranges); a byte of an implicit pointer is 2: it reads as zero,
        # yet the pointer prints as <synthetic pointer> (dwarf2/expr.c rw_pieced_value).
        self.valid = valid
        # The implicit pointers among the bytes: (start, size, DIE offset, byte offset),
        # which ``*`` follows to the object the DIE describes, in the selected frame
        # (dwarf2/expr.c indirect_pieced_value).
        self.synthetic = synthetic

    def part(self, t: CType, offset: int) -> "Value":
        """The ``t`` at byte ``offset`` of this value's contents (a member or element of a
        value not in memory), keeping which of its bytes exist."""
        assert self.data is not None
        data = self.data[offset:offset + t.length]
        if self.valid is None:
            return Value(t, data, self.lval, None if self.address is None else self.address + offset)
        valid = self.valid[offset:offset + t.length]
        if t.length and not any(valid):
            return Value(t, optimized_out=True)
        synthetic = tuple((start - offset, size, die, off) for start, size, die, off in self.synthetic
                          if offset <= start and start + size <= offset + t.length)
        return Value(t, data, self.lval, None if self.address is None else self.address + offset,
                     valid=None if all(b == 1 for b in valid) else valid, synthetic=synthetic)

    @property
    def value(self) -> int:
        """The value as a Python int (signed per its type); only for scalars with contents."""
        from vmdebug.debugger.evaluate import as_int
        return as_int(self)

    @property
    def unsigned(self) -> int:
        size = max(self.type.length, 1)
        return self.value & ((1 << (8 * size)) - 1)


#: EFLAGS bits as gdb's i386 target description names them (features/i386/32bit-core.xml;
#: Intel SDM Vol. 1, 3.4.3: bit 1 is reserved, always 1, and has no name).
EFLAGS_FIELDS = (("CF", 0), ("", 1), ("PF", 2), ("AF", 4), ("ZF", 6), ("SF", 7), ("TF", 8), ("IF", 9),
                 ("DF", 10), ("OF", 11), ("NT", 14), ("RF", 16), ("VM", 17), ("AC", 18), ("VIF", 19),
                 ("VIP", 20), ("ID", 21))
EFLAGS_BITS = tuple((bit, name) for name, bit in EFLAGS_FIELDS if name)


def eflags_text(v: int) -> str:
    """gdb's ``[ IF ZF ]`` (i386 flags type, in bit order)."""
    names = [n for bit, n in EFLAGS_BITS if v >> bit & 1]
    return "[ " + " ".join(names) + (" ]" if names else "]")


_ESC = {7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v", 27: "\\033",
        39: "\\'", 92: "\\\\"}


def char_repr(c: int, quote: str = "'") -> str:
    """A byte as gdb writes it inside quotes: ``h``, ``\\n``, ``\\000``, ``\\310``."""
    c &= 0xFF
    if c in _ESC and not (quote == '"' and c == 39):
        return _ESC[c]
    if quote == '"' and c == 34:
        return '\\"'
    if 32 <= c < 127:
        return chr(c)
    return f"\\{c:03o}"


def char_text(v: int) -> str:
    """``104 'h'`` (gdb prints the value, then the character)."""
    sv = v & 0xFF
    sv = sv - 256 if sv >= 128 else sv
    return f"{sv} '{char_repr(v)}'"


def string_text(data: bytes, limit: int = 200) -> str:
    """A C string as gdb's ``x/s`` and ``print`` show it (up to 200 characters, then ``...``)."""
    end = data.find(b"\0")
    s = data if end < 0 else data[:end]
    more = len(s) > limit or end < 0
    body = "".join(char_repr(b, '"') for b in s[:limit])
    return f'"{body}"' + ("..." if more else "")


def format_int(v: int, size: int, fmt: str, label: Callable[[int], str] | None = None) -> str:
    """One integer in a gdb output format letter: x d u o t c a z (and 'd' for signed)."""
    bits = 8 * size
    u = v & ((1 << bits) - 1)
    if fmt == "x":
        return f"{u:#x}"
    if fmt == "z":
        return "0x" + format(u, f"0{size * 2}x")
    if fmt == "d":
        return str(u - (1 << bits) if u >> (bits - 1) else u)
    if fmt == "u":
        return str(u)
    if fmt == "o":
        return f"0{u:o}" if u else "0"
    if fmt == "t":
        return format(u, "b")
    if fmt == "c":
        return char_text(u)
    if fmt == "a":
        lab = label(u) if label else ""
        return f"{u:#x}" + (f" {lab}" if lab else "")
    raise DebugError(f"Undefined output format \"{fmt}\".")


