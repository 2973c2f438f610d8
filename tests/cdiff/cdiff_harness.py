"""Run one C program of the differential corpus simulated and natively, and describe what happened.

A program under ``programs/`` may say how to run it in comment lines:

    //@ args: one "two words" 3        argv[1:] (shlex syntax)
    //@ stdin: "line 1\\nline 2\\n"     the standard input (a Python string literal)

Programs named ``crash_*.c`` are expected to be killed by a signal; for them
the real kernel's view of the fault is read through gdb's ``$_siginfo``
(signal, si_code, si_addr) and ``$pc`` / ``info symbol $pc`` (the faulting
function), since a plain run only reports the signal.

The native twin is :func:`vmdebug.toolchain.native.build_native`, the code
behind ``vmdebug cc --native``: the same gcc flags (``-c`` instead of ``-S``),
the same libc assembled by GNU as, linked by GNU ld.  The simulated program is
:func:`vmdebug.program.load_program`: gcc's assembly, vmdebug's assembler and
linker.  The simulated process uses the ``compat`` layout (a 32-bit process on
an x86-64 kernel, like the native run), so addresses of code and data agree;
the native run disables ASLR (``setarch -R``, and gdb does so by itself), so
heap addresses agree as well.  Stack addresses still differ (argv[0] and the
environment gdb sets), so programs do not print them.
"""
from __future__ import annotations

import ast
import re
import resource
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from gnu_build import build_elf
from vmdebug.machine.faults import SI_CODES
from vmdebug.machine.process import Process
from vmdebug.program import load_program
from vmdebug.toolchain.native import NATIVE_STACK_LIMIT, build_native, run_native

PROGRAMS_DIR = Path(__file__).resolve().parent / "programs"
PROGRAMS = sorted(PROGRAMS_DIR.glob("*.c"))
OPT_LEVELS = ("0", "1", "2")

#: No corpus program may run longer than this in the simulator (the corpus is
#: kept well below it so the whole run stays fast).
MAX_STEPS = 3_000_000


@dataclass(frozen=True)
class RunSpec:
    """How to run a program: argv[1:] and stdin, from its ``//@`` lines."""

    args: tuple[str, ...]
    stdin: bytes


def run_spec(path: Path) -> RunSpec:
    args: list[str] = []
    stdin = b""
    for line in path.read_text().splitlines():
        m = re.match(r"\s*//@\s*(args|stdin):\s*(.*)$", line)
        if not m:
            continue
        if m.group(1) == "args":
            args += shlex.split(m.group(2))
        else:
            stdin += ast.literal_eval(m.group(2)).encode()
    return RunSpec(tuple(args), stdin)


def is_crash(path: Path) -> bool:
    return path.stem.startswith("crash_")


@dataclass(frozen=True)
class Fault:
    """A fatal signal as the kernel reports it, plus where eip was."""

    signal: int
    si_code: int
    si_addr: int
    pc: int
    function: str | None   # the symbol holding pc, without the offset
    symbol: str | None     # "func+0x12" (or "func" at offset 0)
    esp: int


@dataclass(frozen=True)
class Outcome:
    stdout: bytes
    stderr: bytes
    exit_status: int | None   # None when a signal killed the process
    signal: int | None
    fault: Fault | None = None


def _set_stack_limit() -> None:
    resource.setrlimit(resource.RLIMIT_STACK, (NATIVE_STACK_LIMIT, NATIVE_STACK_LIMIT))


_GDB_VALUE = re.compile(r"^\$\d+ = (.*)$", re.M)
_GDB_SYMBOL = re.compile(r"^(\S+)(?: \+ (\d+))? in section (\S+)", re.M)


