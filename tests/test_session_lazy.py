"""Opening a session decodes its chunks lazily: only what a command reads is decoded, the
decoded bodies are bounded by a cache, and a chunk found damaged when first read is one
line, never a traceback or a wrong answer."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import msgpack
import numpy as np
import pytest

from eventgen import random_log
from events import codes as C
from events import session as S
from events.log import DamagedLog, code_bits
from events.session import open_session, save_session

ROOT = Path(__file__).resolve().parents[1]
HEADER = {"program": "demo", "argv": ["demo"], "stdin": b"", "machine": {"nframes": 64}}


def _chunk_offsets(data: bytes) -> list[int]:
    return [entry[0] for entry in S.read_footer(data)["chunks"]]


def test_opening_decodes_only_the_last_chunk_and_reading_gives_the_recorded_events(tmp_path: Path) -> None:
    log = random_log(4, 3000, chunk_events=256)
    log.seal()
    path = tmp_path / "s.vmlog"
    save_session(path, HEADER, log)
    session = open_session(path)
    assert len(session.log.chunks) > 10
    last = session.log.chunks[-1]
    assert session.log.cache.nbytes == sum(a.nbytes for a in (last.cols, last.busy, last.ends))
    assert np.array_equal(session.log.event_cols(0, len(session.log)), log.event_cols(0, len(log)))
    assert session.log.offsets(0, session.log.nsteps).tolist() == log.offsets(0, log.nsteps).tolist()


def test_decoded_chunks_are_bounded_by_the_cache(tmp_path: Path) -> None:
    log = random_log(5, 3000, chunk_events=256)
    path = tmp_path / "s.vmlog"
    save_session(path, HEADER, log)
    session = open_session(path)
    session.log.cache.budget = 20_000
    biggest = 0
    for chunk in session.log.chunks:
        chunk.cols
        biggest = max(biggest, session.log.cache.nbytes)
    assert biggest < 20_000 + 2 * max(ch.cols.nbytes + ch.busy.nbytes + ch.ends.nbytes for ch in session.log.chunks)


def test_decoded_chunks_are_read_only(tmp_path: Path) -> None:
    path = tmp_path / "s.vmlog"
    save_session(path, HEADER, random_log(6, 500, chunk_events=64))
    chunk = open_session(path).log.chunks[0]
    with pytest.raises(ValueError):
        chunk.cols[0, 0] = 1


def test_a_search_for_rare_events_skips_the_chunks_without_them(tmp_path: Path) -> None:
    log = random_log(7, 3000, chunk_events=256)
    path = tmp_path / "s.vmlog"
    save_session(path, HEADER, log)
    session = open_session(path)
    cols = log.event_cols(0, len(log))
    for kinds in ([C.BREAK_MOVED, C.OUTPUT], [C.EXITED]):
        found = session.log.find(code_bits(*kinds))
        assert found.tolist() == np.flatnonzero(np.isin(cols[:, 0], kinds)).tolist()
    session.log.cache.budget = 0
    decoded = []
    session.log.cache.get = lambda key, load: decoded.append(key) or load()
    assert len(session.log.find(code_bits(C.EXITED))) == 1
    assert decoded == [session.log.chunks[-1]]


def _damage_chunk(data: bytes, pos: int) -> bytes:
    """The chunk at ``pos`` with its events replaced by as many zero bytes (not zlib data),
    under a valid CRC: the file keeps its length, footer and index."""
    tag, length, _crc = S._REC.unpack_from(data, pos)
    obj = msgpack.unpackb(data[pos + S._REC.size:pos + S._REC.size + length], raw=False, strict_map_key=False)
    obj["cols"] = bytes(len(obj["cols"]))
    payload = S._pack(obj)
    assert len(payload) == length
    return data[:pos] + S._record(b"CK", payload) + data[pos + S._REC.size + length:]


def test_a_damaged_chunk_in_the_middle_is_one_line_when_first_read(tmp_path: Path) -> None:
    log = random_log(8, 3000, chunk_events=256)
    path = tmp_path / "s.vmlog"
    save_session(path, HEADER, log)
    data = path.read_bytes()
    at = _chunk_offsets(data)[3]
    path.write_bytes(_damage_chunk(data, at))
    session = open_session(path)
    bad = session.log.chunks[3]
    with pytest.raises(DamagedLog) as info:
        session.log.step(bad.first_step)
    message = str(info.value)
    assert message.startswith(f"corrupt chunk at byte offset {at} (") and "\n" not in message
    assert f"steps {bad.first_step}..{bad.first_step + bad.nsteps - 1} cannot be read" in message
    assert np.array_equal(session.log.step(0).cols, log.step(0).cols)     # the rest still reads


def test_a_damaged_last_chunk_is_found_on_open_and_dropped_with_a_warning(tmp_path: Path) -> None:
    log = random_log(9, 3000, chunk_events=256)
    path = tmp_path / "s.vmlog"
    save_session(path, HEADER, log)
    data = path.read_bytes()
    at = _chunk_offsets(data)[-1]
    path.write_bytes(_damage_chunk(data, at))
    session = open_session(path)
    assert any(w.startswith(f"corrupt chunk at byte offset {at}") for w in session.warnings)
    assert session.log.nsteps == log.chunks[-1].first_step


def test_the_debugger_says_one_line_and_goes_on_when_a_chunk_is_damaged(tmp_path: Path) -> None:
    session = tmp_path / "loop.vmlog"
    src = tmp_path / "loop.s"
    src.write_text(".intel_syntax noprefix\n.globl _start\n.text\n_start:\n mov ecx, 300000\n1:\n"
                   " dec ecx\n jnz 1b\n mov eax, 1\n xor ebx, ebx\n int 0x80\n")
    rec = subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", str(session), str(src)],
                         capture_output=True, text=True, timeout=300)
    assert rec.returncode == 0, rec.stderr
    data = session.read_bytes()
    offsets = _chunk_offsets(data)
    assert len(offsets) >= 4
    session.write_bytes(_damage_chunk(data, offsets[2]))
    damaged = open_session(session).log.chunks[2]
    inside = damaged.first_step + damaged.nsteps // 2
    res = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-ex", f"record goto {inside}",
                          "-ex", "info registers eip", "-ex", "record goto 10", "-ex", "info registers ecx",
                          str(session)], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr, res.stderr
    errors = [line for line in res.stderr.splitlines() if "corrupt chunk" in line]
    assert errors and "cannot be read" in errors[0]
    assert "ecx            0x493db             299995" in res.stdout     # step 10, before the damage


LOOP = """\
.intel_syntax noprefix
.globl _start
.data
flag: .long 0
.text
tick:
    push ebp
    mov ebp, esp
    pop ebp
    ret
