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


FORKING = r'''#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
int data = 1;
int main(void)
{
    int fds[2], status, i;
    char buf[32];
    int *shared = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char *heap = malloc(5000);
    pipe(fds);
    for (i = 0; i < 2; i++) {
        if (fork() == 0) {
            data += i + 1;
            heap[4000] = 'c';
            shared[i] = getpid();
            write(fds[1], "hello", 5);
            for (volatile int k = 0; k < 4000; k++)   /* longer than a quantum */
                heap[k] = (char)k;
            exit(i);
        }
    }
    read(fds[0], buf, 5);
    read(fds[0], buf, 5);
    while (wait(&status) > 0)
        data += WEXITSTATUS(status);
    return data + shared[0] - shared[1];
}
'''


def same_processes(live, folded) -> None:
    same_state(live, folded)
    assert folded.pid == live.pid
    assert folded.parents == live.parents
    assert folded.processes() == live.processes()
    assert folded.exited == live.exited and folded.fault == live.fault


def test_several_processes_fold_forward_backward_and_by_jumping_to_the_live_state(tmp_path: Path) -> None:
    from vmdebug.program import load_program
    src = tmp_path / "forking.c"
    src.write_text(FORKING)
    proc = Process(load_program(str(src), "0").spec, argv=["forking"])
    snapshots = {}
    for n in (0, 300, 1500, 3000, 9000, 20000, 30000, 45000):
        while proc.steps < n and proc.step():
            pass
        snapshots[proc.steps] = proc.state.copy()
    proc.run(1_000_000)
    assert proc.exited and proc.state.exited == (1 + 0 + 1 + 1001 - 1002, 0)
    assert len(proc.sched.tasks) == 3
    snapshots[proc.log.last_step] = proc.state.copy()
    assert {s.pid for s in snapshots.values()} >= {1000, 1001, 1002}, "the snapshots see every process run"
    history = History(proc.log, proc.state.nframes, interval=512)
    for step, live in snapshots.items():
        same_processes(live, history.state_at(step))
    state = history.state_at(proc.log.last_step)
    for step in range(proc.log.last_step, 0, -1):
        if step in snapshots:
            same_processes(snapshots[step], state)
        history.backward(state, step)
    same_processes(snapshots[0], state)
