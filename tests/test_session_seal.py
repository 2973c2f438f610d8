"""Sealing the log without a Python conversion per field, and the compression level.

``EventLog.seal`` turns the flat list of fields into uint32 columns with
``array('I', list)`` + ``numpy.frombuffer`` (it used ``numpy.array(list)``), and
``end_step`` keeps the ends of steps in fields; the chunks must be exactly what
they were: same boundaries, columns, step index and payloads.  The level zlib
writes at is a choice (events/records.py) that readers do not depend on.
"""
from __future__ import annotations

import hashlib
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from eventgen import Shadow, random_log
from events import codes as C
from events import records
from events.log import FIELDS, ROW, EventLog
from events.session import open_session, save_session

HEADER = {"program": "demo", "argv": ["demo"], "machine": {"nframes": 64}}


class ReferenceLog:
    """What the old log did, spelled out: every row kept as a tuple, steps closed by
    count, and a chunk sealed at the first step end with ``chunk`` events or steps,
    its columns from ``numpy.array(rows, dtype=uint32)``."""

    def __init__(self, chunk: int) -> None:
        self.chunk = chunk
        self.rows: list[tuple[int, ...]] = []
        self.counts: list[int] = []          # events per closed step of the open chunk
        self.extras: list[Any] = []
        self.chunks: list[tuple[int, int, np.ndarray, np.ndarray]] = []   # first step, first event, cols, counts
        self.steps = self.events = 0

    def add(self, code: int, a: int = 0, b: int = 0, c: int = 0, d: int = 0) -> None:
        self.rows.append((code, a, b, c, d))

    def add_extra(self, payload: Any) -> int:
        self.extras.append(payload)
        return len(self.extras) - 1

    def end_step(self) -> None:
        self.counts.append(len(self.rows) - sum(self.counts))
        if sum(self.counts) >= self.chunk or len(self.counts) >= self.chunk:
            self.seal()

    def seal(self) -> None:
        if not self.counts:
            return
        n = sum(self.counts)
        cols = np.array([v for row in self.rows[:n] for v in row], dtype=np.uint32).reshape(-1, FIELDS)
        self.chunks.append((self.steps, self.events, cols, np.array(self.counts, dtype=np.uint32)))
        del self.rows[:n]
        self.steps += len(self.counts)
        self.events += n
        self.counts = []


def generated(log: Any, seed: int, nsteps: int) -> Any:
    sh = Shadow(random.Random(seed), log)
    sh.start()
    for _ in range(nsteps):
        sh.step()
    sh.finish()
    log.seal()
    return log


@pytest.mark.parametrize("seed,nsteps,chunk", [(1, 3000, 64), (2, 5000, 256), (3, 4000, 4096), (4, 300, 1),
                                               (5, 2000, 16)])
def test_sealing_gives_the_columns_the_reference_gives(seed: int, nsteps: int, chunk: int) -> None:
    log = generated(EventLog(chunk_events=chunk), seed, nsteps)
    ref = generated(ReferenceLog(chunk), seed, nsteps)
    assert len(log.chunks) == len(ref.chunks)
    for got, (first_step, first_event, cols, counts) in zip(log.chunks, ref.chunks):
        assert (got.first_step, got.first_event, got.nsteps) == (first_step, first_event, len(counts))
        assert got.cols.dtype == np.uint32 and got.cols.shape == cols.shape
        assert np.array_equal(got.cols, cols)
        assert np.array_equal(got.step_counts, counts)
        assert not got.cols.flags.writeable
    assert log.extras == ref.extras


class Blocks:
    """Closes steps as a translated block does: ``close_step(mark())`` per step, and
    :meth:`EventLog.settle` after runs of random length (or never, leaving it to seal)."""

    def __init__(self, log: EventLog, rng: random.Random, settle: bool) -> None:
        self.log, self.rng, self.settle = log, rng, settle
        self.add, self.add_extra = log.add, log.add_extra
        self.left = 0

    def end_step(self) -> None:
        self.log.close_step(self.log.mark())
        if self.settle and self.left <= 0:
            self.log.settle()
            self.left = self.rng.choice([1, 2, 7, 50, 300])
        self.left -= 1

    def seal(self) -> None:
        self.log.seal()


