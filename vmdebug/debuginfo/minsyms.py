"""The ELF symbols as ``info functions`` / ``info variables`` list them: gdb's minimal
symbols (elfread.c ``elf_symtab_read``, minsyms.c) and the names they print as.

A minimal symbol has no language, so gdb tries every language's demangler on
it; for the names a C program has only Ada's claims any (ada-lang.c
``ada_decode``: gcc's static local ``keys.0`` is listed as ``keys``,
``f.cold`` as ``f[cold]``).  Not done: the other languages' demanglers (C++,
D, Go, Rust names); Ada's escapes of non-ASCII characters are left encoded
(as gdb leaves them when its host charset cannot hold them: LC_ALL=C, which
is how the tests run it).

:mod:`vmdebug.debuginfo.valprint_names` and
:mod:`vmdebug.debuginfo.valprint_symbols` hold the same gdb functions as
``<symbol+offset>`` after a pointer needs them; they differ in what they are
checked against (wide characters decoded, symbols of no allocated section
dropped), so the two are not merged.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from events.record import Record


class MinSym(Record):
    """One of gdb's minimal symbols: an ELF symbol with its msymbol type."""

    def __init__(self, name: str, address: int, kind: str, section: str) -> None:
        self.name = name  # the linkage name (ELF symbol name)
        self.address = address
        self.kind = kind  # text file_text data file_data bss file_bss
        self.section = section

    @property
    def print_name(self) -> str:
        """The natural name: gdb tries every language's demangler on a minimal symbol; Ada's
        takes names it can decode (``keys.0`` -> ``keys``, gcc's static locals)."""
        decoded = ada_decode(self.name)
        return decoded if decoded != self.name and not decoded.startswith("<") else self.name


_ADA_OPERATORS = [("Oadd", '"+"'), ("Osubtract", '"-"'), ("Omultiply", '"*"'), ("Odivide", '"/"'),
                  ("Omod", '"mod"'), ("Orem", '"rem"'), ("Oexpon", '"**"'), ("Olt", '"<"'), ("Ole", '"<="'),
                  ("Ogt", '">"'), ("Oge", '">="'), ("Oeq", '"="'), ("One", '"/="'), ("Oand", '"and"'),
                  ("Oor", '"or"'), ("Oxor", '"xor"'), ("Oconcat", '"&"'), ("Oabs", '"abs"'), ("Onot", '"not"'),
                  ("Oadd", '"+"'), ("Osubtract", '"-"')]


