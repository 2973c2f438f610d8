"""A file of schema 3 or older keeps 11 registers: its machine had no FPU.  Opened today,
the FPU and SSE registers read as exec left them (control word 0x37f, MXCSR 0x1f80), all
through the run, and its stored checkpoints - whose digests covered the 11 registers - are
still accepted.  Such a file is made here from a new recording of a program that does not
use the FPU, its checkpoints cut to 11 registers and digested as the old writer did."""
from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from events import codes as C
from events.session import open_session
from vmdebug.replay import checkpoints as stored
from vmdebug.replay.timeline import Timeline

ROOT = Path(__file__).resolve().parents[1]

LOOP_S = """\
.intel_syntax noprefix
.globl _start
.data
counter: .long 0
.text
_start:
    mov ecx, 70000
again:
    mov eax, [counter]
    inc eax
    mov [counter], eax
    dec ecx
    jnz again
    mov eax, 1
    mov ebx, 0
    int 0x80
"""


def narrowed(checkpoints: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored checkpoints as a schema 3 writer stored them: 11 registers, digested over them
    (each stores the frames changed since the one before; its digest covers them all)."""
    out, frames = [], {}
    for d in checkpoints:
        frames.update({int(f): blob for f, blob in d["frames"].items()})
        old = dict(d)
        old["regs"] = list(d["regs"][:C.NREGS_V3])
        old["digest"] = stored.digest(old["regs"], d["brk"], {int(v[0]): tuple(v[1:]) for v in d["vmas"]},
                                      [tuple(f) for f in d["stack"]], {int(k): int(v) for k, v in d["pagemap"]},
                                      d["exited"], d["fault"], d["outputs"], sorted(frames.items()), None)
        out.append(old)
    return out


def test_an_old_files_fpu_reads_as_exec_left_it_and_its_checkpoints_hold(tmp_path: Path) -> None:
    src = tmp_path / "loop.s"
    src.write_text(LOOP_S)
    saved = tmp_path / "loop.vmlog"
    subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", str(saved), str(src)], check=True,
                   capture_output=True, timeout=300, cwd=tmp_path)
    sess = open_session(str(saved))
    assert sess.checkpoints and all(len(d["regs"]) == C.NREGS for d in sess.checkpoints)
    assert all(d["regs"][C.FCTRL] == C.FCW_INITIAL and d["regs"][C.MXCSR] == C.MXCSR_INITIAL
               for d in sess.checkpoints)
    nframes = int(sess.header["machine"]["nframes"])
    old = Timeline(sess.log, nframes, end=sess.end, checkpoints=narrowed(sess.checkpoints))
    plain = Timeline(sess.log, nframes, end=sess.end)
    assert old.take_warnings() == []
    rng = random.Random(11)
    for step in sorted({0, 1, old.last, *(rng.randrange(old.last + 1) for _ in range(20))}):
        old.goto(step)
        plain.goto(step)
        assert old.state.regs == plain.state.regs, step
        assert old.state.regs[C.FCTRL] == C.FCW_INITIAL and old.state.regs[C.MXCSR] == C.MXCSR_INITIAL
    assert old.take_warnings() == []
    # The widening and the fold's start agree: a narrow list widens to the registers exec left.
    assert C.widen_regs(sess.checkpoints[0]["regs"][:C.NREGS_V3]) == list(sess.checkpoints[0]["regs"])
    assert C.initial_regs()[C.NREGS_V3:] == C.widen_regs([0] * C.NREGS_V3)[C.NREGS_V3:]
