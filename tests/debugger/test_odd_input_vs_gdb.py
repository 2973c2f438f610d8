"""Odd input answered in gdb 13's words, found by feeding both debuggers the same odd
commands: ``x`` shares its last format with ``print`` (printcmd.c last_format) and
starts from 'x'; a bare ``x`` needs an address from ``x`` or set_next_address, not from
``print``; ``info line *0``; ``struct`` with no tag."""
from __future__ import annotations

import re
from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
#include <stdio.h>
struct pair { int a, b; };
int arr[4] = {5, 3, 9, 1};

int main(void)
{
    struct pair p = {1, 2};
    const char *s = "hello";
    printf("%s %d %d\\n", s, p.a, arr[2]);
    return p.b;
}
"""


def _stack(text: str) -> str:
    return re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text)


def test_x_and_print_share_the_last_format(tmp_path: Path) -> None:
    script = ["break 9", "run", "p arr", "x", "info line 8", "x", "p/d 5", "info line 8", "x", "x/2c s",
              "info line 8", "x", "x/s s", "x", "p/x 1", "x", "p/r 5", "x/i $pc", "p/r 7", "p/c 65", "x &arr",
              "output/x 9", "x &arr", "p/t 3", "x &arr", "x/2 &arr"]
    gdb, ours = gdb_and_ours(tmp_path, "xf", SOURCE, script, "0")
    assert "Argument required (starting display address)." in gdb
    assert _stack(ours) == _stack(gdb)


def test_a_bare_x_first_and_after_print(tmp_path: Path) -> None:
    script = ["x", "p arr", "x", "p/x arr", "x", "break 9", "run", "x", "info breakpoints", "x"]
    gdb, ours = gdb_and_ours(tmp_path, "xb", SOURCE, script, "0")
    assert gdb.count("Argument required (starting display address).") == 4
    assert _stack(ours) == _stack(gdb)


def test_odd_type_and_line_requests(tmp_path: Path) -> None:
    script = ["ptype struct", "ptype union", "whatis enum", "p struct", "p sizeof(struct)", "ptype struct nosuch",
              "ptype struct pair", "info line *0", "info line *4", "break 9", "run", "info line *0", "p 1"]
    gdb, ours = gdb_and_ours(tmp_path, "ot", SOURCE, script, "0")
    assert "No line number information available.\n" in gdb
    assert ours == gdb
