"""Crashes and kernel rules compared with the real kernel: signal, si_code, si_addr (gdb's $_siginfo)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from native import build, run_native, run_sim
from vmdebug.machine.faults import SI_CODES

HEAD = ".intel_syntax noprefix\n.globl _start\n.text\n_start:\n"
TAIL = "  mov eax, 1\n  xor ebx, ebx\n  int 0x80\n.section .note.GNU-stack,\"\",@progbits\n"

CRASHES = {
    "null_read": "  mov eax, DWORD PTR [0]\n",
    "null_write_offset": "  xor ebx, ebx\n  mov DWORD PTR [ebx+0x10], 7\n",
    "write_text": "  mov BYTE PTR [_start], 0x90\n",
    "exec_stack": "  push 0xc3c3c3c3\n  call esp\n",
    "exec_data": "  jmp data_word\n",
    "past_brk": "  mov eax, 45\n  xor ebx, ebx\n  int 0x80\n  mov eax, DWORD PTR [eax+0x1000]\n",
    "far_below_stack": "  mov DWORD PTR [esp-0x900000], 1\n",
    "stack_overflow": "f:\n  push eax\n  push eax\n  call f\n",
    "mprotect_ro": ("  mov eax, 192\n  xor ebx, ebx\n  mov ecx, 4096\n  mov edx, 3\n  mov esi, 0x22\n"
                    "  mov edi, -1\n  xor ebp, ebp\n  int 0x80\n  mov esi, eax\n  mov DWORD PTR [esi], 1\n"
                    "  mov eax, 125\n  mov ebx, esi\n  mov ecx, 4096\n  mov edx, 1\n  int 0x80\n"
                    "  mov DWORD PTR [esi+8], 2\n"),
    "munmapped": ("  mov eax, 192\n  xor ebx, ebx\n  mov ecx, 8192\n  mov edx, 3\n  mov esi, 0x22\n"
                  "  mov edi, -1\n  xor ebp, ebp\n  int 0x80\n  mov esi, eax\n  mov DWORD PTR [esi], 1\n"
                  "  mov eax, 91\n  mov ebx, esi\n  mov ecx, 8192\n  int 0x80\n  mov eax, DWORD PTR [esi+4]\n"),
    "divide_by_zero": "  xor ecx, ecx\n  div ecx\n",
    "ud2": "  ud2\n",
}
DATA = ".data\ndata_word: .long 0xc3c3c3c3\n"


def gdb_siginfo(exe: Path) -> tuple[int, int, int, int]:
    out = subprocess.run(["gdb", "-nx", "-batch", "-ex", "unset environment", "-ex", "run", "-ex", "p $_siginfo.si_signo",
                          "-ex", "p $_siginfo.si_code", "-ex", "p/x $_siginfo._sifields._sigfault.si_addr", "-ex", "p/x $esp",
                          str(exe)], capture_output=True, text=True, timeout=120).stdout
    values = re.findall(r"^\$\d+ = (\S+)", out, re.M)
    assert len(values) == 4, out
    return int(values[0]), int(values[1]), int(values[2], 16), int(values[3], 16)


@pytest.mark.parametrize("name", sorted(CRASHES))
def test_crash_matches_the_real_kernel(tmp_path: Path, name: str) -> None:
    exe = build(tmp_path, HEAD + CRASHES[name] + TAIL + DATA)
    signo, code, addr, esp = gdb_siginfo(exe)
    sim, proc = run_sim(exe)
    fault = proc.fault
    assert (fault.signal, SI_CODES[fault.code]) == (signo, code), fault.reason
    if signo in (4, 8, 11):
        # The initial stack depends on the environment gdb passes and on the vDSO auxv entries
        # of the real compat process, so stack addresses are compared relative to esp.
        stack = proc.kernel.find_vma(fault.address)
        if stack is not None and stack.growsdown:
            assert fault.address - proc.state.regs[4] == addr - esp, fault.reason
        else:
            assert fault.address == addr, (hex(fault.address), hex(addr), fault.reason)
    # precise: eip still points at the faulting instruction, and the status is 128+signal
    assert sim.status == 128 + signo
    native = run_native(exe)
    assert native.signal == signo


BRK = HEAD + """
  mov eax, 45
  xor ebx, ebx
  int 0x80
  mov esi, eax
  push eax
  mov eax, 45
  lea ebx, [esi+1]
  int 0x80
  push eax
  mov eax, 45
  lea ebx, [esi+20000]
  int 0x80
  push eax
  mov DWORD PTR [esi+16000], 5      # inside the grown heap
  mov eax, 45
  lea ebx, [esi-16]                 # below the start: refused, break unchanged
  int 0x80
  push eax
  mov eax, 45
  lea ebx, [esi+100]                # shrink
  int 0x80
  push eax
  mov eax, 45
  mov ebx, 0xfff00000               # into the stack: refused
  int 0x80
  push eax
  mov eax, DWORD PTR [esi+4000]     # the page of the break is still mapped: reads 0
  push eax
  mov eax, 4
  mov ebx, 1
  mov ecx, esp
  mov edx, 28
  int 0x80
""" + TAIL


def test_brk_follows_the_kernel(tmp_path: Path) -> None:
    exe = build(tmp_path, BRK)
    native = run_native(exe)
    sim, _ = run_sim(exe)
    assert native.status == 0
    assert sim.stdout == native.stdout
    assert sim.status == native.status
