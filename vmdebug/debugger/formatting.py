"""Output shapes of gdb 13: ``print`` values, ``info registers``, ``x/FMT``.

Column widths and separators are gdb's (gdb/infcmd.c
``default_print_one_register_info``: the name padded to 15 columns, the raw
value to 19; gdb/printcmd.c ``do_examine``: ``addr:<TAB>v<TAB>v``, 8 items a
line for bytes and halfwords, 4 for words, 2 for giant words).
"""
from __future__ import annotations

from typing import Callable

from events import codes as C
from vmdebug.debugger import values as V
from vmdebug.debugger.values import DebugError, Value

#: Segment registers as Linux sets them for a 32-bit user process (__USER32_CS / __USER_DS on x86-64).
SEGMENT_REGS = (("cs", 0x23), ("ss", 0x2B), ("ds", 0x2B), ("es", 0x2B), ("fs", 0x0), ("gs", 0x0))
GENERAL = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags")


def reg_value(regs: list[int], name: str) -> Value | None:
    """A register as gdb types it."""
    if name in C.REG_IDS and name != "cr3":
        v = regs[C.REG_IDS[name]]
        if name in ("esp", "ebp"):
            return Value(V.VOID_PTR, v)
        if name == "eip":
            return Value(V.CODE_PTR, v)
        if name == "eflags":
            return Value(V.EFLAGS, v)
        return Value(V.INT, V.wrap(v, V.INT))
    for n, v in SEGMENT_REGS:
        if n == name:
            return Value(V.INT, v)
    return None


Reader = Callable[[int, int], "bytes | None"]


def _char_array(data: bytes) -> str:
    """gdb's char array: one trailing NUL dropped, runs of 10 or more as ``'x' <repeats N times>``."""
    if data.endswith(b"\0"):
        data = data[:-1]
    parts: list[str] = []
    i = 0
    quoted = ""
    while i < len(data):
        j = i
        while j < len(data) and data[j] == data[i]:
            j += 1
        if j - i >= 10:
            if quoted:
                parts.append(f'"{quoted}"')
                quoted = ""
            parts.append(f"'{V.char_repr(data[i])}' <repeats {j - i} times>")
        else:
            quoted += "".join(V.char_repr(b, '"') for b in data[i:j])
        i = j
    if quoted or not parts:
        parts.append(f'"{quoted}"')
    return ", ".join(parts)


def aggregate(v: Value, label: Callable[[int], str], read_string: Callable[[int], bytes | None],
              read: Reader) -> str:
    """A struct as ``{a = 1, next = 0x0}``, an array as ``{1, 2}`` or a string."""
    t = V.resolve_struct(v.type)
    addr = v.address or 0
    if t.is_array and t.target is not None:
        elem = V.resolve_struct(t.target)
        n = t.size // max(elem.size, 1)
        if elem.name in ("char", "unsigned char"):
            data = read(addr, t.size)
            return _char_array(data) if data is not None else f"<error: Cannot access memory at address {addr:#x}>"
        items = [_member(Value(elem, 0, addr + k * elem.size), label, read_string, read) for k in range(min(n, 200))]
        return "{" + ", ".join(items) + ("..." if n > 200 else "") + "}"
    if not t.fields:
        return "<incomplete type>"
    return "{" + ", ".join(f"{name} = {_member(Value(ft, 0, addr + off), label, read_string, read)}"
                           for name, ft, off in t.fields) + "}"


def _member(v: Value, label: Callable[[int], str], read_string: Callable[[int], bytes | None], read: Reader) -> str:
    t = V.resolve_struct(v.type)
    if t.is_struct or t.is_array:
        return aggregate(Value(t, 0, v.address), label, read_string, read)
    data = read(v.address or 0, t.size)
    if data is None:
        return f"<error: Cannot access memory at address {v.address or 0:#x}>"
    val = Value(t, V.wrap(int.from_bytes(data, "little"), t), v.address)
    if t.is_ptr:
        tgt = t.target
        if tgt is not None and tgt.name in ("char", "unsigned char"):
            return natural(val, label, read_string)
        return f"{val.unsigned:#x}"
    return natural(val, label, read_string)


