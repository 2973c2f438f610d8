"""The stack frames drawn slot by slot, with their values at this step.

cdecl on i386 (System V ABI): above a frame's saved ebp are the return
address ([ebp+4]) and the arguments ([ebp+8], [ebp+12]...); below it the
locals, down to esp.  Each 4-byte slot gets a row: address, value, meaning.
:func:`stack_frames` says it as data (the browser view draws it as boxes) and
:func:`stack_view` as the ``stack`` command's text, so the two never disagree.
"""
from __future__ import annotations

from typing import Callable

from events.record import Record
from vmdebug.debugger.frames import Frame

MAX_SLOTS = 24


class Slot(Record):
    """One 4-byte slot of a frame: its value (None if unreadable) and what it holds."""

    def __init__(self, address: int, value: int | None, what: str, role: str,
                 marks: list[str] | None = None) -> None:
        self.address = address
        self.value = value
        self.what = what  # "return address -> <main+5>", "i = 4 (local)  [ebp-16]", ...
        self.role = role  # "return", "arg", "saved-ebp", "local", "padding" or ""
        self.marks = [] if marks is None else marks  # "esp", "ebp"


class StackFrame(Record):
    def __init__(self, level: int, name: str, outermost: bool, slots: list[Slot], more: int = 0,
                 lower: int = 0) -> None:
        self.level = level
        self.name = name
        self.outermost = outermost  # no recorded call: its bottom is the initial stack
        self.slots = slots
        self.more = more  # slots not shown, down to ``lower``
        self.lower = lower


def stack_frames(frames: list[Frame], esp: int, ebp: int, read_u32: Callable[[int], int | None],
                 label: Callable[[int], str], prologue_done: bool, max_frames: int = 8,
                 slots_of: Callable[[Frame], tuple[dict[int, str], int]] | None = None) -> list[StackFrame]:
    """The frames' slots, innermost first.  ``slots_of(frame)`` names the slots of its
    variables (address -> "name = value") and says how many argument words lie above its
    return address."""
    out: list[StackFrame] = []
    lower = esp
    frames = [f for f in frames if not f.is_inline]
    for f in frames[:max_frames]:
        names, nargs = slots_of(f) if slots_of is not None else ({}, 0)
        if f.ret_slot is None:
            top = min(lower + 4 * 8, 0xFFFFFFFC)
        else:
            top = f.ret_slot + 4 * max(nargs, 0)
        slots: list[Slot] = []
        addr = top
        while addr >= lower and len(slots) < MAX_SLOTS:
            v = read_u32(addr)
            what, role = "", ""
            if f.ret_slot is not None:
                if addr == f.ret_slot:
                    role = "return"
                    what = "return address" + (f" -> {label(v)}" if v is not None and label(v) else "")
                    if f.saved_ret is not None and v != f.saved_ret:
                        what += f"  OVERWRITTEN (the call pushed {f.saved_ret:#010x})"
                elif addr > f.ret_slot:
                    role = "arg"
                    k = (addr - f.ret_slot - 4) // 4
                    name = names.get(addr) or f"arg {k + 1} = {v if v is None or v < 0x80000000 else v - (1 << 32)}"
                    what = f"{name}  [ebp+{addr - f.ret_slot + 4}]"
                elif f.fp is not None and addr == f.fp and (f.level > 0 or prologue_done):
                    role = "saved-ebp"
                    what = "saved ebp (caller's frame)"
                elif f.fp is not None and addr < f.fp:
                    role = "local"
                    off = f.fp - addr
                    what = f"{names[addr]} (local)  [ebp-{off}]" if addr in names else f"local / temporary  [ebp-{off}]"
                elif f.fp is not None and addr > f.fp:
                    role = "padding"
                    what = "alignment padding / saved registers"
            marks = [m for m, r in (("esp", esp), ("ebp", ebp)) if addr == r]
            slots.append(Slot(addr, v, what, role, marks))
            addr -= 4
        more = (addr - lower) // 4 + 1 if addr >= lower else 0
        out.append(StackFrame(f.level, f.name, f.ret_slot is None, slots, more, lower))
        if f.ret_slot is None:
            break
        lower = f.ret_slot + 4 + 4 * nargs
    return out


def stack_view(frames: list[Frame], esp: int, ebp: int, read_u32: Callable[[int], int | None],
               label: Callable[[int], str], prologue_done: bool, max_frames: int = 8,
               slots_of: Callable[[Frame], tuple[dict[int, str], int]] | None = None) -> list[str]:
    """The ``stack`` command's lines (see :func:`stack_frames`)."""
    out: list[str] = []
    for sf in stack_frames(frames, esp, ebp, read_u32, label, prologue_done, max_frames, slots_of):
        out.append(f"frame #{sf.level}: {sf.name}")
        if sf.outermost:
            out.append("  (outermost frame: no recorded call; its bottom is the initial stack)")
        for s in sf.slots:
            text = f"{s.value:#010x}" if s.value is not None else "??????????"
            marks = " ".join(f"<- {m}" for m in s.marks)
            out.append(f"  {s.address:#010x}  {text}  {s.what}{'  ' + marks if marks else ''}".rstrip())
        if sf.more:
            out.append(f"  ... {sf.more} more slots down to {sf.lower:#010x}")
    real = [f for f in frames if not f.is_inline]
    if len(real) > max_frames:
        out.append(f"({len(real) - max_frames} more frames: see bt)")
    return out
