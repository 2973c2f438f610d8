"""What exec refuses, as the kernel refuses it, and what the assembler will not hold.

The compat layout is the kernel on this machine (a 64-bit kernel running i386
code: user space ends at 0xffffe000), so its answers are checked against the
real run; the i386 layout's 3 GiB limit is fs/binfmt_elf.c's check against a
32-bit kernel's TASK_SIZE.
"""
from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from native import build, run_native, run_sim
from vmdebug.errors import UserError
from vmdebug.isa.assembler import AssemblyError, assemble_text
from vmdebug.machine.elf import load_elf
from vmdebug.machine.process import Process

EXIT = """.intel_syntax noprefix
.globl _start
.text
_start:
  mov eax, 1
  mov ebx, 7
  int 0x80
.bss
.space {bss}
.section .note.GNU-stack,"",@progbits
"""


def vmdebug(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_a_bss_past_3_gib_runs_on_this_kernel_and_is_refused_by_a_32_bit_one(tmp_path: Path) -> None:
    exe = build(tmp_path, EXIT.format(bss="0xf0000000"))
    native = run_native(exe)
    sim, _ = run_sim(exe, layout="compat")
    assert (sim.status, sim.signal) == (native.status, native.signal) == (7, 0)
    with pytest.raises(UserError, match=r"exec refused: segment \d \(0x0804a000-0xf804a000\) ends past the "
                                        r"user address space, which ends at 0xc0000000"):
        Process(load_elf(exe), argv=["a"], layout="i386")


def test_a_segment_over_the_stack_is_refused(tmp_path: Path) -> None:
    exe = build(tmp_path, EXIT.format(bss="0xb7ff0000"))       # 0x0804a000 + this reaches 0xc003a000
    with pytest.raises(UserError, match="exec refused"):
        Process(load_elf(exe), argv=["a"], layout="i386")
    exe = build(tmp_path, EXIT.format(bss="0xb7fa0000"))       # ends at 0xbffea000: into the stack's 128 KiB
    with pytest.raises(UserError, match=r"overlaps the stack at 0xbffd.000-0xc0000000 \(EEXIST\)"):
        Process(load_elf(exe), argv=["a"], layout="i386")


def test_record_of_a_refused_program_leaves_no_file(tmp_path: Path) -> None:
    exe = build(tmp_path, EXIT.format(bss="0xf0000000"))
    res = vmdebug("record", "-o", "x.vmlog", str(exe), cwd=tmp_path)
    assert res.returncode == 1 and res.stderr.count("\n") == 1 and "exec refused" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if "vmlog" in p.name) == []


def _corrupt(exe: Path, offset: int, fmt: str, value: int) -> bytes:
    data = bytearray(exe.read_bytes())
    struct.pack_into(fmt, data, offset, value)
    return bytes(data)


@pytest.mark.parametrize("what, offset, fmt, value", [
    ("e_phoff past the end", 28, "<I", 0xFFFFF0),
    ("e_phentsize", 42, "<H", 1),
    ("e_phnum", 44, "<H", 0xFFFF),
])
def test_program_headers_the_kernel_refuses_are_refused(tmp_path: Path, what: str, offset: int, fmt: str,
                                                         value: int) -> None:
    exe = build(tmp_path, EXIT.format(bss="4"))
    bad = tmp_path / "bad"
    bad.write_bytes(_corrupt(exe, offset, fmt, value))
    os.chmod(bad, 0o755)
    with pytest.raises(OSError) as native:          # execve: ENOEXEC
        subprocess.run([str(bad)], check=False)
    assert native.value.errno == 8
    res = vmdebug("run", str(bad), cwd=tmp_path)
    assert res.returncode == 1 and res.stderr == f"vmdebug: {bad}: cannot execute: Exec format error " \
                                                  "(bad program headers)\n"


@pytest.mark.parametrize("offset, fmt, value", [(32, "<I", 0xFFFFF0), (48, "<H", 0xFFF), (50, "<H", 0xFF)])
def test_section_headers_the_kernel_ignores_only_lose_names(tmp_path: Path, offset: int, fmt: str,
                                                           value: int) -> None:
    exe = build(tmp_path, EXIT.format(bss="4"))
    bad = tmp_path / "bad"
    bad.write_bytes(_corrupt(exe, offset, fmt, value))
    os.chmod(bad, 0o755)
    assert subprocess.run([str(bad)]).returncode == 7
    assert vmdebug("run", str(bad), cwd=tmp_path).returncode == 7
    res = vmdebug("debug", "-batch", "-ex", "continue", str(bad), cwd=tmp_path)
    assert "Traceback" not in res.stderr and "internal error" not in res.stderr
    assert "[Inferior 1 (process 1000) exited with code 07]" in res.stdout


@pytest.mark.parametrize("src, line, col, message", [
    (".text\n.fill 0x7fffffff, 1, 0x90\n", 2, 1,
     "`.fill' of 2147483647 bytes: section `.text' would hold more than 256 MiB, the most vmdebug assembles"),
    (".data\n.space 0x10000000, 1\n.space 0x10000000, 1\n", 3, 1,
     "`.space' of 268435456 bytes: section `.data' would hold more than 256 MiB, the most vmdebug assembles"),
    (".bss\n.space 0x100000000\n", 2, 1,
     "`.space' of 4294967296 bytes: section `.bss' would exceed the 4 GiB address space"),
    (".text\n.fill 0x20000000, 8, 0\n", 2, 1,
     "`.fill' of 4294967296 bytes: section `.text' would exceed the 4 GiB address space"),
])
def test_fills_beyond_what_can_be_held_are_errors_at_once(src: str, line: int, col: int, message: str) -> None:
    with pytest.raises(AssemblyError) as info:
        assemble_text(".intel_syntax noprefix\n" + src, "big.s")
    assert [(d.line, d.col, d.message) for d in info.value.errors] == [(line + 1, col, message)]


def test_a_large_bss_is_still_fine() -> None:
    obj = assemble_text(".intel_syntax noprefix\n.bss\n.space 0x80000000\n", "bss.s")
    assert obj is not None
