"""The debugger with several processes: stepping stays in its process, breakpoints stop
in any, a watchpoint and `history` see one process's memory, and `frames` shows the
frames fork shares until a write copies them - forward and backward."""
from __future__ import annotations

import re
from pathlib import Path

from dbgprogs import outputs, session

PROGRAM = """\
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int counter = 10;

int main(void)
{
    int status;
    pid_t pid = fork();
    if (pid == 0) {
        counter += 1;                               /* child writes */
        printf("child %d\\n", counter);
        exit(3);
    }
    counter += 100;                                 /* parent writes */
    waitpid(pid, &status, 0);
    printf("parent %d %d\\n", counter, WEXITSTATUS(status));
    return 0;
}
"""


def _line(marker: str) -> int:
    return next(i for i, text in enumerate(PROGRAM.splitlines(), 1) if marker in text)


def _src(tmp_path: Path) -> Path:
    src = tmp_path / "forked.c"
    src.write_text(PROGRAM)
    return src


def test_next_stays_in_the_parent_and_a_breakpoint_in_the_child_switches(tmp_path: Path) -> None:
    dbg, cap = session(_src(tmp_path))
    outputs(dbg, cap, f"break {_line('pid_t pid = fork()')}")
    outputs(dbg, cap, "run")
    shown = outputs(dbg, cap, "next")
    assert shown[0] == "[Detaching after fork from child process 1001]", shown
    assert shown[-1].startswith(f"{_line('if (pid == 0)')}\t")
    assert dbg.tl.state.pid == 1000
    shown = outputs(dbg, cap, "next")
    assert shown[-1].startswith(f"{_line('parent writes')}\t"), shown
    shown = outputs(dbg, cap, "next")
    assert shown[-1].startswith(f"{_line('waitpid(pid')}\t") and dbg.tl.state.pid == 1000
    assert outputs(dbg, cap, "print counter")[-1] == "$1 = 110"
    # waitpid sleeps while the child runs: `next` over it comes back in the parent
    shown = outputs(dbg, cap, "next")
    parent_line = _line('printf("parent')
    assert "child 11" in shown and shown[-1].startswith(f"{parent_line}\t"), shown
    assert dbg.tl.state.pid == 1000 and outputs(dbg, cap, "print status")[-1] == "$2 = 768"

    outputs(dbg, cap, f"break {_line('child writes')}")
    assert outputs(dbg, cap, "reverse-continue")[-1] == "No more reverse-execution history." or \
        dbg.tl.state.pid == 1000, "detach-on-fork on (gdb's default): no stop in the child"
    outputs(dbg, cap, "set detach-on-fork off")
    outputs(dbg, cap, "record goto end")
    shown = outputs(dbg, cap, "reverse-continue")
    assert "[Switching to process 1001]" in shown and dbg.tl.state.pid == 1001
    assert outputs(dbg, cap, "print counter")[-1] == "$3 = 10"      # its own copy, not the parent's 110
    inferiors = outputs(dbg, cap, "info inferiors")
    assert any(re.match(r"\* 2\s+process 1001", line) for line in inferiors), inferiors
    assert any(re.match(r"  1\s+process 1000", line) for line in inferiors), inferiors
    outputs(dbg, cap, "next")
    assert outputs(dbg, cap, "print counter")[-1] == "$4 = 11"
    history = outputs(dbg, cap, "history counter")
    assert any("0x0000000a -> 0x0000000b" in line for line in history)
    assert not any("0x0000006e" in line for line in history), "the parent's write is not the child's"
    # the parent wrote first and copied the page; the child, left its only user, reused it
    assert not any("copy-on-write" in line for line in history), history
    assert outputs(dbg, cap, "inferior 1")[0] == "[Switching to inferior 1 [process 1000] (forked.c)]"
    history = outputs(dbg, cap, "history counter")
    assert any(re.search(r"copy-on-write: page 0x[0-9a-f]+ of pid 1000 copied from frame", line) for line in history)
    assert any("0x0000000a -> 0x0000006e" in line for line in history), history


def test_a_watchpoint_in_the_parent_ignores_the_childs_copy(tmp_path: Path) -> None:
    dbg, cap = session(_src(tmp_path))
    outputs(dbg, cap, "break main")
    outputs(dbg, cap, "run")
    outputs(dbg, cap, "watch counter")
    shown = outputs(dbg, cap, "continue")
    assert "Old value = 10" in shown and "New value = 110" in shown, shown
    assert dbg.tl.state.pid == 1000


def test_frames_show_what_fork_shares_and_what_a_write_copies(tmp_path: Path) -> None:
    dbg, cap = session(_src(tmp_path))
    outputs(dbg, cap, f"break {_line('if (pid == 0)')}")
    outputs(dbg, cap, "run")                                      # the parent, just after fork
    shown = outputs(dbg, cap, "frames")
    assert any(line.startswith("Processes: 1000 (current), 1001.") for line in shown), shown
    assert any(line.endswith("shared  copy-on-write") for line in shown), shown      # both map it, read-only
    assert any(re.match(r"0x[0-9a-f]+\s+0x[0-9a-f]{8}  2\s+pid 1000 page", line) for line in shown), shown
    assert any("page directory of pid 1001" in line for line in shown)
    assert any("page directory of pid 1000 (CR3)" in line for line in shown)
    faults = outputs(dbg, cap, "info pagefaults")
    assert faults[0].startswith("pid 1000: ") and any(line.startswith("pid 1001: ") for line in faults)
    assert outputs(dbg, cap, "reverse-next")[-1].startswith(f"{_line('pid_t pid = fork()')}\t")
    before = outputs(dbg, cap, "frames")
    assert not any("1001" in line for line in before), "before fork there is one process"


def test_follow_fork_mode_child_steps_into_the_child(tmp_path: Path) -> None:
    dbg, cap = session(_src(tmp_path))
    assert outputs(dbg, cap, "show follow-fork-mode") == [
        'Debugger response to a program call of fork or vfork is "parent".']
    outputs(dbg, cap, "set follow-fork-mode child")
    outputs(dbg, cap, f"break {_line('pid_t pid = fork()')}")
    outputs(dbg, cap, "run")
    shown = outputs(dbg, cap, "next")
    assert shown[:4] == ["[Attaching after process 1000 fork to child process 1001]",
                         "[New inferior 2 (process 1001)]",
                         "[Detaching after fork from parent process 1000]",
                         "[Inferior 1 (process 1000) detached]"], shown
    assert shown[-1].startswith(f"{_line('if (pid == 0)')}\t") and dbg.tl.state.pid == 1001
    assert outputs(dbg, cap, "next")[-1].startswith(f"{_line('child writes')}\t")
    assert outputs(dbg, cap, "print pid")[-1] == "$1 = 0"


def test_explain_names_the_copy_on_write_of_the_step(tmp_path: Path) -> None:
    dbg, cap = session(_src(tmp_path))
    outputs(dbg, cap, f"break {_line('parent writes')}")
    outputs(dbg, cap, "run")
    for _ in range(20):
        outputs(dbg, cap, "stepi")
        text = "\n".join(outputs(dbg, cap, "explain"))
        if "copy-on-write" in text:
            break
    assert re.search(r"At this step: copy-on-write: page 0x[0-9a-f]{8} of pid 1000 copied from frame 0x[0-9a-f]+ "
                     r"to frame 0x[0-9a-f]+\.", text), text
