"""Build i386 programs with the real GNU as/ld and run them on the real CPU and kernel.

The simulated process runs the very same ELF, so differences can only come
from the simulation.  Tools missing is a failure, never a skip.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from gnu_build import build_elf as build  # noqa: F401  (the tests here import it from this module)
from vmdebug.machine.elf import load_elf
from vmdebug.machine.process import Process


@dataclass
class Outcome:
    stdout: bytes
    status: int       # exit status, or 128 + signal
    signal: int


def run_native(exe: Path, args: list[str] | None = None, stdin: bytes = b"") -> Outcome:
    proc = subprocess.run(["setarch", "-R", str(exe), *(args or [])], input=stdin, capture_output=True,
                          env={}, timeout=60)
    if proc.returncode < 0:
        return Outcome(proc.stdout, 128 - proc.returncode, -proc.returncode)
    return Outcome(proc.stdout, proc.returncode, 0)


def run_sim(exe: Path, args: list[str] | None = None, stdin: bytes = b"", layout: str = "compat",
            max_steps: int = 5_000_000) -> tuple[Outcome, Process]:
    out = bytearray()
    proc = Process(load_elf(exe), argv=[str(exe), *(args or [])], stdin=stdin, layout=layout,
                   on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
    proc.run(max_steps)
    status, signal = proc.state.exited or (-1, 0)
    return Outcome(bytes(out), status, signal), proc
