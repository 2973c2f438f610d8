"""Files: fopen/fscanf/fprintf/fread/fseek/ftell/rewind/feof and open/read/write/lseek/dup/unlink
behave as on the real kernel, the files the program writes are the same bytes, and a session
keeps the files it was given and those it wrote (`vmdebug log files`)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from vmdebug.machine.process import Process
from vmdebug.program import load_program
from vmdebug.toolchain.native import build_native

PROGRAM = Path(__file__).parent / "programs" / "file_functions.c"
NUMS = b"10\n20\n30\n42\n"
ROOT = Path(__file__).resolve().parents[2]


def test_files_behave_as_on_the_real_kernel(tmp_path: Path) -> None:
    exe = build_native(PROGRAM, tmp_path / "files", "0")
    work = tmp_path / "native"
    work.mkdir()
    (work / "nums.txt").write_bytes(NUMS)
    native = subprocess.run([str(exe)], cwd=work, capture_output=True, timeout=30)
    assert native.returncode == 0, native.stderr
    assert b"n=4 sum=102" in native.stdout and b"lseek: 10 1" in native.stdout
    out = bytearray()
    proc = Process(load_program(str(PROGRAM), "0").spec, argv=["files"], files={"nums.txt": NUMS},
                   on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
    proc.run(10_000_000)
    assert out.decode() == native.stdout.decode()
    written = proc.kernel.files_out()
    assert set(written) == {"report.txt", "gap.bin"}                  # tmp.txt was removed again
    for name, data in written.items():
        assert data == (work / name).read_bytes(), name


def test_a_session_keeps_the_files_and_log_files_extracts_them(tmp_path: Path) -> None:
    (tmp_path / "nums.txt").write_bytes(NUMS)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    rec = subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", "s.vmlog", "--file", "nums.txt",
                          str(PROGRAM)], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert rec.returncode == 0, rec.stderr
    listed = subprocess.run([sys.executable, "-m", "vmdebug", "log", "files", "s.vmlog", "--extract", "out"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env)
    assert listed.stdout.splitlines() == ["given            12  nums.txt", "written           1  gap.bin",
                                          "written          21  report.txt"]
    assert (tmp_path / "out" / "given" / "nums.txt").read_bytes() == NUMS
    assert (tmp_path / "out" / "written" / "report.txt").read_text() == "n=4 sum=102\nappended\n"
    replay = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-ex", "run", "s.vmlog"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert "n=4 sum=102" in replay.stdout


def test_extracting_refuses_names_that_leave_the_directory(tmp_path: Path) -> None:
    from events.session import open_session, save_session
    from events.log import EventLog
    src = tmp_path / "s.vmlog"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", str(src), str(ROOT / "examples" / "hello.s")],
                   capture_output=True, timeout=120, env=env, check=True)
    sess = open_session(src)
    bad = tmp_path / "bad.vmlog"
    log = EventLog()
    for chunk in sess.log.chunks:
        log.load_chunk(chunk)
    save_session(bad, dict(sess.header), log, sess.end, files={"../escape.txt": b"x"})
    res = subprocess.run([sys.executable, "-m", "vmdebug", "log", "files", str(bad), "--extract", str(tmp_path / "x")],
                         capture_output=True, text=True, timeout=60, env=env)
    assert res.returncode == 1 and "refusing to extract" in res.stderr
    assert not (tmp_path / "escape.txt").exists()
