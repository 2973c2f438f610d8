"""``list`` before the program has stopped anywhere, and ``info line``, against gdb 13 on the
native build at -O0 and -O2.

gdb's first ``list`` shows the lines around main (its first line after the prologue, less
listsize - 1, centred), not the program's entry where the cursor is.  ``info line`` gives
the range of the line-table row holding the line's first statement pc (gcc writes one
source line as several rows), says a line "contains no code" when the row at its address
is another line's, and a line past the last with code is "out of range"."""
from __future__ import annotations

from pathlib import Path

import pytest

from dbgprogs import gdb_and_ours

SOURCE = """\
#include <stdio.h>

struct point { int x, y; };

/* a comment, no code */

__attribute__((noinline)) int scale(struct point p, int k)
{
    int total = 0;
    for (int i = 0; i < k; i++)
        total += p.x * p.y + i;
    return total + p.x * k - p.y / (k + 1);
}

int main(void)
{
    struct point p = {3, 4};
    int r = scale(p, 5);
    printf("%d\\n", r);
    return 0;
}
"""

SCRIPT = ["list", "list", "list -", "info line 12", "info line 11", "info line 5", "info line 1", "info line 99",
          "info line scale", "info line main", "info line scale.c:17", "break scale", "run", "info line", "list",
          "info line *$pc"]


@pytest.mark.parametrize("opt", ["0", "2"])
def test_list_and_info_line_read_as_gdbs(tmp_path: Path, opt: str) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "scale", SOURCE, SCRIPT, opt)
    assert "13\t}" in gdb and "but contains no code." in gdb and "is out of range for" in gdb, gdb
    assert "Breakpoint 1, scale" in gdb, gdb
    assert ours.splitlines() == gdb.splitlines()
