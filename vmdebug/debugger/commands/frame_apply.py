"""gdb's ``frame apply`` and ``faas``: one command in each of several frames, each run's
output under its frame's line (stack.c frame_apply_command_count)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from vmdebug.debugger.frames import frame_number
from vmdebug.debugger.registry import command
from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.frames import Frame
    from vmdebug.debugger.session import Debugger


def _frames(dbg: "Debugger", arg: str) -> tuple[list["Frame"], str]:
    """The frames ``all | COUNT | -COUNT | level LEVEL...`` names, and the rest of the line."""
    frames = dbg.frames()
    word, _, rest = arg.strip().partition(" ")
    if not word:
        raise DebugError("Missing COUNT argument.")
    if word == "all":
        return frames, rest
    if word == "level":
        chosen: list[Frame] = []
        words = rest.split()
        k = 0
        while k < len(words) and words[k][:1].isdigit():
            lo, _, hi = words[k].partition("-")
            if not lo.isdigit() or (hi and not hi.isdigit()):
                raise DebugError(f"Invalid level: {words[k]}")
            for n in range(int(lo), int(hi or lo) + 1):
                if n >= len(frames):
                    raise DebugError(f"No frame at level {n}.")
                chosen.append(frames[n])
            k += 1
        if not chosen:
            raise DebugError("Missing or invalid LEVEL... argument")
        return chosen, " ".join(words[k:])
    try:
        count = int(word)
    except ValueError:
        raise DebugError("Invalid COUNT argument.") from None
    return (frames[:count] if count >= 0 else frames[count:]), rest


def frame_apply(dbg: "Debugger", arg: str, flags: str = "") -> None:
    """Each frame in turn selected, the command run with its output captured, then printed
    under the frame's line (-q: without it); an error ends the whole unless -c (print it
    and go on) or -s (skip that frame silently).  The selected frame comes back after."""
    frames, rest = _frames(dbg, arg)
    rest = rest.strip()
    while rest.startswith("-"):
        flag, _, rest = rest.partition(" ")
        if flag not in ("-q", "-c", "-s", "--"):
            raise DebugError(f"Unrecognized option at: {flag} {rest}".rstrip())
        flags += flag[1:]
        rest = rest.strip()
        if flag == "--":
            break
    if not rest:
        raise DebugError("Please specify a command to apply on the selected frames")
    saved = dbg.frame_level
    try:
        for f in frames:
            dbg.frame_level = f.level
            with dbg.out.captured() as lines:
                ok = dbg.execute(rest)
            if not ok and "s" in flags:
                continue
            if "q" not in flags:
                dbg.write(frame_number(f.level) + dbg.frame_line(f))
            if lines and lines[-1] == "":
                lines.pop()
            if ok or "c" in flags:
                dbg.lines_out(lines)
                continue
            dbg.lines_out(lines[:-1])
            raise DebugError(lines[-1] if lines else "")
    finally:
        dbg.frame_level = saved


@command("faas", category="stack", needs="stack", example="p $pc")
def cmd_faas(dbg: "Debugger", arg: str) -> None:
    """Run a command in every frame where it works (frame apply all -s).

    Usage: faas COMMAND"""
    frame_apply(dbg, "all " + arg, "s")
