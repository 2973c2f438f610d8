"""The name gdb 13 prints for an ELF symbol (a minimal symbol's ``print_name``).

A minimal symbol has no language, so gdb asks every language whether it
can demangle the name (symtab.c ``symbol_find_demangled_name``).  For the
names a C program has, only Ada's decoder says yes, and then the symbol is
printed the Ada way (ada-lang.c ``ada_decode``): ``f.cold`` is ``f[cold]``,
``count.0`` (a static local) is ``count``, ``free.part.0`` is ``free.part``,
``fooB`` is ``foo``, ``my__var`` is ``my.var``.  A name Ada refuses (it
starts with ``_``, holds an upper-case letter after decoding, ...) is
printed as it is.  DWARF function names are C symbols and never decoded.

Not ported: the C++, D, Rust, Go and Objective-C demanglers, which only
claim names a C program does not produce (``_Z...``, ``go.``...).
"""
from __future__ import annotations

# ada-lang.c ada_opname_table
_OPNAMES = (("Oadd", '"+"'), ("Osubtract", '"-"'), ("Omultiply", '"*"'), ("Odivide", '"/"'),
            ("Omod", '"mod"'), ("Orem", '"rem"'), ("Oexpon", '"**"'), ("Olt", '"<"'), ("Ole", '"<="'),
            ("Ogt", '">"'), ("Oge", '">="'), ("Oeq", '"="'), ("One", '"/="'), ("Oand", '"and"'),
            ("Oor", '"or"'), ("Oxor", '"xor"'), ("Oconcat", '"&"'), ("Oabs", '"abs"'), ("Onot", '"not"'))


def _at(s: str, i: int) -> str:
    """s[i] as C reads a NUL-terminated string: '\\0' past the end."""
    return s[i] if 0 <= i < len(s) else "\0"


def _isdigit(c: str) -> bool:
    return "0" <= c <= "9"


def _isalpha(c: str) -> bool:
    return "a" <= c <= "z" or "A" <= c <= "Z"


def _isxdigit(c: str) -> bool:
    return _isdigit(c) or "a" <= c <= "f" or "A" <= c <= "F"


def _remove_compiler_suffix(enc: str, n: int) -> tuple[int, int]:
    """remove_compiler_suffix: a trailing ``.letters`` -> (new length, suffix start or -1)."""
    off = n - 1
    while off > 0 and _isalpha(enc[off]):
        off -= 1
    if off > 0 and enc[off] == ".":
        return off, off + 1
    return n, -1


def _remove_trailing_digits(enc: str, n: int) -> int:
    """ada_remove_trailing_digits: ``.N``, ``$N``, ``___N``, ``__N``."""
    if n > 1 and _isdigit(enc[n - 1]):
        i = n - 2
        while i > 0 and _isdigit(enc[i]):
            i -= 1
        if i >= 0 and enc[i] in ".$":
            return i
        if i >= 2 and enc[i - 2:i + 1] == "___":
            return i - 2
        if i >= 1 and enc[i - 1:i + 1] == "__":
            return i - 1
    return n


def _hex_char(digits: str, n: int) -> str | None:
    """convert_from_hex_encoded: exactly n hex digits -> the character, else None."""
    if len(digits) < n or not all(_isxdigit(c) for c in digits[:n]):
        return None
    v = int(digits[:n], 16)
    if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
        return None
    return chr(v)


