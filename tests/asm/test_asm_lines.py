"""The line table: the same rows as the DWARF line program GNU as builds from .loc."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from asm_tools import GCC_FLAGS, gas, run
from vmdebug.isa.assembler import assemble_text
from vmdebug.isa.lines import LineEntry, LineTable
from vmdebug.toolchain.link import link

C_SOURCE = r"""
int g;
static int helper(int x) {
    int y = x * 3;
    if (y > 10)
        y -= 10;
    return y;
}
int loop(int n) {
    int s = 0;
    for (int i = 0; i < n; i++)
        s += helper(i);
    return s;
}
void _start(void) {
    g = loop(5);
    for (;;) ;
}
"""
ROW = re.compile(r"^(\S+)\s+(\d+)\s+(0x[0-9a-f]+)(?:\s+(\d+))?\s*(x?)\s*$")


def _dwarf_rows(elf: Path) -> Counter[tuple[str, int, int, bool]]:
    rows: Counter[tuple[str, int, int, bool]] = Counter()
    for line in run(["objdump", "--dwarf=decodedline", str(elf)]).splitlines():
        m = ROW.match(line)
        if m:
            rows[(m.group(1), int(m.group(2)), int(m.group(3), 16), m.group(5) == "x")] += 1
    return rows


def test_rows_match_gas_line_program(tmp_path: Path) -> None:
    c = tmp_path / "prog.c"
    c.write_text(C_SOURCE)
    for level in ("0", "1", "2"):
        s = tmp_path / f"prog{level}.s"
        run(["gcc", *GCC_FLAGS, "-g", f"-O{level}", str(c), "-o", str(s)])
        elf = tmp_path / f"prog{level}"
        run(["ld", "-m", "elf_i386", "-static", "-e", "_start", "-o", str(elf), str(gas(s, tmp_path / "p.o"))])
        img = link([assemble_text(s.read_text(), str(s))])
        ours = Counter((Path(e.file).name, e.line, e.address, e.is_stmt) for e in img.lines.entries)
        assert ours == _dwarf_rows(elf), f"-O{level}"
        # Every instruction of the program maps to a line of prog.c.
        start, end = img.section(".text").address, img.section(".text").address + img.section(".text").size
        assert img.lines.lookup(start) is not None and img.lines.lookup(end - 1) is not None
        assert img.lines.lookup(end) is None
        first = img.lines.first_address("prog.c", 16)     # g = loop(5);
        assert first is not None and img.lines.lookup(first) == (str(c), 16)


def test_lookups_and_breakpoint_addresses() -> None:
    table = LineTable([LineEntry(0x100, "a.c", 3), LineEntry(0x104, "a.c", 4), LineEntry(0x104, "a.c", 4, 0, False),
                       LineEntry(0x108, "a.c", 3), LineEntry(0x10c, "a.c", 3), LineEntry(0x110, "dir/b.c", 9)],
                      [(0x100, 0x120)])
    assert table.lookup(0xFF) is None
    assert table.lookup(0x100) == ("a.c", 3)
    assert table.lookup(0x107) == ("a.c", 4)
    assert table.lookup(0x11F) == ("dir/b.c", 9)
    assert table.lookup(0x120) is None
    assert table.addresses("a.c", 3) == [0x100, 0x108]      # 0x10c continues the 0x108 run
    assert table.addresses("b.c", 9) == [0x110]
    assert table.addresses("/src/dir/b.c", 9) == [0x110]
    assert table.addresses("a.c", 99) == []
    assert table.lines_with_code("a.c") == [3, 4]
    assert LineTable.from_dict(table.to_dict()) == table


def test_assembly_without_loc_maps_to_its_own_lines() -> None:
    src = ".intel_syntax noprefix\n.globl _start\n_start:\n  mov eax, 1\n\n  jmp 1f\n1: ret\n"
    img = link([assemble_text(src, "hand.s")])
    assert [(e.line, e.address - img.entry) for e in img.lines.entries] == [(4, 0), (6, 5), (7, 7)]
    assert img.lines.lookup(img.entry + 6) == ("hand.s", 6)
    assert img.sources == {"hand.s": src}
