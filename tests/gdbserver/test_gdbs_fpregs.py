"""The x87 and SSE registers through the gdb server (issue #16): the real gdb attached to
``vmdebug serve`` reads them from the target description and the ``g``/``p`` packets, and
must print what ``vmdebug debug`` prints at the same step (tests/debugger/programs/fpregs.c:
a NaN, a denormal, -inf, a float and an integer pattern in xmm2-xmm7, and -inf, -1/3, 0
and 1 on the x87 stack, with TOP 4).  The comparison with gdb on the native twin is
tests/debugger/test_fpregs_vs_gdb.py."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from gdbsutil import ROOT, ServeProcess, gdb, vmdebug_batch, write_program

SOURCE = (ROOT / "tests" / "debugger" / "programs" / "fpregs.c").read_text()
STOP = next(k + 1 for k, line in enumerate(SOURCE.splitlines()) if "marker = 1;" in line)
COMMANDS = ["info registers xmm0", "p $st0", "p $xmm0.v2_double[0]", "info float", "info all-registers",
            "p $xmm2", "p/x $xmm6", "p $st1", "info registers mxcsr", "p $mxcsr", "info registers vector",
            "p $mm5", "p $orig_eax", "up", "p $xmm3"]


class Env:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.src, self.elf = write_program(tmp, "fpregs.c", SOURCE)
        self.server = ServeProcess(tmp, "fpregs.c")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    e = Env(tmp_path_factory.mktemp("gdbfp"))
    yield e
    e.server.close()


def _after_stop(text: str) -> list[str]:
    lines = text.splitlines()
    start = next(k for k, line in enumerate(lines) if line.startswith(f"{STOP}\t"))
    # gdb's detach at the end, and the error of "up" (vmdebug_batch keeps stdout alone)
    return [line for line in lines[start:] if line not in ("[Inferior 1 (process 1000) detached]",
                                                           "Initial frame selected; you cannot go up.")]


def test_gdb_reads_the_fp_registers_as_vmdebug_shows_them(env: Env) -> None:
    theirs = gdb(env.elf, env.server.port, f"break fpregs.c:{STOP}", "continue", *COMMANDS, cwd=env.tmp)
    ours = vmdebug_batch(env.tmp, "fpregs.c", f"break fpregs.c:{STOP}", "run", *COMMANDS)
    assert "=>R4: Special 0xffff8000000000000000 -Inf" in theirs
    assert "st1            -0.333333333333333333342 (raw 0xbffdaaaaaaaaaaaaaaab)" in theirs
    assert "$2 = 1.25" in theirs
    assert _after_stop(ours) == _after_stop(theirs)
