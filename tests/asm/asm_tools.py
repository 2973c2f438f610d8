"""Helpers shared by the assembler tests: run the real GNU tools and read their ELF output.

Not a test module (no ``test_`` prefix); the tests import it by its unique name.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from gnu_build import elf_sections, gnu_link  # noqa: F401  (re-exported for the assembler tests)
from vmdebug.toolchain.gcc import COMMON_FLAGS

# The flags vmdebug compiles C with (SSE2 floating point included), in -S Intel mode.
GCC_FLAGS = [COMMON_FLAGS[0], "-S", "-masm=intel", *COMMON_FLAGS[1:]]


def run(cmd: list[str], **kw: object) -> str:
    """Run a tool; fail loudly with its stderr."""
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)  # type: ignore[call-overload]
    if res.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{res.stderr}")
    return res.stdout


def gas(src: Path, out: Path) -> Path:
    run(["as", "--32", "-o", str(out), str(src)])
    return out


def nm(path: Path) -> dict[str, int]:
    """Defined symbols -> value, from the real nm (locals included, duplicates keep the first)."""
    out: dict[str, int] = {}
    for line in run(["nm", "-n", str(path)]).splitlines():
        parts = line.split()
        if len(parts) == 3:
            out.setdefault(parts[2], int(parts[0], 16))
    return out

