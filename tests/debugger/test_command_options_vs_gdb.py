"""gdb 13's command options against the real gdb on the native build: ``print [OPTION]... --``
(value_print_option_defs: unique prefixes, booleans with and without a value, limits,
gdb's errors, ``p -x`` without ``--`` being an expression), the ``set print`` settings they
share (address, symbol, array, array-indexes, null-stop, union, max-depth, nibbles; the
C++ ones kept), ``set output-radix``, and ``backtrace`` options and qualifiers (-full with a
count, -frame-arguments, -past-main up to _start, qualifier prefixes, a count expression)."""
from __future__ import annotations

from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
#include <string.h>
struct inner { int x, y; };
union u { int i; char c[4]; };
struct outer { int a; struct inner in; struct inner arr[2]; char name[6]; union u un; int *p; };
struct deep { struct outer o; struct { struct inner i2; } w; };
struct outer g = {1, {2, 3}, {{4, 5}, {6, 7}}, "hey", {65}, 0};
struct deep dp;
int garr[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
int same[12] = {0};
char buf[16] = "ab\\0cd";
int mat[2][3] = {{1, 2, 3}, {4, 5, 6}};
int lvl = 3;
int *ptr = &lvl;
void (*fp)(void);
char *str = "hello";
static int leaf(struct outer *t, int n, struct inner s)
{
    int loc = n * 2;
    return t->a + loc + s.x;
}
static int mid(struct outer *t, int depth)
{
    int here = depth + 1;
    struct inner s = {depth, 9};
    if (depth > 0)
        return mid(t, depth - 1) + here;
    return leaf(t, here, s);
}
int main(void)
{
    g.p = &lvl;
    dp.o = g;
    fp = (void (*)(void))leaf;
    memset(same, 0, sizeof same);
    return mid(&g, 1);
}
"""

PRINT_SCRIPT = [
    "break leaf", "run",
    "p -pretty -- g", "p -elements 3 -- garr", "p -e 3 -- garr", "p -raw-values -- lvl",
    "p -array-indexes -- garr", "p -array-indexes -- mat", "p -array-indexes -- /x buf",
    "p -array-indexes -- /c buf", "p -null-stop -- buf", "p -null-stop -elements 1 -- buf",
    "p -repeats 3 -- same", "p -symbol off -- ptr", "p -symbol off -- fp", "p -address off -- ptr",
    "p -address off -- fp", "p -address off -- str", "p -address off -- *t", "p -address off -- leaf",
    "p -address off -- /a ptr", "p -symbol off -- /a ptr", "p -union off -- g", "p -union off -- g.un",
    "p -max-depth 1 -- dp", "p -max-depth 0 -- dp", "p -max-depth -2 -- 1", "p -array -- garr",
    "p -array -- mat", "p -array -- g", "p -array -pretty -- g", "p -pretty -array -- dp",
    "p -nibbles -- /t 1000", "p -nibbles -- /t garr", "p -object -vtbl -static-members -- lvl",
    "p -pretty -- /x g", "p -pretty", "p -pretty --", "p -foo -- 1", "p -r -- 1", "p -a -- 1",
    "p -elements -- 1", "p -elements foo -- 1", "p -elements -1 -- 1", "p -elements 4294967295 -- 1",
    "p -elements unlimited -- garr", "p -pretty maybe -- 1", "p -pretty 2 -- 1", "p -pretty off -- g",
    "p -elements 3 -elements 4 -- garr", "p -- -1", "p -1", "output -pretty -- g", "call -elements 2 -- garr",
]

SET_SCRIPT = [
    "break mid", "run",
    "set print address off", "show print address", "bt", "p &here", "p g", "info breakpoints", "up",
    "set print address on", "set print symbol off", "p ptr", "p/a ptr", "p fp", "set print symbol on",
    "set print null-stop", "show print null-stop", "p buf", "p -null-stop off -- buf", "set print null-stop off",
    "set print union off", "p g.un", "p dp", "set print union on",
    "set print array on", "show print array", "p garr", "p -array off -- garr", "set print array-indexes on",
    "p garr", "set print array off", "set print array-indexes off",
    "set print max-depth 1", "p dp", "set print max-depth unlimited", "show print max-depth",
    "set print max-depth -2", "set print max-depth", "set print max-depth 20",
    "set print nibbles on", "p/t 1000", "set print nibbles off", "set print object on", "show print object",
    "set print a on", "set print nosuch 1", "show print a",
    "set output-radix 16", "show output-radix", "p 255", "p 'a'", "p 1.5", "p garr", "bt 1",
    "set output-radix 2", "set output-radix 10", "show output-radix",
]

BT_SCRIPT = [
    "break leaf", "run",
    "bt -full", "bt -full -2", "bt full -1", "bt -frame-arguments none", "bt -frame-arguments all",
    "bt -frame-arguments presence", "bt -frame-arg all 1", "bt -no-filters", "bt -hide 1", "bt no-filters full 1",
    "bt f 1", "bt -full --", "bt -- -1", "bt -foo", "bt -f", "bt -frame-arguments", "bt -frame-arguments nosuch",
    "bt 1 2", "bt -raw-frame-arguments 1", "bt -past-entry 1",
    "set print frame-arguments all", "bt 1", "frame 1", "set print frame-arguments none", "frame",
    "set print frame-arguments presence", "bt", "set print frame-arguments scalars",
    "show print frame-arguments", "show backtrace past-main", "set backtrace p on",
]


def test_print_options_read_as_gdbs(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "po", SOURCE, PRINT_SCRIPT)
    assert "Ambiguous option at: -r -- 1" in gdb and "{[0] = 1, [1] = 2," in gdb, gdb
    assert ours.splitlines() == gdb.splitlines()


def test_print_settings_shared_with_the_options(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "ps", SOURCE, SET_SCRIPT)
    assert "$1 = (int *) \n" in gdb and "un = {...}" in gdb, gdb
    assert ours.splitlines() == gdb.splitlines()


def test_backtrace_options_read_as_gdbs(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "bo", SOURCE, BT_SCRIPT)
    assert "s={x = 0, y = 9}" in gdb and "leaf (...)" in gdb, gdb
    assert ours.splitlines() == gdb.splitlines()


def test_backtrace_past_main_reaches_the_entry_point(tmp_path: Path) -> None:
    """gdb's _start has no line (the native crt0 has no DWARF); vmdebug's crt0.s has its own."""
    gdb, ours = gdb_and_ours(tmp_path, "pm", SOURCE, ["break leaf", "run", "bt -past-main -2",
                                                      "set backtrace past-main on", "bt -1"], marked=False)
    assert gdb.splitlines()[-1] == "#4  0x08049021 in _start ()" or "in _start ()" in gdb, gdb
    strip = [line.split(" at /vmdebug/libc/crt0.s")[0] for line in ours.splitlines()]
    assert strip == gdb.splitlines()
