"""Hostile session files: mutated real sessions and size bombs, opened by ``log info``,
``log export`` and the debugger in one subprocess that measures itself.

Every case must end with a one-line error or a warning, never a traceback or an
internal error, quickly and within a bounded amount of memory; and a file whose
chunks fail their CRC must never be summarised as if it were whole.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

DRIVER = textwrap.dedent('''
    import contextlib, io, json, random, struct, sys, time, zlib
    import msgpack
    from events import session as S
    from vmdebug.cli import main

    good = open(sys.argv[1], "rb").read()
    out_dir = sys.argv[2]
    rng = random.Random(1234)

    def records(data):
        """(offset, tag, length) of every record after the magic."""
        pos, out = len(S.MAGIC) + 4, []
        while pos + S._REC.size <= len(data) - S._TRAILER.size:
            tag, length, _crc = S._REC.unpack_from(data, pos)
            if tag not in (b"HD", b"CK", b"CP", b"FT"):
                break
            out.append((pos, tag, length))
            pos += S._REC.size + length
        return out

    def with_record(data, pos, tag, payload):
        """Replace the record at pos by one with a valid CRC (offsets after it shift)."""
        _t, length, _c = S._REC.unpack_from(data, pos)
        return data[:pos] + S._record(tag, payload) + data[pos + S._REC.size + length:]

    cases = []
    for cut in (10, 100, len(good) // 3, len(good) // 2, len(good) - 20, len(good) - 1):
        cases.append(("truncate %d" % cut, good[:cut], False))
    for pos, tag, length in records(good):
        for _ in range(2):
            at = pos + S._REC.size + rng.randrange(max(length, 1))
            flipped = bytearray(good)
            flipped[min(at, len(good) - 1)] ^= 1 << rng.randrange(8)
            cases.append(("flip %s at %d" % (tag.decode(), at), bytes(flipped), tag == b"CK"))
    # Structural mutations with valid CRCs.
    hd_pos = records(good)[0][0]
    bomb = zlib.compress(b"\\xdd" + struct.pack(">I", 1 << 26) + b"\\x80" * (1 << 26), 9)
    cases.append(("header bomb: 64M empty maps", with_record(good, hd_pos, b"HD", bomb), False))
    cases.append(("header: a list", with_record(good, hd_pos, b"HD", zlib.compress(msgpack.packb([1, 2]))), False))
    hdr = msgpack.unpackb(zlib.decompress(S._read_record(good, hd_pos, b"HD")[0]), raw=False,
                          strict_map_key=False)
    for field, value in (("machine", {"nframes": 0}), ("machine", {"nframes": -5}), ("machine", {"nframes": "x"}),
                         ("machine", {"nframes": 1 << 40}), ("image", {"segments": [{"vaddr": "x"}]}),
                         ("image", {"symbols": [[1, 2]]}), ("image", {"lines": {"entries": [[None]]}}),
                         ("image", {"sources": {"a": 5}}), ("image", {"elf": b"\\x7fELFjunk"}),
                         ("image", {"debug": {".debug_info": b"\\x01\\x02junk"}}), ("argv", "notalist")):
        h = dict(hdr)
        h[field] = value
        cases.append(("header %s=%r" % (field, value)[:60],
                      with_record(good, hd_pos, b"HD", zlib.compress(S._pack(h))), False))
    ck = [r for r in records(good) if r[1] == b"CK"]
    if ck:
        pos = ck[0][0]
        steps_bomb = S._pack({"s": 0, "e": 0, "x": 0, "n": 0, "k": 1 << 24, "cols": zlib.compress(b""),
                              "counts": zlib.compress(bytes(4 << 24), 9), "extras": []})
        cases.append(("chunk claiming 2^24 empty steps", with_record(good, pos, b"CK", steps_bomb), False))
        ev_bomb = S._pack({"s": 0, "e": 0, "x": 0, "n": 1 << 20, "k": 1,
                           "cols": zlib.compress(bytes(17 << 20), 9),
                           "counts": zlib.compress(struct.pack("<I", 1 << 20)), "extras": []})
        cases.append(("chunk claiming 2^20 events", with_record(good, pos, b"CK", ev_bomb), False))
        # 16 well-formed chunks of 2^24 steps with no events each (a spin of 268M
        # steps in ~1 MB): memory must not grow with the empty steps.
        spin = zlib.compress(bytes(4 << 24), 9)
        tail = b"".join(S._record(b"CK", S._pack({"s": i << 24, "e": 0, "x": 0, "n": 0, "k": 1 << 24,
                                                   "cols": zlib.compress(b""), "counts": spin, "extras": []}))
                        for i in range(16))
        cases.append(("16 chunks of 2^24 empty steps", good[:pos] + tail, False))
    cp = [r for r in records(good) if r[1] == b"CP"]
    ft = [r for r in records(good) if r[1] == b"FT"]
    if ft:
        footer = msgpack.unpackb(S._read_record(good, ft[0][0], b"FT")[0], raw=False, strict_map_key=False)
        for name, change in (("steps", {"steps": 1 << 32}), ("end", {"end": {"how": "exited", "status": 0}}),
                             ("chunks", {"chunks": [[0, 0, 1 << 32, 0, 0]]}), ("checkpoints", {"checkpoints": 7})):
            f = dict(footer, **change)
            body = with_record(good[:-S._TRAILER.size], ft[0][0], b"FT", S._pack(f))
            data = body + S._TRAILER.pack(ft[0][0], S.TRAILER_MAGIC)
            cases.append(("footer lies about %s" % name, data, name != "checkpoints"))

    results = []
    for name, data, must_warn in cases:
        path = "%s/case.vmlog" % out_dir
        open(path, "wb").write(data)
        for argv in (["log", "info", path], ["log", "export", path],
                     ["debug", "-batch", "-ex", "info program", "-ex", "bt", "-ex", "reverse-stepi", path]):
            err, out = io.StringIO(), io.StringIO()
            t = time.perf_counter()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
                try:
                    code = main(argv)
                except SystemExit as exc:
                    code = exc.code
            results.append({"case": name, "argv": argv[:2], "code": code, "secs": time.perf_counter() - t,
                            "stderr": err.getvalue()[-400:], "stdout_head": out.getvalue()[:300],
                            "must_warn": must_warn})
    # VmHWM, not getrusage: ru_maxrss keeps the parent's peak across fork and exec
    # (exec_mmap records the old mm's high-water mark), so under pytest it would be pytest's.
    hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")][0]
    rss = int(hwm.split()[1]) / 1024
    print(json.dumps({"rss_mib": rss, "results": results}))
''')


def test_hostile_sessions_get_bounded_one_line_answers(tmp_path: Path) -> None:
    rec = subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", str(tmp_path / "good.vmlog"),
                          str(ROOT / "examples" / "null_deref.c")], capture_output=True, text=True, timeout=300)
    assert rec.returncode != 0 and (tmp_path / "good.vmlog").exists()      # it dies of SIGSEGV, recorded
    (tmp_path / "driver.py").write_text(DRIVER)
    res = subprocess.run([sys.executable, str(tmp_path / "driver.py"), str(tmp_path / "good.vmlog"), str(tmp_path)],
                         capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert res.returncode == 0, res.stderr[-3000:]
    report = json.loads(res.stdout.strip().splitlines()[-1])
    problems = []
    for r in report["results"]:
        where = f"{r['case']} / {' '.join(r['argv'])}"
        if "Traceback" in r["stderr"] or "internal error" in r["stderr"]:
            problems.append(f"{where}: {r['stderr']}")
        if r["secs"] > 30:
            problems.append(f"{where}: took {r['secs']:.1f} s")
        if r["must_warn"] and r["argv"] == ["log", "info"] and r["code"] == 0 and "warning" not in r["stderr"]:
            problems.append(f"{where}: the file is damaged or lies and log info said nothing")
    assert not problems, "\n".join(problems)
    assert report["rss_mib"] < 512, f"peak RSS {report['rss_mib']:.0f} MiB"


def test_opening_a_session_runs_no_other_program(tmp_path: Path) -> None:
    """Names, types, lines and sources come from the file: with no gcc, as or gdb
    anywhere on PATH, the debugger still answers for C."""
    session = tmp_path / "s.vmlog"
    rec = subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", str(session),
                          str(ROOT / "examples" / "null_deref.c")], capture_output=True, text=True, timeout=300)
    assert session.exists(), rec.stderr
    empty = tmp_path / "bin"
    empty.mkdir()
    res = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-ex", "continue", "-ex", "bt full",
                          "-ex", "info locals", "-ex", "ptype main", "-ex", "list", str(session)],
                         capture_output=True, text=True, timeout=300, env={"PATH": str(empty)}, cwd=tmp_path)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    assert "SIGSEGV" in res.stdout and "type = int (void)" in res.stdout
