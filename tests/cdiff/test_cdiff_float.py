"""Floating-point C is out of scope: it must fail before running, with one clear line
naming the first x87/SSE instruction, at every optimisation level (issue 5, section 6)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from vmdebug.program import load_program
from vmdebug.toolchain.gcc import FloatNotSimulatedError

FLOAT_PROGRAMS = {
    "double_mul": "volatile double d = 1.5;\nint main(void)\n{\n    return (int)(d * 3);\n}\n",
    "int_to_float": "volatile int n = 7;\nint main(void)\n{\n    float f = n;\n    return f > 6.5f;\n}\n",
    "ll_to_double": ("volatile long long v = 1LL << 40;\nint main(void)\n{\n    double x = (double)v;\n"
                     "    return x > 1e12;\n}\n"),
    "float_arg": ("__attribute__((noinline)) int half(float f) { return (int)(f / 2); }\n"
                  "int main(void)\n{\n    return half(9.0f);\n}\n"),
}
MESSAGE = re.compile(r"^x87/SSE instructions are not simulated: `(f[a-z0-9]+|[a-z]+s[sd]|cvt\w+)\b[^`]*`"
                     r" in function (\w+)( \(line \d+\))?$")


@pytest.mark.parametrize("opt", ["0", "1", "2"])
@pytest.mark.parametrize("name", sorted(FLOAT_PROGRAMS))
def test_float_program_is_refused_with_the_instruction(tmp_path: Path, name: str, opt: str) -> None:
    src = tmp_path / f"{name}.c"
    src.write_text(FLOAT_PROGRAMS[name])
    with pytest.raises(FloatNotSimulatedError) as info:
        load_program(str(src), opt)
    message = str(info.value)
    assert MESSAGE.match(message), message
    assert "\n" not in message


def test_float_program_cli_prints_one_line(tmp_path: Path) -> None:
    src = tmp_path / "fp.c"
    src.write_text(FLOAT_PROGRAMS["double_mul"])
    proc = subprocess.run([sys.executable, "-m", "vmdebug.cli", "run", str(src)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "x87/SSE instructions are not simulated: `fld" in lines[0], proc.stderr
