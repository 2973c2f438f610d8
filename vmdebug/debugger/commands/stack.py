"""Examining the stack: backtrace, frame, up, down, info frame."""
from __future__ import annotations

from typing import TYPE_CHECKING

from vmdebug.debugger.frames import chain_notes, frame_args
from vmdebug.debugger.registry import command
from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger


@command("backtrace", aliases=("bt", "where", "ba"), category="stack", example="full")
def cmd_backtrace(dbg: "Debugger", arg: str) -> None:
    """Print the call stack, innermost frame first, with arguments.

    Usage: backtrace [N] [full]
    Frames come from the recorded calls; the saved return addresses and the
    saved-ebp chain on the stack are checked against them, and any
    disagreement (a smashed stack) is reported after the frames."""
    frames = dbg.frames()
    words = arg.split()
    limit = None
    for w in words:
        if w.lstrip("-").isdigit():
            limit = int(w)
    shown = frames if limit is None else (frames[:limit] if limit >= 0 else frames[limit:])
    for f in shown:
        dbg.write(f"#{f.level:<3}{dbg.frame_line(f)}")
        if "full" in words:
            if f.cfunc is None:
                dbg.write("No symbol table info available.")
            else:
                locs = dbg.frame_locals(f)
                for name, ctype, addr in locs:
                    dbg.write(f"        {name} = {dbg.format_typed(ctype, addr)}")
                if not locs:
                    dbg.write("No locals.")
    if limit is not None and 0 <= limit < len(frames):
        dbg.write("(More stack frames follow...)")
    for note in chain_notes(dbg, frames):
        dbg.write(note)


def _print_frame(dbg: "Debugger") -> None:
    f = dbg.selected_frame()
    dbg.write(f"#{f.level}  {dbg.frame_line(f)}")
    line = dbg.source_line(f.pc)
    if line is not None:
        dbg.write(line)


@command("frame", aliases=("f",), category="stack", example="0")
def cmd_frame(dbg: "Debugger", arg: str) -> None:
    """Select and print a stack frame (the current one without an argument).

    Usage: frame [N]"""
    if arg.strip():
        n = dbg.eval_int(arg.split()[-1])
        if not 0 <= n < len(dbg.frames()):
            raise DebugError("No frame at level " + arg.strip() + ".")
        dbg.frame_level = n
    _print_frame(dbg)


@command("up", category="stack", example="1")
def cmd_up(dbg: "Debugger", arg: str) -> None:
    """Select the frame that called this one (N frames up).

    Usage: up [N]"""
    n = dbg.eval_int(arg) if arg.strip() else 1
    top = len(dbg.frames()) - 1
    if dbg.frame_level >= top and n > 0:
        raise DebugError("Initial frame selected; you cannot go up.")
    dbg.frame_level = min(dbg.frame_level + n, top)
    _print_frame(dbg)


@command("down", aliases=("do", "dow"), category="stack", example="1")
def cmd_down(dbg: "Debugger", arg: str) -> None:
    """Select the frame this one called (N frames down).

    Usage: down [N]"""
    n = dbg.eval_int(arg) if arg.strip() else 1
    if dbg.frame_level == 0 and n > 0:
        raise DebugError("Bottom (innermost) frame selected; you cannot go down.")
    dbg.frame_level = max(dbg.frame_level - n, 0)
    _print_frame(dbg)


@command("info frame", aliases=("info f",), category="stack")
def cmd_info_frame(dbg: "Debugger", arg: str) -> None:
    """Describe the selected frame: where it is, its return address, args, saved registers.

    Usage: info frame"""
    frames = dbg.frames()
    f = dbg.selected_frame()
    cfa = f.ret_slot + 4 if f.ret_slot is not None else None
    loc = dbg.info.line_for(f.pc)
    where = f" ({dbg.info.short_file(loc[0])}:{loc[1]})" if loc else ""
    dbg.write(f"Stack level {f.level}, frame at {cfa:#x}:" if cfa is not None else f"Stack level {f.level}, frame at 0x0:")
    saved = f"{f.saved_ret:#x}" if f.saved_ret is not None else "<not saved>"
    dbg.write(f" eip = {f.pc:#x} in {f.name}{where}; saved eip = {saved}")
    links = []
    caller = frames[f.level + 1] if f.level + 1 < len(frames) else None
    if caller is not None and caller.ret_slot is not None:
        links.append(f"called by frame at {caller.ret_slot + 4:#x}")
    if f.level > 0 and frames[f.level - 1].ret_slot is not None:
        links.append(f"caller of frame at {frames[f.level - 1].ret_slot + 4:#x}")
    if links:
        dbg.write(" " + ", ".join(links))
    elif f.ret_slot is None:
        dbg.write(" Outermost frame: outermost")
    if loc is not None:
        dbg.write(f" source language {'c' if loc[0].endswith('.c') else 'asm'}.")
    if f.base is not None:
        args = ", ".join(f"{n}={v}" for n, v in frame_args(dbg, f))
        dbg.write(f" Arglist at {f.base:#x}, args: {args}")
        dbg.write(f" Locals at {f.base:#x}, Previous frame's sp is {f.ret_slot + 4:#x}"
                  if f.ret_slot is not None else f" Locals at {f.base:#x}")
        dbg.write(" Saved registers:")
        dbg.write(f"  ebp at {f.base:#x}" + (f", eip at {f.ret_slot:#x}" if f.ret_slot is not None else ""))
    else:
        dbg.write(" Arglist at unknown address.")
        dbg.write(" Locals at unknown address, Previous frame's sp in esp")


@command("info locals", category="stack")
def cmd_info_locals(dbg: "Debugger", arg: str) -> None:
    """The local variables of the selected frame, with their values at this step.

    Usage: info locals
    Names and stack slots come from gcc's own annotations of the C source (-fverbose-asm)."""
    f = dbg.selected_frame()
    if f.cfunc is None:
        raise DebugError("No symbol table info available.")
    locs = dbg.frame_locals(f)
    if not locs:
        dbg.write("No locals.")
    for name, ctype, addr in locs:
        dbg.write(f"{name} = {dbg.format_typed(ctype, addr)}")


@command("info args", category="stack")
def cmd_info_args(dbg: "Debugger", arg: str) -> None:
    """The arguments of the selected frame.

    Usage: info args"""
    f = dbg.selected_frame()
    if f.cfunc is None:
        raise DebugError("No symbol table info available.")
    args = frame_args(dbg, f)
    if not args:
        dbg.write("No arguments.")
    for name, val in args:
        dbg.write(f"{name} = {val}")
