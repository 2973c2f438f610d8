"""The MMU and demand paging: page tables in physical frames, bits, first-touch mapping, the guard gap."""
from __future__ import annotations

from pathlib import Path

import pytest

from events import codes as C
from native import build, run_native, run_sim
from events.state import PDE_TABLE, PTE_A, PTE_D, PTE_P, PTE_RW, PTE_US

HEAD = ".intel_syntax noprefix\n.globl _start\n.text\n_start:\n"
EXIT = "  mov eax, 1\n  xor ebx, ebx\n  int 0x80\n.section .note.GNU-stack,\"\",@progbits\n"

TOUCH = HEAD + """
  mov eax, 45
  xor ebx, ebx
  int 0x80
  mov esi, eax
  lea ebx, [eax+0x3000]
  mov eax, 45
  int 0x80              # three heap pages reserved, none mapped yet
  mov eax, DWORD PTR [esi+0x1004]   # first touch of the second page: a read maps the zero page
  mov DWORD PTR [esi+0x1008], 7     # then a write: copy-on-write, a dirty frame of its own
  mov DWORD PTR [esi+0x2000], 9     # first touch by a write: mapped dirty
""" + EXIT


def test_pages_are_mapped_at_the_step_that_first_touches_them(tmp_path: Path) -> None:
    sim, proc = run_sim(build(tmp_path, TOUCH), layout="i386")
    log = proc.log
    heap = proc.kernel.start_brk
    mapped = {}
    copied = {}
    for step in range(log.nsteps):
        for code, a, b, c, d in log.step(step).cols.tolist():
            if code == C.PAGE_MAPPED:
                mapped[a] = (step, b, bool(c & C.PAGE_DIRTY), bool(c & C.PERM_W))
            if code == C.PAGE_COPIED:
                copied[a] = (step, b, bool(d & C.PAGE_DIRTY), bool(d & C.PERM_W))
    # the eight instructions after the two brk calls: 1=mov,2=xor,3=int,4=mov,5=lea,6=mov,7=int,8=read...
    assert heap not in mapped
    assert mapped[heap + 0x1000] == (8, 0, False, False)      # the zero page (frame 0), read-only
    assert copied[heap + 0x1000] == (9, 0, True, True)        # copied from it, writable and dirty
    assert mapped[heap + 0x2000][0] == 10 and mapped[heap + 0x2000][2:] == (True, True)


def test_page_tables_live_in_physical_frames_with_the_right_bits(tmp_path: Path) -> None:
    _, proc = run_sim(build(tmp_path, TOUCH), layout="i386")
    state = proc.state
    assert state.pagemap
    for vpn, frame in state.pagemap.items():
        pde = state.pde(vpn >> 10)
        assert pde & 0xFFF == PDE_TABLE
        pte = state.pte(pde >> 12, vpn & 0x3FF)
        assert pte >> 12 == frame
        assert pte & (PTE_P | PTE_US | PTE_A) == PTE_P | PTE_US | PTE_A
        vma = proc.kernel.vma_at(vpn << 12)
        assert bool(pte & PTE_RW) == bool(vma.perms & C.PERM_W)
    heap = proc.kernel.start_brk
    second = state.pte(state.pde(heap >> 22) >> 12, ((heap + 0x1000) >> 12) & 0x3FF)
    assert second & PTE_D
    text = state.pte(state.pde(0x08049000 >> 22) >> 12, 0x49)
    assert not text & PTE_D and not text & PTE_RW


GAP = HEAD + """
  mov eax, 192          # mmap2(0xffedc000, 4096, RW, PRIVATE|ANON|FIXED): 1 MiB below the stack
  mov ebx, 0xffedc000
  mov ecx, 4096
  mov edx, 3
  mov esi, 0x32
  mov edi, -1
  xor ebp, ebp
  int 0x80
  mov DWORD PTR [esp-0x30000], 1    # grow the stack: the guard gap forbids it now
""" + EXIT
NO_GAP = HEAD + "  mov DWORD PTR [esp-0x30000], 1\n" + EXIT


@pytest.mark.parametrize("source,signal", [(GAP, 11), (NO_GAP, 0)])
def test_the_stack_guard_gap_matches_the_real_kernel(tmp_path: Path, source: str, signal: int) -> None:
    exe = build(tmp_path, source)
    native = run_native(exe)
    sim, proc = run_sim(exe)
    assert native.signal == signal
    assert sim.signal == signal
    if signal:
        assert "guard gap" in proc.fault.reason
