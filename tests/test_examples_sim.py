"""Every example, simulated and native, at -O0/-O1/-O2: same stdout, same exit status or signal.

The simulated run uses the compat layout (a 32-bit process under this machine's
x86-64 kernel), so even printed addresses must agree with the real process.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from vmdebug.machine.process import Process
from vmdebug.program import load_program
from vmdebug.toolchain.native import build_native, run_native

EXAMPLES = sorted(Path(__file__).resolve().parent.parent.joinpath("examples").glob("*.c"))


def example_files(path: Path) -> list[Path]:
    """The files the example's ``vmdebug debug --file PATH ... examples/X.c`` line gives it."""
    line = next((ln for ln in path.read_text().splitlines() if "vmdebug debug " in ln), "")
    return [path.parent.parent / p for p in re.findall(r"--file (\S+)", line)]


def simulate(path: Path, opt: str) -> tuple[bytes, int, int]:
    out = bytearray()
    program = load_program(str(path), opt)
    proc = Process(program.spec, argv=[str(path)], layout="compat",
                   files={f.name: f.read_bytes() for f in example_files(path)},
                   on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
    proc.run(20_000_000)
    status, signal = proc.state.exited or (-1, 0)
    return bytes(out), status, signal


@pytest.mark.parametrize("opt", ["0", "1", "2"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_behaves_as_on_the_real_machine(tmp_path: Path, example: Path, opt: str) -> None:
    exe = build_native(example, tmp_path / example.stem, opt)
    # What --file gives the simulated program by its name, the native one opens by its path.
    native = run_native(exe, [str(f) for f in example_files(example)])
    stdout, status, signal = simulate(example, opt)
    assert signal == (native.signal or 0)
    if not signal:
        assert status == native.exit_status
    assert stdout == native.stdout
