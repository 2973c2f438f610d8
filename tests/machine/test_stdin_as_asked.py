"""Standard input is read as the program asks for it, and reads as a file does.

A program that never reads does not wait for its pipe; an endless pipe costs
only what the program takes; and the same bytes give the same session however
the pipe delivered them.  The outputs are checked against the real kernel.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from events import codes as C
from events.log import EventLog
from native import build, run_native

CAT = """.intel_syntax noprefix
.globl _start
.text
_start:
  mov eax, 3
  mov ebx, 0
  mov ecx, offset buf
  mov edx, 7
  int 0x80
  cmp eax, 0
  jle 1f
  mov edx, eax
  mov eax, 4
  mov ebx, 1
  int 0x80
  jmp _start
1:
  mov eax, 1
  xor ebx, ebx
  int 0x80
.bss
buf: .space 16
.section .note.GNU-stack,"",@progbits
"""

HEAD10 = CAT.replace("  jmp _start\n", "").replace("mov edx, 7", "mov edx, 10")  # one read of 10 bytes


def vmdebug(*args: str, **kw) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "vmdebug", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kw)


def test_a_program_that_never_reads_does_not_wait_for_its_pipe(tmp_path: Path) -> None:
    exe = build(tmp_path, HEAD10.replace("  mov eax, 3\n", "  mov eax, 1\n  xor ebx, ebx\n  int 0x80\n", 1))
    child = vmdebug("run", str(exe), stdin=subprocess.PIPE)      # the pipe stays open and silent
    try:
        out, err = child.communicate(timeout=120)
    finally:
        child.kill()
    assert child.returncode == 0, err


def test_an_endless_pipe_costs_only_what_the_program_reads(tmp_path: Path) -> None:
    exe = build(tmp_path, HEAD10)
    yes = subprocess.Popen(["yes"], stdout=subprocess.PIPE)
    try:
        child = vmdebug("run", str(exe), stdin=yes.stdout)
        out, err = child.communicate(timeout=120)
    finally:
        yes.kill()
        yes.wait()
    assert (child.returncode, out) == (0, b"y\n" * 5), err


def test_the_same_input_gives_the_same_session_however_the_pipe_delivers_it(tmp_path: Path) -> None:
    exe = build(tmp_path, CAT)
    data = b"the quick brown fox jumps over the lazy dog\n" * 3
    native = run_native(exe, stdin=data)
    (tmp_path / "in.txt").write_bytes(data)
    with open(tmp_path / "in.txt", "rb") as f:
        whole = vmdebug("record", "-o", str(tmp_path / "a.vmlog"), str(exe), stdin=f)
        out_a, err = whole.communicate(timeout=120)
    assert whole.returncode == 0, err
    with open(tmp_path / "out", "wb") as out, open(tmp_path / "err", "wb") as err_f:
        trickle = subprocess.Popen([sys.executable, "-m", "vmdebug", "record", "-o", str(tmp_path / "b.vmlog"),
                                    str(exe)], stdin=subprocess.PIPE, stdout=out, stderr=err_f)
        assert trickle.stdin is not None
        for i in range(0, len(data), 5):           # five bytes at a time, with pauses: short pipe reads
            trickle.stdin.write(data[i:i + 5])
            trickle.stdin.flush()
            time.sleep(0.01)
        trickle.stdin.close()
        trickle.wait(timeout=120)
    out_b = (tmp_path / "out").read_bytes()
    assert trickle.returncode == 0, (tmp_path / "err").read_text()
    assert out_a == out_b == native.stdout == data
    assert (tmp_path / "a.vmlog").read_bytes() == (tmp_path / "b.vmlog").read_bytes()


def test_a_log_that_retains_nothing_keeps_only_its_last_chunk() -> None:
    log = EventLog(chunk_events=4, retain=False)
    for i in range(100):
        log.add(C.OUTPUT, 1, 0, 0, log.add_extra(b"x" * 1000))
        log.end_step()
    assert log.nsteps == 100 and len(log) == 100
    assert len(log.chunks) == 1 and sum(x is not None for x in log.extras) <= 8
    assert log.step(99).extras[int(log.step(99).cols[0, 4])] == b"x" * 1000     # the end still reads
    with pytest.raises(ValueError, match="no longer keeps step 3"):
        log.step(3)
