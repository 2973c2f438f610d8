"""Breakpoint numbers as gdb 13 reads them.

gdb reads the numbers of ``delete``, ``enable``/``disable``, ``enable once|delete|count``,
``ignore``, ``condition``, ``commands`` and ``info breakpoints`` with a few shared routines,
and what a user sees for a word that is not a number depends on which one a command uses:
``delete foo`` does nothing, ``disable foo`` says "Bad breakpoint number 'foo'", ``info
breakpoints foo`` says "Arguments must be numbers or '$' variables.".  This module is those
routines: :func:`get_number_trailer` and :class:`RangeParser` (gdb/cli/cli-utils.c), and
:func:`map_numbers` and :func:`number_or_range` (gdb/breakpoint.c
map_breakpoint_numbers, extract_bp_number_or_range)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable, Sequence

from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

#: value.c value_from_history_ref: ``$``, ``$$``, ``$N``, ``$$N``, not part of an identifier.
_HISTORY = re.compile(r"\$\$?\d*(?![A-Za-z_])")
_NAME = re.compile(r"\$[A-Za-z0-9_]*")
_INTEGRAL = ("int", "char", "enum", "bool")


def _dollar(dbg: "Debugger", text: str, pos: int) -> tuple[int, int]:
    """The integer a ``$`` reference at ``pos`` names, and where it ends (cli-utils.c
    get_number_trailer).  A value that is not an integer is reported on the output, as gdb
    prints it, and reads as 0; a history reference out of range is gdb's error."""
    history = _HISTORY.match(text, pos)
    m = history or _NAME.match(text, pos)
    assert m is not None
    v = dbg.evaluate(m.group())
    kind = v.type.strip().kind
    if kind in (("int",) if history else _INTEGRAL):
        return dbg.eval_long(m.group()), m.end()
    dbg.write("History value must have integer type." if history
              else "Convenience variable must have integer value.")
    return 0, m.end()


def get_number_trailer(dbg: "Debugger", text: str, pos: int, trailer: str = "") -> tuple[int, int]:
    """The number at ``text[pos:]`` and the position after it and the blanks that follow;
    0 for a word that is not a number or has trailing junk (the caller's error to give)."""
    negative = text.startswith("-", pos)
    p = pos + negative
    if text.startswith("$", p):
        value, p = _dollar(dbg, text, p)
    else:
        start = p
        while p < len(text) and text[p].isdigit():
            p += 1
        if p == start:                          # no number: skip the word
            while p < len(text) and not text[p].isspace():
                p += 1
            value = 0
        else:
            value = int(text[start:p])
    if p < len(text) and not (text[p].isspace() or text[p] == trailer):
        while p < len(text) and not (text[p].isspace() or text[p] == trailer):
            p += 1
        value = 0
    while p < len(text) and text[p].isspace():
        p += 1
    return (-value if negative else value), p


class RangeParser:
    """cli-utils.c number_or_range_parser: numbers and ranges ``N-M`` one at a time."""

    def __init__(self, dbg: "Debugger", text: str) -> None:
        self.dbg, self.text, self.pos = dbg, text, 0
        self.last = self.end_value = self.end_pos = 0
        self.in_range = False

    def finished(self) -> bool:
        t, p = self.text, self.pos
        if p >= len(t):
            return True
        if self.in_range:
            return False
        nxt = t[p + 1:p + 2]
        return not (t[p].isdigit() or t[p] == "$") and not (t[p] == "-" and (nxt.isdigit() or nxt == "$"))

    def get_number(self) -> int:
        t = self.text
        if self.in_range:
            self.last += 1
            if self.last == self.end_value:
                self.pos, self.in_range = self.end_pos, False
        elif not t.startswith("-", self.pos):
            self.last, self.pos = get_number_trailer(self.dbg, t, self.pos, "-")
            p = self.pos
            # A '-' after a blank and before a letter, a '-' or the end is an option, not a range.
            if t.startswith("-", p) and not (p > 0 and t[p - 1].isspace()
                                              and (t[p + 1:p + 2].isalpha() or t[p + 1:p + 2] in ("-", ""))):
                start = p + 1
                while start < len(t) and t[start].isspace():
                    start += 1
                self.end_value, self.end_pos = get_number_trailer(self.dbg, t, start)
                if self.end_value < self.last:
                    raise DebugError("inverted range")
                if self.end_value == self.last:
                    self.pos = self.end_pos
                else:
                    self.in_range = True
        else:
            if t[self.pos + 1:self.pos + 2].isdigit():
                raise DebugError("negative value")
            if t.startswith("$", self.pos + 1):
                self.last, self.pos = get_number_trailer(self.dbg, t, self.pos)
                if self.last < 0:
                    raise DebugError("negative value")
        return self.last

    def word(self) -> str:
        """The word the parser is at, as gdb's warnings quote it."""
        rest = self.text[self.pos:]
        return rest.split()[0] if rest.split() else ""


