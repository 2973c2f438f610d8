"""The debugger's output shapes against the real gdb 13 on the same ELF.

Both run the same commands with ``echo`` markers between them; sections whose
values do not depend on the stack's location (registers other than esp/ebp,
.data, code, breakpoints, frames) must be identical byte for byte.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from dbgprogs import PROG_S, build, run

COMMANDS = [
    "break f", "run", "info registers eax ecx edx ebx esi edi eip eflags cs ss ds es fs gs",
    "x/5i $eip", "p $eax", "p/x $eax", "p/t 5", "p/o 8", "p/c 65", "p/d 0xffffffff", "p/u -1", "p 'A'",
    "p 10/3", "p -1", "p/x -1", "p &val", "p f", "p val", "p $eip", "p $eflags", "p *(int*)($ebp+8)",
    "x/4xw &val", "x/s &msg", "x/2c &msg", "x/4cb &msg", "x/2xh &val", "x/3uw &val", "x/2ow &val",
    "x/2tw &val", "x/2dw &val", "x/xw 0", "bt", "disassemble f", "info breakpoints", "info symbol 0x8049003",
    "finish", "p $eax", "continue", "info registers eip",
]


def _sections(text: str) -> list[str]:
    parts = text.split("=====\n")
    return [p.rstrip("\n") for p in parts[1:]]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str]]:
    tmp = tmp_path_factory.mktemp("vsgdb")
    exe = build(tmp, PROG_S, "prog")
    args = ["gdb", "-nx", "-batch", "-ex", "set startup-with-shell off"]
    for c in COMMANDS:
        args += ["-ex", "echo =====\\n", "-ex", c]
    proc = subprocess.run(args + [str(exe)], capture_output=True, text=True, timeout=60)
    gdb_out = proc.stdout + proc.stderr
    # gdb interleaves stderr (errors) with stdout; run again merged to keep the order.
    proc = subprocess.run(args + [str(exe)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    gdb_out = proc.stdout
    ours_cmds = []
    for c in COMMANDS:
        ours_cmds += ["echo =====\\n", c]
    text, _, _ = run(exe, ours_cmds)
    return _sections(gdb_out + "\n"), _sections(text + "\n")


SAME = [c for c in COMMANDS]


@pytest.mark.parametrize("index", range(len(COMMANDS)), ids=COMMANDS)
def test_same_as_gdb(both: tuple[list[str], list[str]], index: int) -> None:
    gdb, ours = both
    assert len(gdb) == len(COMMANDS), gdb
    g, o = gdb[index], ours[index]
    g = "\n".join(l for l in g.split("\n") if not l.startswith("warning: Error disabling"))
    if COMMANDS[index] == "info breakpoints":  # gdb 13 appends "of /path" nowhere here; exact
        pass
    if COMMANDS[index] == "info symbol 0x8049003":  # gdb names the objfile when the vDSO is loaded
        g = re.sub(r" of /\S+$", "", g)
    if COMMANDS[index] == "p $eflags" or COMMANDS[index] == "continue":
        g = g.replace(" RF ]", " ]")
    assert o == g


EXPRESSIONS = [
    "p sizeof(int)", "p (char)65", "p/x 255", "p 'a' + 1", "p 5 > 3", "p !0", "p ~0", "p 1 ? 2 : 3", "p 07",
    "p 0x10u", "p -5 / 2", "p -5 % 3", "p 1 << 31", "p 0xffffffff", "p 4294967295 + 1", "p (unsigned char)300",
    "p (short)-1", "p/x (short)-1", "p 10 - 20u", "p/t 0", "p/o 0", "p/c 10", "p/d 'A'", "p/x 'A'",
    "p 3 * (2 + 1)", "p 100 / 7 * 7", "p/z 5", "p/a 0", "p $_", "p 2147483647 + 1", "p -2147483648",
    "p (int)3000000000", "p 3000000000", "p/x -1LL", "p 1 == 1 && 2 > 3", "p 6 ^ 3", "p 6 | 1", "p 6 & 3",
    "p 1024 >> 3", "p -1 >> 1", "p 0x80000000 >> 1", "p 1 +", "p )", "p $1 + $2", "p $$", "p $$3",
]


def test_expressions_like_gdb(tmp_path_factory: pytest.TempPathFactory) -> None:
    """C expression evaluation, literal typing and print formats against gdb itself."""
    exe = build(tmp_path_factory.mktemp("expr"), PROG_S, "prog")
    args = []
    for e in EXPRESSIONS:
        args += ["-ex", "echo =====\\n", "-ex", e]
    gdb = subprocess.run(["gdb", "-nx", "-batch", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, timeout=60).stdout
    ours, _, _ = run(exe, [a for a in args if a != "-ex"])
    assert "$15 = 4294967296" in gdb
    assert _sections(ours + "\n") == _sections(gdb)


WATCH_SCRIPT = """\
starti
watch *(int*)&counter
rwatch *(int*)&text
awatch *(int*)&counter
info breakpoints
continue
continue
continue
info breakpoints
delete 2
continue
continue
delete
continue
"""


def test_watchpoints_like_gdb(tmp_path: Path) -> None:
    """Hardware write/read/access watchpoints (several firing at one step) against gdb on the real CPU."""
    from dbgprogs import LOOP_S
    exe = build(tmp_path, LOOP_S, "loop")
    (tmp_path / "w.gdb").write_text(WATCH_SCRIPT)
    gdb = subprocess.run(["gdb", "-nx", "-batch", "-x", str(tmp_path / "w.gdb"), str(exe)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60).stdout
    ours = subprocess.run(["python", "-m", "vmdebug", "debug", "--layout", "compat", "-batch", "-x",
                           str(tmp_path / "w.gdb"), str(exe)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=120).stdout
    assert "2       read watchpoint keep y              *(int*)&text" in gdb
    norm = [re.sub(r"process \d+", "process N", x) for x in (gdb, ours)]
    assert norm[1] == norm[0]


def test_sourced_file_stops_at_the_first_error(tmp_path: Path) -> None:
    exe = build(tmp_path, PROG_S, "prog")
    (tmp_path / "bad.gdb").write_text("p 1\nfoo\np 2\n")
    args = ["-nx", "-batch", "-x", str(tmp_path / "bad.gdb"), str(exe)]
    gdb = subprocess.run(["gdb", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    ours = subprocess.run(["python", "-m", "vmdebug", "debug", *args[1:]], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=60)
    assert ours.stdout == gdb.stdout
    assert ours.returncode == gdb.returncode == 1