def ada_decode(name: str) -> str:
    """gdb's ada_decode (ada-lang.c) with wrap and operators: the decoded name, or the
    name in angle brackets when it is not a valid GNAT encoding.  (Wide-character
    ``U``/``W`` escapes are left undecoded.)"""
    enc = name
    if enc.startswith("."):
        enc = enc[1:]
    if enc.startswith("_ada_"):
        enc = enc[5:]
    if enc.startswith("___ghost_"):
        enc = enc[9:]

    def ch(k: int) -> str:
        return enc[k] if 0 <= k < len(enc) else "\0"

    def suppress() -> str:
        return enc if enc.startswith("<") else f"<{enc}>"
    if not enc or enc[0] in "_<":
        return suppress()
    len0 = len(enc)
    suffix = -1
    offset = len0 - 1                                   # remove_compiler_suffix
    while offset > 0 and enc[offset].isascii() and enc[offset].isalpha():
        offset -= 1
    if offset > 0 and enc[offset] == ".":
        len0, suffix = offset, offset + 1
    if len0 > 1 and ch(len0 - 1).isdigit():             # ada_remove_trailing_digits
        i = len0 - 2
        while i > 0 and ch(i).isdigit():
            i -= 1
        if i >= 0 and ch(i) in ".$":
            len0 = i
        elif i >= 2 and enc.startswith("___", i - 2):
            len0 = i - 2
        elif i >= 1 and enc.startswith("__", i - 1):
            len0 = i - 1
    if len0 > 1 and ch(len0 - 1) == "N" and (ch(len0 - 2).isdigit() or ch(len0 - 2).islower()):
        len0 -= 1                                       # ada_remove_po_subprogram_suffix
    p = enc.find("___")
    if p != -1 and p < len0 - 3:
        if ch(p + 3) == "X":
            len0 = p
        else:
            return suppress()
    if len0 > 3 and enc.startswith("TKB", len0 - 3):
        len0 -= 3
    if len0 > 2 and enc.startswith("TB", len0 - 2):
        len0 -= 2
    if len0 > 1 and enc.startswith("B", len0 - 1):
        len0 -= 1
    if len0 > 1 and ch(len0 - 1).isdigit():
        i = len0 - 2
        while (i >= 0 and ch(i).isdigit()) or (i >= 1 and ch(i) == "_" and ch(i - 1).isdigit()):
            i -= 1
        if i > 1 and ch(i) == "_" and ch(i - 1) == "_":
            len0 = i - 1
        elif ch(i) == "$":
            len0 = i
    decoded = ""
    i = 0
    while i < len0 and not (ch(i).isascii() and ch(i).isalpha()):
        decoded += ch(i)
        i += 1
    at_start = True
    while i < len0:
        if at_start and ch(i) == "O":
            for enc_op, dec_op in _ADA_OPERATORS:
                if enc.startswith(enc_op[1:], i + 1) and not (ch(i + len(enc_op)).isascii()
                                                             and ch(i + len(enc_op)).isalnum()):
                    decoded += dec_op
                    at_start = False
                    i += len(enc_op)
                    break
            else:
                enc_op = ""
            if enc_op:
                continue
        at_start = False
        if i < len0 - 4 and enc.startswith("TK__", i):
            i += 2
        if len0 - i > 5 and enc.startswith("__B_", i) and ch(i + 4).isdigit():
            k = i + 5
            while k < len0 and ch(k).isdigit():
                k += 1
            if len0 - k > 2 and enc.startswith("__", k):
                i = k
        if len0 - i > 3 and ch(i) == "_" and ch(i + 1) == "E" and ch(i + 2).isdigit():
            k = i + 3
            while k < len0 and ch(k).isdigit():
                k += 1
            if k < len0 and ch(k) in "bs":
                k += 1
                if k == len0 or (k < len0 and ch(k) == "_"):
                    i = k
        if ch(i) == "N" and ch(i + 1) == "_" and ch(i + 2) == "_":
            ptr = i - 1
            while ptr >= 0 and (ch(ptr).isdigit() or (ch(ptr).isascii() and ch(ptr).islower())):
                ptr -= 1
            if ptr < 0 or (ptr > 0 and ch(ptr) == "_" and ch(ptr - 1) == "_"):
                i += 1
        hexlen = 2 if ch(i) == "U" else 4 if ch(i) == "W" and ch(i + 1) != "W" else 8 if ch(i) == "W" else 0
        if hexlen:
            digits = enc[i + 1 + (hexlen == 8):i + 1 + (hexlen == 8) + hexlen]
            if len(digits) == hexlen and all(c in "0123456789abcdefABCDEF" for c in digits) \
                    and int(digits, 16) < 0x80:      # ASCII; other characters are left encoded
                decoded += chr(int(digits, 16))
                i += 1 + (hexlen == 8) + hexlen
                continue
        if ch(i) == "X" and i != 0 and ch(i - 1).isascii() and ch(i - 1).isalnum():
            i += 1
            while i < len0 and ch(i) in "bn":
                i += 1
            if i < len0:
                return suppress()
        elif i < len0 - 2 and ch(i) == "_" and ch(i + 1) == "_":
            decoded += "."
            at_start = True
            i += 2
        else:
            if ch(i) != "\0":
                decoded += ch(i)
            i += 1
    if any(c.isupper() or c == " " for c in decoded):
        return suppress()
    if suffix >= 0:
        decoded += "[" + enc[suffix:] + "]"
    return decoded


def minimal_symbols(symbol_rows: Sequence[Any], section_rows: Sequence[Any]) -> list[MinSym]:
    """The ELF symbols as gdb's minimal symbols (elfread.c elf_symtab_read), sorted by
    address then name, duplicates removed (minsyms.c install).  The rows are a program's
    symbol and section tables (``ProgramInfo.symbol_rows`` / ``section_rows``)."""
    sections = {r.name: r for r in section_rows}
    out: dict[tuple[int, bytes, str], MinSym] = {}
    for row in symbol_rows:
        name = str(row.name)
        sec = sections.get(str(row.section))
        if sec is None and str(row.section) != "*ABS*" and section_rows:
            # ld gives a symbol of a dropped (empty) output section the next section at or
            # after its value, else the last one before it (as the ELF writer does).
            later = [r for r in section_rows if r.address >= row.address]
            sec = min(later, key=lambda r: r.address) if later else \
                max(section_rows, key=lambda r: r.address)
        if not name or sec is None:
            continue
        bind = str(getattr(row, "bind", "global"))
        is_global = bind in ("global", "weak", "unique")
        if "x" in sec.flags:
            if is_global:
                kind = "text"
            elif name.startswith(".L"):
                continue
            else:
                kind = "file_text"
        else:
            loaded = getattr(sec, "type", "progbits") != "nobits"
            kind = ("data" if loaded else "bss") if is_global else ("file_data" if loaded else "file_bss")
        key = (int(row.address), name.encode(), str(sec.name))
        out.setdefault(key, MinSym(name, int(row.address), kind, str(sec.name)))
    return [out[k] for k in sorted(out)]


def msymbol_address(symbol_rows: Sequence[Any], name: str) -> int | None:
    """lookup_minimal_symbol: a global symbol of that name, else a file-local one."""
    best = None
    for row in symbol_rows:
        if row.name == name:
            if str(getattr(row, "bind", "global")) != "local":
                return int(row.address)
            if best is None:
                best = int(row.address)
    return best
