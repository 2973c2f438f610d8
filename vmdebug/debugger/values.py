"""C values as gdb prints them: types, integer wrapping, ``print`` formats.

gdb's rules reproduced here (gdb 13, i386): registers ``$eax``.. are ``int``,
``$esp``/``$ebp`` are ``void *``, ``$eip`` is ``void (*)()``, ``$eflags``
prints its set flags as ``[ IF ZF ]``; characters print as ``65 'A'``; a
``char *`` prints the address and the string; ``/o`` prefixes 0 and ``/t``
drops leading zeros (gdb/printcmd.c ``print_scalar_formatted``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


class DebugError(Exception):
    """A command failed; the message is the one line gdb would print."""


class QuitRequest(Exception):
    """``quit``: the front end ends the session."""


@dataclass(frozen=True)
class CType:
    name: str               # "int", "unsigned int", "char", "ptr", "func", "void", "eflags", "nodebug",
    size: int               # "struct NAME", "array"...
    signed: bool = True
    target: "CType | None" = None                      # pointee / element type
    fields: tuple[tuple[str, "CType", int], ...] = ()  # struct members: (name, type, offset)

    @property
    def is_ptr(self) -> bool:
        return self.name == "ptr"

    @property
    def is_struct(self) -> bool:
        return self.name.startswith("struct ")

    @property
    def is_array(self) -> bool:
        return self.name == "array"

    @property
    def is_int(self) -> bool:
        return self.name not in ("ptr", "func", "void", "nodebug", "nodebug_text", "array") and not self.is_struct

    def spelling(self) -> str:
        """The C spelling gdb shows in ``(int *) 0x...``."""
        if self.name == "ptr":
            t = self.target
            assert t is not None
            if t.name == "func":
                return "void (*)()"
            if t.name == "nodebug":
                return "<data variable, no debug info> *"
            if t.is_array and t.target is not None:
                return f"{t.target.spelling()} (*)[{t.size // max(t.target.size, 1)}]"
            inner = t.spelling()
            return inner + ("*" if inner.endswith("*") else " *")
        if self.name == "func":
            return "void ()"
        if self.name == "array" and self.target is not None:
            return f"{self.target.spelling()} [{self.size // max(self.target.size, 1)}]"
        return self.name


INT = CType("int", 4, True)
UINT = CType("unsigned int", 4, False)
CHAR = CType("char", 1, True)
UCHAR = CType("unsigned char", 1, False)
SHORT = CType("short", 2, True)
USHORT = CType("unsigned short", 2, False)
LONGLONG = CType("long long", 8, True)
ULONGLONG = CType("unsigned long long", 8, False)
VOID = CType("void", 1, False)
FUNC = CType("func", 1, False)
EFLAGS = CType("i386_eflags", 4, False)
INT8 = CType("int8_t", 1, True)
INT16 = CType("short", 2, True)
NODEBUG = CType("nodebug", 0, False)
NODEBUG_TEXT = CType("nodebug_text", 1, False)
VOID_PTR = CType("ptr", 4, False, VOID)
CODE_PTR = CType("ptr", 4, False, FUNC)

BASE_TYPES = {
    "int": INT, "signed int": INT, "signed": INT, "unsigned": UINT, "unsigned int": UINT,
    "long": INT, "long int": INT, "signed long": INT, "unsigned long": UINT, "unsigned long int": UINT,
    "char": CHAR, "signed char": CHAR, "unsigned char": UCHAR,
    "short": SHORT, "short int": SHORT, "unsigned short": USHORT, "unsigned short int": USHORT,
    "long long": LONGLONG, "unsigned long long": ULONGLONG, "void": VOID,
    "int8_t": CHAR, "uint8_t": UCHAR, "int16_t": SHORT, "uint16_t": USHORT, "int32_t": INT,
    "uint32_t": UINT, "size_t": UINT, "ssize_t": INT, "uintptr_t": UINT, "intptr_t": INT,
}


#: Struct types of the program being debugged (filled from its C sources, see program_info).
STRUCTS: dict[str, CType] = {}


def array_of(t: CType, n: int) -> CType:
    return CType("array", t.size * n, False, t)


def ptr_to(t: CType) -> CType:
    return CType("ptr", 4, False, t)


def parse_ctype(text: str) -> CType:
    """A C type name such as ``unsigned char *``, ``struct node *`` or ``char [12]``."""
    arr = text.rstrip().endswith("]") and "[" in text
    if arr:
        head, _, dim = text.rstrip()[:-1].rpartition("[")
        if dim.strip().isdigit():
            return array_of(parse_ctype(head), int(dim))
    words = text.replace("*", " * ").split()
    stars = words.count("*")
    base_words = [w for w in words if w not in ("*", "const", "volatile")]
    if base_words[:1] == ["struct"]:
        name = "struct " + " ".join(base_words[1:])
        base = STRUCTS.get(name) or CType(name, 0, False)
    else:
        base = BASE_TYPES.get(" ".join(base_words), INT if not base_words else None)  # type: ignore[arg-type]
        if base is None:
            raise DebugError(f'No symbol "{" ".join(base_words)}" in current context.')
    for _ in range(stars):
        base = ptr_to(base)
    return base


def wrap(value: int, t: CType) -> int:
    """``value`` reduced to ``t``'s width (two's complement for signed types)."""
    if t.size <= 0:
        return value
    bits = 8 * t.size
    value &= (1 << bits) - 1
    if t.signed and value >> (bits - 1):
        value -= 1 << bits
    return value


@dataclass(frozen=True)
class Value:
    type: CType
    value: int
    address: int | None = None      # set for lvalues in memory
    name: str = ""                  # symbol name, for messages

    @property
    def unsigned(self) -> int:
        return self.value & ((1 << (8 * max(self.type.size, 1))) - 1)


EFLAGS_BITS = ((0, "CF"), (2, "PF"), (4, "AF"), (6, "ZF"), (7, "SF"), (8, "TF"), (9, "IF"), (10, "DF"),
               (11, "OF"), (14, "NT"), (16, "RF"), (17, "VM"), (18, "AC"), (19, "VIF"), (20, "VIP"),
               (21, "ID"))


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


def _align(t: CType) -> int:
    """i386 System V ABI alignment (Table 2.1: long long and double align to 4 in the i386 psABI)."""
    if t.is_struct:
        return max((_align(ft) for _, ft, _ in t.fields), default=1)
    if t.is_array and t.target is not None:
        return _align(t.target)
    return min(max(t.size, 1), 4)


def resolve_struct(t: CType) -> CType:
    """A struct type with its members (pointers made before the definition hold a stub)."""
    return STRUCTS.get(t.name, t) if t.is_struct and not t.fields else t


def define_structs(defs: dict[str, list[tuple[str, str, int]]]) -> None:
    """Lay out the program's structs (members in order, each at its alignment)."""
    STRUCTS.clear()
    for name, members in defs.items():
        fields = []
        off = 0
        align = 1
        for mname, ctype, count in members:
            try:
                t = parse_ctype(ctype)
            except DebugError:
                t = INT
            t = resolve_struct(t)
            if count:
                t = array_of(t, count)
            a = _align(t)
            off = (off + a - 1) // a * a
            fields.append((mname, t, off))
            off += t.size
            align = max(align, a)
        size = (off + align - 1) // align * align
        STRUCTS["struct " + name] = CType("struct " + name, size, False, None, tuple(fields))
