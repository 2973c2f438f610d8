"""Breakpoint numbers read as gdb 13 reads them (vmdebug.debugger.bpnumbers): ``delete``
skips a word that is not a number and warns about 0, ``enable``/``disable`` refuse it in
their own words, ranges ``N-M`` and ``N - M``, ``$`` history and convenience variables,
``ignore``'s and ``condition``'s errors, ``info breakpoints N...``; and ``list`` with an
empty side of its comma."""
from __future__ import annotations

from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
#include <stdio.h>
int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
int twice(int n) { return 2 * n; }

int main(void)
{
    int f = fact(5);
    int t = twice(f);
    printf("%d %d\\n", f, t);
    return 0;
}
"""

NUMBERS = ["break main", "break fact", "break twice", "info breakpoints 2", "info breakpoints foo",
           "info breakpoints 7", "info breakpoints 1-2", "info breakpoints 2 x", "info watchpoints 1",
           "ignore 1 2", "ignore 1 -2", "ignore 1 3 2", "ignore foo 1", "ignore 1", "ignore", "ignore 99 1",
           "ignore $bpnum 4", "info breakpoints", "delete 0 1", "delete 5 x 2", "delete foo",
           "enable count 2", "enable count x 1", "enable count 3 2 3", "enable once foo", "info breakpoints",
           "condition $bpnum n == 1", "condition 1x n", "condition foo", "condition 9 n", "p 3", "disable $",
           "delete $$", "p \"s\"", "enable $", "disable $$2", "set $v = 1.5", "enable $v", "disable $nosuch",
           "enable 2-", "enable .1", "enable 2.", "enable foo", "enable foo-3", "enable 2-foo", "enable 0",
           "enable 3-2", "disable 2.x", "disable 2.1", "info breakpoints", "delete 1-foo", "delete -3",
           "delete 2 - 3", "info breakpoints", "break fact", "delete 1 -9", "info breakpoints"]


def test_breakpoint_numbers_read_as_gdbs(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "bn", SOURCE, NUMBERS, "0")
    for words in ("warning: bad breakpoint number at or near '0'", "inverted range", "negative value",
                  "Inverted breakpoint range at '3-2'", "Bad breakpoint number at or near: '2-'",
                  "Convenience variable must have integer value.", "History value must have integer type.",
                  "Second argument (specified ignore-count) is missing.", "No breakpoint or watchpoint matching '7'."):
        assert words in gdb, words
    assert ours == gdb


def test_list_with_an_empty_side_of_the_comma(tmp_path: Path) -> None:
    script = ["list 1,", "list ,", "list ,5", "list", "list ,twice", "list 8,fact", "list fact,", "break twice",
              "run", "list ,"]
    gdb, ours = gdb_and_ours(tmp_path, "lc", SOURCE, script, "0")
    assert gdb.count("Two empty args do not say what lines to list.") == 2
    assert ours == gdb
