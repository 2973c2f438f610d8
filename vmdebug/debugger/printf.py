"""gdb's ``printf``: the format string's pieces and how each argument is converted.

The pieces follow gdbsupport/format.cc (``format_pieces``): C89 conversions plus ``ll``
and ``z`` (gdb 13's printf has no ``%V``), each classed by the argument it takes.  The conversions follow
printcmd.c (``ui_printf``), which hands each piece to the host's printf: gdb 13 on x86-64,
so ``%ld`` and ``%zu`` take 64-bit values, ``%d`` a 32-bit int, and ``%f`` of a value whose
size is a float's reads its bytes as that float (``printf_floating``).  The integer
conversions are written out here, where Python's ``%`` differs from C (``%#o``, ``%u``,
a precision on an integer).
"""
from __future__ import annotations

import math
import struct
from typing import TYPE_CHECKING, Callable

from vmdebug.debugger.values import DebugError, Value

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

# format.cc's escapes in the format string.
_ESCAPES = {"\\": "\\", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
            "v": "\v", '"': '"'}


class Piece:
    """A literal run, or one conversion: its flags, width, precision and the argument class
    format.cc gives it (``int``, ``long``, ``long_long``, ``size_t``, ``double``,
    ``long_double``, ``string``, ``ptr``)."""

    __slots__ = ("text", "argclass", "flags", "width", "prec", "h", "conv")

    def __init__(self, text: str, argclass: str = "literal", flags: str = "", width: int = 0,
                 prec: int | None = None, h: bool = False, conv: str = "") -> None:
        self.text = text
        self.argclass = argclass
        self.flags = flags
        self.width = width
        self.prec = prec
        self.h = h
        self.conv = conv


def _unescape(text: str) -> tuple[str, str]:
    """The format string up to its closing quote, escapes done, and what follows the quote
    (from the quote itself; empty if there is none)."""
    out: list[str] = []
    i = 0
    while i < len(text) and text[i] != '"':
        c = text[i]
        i += 1
        if c == "\\":
            e = text[i] if i < len(text) else "\0"
            i += 1
            if e not in _ESCAPES:
                raise DebugError(f"Unrecognized escape character \\{e} in format string.")
            out.append(_ESCAPES[e])
        else:
            out.append(c)
    return "".join(out), text[i:]


def pieces(fmt: str) -> list[Piece]:
    """format.cc's ``format_pieces`` over an unescaped format string."""
    out: list[Piece] = []
    literal: list[str] = []
    i, n = 0, len(fmt)
    while i < n:
        c = fmt[i]
        i += 1
        if c != "%":
            literal.append(c)
            continue
        if i < n and fmt[i] == "%":
            literal.append("%")
            i += 1
            continue
        if literal:
            out.append(Piece("".join(literal)))
            literal = []
        start = i - 1
        flags = ""
        while i < n and fmt[i] in "0-+ #":
            flags += fmt[i]
            i += 1
        w = i
        while i < n and fmt[i].isdigit():
            i += 1
        width = int(fmt[w:i]) if i > w else 0
        prec = None
        if i < n and fmt[i] == ".":
            i += 1
            p = i
            while i < n and fmt[i].isdigit():
                i += 1
            prec = int(fmt[p:i]) if i > p else 0
        lcount, big_l, h, size_t = 0, False, False, False
        mod = fmt[i] if i < n else ""
        if mod == "h":
            h, i = True, i + 1
        elif mod == "l":
            i += 1
            lcount = 1
            if i < n and fmt[i] == "l":
                i, lcount = i + 1, 2
        elif mod == "L":
            big_l, i = True, i + 1
        elif mod == "z":
            size_t, i = True, i + 1
        elif mod in ("H", "D"):
            raise DebugError("Decimal floating-point formats are not supported in printf.")
        conv = fmt[i] if i < n else ""
        bad = False
        if conv in "uoxXdi" and conv:
            if conv == "u" and "#" in flags:
                bad = True
            if conv in "uoxX" and (" " in flags or "+" in flags):
                bad = True
            argclass = "size_t" if size_t else ("int", "long", "long_long")[lcount]
            bad = bad or big_l
        elif conv == "c":
            if lcount:
                raise DebugError("Wide characters are not supported in printf.")
            argclass = "int"
            bad = h or big_l or prec is not None or bool(set(flags) & set("0 +"))
        elif conv == "p":
            argclass = "ptr"
            bad = bool(lcount) or h or big_l or prec is not None or bool(set(flags) & set("#0 +"))
        elif conv == "s":
            if lcount:
                raise DebugError("Wide strings are not supported in printf.")
            argclass = "string"
            bad = h or big_l or bool(set(flags) & set("0 +"))
        elif conv and conv in "efgEG":
            argclass = "long_double" if big_l else "double"
            bad = bool(lcount) or h
        elif conv == "*":
            raise DebugError("`*' not supported for precision or width in printf")
        elif conv == "n":
            raise DebugError("Format specifier `n' not supported in printf")
        elif conv == "":
            raise DebugError("Incomplete format specifier at end of format string")
        else:
            raise DebugError(f"Unrecognized format specifier '{conv}' in printf")
        if bad:
            raise DebugError(f"Inappropriate modifiers to format specifier '{conv}' in printf")
        i += 1
        out.append(Piece(fmt[start:i], argclass, flags, width, prec, h, conv))
    if literal:
        out.append(Piece("".join(literal)))
    return out


