"""Regression tests for simulator and toolchain bugs the differential corpus found.

Each test pins one bug down with the smallest program that shows it, run on the
real CPU and on the simulator.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from cdiff_harness import build_asm, run_elf_simulated

# Writes the 4 bytes at esp to stdout and pops them.
_EMIT = "  mov eax, 4\n  mov ebx, 1\n  mov ecx, esp\n  mov edx, 4\n  int 0x80\n  add esp, 4\n"
_EXIT = "  mov eax, 1\n  xor ebx, ebx\n  int 0x80\n.section .note.GNU-stack,\"\",@progbits\n"


def _count_program() -> str:
    """tzcnt/lzcnt (gcc's `rep bsf` for __builtin_ctz) on 16 and 32-bit operands,
    zero included, from a register and from memory; the result and CF/ZF are printed."""
    body = [".globl _start\n.data\ncntword: .long 0x00f00000\n.text\n_start:\n"]
    values = [0, 1, 0x80000000, 0x00010000, 0x12345678, 0xFFFFFFFF, 0x00000100, 0x8000]
    for op in ("tzcnt", "lzcnt", "rep bsf"):
        for v in values:
            for reg in ("ecx", "cx"):
                body.append(f"  mov edx, {v:#x}\n  mov ecx, 0x5555aaaa\n  mov eax, 0x77\n  push eax\n  popfd\n"
                            f"  {op} {reg}, {'edx' if reg == 'ecx' else 'dx'}\n"
                            "  pushfd\n  and DWORD PTR [esp], 0x41\n  push ecx\n" + _EMIT + _EMIT)
        body.append(f"  {op} eax, DWORD PTR cntword\n  push eax\n" + _EMIT)
    return "".join(body) + _EXIT


def test_tzcnt_lzcnt_match_the_real_cpu(tmp_path: Path) -> None:
    # Bug: the decoder knew tzcnt/lzcnt (F3 0F BC/BD) but the CPU had no semantics, so any
    # C program using __builtin_ctz died with "instruction `tzcnt` is not simulated".
    exe = build_asm(tmp_path, _count_program())
    native = subprocess.run([str(exe)], capture_output=True, timeout=20)
    assert native.returncode == 0
    stdout, status, proc = run_elf_simulated(exe)
    assert status == 0, getattr(proc, "fault", None) and proc.fault.reason
    assert len(stdout) == len(native.stdout) > 0
    words = lambda b: [int.from_bytes(b[k:k + 4], "little") for k in range(0, len(b), 4)]
    assert words(stdout) == words(native.stdout)
