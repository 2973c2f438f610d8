"""Characters and strings as gdb 13 prints them for C.

Ported from gdb/valprint.c (``print_wchar``, ``generic_emit_char``,
``count_next_character``, ``print_converted_chars_to_obstack``,
``generic_printstr``), gdb/c-lang.c (``classify_type``, ``printchar``,
``printstr``) and gdb/charset.c (``wchar_iterator::iterate``).

gdb converts the target bytes to wide characters with iconv, one character at
a time, and prints a character as itself when the host locale calls it
printable (``iswprint``), as a C escape (``\\n``) when it has one, and as
octal escapes of its target bytes otherwise.  What is printable therefore
depends on gdb's locale; :data:`UTF8` reproduces gdb under a UTF-8 locale
(the default here: ``LANG=C.UTF-8``; ``"\\303\\251"`` prints as ``"é"``) and
:data:`ASCII` gdb under ``LC_ALL=C`` (every byte >= 0x80 is an octal escape).
Printability of non-ASCII characters follows glibc's ``iswprint`` in
C.UTF-8, which equals "assigned, not Cc/Cs, not U+2028/U+2029" in the
Unicode version of Python's :mod:`unicodedata` (checked equal for Unicode 14).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from events.record import Record
from vmdebug.debuginfo.ctype import CType

UTF8 = "UTF-8"
ASCII = "ASCII"

# wchar_iterate_result (gdb/charset.h)
OK, INVALID, INCOMPLETE, EOF = "ok", "invalid", "incomplete", "eof"

#: c_textual_element_type / classify_type: typedef names that make a wide character.
WIDE_NAMES = {"wchar_t": "L", "char16_t": "u", "char32_t": "U"}
_ESCAPES = {7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v"}
_WEOF = -1


class Converted(Record):
    """gdb's ``struct converted_character``: one decoded character (or undecodable
    bytes) and how many times it repeats."""

    __slots__ = (
        "result",
        "char",    # the wide character (for OK), else -1
        "buf",     # the target bytes it came from
        "repeat",
    )

    def __init__(self, result: str, char: int, buf: bytes, repeat: int = 0) -> None:
        self.result = result
        self.char = char
        self.buf = buf
        self.repeat = repeat


def iswprint(w: int, charset: str) -> bool:
    """gdb_iswprint (glibc iswprint) in gdb's locale."""
    if w < 0:
        return False
    if charset == ASCII or w < 0x80:
        return 0x20 <= w < 0x7F
    if w in (0x2028, 0x2029) or w > 0x10FFFF:
        return False
    return unicodedata.category(chr(w)) not in ("Cc", "Cn", "Cs")


def _is_xdigit(w: int) -> bool:
    return 0 <= w < 0x80 and chr(w) in "0123456789abcdefABCDEF"


# ---- decoding (charset.c wchar_iterator::iterate over glibc's iconv) -----------------
def _utf8_step(data: bytes, i: int) -> tuple[str, int, int]:
    """One step of glibc's UTF-8 decoder (iconv/gconv_simple.c, utf8 -> internal):
    (result, char, bytes consumed).  An invalid sequence consumes 1 byte (gdb skips
    m_width bytes on EILSEQ); an incomplete one at the end consumes the rest (EINVAL)."""
    n = len(data)
    ch = data[i]
    if ch < 0x80:
        return OK, ch, 1
    if 0xC2 <= ch < 0xE0:
        cnt, ch = 2, ch & 0x1F
    elif ch & 0xF0 == 0xE0:
        cnt, ch = 3, ch & 0x0F
    elif ch & 0xF8 == 0xF0:
        cnt, ch = 4, ch & 0x07
    else:
        return INVALID, -1, 1
    if i + cnt > n:
        k = 1
        while i + k < n and data[i + k] & 0xC0 == 0x80:
            k += 1
        if i + k == n:
            return INCOMPLETE, -1, n - i
        return INVALID, -1, 1
    k = 1
    while k < cnt:
        byte = data[i + k]
        if byte & 0xC0 != 0x80:
            break
        ch = (ch << 6) | (byte & 0x3F)
        k += 1
    if k < cnt or (cnt > 2 and (ch >> (5 * cnt - 4)) == 0) or 0xD800 <= ch <= 0xDFFF or ch > 0x10FFFF:
        return INVALID, -1, 1
    return OK, ch, cnt


