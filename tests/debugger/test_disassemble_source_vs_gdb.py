"""``disassemble /r``, ``/s`` and the deprecated ``/m`` print what gdb 13 prints: the
opcode bytes padded as gdb pads them, source lines over their code in address order (with
the lines between that have none, the file's name, a line split in two ranges shown
twice) or in line order, and no ``<+N>`` on the padding after a function."""
from __future__ import annotations

from pathlib import Path

import pytest

from dbgprogs import gdb_and_ours

SOURCE = """\
struct node { int value; struct node *next; };
struct node c3 = {3, 0}, c2 = {2, &c3}, c1 = {1, &c2};

int sum(struct node *h)
{
    int s = 0;
    while (h) {
        s += h->value;
        h = h->next;
    }
    return s;
}

int twice(int x) { return 2 * x; }

int main(void)
{
    int total = sum(&c1);
    total = twice(total);
    return total != 12;
}
"""

SCRIPT = ["disassemble /r sum", "disassemble /s sum", "disassemble /rs sum", "disassemble /m sum",
          "disassemble /mr twice", "disassemble /s twice", "disassemble /sr sum,+12", "break sum", "run",
          "disassemble /s", "disassemble /q sum", "disassemble /ms sum"]


@pytest.mark.parametrize("opt", ["0", "2"])
def test_disassemble_modifiers_read_as_gdbs(tmp_path: Path, opt: str) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "ds", SOURCE, SCRIPT, opt)
    assert "ds.c:\n" in gdb and "Invalid disassembly modifier." in gdb, gdb
    assert ours == gdb
