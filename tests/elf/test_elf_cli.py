"""The ``vmdebug elf`` command line: outputs, determinism and one-line errors."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def vmdebug(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], capture_output=True, text=True, cwd=cwd,
                          env=env)


def test_writes_an_executable_that_runs(tmp_path: Path) -> None:
    res = vmdebug(tmp_path, "elf", str(ROOT / "examples" / "hello.s"), "-o", "hello")
    assert res.returncode == 0 and res.stdout == "" and res.stderr == ""
    out = tmp_path / "hello"
    assert os.access(out, os.X_OK)
    run = subprocess.run([str(out)], capture_output=True, env={})
    assert (run.stdout, run.returncode) == (b"Hello, world!\n", 0)


def test_default_output_name_and_same_bytes_every_time(tmp_path: Path) -> None:
    src = tmp_path / "prog.c"
    src.write_text("#include <stdio.h>\nint main(void)\n{\n    puts(\"hi\");\n    return 4;\n}\n")
    assert vmdebug(tmp_path, "elf", "prog.c").returncode == 0
    first = (tmp_path / "prog").read_bytes()
    assert vmdebug(tmp_path, "elf", "prog.c").returncode == 0
    assert (tmp_path / "prog").read_bytes() == first
    run = subprocess.run([str(tmp_path / "prog")], capture_output=True, env={})
    assert (run.stdout, run.returncode) == (b"hi\n", 4)
    assert vmdebug(tmp_path, "elf", "prog.c", "-O", "2", "--no-debug", "-o", "bare").returncode == 0
    sections = subprocess.run(["readelf", "-SW", str(tmp_path / "bare")], capture_output=True, text=True).stdout
    assert ".symtab" in sections and ".debug_" not in sections
    assert ".debug_line" in subprocess.run(["readelf", "-SW", str(tmp_path / "prog")], capture_output=True,
                                           text=True).stdout


def _one_line_error(res: subprocess.CompletedProcess[str], text: str) -> None:
    assert res.returncode != 0
    assert res.stderr.startswith("vmdebug: ") and res.stderr.count("\n") == 1, res.stderr
    assert text in res.stderr and "Traceback" not in res.stderr


def test_bad_input_is_a_one_line_error(tmp_path: Path) -> None:
    _one_line_error(vmdebug(tmp_path, "elf", "missing.c", "-o", "x"), "missing.c: no such file")
    (tmp_path / "notes.txt").write_text("hello\n")
    _one_line_error(vmdebug(tmp_path, "elf", "notes.txt", "-o", "x"), "expected a .s or .c file")
    # Assembler and linker diagnostics are the toolchain's (file:line: error, then the source line).
    (tmp_path / "bad.s").write_text("mov eax,\n")
    res = vmdebug(tmp_path, "elf", "bad.s", "-o", "x")
    assert res.returncode == 1 and res.stderr.startswith("vmdebug: bad.s:1:1: error: missing operand\n")
    (tmp_path / "undef.s").write_text(".globl _start\n_start:\n    call nowhere_at_all\n")
    res = vmdebug(tmp_path, "elf", "undef.s", "-o", "x")
    assert res.returncode == 1 and "undefined reference to `nowhere_at_all'" in res.stderr
    assert "Traceback" not in res.stderr
    _one_line_error(vmdebug(tmp_path, "elf", str(ROOT / "examples" / "hello.s"), "-o", "no/such/dir/x"),
                    "No such file or directory")
    _one_line_error(vmdebug(tmp_path, "elf", str(ROOT / "examples" / "hello.s"), "-o", str(tmp_path)),
                    "is a directory")
    hello = tmp_path / "hello.s"
    hello.write_text((ROOT / "examples" / "hello.s").read_text())
    _one_line_error(vmdebug(tmp_path, "elf", "hello.s", "-O", "9"), "unknown optimisation level")
    _one_line_error(vmdebug(tmp_path, "elf", "hello.s", "-o", "hello.s"), "refusing to overwrite the source")
    assert hello.read_text() == (ROOT / "examples" / "hello.s").read_text()
    assert not (tmp_path / "x").exists() and not (tmp_path / "hello").exists()


def test_compiler_errors_are_shown_as_gcc_printed_them(tmp_path: Path) -> None:
    (tmp_path / "broken.c").write_text("int main(void) { return 1 }\n")
    res = vmdebug(tmp_path, "elf", "broken.c", "-o", "x")
    gcc = subprocess.run(["gcc", "-fsyntax-only", "broken.c"], capture_output=True, text=True, cwd=tmp_path)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "broken.c:1:26: error:" in res.stderr and "broken.c:1:26: error:" in gcc.stderr
    assert not (tmp_path / "x").exists()
