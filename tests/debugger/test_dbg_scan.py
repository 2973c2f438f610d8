"""The scan engine and the timeline across many windows (300k steps, live recording):
results must equal a naive step-by-step reading of the log."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from dbgprogs import build, outputs, session
from events import codes as C

BIG_S = """\
.intel_syntax noprefix
.globl _start
.data
flag: .long 0
counter: .long 0
.text
mark:
    ret
_start:
    call mark
    mov dword ptr [flag], 1
    mov ecx, 60000
again:
    mov eax, [counter]
    inc eax
    mov [counter], eax
    dec ecx
    jnz again
    mov dword ptr [flag], 2
    call mark
    mov eax, 1
    mov ebx, 0
    int 0x80
"""


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("big"), BIG_S, "big")


def _naive_eip_steps(log, addr: int) -> list[int]:  # type: ignore[no-untyped-def]
    cols = log.event_cols(0, len(log))
    offs = log.offsets(0, log.nsteps)
    hits = np.flatnonzero((cols[:, 0] == C.REG) & (cols[:, 1] == C.EIP) & (cols[:, 3] == addr))
    return sorted(set((np.searchsorted(offs, hits, side="right") - 1).tolist()))


def test_breakpoints_across_windows_both_ways(big: Path) -> None:
    dbg, cap = session(big)
    assert outputs(dbg, cap, "break mark") == ["Breakpoint 1 at 0x8049000"]
    dbg.execute("run")
    first = dbg.tl.cursor
    dbg.execute("continue")
    second = dbg.tl.cursor
    assert outputs(dbg, cap, "continue") == ["[Inferior 1 (process 1000) exited normally]"]
    assert _naive_eip_steps(dbg.tl.log, 0x8049000) == [first, second]
    assert second - first > 290_000
    assert outputs(dbg, cap, "rc") == ["", "Breakpoint 1, 0x08049000 in mark ()"] and dbg.tl.cursor == second
    dbg.execute("rc")
    assert dbg.tl.cursor == first
    assert outputs(dbg, cap, "rc")[:2] == ["", "No more reverse-execution history."] and dbg.tl.cursor == 0


def test_watchpoint_across_windows(big: Path) -> None:
    dbg, cap = session(big)
    dbg.execute("watch *(int*)&flag")
    assert outputs(dbg, cap, "continue")[3:5] == ["Old value = 0", "New value = 1"]
    a = dbg.tl.cursor
    assert outputs(dbg, cap, "continue")[3:5] == ["Old value = 1", "New value = 2"]
    b = dbg.tl.cursor
    assert b - a > 290_000
    assert outputs(dbg, cap, "reverse-continue")[3:5] == ["Old value = 2", "New value = 1"]
    assert dbg.tl.cursor == b - 1
    assert outputs(dbg, cap, "reverse-continue")[3:5] == ["Old value = 1", "New value = 0"]
    assert dbg.tl.cursor == a - 1


def test_finish_and_reverse_finish_far(big: Path) -> None:
    dbg, cap = session(big)
    dbg.execute("break *0x8049017")   # `again`: inside the long loop
    dbg.execute("run")
    dbg.execute("delete")
    dbg.execute("record goto end")
    assert dbg.tl.last > 300_000
    dbg.execute("break mark")
    dbg.execute("rc")
    assert outputs(dbg, cap, "reverse-finish") == ["0x0804902d in again ()"]
    assert outputs(dbg, cap, "x/i $pc")[0].endswith(":\tcall   0x8049000 <mark>")


def test_incremental_state_equals_checkpoint_state(big: Path) -> None:
    dbg, _ = session(big)
    dbg.execute("record goto end")
    tl = dbg.tl
    rng = random.Random(5)
    targets = [rng.randrange(tl.last + 1) for _ in range(12)] + [tl.last, 0, 1, tl.last - 1]
    for t in targets:
        for step in (t, max(t - 3, 0), min(t + 40_000, tl.last)):
            tl.goto(step)
            ref = tl.history.state_at(step)
            assert tl.state.regs == ref.regs, step
            assert tl.state.pagemap == ref.pagemap, step
            assert tl.state.stack == ref.stack, step
            frames = sorted(set(ref.pagemap.values()))
            for f in frames:
                assert np.array_equal(tl.state.phys[f << 12:(f + 1) << 12], ref.phys[f << 12:(f + 1) << 12]), step


def test_breakpoint_only_scans_skip_windows_exactly(big: Path) -> None:
    """Scans with breakpoints alone skip windows on the raw events; the stops must still be
    every arrival at the address, in both directions, and conditions still apply."""
    dbg, cap = session(big)
    dbg.execute("break *0x8049015")  # `again`: reached once per loop iteration
    dbg.execute("run")
    log = dbg.tl.log
    dbg.tl.record_all()
    hits = _naive_eip_steps(log, 0x8049015)
    assert len(hits) == 60000
    rng = random.Random(5)
    for _ in range(5):
        start = rng.randrange(hits[10], hits[-10])
        dbg.execute(f"record goto {start}")
        dbg.execute("continue")
        assert dbg.tl.cursor == next(h for h in hits if h > start)
        dbg.execute(f"record goto {start}")
        dbg.execute("reverse-continue")
        assert dbg.tl.cursor == max(h for h in hits if h < start)
    dbg.execute("condition 1 $ecx == 12345")
    dbg.execute(f"record goto {log.last_step}")
    dbg.execute("reverse-continue")
    assert dbg.tl.state.regs[C.ECX] == 12345 and dbg.tl.cursor in hits


def test_scans_of_a_saved_session_stop_exactly_at_chunk_edges(big: Path, tmp_path: Path) -> None:
    """A saved session's chunks are decoded lazily and scans end their skipped windows at chunk
    edges (motion._snapped): starting on either side of every edge, both ways, the stops are
    still the naive ones, and a far reverse-continue decodes no chunk it passes over."""
    import subprocess
    import sys

    from vmdebug.debugger.session import open_debugger
    saved = tmp_path / "big.vmlog"
    subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", str(saved), str(big)], check=True,
                   capture_output=True, timeout=300)
    cap: list[str] = []
    dbg = open_debugger(str(saved), [], write=cap.append, error=cap.append)
    log = dbg.tl.log
    assert len(log.chunks) >= 4
    dbg.execute("record goto end")
    dbg.execute("break mark")
    dbg.execute("reverse-continue")
    second = dbg.tl.cursor
    dbg.execute("reverse-continue")
    middle = [i for i, ch in enumerate(log.chunks) if ch.decoded and 0 < i < len(log.chunks) - 2]
    assert not middle, middle
    marks = _naive_eip_steps(log, 0x8049000)
    assert marks == [dbg.tl.cursor, second]
    dbg.execute("break *0x8049015")
    hits = _naive_eip_steps(log, 0x8049015)
    edges = [ch.first_step for ch in log.chunks[1:]]
    for edge in edges:
        for start in (edge - 2, edge - 1, edge, edge + 1):
            for loop_bp in (True, False):
                dbg.execute("enable 2" if loop_bp else "disable 2")
                stops = sorted(marks + (hits if loop_bp else []))
                dbg.execute(f"record goto {start}")
                dbg.execute("continue")
                later = [h for h in stops if h > start]
                assert dbg.tl.cursor == (later[0] if later else log.last_step), (start, loop_bp)
                dbg.execute(f"record goto {start}")
                dbg.execute("reverse-continue")
                earlier = [h for h in stops if h < start]
                assert dbg.tl.cursor == (earlier[-1] if earlier else 0), (start, loop_bp)
