"""`vmdebug run` and `vmdebug record` from the command line, on programs built by the real as/ld."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from events.session import open_session
from native import build

HEAD = ".intel_syntax noprefix\n.globl _start\n.text\n_start:\n"
NOTE = ".section .note.GNU-stack,\"\",@progbits\n"

ECHO = HEAD + """
  mov eax, 3          # read(0, buf, 64)
  xor ebx, ebx
  mov ecx, OFFSET buf
  mov edx, 64
  int 0x80
  mov edx, eax        # write(1, buf, n)
  mov eax, 4
  mov ebx, 1
  mov ecx, OFFSET buf
  int 0x80
  mov eax, 24         # getuid: not implemented -> -ENOSYS and a warning
  int 0x80
  neg eax
  mov ebx, eax        # exit(38)
  mov eax, 1
  int 0x80
.bss
buf: .zero 64
""" + NOTE

CRASH = HEAD + "  xor eax, eax\n  mov DWORD PTR [eax+8], 1\n" + NOTE
LOOP = HEAD + "1: jmp 1b\n" + NOTE


def vmdebug(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], input=stdin, capture_output=True, timeout=120)


def test_run_passes_stdin_and_stdout_and_exits_with_the_status(tmp_path: Path) -> None:
    exe = build(tmp_path, ECHO)
    out = vmdebug("run", str(exe), stdin=b"hello\n")
    assert out.stdout == b"hello\n"
    assert out.returncode == 38
    assert b"syscall 24 (getuid) is not implemented" in out.stderr


def test_a_crash_exits_128_plus_signal_with_a_diagnosis(tmp_path: Path) -> None:
    exe = build(tmp_path, CRASH)
    out = vmdebug("run", str(exe))
    assert out.returncode == 128 + 11
    err = out.stderr.decode()
    assert "SIGSEGV (SEGV_MAPERR)" in err
    assert "eip:     0x08049002 <_start+0x2>" in err
    assert "address: 0x00000008 (write)" in err
    assert "NULL pointer dereference" in err
    assert "Traceback" not in err


def test_record_saves_a_crashing_run(tmp_path: Path) -> None:
    exe = build(tmp_path, CRASH)
    session = tmp_path / "crash.vmlog"
    out = vmdebug("record", "-o", str(session), str(exe))
    assert out.returncode == 139
    s = open_session(session)
    assert s.warnings == []
    assert s.end.how == "killed" and s.end.signal == 11
    kinds = [m.kind for _, m in s.log.iter_models()]
    assert kinds[-2:] == ["segfault", "process_exited"]
    info = vmdebug("log", "info", str(session)).stdout.decode()
    assert "steps: 2" in info.splitlines()
    assert "ended: killed by SIGSEGV" in info


def test_the_step_limit_stops_a_runaway_program_and_the_session_is_still_saved(tmp_path: Path) -> None:
    exe = build(tmp_path, LOOP)
    session = tmp_path / "loop.vmlog"
    out = vmdebug("record", "--max-steps", "5000", "-o", str(session), str(exe))
    assert out.returncode == 124
    assert b"stopped after 5000 steps" in out.stderr
    s = open_session(session)
    assert s.log.last_step == 5000
    assert s.end.how == "limit"


def test_recording_is_deterministic(tmp_path: Path) -> None:
    exe = build(tmp_path, ECHO)
    a, b = tmp_path / "a.vmlog", tmp_path / "b.vmlog"
    vmdebug("record", "-o", str(a), str(exe), "x", stdin=b"same input\n")
    vmdebug("record", "-o", str(b), str(exe), "x", stdin=b"same input\n")
    assert a.read_bytes() == b.read_bytes()


def test_bad_input_gets_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00" * 100)
    for args in (["run", str(tmp_path / "missing.s")], ["run", str(junk)], ["run", "--max-steps", "0", str(junk)],
                 ["run", "--layout", "nope", str(junk)], ["log", "info"], ["no-such-command"]):
        out = vmdebug(*args)
        assert out.returncode != 0
        assert out.stderr.decode().count("\n") == 1, out.stderr


BIG = HEAD + """
  mov eax, 192          # mmap2 4 MiB: allowed, frames are only taken on first touch
  xor ebx, ebx
  mov ecx, 0x400000
  mov edx, 3
  mov esi, 0x22
  mov edi, -1
  xor ebp, ebp
  int 0x80
  mov ecx, 1024
1: mov DWORD PTR [eax], 1
  add eax, 4096
  loop 1b
  mov eax, 1
  xor ebx, ebx
  int 0x80
""" + NOTE


def test_running_out_of_simulated_memory_is_the_oom_killer(tmp_path: Path) -> None:
    exe = build(tmp_path, BIG)
    out = vmdebug("run", "--memory", "4", str(exe))
    assert out.returncode == 128 + 9
    assert b"out of physical memory" in out.stderr
    assert vmdebug("run", "--memory", "8", str(exe)).returncode == 0
    refused = vmdebug("run", "--memory", "2", str(exe))  # more than all RAM: mmap fails with ENOMEM
    assert refused.returncode == 139


def test_ctrl_c_stops_recording_and_keeps_the_session(tmp_path: Path) -> None:
    import signal
    import time
    exe = build(tmp_path, LOOP)
    session = tmp_path / "int.vmlog"
    child = subprocess.Popen([sys.executable, "-m", "vmdebug", "record", "-o", str(session), str(exe)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60    # start-up is slow on a loaded machine: wait until recording began
    while not list(tmp_path.glob(".int.vmlog.*.part")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130
    assert b"interrupted after" in err and b"Traceback" not in err
    s = open_session(session)
    assert s.warnings == []
    assert s.end.how == "interrupted"
    assert s.log.last_step > 1000
