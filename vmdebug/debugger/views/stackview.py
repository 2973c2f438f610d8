"""The stack frames drawn slot by slot, with their values at this step.

cdecl on i386 (System V ABI): above a frame's saved ebp are the return
address ([ebp+4]) and the arguments ([ebp+8], [ebp+12]...); below it the
locals, down to esp.  Each 4-byte slot gets a row: address, value, meaning.
"""
from __future__ import annotations

from typing import Callable

from vmdebug.debugger.frames import Frame

MAX_SLOTS = 24


def stack_view(frames: list[Frame], esp: int, ebp: int, read_u32: Callable[[int], int | None],
               label: Callable[[int], str], prologue_done: bool, max_frames: int = 8,
               slots_of: Callable[[Frame], tuple[dict[int, str], int]] | None = None) -> list[str]:
    """``slots_of(frame)`` names the slots of its variables (address -> "name = value") and
    says how many argument words lie above its return address."""
    out: list[str] = []
    lower = esp
    frames = [f for f in frames if not f.is_inline]
    for f in frames[:max_frames]:
        names, nargs = slots_of(f) if slots_of is not None else ({}, 0)
        title = f"frame #{f.level}: {f.name}"
        out.append(title)
        if f.ret_slot is None:
            out.append("  (outermost frame: no recorded call; its bottom is the initial stack)")
            top = min(lower + 4 * 8, 0xFFFFFFFC)
        else:
            top = f.ret_slot + 4 * max(nargs, 0)
        rows = []
        addr = top
        while addr >= lower and len(rows) < MAX_SLOTS:
            v = read_u32(addr)
            text = f"{v:#010x}" if v is not None else "??????????"
            what = ""
            if f.ret_slot is not None:
                if addr == f.ret_slot:
                    what = "return address" + (f" -> {label(v)}" if v is not None and label(v) else "")
                    if f.saved_ret is not None and v != f.saved_ret:
                        what += f"  OVERWRITTEN (the call pushed {f.saved_ret:#010x})"
                elif addr > f.ret_slot:
                    k = (addr - f.ret_slot - 4) // 4
                    name = names.get(addr) or f"arg {k + 1} = {v if v is None or v < 0x80000000 else v - (1 << 32)}"
                    what = f"{name}  [ebp+{addr - f.ret_slot + 4}]"
                elif f.fp is not None and addr == f.fp and (f.level > 0 or prologue_done):
                    what = "saved ebp (caller's frame)"
                elif f.fp is not None and addr < f.fp:
                    off = f.fp - addr
                    what = f"{names[addr]} (local)  [ebp-{off}]" if addr in names else f"local / temporary  [ebp-{off}]"
                elif f.fp is not None and addr > f.fp:
                    what = "alignment padding / saved registers"
            marks = []
            if addr == esp:
                marks.append("<- esp")
            if addr == ebp:
                marks.append("<- ebp")
            rows.append(f"  {addr:#010x}  {text}  {what}{'  ' + ' '.join(marks) if marks else ''}".rstrip())
            addr -= 4
        if addr >= lower:
            rows.append(f"  ... {(addr - lower) // 4 + 1} more slots down to {lower:#010x}")
        out.extend(rows)
        if f.ret_slot is None:
            break
        lower = f.ret_slot + 4 + 4 * nargs
    if len(frames) > max_frames:
        out.append(f"({len(frames) - max_frames} more frames: see bt)")
    return out