def map_numbers(dbg: "Debugger", text: str, fn: Callable[[Any], None], items: Sequence[Any] | None = None,
                what: str = "breakpoint") -> None:
    """breakpoint.c map_breakpoint_numbers (and printcmd.c map_display_numbers, with
    ``what`` "display"): ``fn`` on each of ``items`` (the breakpoints) ``text`` names; a
    number with none is said on the output, 0 is warned about, and the first word that is
    not a number ends the list without a word."""
    text = text.strip()
    if not text:
        raise DebugError(f"Argument required (one or more {what} numbers).")
    parser = RangeParser(dbg, text)
    while not parser.finished():
        word = parser.word()
        num = parser.get_number()
        if num == 0:
            dbg.error(f"warning: bad {what} number at or near '{word}'")
            continue
        found = next((b for b in (dbg.breakpoints if items is None else items) if b.number == num), None)
        if found is None:
            dbg.write(f"No {what} number {num}.")
        else:
            fn(found)


def in_list(dbg: "Debugger", text: str, number: int) -> bool:
    """cli-utils.c number_is_in_list (info breakpoints N...): an empty list holds every number."""
    text = text.strip()
    if not text:
        return True
    parser = RangeParser(dbg, text)
    if parser.finished():
        raise DebugError("Arguments must be numbers or '$' variables.")
    while not parser.finished():
        got = parser.get_number()
        if got == 0:
            raise DebugError("Arguments must be numbers or '$' variables.")
        if got == number:
            return True
    return False


def _one(dbg: "Debugger", text: str, trailer: str, what: str) -> tuple[int, int]:
    """breakpoint.c extract_bp_num: a positive number, or gdb's error quoting the word."""
    num, end = get_number_trailer(dbg, text, 0, trailer)
    word = text[:end].rstrip()
    if num < 0:
        raise DebugError(f"Negative breakpoint {what}number '{word}'")
    if num == 0:
        raise DebugError(f"Bad breakpoint {what}number '{word}'")
    return num, end


def _range(dbg: "Debugger", text: str, what: str) -> tuple[int, int]:
    """breakpoint.c extract_bp_or_bp_range: ``N`` or ``N-M``."""
    dash = text.find("-")
    if dash < 0:
        num, _ = _one(dbg, text, "", what)
        return num, num
    if dash == len(text) - 1:
        raise DebugError(f"Bad breakpoint {what}number at or near: '{text}'")
    first, _ = _one(dbg, text, "-", what)
    second, end = _one(dbg, text[dash + 1:], "", what)
    if first > second:
        raise DebugError(f"Inverted breakpoint {what}range at '{text[:dash + 1 + end].rstrip()}'")
    return first, second


def number_or_range(dbg: "Debugger", word: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """breakpoint.c extract_bp_number_or_range, for one word of enable or disable: the
    breakpoints ``N`` or ``N-M``, and the locations ``K`` or ``K-L`` of ``N.K``, ``N.K-L``
    ((0, 0) without a dot)."""
    dot = word.find(".")
    if dot < 0:
        return _range(dbg, word, ""), (0, 0)
    if dot == 0 or dot == len(word) - 1:
        raise DebugError(f"Bad breakpoint number at or near: '{word}'")
    num, _ = _one(dbg, word, ".", "")
    return (num, num), _range(dbg, word[dot + 1:], "location ")
