"""What ``info frame`` says about a frame's base and registers, worked out as gdb 13 does.

gdb (stack.c info_frame_command_core) asks three things of a frame:

* the address of its arguments and locals: the i386 frame base (i386-tdep.c
  i386_frame_base_address), the base of gdb's prologue-analysis frame cache - the frame's
  %ebp once ``push %ebp; mov %esp,%ebp`` ran, %esp plus what the prologue pushed for a
  function that keeps no frame pointer, 0 ("unknown address") when %ebp is 0;
* the caller's %esp, as the frame's unwinder gives it: the CFA from the call frame
  information ("Previous frame's sp is ..."), a value or a register from the prologue
  analysis ("... in esp" for the outermost frame);
* which of the caller's registers the frame saved in memory, and where ("Saved
  registers:"): the CFI's offset and expression rules, or the prologue's pushes.

The unwinder is gdb's order for i386: the epilogue unwinder at a ``ret`` of code gcc >= 4.5
did not compile (i386_epilogue_frame_sniffer), the DWARF CFI where an FDE covers the frame,
and the prologue analyzer otherwise.  A frame whose unwinder says it is the last one
(``%ebp`` 0, or an undefined return address in its CFI) is "Outermost frame: outermost".
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from events.record import Record
from vmdebug.debugger.frames import memory_reader
from vmdebug.debugger.prologue import ESP, FrameCache, frame_cache

if TYPE_CHECKING:
    from vmdebug.debugger.frames import Frame
    from vmdebug.debugger.session import Debugger

#: gdb's names of the i386 registers by number (also their DWARF numbers, up to eip).
REG_NAMES = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip")


class FrameRegs(Record):
    def __init__(self, base: int, prev_sp: str, saved: list[tuple[str, int]], outermost: bool) -> None:
        self.base = base                # the args' and locals' address (0: unknown)
        self.prev_sp = prev_sp          # "is 0x...", "in esp", or "" (gdb keeps quiet)
        self.saved = saved              # (register, address) in gdb's register order
        self.outermost = outermost      # the unwinder ends the stack at this frame


def frame_regs(dbg: "Debugger", frames: list["Frame"], f: "Frame") -> FrameRegs:
    """``info frame``'s view of frame ``f`` of ``frames`` (not a signal trampoline's).

    An inlined frame has no base of its own (get_frame_args_address: not a NORMAL_FRAME),
    and its registers are where the frame inside it left them (inline_frame_prev_register):
    the CPU's own for frame 0 ("in esp", none in memory), else what that frame saved."""
    if f.is_inline:
        if f.level == 0:
            return FrameRegs(0, "in esp", [], False)
        below = frames[f.level - 1]
        if below.sigtramp:
            return FrameRegs(0, "", [], False)
        inner = frame_regs(dbg, frames, below)
        return FrameRegs(0, inner.prev_sp, inner.saved, False)
    read_or_fail = memory_reader(dbg)

    def read(address: int, size: int) -> bytes | None:
        try:
            return read_or_fail(address, size)
        except MemoryError:
            return None

    func = f.func.address if f.func is not None else 0
    cache = frame_cache(read, func, f.pc, f.regs.get)
    base = cache.base if cache is not None else 0
    dwarf = dbg.debug
    if f.level == 0 and _at_epilogue(dbg, f.pc, read):
        esp = f.regs.get(ESP)
        if esp is not None:
            return FrameRegs(base, f"is {(esp + 4) & 0xFFFFFFFF:#x}", [("eip", esp)], False)
    saved = dwarf.frames.saved(f.lookup, f.regs, read_or_fail) if dwarf is not None else None
    if saved is not None:
        cfa, at, undefined = saved
        regs = [(REG_NAMES[r], a) for r, a in sorted(at.items()) if r < len(REG_NAMES) and r != ESP]
        return FrameRegs(base, f"is {cfa:#x}", regs, undefined)
    if cache is None:
        return FrameRegs(0, "", [], False)
    return FrameRegs(base, _prologue_sp(cache),
                     [(REG_NAMES[r], a) for r, a in sorted(cache.saved_regs.items())
                      if r < len(REG_NAMES) and r != ESP],
                     cache.base == 0)


def _prologue_sp(cache: FrameCache) -> str:
    """i386_frame_prev_register for %esp: the saved value, the register holding it, or
    (nothing known: the outermost frame) the frame's own %esp."""
    if cache.saved_sp or cache.saved_sp_reg is not None:
        if cache.saved_sp == 0 and cache.saved_sp_reg is not None:
            return f"in {REG_NAMES[cache.saved_sp_reg]}"
        return f"is {cache.saved_sp:#x}"
    if ESP in cache.saved_regs:
        return f"at {cache.saved_regs[ESP]:#x}"
    return "in esp"


def _at_epilogue(dbg: "Debugger", pc: int, read: Callable[[int, int], "bytes | None"]) -> bool:
    """i386_stack_frame_destroyed_p: frame 0 at a ``ret``, in code whose unit does not
    vouch for its epilogues' CFI (gcc >= 4.5 does: dwarf2/read.c set_epilogue_unwind_valid)."""
    if read(pc, 1) != b"\xc3":
        return False
    unit = dbg.debug.unit_at(pc) if dbg.debug is not None else None
    return not (unit is not None and dbg.debug.epilogue_unwind_valid(unit))
