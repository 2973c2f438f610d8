"""A display or watchpoint keeps the variables its expression was parsed with, as gdb's
parsed expression keeps its symbols: one naming a static local (or a parameter gcc left
without a location) belongs to no block, so it is shown - and watched - everywhere,
read as that variable, not looked up again by name where it is out of scope. Compared
with the real gdb at -O0 and -O2."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dbgprogs import gdb_and_ours

SOURCE = """\
typedef int (*op_t)(int, int);
int add(int a, int b) { return a + b; }
int mul(int a, int b) { return a * b; }

__attribute__((noinline)) int reduce(op_t op, int *v, int n, int init)
{
    int acc = init;
    for (int i = 0; i < n; i++)
        acc = op(acc, v[i]);
    return acc;
}

int fill(int n)
{
    static int calls = 0;
    calls++;
    return n > 0 ? fill(n - 1) : calls;
}

int main(void)
{
    int v[4] = {1, 2, 3, 4};
    op_t ops[2] = {add, mul};
    int r = fill(2);
    for (int k = 0; k < 2; k++)
        r += reduce(ops[k], v, 4, k);
    return r & 0x7f;
}
"""

SCRIPT = ["break fill", "run", "display calls", "display n", "watch calls", "continue", "continue", "continue",
          "continue", "info display", "info watchpoints", "delete", "undisplay", "break reduce", "continue",
          "display/x op", "step", "step", "bt 1", "finish", "info display"]


@pytest.mark.parametrize("opt", ["0", "2"])
def test_displays_and_watchpoints_keep_their_variables(tmp_path: Path, opt: str) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "db", SOURCE, SCRIPT, opt)
    assert "1: calls = " in gdb and "Hardware watchpoint 2: calls" in gdb, gdb
    norm = lambda text: re.sub(r"process \d+", "process N",  # noqa: E731
                               re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text)).splitlines()
    assert norm(ours) == norm(gdb)