@pytest.mark.parametrize("settle", [True, False])
@pytest.mark.parametrize("seed,nsteps,chunk", [(1, 3000, 64), (4, 300, 1), (5, 2000, 16), (6, 3000, 4096)])
def test_steps_closed_in_runs_seal_where_end_step_seals(seed: int, nsteps: int, chunk: int, settle: bool) -> None:
    one = generated(EventLog(chunk_events=chunk), seed, nsteps)
    runs = Blocks(EventLog(chunk_events=chunk), random.Random(seed), settle)
    many = generated(runs, seed, nsteps).log
    assert [(c.first_step, c.nsteps, c.nevents, c.extras_base, len(c.extras)) for c in many.chunks] == \
        [(c.first_step, c.nsteps, c.nevents, c.extras_base, len(c.extras)) for c in one.chunks]
    for a, b in zip(one.chunks, many.chunks):
        assert np.array_equal(a.cols, b.cols) and np.array_equal(a.step_counts, b.step_counts)
    assert many.extras == one.extras


def test_unsettled_steps_read_as_closed_steps() -> None:
    log = EventLog(chunk_events=4)
    for step in range(10):
        log.emit((C.REG, C.EAX, step, step + 1, 0))
        log.close_step(log.mark())
    assert log.nsteps == 10 and len(log) == 10 and not log.chunks
    assert log.offset(7) == 7 and log.steps(3, 4).cols[:, 3].tolist() == [4, 5]
    log.emit((C.REG, C.EBX, 0, 1, 0))           # an open step after them
    log.settle()
    assert [c.nevents for c in log.chunks] == [4, 4] and log.nsteps == 10 and len(log) == 10
    assert log.mark() == 3 * ROW and log.offset(9) == 9
    log.end_step()
    assert log.nsteps == 11 and len(log) == 11


def _digest(log: EventLog) -> str:
    h = hashlib.sha256()
    for ch in log.chunks:
        h.update(repr((ch.first_step, ch.first_event, ch.nsteps, ch.nevents, ch.extras_base, len(ch.extras),
                       ch.kinds)).encode())
        h.update(np.ascontiguousarray(ch.cols).astype("<u4").tobytes())
        h.update(ch.busy.astype("<u4").tobytes())
        h.update(ch.ends.astype("<u4").tobytes())
        h.update(repr(ch.extras).encode())
    return h.hexdigest()


# Computed with the log as it was before this change (numpy.array of the flat list, ends in
# events): chunk boundaries, columns, step index and payloads of eventgen's logs.  Only a
# change to tests/eventgen.py may change them.
BEFORE = {
    (1, 3000, 64): (108, "ae8668060b36ffacf8d5c4856e573e3e4fb3e03b05101374bb583614d68dbd48"),
    (2, 5000, 256): (46, "b7458059aed8664ed76b0f57e2daf1a5fbbd349904848c1a9047cd1e819ee145"),
    (3, 20000, 4096): (10, "43831c2a53013cb5de78c40aebd488fa46d6861ef7481142891ba5545d3cdced"),
    (4, 400, 1): (402, "cfe09a619932f81cf9a7a3cdc313669a1e0a62ac91e242df468b0229fa0502d1"),
    (5, 2000, 16): (278, "4c5f7df5f4800717d005878efcd7a7d00e1d6db02ddbf5b1addcb35208eca3df"),
}


@pytest.mark.parametrize("key", sorted(BEFORE))
def test_sealed_chunks_are_those_the_old_sealing_made(key: tuple[int, int, int]) -> None:
    seed, nsteps, chunk = key
    log = random_log(seed, nsteps, chunk_events=chunk)
    log.seal()
    assert (len(log.chunks), _digest(log)) == BEFORE[key]


