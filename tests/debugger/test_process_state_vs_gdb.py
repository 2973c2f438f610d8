"""What gdb 13 says about the process itself, compared with the real gdb on the same
commands: after the program exits (or is killed) there is no stack, no registers and
static memory is the program file's; ``stepi N`` stops at a breakpoint on its way and
compares frames with its last single step; a breakpoint condition reads the stopping
frame even after ``up``; stepping back out of a recursive call prints the line alone;
and gdb's ``record`` / ``record stop`` mark where going back stops."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dbgprogs import gdb_and_ours

FACT = """\
int fact(int n)
{
    if (n <= 1)
        return 1;
    return n * fact(n - 1);
}
int main(void)
{
    return fact(5) - 120;
}
"""

STEPS = """\
int f(int x)
{
    return x + 1;
}
int main(void)
{
    int a = f(1);
    a = a * 3;
    return a;
}
"""

LIST = """\
#include <stdio.h>
#include <stdlib.h>
struct node { int value; struct node *next; };
static int counter;
const char *greeting = "hello";
int data[3] = {7, 8, 9};

int main(int argc, char **argv)
{
    struct node *head = 0;
    for (int i = 0; i < 3; i++) {
        struct node *n = malloc(sizeof *n);
        n->value = i;
        n->next = head;
        head = n;
        counter++;
    }
    if (argc > 1)
        head->next->next->next->value = 1;      /* a crash with an argument */
    printf("%d\\n", head->value);
    return 0;
}
"""

CASES = {
    "conditions_read_the_stopping_frame": (FACT, ["break fact if n == 4", "break fact if n == 2", "run", "up",
                                                  "continue", "bt", "condition 1 n == 1", "up", "finish"], []),
    "stepping_out_of_recursion": (FACT, ["break 6 if n == 1", "run", "next", "bt", "step", "next", "finish"], []),
    "record_marks_where_going_back_stops": (
        FACT, ["record", "record stop", "break main", "run", "record stop", "record", "record full", "rec",
               "break 3 if n == 1", "continue", "reverse-next", "reverse-step", "reverse-step",
               "reverse-continue", "record stop", "reverse-next", "reverse-continue", "tbreak fact", "continue",
               "reverse-finish", "finish"], []),
    "stepi_n_stops_at_breakpoints": (STEPS, ["break 7", "break 8", "run", "stepi 30", "info breakpoints"], []),
    "stepi_n_compares_with_its_last_step": (STEPS, ["break 4", "run", "stepi 3", "tbreak 7", "run", "stepi 4"], []),
    "nothing_left_after_the_exit": (
        LIST, ["run", "bt", "info registers", "p $pc", "info locals", "x/i $pc", "info frame", "up", "finish",
               "next", "p counter", "p data", "p greeting", "p *greeting@3", "p $esp", "p $_exitcode", "info args",
               "frame", "p head", "x/2dw &data", "display counter", "info display", "kill", "stepi", "bt"], []),
    "kill_then_run_again": (LIST, ["break 20", "run", "kill", "bt", "p counter", "kill", "run", "p counter"], []),
    "a_signal_then_nothing": (LIST, ["run", "bt 1", "next", "next", "bt", "info registers eip", "stepi"], ["1"]),
}

ABORT = """\
#include <stdlib.h>
int main(void)
{
    abort();
}
"""


def test_bt_stops_at_main_when_main_ends_in_a_noreturn_call(tmp_path: Path) -> None:
    """At -O2 main's last instruction is the call: its return address is the next
    function's first byte, and gdb's inside_main_func looks at pc - 1."""
    gdb, ours = gdb_and_ours(tmp_path, "ab", ABORT, ["run", "bt", "up 3", "info frame"], "2")
    assert "in main () at ab.c:4" in gdb and "_start" not in gdb, gdb
    norm = lambda text: re.sub(r"(pid=|process )\d+", r"\1N",  # noqa: E731
                               re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text)).splitlines()
    # The libc's sources are not on gdb's machine: it says so where vmdebug lists the line.
    assert [x for x in norm(ours) if not x.startswith("156\t")] == \
        [x for x in norm(gdb) if not x.startswith("156\t")]


@pytest.mark.parametrize("name", sorted(CASES))
def test_process_state_reads_as_gdbs(tmp_path: Path, name: str) -> None:
    source, script, args = CASES[name]
    gdb, ours = gdb_and_ours(tmp_path, "ps", source, script, "0", extra=args)
    assert "=====" in gdb and "Error" not in gdb.split("=====")[0], gdb
    norm = lambda text: re.sub(r"process \d+", "process N",  # noqa: E731
                               re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text)).splitlines()
    assert norm(ours) == norm(gdb)
