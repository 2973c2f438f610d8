"""Sessions recorded before the program carried DWARF still open and debug.

``sessions/rf-before-dwarf.vmlog`` was written by vmdebug 0.1 (commit 8f97a74)
recording examples/recursion_frames.c as ``rf.c``: its image has symbols, the
assembler's line table and the sources, no ``.debug_info``, and its libc is
named by the recording machine's install path.  The debugger falls back to
what gdb does for code with lines but no symbols: prologues found by reading
the code, frames without arguments, "No symbol table info available.", and
the libc (recognised by the shape of its names) stepped over.
"""
from __future__ import annotations

from pathlib import Path

from dbgprogs import run

SESSION = Path(__file__).resolve().parent / "sessions" / "rf-before-dwarf.vmlog"


def test_an_old_session_debugs_from_symbols_and_lines() -> None:
    text, _cap, _dbg = run(str(SESSION), ["break factorial", "run", "bt", "info locals", "p n", "next",
                                          "info source"])
    assert text.split("\n") == [
        "Breakpoint 1 at 0x8049041: file rf.c, line 41.",
        "add3(1, 2, 3) = 6", "",
        "Breakpoint 1, factorial () at rf.c:41", "41\t    if (n <= 1)",
        "#0  factorial () at rf.c:41", "#1  0x080490a8 in main () at rf.c:50",
        "No symbol table info available.",
        'No symbol "n" in current context.',
        "43\t    result = n * factorial(n - 1);",
        "Current source file is rf.c", "Located in rf.c", "Contains 52 lines.", "Source language is c."]


def test_an_old_session_steps_over_its_libc() -> None:
    text, _cap, _dbg = run(str(SESSION), ["break 50", "run", "next", "next", "next"])
    assert text.split("\n")[-5:] == [
        '50\t    printf("factorial(5) = %d\\n", factorial(5));', "factorial(5) = 120", "51\t    return 0;",
        "52\t}", "[Inferior 1 (process 1000) exited normally]"]


def test_an_old_sessions_fpu_is_as_exec_left_it() -> None:
    """Its machine had no FPU: the control word and MXCSR read as exec sets them (0x37f,
    0x1f80), as in a session recorded today, not as zeros."""
    text, _cap, _dbg = run(str(SESSION), ["starti", "p $fctrl", "p $mxcsr", "record goto end", "p/x $fctrl"])
    lines = text.split("\n")
    assert "$1 = 895" in lines and "$2 = [ IM DM ZM OM UM PM ]" in lines and lines[-1] == "$3 = 0x37f"
