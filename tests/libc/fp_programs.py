"""Shared by the floating-point libc tests: one C program built three ways - with the
host's gcc and glibc (64-bit, the reference), natively with vmdebug's libc, and simulated.

The host build uses -fno-builtin so gcc calls glibc rather than folding a call with
constant arguments at compile time (vmdebug's builds are -ffreestanding, which implies it)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from vmdebug.machine.process import Process
from vmdebug.program import load_program
from vmdebug.toolchain.native import build_native, run_native

PROGRAMS = Path(__file__).parent / "programs"


def host_glibc(program: Path, tmp: Path, args: list[str] | None = None, stdin: bytes = b"") -> str:
    """What the program prints built with the host's gcc against glibc and libm."""
    gcc = shutil.which("gcc")
    assert gcc, "gcc is required"
    exe = tmp / (program.stem + "_host")
    if not exe.exists():
        subprocess.run([gcc, "-w", "-O0", "-fno-builtin", str(program), "-o", str(exe), "-lm"], check=True)
    res = subprocess.run([str(exe), *(args or [])], input=stdin, capture_output=True, timeout=60)
    assert res.returncode == 0, res.stderr
    return res.stdout.decode()


def native(program: Path, tmp: Path, opt: str, args: list[str] | None = None, stdin: bytes = b"") -> str:
    """What the program prints built for the real CPU with vmdebug's libc."""
    exe = tmp / f"{program.stem}_O{opt}"
    if not exe.exists():
        build_native(program, exe, opt)
    res = run_native(exe, args, stdin=stdin, timeout=60)
    assert res.signal is None and res.exit_status == 0, res
    return res.stdout.decode()


def simulated(program: Path, opt: str, args: list[str] | None = None, stdin: bytes = b"",
              max_steps: int = 20_000_000) -> tuple[str, int]:
    """What the program prints in the simulator, and the steps it took."""
    out = bytearray()
    proc = Process(load_program(str(program), opt).spec, argv=[program.stem, *(args or [])], stdin=stdin,
                   on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
    proc.run(max_steps)
    assert proc.state.exited == (0, 0), proc.state.exited
    return out.decode(), proc.steps


def first_difference(got: str, expected: str) -> str:
    """The first line that differs, for a readable failure."""
    for i, (g, e) in enumerate(zip(got.split("\n"), expected.split("\n"))):
        if g != e:
            return f"line {i + 1}: got {g!r}, expected {e!r}"
    return f"lengths differ: {len(got)} and {len(expected)}"
