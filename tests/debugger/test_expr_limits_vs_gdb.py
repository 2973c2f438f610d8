"""Expressions at the edges, against the real gdb 13: deep nesting fails where gdb's
parser runs out of stack ("A memory exhausted in expression"), long chains and huge
literals get gdb's answers, and nothing becomes an internal error."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dbgprogs import require_gdb

ROOT = Path(__file__).resolve().parents[2]

CASES = [
    "p " + "(" * 200 + "1" + ")" * 200,
    "p " + "(" * 9996 + "1" + ")" * 9996,
    "p " + "(" * 9997 + "1" + ")" * 9997,
    "p " + "(" * 9999 + "1" + ")" * 9999,
    "p " + "- " * 9998 + "1",
    "p " + "-" * 19990 + "1",
    "p " + "+".join(["1"] * 20000),
    "p " + "1" * 100000,
    "p 99999999999999999999",
    "p 18446744073709551615",
    "p 0x1ffffffffffffffff",
    "p 0x" + "f" * 17,
    "p 1 = 2",
    "p sizeof(struct nosuch)",
    "watch 1",
    "p 1 +",
]


def test_edges_of_expressions_read_like_gdb(tmp_path: Path) -> None:
    require_gdb()
    (tmp_path / "structs.c").write_text((ROOT / "tests" / "debugger" / "corpus" / "structs.c").read_text())
    subprocess.run([sys.executable, "-m", "vmdebug", "elf", "structs.c", "-o", "s"], cwd=tmp_path, check=True,
                   capture_output=True)
    script = "".join(f"echo =====\\n\n{c}\n" for c in CASES)
    # Commands from a pipe: both go on after an error (gdb prints its prompt; vmdebug does not).
    gdb = subprocess.run(["gdb", "-nx", "-q", "s"], input=script, cwd=tmp_path, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    ours = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-q", "structs.c"], input=script,
                          cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=300).stdout
    theirs = [part.replace("(gdb) ", "").strip() for part in gdb.split("=====\n")[1:]]
    mine = [part.strip() for part in ours.split("=====\n")[1:]]
    assert len(theirs) == len(CASES) and "memory exhausted" in theirs[2]
    assert "internal error" not in ours
    for case, expected, got in zip(CASES, theirs, mine):
        assert got == expected, case[:60]
