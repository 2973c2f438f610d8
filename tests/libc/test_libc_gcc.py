"""The gcc front end (compile_to_asm), the floating-point refusal, the
committed libc assembly being up to date, and the ``vmdebug cc`` command."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vmdebug.errors import UserError
from vmdebug.libc import asm_files, include_dir
from vmdebug.libc.build import LIBC_FLAGS, build_all
from vmdebug.toolchain.gcc import CompilerError, compile_to_asm, find_unsimulated

REPO = Path(__file__).resolve().parents[2]

FLOAT_C = """int twice(int x) { return 2 * x; }

double scale(double x)
{
    double k = 1.5;
    return x * k;
}
"""


def test_compile_to_asm_gives_intel_syntax_with_lines(tmp_path: Path) -> None:
    src = tmp_path / "add.c"
    src.write_text("int add(int a, int b)\n{\n    return a + b;\n}\n")
    asm = compile_to_asm(src, "0")
    assert ".intel_syntax noprefix" in asm
    assert "\nadd:\n" in asm
    assert "mov\tedx, DWORD PTR [ebp+8]" in asm  # cdecl: first argument above the return address
    assert "\t.loc 1 3 14" in asm              # C line 3 for step/next/list
    assert compile_to_asm(src, "0") == asm      # deterministic


@pytest.mark.parametrize("opt", ["0", "2"])
def test_floating_point_compiles_to_sse2_with_the_x87_only_for_the_return_value(opt: str, tmp_path: Path) -> None:
    src = tmp_path / "fp.c"
    src.write_text(FLOAT_C)
    asm = compile_to_asm(src, opt)
    assert "mulsd\txmm" in asm                    # the arithmetic is SSE2
    assert "\tfld\tQWORD PTR" in asm               # the i386 ABI returns a double in st(0)
    assert find_unsimulated(asm) is None


def test_compiler_errors_carry_gcc_stderr_verbatim(tmp_path: Path) -> None:
    src = tmp_path / "bad.c"
    src.write_text("int main(void)\n{\n    return missing;\n}\n")
    with pytest.raises(CompilerError) as info:
        compile_to_asm(src)
    direct = subprocess.run(
        ["gcc", "-m32", "-S", "-masm=intel", "-g", "-O0", "-ffreestanding", "-nostdinc", "-fno-pic",
         "-fno-pie", "-fno-stack-protector", "-fcf-protection=none", "-fno-asynchronous-unwind-tables",
         "-I", str(include_dir()), "-o", "-", str(src)], capture_output=True, text=True)
    assert direct.returncode != 0
    assert info.value.stderr == direct.stderr
    assert "error: 'missing' undeclared" in info.value.stderr.replace("\u2018", "'").replace("\u2019", "'")


def test_missing_gcc_says_assembly_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "ok.c"
    src.write_text("int main(void) { return 0; }\n")
    monkeypatch.setenv("PATH", str(tmp_path))  # a directory without gcc
    with pytest.raises(UserError, match=r"gcc was not found on PATH.*\.s\) files still work"):
        compile_to_asm(src)


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        compile_to_asm(tmp_path / "nope.c")


def test_committed_libc_assembly_is_what_build_py_produces() -> None:
    fresh = build_all()
    committed = {p.name: p.read_text() for p in asm_files()[1:]}
    assert set(fresh) == set(committed)
    for name, text in fresh.items():
        assert committed[name] == text, f"{name} is stale: run python -m vmdebug.libc.build"
    assert "-fno-builtin" in LIBC_FLAGS and "-g" in LIBC_FLAGS


def test_libc_assembly_runs_on_the_simulated_cpu_and_carries_gccs_dwarf_under_install_independent_names() -> None:
    from vmdebug.libc import LIBC_DIR
    for path in asm_files()[1:]:
        text = path.read_text()
        assert find_unsimulated(text) is None, path.name
        written_in_c = "__asm__(" not in (path.parent.parent / "src" / f"{path.stem}.c").read_text()
        assert ("\t.loc " in text or not written_in_c) and ".intel_syntax noprefix" in text
        assert ".section\t.debug_info" in text
        assert f'.file 0 "/vmdebug/libc/src" "{path.stem}.c"' in text
        assert str(LIBC_DIR) not in text and "/work" not in text and "/home" not in text


def test_heap_symbols_are_exported() -> None:
    malloc_s = (include_dir().parent / "asm" / "malloc.s").read_text()
    assert "\t.globl\t__heap_start\n" in malloc_s and "\t.globl\t__heap_end\n" in malloc_s


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], capture_output=True, text=True,
                          cwd=cwd, env=env)


def test_cli_cc_native_builds_a_runnable_elf(tmp_path: Path) -> None:
    (tmp_path / "hi.c").write_text('#include <stdio.h>\nint main(void) { printf("hi %d\\n", 6 * 7); return 5; }\n')
    proc = run_cli("cc", "--native", "-O", "2", "hi.c", "-o", "hi", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    elf = (tmp_path / "hi").read_bytes()
    assert elf[:4] == b"\x7fELF" and elf[4] == 1 and elf[18] == 3  # ELFCLASS32, EM_386
    run = subprocess.run([str(tmp_path / "hi")], capture_output=True)
    assert (run.returncode, run.stdout) == (5, b"hi 42\n")
    readelf = subprocess.run(["readelf", "-h", str(tmp_path / "hi")], capture_output=True, text=True).stdout
    assert "EXEC (Executable file)" in readelf


def test_cli_cc_writes_the_simulator_assembly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "m.c").write_text("int main(void) { return 3; }\n")
    proc = run_cli("cc", "m.c", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    monkeypatch.chdir(tmp_path)  # the DWARF ".file 0" names the compile directory
    assert (tmp_path / "m.s").read_text() == compile_to_asm("m.c")


def test_cli_cc_shows_gcc_errors_as_gcc_printed_them(tmp_path: Path) -> None:
    (tmp_path / "bad.c").write_text("int main(void) { return x; }\n")
    proc = run_cli("cc", "--native", "bad.c", "-o", "bad", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.startswith("bad.c: In function ")
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "bad").exists()


def test_cli_cc_bad_level_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "m.c").write_text("int main(void) { return 3; }\n")
    proc = run_cli("cc", "--native", "-O", "9", "m.c", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr == "vmdebug: unknown optimisation level '9': use one of 0, 1, 2, 3, s, g\n"


def test_tools_are_installed() -> None:
    for tool in ("gcc", "as", "ld"):
        assert shutil.which(tool), tool


def test_native_assembly_program_with_main_links_crt0_and_libc(tmp_path: Path) -> None:
    from vmdebug.toolchain.native import build_native, run_native

    src = tmp_path / "m.s"
    src.write_text("\t.globl main\nmain:\n\tpush OFFSET msg\n\tcall puts\n\tadd esp, 4\n\tmov eax, 7\n\tret\n"
                   "\t.section .rodata\nmsg:\t.string \"from asm\"\n")
    result = run_native(build_native(src, tmp_path / "m"))
    assert (result.stdout, result.exit_status) == (b"from asm\n", 7)


def test_native_assembly_program_with_its_own_start(tmp_path: Path) -> None:
    from vmdebug.toolchain.native import build_native, run_native

    src = tmp_path / "st.s"
    src.write_text("\t.globl _start\n_start:\n\tmov eax, 1\n\tmov ebx, 9\n\tint 0x80\n")
    result = run_native(build_native(src, tmp_path / "st"))
    assert (result.stdout, result.exit_status) == (b"", 9)


def test_native_assembly_errors_name_the_users_line(tmp_path: Path) -> None:
    from vmdebug.toolchain.native import build_native

    src = tmp_path / "bad.s"
    src.write_text("main:\n\tmov eax, 1\n\tfrobnicate eax\n")
    with pytest.raises(UserError, match=r"bad\.s:3: Error: no such instruction"):
        build_native(src, tmp_path / "bad")


def test_warnings_are_passed_on_verbatim(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "warn.c"
    src.write_text("int main(void)\n{\n    int *p = 5;\n    return p != 0;\n}\n")
    import io
    stream = io.StringIO()
    compile_to_asm(src, "2", warnings=stream)
    compile_to_asm(src, "2", warnings=False)
    compile_to_asm(src, "2")
    assert "warning: initialization of 'int *' from 'int' makes pointer from integer without a cast" in \
        stream.getvalue().replace("\u2018", "'").replace("\u2019", "'")
    assert capsys.readouterr().err == stream.getvalue()
