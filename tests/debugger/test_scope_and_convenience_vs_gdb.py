"""``::NAME`` and ``FUNC::NAME`` (c-exp.y's scope operator) and the debugger's own
variables - ``$a++`` on a convenience variable, an array assigned to one decaying to a
pointer, ``$bpnum``, ``$_hit_bpnum``, ``$_thread`` - print what gdb 13 prints, compared
with the real gdb, at -O0 and -O2 (where the program's values are constants or gone, and
after the exit there is no frame for FUNC's locals)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dbgprogs import gdb_and_ours

SOURCE = """\
int gcount = 42;
static int hidden = 5;
int table[3] = {1, 2, 3};
int fill(int n)
{
    static int calls = 0;
    int gcount = 7;
    calls++;
    if (n > 0)
        return fill(n - 1) + gcount;
    return calls;
}
int other(void) { int z = 3; return z; }
int main(void)
{
    return fill(3) + other() + hidden;
}
"""

SCRIPT = [
    "p $bpnum", "p $_thread", "p $_inferior", "break 11", "p $bpnum", "tbreak other", "p $bpnum", "run",
    "p $_siginfo", "p $_siginfo.si_code",
    "p $_hit_bpnum", "p $_hit_locno", "p $_thread", "p gcount", "p ::gcount", "p fill::calls", "p fill::gcount",
    "p fill::n", "p ::hidden", "p other::z", "p fill::nosuch", "p nosuch::x", "p ::nosuch", "up 2", "p gcount",
    "p fill::gcount", "p ::gcount + fill::calls", "whatis fill::calls", "p &fill::calls",
    "set $a = 5", "p $a++", "p $a", "p ++$a", "p $a--", "p --$a", "set $c = (char)127", "p ++$c",
    "set $f = 1.5", "p $f++", "p $f", "set $arr = table", "p $arr", "whatis $arr", "p $arr[1]", "set $m = main",
    "p $m", "set $p = (int *)8", "p ++$p", "continue", "continue", "p $_thread", "p $_hit_bpnum", "p ::gcount",
    "p fill::n", "p fill::calls",
]


@pytest.mark.parametrize("opt", ["0", "2"])
def test_scope_operator_and_convenience_variables_read_as_gdbs(tmp_path: Path, opt: str) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "sc", SOURCE, SCRIPT, opt)
    assert "$1 = void" in gdb, gdb
    norm = lambda text: re.sub(r"process \d+", "process N",  # noqa: E731
                               re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text)).splitlines()
    assert norm(ours) == norm(gdb)