def _step(data: bytes, i: int, encoding: str) -> tuple[str, int, int]:
    """One character of ``data`` at ``i`` in ``encoding``: (result, char, bytes used)."""
    n = len(data)
    if encoding == UTF8:
        return _utf8_step(data, i)
    if encoding == ASCII:
        return (OK, data[i], 1) if data[i] < 0x80 else (INVALID, -1, 1)
    if encoding == "UTF-16LE":
        return _utf16_step(data, i)
    if i + 4 > n:                                       # UTF-32LE
        return INCOMPLETE, -1, n - i
    v = int.from_bytes(data[i:i + 4], "little")
    return (INVALID, -1, 4) if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF else (OK, v, 4)


def iterate(data: bytes, width: int, encoding: str) -> Iterator[tuple[str, int, bytes]]:
    """wchar_iterator: (result, wide char or -1, target bytes) for each character.

    gdb hands iconv all the remaining input with room for one character; when the
    character after a converted one is an incomplete sequence, glibc's iconv reports
    EINVAL and gdb's EINVAL branch drops the converted character: ``"ab\\303"``
    prints as ``"a", <incomplete sequence \\303>``."""
    i, n = 0, len(data)
    while i < n:
        result, ch, used = _step(data, i, encoding)
        if result == INVALID:
            used = width                                # EILSEQ: gdb skips one target character
        elif result == OK and i + used < n and _step(data, i + used, encoding)[0] == INCOMPLETE:
            yield INCOMPLETE, -1, data[i + used:]
            return
        yield result, ch, data[i:i + used]
        i += used


def _utf16_step(data: bytes, i: int) -> tuple[str, int, int]:
    """glibc's UTF-16LE decoder: surrogate pairs; a lone low surrogate is invalid."""
    n = len(data)
    if i + 2 > n:
        return INCOMPLETE, -1, n - i
    u = int.from_bytes(data[i:i + 2], "little")
    if 0xD800 <= u < 0xDC00:
        if i + 4 > n:
            return INCOMPLETE, -1, n - i
        u2 = int.from_bytes(data[i + 2:i + 4], "little")
        if not 0xDC00 <= u2 < 0xE000:
            return INVALID, -1, 2
        return OK, 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00), 4
    if 0xDC00 <= u < 0xE000:
        return INVALID, -1, 2
    return OK, u, 2


# ---- classification (c-lang.c classify_type) ---------------------------------------
def char_prefix(t: CType) -> str:
    """classify_type: peel typedefs one at a time looking for wchar_t/char16_t/char32_t;
    the prefix gdb puts before a literal of that kind (``L``, ``u``, ``U`` or none)."""
    seen = 0
    while t is not None and seen < 64:
        if t.name is None:
            return ""
        if t.name in WIDE_NAMES:
            return WIDE_NAMES[t.name]
        if t.kind != "typedef":
            break
        t = t.target
        seen += 1
    return ""


def encoding_for(t: CType, charset: str) -> str:
    """charset_for_string_type: the target charset of a character type."""
    prefix = char_prefix(t)
    if prefix == "L":
        return "UTF-32LE"                               # target-wide-charset auto on i386
    if prefix == "u":
        return "UTF-16LE"
    if prefix == "U":
        return "UTF-32LE"
    return charset


# ---- printing ---------------------------------------------------------------------
def print_wchar(w: int, orig: bytes, width: int, quoter: str, need_escape: bool,
                charset: str) -> tuple[str, bool]:
    """print_wchar: one character as text, and the new need-escape flag (a hex escape
    makes a following hex digit print as an escape too)."""
    if w in _ESCAPES:
        return _ESCAPES[w], False
    if iswprint(w, charset) and not (need_escape and _is_xdigit(w)):
        c = chr(w)
        return ("\\" + c if c == quoter or c == "\\" else c), False
    out = ""
    i = 0
    need = False
    while i + width <= len(orig):
        value = int.from_bytes(orig[i:i + width], "little")
        if value <= 0o777:
            out += f"\\{value:03o}"
            need = False
        else:
            out += f"\\x{value:x}"
            need = True
        i += width
    while i < len(orig):
        out += f"\\{orig[i]:03o}"
        need = False
        i += 1
    return out, need