def split_arguments(text: str) -> list[str]:
    """The arguments after the format, split at the commas outside brackets and quotes, as
    gdb's ``parse_to_comma_and_eval`` reads them one at a time."""
    args: list[str] = []
    depth, quote, start, i = 0, "", 0, 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            args.append(text[start:i])
            start = i + 1
        i += 1
    if text[start:].strip() or args:
        args.append(text[start:])
    return args


def _pad(body: str, width: int, left: bool) -> str:
    return body.ljust(width) if left else body.rjust(width)


def format_int(p: Piece, n: int, bits: int) -> str:
    """C's printf of an integer conversion (C11 7.21.6.1) on ``n`` taken as a ``bits``-bit
    argument (an ``h`` narrows it to a short, as the host's printf does)."""
    if p.h:
        bits = 16
    mask = (1 << bits) - 1
    conv = p.conv
    if conv == "c":
        return _pad(chr(n & 0xFF), p.width, "-" in p.flags)
    n &= mask
    sign = ""
    if conv in "di":
        if n >> (bits - 1):
            n -= 1 << bits
        if n < 0:
            sign, n = "-", -n
        elif "+" in p.flags:
            sign = "+"
        elif " " in p.flags:
            sign = " "
    digits = {"o": f"{n:o}", "x": f"{n:x}", "X": f"{n:X}"}.get(conv, str(n))
    if p.prec is not None:
        digits = "" if p.prec == 0 and n == 0 else digits.rjust(p.prec, "0")
    prefix = sign
    if "#" in p.flags:
        if conv == "o" and not digits.startswith("0"):
            digits = "0" + digits
        elif conv in "xX" and n:
            prefix += "0" + conv
    body = prefix + digits
    if "-" in p.flags:
        return body.ljust(p.width)
    if "0" in p.flags and p.prec is None:
        return prefix + digits.rjust(p.width - len(prefix), "0")
    return body.rjust(p.width)


def format_float(p: Piece, x: float) -> str:
    """C's printf of %e/%f/%g (Python's ``%`` follows C here, but prints no ``-nan``)."""
    spec = "%" + p.flags + (str(p.width) if p.width else "") + \
        ("" if p.prec is None else f".{p.prec}") + p.conv
    if math.isnan(x) and math.copysign(1.0, x) < 0:
        body = ("-NAN" if p.conv in "EG" else "-nan")
        return _pad(body, p.width, "-" in p.flags)
    return spec % x


def format_pointer(p: Piece, n: int) -> str:
    """printcmd.c ``printf_pointer``: ``%#llx``, or ``(nil)`` for 0, with the width."""
    n &= (1 << 64) - 1
    return _pad(f"{n:#x}" if n else "(nil)", p.width, "-" in p.flags)


def format_string(p: Piece, data: bytes) -> str:
    """%s of the bytes up to the first NUL; the precision and width count bytes, as C's.
    An array in memory is read from its address to a NUL, past its end if it has none, as
    gdb 13 reads it."""
    nul = data.find(b"\0")
    if nul >= 0:
        data = data[:nul]
    if p.prec is not None:
        data = data[:p.prec]
    text = data.decode("utf-8", "replace")
    return text + " " * (p.width - len(data)) if "-" in p.flags else " " * (p.width - len(data)) + text


