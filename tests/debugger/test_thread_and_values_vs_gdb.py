"""``thread``, ``thread N``, ``thread apply all|N [-q] CMD`` (one thread a process) and
``show values [N|+]``, ``info files`` before a run, ``shell`` and ``layout`` in batch print what
gdb 13 prints, compared with the real gdb."""
from __future__ import annotations

import re
from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
struct node { int value; struct node *next; };
struct node second = {20, 0}, first = {10, &second};

int sum(struct node *h)
{
    int s = 0;
    for (; h; h = h->next)
        s += h->value;
    return s;
}

int main(void)
{
    return sum(&first) != 30;
}
"""

SCRIPT = ["info files", "shell echo hi", "layout src", "thread", "thread apply all bt", "break sum", "run", "thread", "thread 1", "thread 2", "thread apply all bt",
          "thread apply 1 p 5", "thread apply all -q p 1", "thread apply all", "thread apply", "p h", "p *h",
          "p h->next->value", "p 5.5", "show values", "show values 3", "show values +", "show values +",
          "p 1", "p 2", "p 3", "p 4", "p 5", "p 6", "p 7", "show values", "show values +", "continue", "thread",
          "thread apply all bt"]


def test_thread_commands_and_show_values_read_as_gdbs(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "th", SOURCE, SCRIPT, "0")
    assert "[Current thread is 1 (process " in gdb and "$8 = 2" in gdb, gdb
    # vmdebug's process is named for the program it was given (th.c): gdb's for its file.
    norm = lambda text: re.sub(r"process \d+", "process N",  # noqa: E731
                               re.sub(r"/th\.c([\"'])", r"/th\1", text.replace('"th.c"', '"th"'))).splitlines()
    assert norm(ours) == norm(gdb)
