"""The DWARF of ``vmdebug elf`` against readelf, gcc's own DWARF and the real gdb.

The line rows in the file must be exactly the image's LineTable, the C rows
exactly those gcc+as put into a native build, and gdb (batch mode) must
answer line, breakpoint, symbol, type, variable and backtrace questions
about the written ELF exactly as it answers them about the native build of
the same C file: the file carries gcc's whole DWARF.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from vmdebug.commands.objdump import load_image
from vmdebug.toolchain.image import Image

ROOT = Path(__file__).resolve().parents[2]

C_PROGRAM = r"""#include <stdio.h>

static int depth;

static int helper(int x)
{
    depth++;
    return x * 2;               /* HELPER */
}

int fact(int n)
{
    if (n <= 1)
        return helper(1);       /* BASE */
    return n * fact(n - 1);     /* RECURSE */
}

int main(void)
{
    int r = fact(4);
    printf("%d %d\n", r, depth);
    return r % 5;
}
"""


def line_of(marker: str, text: str = C_PROGRAM) -> int:
    """The line holding ``/* marker */`` (or, for code, the text itself)."""
    return next(k + 1 for k, line in enumerate(text.splitlines()) if f"/* {marker} */" in line or marker in line)


def _vmdebug(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], capture_output=True, text=True, cwd=cwd,
                          env=env)


def gdb(elf: Path, *commands: str, cwd: Path | str = "/") -> str:
    """gdb in batch mode (no init files, no debuginfod); stdout and stderr together."""
    argv = ["gdb", "-nx", "-batch", "-ex", "set debuginfod enabled off", "-ex", "set complaints 100"]
    for c in commands:
        argv += ["-ex", c]
    res = subprocess.run([*argv, str(elf)], capture_output=True, text=True, cwd=cwd, timeout=60,
                         env={**os.environ, "DEBUGINFOD_URLS": ""})
    return res.stdout + res.stderr


def normalise(text: str) -> str:
    """Drop what differs from run to run: pids, and stack addresses (the environment gdb
    passes differs with the executable's name)."""
    text = re.sub(r"0xffff[0-9a-f]{4}\b", "0xSTACK", text)
    return re.sub(r"\(process \d+\)", "(process N)", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """prog.c built by the CLI (a relative path, as users type it) at -O0 and -O2, and natively."""
    tmp = tmp_path_factory.mktemp("elf_gdb")
    (tmp / "prog.c").write_text(C_PROGRAM)
    out: dict[str, object] = {"dir": tmp}
    for level in ("0", "2"):
        res = _vmdebug(tmp, "elf", "prog.c", "-O", level, "-o", f"ours{level}")
        assert res.returncode == 0 and res.stderr == "", res.stderr
        res = _vmdebug(tmp, "cc", "--native", "-O", level, "prog.c", "-o", f"native{level}")
        assert res.returncode == 0, res.stderr
        out[f"image{level}"] = load_image(str(tmp / "prog.c"), level)
    return out


def _rows(elf: Path) -> Counter[tuple[str, int, int, bool]]:
    """(file base name, line, address, is_stmt) of every row readelf decodes."""
    text = subprocess.run(["readelf", "--debug-dump=decodedline", "-W", str(elf)], capture_output=True,
                          text=True).stdout
    rows: Counter[tuple[str, int, int, bool]] = Counter()
    for line in text.splitlines():
        m = re.match(r"^(\S+)\s+(\d+)\s+(0x[0-9a-f]+)(?:\s+\d+)?\s*(x?)\s*$", line)
        if m:
            rows[(Path(m.group(1)).name, int(m.group(2)), int(m.group(3), 16), m.group(4) == "x")] += 1
    return rows


def _table_rows(image: Image) -> Counter[tuple[str, int, int, bool]]:
    return Counter((Path(e.file).name, e.line, e.address, e.is_stmt) for e in image.lines.entries)


@pytest.mark.parametrize("level", ["0", "2"])
def test_readelf_decodes_the_dwarf_silently(built: dict[str, object], level: str) -> None:
    elf = built["dir"] / f"ours{level}"  # type: ignore[operator]
    res = subprocess.run(["readelf", "--debug-dump=info,abbrev,aranges,Ranges,rawline,decodedline,frames", "-W",
                          str(elf)], capture_output=True, text=True)
    assert res.returncode == 0 and res.stderr == "" and "Warning" not in res.stdout
    info = res.stdout
    for tag in ("compile_unit", "subprogram", "formal_parameter", "variable", "base_type"):
        assert f"DW_TAG_{tag}" in info
    name = r"\s*: (?:\((?:line_)?strp\) \(offset: (?:0x)?[0-9a-f]+\): |\(string\) )?"
    assert re.search(rf"DW_AT_name{name}prog\.c\n", info)
    assert re.search(rf"DW_AT_comp_dir{name}/vmdebug/src\n", info)  # no path of this machine
    assert re.search(rf"DW_AT_comp_dir{name}/vmdebug/libc/src\n", info)
    assert re.search(rf"DW_AT_name{name}fact\n", info) and "GNU C17" in info
    assert re.search(rf"DW_AT_name{name}/vmdebug/libc/crt0\.s\n", info)   # hand-made, for crt0
    assert "DW_CFA_def_cfa_offset" in info                              # .debug_frame
    assert str(built["dir"]) not in info and "/work" not in info


@pytest.mark.parametrize("level", ["0", "2"])
def test_line_rows_are_the_image_line_table(built: dict[str, object], level: str) -> None:
    image = built[f"image{level}"]
    assert isinstance(image, Image)
    ours = _rows(built["dir"] / f"ours{level}")  # type: ignore[operator]
    assert ours == _table_rows(image)
    assert {f for f, *_ in ours} >= {"prog.c", "crt0.s", "stdio.c", "malloc.c"}   # the libc has C lines


@pytest.mark.parametrize("level", ["0", "2"])
def test_c_rows_are_gccs(built: dict[str, object], level: str) -> None:
    ours = _rows(built["dir"] / f"ours{level}")  # type: ignore[operator]
    native = _rows(built["dir"] / f"native{level}")  # type: ignore[operator]
    # Every C row (the program's and the libc's) is gcc's; crt0.s has rows only in ours.
    assert +Counter({k: v for k, v in ours.items() if k[0] != "crt0.s"}) == native
    assert native


@pytest.mark.parametrize("level", ["0", "2"])
def test_gdb_answers_like_for_the_native_build(built: dict[str, object], level: str) -> None:
    d = built["dir"]
    image = built[f"image{level}"]
    assert isinstance(image, Image)
    base = line_of("BASE")
    queries = ["info line main", f"info line prog.c:{base}", f"break prog.c:{base}", "break fact", "break main",
               "break helper", "break malloc", f"info symbol {image.address_of('fact') + 3:#x}", "list main",
               f"info line *{image.address_of('fact') + 3:#x}", "info functions ^fact$", "ptype fact",
               "whatis depth", "info scope fact", "info address depth", "info types ^FILE$", "ptype FILE",
               "info source", "list malloc"]
    ours = gdb(d / f"ours{level}", *queries, cwd=d)  # type: ignore[operator]
    native = gdb(d / f"native{level}", *queries, cwd=d)  # type: ignore[operator]
    assert ours.replace(f"ours{level}", "X") == native.replace(f"native{level}", "X")
    assert "complaint" not in ours.lower() and "warning" not in ours.lower() and "error" not in ours.lower()
    assert f"{line_of('int fact(int n)')}:\tint fact(int);" in ours
    assert "type = int (int)" in ours
    if level == "0":
        where = re.search(rf"Breakpoint 1 at (0x[0-9a-f]+): file prog.c, line {base}\.", ours)
        assert where is not None and int(where.group(1), 16) == image.lines.first_address("prog.c", base)
    assert "fact + 3 in section .text" in ours
    listed = [f"{k + 1}\t{text}" for k, text in enumerate(C_PROGRAM.splitlines()) if text.strip()]
    assert sum(line in ours.splitlines() for line in listed) >= 6


def test_gdb_runs_it_natively_to_a_line_and_backtraces(built: dict[str, object]) -> None:
    d = built["dir"]
    base, helper, recurse = line_of("BASE"), line_of("HELPER"), line_of("RECURSE")
    cmds = (f"break prog.c:{helper}", "run", "bt", "info frame", "info args", "p depth", "up 2", "info locals",
            "finish", "continue")
    ours = gdb(d / "ours0", *cmds, cwd=d)  # type: ignore[operator]
    assert normalise(ours).replace("ours0", "X") == normalise(gdb(d / "native0", *cmds, cwd=d)).replace(
        "native0", "X")
    bt = [ln for ln in ours.splitlines() if ln.startswith("#")][:6]
    assert [re.sub(r"^#\d+\s+(0x[0-9a-f]+ in )?", "", ln) for ln in bt] == [
        f"helper (x=1) at prog.c:{helper}",
        f"fact (n=1) at prog.c:{base}",
        f"fact (n=2) at prog.c:{recurse}",
        f"fact (n=3) at prog.c:{recurse}",
        f"fact (n=4) at prog.c:{recurse}",
        f"main () at prog.c:{line_of('int r = fact(4);')}",
    ]
    assert "48 1" in ours and "exited with code 03" in ours


def test_gdb_on_assembly_lines(tmp_path: Path) -> None:
    """A hand-written .s: rows for its own lines; gdb breaks on them and names _start."""
    src = ROOT / "examples" / "sum_loop.s"
    res = _vmdebug(tmp_path, "elf", str(src), "-o", "sum")
    assert res.returncode == 0, res.stderr
    image = load_image(str(src))
    text = src.read_text().splitlines()
    line = image.lines.entries[2].line
    out = gdb(tmp_path / "sum", f"break sum_loop.s:{line}", "run", "bt", "info line *$pc", "x/i $pc", "list 1,3")
    addr = image.lines.first_address("sum_loop.s", line)
    assert f"Breakpoint 1 at {addr:#x}: file sum_loop.s, line {line}." in out
    assert re.search(rf"#0  (0x[0-9a-f]+ in )?_start \(\) at sum_loop\.s:{line}", out)
    assert re.search(rf"^=> {addr:#x} <_start\+\d+>:\t{text[line - 1].split()[0]}", out, re.M)
    assert f"1\t{text[0]}" in out                  # the unit's comp_dir is the file's own directory
