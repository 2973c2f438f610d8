"""Helpers shared by the assembler tests: run the real GNU tools and read their ELF output.

Not a test module (no ``test_`` prefix); the tests import it by its unique name.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from gnu_build import elf_sections  # noqa: F401  (re-exported for the assembler tests)
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


def gnu_link(sources: list[Path], tmp: Path, name: str, archive: list[Path] | tuple[Path, ...] = ()) -> Path:
    """``as --32`` each source and ``ld -m elf_i386 -static`` them, followed by ``archive``'s
    sources as a static library made by the real ``ar`` (ld takes the members it needs)."""
    args = [str(gas(s, tmp / f"{name}-{i}.o")) for i, s in enumerate(sources)]
    if archive:
        lib = tmp / f"{name}-lib.a"
        lib.unlink(missing_ok=True)
        run(["ar", "rcs", str(lib), *(str(gas(s, tmp / f"{name}-lib{i}.o")) for i, s in enumerate(archive))])
        args.append(str(lib))
    out = tmp / name
    run(["ld", "-m", "elf_i386", "-static", "-e", "_start", "-o", str(out), *args])
    return out
