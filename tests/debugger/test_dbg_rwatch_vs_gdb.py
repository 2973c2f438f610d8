"""Read and access watchpoints against gdb on the real CPU, one watched location at a time.

The x86 debug registers trap reads and writes alike, so gdb reports a read watchpoint
for an access that left the value unchanged (a read, or a write of the same value) and
ignores one that changed it; an access watchpoint reports both.  Each program line is an
instruction whose memory effects are implicit or easy to get wrong: movsb reads only its
source, pushf/popf and pusha/popa touch the stack, xlat reads [ebx+al].
(Several watchpoints at once are left out: the CPU then reports one address for two
traps, and which gdb sees is an accident of debug-register order.)
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from dbgprogs import build

PROGRAM = """\
.intel_syntax noprefix
.globl _start
.data
src: .byte 0x41, 0x42, 0x43, 0x44
dst: .byte 0, 0, 0, 0
table: .byte 10, 11, 12, 13, 14, 15, 16, 17
.text
_start:
    cld
    mov esi, offset src
    mov edi, offset dst
    movsb
    movsb
    pushf
    popf
    push 1
    push 2
    pusha
    popa
    add esp, 8
    mov ebx, offset table
    mov eax, 5
    xlat
    add BYTE PTR [table+1], 1
    mov eax, 1
    xor ebx, ebx
    int 0x80
.section .note.GNU-stack,"",@progbits
"""

WATCHED = ["*(char*)&src", "*(char*)&dst", "*((char*)&table+5)", "*(char*)&table", "*((char*)&table+1)",
           "*(int*)$below1", "*(int*)$below2", "*(int*)$below6", "*(int*)$below10"]


@pytest.fixture(scope="module")
def exe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("rwatch"), PROGRAM, "rw")


@pytest.mark.parametrize("kind", ["rwatch", "awatch"])
@pytest.mark.parametrize("where", WATCHED)
def test_one_watched_location_like_gdb(exe: Path, tmp_path: Path, kind: str, where: str) -> None:
    script = tmp_path / "w.gdb"
    script.write_text("starti\n" + "".join(f"set $below{n} = $esp - {4 * n}\n" for n in (1, 2, 6, 10))
                      + f"{kind} {where}\n" + "continue\n" * 5)
    outs = []
    for argv in (["gdb", "-nx", "-batch", "-x", str(script), str(exe)],
                 [sys.executable, "-m", "vmdebug", "debug", "--layout", "compat", "-batch", "-x", str(script),
                  str(exe)]):
        res = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
        outs.append(re.sub(r"process \d+", "process N", res.stdout))
    assert "watchpoint 1: " + where in outs[0]
    assert outs[1] == outs[0]
