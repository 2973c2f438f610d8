"""scanf/sscanf, getline, ungetc, strtok/strtok_r, strndup, strpbrk, strcasecmp and rand:
the same program built three ways prints the same - against the host's glibc (where these
are specified; rand as glibc's random() with a TYPE_0 state), natively with vmdebug's libc,
and simulated."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from vmdebug.machine.process import Process
from vmdebug.program import load_program
from vmdebug.toolchain.native import build_native, run_native

PROGRAM = Path(__file__).parent / "programs" / "input_functions.c"
STDIN = b"3 4\nfirst line\nsecond line\nno newline"


def host_glibc(tmp: Path) -> str:
    """The program against the host's glibc: rand() there is TYPE_3 unless initstate asks for
    TYPE_0, and srand/rand are srandom/random's sequence."""
    gcc = shutil.which("gcc")
    assert gcc, "gcc is required"
    text = PROGRAM.read_text()
    text = text.replace("int main(void)\n{", "int main(void)\n{\n    static char st[8];\n    initstate(1, st, 8);", 1)
    text = text.replace("srand(", "srandom(").replace("rand()", "(int)random()")
    src = tmp / "host.c"
    src.write_text(text)
    subprocess.run([gcc, "-w", "-O0", str(src), "-o", str(tmp / "host")], check=True)
    return subprocess.run([str(tmp / "host")], input=STDIN, capture_output=True, timeout=30).stdout.decode()


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> str:
    return host_glibc(tmp_path_factory.mktemp("glibc"))


@pytest.mark.parametrize("opt", ["0", "2"])
def test_input_and_string_functions_match_glibc_natively_and_simulated(expected: str, opt: str,
                                                                       tmp_path: Path) -> None:
    assert "sscanf(\"x=42 [hi] y\"" in expected and "line: no newline" in expected
    native = run_native(build_native(PROGRAM, tmp_path / "prog", opt), stdin=STDIN)
    assert native.stdout.decode() == expected
    out = bytearray()
    proc = Process(load_program(str(PROGRAM), opt).spec, argv=["input_functions"], stdin=STDIN,
                   on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
    proc.run(20_000_000)
    assert out.decode() == expected


def test_an_unknown_function_is_named_with_its_c_line(tmp_path: Path) -> None:
    import sys
    src = tmp_path / "missing.c"
    src.write_text("#include <stdio.h>\nint nowhere(int);\nint main(void)\n{\n    return nowhere(1);\n}\n")
    res = subprocess.run([sys.executable, "-m", "vmdebug", "run", "missing.c"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 1
    assert res.stderr.strip() == ("vmdebug: missing.c:5: undefined reference to `nowhere': the vmdebug libc has no "
                                  "`nowhere' (docs/libc.md lists what it has)")
