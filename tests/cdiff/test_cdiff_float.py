"""Floating point runs (issue 16); what the CPU lacks is refused before running, in one line
that names the C file, line and function of the first such instruction."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from vmdebug.program import load_program
from vmdebug.toolchain.gcc import NotSimulatedError, find_unsimulated

TRANSCENDENTAL = ("volatile long double x = 2.0L;\nint main(void)\n{\n    long double r = x;\n"
                  "    __asm__(\"fsin\" : \"+t\"(r));\n    return r > 1;\n}\n")


@pytest.mark.parametrize("opt", ["0", "2"])
def test_an_instruction_the_cpu_lacks_is_refused_with_file_line_and_function(tmp_path: Path, opt: str) -> None:
    src = tmp_path / "sine.c"
    src.write_text(TRANSCENDENTAL)
    with pytest.raises(NotSimulatedError) as info:
        load_program(str(src), opt)
    message = str(info.value)
    assert message.startswith(f"{src}:5: in function main: the x87 instruction `fsin` is not simulated"), message
    assert "\n" not in message


def test_the_cli_prints_the_refusal_as_one_line_naming_the_file_as_typed(tmp_path: Path) -> None:
    (tmp_path / "sine.c").write_text(TRANSCENDENTAL)
    proc = subprocess.run([sys.executable, "-m", "vmdebug.cli", "run", "sine.c"], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("vmdebug: sine.c:5: in function main: the x87 instruction `fsin`"), \
        proc.stderr


def test_sse_registers_and_plain_string_moves_are_told_apart() -> None:
    assert find_unsimulated("f:\n\t.loc 1 9 3\n\tmovsd\txmm0, QWORD PTR [eax]\n") is None
    assert find_unsimulated("g:\n\trep movsd\n\tmovsb\n\tfoo_label:\n") is None
    assert find_unsimulated('\t.file 1 "p.c"\nh:\n\t.loc 1 4 1\n\tfsincos\n') == ("fsincos", "h", "p.c", 4)
    assert find_unsimulated("k:\n\tvaddsd\txmm0, xmm1, xmm2\n")[0] == "vaddsd xmm0, xmm1, xmm2"
