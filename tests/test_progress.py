"""The status line: shown on a terminal for long work, never in pipes, erased before program output."""
from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from vmdebug.progress import Progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_steps_and_rate_on_a_terminal_and_erases_itself() -> None:
    out = Tty()
    p = Progress("recording", stream=out, delay=0.0)
    p.update(123456)
    assert "recording: 123,456 steps" in out.getvalue() and "steps/s" in out.getvalue()
    p.clear()
    assert out.getvalue().endswith("\r\x1b[K")


def test_progress_is_silent_when_not_a_terminal() -> None:
    out = io.StringIO()
    p = Progress("recording", stream=out, delay=0.0)
    p.update(5)
    p.clear()
    assert out.getvalue() == ""


#: 6M steps: the status line waits 1 s before it shows, and a translated loop of two
#: instructions records a few million steps a second.
LOOP = """.intel_syntax noprefix
.globl _start
.text
_start:
  mov ecx, 3000000
1: dec ecx
  jnz 1b
  mov eax, 1
  xor ebx, ebx
  int 0x80
"""


def test_a_long_recording_shows_a_status_line_on_a_real_terminal(tmp_path: Path) -> None:
    src = tmp_path / "loop.s"
    src.write_text(LOOP)
    master, slave = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "vmdebug", "record", "-o", str(tmp_path / "l.vmlog"), str(src)],
                             stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    child.wait(timeout=120)
    assert b"recording: " in seen and b"steps/s" in seen
    piped = subprocess.run([sys.executable, "-m", "vmdebug", "run", str(src)], capture_output=True)
    assert piped.stderr == b""
