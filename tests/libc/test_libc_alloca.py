"""alloca: stack space in the caller's frame, aligned, as on the real CPU at -O0 and -O2."""
from __future__ import annotations

from pathlib import Path

import pytest

from vmdebug.machine.process import Process
from vmdebug.program import load_program
from vmdebug.toolchain.native import build_native, run_native

PROGRAM = Path(__file__).parent / "programs" / "alloca_fill.c"


@pytest.mark.parametrize("opt", ["0", "2"])
def test_alloca_as_on_the_real_cpu(opt: str, tmp_path: Path) -> None:
    native = run_native(build_native(PROGRAM, tmp_path / "al", opt)).stdout.decode()
    assert native == "301 15001\n"
    out = bytearray()
    proc = Process(load_program(str(PROGRAM), opt).spec, argv=["al"],
                   on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
    proc.run(5_000_000)
    assert out.decode() == native and proc.state.exited == (0, 0)
