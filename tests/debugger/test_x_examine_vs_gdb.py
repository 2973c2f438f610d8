"""``x`` as gdb 13's printcmd.c runs it, compared with the real gdb on the same commands:
negative counts (words, strings found back by their NULs, instructions by the line
table), ``x/s`` printed as ``print`` prints a string (repeats, print elements, UTF-8)
with the unit size choosing char16_t or char32_t strings, decode_format's defaults (the
last format and size, a size alone, x's first format printing decimals, a wrong letter
failing after the address), and where a bare ``x`` goes on after ``print``, ``output``
and displays (print_formatted: the end of a value in memory)."""
from __future__ import annotations

from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
#include <stdio.h>

char strs[] = "one\\0two\\0three\\0four";
char rep[40] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabbb";
char utf[] = "caf\\xc3\\xa9 \\xe2\\x82\\xac";
char text[] = "hello world";
int data4[4] = {9, 8, 7, 6};
int *ptr = data4;
struct st { int a; char b[6]; } sv = {1, "xy"};

int step(int i)
{
    data4[i & 3] += i;
    return data4[0];
}

int main(void)
{
    int s = 0;
    for (int i = 0; i < 3; i++)
        s += step(i);
    printf("%s %s %d\\n", strs, text, s);
    return 0;
}
"""


def _check(tmp_path: Path, script: list[str]) -> str:
    gdb, ours = gdb_and_ours(tmp_path, "xexam", SOURCE, script)
    assert ours.splitlines() == gdb.splitlines()
    return gdb


def test_x_negative_counts_read_as_gdbs(tmp_path: Path) -> None:
    """x/-N: words back from the address, strings back by NULs (the character before the
    address ends the first), instructions back by line ranges; a bare x then starts at
    the rewound address, with one item (a negative count is not repeated)."""
    gdb = _check(tmp_path, [
        "break step", "run", "x/-3xw &data4[3]", "p $_", "p $__", "x", "x/-2dw &data4[2]", "x/-xw &data4[1]",
        "x/2xw data4", "x/-3xw", "x/-0xw data4", "x/0xw data4",
        "x/s &strs[14]", "x/-1s &strs[14]", "x/-3s &strs[14]", "x/-2s &strs[15]", "x", "x/2s strs", "x/-2s",
        "x", "p $_", "x/-2s &rep[39]", "set print elements 5", "x/-2s &rep[39]", "set print elements 200",
        "x/-3i step+10", "x", "x/-2i", "x/-3xw 8", "x/-2s 0x10"])
    assert "0x00000009\t0x00000008\t0x00000007" in gdb and '"three"' in gdb, gdb


def test_x_strings_print_as_print_does(tmp_path: Path) -> None:
    """x/s through val_print_string: repeats and print elements, UTF-8 as characters,
    x/sh and x/sw as u"..." and U"...", x/sg warned back to bytes; an unreadable
    string is an <error: ...> inside the line, and x goes on after what was read."""
    gdb = _check(tmp_path, [
        "break step", "run", "x/s rep", "x/s utf", "p utf", "x/2sh text", "x/x", "x/sw rep", "x/2sh utf",
        "x/3sg strs", "set print repeats 3", "x/s rep", "set print elements 5", "x/2s rep",
        "set print elements 200", "set print repeats 10", "x/s 0", "x/2s 0", "p $_", "p $__", "x/4ub utf"])
    assert "'a' <repeats 32 times>, \"bbb\"" in gdb and '"café €"' in gdb and 'u"' in gdb, gdb


def test_x_formats_default_as_decode_format(tmp_path: Path) -> None:
    """decode_format: x's first format prints by the type (decimal), a size alone keeps
    the format (x after i), c and s default to bytes and leave the size at b, a wrong
    format letter fails after the address, a '-' not at the start ends the format."""
    _check(tmp_path, [
        "break step", "run", "x/2 data4", "x/2c rep", "x/x data4", "x/2xh data4", "x/2i main", "x/x data4",
        "x/2s strs", "x/x data4", "x/2a data4", "x/x data4", "x/2c data4", "x/2s data4", "x/2 data4", "x/h data4",
        "x/q data4", "x/2xq data4", "x/2bq data4", "x/3-x data4", "x/r data4", "x/2m data4", "x/fb data4"])


def test_x_goes_on_after_printed_values(tmp_path: Path) -> None:
    """print_formatted: printing a value in memory (print, output, a history value, a
    display) moves x's next address to the byte after it; a register or a computed
    value does not, and $_ stays the last address x examined."""
    _check(tmp_path, [
        "break step", "run", "x/2xw data4", "print text", "x", "p $_", "p ptr", "x", "p data4[1]", "x", "p 5",
        "x", "p $eax", "x", "output sv", "x", "p sv.b", "x", "p main", "x", "p $1", "x", "p", "x",
        "x/2i main", "p data4[0]", "x", "display/2xw data4", "display text", "display/s text", "next", "x",
        "next", "x/2xb", "info display"])
