"""Test programs for the debugger, built with the real GNU as/ld (no dependency
on vmdebug's own toolchain), and a helper that runs debugger commands in
batch and captures what they print."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gnu_build import build_elf as build  # noqa: F401  (the tests here import it from this module)
from vmdebug.debugger.session import Debugger, open_debugger

PROG_S = """\
.intel_syntax noprefix
.globl _start
.data
val: .long 7
msg: .ascii "hi there\\0"
.text
f:
    push ebp
    mov ebp, esp
    mov eax, [ebp+8]
    add eax, eax
    mov [val], eax
    pop ebp
    ret
_start:
    mov eax, 5
    push 3
    call f
    add esp, 4
    mov ecx, 0
    mov edx, [ecx]
    mov eax, 1
    int 0x80
"""

# Counts val from 0 to 4 (one write per iteration), reads it back, prints "ok\\n", exits with 3.
LOOP_S = """\
.intel_syntax noprefix
.globl _start
.data
counter: .long 0
text: .ascii "ok\\n"
.text
bump:
    push ebp
    mov ebp, esp
    mov eax, [counter]
    inc eax
    mov [counter], eax
    pop ebp
    ret
_start:
    mov ecx, 5
again:
    push ecx
    call bump
    pop ecx
    dec ecx
    jnz again
    mov ebx, [counter]
    mov eax, 4
    mov ebx, 1
    mov ecx, offset text
    mov edx, 3
    int 0x80
    mov eax, 1
    mov ebx, 3
    int 0x80
"""


class Captured:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.errors: list[str] = []

    def write(self, text: str) -> None:
        self.lines.extend(text.split("\n"))

    def error(self, text: str) -> None:
        self.errors.extend(text.split("\n"))
        self.lines.extend(text.split("\n"))

    def output(self, fd: int, data: bytes) -> None:
        self.lines.extend(data.decode(errors="replace").rstrip("\n").split("\n"))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def session(target: str | Path, args: list[str] | None = None, layout: str = "compat") -> tuple[Debugger, Captured]:
    cap = Captured()
    dbg = open_debugger(str(target), args or [], cap.write, cap.error, cap.output, layout=layout)
    return dbg, cap


def run(target: str | Path, commands: list[str], layout: str = "compat") -> tuple[str, Captured, Debugger]:
    dbg, cap = session(target, layout=layout)
    for c in commands:
        dbg.execute(c)
    return cap.text, cap, dbg


def outputs(dbg: Debugger, cap: Captured, command: str) -> list[str]:
    """The lines one command prints."""
    start = len(cap.lines)
    dbg.execute(command)
    return cap.lines[start:]


def require_gdb() -> None:
    """For the few tests that can run without gdb: they skip, but fail under CI=true,
    where a test of a real tool must never be skipped."""
    if shutil.which("gdb") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("gdb is required to compare with it (CI=true)")
        pytest.skip("gdb is not installed")


def gdb_batch(exe: str | Path, commands: list[str], cwd: str | Path, before: list[str] | None = None) -> str:
    """The real gdb's stdout for ``-ex`` commands on a native executable (``before`` first:
    settings whose output is not compared)."""
    require_gdb()
    argv = ["gdb", "-q", "-batch", "-nx"]
    for c in [*(before or []), *commands]:
        argv += ["-ex", c]
    return subprocess.run([*argv, str(exe)], capture_output=True, text=True, timeout=60, cwd=cwd).stdout


def gdb_and_ours(tmp: Path, name: str, source: str, script: list[str], opt: str = "0", marked: bool = True,
                 extra: list[str] | None = None) -> tuple[str, str]:
    """The same commands through the real gdb, on ``source`` built natively at ``-O{opt}``
    (``vmdebug cc --native``), and through vmdebug on ``source`` itself: each command an
    ``-ex`` (an error does not end the rest, as it ends a ``-x`` file), after an ``echo
    =====`` marker with ``marked``; stdout and stderr merged, in order.  ``extra``: more
    arguments of the program."""
    import sys
    require_gdb()
    (tmp / f"{name}.c").write_text(source)
    subprocess.run([sys.executable, "-m", "vmdebug", "cc", "--native", "-O", opt, "-o", name, f"{name}.c"],
                   cwd=tmp, check=True, capture_output=True)
    args = [a for c in script for a in ((("-ex", "echo =====\\n") if marked else ()) + ("-ex", c))]
    tail = ["--args", f"./{name}", *extra] if extra else [f"./{name}"]
    gdb = subprocess.run(["gdb", "-nx", "-batch", *args, *tail], cwd=tmp, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    ours = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", f"-O{opt}", *args, f"{name}.c",
                           *(extra or [])],
                          cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300).stdout
    return gdb, ours


#: What gdb 13 prints when it cannot make an inferior call on this host: on a CPU with AMX it
#: writes the XSAVE area at the size it knows, which the kernel refuses (PTRACE_SETREGSET of
#: NT_X86_XSTATE must be the kernel's whole size: EFAULT).  Anything that puts a value in the
#: inferior's memory calls the inferior's malloc: a string literal that find searches for,
#: printf's ``%s`` of one, the buffers of ``$_memeq``/``$_streq``.
GDB_CANNOT_CALL = "Couldn't write extended state status: Bad address."
TRANSCRIPTS = Path(__file__).resolve().parent / "gdb_transcripts"


def gdb_reference(gdb: str, name: str, marked: bool = True) -> str:
    """gdb's output to compare with: the live gdb's, or - where this host's gdb could not make
    an inferior call (:data:`GDB_CANNOT_CALL`) - gdb 13.1's output for the same commands on a
    host where it can (``gdb_transcripts/NAME.txt``: an AMD EPYC, where vmdebug's output
    matched it in CI at commit 20dc24a).  The transcript is taken only for that failure: every
    other command's output (a section between ``=====`` markers with ``marked``, else a
    line) must still be the live gdb's, up to the value history's numbers (a failed command
    records no value), process ids and stack addresses."""
    if GDB_CANNOT_CALL not in gdb:
        return gdb
    ref = (TRANSCRIPTS / f"{name}.txt").read_text()
    split = (lambda text: text.split("=====\n")) if marked else (lambda text: text.split("\n"))
    norm = lambda text: re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK",  # noqa: E731
                               re.sub(r"process \d+", "process N", re.sub(r"\$\d+", "$N", text)))
    live, want = split(gdb), split(ref)
    assert len(live) == len(want), (len(live), len(want))
    for got, expected in zip(live, want):
        if GDB_CANNOT_CALL not in got:
            assert norm(got) == norm(expected), (got, expected)
    return ref
