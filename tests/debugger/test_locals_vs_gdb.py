"""``info locals`` and ``bt full`` against gdb 13 on the native -O2 build: a local gcc folded
into a constant given as a block (a long double) is a LOC_CONST_BYTES symbol, which gdb's
iterate_over_block_locals does not list; one given as a number is listed; ``print`` shows
both."""
from __future__ import annotations

from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
#include <stdio.h>

__attribute__((noinline)) int show(int k)
{
    return printf("%d\\n", k);
}

int main(void)
{
    unsigned long long big = 0x123456789abcdefULL;
    long double ld = 3.25L;
    char c = 'Z';
    show((int)ld + (int)big + c);
    printf("%llu %c %d\\n", big, c, (int)ld);
    return 0;
}
"""


def test_block_constants_are_not_listed_as_in_gdb(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "consts", SOURCE, ["break show", "run", "bt full", "up", "info locals",
                                                          "p ld", "p big"], "2")
    assert "big = 81985529216486895" in gdb and "ld = " not in gdb and "$1 = 3.25" in gdb, gdb
    assert ours.splitlines() == gdb.splitlines()
