"""``search``/``forward-search`` and ``reverse-search`` as gdb 13 runs them: from gdb's
last_line_listed (the first line of the last listing; 0 after a stop or a frame's line),
a POSIX basic regular expression, ``$_`` set to the line found, ``list`` going on around it,
the last expression again without an argument, re_comp's words for a bad one."""
from __future__ import annotations

import re
from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
#include <stdio.h>
struct node { int value; struct node *next; };
struct node c = {3, 0}, b = {2, &c}, a = {1, &b};

int sum(struct node *h)
{
    int s = 0;
    while (h) {
        s += h->value;
        h = h->next;
    }
    return s;
}

int main(void)
{
    struct node *head = &a;
    int total = sum(head);
    printf("%d\\n", total);
    return 0;
}
"""

SCRIPT = ["list sum", "search while", "search return", "search nomatch", "reverse-search int",
          "forward-search h->", "p $_", "list", "search", "search [", "search \\(h\\)", "break sum", "run",
          "search h", "rev node", "up", "search total", "next", "list 16,18", "search head", "next", "search head"]


def test_search_reads_as_gdbs(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "se", SOURCE, SCRIPT, "0")
    assert "Expression not found" in gdb and "Unmatched [ or [^" in gdb, gdb
    stack = lambda text: re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text)  # noqa: E731
    assert stack(ours) == stack(gdb)
