"""`vmdebug objdump` against the real objdump -d -M intel on an ELF linked by ld from the same source."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from asm_tools import gas, gnu_link, run
from vmdebug.libc import asm_files
from vmdebug.toolchain.native import build_native

ROOT = Path(__file__).resolve().parents[2]

C_PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int square(int x) { return x * x; }
int table[8];
int main(int argc, char **argv) {
    char *p = malloc(16);
    strcpy(p, "abc");
    for (int i = 0; i < 8; i++) table[i] = square(i) + argc;
    printf("%s %d\n", p, table[7]);
    free(p);
    return 0;
}
"""


def _vmdebug(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], capture_output=True, text=True, cwd=ROOT)


def _body(text: str) -> str:
    """objdump output without its first lines (file name and format)."""
    lines = text.splitlines()
    assert lines[1].endswith("file format elf32-i386")
    return "\n".join(lines[2:])


def _ld(sources: list[Path], tmp: Path) -> Path:
    objs = [str(gas(s, tmp / f"o{i}.o")) for i, s in enumerate(sources)]
    out = tmp / "a.out"
    run(["ld", "-m", "elf_i386", "-static", "-e", "_start", "-o", str(out), *objs])
    return out


def test_examples_disassemble_like_objdump(tmp_path: Path) -> None:
    for src in sorted((ROOT / "examples").glob("*.s")):
        res = _vmdebug("objdump", str(src))
        assert res.returncode == 0, res.stderr
        ref = run(["objdump", "-d", "-M", "intel", str(_ld([src], tmp_path))])
        assert _body(res.stdout) == _body(ref), src.name


def test_program_with_libc_disassembles_like_objdump(tmp_path: Path) -> None:
    """A .s calling printf: crt0 + program + the libc's members it needs, every line identical."""
    src = tmp_path / "prog.s"
    src.write_text(".intel_syntax noprefix\n.section .rodata.str1.1,\"aMS\",@progbits,1\n.LC0: .string \"hi %d\\n\"\n"
                   ".text\n.globl main\nmain:\n push 42\n push OFFSET FLAT:.LC0\n call printf\n add esp, 8\n"
                   " xor eax, eax\n ret\n.section .note.GNU-stack,\"\",@progbits\n")
    res = _vmdebug("objdump", str(src))
    assert res.returncode == 0, res.stderr
    libc = asm_files()
    ref = run(["objdump", "-d", "-M", "intel", str(gnu_link([libc[0], src], tmp_path, "a.out", libc[1:]))])
    assert _body(res.stdout) == _body(ref)
    assert "<printf>:" in res.stdout and "call   " in res.stdout


def test_c_program_disassembles_like_native_build(tmp_path: Path) -> None:
    c = tmp_path / "prog.c"
    c.write_text(C_PROGRAM)
    for level in ("0", "2"):
        res = _vmdebug("objdump", "-O", level, str(c))
        assert res.returncode == 0, res.stderr
        native = build_native(c, tmp_path / f"native{level}", level)
        ref = run(["objdump", "-d", "-M", "intel", str(native)])
        assert _body(res.stdout) == _body(ref), f"-O{level}"


def test_zero_runs_print_as_dots(tmp_path: Path) -> None:
    src = tmp_path / "z.s"
    src.write_text(".intel_syntax noprefix\n.globl _start\n_start: nop\n.zero 20\nret\n.zero 2\nf: .zero 9\n ret\n.zero 2\n")
    res = _vmdebug("objdump", str(src))
    ref = run(["objdump", "-d", "-M", "intel", str(_ld([src], tmp_path))])
    assert _body(res.stdout) == _body(ref)
    assert "\t...\n" in res.stdout


def test_errors_are_reported_without_traceback(tmp_path: Path) -> None:
    src = tmp_path / "bad.s"
    src.write_text(".intel_syntax noprefix\n.text\n  mov eax, bl\n  frob\n.long 1b\n")
    res = _vmdebug("objdump", str(src))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert res.stderr == (
        f"vmdebug: {src}:3:3: error: operand size mismatch for `mov'\n"
        "   mov eax, bl\n   ^\n"
        f"{src}:4:3: error: unknown mnemonic `frob'\n"
        "   frob\n   ^\n"
        f"{src}:5:7: error: backward reference to unknown label \"1:\"\n"
        " .long 1b\n       ^\n"
        "3 errors\n")
    missing = _vmdebug("objdump", str(tmp_path / "nope.s"))
    assert missing.returncode == 1 and missing.stderr == f"vmdebug: {tmp_path / 'nope.s'}: no such file\n"
    undefined = tmp_path / "undef.s"
    undefined.write_text(".intel_syntax noprefix\n.globl _start\n_start: call nowhere_at_all\n")
    res = _vmdebug("objdump", str(undefined))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "undefined reference to `nowhere_at_all'" in res.stderr
