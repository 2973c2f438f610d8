"""The debugger shows the selectors the program itself reads (vmdebug.machine.segments):
a 32-bit kernel's in the i386 layout, the x86-64 kernel's in the compat one, in ``info
registers``, ``$ds`` and the gdb server's ``g`` packet alike."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROGRAM = """\
.globl _start
_start:
    mov eax, ds
    mov ebx, cs
    push ss
    pop ecx
    nop
    mov eax, 1
    xor ebx, ebx
    int 0x80
"""


@pytest.mark.parametrize("layout,cs,ds", [("i386", 0x73, 0x7B), ("compat", 0x23, 0x2B)])
def test_the_debugger_shows_the_selectors_the_program_reads(tmp_path: Path, layout: str, cs: int, ds: int) -> None:
    (tmp_path / "seg.s").write_text(PROGRAM)
    cmds = ["stepi 5", "p/x $eax", "p/x $ebx", "p/x $ecx", "p $eax == $ds && $ebx == $cs && $ecx == $ss",
            "info registers cs ss ds es fs gs"]
    args = [a for c in cmds for a in ("-ex", c)]
    out = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "--layout", layout, *args, "seg.s"],
                         cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    lines = out.splitlines()
    assert f"$1 = {ds:#x}" in lines and f"$2 = {cs:#x}" in lines and f"$3 = {ds:#x}" in lines, out
    assert "$4 = 1" in lines, out
    assert f"cs             {cs:#x}" in out and f"ds             {ds:#x}" in out and "gs             0x0" in out
