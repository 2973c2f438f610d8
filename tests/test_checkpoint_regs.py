"""``regs_agree`` (a stored checkpoint's registers against the events of its chunk) gives the
answer of reading each register's writes one register at a time, at every kind of step."""
from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from events import codes as C
from events.session import open_session
from vmdebug.replay.checkpoints import regs_agree

ROOT = Path(__file__).resolve().parents[1]


def naive(log, step: int, regs: list[int]) -> bool:  # type: ignore[no-untyped-def]
    lo, hi = log.chunk_span(step)
    cols = log.event_cols(lo, hi)
    cut = log.offset(step + 1) - lo
    switches = np.flatnonzero(cols[:, 0] == C.TASK_SWITCHED)
    k = int(np.searchsorted(switches, cut))
    first = int(switches[k - 1]) + 1 if k else 0
    last = int(switches[k]) if k < len(switches) else len(cols)
    cols, cut = cols[first:last], cut - first
    for r in range(C.NREGS):
        at = [i for i in range(len(cols)) if cols[i, 0] == C.REG and cols[i, 1] == r]
        if not at:
            continue
        before = [i for i in at if i < cut]
        value = int(cols[before[-1], 3]) if before else int(cols[at[0], 2])
        if value != regs[r]:
            return False
    return True


@pytest.mark.parametrize("example", ["recursion_frames.c", "fork_cow.c"])
def test_regs_agree_reads_each_register_as_the_naive_walk(example: str, tmp_path: Path) -> None:
    saved = tmp_path / "s.vmlog"
    subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", str(saved), str(ROOT / "examples" / example)],
                   check=True, capture_output=True, timeout=300, cwd=tmp_path)
    log = open_session(str(saved)).log
    from vmdebug.replay.history import History
    history = History(log, 1 << 12)
    rng = random.Random(7)
    steps = sorted({0, 1, log.last_step, *(rng.randrange(log.last_step + 1) for _ in range(25))})
    for step in steps:
        regs = list(history.state_at(step).regs)
        assert regs_agree(log, step, regs) and naive(log, step, regs), step
        for _ in range(4):
            wrong = list(regs)
            r = rng.randrange(C.NREGS)
            wrong[r] = (wrong[r] + rng.choice([1, 0x80000000, 0xFFFFFFFF])) & 0xFFFFFFFF
            assert regs_agree(log, step, wrong) == naive(log, step, wrong), (step, r)