rare:
    mov DWORD PTR [flag], 7
    ret
_start:
    mov ecx, 60000
1:
    call tick
    cmp ecx, 30000
    jne 2f
    call rare
2:
    dec ecx
    jnz 1b
    mov eax, 1
    xor ebx, ebx
    int 0x80
"""


def test_scans_that_pass_chunks_on_their_summaries_stop_where_decoded_scans_do(tmp_path: Path) -> None:
    """Breakpoint scans pass undecoded chunks on their summaries (the eips their steps went
    to, their registers at both ends, their depth change): they must stop exactly where a
    scan over the decoded events stops, forward and backward."""
    from vmdebug.debugger.session import open_debugger
    src = tmp_path / "loop.s"
    src.write_text(LOOP)
    session = tmp_path / "loop.vmlog"
    rec = subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", str(session), str(src)],
                         capture_output=True, text=True, timeout=300)
    assert rec.returncode == 0, rec.stderr
    commands = ["break rare", "continue", "info registers ecx esp", "record goto end", "reverse-continue",
                "info registers ecx", "delete", "break _start", "reverse-continue", "info registers eip",
                "record goto 5", "tbreak rare", "continue", "bt", "finish", "reverse-finish"]
    said = []
    for decode_first in (False, True):
        lines: list[str] = []
        dbg = open_debugger(str(session), [], lines.append, lines.append, lambda fd, data: None)
        assert len(dbg.tl.log.chunks) > 4 and all(ch.summary is not None for ch in dbg.tl.log.chunks)
        if decode_first:
            dbg.tl.log.cache.budget = 1 << 40
            for ch in dbg.tl.log.chunks:
                ch.cols
        for c in commands:
            dbg.execute(c)
        said.append(lines)
    assert said[0] == said[1]
    assert any("ecx            0x7530" in line for line in said[0])      # the stop at rare: ecx 30000
    lines = []
    dbg = open_debugger(str(session), [], lines.append, lines.append, lambda fd, data: None)
    for c in ("break _start", "record goto end", "reverse-continue"):
        dbg.execute(c)
    assert lines[-1].endswith("mov ecx, 60000")
    chunks = dbg.tl.log.chunks
    assert sum(ch.decoded for ch in chunks) < len(chunks) // 2      # most were passed on their summaries


def test_history_of_an_address_reads_only_the_chunks_that_write_its_page(tmp_path: Path) -> None:
    from vmdebug.debugger.session import open_debugger
    src = tmp_path / "loop.s"
    src.write_text(LOOP)
    session = tmp_path / "loop.vmlog"
    rec = subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", str(session), str(src)],
                         capture_output=True, text=True, timeout=300)
    assert rec.returncode == 0, rec.stderr
    said = []
    for decode_first in (False, True):
        lines: list[str] = []
        dbg = open_debugger(str(session), [], lines.append, lines.append, lambda fd, data: None)
        if decode_first:
            dbg.tl.log.cache.budget = 1 << 40
            for ch in dbg.tl.log.chunks:
                ch.cols
        dbg.execute("history *(int *)&flag")
        said.append(lines)
        if not decode_first:
            chunks = dbg.tl.log.chunks
            assert sum(ch.decoded for ch in chunks) <= 3 < len(chunks)
    assert said[0] == said[1]
    assert any("0x00000000 -> 0x00000007" in line for line in said[0]), said[0]
