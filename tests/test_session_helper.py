"""The session writer's helper process (``vmdebug record``): the same bytes as deflating and
making the chunk records in the writer's own process, records in order with the checkpoints;
and every way out ends the helper, or finishes without it."""
from __future__ import annotations

from pathlib import Path

import pytest

from eventgen import random_log
from events import records
from events import session as S
from events.end import RunEnd
from events.session import SessionWriter, open_session

HEADER = {"program": "demo", "argv": ["demo"], "stdin": b"", "machine": {"nframes": 64}}


def write(path: Path, background: bool, seed: int = 11, nsteps: int = 900, kill_after: int = -1) -> SessionWriter:
    writer = SessionWriter(path, HEADER, background=background)
    seen = []

    def sink(chunk):
        writer.write_chunk(chunk)
        seen.append(chunk)
        if len(seen) <= 3:      # checkpoints between the chunks, as LiveCheckpoints writes them
            writer.write_checkpoint({"step": chunk.first_step, "frames": {1: bytes([seed & 255]) * 64}})
        if len(seen) == kill_after and writer._helper is not None:
            writer._helper._proc.kill()         # the helper dies: the rest is deflated here
    log = random_log(seed, nsteps, chunk_events=32, sink=sink)
    log.seal()
    writer.close(RunEnd("exited", 0))
    return writer


@pytest.mark.parametrize("seed", [1, 11, 23])
def test_the_helper_gives_the_same_bytes(tmp_path: Path, seed: int) -> None:
    a, b = tmp_path / "a.vmlog", tmp_path / "b.vmlog"
    write(a, False, seed)
    w = write(b, True, seed)
    assert w._helper is None and not w._pending
    assert a.read_bytes() == b.read_bytes()
    assert len(open_session(b).log.chunks) > 3


def test_a_helper_started_before_the_writer_is_its_own(tmp_path: Path) -> None:
    a, b = tmp_path / "a.vmlog", tmp_path / "b.vmlog"
    write(a, False)
    helper = records.DeflateProcess()
    writer = SessionWriter(b, HEADER, background=helper)
    assert writer._helper is helper
    log = random_log(11, 900, chunk_events=32, sink=writer.write_chunk)
    log.seal()
    writer.close(RunEnd("exited", 0))
    assert helper._proc.poll() is not None
    c = tmp_path / "c.vmlog"
    plain = SessionWriter(c, HEADER)
    log = random_log(11, 900, chunk_events=32, sink=plain.write_chunk)
    log.seal()
    plain.close(RunEnd("exited", 0))
    assert b.read_bytes() == c.read_bytes()


def test_a_helper_that_dies_leaves_the_same_file(tmp_path: Path) -> None:
    a, b = tmp_path / "a.vmlog", tmp_path / "b.vmlog"
    write(a, False)
    write(b, True, kill_after=2)
    assert a.read_bytes() == b.read_bytes()


def test_a_helper_that_cannot_start_leaves_the_same_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = tmp_path / "a.vmlog", tmp_path / "b.vmlog"
    write(a, False)

    def refuse(self):
        raise OSError("no helper")
    monkeypatch.setattr(records.DeflateProcess, "__init__", refuse)
    write(b, True)
    assert a.read_bytes() == b.read_bytes()


def test_abort_ends_the_helper_and_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "a.vmlog"
    writer = SessionWriter(path, HEADER, background=True)
    proc = writer._helper._proc
    log = random_log(3, 500, chunk_events=16, sink=writer.write_chunk)
    log.seal()
    writer.abort()
    writer.abort()              # a second time does nothing more
    assert proc.poll() is not None
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_ends_the_helper_and_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.vmlog"
    writer = SessionWriter(path, HEADER, background=True)
    proc = writer._helper._proc

    def full(data: bytes) -> int:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(S, "_record", lambda tag, payload: full(payload))
    with pytest.raises(OSError, match="No space left"):
        log = random_log(3, 300, chunk_events=16, sink=writer.write_chunk)
        log.seal()
        writer.close(RunEnd("exited", 0))
    assert proc.poll() is not None
    assert list(tmp_path.iterdir()) == []


def test_jobs_handed_over_before_any_answer_come_back_in_order() -> None:
    """The shared region carries a job only while none waits for its answer: the others go
    through the pipe, so nothing the helper reads changes under it."""
    import zlib
    helper = records.DeflateProcess()
    try:
        jobs = [bytes([i]) * (50_000 + i) + bytes(range(256)) * 40 for i in range(5)]
        for job in jobs:
            helper.submit(records.DEFLATE, job)
        assert [helper.result() for _ in jobs] == [zlib.compress(j, records.ZLIB_LEVEL) for j in jobs]
    finally:
        helper.close()