def _float_from_bytes(data: bytes) -> float | None:
    """printf_floating: a value whose size is a float type's reads as that type."""
    from vmdebug.debugger.scalars import x87_to_float
    if len(data) == 4:
        return struct.unpack("<f", data)[0]
    if len(data) == 8:
        return struct.unpack("<d", data)[0]
    if len(data) == 12:                       # i386's long double
        return x87_to_float(data[:10])
    return None


def render(dbg: "Debugger", ps: list[Piece], values: list[Value], emit: Callable[[str], None]) -> None:
    """Each piece in turn through ``emit``: an error in one leaves the pieces before it
    printed, as gdb's ui_printf does."""
    from vmdebug.debugger import evaluate as EV
    ctx = dbg.context()

    def as_long(v: Value) -> int:
        """gdb's value_as_long: an array or function decays to its address."""
        t = v.type.strip()
        if t.kind in ("array", "func"):
            v = EV.coerce_array(ctx, v)
        elif t.kind not in ("int", "enum", "pointer", "float"):
            raise DebugError("Value can't be converted to integer.")
        EV.fetch(ctx, v)
        return EV.as_int(v)

    k = 0
    for p in ps:
        if p.argclass == "literal":
            emit(p.text)
            continue
        v = values[k]
        k += 1
        if p.argclass in ("int", "long", "long_long", "size_t"):
            emit(format_int(p, as_long(v), 32 if p.argclass == "int" else 64))
        elif p.argclass == "ptr":
            emit(format_pointer(p, as_long(v)))
        elif p.argclass in ("double", "long_double"):
            t = v.type.strip()
            data = EV.fetch(ctx, v)
            x = EV.as_float(v, data) if t.kind == "float" else _float_from_bytes(data)
            if x is None:
                x = float(as_long(v))
            emit(format_float(p, x))
        elif p.argclass == "string":
            t = v.type.strip()
            elt = t.target.strip() if t.kind == "array" and t.target is not None else None
            if elt is not None and elt.kind == "int" and elt.length == 1 and v.lval != "memory":
                data = EV.fetch(ctx, v)         # a string not in memory ("lit", $s): its bytes
            else:
                addr = as_long(v) & 0xFFFFFFFF
                if addr == 0:
                    emit(format_string(p, b"(null)"))
                    continue
                data = _read_c_string(dbg, addr)
            emit(format_string(p, data))


def _read_c_string(dbg: "Debugger", addr: int) -> bytes:
    """Bytes from ``addr`` to the NUL, as printf_c_string reads them (an unreadable byte is
    gdb's memory error)."""
    out = bytearray()
    while True:
        chunk = dbg.memory.read_string(addr + len(out), 4096)
        if chunk is None:
            raise DebugError(f"Cannot access memory at address {(addr + len(out)) & 0xFFFFFFFF:#x}")
        out += chunk
        if chunk.endswith(b"\0"):
            return bytes(out)


def _format_and_rest(arg: str) -> tuple[list[Piece], str]:
    """The format's pieces and the text after it (from the comma), with gdb's errors."""
    s = arg.strip()
    if not s:
        raise DebugError("Argument required (format-control string and values to print).")
    if not s.startswith('"'):
        raise DebugError("Bad format string, missing '\"'.")
    fmt, rest = _unescape(s[1:])
    ps = pieces(fmt)
    if not rest.startswith('"'):
        raise DebugError("Bad format string, non-terminated '\"'.")
    rest = rest[1:].lstrip()
    if rest and not rest.startswith(","):
        raise DebugError("Invalid argument syntax")
    return ps, rest


def check_format(arg: str) -> None:
    """dprintf checks its format when it is set (update_dprintf_command_list)."""
    _format_and_rest(arg)


def printf(dbg: "Debugger", arg: str) -> None:
    """printcmd.c ``ui_printf``: the format, then every argument evaluated, then the pieces,
    written as gdb writes them (no newline of their own); an error in a piece leaves the
    pieces before it written, then is raised."""
    ps, rest = _format_and_rest(arg)
    values = [dbg.evaluate(a) for a in split_arguments(rest[1:])] if rest else []
    if len(values) != sum(p.argclass != "literal" for p in ps):
        raise DebugError("Wrong number of arguments for specified format-string")
    done: list[str] = []
    try:
        render(dbg, ps, values, done.append)
    finally:
        dbg.out.text("".join(done))
