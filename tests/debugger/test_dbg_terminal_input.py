"""The recorded program reads a terminal (here a pty) only when a command needs the step
that reads it: the debugger records ahead, yet the program asks for input where gdb's
inferior would.  Ctrl-C while it waits leaves the read undone."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from dbgprogs import Captured, outputs
from vmdebug.debugger.launch import Input
from vmdebug.debugger.session import Debugger, open_debugger

PROGRAM = r"""#include <stdio.h>
int counter;
int main(void)
{
    char name[64];
    counter = 1;
    printf("name? ");
    if (!fgets(name, sizeof name, stdin))
        return 1;
    counter = 2;
    printf("hello, %s", name);
    return 0;
}
"""


def _debugger(tmp_path: Path) -> tuple[Debugger, Captured, int]:
    src = tmp_path / "ask.c"
    src.write_text(PROGRAM)
    master, slave = os.openpty()          # a terminal in canonical mode, as a shell leaves it
    cap = Captured()
    dbg = open_debugger(str(src), [], cap.write, cap.error, cap.output, layout="compat",
                        stdin=Input(os.fdopen(slave, "rb", buffering=0)))
    return dbg, cap, master


def test_the_program_asks_only_when_a_command_gets_to_the_read(tmp_path: Path) -> None:
    dbg, cap, master = _debugger(tmp_path)
    try:
        outputs(dbg, cap, "break 7")
        shown = outputs(dbg, cap, "run")
        assert shown[-2:] == ["Breakpoint 1, main () at ask.c:7", '7\t    printf("name? ");']
        assert dbg.tl.process.stdin.consumed == 0
        # history looks at the whole run, but only up to the read: it does not wait for input.
        assert outputs(dbg, cap, "history &counter")[-1].startswith(">")
        assert dbg.tl.process.stdin.consumed == 0
        os.write(master, b"Ada\n")
        shown = outputs(dbg, cap, "continue")
        assert shown == ["name? ", "hello, Ada", "[Inferior 1 (process 1000) exited normally]"]
        assert dbg.tl.process.stdin.consumed == 4
        assert outputs(dbg, cap, "show stdin") == [
            "Standard input for future runs of program being debugged is the terminal."]
        # It read the terminal: run records anew, and the program reads it again.
        os.write(master, b"Bob\n")
        assert outputs(dbg, cap, "delete") == []
        assert outputs(dbg, cap, "run") == ["name? ", "hello, Bob", "[Inferior 1 (process 1000) exited normally]"]
    finally:
        os.close(master)


def test_ctrl_c_while_the_program_waits_leaves_the_read_undone(tmp_path: Path) -> None:
    dbg, cap, master = _debugger(tmp_path)
    try:
        timer = threading.Timer(0.5, lambda: setattr(dbg.tl, "interrupted", True))   # the REPL's SIGINT
        timer.start()
        shown = outputs(dbg, cap, "run")
        timer.join()
        assert shown[:3] == ["name? ", "", "Program received signal SIGINT, Interrupt."]
        assert "in sys3" in shown[3] and dbg.tl.cursor == dbg.tl.last
        assert dbg.tl.process.stdin.consumed == 0
        assert outputs(dbg, cap, "p counter") == ["$1 = 1"]
        os.write(master, b"Eve\n")
        assert outputs(dbg, cap, "continue") == ["hello, Eve", "[Inferior 1 (process 1000) exited normally]"]
        outputs(dbg, cap, "reverse-stepi")
        assert outputs(dbg, cap, "p counter") == ["$2 = 2"]
    finally:
        os.close(master)
