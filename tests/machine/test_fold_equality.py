"""A recorded session and a live run are the same thing: folding the log equals the live state."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from native import build
from vmdebug.replay.history import History
from vmdebug.machine.elf import load_elf
from vmdebug.machine.process import Process

PROGRAM = r"""
.intel_syntax noprefix
.globl _start
.text
_start:
  mov eax, 45          # brk(0)
  xor ebx, ebx
  int 0x80
  mov esi, eax
  lea ebx, [eax+20000] # grow the heap by 5 pages
  mov eax, 45
  int 0x80
  mov DWORD PTR [esi+8192], 0x11223344
  mov eax, 192         # mmap2(NULL, 3 pages, RW, PRIVATE|ANON)
  xor ebx, ebx
  mov ecx, 12288
  mov edx, 3
  mov esi, 0x22
  mov edi, -1
  xor ebp, ebp
  int 0x80
  mov edi, eax
  mov DWORD PTR [edi+4096], 0xcafe
  mov ecx, 300
1:
  push ecx
  call f
  add esp, 4
  loop 1b
  mov eax, 91          # munmap(edi, 4096)
  mov ebx, edi
  mov ecx, 4096
  int 0x80
  sub esp, 70000       # touch far down the stack: it grows
  mov DWORD PTR [esp], 1
  mov eax, 1
  mov ebx, 3
  int 0x80
f:
  push ebp
  mov ebp, esp
  sub esp, 16
  mov eax, [ebp+8]
  mov [ebp-4], eax
  leave
  ret
.section .note.GNU-stack,"",@progbits
"""


def same_state(live, folded) -> None:
    assert folded.regs == live.regs
    assert folded.pagemap == live.pagemap
    assert folded.vmas == live.vmas
    assert folded.brk == live.brk
    assert folded.stack == live.stack
    assert np.array_equal(folded.phys, live.phys)


def test_folding_the_log_equals_the_live_state_at_every_checkpointed_prefix(tmp_path: Path) -> None:
    exe = build(tmp_path, PROGRAM)
    proc = Process(load_elf(exe), argv=[str(exe)])
    snapshots = {}
    for n in (0, 1, 5, 40, 200, 700, 1500):
        while proc.steps < n and proc.step():
            pass
        snapshots[proc.steps] = proc.state.copy()
    proc.run(100_000)
    assert proc.state.exited == (3, 0)
    snapshots[proc.steps] = proc.state.copy()
    history = History(proc.log, proc.state.nframes, interval=64)
    for step, live in snapshots.items():
        same_state(live, history.state_at(step))


def test_going_back_from_the_end_reaches_every_earlier_state(tmp_path: Path) -> None:
    exe = build(tmp_path, PROGRAM)
    proc = Process(load_elf(exe), argv=[str(exe)])
    proc.run(100_000)
    history = History(proc.log, proc.state.nframes, interval=256)
    state = history.state_at(proc.log.last_step)
    same_state(proc.state, state)
    for step in range(proc.log.last_step, 0, -1):
        history.backward(state, step)
    same_state(history.state_at(0), state)
