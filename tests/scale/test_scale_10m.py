"""Scale: 10M instructions record, save, reopen and reverse-continue within a sane amount of memory."""
from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

from events.session import open_session

LOOP = """.intel_syntax noprefix
.globl _start
.text
_start:
  mov ecx, 670000
  xor eax, eax
  sub esp, 64
1:
  mov edx, ecx
  and edx, 15
  mov DWORD PTR [esp+edx*4], ecx
  add eax, DWORD PTR [esp+edx*4]
  push eax
  call f
  add esp, 4
  dec ecx
  jnz 1b
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
.section .note.GNU-stack,"",@progbits
"""


def test_ten_million_steps_record_reopen_and_reverse_continue(tmp_path: Path) -> None:
    src = tmp_path / "loop.s"
    src.write_text(LOOP)
    session = tmp_path / "loop.vmlog"
    rec = subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", str(session), str(src)],
                         capture_output=True, timeout=600)
    assert rec.returncode == 0, rec.stderr
    s = open_session(session)
    assert s.log.last_step > 10_000_000
    assert s.checkpoints  # stored, so reopening does not refold 10M steps
    assert session.stat().st_size < 16 * s.log.last_step
    dbg = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-ex", "break f",
                          "-ex", f"record goto {s.log.last_step}", "-ex", "reverse-continue",
                          "-ex", "info registers eip", str(session)], capture_output=True, text=True, timeout=600)
    assert dbg.returncode == 0, dbg.stderr
    assert "Breakpoint 1, f () at loop.s:23" in dbg.stdout and "<f+1>" in dbg.stdout
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mib < 4096, f"peak RSS {peak_mib:.0f} MiB"
