"""Damaged and hostile session files: keep what is sound, say what is wrong in one line."""
from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import msgpack
import pytest

from eventgen import random_log
from events.session import FORMAT_VERSION, MAGIC, SessionError, open_session, save_session

HEADER = {"program": "demo", "argv": ["demo"], "stdin": b""}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    path = tmp_path_factory.mktemp("c") / "good.vmlog"
    log = random_log(21, 400, chunk_events=128)
    save_session(path, HEADER, log)
    data = path.read_bytes()
    # chunk boundaries: walk the records after the header
    bounds, pos = [], len(MAGIC) + 4
    pos += 10 + struct.unpack_from("<I", data, pos + 2)[0]
    while data[pos:pos + 2] == b"CK":
        bounds.append(pos)
        pos += 10 + struct.unpack_from("<I", data, pos + 2)[0]
    return log, data, bounds, pos


def steps_in_first_chunks(log, n: int) -> int:
    return sum(c.nsteps for c in log.chunks[:n])


def test_truncation_at_every_chunk_boundary_keeps_every_complete_chunk(saved, tmp_path: Path) -> None:
    log, data, bounds, footer_at = saved
    assert len(bounds) > 5
    for i, cut in enumerate(bounds + [footer_at]):
        path = tmp_path / "t.vmlog"
        path.write_bytes(data[:cut])
        s = open_session(path)
        assert s.log.nsteps == steps_in_first_chunks(log, i)
        assert s.warnings and "no footer" in s.warnings[0]


def test_truncation_mid_chunk_keeps_the_chunks_before(saved, tmp_path: Path) -> None:
    log, data, bounds, footer_at = saved
    for i, start in enumerate(bounds):
        end = bounds[i + 1] if i + 1 < len(bounds) else footer_at
        for cut in (start + 1, start + 9, (start + end) // 2, end - 1):
            path = tmp_path / "t.vmlog"
            path.write_bytes(data[:cut])
            s = open_session(path)
            assert s.log.nsteps == steps_in_first_chunks(log, i)
            assert any(f"truncated at byte offset {start}" in w for w in s.warnings)


def test_a_flipped_byte_is_reported_at_its_chunk_and_the_prefix_kept(saved, tmp_path: Path) -> None:
    log, data, bounds, footer_at = saved
    for i, start in enumerate(bounds):
        end = bounds[i + 1] if i + 1 < len(bounds) else footer_at
        for where in (start + 10, (start + end) // 2, end - 1):
            bad = bytearray(data)
            bad[where] ^= 0x40
            path = tmp_path / "f.vmlog"
            path.write_bytes(bytes(bad))
            s = open_session(path)
            assert s.log.nsteps == steps_in_first_chunks(log, i)
            assert any(f"corrupt chunk at byte offset {start}" in w for w in s.warnings), s.warnings


def test_a_flipped_byte_anywhere_never_raises_anything_but_session_error(saved, tmp_path: Path) -> None:
    _, data, _, _ = saved
    path = tmp_path / "g.vmlog"
    for where in range(0, len(data), max(1, len(data) // 300)):
        bad = bytearray(data)
        bad[where] ^= 0xFF
        path.write_bytes(bytes(bad))
        try:
            open_session(path)
        except SessionError as exc:
            assert "\n" not in str(exc)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], capture_output=True, text=True)


def one_line_error(result: subprocess.CompletedProcess[str], needle: str) -> None:
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert needle in result.stderr


def test_not_a_session(tmp_path: Path) -> None:
    path = tmp_path / "x.vmlog"
    path.write_text("hello, world\n")
    one_line_error(cli("log", "info", str(path)), "not a vmdebug session file")


def test_missing_file(tmp_path: Path) -> None:
    one_line_error(cli("log", "info", str(tmp_path / "nope.vmlog")), "cannot read")


def test_newer_format_version(saved, tmp_path: Path) -> None:
    _, data, _, _ = saved
    path = tmp_path / "v.vmlog"
    path.write_bytes(MAGIC + struct.pack("<HH", FORMAT_VERSION + 1, 0) + data[len(MAGIC) + 4:])
    one_line_error(cli("log", "info", str(path)), "newer than this vmdebug supports")


def header_record(payload: bytes, length: int | None = None) -> bytes:
    payload = zlib.compress(payload)
    n = len(payload) if length is None else length
    return MAGIC + struct.pack("<HH", FORMAT_VERSION, 0) + struct.pack("<2sII", b"HD", n, zlib.crc32(payload)) + payload


def test_hostile_huge_length(tmp_path: Path) -> None:
    path = tmp_path / "h.vmlog"
    path.write_bytes(header_record(b"\x80", length=0xFFFFFFF0))
    one_line_error(cli("log", "info", str(path)), "implausibly large")


def test_hostile_deep_nesting(tmp_path: Path) -> None:
    path = tmp_path / "d.vmlog"
    path.write_bytes(header_record(b"\x91" * 100_000 + b"\x00"))
    one_line_error(cli("log", "info", str(path)), "bad session header")


def test_hostile_chunk_with_valid_crc_but_lying_counts(saved, tmp_path: Path) -> None:
    log, data, bounds, _ = saved
    chunk = msgpack.packb({"s": 0, "e": 0, "x": 0, "n": 10**6, "k": 1, "cols": zlib.compress(b"\0" * 17),
                           "counts": zlib.compress(b"\1\0\0\0"), "extras": []})
    record = struct.pack("<2sII", b"CK", len(chunk), zlib.crc32(chunk)) + chunk
    path = tmp_path / "l.vmlog"
    path.write_bytes(data[:bounds[0]] + record)
    s = open_session(path)
    assert s.log.nsteps == 0
    assert any(f"corrupt chunk at byte offset {bounds[0]}" in w for w in s.warnings)


def test_truncated_file_info_warns_and_still_answers(saved, tmp_path: Path) -> None:
    log, data, bounds, _ = saved
    path = tmp_path / "t.vmlog"
    path.write_bytes(data[:bounds[3] + 20])
    out = cli("log", "info", str(path))
    assert out.returncode == 0
    assert "warning" in out.stderr
    assert f"steps: {steps_in_first_chunks(log, 3) - 1}" in out.stdout.splitlines()


def test_events_no_run_can_produce_are_one_line_and_the_cursor_stays(tmp_path: Path) -> None:
    """A forged switch to a process that was never forked: moving over it says the file is
    damaged, in one line, and the debugger stays at the step it was at."""
    from events import codes as C
    from events.log import EventLog
    root = Path(__file__).resolve().parents[1]
    good = tmp_path / "h.vmlog"
    subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", str(good), str(root / "examples" / "hello.s")],
                   check=True, capture_output=True, timeout=120)
    sess = open_session(good)
    log = EventLog()
    cur = 0
    for step, model in sess.log.iter_models():
        while cur < step:
            log.end_step()
            cur += 1
            if cur == 3:
                log.add(C.TASK_SWITCHED, 4242, 1000, 0, 0)
        log.add_model(model)
    log.end_step()
    bad = tmp_path / "bad.vmlog"
    save_session(bad, dict(sess.header), log)
    res = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-ex", "record goto 2", "-ex", "stepi",
                          "-ex", "info registers eip", str(bad)], capture_output=True, text=True, timeout=120)
    assert res.stderr.splitlines() == ["the events of steps 3..3 cannot be folded (switch to unknown process 4242): "
                                       "the session file is damaged"], res.stderr
    assert "Traceback" not in res.stdout + res.stderr
    assert res.stdout.splitlines()[-1].startswith("eip            0x804900a")     # still at step 2