def ada_decode(encoded: str) -> str | None:
    """ada_decode (wrap, operators): the decoded name, or None where gdb suppresses
    decoding (it would return ``<name>``)."""
    enc = encoded
    enc = enc.removeprefix(".")
    enc = enc.removeprefix("_ada_")
    enc = enc.removeprefix("___ghost_")
    if enc[:1] in ("_", "<"):
        return None
    n, suffix = _remove_compiler_suffix(enc, len(enc))
    n = _remove_trailing_digits(enc, n)
    if n > 1 and enc[n - 1] == "N" and (_isdigit(enc[n - 2]) or "a" <= enc[n - 2] <= "z"):
        n -= 1                                          # ada_remove_po_subprogram_suffix
    p = enc.find("___")
    if p != -1 and p < n - 3:
        if enc[p + 3] != "X":
            return None
        n = p
    if n > 3 and enc[n - 3:n] == "TKB":
        n -= 3
    if n > 2 and enc[n - 2:n] == "TB":
        n -= 2
    if n > 1 and enc[n - 1] == "B":
        n -= 1
    if n > 1 and _isdigit(enc[n - 1]):
        i = n - 2
        while (i >= 0 and _isdigit(enc[i])) or (i >= 1 and enc[i] == "_" and _isdigit(enc[i - 1])):
            i -= 1
        if i > 1 and enc[i] == "_" and enc[i - 1] == "_":
            n = i - 1
        elif i >= 0 and enc[i] == "$":
            n = i
    decoded = _decode_body(enc, n)
    if decoded is None or any(c.isascii() and c.isupper() or c == " " for c in decoded):
        return None
    if suffix >= 0:
        decoded += "[" + enc[suffix:] + "]"
    return decoded


def _decode_body(enc: str, n: int) -> str | None:
    """The main loop of ada_decode over enc[:n]."""
    out = ""
    i = 0
    while i < n and not _isalpha(enc[i]):
        out += enc[i]
        i += 1
    at_start = True
    while i < n:
        if at_start and enc[i] == "O":
            for code, op in _OPNAMES:
                k = len(code)
                if enc[i + 1:i + k] == code[1:] and not _at(enc, i + k).isalnum():
                    out += op
                    at_start = False
                    i += k
                    break
            else:
                code = ""
            if code:
                continue
        at_start = False
        if i < n - 4 and enc[i:i + 4] == "TK__":
            i += 2
        if n - i > 5 and enc[i:i + 3] == "__B" and enc[i + 3] == "_" and _isdigit(enc[i + 4]):
            k = i + 5
            while k < n and _isdigit(enc[k]):
                k += 1
            if n - k > 2 and enc[k] == "_" and enc[k + 1] == "_":
                i = k
        if n - i > 3 and enc[i] == "_" and enc[i + 1] == "E" and _isdigit(enc[i + 2]):
            k = i + 3
            while k < n and _isdigit(enc[k]):
                k += 1
            if k < n and enc[k] in "bs":
                k += 1
                if k == n or (k < n and enc[k] == "_"):
                    i = k
        if _at(enc, i) == "N" and _at(enc, i + 1) == "_" and _at(enc, i + 2) == "_":
            ptr = i - 1
            while ptr >= 0 and (_isdigit(enc[ptr]) or "a" <= enc[ptr] <= "z"):
                ptr -= 1
            if ptr < 0 or (ptr > 0 and enc[ptr] == "_" and enc[ptr - 1] == "_"):
                i += 1
        c = _at(enc, i)
        if c == "U" and _isxdigit(_at(enc, i + 1)):
            ch = _hex_char(enc[i + 1:], 2)
            if ch is not None:
                out += ch
                i += 3
                continue
        elif c == "W" and _isxdigit(_at(enc, i + 1)):
            ch = _hex_char(enc[i + 1:], 4)
            if ch is not None:
                out += ch
                i += 5
                continue
        elif c == "W" and _at(enc, i + 1) == "W" and _isxdigit(_at(enc, i + 2)):
            ch = _hex_char(enc[i + 2:], 8)
            if ch is not None:
                out += ch
                i += 10
                continue
        if c == "X" and i != 0 and enc[i - 1].isalnum():
            i += 1
            while i < n and enc[i] in "bn":
                i += 1
            if i < n:
                return None
        elif i < n - 2 and c == "_" and enc[i + 1] == "_":
            out += "."
            at_start = True
            i += 2
        else:
            out += c
            i += 1
    return out


def msymbol_print_name(name: str) -> str:
    """The name gdb prints for an ELF symbol: Ada's decoding when Ada claims the name
    (ada_language::sniff_from_mangled_name: decoded, different, not ``<...>``)."""
    decoded = ada_decode(name)
    if decoded is not None and decoded != name:
        return decoded.split("\0")[0]        # gdb prints the C string: up to a NUL decoding produced
    return name
