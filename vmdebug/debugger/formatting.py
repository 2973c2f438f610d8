"""Output shapes of gdb 13: ``info registers`` and ``x/FMT``.

Column widths and separators are gdb's (gdb/infcmd.c
``default_print_one_register_info``: the name padded to 15 columns, the raw
value to 19; gdb/printcmd.c ``do_examine``: ``addr:<TAB>v<TAB>v``, 8 items a
line for bytes and halfwords, 4 for words, 2 for giant words).
"""
from __future__ import annotations

from typing import Callable

from events import codes as C
from vmdebug.debugger import values as V
from vmdebug.debugger.values import DebugError

#: Segment registers as Linux sets them for a 32-bit user process (__USER32_CS / __USER_DS on x86-64).
SEGMENT_REGS = (("cs", 0x23), ("ss", 0x2B), ("ds", 0x2B), ("es", 0x2B), ("fs", 0x0), ("gs", 0x0))
GENERAL = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags")


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
        nat = str(value - (1 << 32) if value & 0x80000000 else value)
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
