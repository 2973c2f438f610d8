"""A freestanding i386 program that runs floating-point instructions on the real CPU, for
tests/machine/test_ieee_vs_cpu.py.

The program reads fixed-size jobs from stdin and writes one fixed-size answer per job to stdout,
so one build serves the fixed tables and hypothesis's random batches alike:

* job (40 bytes): ``u32 op`` (index into the op list the program was built with), ``u32 ctl``
  (MXCSR for SSE ops, the x87 control word for x87 ops), ``a`` and ``b`` (16 bytes each, little
  endian: the operand bit patterns);
* answer (24 bytes): the result (16 bytes, the destination's bytes), ``u32 status`` (MXCSR after
  the op, or the x87 status word) and ``u32 eflags`` (after comparisons, which start from all of
  CF PF AF ZF SF OF set so that clearing is visible).

No libc exists for i386 here, so the program uses int 0x80 read/write/exit only.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

JOB = struct.Struct("<II16s16s")
ANSWER = struct.Struct("<16sII")
BATCH = 32768                       # jobs per run of the program (its buffers are sized for it)
ALL_ARITH_FLAGS = 0x8D5             # CF PF AF ZF SF OF

# Where an op's body finds things: esi points at the job, edi at the answer.
CTL, A, B = "[esi+4]", "[esi+8]", "[esi+24]"
OUT, STATUS, EFLAGS = "[edi]", "[edi+16]", "[edi+20]"


@dataclass(frozen=True)
class NativeOp:
    """One instruction sequence the program can run; ``body`` is Intel-syntax assembly."""

    name: str
    body: str


def _program(ops: list[NativeOp]) -> str:
    handlers = []
    for index, op in enumerate(ops):
        lines = "\n".join("    " + line.strip() for line in op.body.strip().splitlines())
        handlers.append(f"op_{index}:    # {op.name}\n{lines}\n    jmp next_job\n")
    table = "\n".join(f"    .long op_{index}" for index in range(len(ops)))
    return f"""\
.intel_syntax noprefix
.set JOB_SIZE, {JOB.size}
.set ANSWER_SIZE, {ANSWER.size}
.set IN_MAX, {BATCH * JOB.size}
.lcomm inbuf, {BATCH * JOB.size}
.lcomm outbuf, {BATCH * ANSWER.size}
.section .rodata
.align 4
optable:
{table}
.text
.globl _start
_start:
    xor esi, esi                # bytes read so far
read_more:
    mov eax, 3                  # read(0, inbuf + esi, IN_MAX - esi)
    xor ebx, ebx
    lea ecx, [inbuf + esi]
    mov edx, IN_MAX
    sub edx, esi
    jz read_done
    int 0x80
    test eax, eax
    js fail
    jz read_done
    add esi, eax
    jmp read_more
read_done:
    mov eax, esi
    xor edx, edx
    mov ecx, JOB_SIZE
    div ecx
    mov ebp, eax                # jobs
    lea esi, inbuf
    lea edi, outbuf
job_loop:
    test ebp, ebp
    jz write_out
    mov eax, [esi]
    cmp eax, {len(ops)}
    jae fail
    jmp [optable + eax*4]
next_job:
    add esi, JOB_SIZE
    add edi, ANSWER_SIZE
    dec ebp
    jmp job_loop
write_out:
    lea ecx, outbuf
    mov edx, edi
    sub edx, ecx
write_more:
    test edx, edx
    jz done
    mov eax, 4                  # write(1, ecx, edx)
    mov ebx, 1
    int 0x80
    test eax, eax
    jle fail
    add ecx, eax
    sub edx, eax
    jmp write_more
done:
    mov eax, 1
    xor ebx, ebx
    int 0x80
fail:
    mov eax, 1
    mov ebx, 2
    int 0x80

{chr(10).join(handlers)}
"""


def require_tools(tools: tuple[str, ...], message: str) -> None:
    """The real tools a comparison needs; without one the test skips locally but fails under
    CI=true (a CI run that silently compared nothing would pass for the wrong reason)."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        text = f"{' and '.join(missing)} not found: {message}"
        if os.environ.get("CI") == "true":
            pytest.fail(text)
        pytest.skip(text)


def tools_or_skip() -> None:
    """GNU as and ld, which build the native floating-point harness."""
    require_tools(("as", "ld"), "cannot build the native floating-point harness")


class Harness:
    """The program built for a list of ops, and a way to run jobs through it."""

    def __init__(self, workdir: Path, ops: list[NativeOp]):
        tools_or_skip()
        self.ops = ops
        self.index = {op.name: i for i, op in enumerate(ops)}
        source = workdir / "fpharness.s"
        source.write_text(_program(ops))
        obj = workdir / "fpharness.o"
        self.exe = workdir / "fpharness"
        for argv in (["as", "--32", "-o", str(obj), str(source)],
                     ["ld", "-m", "elf_i386", "-static", "-e", "_start", "-o", str(self.exe), str(obj)]):
            proc = subprocess.run(argv, capture_output=True, text=True)
            assert proc.returncode == 0, f"{argv[0]} failed:\n{proc.stderr[:3000]}"

    def run(self, jobs: list[tuple[str, int, int, int]]) -> list[tuple[int, int, int]]:
        """Runs (op name, ctl, a, b) jobs; returns (result, status, eflags) for each."""
        answers: list[tuple[int, int, int]] = []
        for start in range(0, len(jobs), BATCH):
            chunk = jobs[start:start + BATCH]
            data = b"".join(JOB.pack(self.index[name], ctl, a.to_bytes(16, "little"), b.to_bytes(16, "little"))
                            for name, ctl, a, b in chunk)
            proc = subprocess.run([str(self.exe)], input=data, capture_output=True, timeout=60)
            assert proc.returncode == 0, f"native harness exited with {proc.returncode}: {proc.stderr[:500]!r}"
            assert len(proc.stdout) == ANSWER.size * len(chunk), "native harness wrote a short answer"
            for res, status, eflags in ANSWER.iter_unpack(proc.stdout):
                answers.append((int.from_bytes(res, "little"), status, eflags))
        return answers
