"""Stack frames: from the shadow call stack, checked against the ebp chain.

The recording keeps a shadow call stack (every ``call`` pushes (function,
call site, return address, where the return address was stored), every
``ret`` pops), so the list of frames is exact even when the program wrecked
its own stack.  The ebp chain is what a real debugger walks (cdecl, i386
System V ABI: ``[ebp]`` = caller's ebp, ``[ebp+4]`` = return address,
``[ebp+8]`` = first argument); walking it too and comparing shows *where* a
program overwrote a saved ebp or a return address (a stack smash).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from events import codes as C
from vmdebug.debugger.program_info import CFunction, Sym

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger


@dataclass
class Frame:
    level: int
    pc: int
    func: Sym | None
    name: str                    # function name ("??" if unknown)
    ret_slot: int | None         # where this frame's return address is stored
    saved_ret: int | None        # the return address the call pushed (shadow stack)
    cfunc: CFunction | None
    sp: int                      # lowest address of the frame (esp for frame 0)
    fp: int | None = None        # the frame's ebp (from the ebp chain), None if unknown

    @property
    def base(self) -> int | None:
        """The frame's ebp: where its saved ebp is and its locals hang below."""
        return self.fp

    @property
    def args_at(self) -> int | None:
        return None if self.ret_slot is None else self.ret_slot + 4


def build_frames(dbg: "Debugger") -> list[Frame]:
    state = dbg.tl.state
    info = dbg.info
    regs = state.regs
    frames: list[Frame] = []
    stack = list(state.stack)
    pc = regs[C.EIP]
    sp = regs[C.ESP]
    for level in range(len(stack) + 1):
        func = info.function_at(pc)
        entry = stack[-1 - level] if level < len(stack) else None
        name = func.name if func is not None else "??"
        ret_slot = entry[3] if entry else None
        saved_ret = entry[2] if entry else None
        frames.append(Frame(level, pc, func, name, ret_slot, saved_ret, info.cfunction(name), sp))
        if entry is None or name == "main":  # gdb's "backtrace past-main" is off by default
            break
        pc = entry[2]
        sp = entry[3] + 4
    # Each frame's ebp, from the chain: frame 0's is the register once its prologue
    # ran (before that, the register still holds its caller's); each saved ebp at
    # [ebp] is the caller's.  Functions that realign the stack (gcc's main) keep
    # their ebp away from the return address, which is why this is not ret_slot - 4.
    f0 = frames[0]
    fp: int | None = regs[C.EBP]
    start = 0
    if f0.func is not None and not (dbg.uses_frame_pointer(f0.func) and dbg.prologue_done(f0)):
        start = 1
    for f in frames[start:]:
        if fp is None or fp == 0:
            break
        if f.func is not None and not dbg.uses_frame_pointer(f.func):
            break
        f.fp = fp
        fp = dbg.memory.read_u32(fp)
    return frames


def frame_args(dbg: "Debugger", frame: Frame) -> list[tuple[str, str]]:
    """(name, value text) of a C function's parameters in this frame."""
    if frame.cfunc is None or frame.args_at is None:
        return []
    out = []
    addr = frame.args_at
    for p in frame.cfunc.params:
        out.append((p.name, dbg.format_typed(p.ctype, addr)))
        addr += p.size
    return out


def chain_notes(dbg: "Debugger", frames: list[Frame]) -> list[str]:
    """Where the saved return addresses / ebp chain disagree with the calls that were made."""
    notes = []
    mem = dbg.memory
    for f in frames:
        if f.ret_slot is None or f.saved_ret is None:
            continue
        now = mem.read_u32(f.ret_slot)
        if now is not None and now != f.saved_ret:
            notes.append(f"warning: frame #{f.level} ({f.name}): the return address at {f.ret_slot:#010x} was "
                         f"overwritten: it holds {now:#010x}, the call pushed {f.saved_ret:#010x}; "
                         f"`ret` will jump to {now:#010x}")
    # The ebp chain: a saved ebp must point higher up the stack, above the callee's
    # return address (the caller's frame); anything else means it was overwritten.
    for callee, caller in zip(frames, frames[1:]):
        if callee.fp is None or callee.ret_slot is None or callee.func is None:
            continue
        if caller.func is None or not dbg.uses_frame_pointer(caller.func):
            continue  # the caller keeps no frame in ebp (e.g. _start, ebp = 0): nothing to check
        saved = mem.read_u32(callee.fp)
        stack = mem.vma_at(callee.fp)
        if saved is None or stack is None:
            continue
        if not (callee.ret_slot < saved < stack[1]):
            notes.append(f"warning: frame #{callee.level} ({callee.name}): the saved ebp at {callee.fp:#010x} "
                         f"holds {saved:#010x}, which is not a frame higher up the stack: the ebp chain "
                         f"is broken (`leave` will load it into ebp)")
    return notes