def gdb_fault(exe: Path, spec: RunSpec, workdir: Path) -> Fault:
    """Runs ``exe`` under gdb (empty environment, 8 MiB stack, ASLR off as gdb does)
    and reads the fatal signal's siginfo and the faulting pc."""
    stdin_file = workdir / f"{exe.name}.stdin"
    stdin_file.write_bytes(spec.stdin)
    run = "run " + " ".join(shlex.quote(a) for a in spec.args) + f" < {shlex.quote(str(stdin_file))}"
    argv = ["gdb", "-nx", "-batch", "-ex", "unset environment", "-ex", run,
            "-ex", "p $_siginfo.si_signo", "-ex", "p $_siginfo.si_code",
            "-ex", "p/x (unsigned int)$_siginfo._sifields._sigfault.si_addr", "-ex", "p/x $pc",
            "-ex", "p/x $esp", "-ex", "info symbol $pc", str(exe)]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120, preexec_fn=_set_stack_limit).stdout
    values = _GDB_VALUE.findall(out)
    assert len(values) == 5, f"gdb did not report a fatal signal for {exe.name}:\n{out}"
    pc = int(values[3], 16)
    m = _GDB_SYMBOL.search(out)
    function = symbol = None
    # Only code has a "faulting function": a pc inside a data object (a jump into
    # .data) names that object, which vmdebug's symbol_for leaves out by design.
    if m and m.group(3) == ".text":
        # gdb shows gcc's split-off "f.cold" part as "f[cold]"
        function = re.sub(r"\[(\w+)\]$", r".\1", m.group(1))
        off = int(m.group(2) or 0)
        symbol = function if off == 0 else f"{function}+{off:#x}"
    return Fault(int(values[0]), int(values[1]), int(values[2], 16), pc, function, symbol, int(values[4], 16))


def run_natively(path: Path, opt: str, workdir: Path) -> Outcome:
    """Builds with the native twin and runs on the real CPU (and under gdb for crash programs)."""
    spec = run_spec(path)
    exe = build_native(path, workdir / f"{path.stem}-O{opt}", opt)
    # setarch -R: no address randomisation, as in the simulated compat layout, so
    # heap addresses (printed, or in malloc's error messages) agree too.
    setarch = shutil.which("setarch")
    assert setarch is not None, "setarch (util-linux) is needed to run the native twin without ASLR"
    res = run_native(setarch, ["-R", str(exe), *spec.args], spec.stdin)
    fault = gdb_fault(exe, spec, workdir) if is_crash(path) else None
    return Outcome(res.stdout, res.stderr, res.exit_status, res.signal, fault)


def run_simulated(path: Path, opt: str) -> tuple[Outcome, Process]:
    """Compiles with gcc -S, assembles and links with vmdebug's toolchain, runs on the simulator."""
    spec = run_spec(path)
    out = {1: bytearray(), 2: bytearray()}
    program = load_program(str(path), opt)
    proc = Process(program.spec, argv=[str(path), *spec.args], stdin=spec.stdin, layout="compat",
                   on_output=lambda fd, data: out[fd].extend(data) if fd in out else None)
    how = proc.run(MAX_STEPS)
    assert how != "limit", f"{path.name} -O{opt} ran more than {MAX_STEPS} instructions"
    status, signal = proc.state.exited
    fault = None
    if signal:
        f = proc.fault
        pc = proc.state.regs[8]
        symbol = proc.symbol_for(pc)
        function = symbol.split("+")[0] if symbol else None
        fault = Fault(f.signal, SI_CODES[f.code], f.address, pc, function, symbol, proc.state.regs[4])
        return Outcome(bytes(out[1]), bytes(out[2]), None, signal, fault), proc
    return Outcome(bytes(out[1]), bytes(out[2]), status, None), proc


def build_asm(tmp: Path, source: str, name: str = "prog") -> Path:
    """A static i386 ELF from Intel-syntax assembly with its own _start, by GNU as and ld."""
    return build_elf(tmp, ".intel_syntax noprefix\n" + source, name)


def run_elf_simulated(exe: Path, max_steps: int = 1_000_000) -> tuple[bytes, int, Process]:
    """Runs a native ELF on the simulator; returns stdout, the exit status and the process."""
    from vmdebug.machine.elf import load_elf

    out = bytearray()
    proc = Process(load_elf(exe), argv=[str(exe)], layout="compat",
                   on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
    proc.run(max_steps)
    status, _signal = proc.state.exited or (-1, 0)
    return bytes(out), status, proc
