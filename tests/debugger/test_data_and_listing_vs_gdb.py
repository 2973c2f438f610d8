"""Data, listing and breakpoint-bookkeeping commands print what gdb 13 prints, compared
with the real gdb on the same commands: enumerators of an anonymous (typedef'd) enum,
``$al`` as gdb's int8_t, gdb's words for operations on the wrong kind of value (and its
shift-count warnings), number tokens gdb refuses, ``list`` centred by listsize with
FILE:LINE and FILE:FUNC in list mode and after ``up``, x-style displays in ``info
display``, ``undisplay N-M``, ``info source``, and ``ignore`` / ``condition`` / ``enable once|count|delete``."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dbgprogs import gdb_and_ours

SOURCE = """\
#include <stdio.h>
#include <string.h>

typedef enum { LOW, MID = 10, HIGH } level_t;
enum { ANON_A = 3, ANON_B } anon_e;
level_t glevel = MID;
const char *greeting = "hello";
double ratio = 0.0;
int data[4] = {9, 8, 7, 6};

int walk(int depth)
{
    int local = depth * 2;
    if (depth == 0)
        return local;
    return local + walk(depth - 1);
}

int main(void)
{
    enum { LOCAL_X = 40, LOCAL_Y } lv = LOCAL_Y;
    level_t l = HIGH;
    char buf[8];
    strcpy(buf, "abc");
    int total = walk(3);
    printf("%d %d %d %s\\n", total, l, lv, buf);
    return total + anon_e;
}
"""

SCRIPT = [
    "info source", "list dl.c:3", "list dl.c:walk", "list walk", "list dl.c:1000", "break 15", "run", "info source", "list", "list", "list -",
    "set listsize 5", "list 20", "list", "list walk", "up", "list", "set listsize 10",
    "p MID", "p/x LOW", "p glevel == MID", "whatis MID", "whatis ANON_A", "p/d HIGH", "p ANON_B", "p anon_e",
    "p MID + 1", "p (level_t)11",
    "p $al", "p $ah", "p/x $al", "p/c $al", "whatis $al", "ptype $eflags", "whatis $eflags",
    "p 3.5 % 2", "p 1.5 & 1", "p -ratio", "p -0.0", "p 1 << 32", "p 1 >> 40", "p 1 << -1", "p 1LL << 40",
    "p ~greeting", "p -greeting", "p *(void *)greeting", "p *$sp", "p ''", "p 0x", "p 12ab",
    "x/2dw &data",
    "display/i $pc", "display/x 255", "display/2xw $sp", "display/s greeting", "display local", "info display",
    "undisplay 1-2", "info display", "display", "undisplay",
    "ignore 1 2", "info breakpoints", "condition 1", "condition 1 depth > 0", "condition 1",
    "enable once 1", "info breakpoints", "continue", "info breakpoints",
    "enable count 2 1", "info breakpoints", "continue", "info breakpoints", "enable delete 1", "info breakpoints",
]


@pytest.mark.parametrize("opt", ["0"])
def test_data_listing_and_bookkeeping_read_as_gdbs(tmp_path: Path, opt: str) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "dl", SOURCE, SCRIPT, opt)
    assert "$1 = MID" in gdb and "ignore next 2 hits" in gdb, gdb
    stack = lambda text: re.sub(r"process \d+", "process N",  # noqa: E731
                                re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text)).splitlines()
    # gdb finds the source in its directory; vmdebug reads it from the session (no path of
    # the recording machine): only "Located in" may differ.
    located = lambda lines: [x for x in lines if not x.startswith("Located in ")]  # noqa: E731
    assert located(stack(ours)) == located(stack(gdb))
