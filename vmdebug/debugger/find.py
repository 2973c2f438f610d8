"""gdb's ``find``: search memory for a sequence of bytes (gdb/findcmd.c, and the
search itself gdbsupport/search.cc ``simple_search_memory``; manual "Searching Memory").

The pattern is built as gdb builds it: with a size letter (b h w g) each value is
taken as an integer (``value_as_long``) and written in that many little-endian bytes;
without one, each value contributes its own bytes, as many as its type is long (an
``int`` literal 4, ``'a'`` 1, ``"hi"`` 3 with its NUL, a variable or array all of its
bytes).

Memory is read as gdb reads it, in chunks of 16000 bytes (plus the pattern's length
less one): a chunk with any byte the process cannot read ends the search with gdb's
warning, even when the pattern lies in the readable part before it - a match past
the first unmapped byte, or before it in the same chunk, is not reported, exactly
as gdb 13 does not report it on a native process.

Replay: the memory searched is the recorded process's at the cursor (as ``x`` reads
it); after the exit it is the program file's sections, as gdb's exec target gives.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from vmdebug.debugger.values import DebugError, Value

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

#: gdbsupport/search.h SEARCH_CHUNK_SIZE.
SEARCH_CHUNK_SIZE = 16000
#: The size letters (findcmd.c parse_find_args) and their widths in bytes.
SIZES = {"b": 1, "h": 2, "w": 4, "g": 8}
#: gdb's CORE_ADDR is 64 bits wide even for an i386 inferior (defs.h).
CORE_ADDR_MAX = (1 << 64) - 1

Reader = Callable[[int, int], "bytes | None"]


def _flags(text: str) -> tuple[str, int | None, str]:
    """The ``/SIZE`` and ``/COUNT`` before the addresses, in either order, together or
    apart (``/2b``, ``/b /2``): the size letter ("" = by type), the count (None: no
    limit), and the rest."""
    size, count, s = "", None, text
    while s.startswith("/"):
        s = s[1:]
        while s and s[0] != "/" and not s[0].isspace():
            if s[0].isdigit():
                digits = len(s) - len(s.lstrip("0123456789"))
                count = int(s[:digits])          # atoi
                s = s[digits:]
                continue
            if s[0] not in SIZES:
                raise DebugError("Invalid size granularity.")
            size, s = s[0], s[1:]
        s = s.lstrip()
    return size, count, s


def _required(expr: str) -> str:
    """parse_to_comma_and_eval of nothing: gdb's parser's complaint."""
    if not expr.strip():
        raise DebugError("Argument required (expression to compute).")
    return expr


def _evaluate(dbg: "Debugger", expr: str) -> Value:
    return dbg.evaluate(_required(expr))


def as_long(dbg: "Debugger", v: Value) -> int:
    """gdb's value_as_long: an array in memory is its address (coerce_array), a function
    its code address, a float truncated, a struct, union or void refused (unpack_long)."""
    from vmdebug.debugger import evaluate as EV
    t = v.type.strip()
    if t.kind == "error":
        raise DebugError(f"'{v.name}' has unknown type; cast it to its declared type")
    if t.kind in ("struct", "union", "void"):
        raise DebugError("Value can't be converted to integer.")
    v = EV.rvalue(dbg.context(), v)          # arrays and functions decay to their address
    return EV.as_int(v)


def as_address(dbg: "Debugger", v: Value) -> int:
    """gdb's value_as_address: value_as_long as a 64-bit CORE_ADDR (unlike ``x``, a struct
    is refused, not taken at its address; -1 is 0xffffffffffffffff, beyond i386 memory)."""
    return as_long(dbg, v) & CORE_ADDR_MAX


def value_bytes(dbg: "Debugger", v: Value) -> bytes:
    """A value's contents, as many bytes as its type is long (findcmd.c: ``value_contents``
    over ``type->length ()``): a function's first byte of code; ``$nosuch`` (void, one
    byte in gdb) a zero."""
    from vmdebug.debugger import evaluate as EV
    t = v.type.strip()
    if t.kind == "error":
        raise DebugError(f"'{v.name}' has unknown type; cast it to its declared type")
    if t.kind == "void":
        return bytes(1)                 # gdb's void is one byte long, its contents zero
    if t.kind == "func":
        addr = v.code_address if v.code_address is not None else v.address or 0
        return dbg.memory.read(addr, 1)
    data = EV.fetch(dbg.context(), v)
    return data[:t.length].ljust(t.length, b"\0")


def parse_find_args(dbg: "Debugger", args: str) -> tuple[bytes, int | None, int, int] | None:
    """findcmd.c parse_find_args: (pattern, max count, start, length), or None for an
    empty ``+0`` range (gdb says "Empty search range." and searches nothing)."""
    from vmdebug.debugger.printf import split_arguments
    text = args.strip()
    if not text:
        raise DebugError("Missing search parameters.")
    size, count, text = _flags(text)
    pieces = split_arguments(text) or [""]
    start = as_address(dbg, _evaluate(dbg, pieces[0]))
    span = pieces[1].strip() if len(pieces) > 1 else ""
    if span.startswith("+"):
        n = as_long(dbg, _evaluate(dbg, span[1:]))
        if n == 0:
            dbg.write("Empty search range.")
            return None
        if n < 0:
            raise DebugError("Invalid length.")
        if n > CORE_ADDR_MAX or start + n - 1 > CORE_ADDR_MAX:
            raise DebugError("Search space too large.")
        length = n
    else:
        end = as_address(dbg, _evaluate(dbg, span))
        if start > end:
            raise DebugError("Invalid search space, end precedes start.")
        length = end - start + 1
    values = pieces[2:]
    if values and not values[-1].strip():        # a comma that ends the line ends the list
        values = values[:-1]
    pattern = bytearray()
    for i, expr in enumerate(values):
        if not expr.strip():            # ",," : the parser meets the second comma
            rest = ",".join(values[i + 1:])
            raise DebugError(f"A syntax error in expression, near `,{rest}'.")
        v = dbg.evaluate(expr)
        if size:
            width = SIZES[size]
            pattern += (as_long(dbg, v) & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
        else:
            pattern += value_bytes(dbg, v)
    if not pattern:
        raise DebugError("Missing search pattern.")
    if length < len(pattern):
        raise DebugError("Search space too small to contain pattern.")
    return bytes(pattern), count, start, length


def simple_search_memory(dbg: "Debugger", read: Reader, start: int, length: int, pattern: bytes) -> int | None:
    """gdbsupport/search.cc simple_search_memory: the first match at or after ``start``
    within ``length`` bytes, None if there is none, or -1 after gdb's warning when a chunk
    cannot be read whole (the search halts there)."""
    plen = len(pattern)
    buf_size = min(SEARCH_CHUNK_SIZE + plen - 1, length)
    buf = read(start, buf_size)
    if buf is None:
        dbg.error(f"warning: Unable to access {buf_size} bytes of target memory at {start:#x}, halting search.")
        return -1
    while length >= plen:
        n = min(length, buf_size)
        at = buf.find(pattern, 0, n)
        if at >= 0:
            return start + at
        length = length - SEARCH_CHUNK_SIZE if length >= SEARCH_CHUNK_SIZE else 0
        if length >= plen:
            keep = buf_size - SEARCH_CHUNK_SIZE          # == plen - 1
            read_addr = start + SEARCH_CHUNK_SIZE + keep
            nr = min(length - keep, SEARCH_CHUNK_SIZE)
            more = read(read_addr, nr)
            if more is None:
                dbg.error(f"warning: Unable to access {nr} bytes of target memory at {read_addr:#x}, "
                          "halting search.")
                return -1
            buf = buf[SEARCH_CHUNK_SIZE:SEARCH_CHUNK_SIZE + keep] + more
            start += SEARCH_CHUNK_SIZE
    return None


def find(dbg: "Debugger", args: str) -> None:
    """findcmd.c find_command: each match printed as ``print_address`` prints it, then the
    count; ``$numfound`` set to it (an int) and, after a match, ``$_`` to the last one
    (a ``void *``); a search with no match leaves ``$_`` as it was."""
    from vmdebug.debugger.evaluate import make_int
    from vmdebug.debuginfo import ctype as T
    parsed = parse_find_args(dbg, args)
    pattern, count, start, length = parsed if parsed is not None else (b"", 0, 0, 0)

    def read(addr: int, n: int) -> bytes | None:
        """target_read of the whole range, or None: past 4 GiB nothing is readable (the
        64-bit CORE_ADDR goes on where the i386 address space ends)."""
        if addr + n > 1 << 32:
            return None
        data, bad = dbg.memory.try_read(addr, n)
        return data if bad is None else None

    found, last = 0, 0
    while length >= len(pattern) and (count is None or found < count):
        at = simple_search_memory(dbg, read, start, length, pattern)
        if at is None or at < 0:
            break
        label = dbg.label(at)
        dbg.write(f"{at:#x}" + (f" {label}" if label else ""))
        found += 1
        last = at
        step = at - start + 1
        length = length - step if length >= step else 0
        start += step
    dbg.convenience["numfound"] = make_int(T.INT, found)
    if found:
        dbg.convenience["_"] = make_int(T.pointer_to(T.VOID), last)
    dbg.write("Pattern not found." if not found else f"{found} pattern{'s' if found > 1 else ''} found.")
