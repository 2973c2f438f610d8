"""The kernel half (i386 layout): the top 1 GiB of every page directory maps physical memory
in 4 MiB pages, present but supervisor-only; a user access there is SIGSEGV with SEGV_MAPERR
(arch/x86/mm/fault.c: __bad_area_nosemaphore for any address above TASK_SIZE_MAX)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

READ_KERNEL = """\
.intel_syntax noprefix
.globl _start
.text
_start:
  mov eax, DWORD PTR [0xc0001000]
  mov eax, 1
  xor ebx, ebx
  int 0x80
"""


def vmdebug(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_the_walk_of_a_kernel_address_ends_in_a_supervisor_only_4_mib_page(tmp_path: Path) -> None:
    (tmp_path / "k.s").write_text(READ_KERNEL)
    out = vmdebug(tmp_path, "debug", "-batch", "-ex", "pagewalk 0xc0001000", "-ex", "frames", "-ex", "vmmap",
                  "k.s").stdout.splitlines()
    assert "  PDE[768] at physical 0x00001c00 = 0x000001e3  P=1 RW=1 US=0 A=1 D=1" in out
    assert "    PS=1: the PDE maps a 4 MiB page at physical 0x00000000 (no page table)" in out
    assert any(line.startswith("  user access: none - the entry is supervisor-only (US=0)") for line in out)
    assert ("The kernel half maps physical memory 0x00000000-0x07ffffff at 0xc0000000-0xc7ffffff in 4 MiB "
            "pages, in every process, supervisor-only.") in out
    assert not any("page table of pid 1000: 0xc" in line for line in out)      # no tables: 4 MiB pages
    at = out.index("0xc0000000  +--------------------------------+  top of user space")
    assert "kernel half" in out[at - 2] and out[at - 3].startswith("0xffffffff")


def test_a_user_access_to_the_kernel_half_is_sigsegv_maperr(tmp_path: Path) -> None:
    (tmp_path / "k.s").write_text(READ_KERNEL)
    run = vmdebug(tmp_path, "run", "k.s")
    assert run.returncode == 139
    assert "program received SIGSEGV (SEGV_MAPERR) at step 1" in run.stderr
    assert "  address: 0xc0001000 (read)" in run.stderr
    assert "the kernel half, present but supervisor-only (U/S=0)" in run.stderr
    explained = vmdebug(tmp_path, "debug", "-batch", "-ex", "continue", "-ex", "p $_siginfo.si_code",
                        "-ex", "explain", "k.s").stdout
    assert "  region hit: the kernel half - 0xc0001000 is above the top of user space" in explained


def test_the_compat_layout_has_no_kernel_half(tmp_path: Path) -> None:
    """A 64-bit kernel leaves the whole 4 GiB to a 32-bit process (its own half is above it)."""
    (tmp_path / "k.s").write_text(READ_KERNEL)
    out = vmdebug(tmp_path, "debug", "--layout", "compat", "-batch", "-ex", "pagewalk 0xc0001000", "-ex",
                  "frames", "k.s").stdout
    assert "PDE[768] at physical" in out and "P=0" in out.split("PDE[768]")[1].splitlines()[0]
    assert "kernel half" not in out
