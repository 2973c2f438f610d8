"""Regression tests for simulator and toolchain bugs the differential corpus found.

Each test pins one bug down with the smallest program that shows it, run on the
real CPU and on the simulator.
"""
from __future__ import annotations

import re
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


_CMPXCHG8B_LINES = [
    "cmpxchg8b QWORD PTR [eax]",
    "lock cmpxchg8b QWORD PTR [esi+0x10]",
    "cmpxchg8b QWORD PTR [ebp-8]",
    "lock cmpxchg8b QWORD PTR [ebx+ecx*8+0x1234]",
    "cmpxchg8b QWORD PTR ds:0x804c010",
]


def test_cmpxchg8b_assembles_and_disassembles_like_binutils(tmp_path: Path) -> None:
    # Bug: cmpxchg8b (gcc's 64-bit __sync_val_compare_and_swap) was missing from the
    # instruction table: "unknown mnemonic `cmpxchg8b'" for any C program using it.
    from vmdebug.isa.assembler import assemble_text
    from vmdebug.isa.decoder import decode
    from vmdebug.isa.disasm import format_instruction

    source = ".intel_syntax noprefix\n.text\n" + "".join(line + "\n" for line in _CMPXCHG8B_LINES)
    (tmp_path / "c8.s").write_text(source)
    subprocess.run(["as", "--32", "-o", str(tmp_path / "c8.o"), str(tmp_path / "c8.s")], check=True)
    dump = subprocess.run(["objdump", "-d", "-M", "intel", "--no-show-raw-insn", str(tmp_path / "c8.o")],
                          capture_output=True, text=True, check=True).stdout
    theirs = [m.group(1) for m in re.finditer(r"^\s+[0-9a-f]+:\t(.*)$", dump, re.M)]
    raw = subprocess.run(["objcopy", "-O", "binary", "-j", ".text", str(tmp_path / "c8.o"), "/dev/stdout"],
                         capture_output=True, check=True).stdout
    obj = assemble_text(source, "c8.s")
    text = bytes(obj.sections[".text"].data)
    assert text == raw
    pos, ours = 0, []
    while pos < len(raw):
        insn = decode(raw[pos:], pos)
        ours.append(" ".join(format_instruction(insn).split()))
        pos += insn.length
    assert ours == [" ".join(t.split()) for t in theirs]


_CAS_PROGRAM = """.globl _start
.data
slot: .long 0x11111111, 0x22222222
.text
_start:
  mov eax, 0x11111111
  mov edx, 0x22222222
  mov ebx, 0xaaaaaaaa
  mov ecx, 0xbbbbbbbb
  lock cmpxchg8b QWORD PTR slot       # equal: slot = ecx:ebx, ZF=1
  pushfd
  and DWORD PTR [esp], 0x40
  push eax
  push edx
  mov eax, 1
  mov edx, 2
  mov esi, OFFSET slot
  cmpxchg8b QWORD PTR [esi]           # different: edx:eax = slot, ZF=0
  pushfd
  and DWORD PTR [esp], 0x40
  push eax
  push edx
  push DWORD PTR slot
  push DWORD PTR slot+4
  mov eax, 4
  mov ebx, 1
  mov ecx, esp
  mov edx, 36
  int 0x80
"""


def test_cmpxchg8b_runs_like_the_real_cpu(tmp_path: Path) -> None:
    exe = build_asm(tmp_path, _CAS_PROGRAM + _EXIT)
    native = subprocess.run([str(exe)], capture_output=True, timeout=20)
    assert native.returncode == 0 and len(native.stdout) == 36
    stdout, status, proc = run_elf_simulated(exe)
    assert status == 0, getattr(proc, "fault", None) and proc.fault.reason
    assert stdout == native.stdout


_EFAULT_READ = """.globl _start
.text
_start:
  mov eax, 192                 # mmap2(0, 8192, RW, PRIVATE|ANON, -1, 0)
  xor ebx, ebx
  mov ecx, 8192
  mov edx, 3
  mov esi, 0x22
  mov edi, -1
  xor ebp, ebp
  int 0x80
  mov esi, eax
  mov eax, 91                  # munmap the second page
  lea ebx, [esi+4096]
  mov ecx, 4096
  int 0x80
  mov eax, 3                   # read(0, page+4090, 20): runs off the mapping
  xor ebx, ebx
  lea ecx, [esi+4090]
  mov edx, 20
  int 0x80
  push eax
  mov eax, 4                   # what the failed read left in the buffer
  mov ebx, 1
  lea ecx, [esi+4090]
  mov edx, 6
  int 0x80
  mov eax, 3                   # the data is still there for the next read
  xor ebx, ebx
  mov ecx, esi
  mov edx, 4
  int 0x80
  push eax
  mov eax, 4
  mov ebx, 1
  mov ecx, esi
  mov edx, 4
  int 0x80
  mov eax, 4
  mov ebx, 1
  mov ecx, esp
  mov edx, 8
  int 0x80
"""


def test_read_into_a_buffer_that_runs_off_the_mapping(tmp_path: Path) -> None:
    # Bug: the simulated read(2) wrote nothing when the buffer crossed into an unmapped
    # page; a pipe read (fs/pipe.c) stores the bytes before the fault, returns -EFAULT
    # and leaves the data in the pipe.
    exe = build_asm(tmp_path, _EFAULT_READ + _EXIT)
    stdin = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    native = subprocess.run([str(exe)], input=stdin, capture_output=True, timeout=20)
    assert native.returncode == 0
    assert native.stdout[:6] == b"ABCDEF" and native.stdout[6:10] == b"ABCD"
    from vmdebug.machine.elf import load_elf
    from vmdebug.machine.process import Process

    out = bytearray()
    proc = Process(load_elf(exe), argv=[str(exe)], stdin=stdin, layout="compat",
                   on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
    proc.run(10_000)
    assert proc.state.exited == (0, 0)
    assert bytes(out) == native.stdout
