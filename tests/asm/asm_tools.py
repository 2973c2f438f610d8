"""Helpers shared by the assembler tests: run the real GNU tools and read their ELF output.

Not a test module (no ``test_`` prefix); the tests import it by its unique name.
"""
from __future__ import annotations

import struct
import subprocess
from pathlib import Path

GCC_FLAGS = ["-m32", "-S", "-masm=intel", "-ffreestanding", "-nostdinc", "-fno-pic", "-fno-pie",
             "-fno-stack-protector", "-fcf-protection=none", "-fno-asynchronous-unwind-tables"]


def run(cmd: list[str], **kw: object) -> str:
    """Run a tool; fail loudly with its stderr."""
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)  # type: ignore[call-overload]
    if res.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{res.stderr}")
    return res.stdout


def gas(src: Path, out: Path) -> Path:
    run(["as", "--32", "-o", str(out), str(src)])
    return out


def elf_sections(path: Path) -> dict[str, tuple[int, int, bytes, int, int]]:
    """name -> (sh_type, sh_flags, contents, sh_addr, sh_size) of an ELF32 file."""
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 1, "not ELF32"
    shoff, = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
    heads = [struct.unpack_from("<IIIIIIIIII", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = heads[shstrndx]
    names = data[strtab[4]:strtab[4] + strtab[5]]
    out: dict[str, tuple[int, int, bytes, int, int]] = {}
    for h in heads[1:]:
        name = names[h[0]:names.index(b"\0", h[0])].decode()
        contents = b"" if h[1] == 8 else data[h[4]:h[4] + h[5]]
        out[name] = (h[1], h[2], contents, h[3], h[5])
    return out


def nm(path: Path) -> dict[str, int]:
    """Defined symbols -> value, from the real nm (locals included, duplicates keep the first)."""
    out: dict[str, int] = {}
    for line in run(["nm", "-n", str(path)]).splitlines():
        parts = line.split()
        if len(parts) == 3:
            out.setdefault(parts[2], int(parts[0], 16))
    return out
