"""``printf``, ``echo`` and ``output`` print what gdb 13 prints, byte for byte: the
conversions and their flags, gdb's argument rules (a 4-byte int under ``%f`` reads as a
float's bits, ``%ld`` is 64-bit on gdb's x86-64 host), its error messages, and text that
ends mid-line (``output 5`` then ``echo x`` is ``5x``)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dbgprogs import gdb_and_ours, gdb_reference

SOURCE = """\
#include <stdlib.h>
#include <string.h>
struct node { int value; char name[8]; struct node *next; };
double ratios[3] = {0.5, 1.25, -3.0};
const char *greeting = "hello";
short pts[2] = {3, 4};

int sum(struct node *h)
{
    int s = 0;
    while (h) { s += h->value; h = h->next; }
    return s;
}

int main(void)
{
    struct node *head = 0;
    for (int i = 1; i <= 3; i++) {
        struct node *n = malloc(sizeof *n);
        n->value = 10 * i;
        strncpy(n->name, i == 3 ? "thirty!!" : "small", sizeof n->name);
        n->next = head;
        head = n;
    }
    return sum(head) > 100;
}
"""

SCRIPT = [
    "break sum", "run",
    'printf "%d %s|\\n", h->value, h->name',
    'printf "%5d|%-5d|%05d|%+d|% d|%x|%X|%#x|%#o|%o|%u\\n", 42, 42, 42, 42, 42, 255, 255, 255, 8, 8, -1',
    'printf "%ld %lu %lld %llx %zu %hd %hu\\n", -1, -1, -1, -1, -1, 65537, -1',
    'printf "%c%c%c|%-3c|%3c|\\n", 65, \'b\', 0x143, \'y\', \'z\'',
    'printf "%f %e %g %.2f %10.3f %-10.3e| %G\\n", 1.5, 1.5, 0.0001, ratios[1], ratios[2], 12345.678, 1e20',
    'printf "%f %f %f %lf\\n", 3, (char)3, 3LL, 2.5',
    'printf "%p %10p|%-10p|\\n", 0, 0, 0',
    'printf "%s|%10s|%-10s|%.2s|%5.1s|\\n", greeting, greeting, greeting, greeting, h->next->name',
    'printf "%s %s\\n", 0, "lit"',
    'printf "%d %s\\n", 5, 16',
    'printf "%%d %d%%\\n", 7',
    'printf "%.0d|%.3d|%#.0o|%#x|%x %o\\n", 0, 7, 0, 0, -1, -1',
    'printf "%d %u %d\\n", ratios[0], ratios[2], pts',
    'printf "%d %d\\n", (1,2), 3',
    'printf "no args\\n"',
    'printf "%d\\n"', 'printf "%d\\n", 1, 2', 'printf "%q\\n", 1', 'printf "%*d\\n", 1', 'printf "%n\\n", 1',
    'printf "%#u\\n", 1', 'printf "%+x\\n", 1', 'printf "%V\\n", 1', 'printf "abc', "printf abc", "printf",
    'printf "%d\\n" 5', 'printf "\\q"', 'printf "%d\\n", *h', 'printf "%d\\n", nosuch',
    'printf "%d", 5', "echo |\\n", "output sum", "output h->value", "echo \\n",
    "output 5", "p nosuch", "output 6", "echo abc", "p 1", "output 7",
]


@pytest.mark.parametrize("opt", ["0", "2"])
def test_printf_echo_and_output_read_as_gdbs(tmp_path: Path, opt: str) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "pf", SOURCE, SCRIPT, opt, marked=False)
    gdb = gdb_reference(gdb, f"printf_O{opt}", marked=False)     # (printf's %s of a literal)
    assert "42|42   |00042|+42| 42|ff|FF|0xff|010|10|4294967295" in gdb, gdb
    assert "Unrecognized format specifier 'V' in printf" in gdb
    assert gdb.endswith('5No symbol "nosuch" in current context.\n6abc$1 = 1\n7'), gdb[-200:]
    stack = lambda text: re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text)  # noqa: E731
    assert stack(ours) == stack(gdb)
