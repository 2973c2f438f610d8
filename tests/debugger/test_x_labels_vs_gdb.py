"""``x`` labels each line's address with the symbol that holds it, data as well as code, by
its ELF name (gdb's do_examine -> print_address, print asm-demangle off: a static local is
``<count.0>``), while a pointer's value names it as the program does (``<count>``).
Against gdb on the native build of the same C file."""
from __future__ import annotations

from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
const char banner[] = "read-only data";
int first = 7;
short table[5] = {1, -2, 3, -4, 5};
char zeros[64];

int tick(void)
{
    static int count;
    return ++count;
}

int main(void)
{
    zeros[3] = (char)first;
    return tick() + table[4] + banner[0];
}
"""

SCRIPT = ["break tick", "run", "x/4dh table", "x/8xw &first", "x/12xb zeros", "x/s banner", "x/2xw &count",
          "p &count", "p/a &count", "x/2a &first", "x/3i $pc", "x/2xw $sp"]


def test_x_labels_read_as_gdbs(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "labels", SOURCE, SCRIPT)
    assert "<table>:" in gdb and "<count.0>:" in gdb and "<count>" in gdb, gdb
    stack = lambda text: [ln for ln in text.splitlines() if not ln.startswith(("0xffff", "0xbfff"))]  # noqa: E731
    assert stack(ours) == stack(gdb)


NEXT_SCRIPT = ["set disassembly-flavor intel", "break tick", "run", "x/2xw &first", "p $_", "p $__", "x/3dh table",
               "p $_", "p $__", "x/2xb table", "p $_", "p $__", "x/2fw &first", "p $_", "p $__", "x/fg table",
               "x/2fb table", "x/2fh table", "x/2f table", "x/s banner", "p $_", "p $__", "x/2i $pc", "p $_",
               "p $__", "x/2c banner", "p $_", "p $__", "display/i $pc", "p $_", "x", "info line tick", "p $_",
               "x", "info breakpoints", "p $_", "x", "ptype $_", "whatis $__", "x/3xw &first", "x", "x"]


def test_x_sets_dollar_underscores_and_goes_on_as_gdbs(tmp_path: Path) -> None:
    """After x, $_ is the last address examined (a pointer to intN_t by unit size) and $__
    its contents (void for strings and instructions); info line and info breakpoints set
    $_ and where a bare x goes on; a bare x repeats the last count; x/f reads floats and
    doubles (and a byte's or halfword's integer)."""
    gdb, ours = gdb_and_ours(tmp_path, "labels", SOURCE, NEXT_SCRIPT)
    assert "(int16_t *) " in gdb and "e-45" in gdb, gdb
    assert ours.splitlines() == gdb.splitlines()
