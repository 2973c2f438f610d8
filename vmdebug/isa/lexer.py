"""Tokens of GNU as source lines (Intel syntax, i386 ELF target).

The rules follow gas's own reader (gas/read.c, gas/app.c, gas/expr.c):

* ``#`` starts a comment that runs to the end of the line (``comment_chars``
  for i386 ELF on Linux, tc-i386.c); ``/* ... */`` comments are removed by
  the preprocessor in app.c.
* ``;`` separates statements on one line (``line_separator_chars``).
* Symbol names are made of letters, digits, ``_``, ``.`` and ``$`` and do not
  start with a digit.
* Numbers: ``0x``/``0X`` hex, ``0b``/``0B`` binary, a leading ``0`` octal,
  otherwise decimal.  ``Nb``/``Nf`` (``N`` decimal) refer to the previous/next
  numeric local label ``N:``.
* ``'c`` is a character constant; gas 2.40 also swallows a closing quote, so
  ``'c'`` works too.  Escapes as in strings.

Columns are 1-based, as in gas's and gcc's diagnostics.
"""
from __future__ import annotations

from events.record import Frozen

NAME_START = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.$")
NAME_CHARS = NAME_START | set("0123456789")
# Longest operators first so that "<<" wins over "<".
OPERATORS = ("<<", ">>", "<=", ">=", "==", "!=", "<>", "&&", "||",
             "+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "(", ")", "[", "]",
             ",", ":", "=", "<", ">", "@")

ESCAPES = {"n": 10, "t": 9, "r": 13, "b": 8, "f": 12, "v": 11, "a": 7, "e": 27,
           "\\": 92, "\"": 34, "'": 39}


class LexError(Exception):
    """A malformed token; ``col`` is the 1-based column where it starts."""

    def __init__(self, message: str, col: int) -> None:
        super().__init__(message)
        self.col = col


class Token(Frozen):
    """One token.  ``kind`` is NAME, NUM, STR, LOCAL (numeric label ref) or OP."""

    __slots__ = ("kind", "text", "col", "value")

    def __init__(self, kind: str, text: str, col: int, value: int | bytes | None = None) -> None:
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "col", col)
        object.__setattr__(self, "value", value)


def _escape(s: str, i: int, col0: int) -> tuple[int, int]:
    """Decode the escape starting after a backslash at ``s[i]``; return (byte, next index).

    gas (read.c next_char_of_string) accepts octal ``\\NNN`` (up to 3 digits),
    ``\\xHH...`` hex, and the C letters.
    """
    if i >= len(s):
        raise LexError("unterminated escape sequence", col0 + i)
    c = s[i]
    if c in "01234567":
        j = i
        while j < len(s) and j < i + 3 and s[j] in "01234567":
            j += 1
        return int(s[i:j], 8) & 0xFF, j
    if c in "xX":
        j = i + 1
        while j < len(s) and s[j] in "0123456789abcdefABCDEF":
            j += 1
        if j == i + 1:
            raise LexError("\\x used with no following hex digits", col0 + i)
        return int(s[i + 1:j], 16) & 0xFF, j
    if c in ESCAPES:
        return ESCAPES[c], i + 1
    return ord(c) & 0xFF, i + 1


def split_statements(line: str) -> list[tuple[str, int]]:
    """Split a source line into statements, dropping comments.

    Returns (text, column of the first character) pairs.  ``;`` and ``#``
    inside strings and character constants are not separators.
    """
    out: list[tuple[str, int]] = []
    start = 0
    i = 0
    n = len(line)
    buf: list[str] = []
    while i < n:
        c = line[i]
        if c == '"':
            j = i + 1
            while j < n and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            buf.append(line[i:j + 1])
            i = j + 1
            continue
        if c == "'":
            j = i + 1
            if j < n and line[j] == "\\":
                j += 1
            j += 1
            if j < n and line[j] == "'":
                j += 1
            buf.append(line[i:j])
            i = j
            continue
        if c == "#":
            break
        if c == "/" and line.startswith("/*", i):
            end = line.find("*/", i + 2)
            stop = n if end < 0 else end + 2
            buf.append(" " * (stop - i))
            i = stop
            continue
        if c == ";":
            out.append(("".join(buf), start + 1))
            buf = []
            i += 1
            start = i
            continue
        buf.append(c)
        i += 1
    out.append(("".join(buf), start + 1))
    return [(text, col) for text, col in out if text.strip()]


def _number(s: str, i: int, col0: int) -> tuple[Token, int]:
    j = i
    while j < len(s) and (s[j].isalnum() or s[j] == "_"):
        j += 1
    text = s[i:j]
    col = col0 + i
    low = text.lower()
    # Numeric local label references: "1b", "12f" (gas expr.c integer_constant).
    if len(text) >= 2 and low[-1] in "bf" and text[:-1].isdigit() and not low.startswith(("0b", "0x")) \
            or low in ("0b", "0f"):
        return Token("LOCAL", text, col, None), j
    try:
        if low.startswith("0x"):
            value = int(low[2:], 16)
        elif low.startswith("0b"):
            value = int(low[2:], 2)
        elif len(low) > 1 and low.startswith("0"):
            value = int(low[1:], 8)
        else:
            value = int(low, 10)
    except ValueError:
        raise LexError(f"invalid number `{text}'", col) from None
    return Token("NUM", text, col, value), j


def tokenize(s: str, col0: int = 1) -> list[Token]:
    """Tokenize one statement; ``col0`` is the column of ``s[0]`` in the line."""
    col0 -= 1
    toks: list[Token] = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c in " \t\r\f\v":
            i += 1
            continue
        if c.isdigit():
            tok, i = _number(s, i, col0 + 1)
            toks.append(tok)
            continue
        if c in NAME_START:
            j = i + 1
            while j < n and s[j] in NAME_CHARS:
                j += 1
            toks.append(Token("NAME", s[i:j], col0 + 1 + i))
            i = j
            continue
        if c == '"':
            j = i + 1
            data = bytearray()
            while True:
                if j >= n:
                    raise LexError("missing closing `\"'", col0 + 1 + i)
                if s[j] == '"':
                    break
                if s[j] == "\\":
                    b, j = _escape(s, j + 1, col0 + 1)
                    data.append(b)
                else:
                    data.extend(s[j].encode("utf-8"))
                    j += 1
            toks.append(Token("STR", s[i:j + 1], col0 + 1 + i, bytes(data)))
            i = j + 1
            continue
        if c == "'":
            if i + 1 >= n:
                raise LexError("missing character after `''", col0 + 1 + i)
            if s[i + 1] == "\\":
                value, j = _escape(s, i + 2, col0 + 1)
            else:
                value, j = ord(s[i + 1]), i + 2
            if j < n and s[j] == "'":
                j += 1
            toks.append(Token("NUM", s[i:j], col0 + 1 + i, value))
            i = j
            continue
        for op in OPERATORS:
            if s.startswith(op, i):
                toks.append(Token("OP", op, col0 + 1 + i))
                i += len(op)
                break
        else:
            raise LexError(f"junk character `{c}'", col0 + 1 + i)
    return toks
