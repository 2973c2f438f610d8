"""Build an i386 program with the real GNU as and ld, for tests that compare with the real machine.

One helper for every test folder (pytest puts tests/ on the path, see pyproject.toml).  A tool
that is missing or rejects the source fails the test with the tool's own message: never a skip.
"""
from __future__ import annotations

import subprocess
from pathlib import Path


def build_elf(tmp: Path, source: str, name: str = "prog") -> Path:
    """A static i386 ELF from assembly with its own _start (``as --32``, ``ld -m elf_i386 -static``)."""
    s_path = tmp / f"{name}.s"
    s_path.write_text(source)
    for argv in (["as", "--32", "-o", str(tmp / f"{name}.o"), str(s_path)],
                 ["ld", "-m", "elf_i386", "-static", "-o", str(tmp / name), str(tmp / f"{name}.o")]):
        proc = subprocess.run(argv, capture_output=True, text=True)
        assert proc.returncode == 0, f"{argv[0]} failed:\n{proc.stderr[:3000]}"
    return tmp / name
