"""Output shapes of gdb 13: ``info registers`` and ``x/FMT``.

Column widths and separators are gdb's (gdb/infcmd.c
``default_print_one_register_info``: the name padded to 15 columns, the raw
value to 19; gdb/printcmd.c ``do_examine``: ``addr:<TAB>v<TAB>v``, 8 items a
line for bytes and halfwords, 4 for words, 2 for giant words).
"""
from __future__ import annotations

from typing import Callable

from events import codes as C
from vmdebug.debugger import fpregs as FP
from vmdebug.debugger import values as V
from vmdebug.debugger.values import DebugError

#: The segment registers in gdb's order; their selectors are the layout's
#: (vmdebug.machine.segments.USER_SELECTORS: what the program itself reads).
SEGMENT_REGS = ("cs", "ss", "ds", "es", "fs", "gs")
GENERAL = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags")


def info_register_line(name: str, value: int | None, label: str = "", real: str = "", bits: int = 32) -> str:
    """One line of ``info registers``; ``value`` None: a register the frame's unwinder cannot
    recover (gdb's default_print_one_register_info, an optimized-out value).  ``real``: the
    register an alias (pc, sp, fp, ps) names, whose type decides the natural column;
    ``bits``: a pseudo-register's width (ax 16, al 8: int16_t, int8_t)."""
    if value is None:
        return f"{name:<15}<not saved>"
    real = real or name
    raw = f"{value:#x}"
    if real in ("esp", "ebp"):
        nat = raw
    elif real == "eip":
        nat = raw + (f" {label}" if label else "")
    elif real == "eflags":
        nat = V.eflags_text(value)
    else:
        nat = str(value - (1 << bits) if value >> (bits - 1) & 1 else value)
    return f"{name:<15}{raw:<19} {nat}"


#: i386's pseudo-registers (i386-tdep.c i386_word_names, i386_byte_names): register, shift, bits.
PSEUDO = {**{n: (r, 0, 16) for n, r in (("ax", "eax"), ("cx", "ecx"), ("dx", "edx"), ("bx", "ebx"),
                                          ("bp", "ebp"), ("si", "esi"), ("di", "edi"))},
          **{n: (r, 0, 8) for n, r in (("al", "eax"), ("cl", "ecx"), ("dl", "edx"), ("bl", "ebx"))},
          **{n: (r, 8, 8) for n, r in (("ah", "eax"), ("ch", "ecx"), ("dh", "edx"), ("bh", "ebx"))}}


def fp_register_line(regs: list[int], name: str) -> str:
    """One x87 or SSE register as gdb's default_print_one_register_info prints it: a float
    register's value then ``(raw 0x...)``; a vector (xmm, mm) in hex only; the others in hex,
    then naturally (mxcsr's flags, fctrl..fop in decimal)."""
    from vmdebug.debuginfo import valprint
    got = FP.value_of(regs, name)
    assert got is not None
    t, data = got
    if t.kind == "float":
        nat = valprint.format_value(t, data, top_level=False)
        return f"{name:<15}{nat:<19} (raw 0x{data[::-1].hex()})"
    raw = valprint.format_value(t, data, fmt="x", top_level=False)
    if t.kind == "union":
        return f"{name:<15}{raw}"
    value = int.from_bytes(data, "little")
    nat = FP.flags_text(value, FP.MXCSR_FLAGS) if t is FP.MXCSR else str(C.signed32(value))
    return f"{name:<15}{raw:<19} {nat}"


def info_registers(regs: list[int | None], names: list[str], label: Callable[[int], str],
                   segments: dict[str, int]) -> list[str]:
    """``info registers [REG|GROUP...]`` (gdb registers_info): registers by name, or the
    registers of a group (general, float, sse, vector, mmx, all).  A general register may be
    None: not saved in the selected frame.  ``segments``: the layout's selectors."""
    if not names:
        names = ["general"]
    out = []
    seg = segments
    alias = {"pc": "eip", "sp": "esp", "fp": "ebp", "ps": "eflags"}
    for raw_name in names:
        name = raw_name[1:] if raw_name.startswith("$") else raw_name
        real = alias.get(name, name)
        if real in GENERAL:
            v = regs[C.REG_IDS[real]]
            out.append(info_register_line(name, v, label(v) if real == "eip" and v is not None else "", real))
        elif real in PSEUDO:
            full, shift, bits = PSEUDO[real]
            v = regs[C.REG_IDS[full]]
            out.append(info_register_line(name, None if v is None else v >> shift & ((1 << bits) - 1),
                                          bits=bits))
        elif real in seg:
            out.append(info_register_line(name, seg[real]))
        elif real == "cr3":
            out.append(info_register_line("cr3", regs[C.CR3] << 12))
        elif real == "orig_eax":
            out.append(info_register_line(name, 0xFFFFFFFF))
        elif real in FP.FP_NAMES:
            out.append(fp_register_line(regs, real))
        elif real in GROUPS:
            out += info_registers(regs, list(GROUPS[real]), label, segments)
        else:
            raise DebugError(f"Invalid register `{name}'")
    return out


#: gdb's register groups for i386 with SSE (i386_register_reggroup_p), in register order.
GROUPS = {"general": (*GENERAL, *SEGMENT_REGS), **FP.GROUPS}
GROUPS["all"] = (*GROUPS["general"], *FP.FP_NAMES)
GROUPS["system"] = ("orig_eax",)
