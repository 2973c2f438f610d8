"""The DWARF of ``vmdebug elf`` against readelf, gcc's own DWARF and the real gdb.

The line rows in the file must be exactly the image's LineTable, the C rows
exactly those gcc+as put into a native build, and gdb (batch mode) must
answer line, breakpoint, symbol and backtrace questions about the written
ELF as it answers them about the native build of the same C file (apart
from argument values, which need gcc's full DWARF).
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
    """Drop what only gcc's full DWARF or the run gives: argument values, pids."""
    text = re.sub(r"\(process \d+\)", "(process N)", text)
    text = re.sub(r"(args:).*", r"\1", text)
    text = re.sub(r"During symbol reading: incomplete CFI data.*\n", "", text)   # gcc's .debug_frame
    return re.sub(r"(\w+) \([^()]*\) at ", r"\1 () at ", text)


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
    res = subprocess.run(["readelf", "--debug-dump=info,abbrev,aranges,Ranges,rawline,decodedline", "-W",
                          str(elf)], capture_output=True, text=True)
    assert res.returncode == 0 and res.stderr == "" and "Warning" not in res.stdout
    assert "DW_TAG_compile_unit" in res.stdout and "DW_TAG_subprogram" in res.stdout
    info = res.stdout
    form = r"\s*:(?: \(string\))? "
    assert re.search(rf"DW_AT_name{form}prog\.c\n", info)
    assert re.search(rf"DW_AT_comp_dir{form}{built['dir']}\n", info)     # where `vmdebug elf` ran
    assert re.search(rf"DW_AT_name{form}fact\n", info) and "(ANSI C99)" in info


@pytest.mark.parametrize("level", ["0", "2"])
def test_line_rows_are_the_image_line_table(built: dict[str, object], level: str) -> None:
    image = built[f"image{level}"]
    assert isinstance(image, Image)
    ours = _rows(built["dir"] / f"ours{level}")  # type: ignore[operator]
    assert ours == _table_rows(image)
    assert {f for f, *_ in ours} >= {"prog.c", "crt0.s", "stdio.s"}   # the libc's assembly has rows too


@pytest.mark.parametrize("level", ["0", "2"])
def test_c_rows_are_gccs(built: dict[str, object], level: str) -> None:
    ours = _rows(built["dir"] / f"ours{level}")  # type: ignore[operator]
    native = _rows(built["dir"] / f"native{level}")  # type: ignore[operator]
    assert +Counter({k: v for k, v in ours.items() if k[0] == "prog.c"}) == native
    assert native


@pytest.mark.parametrize("level", ["0", "2"])
def test_gdb_answers_like_for_the_native_build(built: dict[str, object], level: str) -> None:
    d = built["dir"]
    image = built[f"image{level}"]
    assert isinstance(image, Image)
    base = line_of("BASE")
    queries = ["info line main", f"info line prog.c:{base}", f"info symbol {image.address_of('fact') + 3:#x}",
               "list main", f"info line *{image.address_of('fact') + 3:#x}"]
    if level == "0":
        # At -O2 gcc's DWARF describes inlined calls (DW_TAG_inlined_subroutine), which moves
        # gdb's breakpoints; ours has no inline records, so compare breakpoints at -O0 only.
        queries[2:2] = [f"break prog.c:{base}", "break fact", "break main", "break helper"]
    ours = gdb(d / f"ours{level}", *queries)  # type: ignore[operator]
    assert ours == gdb(d / f"native{level}", *queries)  # type: ignore[operator]
    # Without gcc's types gdb calls it "void fact();", but at gcc's declaration line.
    assert f"{line_of('int fact(int n)')}:\tvoid fact();" in gdb(d / f"ours{level}", "info functions ^fact$")
    assert "complaint" not in ours.lower() and "warning" not in ours.lower() and "error" not in ours.lower()
    if level == "0":
        where = re.search(rf"Breakpoint 1 at (0x[0-9a-f]+): file prog.c, line {base}\.", ours)
        assert where is not None and int(where.group(1), 16) == image.lines.first_address("prog.c", base)
    assert "fact + 3 in section .text" in ours
    # `list main` found the source although gdb runs in "/": the unit records its comp_dir.
    listed = [f"{k + 1}\t{text}" for k, text in enumerate(C_PROGRAM.splitlines()) if text.strip()]
    assert sum(line in ours.splitlines() for line in listed) >= 6


def test_gdb_runs_it_natively_to_a_line_and_backtraces(built: dict[str, object]) -> None:
    d = built["dir"]
    base, helper, recurse = line_of("BASE"), line_of("HELPER"), line_of("RECURSE")
    cmds = (f"break prog.c:{helper}", "run", "bt", "info frame", "continue")
    ours = gdb(d / "ours0", *cmds)  # type: ignore[operator]
    assert normalise(ours).replace("ours0", "X") == normalise(gdb(d / "native0", *cmds)).replace("native0", "X")
    assert "During symbol reading" not in ours
    bt = [ln for ln in ours.splitlines() if ln.startswith("#")]
    assert [re.sub(r"^#\d+\s+(0x[0-9a-f]+ in )?", "", ln) for ln in bt] == [
        f"helper () at prog.c:{helper}",
        f"fact () at prog.c:{base}",
        f"fact () at prog.c:{recurse}",
        f"fact () at prog.c:{recurse}",
        f"fact () at prog.c:{recurse}",
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
    out = gdb(tmp_path / "sum", f"break sum_loop.s:{line}", "run", "bt", "info line *$pc", "x/i $pc")
    addr = image.lines.first_address(str(src), line)
    assert f"Breakpoint 1 at {addr:#x}: file {src}, line {line}." in out
    assert re.search(rf"#0  (0x[0-9a-f]+ in )?_start \(\) at {re.escape(str(src))}:{line}", out)
    assert re.search(rf"^=> {addr:#x} <_start\+\d+>:\t{text[line - 1].split()[0]}", out, re.M)