def _printable(w: int, charset: str) -> bool:
    """wchar_printable."""
    return iswprint(w, charset) or w in _ESCAPES


def emit_char(c: int, t: CType, quoter: str, charset: str) -> str:
    """generic_emit_char: the character ``c`` of type ``t`` inside a literal quoted by ``quoter``."""
    width = max(t.length, 1)
    buf = (c & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
    out = ""
    need = False
    for result, ch, raw in iterate(buf, width, encoding_for(t, charset)):
        if result == OK and _printable(ch, charset):
            text, need = print_wchar(ch, raw, width, quoter, need, charset)
        else:
            text, need = print_wchar(_WEOF, raw, width, quoter, need, charset)
        out += text
    return out


def printchar(c: int, t: CType, charset: str) -> str:
    """language_defn::printchar: ``'A'``, ``L'A'``."""
    return char_prefix(t) + "'" + emit_char(c, t, "'", charset) + "'"


def _count_groups(data: bytes, width: int, encoding: str, print_max: int) -> tuple[list[Converted], bool]:
    """generic_printstr's loop over count_next_character: characters grouped into runs
    until ``print_max`` characters are counted; the look-ahead entry is dropped.
    Returns the groups and whether the whole input was consumed."""
    it = iterate(data, width, encoding)

    def nxt() -> Converted:
        item = next(it, None)
        if item is None:
            return Converted(EOF, -1, b"")
        return Converted(item[0], item[1], item[2])

    vec: list[Converted] = []
    i = 0
    while i < print_max:
        if not vec:
            vec.append(nxt())
        current = vec[-1]
        current.repeat = 1
        if current.result == EOF:
            break
        while True:
            d = nxt()
            if d.result == current.result and d.result != EOF and (
                    (d.result == OK and d.char == current.char)
                    or (d.result != OK and d.buf == current.buf)):
                current.repeat += 1
            else:
                break
        vec.append(d)
        i += current.repeat
    finished = vec[-1].result == EOF
    return vec[:-1], finished


def _emit_groups(groups: list[Converted], quote: str, width: int, threshold: int, charset: str) -> str:
    """print_converted_chars_to_obstack: runs longer than the threshold as
    ``'c' <repeats N times>``, the rest quoted; an incomplete sequence ends the string."""
    out = ""
    last = "START"
    need = False
    for elem in groups:
        if elem.result == INCOMPLETE:
            if last == "SINGLE":
                out += quote
            if last != "START":
                out += ", "
            text, need = print_wchar(_WEOF, elem.buf, width, "", need, charset)
            out += "<incomplete sequence " + text + ">"
            return out
        w = elem.char if elem.result == OK else _WEOF
        if elem.repeat > threshold:
            if last == "SINGLE":
                out += quote
            if last != "START":
                out += ", "
            text, need = print_wchar(w, elem.buf, width, quote, need, charset)
            out += "'" + text + "'" + f" <repeats {elem.repeat} times>"
            last = "REPEAT"
        else:
            if last != "SINGLE":
                if last != "START":
                    out += ", "
                out += quote
            for _ in range(elem.repeat):
                text, need = print_wchar(w, elem.buf, width, quote, need, charset)
                out += text
            last = "SINGLE"
    if last == "SINGLE":
        out += quote
    return out


def printstr(t: CType, data: bytes, length: int, force_ellipses: bool, charset: str,
             print_max: int = 200, threshold: int = 10) -> str:
    """language_defn::printstr + generic_printstr: ``length`` characters of type ``t``
    from ``data`` as a C string literal (one trailing NUL dropped unless ellipses
    are forced), with repeats, the print-elements limit and ``...``."""
    width = max(t.length, 1)
    prefix = char_prefix(t)
    if (not force_ellipses and length > 0
            and int.from_bytes(data[(length - 1) * width:length * width], "little") == 0):
        length -= 1
    if length == 0:
        return prefix + '""'
    groups, finished = _count_groups(data[:length * width], width, encoding_for(t, charset), print_max)
    out = _emit_groups(groups, '"', width, threshold, charset)
    if force_ellipses or not finished:
        out += "..."
    return prefix + out