def test_the_open_steps_read_the_same_before_and_after_sealing() -> None:
    log = EventLog(chunk_events=1 << 16)
    rows = []
    for step in range(50):
        for i in range(step % 4):
            row = (C.REG, C.EAX, step, step * 10 + i, 0)
            log.emit(row)
            rows.append(row)
        log.end_step()
    log.emit((C.REG, C.EBX, 0, 1, 0))            # the open step
    mark = log.mark()
    assert mark == len(rows) * ROW + ROW
    open_offsets = log.offsets(0, log.nsteps)
    open_cols = log.event_cols(0, len(log)).copy()
    assert len(log) == len(rows) and log.nsteps == 50
    assert [log.offset(s) for s in (0, 1, 2, 3, 4, 50)] == [0, 0, 1, 3, 6, len(rows)]
    assert np.array_equal(log.step_of_events(np.arange(len(log))),
                          np.repeat(np.arange(50), [s % 4 for s in range(50)]))
    log.seal()                                   # the open step stays open
    assert len(log.chunks) == 1 and log.mark() == ROW and len(log) == len(rows)
    assert np.array_equal(log.offsets(0, log.nsteps), open_offsets)
    assert np.array_equal(log.event_cols(0, len(log)), open_cols)
    log.rollback(0)
    with pytest.raises(ValueError):
        log.rollback(-1)
    log.end_step()
    assert log.nsteps == 51 and len(log) == len(rows)


def test_a_field_out_of_range_is_refused_when_emitted() -> None:
    for bad in (-1, 1 << 32):
        log = EventLog()
        with pytest.raises(ValueError, match="uint32"):
            log.emit((C.REG, C.EAX, 0, bad, 0))
        log.end_step()
        log.seal()
        assert len(log) == 0


def test_changing_chunk_events_moves_where_chunks_are_sealed() -> None:
    log = EventLog()
    log.chunk_events = 3
    for _ in range(7):
        log.emit((C.REG, C.EAX, 0, 1, 0))
        log.end_step()
    assert [ch.nevents for ch in log.chunks] == [3, 3]


@pytest.mark.parametrize("level", [1, 6, 9])
def test_files_written_at_any_level_read_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   level: int) -> None:
    log = random_log(12, 3000, chunk_events=256)
    ours = tmp_path / "ours.vmlog"
    save_session(ours, HEADER, log)
    monkeypatch.setattr(records, "ZLIB_LEVEL", level)
    other = tmp_path / f"level{level}.vmlog"
    save_session(other, HEADER, log)
    monkeypatch.undo()
    assert ours.read_bytes() != other.read_bytes()
    a, b = open_session(ours), open_session(other)
    assert a.warnings == b.warnings == []
    assert a.header == b.header
    drop_offsets = lambda footer: dict(footer, chunks=[entry[1:] for entry in footer["chunks"]])  # noqa: E731
    assert drop_offsets(a.footer) == drop_offsets(b.footer)
    assert np.array_equal(a.log.event_cols(0, len(a.log)), b.log.event_cols(0, len(b.log)))
    assert np.array_equal(a.log.offsets(0, a.log.nsteps), b.log.offsets(0, b.log.nsteps))
    assert a.log.extras == b.log.extras


LOOP = """.intel_syntax noprefix
.globl _start
.text
_start:
  mov ecx, 12000
  sub esp, 64
1:
  mov edx, ecx
  and edx, 15
  mov DWORD PTR [esp+edx*4], ecx
  push ecx
  call f
  add esp, 4
  dec ecx
  jnz 1b
  mov eax, 4
  mov ebx, 1
  mov ecx, OFFSET msg
  mov edx, 3
  int 0x80
  mov eax, 1
  xor ebx, ebx
  int 0x80
f:
  push ebp
  mov ebp, esp
  mov eax, [ebp+8]
  shl eax, 1
  pop ebp
  ret
.data
msg: .ascii "ok\\n"
"""


def test_two_recordings_of_a_program_are_the_same_bytes(tmp_path: Path) -> None:
    """Several chunks and stored checkpoints, written as the run goes: the same bytes twice."""
    prog = tmp_path / "loop.s"
    prog.write_text(LOOP)
    files = []
    for name in ("a.vmlog", "b.vmlog"):
        out = subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", name, "loop.s"], cwd=tmp_path,
                             capture_output=True, timeout=600)
        assert out.returncode == 0, out.stderr
        assert out.stdout == b"ok\n"
        files.append((tmp_path / name).read_bytes())
    assert files[0] == files[1]
    session = open_session(tmp_path / "a.vmlog")
    assert session.warnings == []
    assert len(session.log.chunks) >= 3 and len(session.footer["checkpoints"]) >= 1
    assert session.log.last_step > 2 * (1 << 16)