def natural(v: Value, label: Callable[[int], str], read_string: Callable[[int], bytes | None],
            read: Reader | None = None) -> str:
    """A value printed without a format letter."""
    t = V.resolve_struct(v.type)
    if (t.is_struct or t.is_array) and read is not None:
        return aggregate(v, label, read_string, read)
    if t.name == "void":
        return "void"
    if t.name == "i386_eflags":
        return V.eflags_text(v.unsigned)
    if t.name in ("char", "unsigned char", "int8_t"):
        return V.char_text(v.value) if t.name != "int8_t" else str(v.value)
    if t.name == "func" or t.name == "nodebug_text":
        addr = v.value & 0xFFFFFFFF
        lab = label(addr)
        return "{<text variable, no debug info>} " + f"{addr:#x}" + (f" {lab}" if lab else "")
    if t.is_ptr:
        target = t.target
        assert target is not None
        addr = v.unsigned
        if target.name == "func":
            lab = label(addr)
            return f"({t.spelling()}) {addr:#x}" + (f" {lab}" if lab else "")
        if target.name in ("char", "unsigned char") and not addr:
            return "0x0"
        if target.name in ("char", "unsigned char"):
            data = read_string(addr)
            text = f"{addr:#x}"
            if data is None:
                return text + f" <error: Cannot access memory at address {addr:#x}>"
            return text + " " + V.string_text(data)
        return f"({t.spelling()}) {addr:#x}"
    if t.name == "nodebug":
        raise DebugError(f"'{v.name}' has unknown type; cast it to its declared type")
    return str(v.value)


def formatted(v: Value, fmt: str, label: Callable[[int], str],
              read_string: Callable[[int], bytes | None], read: Reader | None = None) -> str:
    """``print/FMT`` of one value."""
    if fmt in ("", "s"):
        return natural(v, label, read_string, read)
    if v.type.name == "void":
        return "void"
    if v.type.name == "nodebug":
        raise DebugError(f"'{v.name}' has unknown type; cast it to its declared type")
    size = v.type.size if v.type.size > 0 else 4
    if fmt == "c":
        return V.char_text(v.value)
    return V.format_int(v.value, size, fmt, label)


def info_register_line(name: str, value: int, label: str = "") -> str:
    """One line of ``info registers``."""
    raw = f"{value:#x}"
    if name in ("esp", "ebp"):
        nat = raw
    elif name == "eip":
        nat = raw + (f" {label}" if label else "")
    elif name == "eflags":
        nat = V.eflags_text(value)
    else:
        nat = str(V.wrap(value, V.INT))
    return f"{name:<15}{raw:<19} {nat}"


def info_registers(regs: list[int], names: list[str], label: Callable[[int], str]) -> list[str]:
    if not names:
        names = [*GENERAL, *(n for n, _ in SEGMENT_REGS)]
    out = []
    seg = dict(SEGMENT_REGS)
    alias = {"pc": "eip", "sp": "esp", "fp": "ebp", "ps": "eflags"}
    for raw_name in names:
        name = raw_name.lstrip("$")
        real = alias.get(name, name)
        if real in C.REG_IDS and real != "cr3":
            v = regs[C.REG_IDS[real]]
            out.append(info_register_line(name, v, label(v) if real == "eip" else ""))
        elif real in seg:
            out.append(info_register_line(name, seg[real]))
        elif real == "cr3":
            out.append(info_register_line("cr3", regs[C.CR3] << 12))
        else:
            raise DebugError(f"Invalid register `{name}'")
    return out


SIZES = {"b": 1, "h": 2, "w": 4, "g": 8}
PER_LINE = {1: 8, 2: 8, 4: 4, 8: 2}


def parse_fmt(spec: str, last_fmt: str, last_size: int) -> tuple[int, str, int]:
    """``/8xw`` -> (count, format, size).  Unspecified parts default as gdb's ``x`` does."""
    count, fmt, size = 1, last_fmt, last_size
    digits = ""
    i = 0
    while i < len(spec) and (spec[i].isdigit() or (spec[i] == "-" and not digits)):
        digits += spec[i]
        i += 1
    if digits:
        count = int(digits)
    size_given = False
    for ch in spec[i:]:
        if ch in SIZES:
            size = SIZES[ch]
            size_given = True
        elif ch in "xduotacfsizr":
            fmt = ch
        else:
            raise DebugError(f'Invalid number "{spec}".' if ch.isdigit() else f'Undefined output format "{ch}".')
    if fmt == "c" and not size_given:
        size = 1
    if fmt == "a" and not size_given:
        size = 4
    if fmt in ("x", "d", "u", "o", "t", "z") and not size_given and last_fmt in ("c", "a", "s", "i"):
        size = 4
    return count, fmt, size
