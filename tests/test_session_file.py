"""Session files: save -> load round-trips exactly, and the bytes are deterministic."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventgen import random_log
from events.end import RunEnd
from events.session import SessionWriter, open_session, save_session
from events import codes as C
from events.log import EventLog

HEADER = {"program": "demo", "argv": ["demo"], "stdin": b"", "machine": {"nframes": 64}}


def logs_equal(a: EventLog, b: EventLog) -> None:
    assert a.nsteps == b.nsteps
    assert len(a) == len(b)
    assert np.array_equal(a.offsets(0, a.nsteps), b.offsets(0, b.nsteps))
    assert np.array_equal(a.event_cols(0, len(a)), b.event_cols(0, len(b)))
    assert [list(m) for m in a.iter_models()] == [list(m) for m in b.iter_models()]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), nsteps=st.integers(0, 400), chunk=st.sampled_from([1, 16, 64, 4096]))
def test_save_then_load_round_trips_exactly(tmp_path_factory, seed: int, nsteps: int, chunk: int) -> None:
    path = tmp_path_factory.mktemp("s") / "a.vmlog"
    log = random_log(seed, nsteps, chunk_events=chunk)
    save_session(path, HEADER, log)
    loaded = open_session(path)
    assert loaded.warnings == []
    assert loaded.header["program"] == "demo"
    logs_equal(log, loaded.log)


def test_the_same_history_gives_the_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.vmlog", tmp_path / "b.vmlog"
    save_session(a, HEADER, random_log(3, 500))
    save_session(b, HEADER, random_log(3, 500))
    assert a.read_bytes() == b.read_bytes()


def test_streaming_writer_matches_save(tmp_path: Path) -> None:
    """Chunks written while recording give the same file as saving at the end."""
    streamed = tmp_path / "streamed.vmlog"
    writer = SessionWriter(streamed, HEADER)
    log = random_log(11, 700, sink=writer.write_chunk)
    log.seal()
    writer.close(RunEnd("exited", 0))
    saved = tmp_path / "saved.vmlog"
    save_session(saved, HEADER, random_log(11, 700))
    assert streamed.read_bytes() == saved.read_bytes()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], capture_output=True, text=True)


def test_log_info_reports_steps_events_bytes_program_and_ending(tmp_path: Path) -> None:
    path = tmp_path / "a.vmlog"
    log = random_log(5, 300, end_signal=11)
    size = save_session(path, HEADER, log)
    out = run_cli("log", "info", str(path))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert f"steps: {log.last_step}" in lines
    assert f"events: {len(log)}" in lines
    assert f"bytes: {size}" in lines
    assert "program: demo" in lines
    assert "ended: killed by SIGSEGV" in out.stdout


def test_log_export_writes_one_json_event_per_line(tmp_path: Path) -> None:
    path = tmp_path / "a.vmlog"
    log = random_log(9, 100)
    save_session(path, HEADER, log)
    out = run_cli("log", "export", str(path))
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == len(log)
    expected = [(step, m.model_dump(mode="json")) for step, m in log.iter_models()]
    for row, (step, model) in zip(rows, expected):
        assert row["step"] == step
        assert row["kind"] == model["kind"]
        assert {k: v for k, v in row.items() if k != "step"} == model
    mem = next(r for r in rows if r["kind"] == "memory_written")
    assert isinstance(mem["address"], int) and isinstance(mem["new"], str)
    int(mem["new"], 16)  # bytes are hex strings
    # and the export validates back into models
    from events.schema import parse_event
    parse_event({k: (bytes.fromhex(v) if k in ("old", "new") else v) for k, v in mem.items() if k != "step"})


def test_stored_checkpoints_round_trip_and_agree_with_refolding(tmp_path: Path) -> None:
    from vmdebug.replay.history import History
    log = random_log(8, 3000, chunk_events=256)
    path = tmp_path / "cp.vmlog"
    cps = History(log, 64, interval=64).export_checkpoints(512)
    assert len(cps) == 3000 // 512
    save_session(path, HEADER, log, checkpoints=cps)
    session = open_session(path)
    assert session.warnings == [] and session.checkpoints
    stored = History(session.log, 64, interval=64)
    assert stored.import_checkpoints(session.checkpoints) == ""
    fresh = History(log, 64, interval=64)
    for step in (0, 511, 512, 1024, 1500, 2999):
        a, b = stored.state_at(step), fresh.state_at(step)
        assert a.regs == b.regs and np.array_equal(a.phys, b.phys) and a.vmas == b.vmas and a.stack == b.stack


def test_damaged_stored_checkpoints_are_ignored_with_a_warning(tmp_path: Path) -> None:
    from vmdebug.replay.history import History
    log = random_log(8, 1000, chunk_events=256)
    path = tmp_path / "cp.vmlog"
    save_session(path, HEADER, log, checkpoints=History(log, 64, interval=64).export_checkpoints(256))
    data = bytearray(path.read_bytes())
    from events.session import read_footer
    at = read_footer(bytes(data))["checkpoints"][0]
    assert data[at:at + 2] == b"CP"
    data[at + 20] ^= 0xFF
    path.write_bytes(bytes(data))
    session = open_session(path)
    assert session.checkpoints is None
    assert any("stored checkpoints" in w for w in session.warnings)
    assert session.log.nsteps == log.nsteps
    assert "malformed" in History(log, 64, interval=64).import_checkpoints([{"step": "x"}])


@pytest.mark.parametrize("field, change", [("regs", lambda cp: cp["regs"].__setitem__(0, cp["regs"][0] ^ 1)),
                                           ("brk", lambda cp: cp.__setitem__("brk", cp["brk"] + 4096)),
                                           ("outputs", lambda cp: cp.__setitem__("outputs", cp["outputs"] + 1)),
                                           ("pagemap", lambda cp: cp["pagemap"].pop())])
def test_a_checkpoint_that_disagrees_with_the_events_is_not_trusted(tmp_path: Path, field: str, change) -> None:
    """A stranger's file with an edited checkpoint (and a CRC to match): the debugger warns
    when it first needs it, rebuilds it from the events, and every route to a step gives the
    same state."""
    from vmdebug.replay.history import History
    log = random_log(21, 2000, chunk_events=256)
    cps = History(log, 64, interval=64).export_checkpoints(256)
    change(cps[2])
    path = tmp_path / "lie.vmlog"
    save_session(path, HEADER, log, checkpoints=cps)
    session = open_session(path)
    assert session.warnings == []              # the file itself is sound: the lie is in what it claims
    stored = History(session.log, 64, interval=64)
    assert stored.import_checkpoints(session.checkpoints) == ""     # checked on first use, not on open
    fresh = History(log, 64, interval=64)
    for step in (cps[1]["step"], cps[2]["step"], cps[2]["step"] + 3, 1999):
        a, b = stored.state_at(step), fresh.state_at(step)
        assert a.regs == b.regs and a.brk == b.brk and a.outputs == b.outputs and a.pagemap == b.pagemap
    assert stored.warnings == [f"the stored checkpoint at step {cps[2]['step']} disagrees with the recorded "
                               "events; it and those after it will be rebuilt from the events"]


def test_a_forged_checkpoint_with_a_matching_digest_still_answers_to_the_registers_written_around_it(
        tmp_path: Path) -> None:
    """Whoever edits a register and recomputes the digest is caught by the register writes of
    the chunk around the checkpoint (the events themselves)."""
    from vmdebug.replay import checkpoints as stored_cps
    from vmdebug.replay.history import History
    log = random_log(21, 2000, chunk_events=256)
    cps = History(log, 64, interval=64).export_checkpoints(256)
    steps = History(log, 64, interval=64)
    cp = steps._ensure_checkpoints(cps[2]["step"], fill=True)
    written = {int(r[1]) for r in log.event_cols(*log.chunk_span(cp.step)) if r[0] == C.REG}
    reg = min(written)
    regs = list(cp.regs)
    regs[reg] ^= 1
    cps[2]["regs"] = regs
    cps[2]["digest"] = stored_cps.digest(regs, cp.brk, cp.vmas, cp.stack, cp.pagemap, cp.exited, cp.fault,
                                         cp.outputs, sorted(cp.frames.items()))
    path = tmp_path / "forged.vmlog"
    save_session(path, HEADER, log, checkpoints=cps)
    history = History(open_session(path).log, 64, interval=64)
    history.import_checkpoints(open_session(path).checkpoints)
    assert history.state_at(cp.step + 1).regs == History(log, 64, interval=64).state_at(cp.step + 1).regs
    assert len(history.warnings) == 1


def test_checkpoints_of_files_without_digests_are_checked_on_open(tmp_path: Path) -> None:
    """Files written before digests: their checkpoints are compared with the events at once."""
    from vmdebug.replay.history import History
    log = random_log(21, 2000, chunk_events=256)
    cps = History(log, 64, interval=64).export_checkpoints(256)
    for cp in cps:
        del cp["digest"]
    cps[2]["brk"] += 4096
    path = tmp_path / "old.vmlog"
    save_session(path, HEADER, log, checkpoints=cps)
    problem = History(log, 64, interval=64).import_checkpoints(open_session(path).checkpoints)
    assert problem == (f"the stored checkpoint at step {cps[2]['step']} disagrees with the recorded events; "
                       "it will be rebuilt from the events")


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), nsteps=st.integers(1, 200))
def test_models_convert_back_to_the_same_compact_events(seed: int, nsteps: int) -> None:
    """The one table in events.codes, both ways: compact -> model -> compact is the identity."""
    log = random_log(seed, nsteps)
    rebuilt = EventLog()
    for step in range(log.nsteps):
        for model in log.step(step).models():
            rebuilt.add_model(model)
        rebuilt.end_step()
    logs_equal(log, rebuilt)


@settings(max_examples=60, deadline=None)
@given(counts=st.lists(st.integers(0, 3), min_size=0, max_size=300), chunk=st.sampled_from([1, 2, 7, 64]),
       seal=st.booleans())
def test_the_step_index_agrees_with_counting(counts: list[int], chunk: int, seal: bool) -> None:
    """offset, offsets and step_of_events agree with a plain running count, over sealed
    chunks, the unsealed tail and steps with no events at all."""
    log = EventLog(chunk_events=chunk)
    for n in counts:
        for _ in range(n):
            log.add(C.REG, C.EAX, 0, 1)
        log.end_step()
    if seal:
        log.seal()
    starts = [0]
    for n in counts:
        starts.append(starts[-1] + n)
    assert log.nsteps == len(counts) and len(log) == starts[-1]
    assert [log.offset(s) for s in range(len(counts) + 1)] == starts
    assert log.offsets(0, log.nsteps).tolist() == starts
    for lo in range(0, len(counts) + 1, 5):
        assert log.offsets(lo, len(counts)).tolist() == starts[lo:]
    owners = [s for s, n in enumerate(counts) for _ in range(n)]
    assert log.step_of_events(np.arange(len(log))).tolist() == owners
    assert [step for step, _ in log.iter_models()] == owners


def test_a_million_empty_steps_cost_almost_nothing() -> None:
    log = EventLog()
    log.add(C.REG, C.EAX, 0, 1)
    for _ in range(1 << 20):
        log.end_step()
    log.seal()
    assert log.nsteps == 1 << 20 and log.offset(1 << 20) == 1 and log.offset(5) == 1
    assert sum(ch.busy.nbytes + ch.ends.nbytes for ch in log.chunks) < 64


def test_recording_takes_its_checkpoints_from_the_running_process(tmp_path: Path) -> None:
    """record stores checkpoints taken from the live state as it runs (it keeps no past to
    refold): each is adopted when the session opens and equals the fold of the log."""
    from benchmarks.bench_record import SOURCE
    from vmdebug.replay.checkpoints import STORED_CHECKPOINT_EVERY
    from vmdebug.replay.history import History
    (tmp_path / "loop.s").write_text(SOURCE.format(n=20_000))
    res = run_cli("record", "-o", str(tmp_path / "loop.vmlog"), str(tmp_path / "loop.s"))
    assert res.returncode == 0, res.stderr
    session = open_session(tmp_path / "loop.vmlog")
    assert session.warnings == []
    assert [cp["step"] for cp in session.checkpoints] == \
        list(range(STORED_CHECKPOINT_EVERY, session.log.last_step + 1, STORED_CHECKPOINT_EVERY))
    nframes = session.header["machine"]["nframes"]
    stored, fresh = History(session.log, nframes, 4096), History(session.log, nframes, 4096)
    assert stored.import_checkpoints(session.checkpoints) == ""
    for cp in session.checkpoints:
        for step in (cp["step"], cp["step"] + 1):
            a, b = stored.state_at(step), fresh.state_at(step)
            assert a.regs == b.regs and np.array_equal(a.phys, b.phys) and a.pagemap == b.pagemap
            assert (a.vmas, a.stack, a.brk, a.outputs) == (b.vmas, b.stack, b.brk, b.outputs)


def test_sealed_steps_cannot_be_edited() -> None:
    """Append-only by construction: sealed arrays refuse writes, and only the open step
    (a faulting instruction's own writes) can be rolled back."""
    log = EventLog(chunk_events=2)
    log.add(C.REG, C.EAX, 0, 1)
    log.end_step()
    log.add(C.REG, C.EAX, 1, 2)
    log.add(C.REG, C.EBX, 0, 3)
    log.end_step()
    log.seal()
    with pytest.raises(ValueError):
        log.chunks[0].cols[0, 3] = 99
    mark = log.mark()
    log.add(C.REG, C.ECX, 0, 5)
    log.add(C.MEM4, 0x1000, 0, 7)
    assert [row for _, row in log.rows_since(mark)] == [(C.REG, C.ECX, 0, 5, 0), (C.MEM4, 0x1000, 0, 7, 0)]
    log.rollback(mark, [(C.REG, C.ECX, 0, 5, 0)])
    log.end_step()
    assert log.step(2).cols.tolist() == [[C.REG, C.ECX, 0, 5, 0]]
    with pytest.raises(ValueError):
        log.rollback(0)


def test_files_with_all_checkpoints_in_one_record_still_open(tmp_path: Path) -> None:
    """The layout before checkpoints were streamed: one CP record after the last chunk,
    its offset in the footer."""
    import zlib
    from events import session as S
    from vmdebug.replay.history import History
    log = random_log(5, 1500, chunk_events=256)
    cps = History(log, 64, interval=64).export_checkpoints(256)
    path = tmp_path / "new.vmlog"
    save_session(path, HEADER, log)
    data = path.read_bytes()
    footer_at = S._TRAILER.unpack_from(data, len(data) - S._TRAILER.size)[0]
    footer = S.read_footer(data)
    footer["checkpoints"] = footer_at
    old = (data[:footer_at] + S._record(b"CP", zlib.compress(S._pack(cps)))
           + S._record(b"FT", S._pack(footer)))
    old += S._TRAILER.pack(len(old) - S._REC.size - len(S._pack(footer)), S.TRAILER_MAGIC)
    (tmp_path / "old.vmlog").write_bytes(old)
    session = open_session(tmp_path / "old.vmlog")
    assert session.warnings == [] and len(session.checkpoints) == len(cps)
    assert History(session.log, 64, interval=64).import_checkpoints(session.checkpoints) == ""
    logs_equal(log, session.log)
