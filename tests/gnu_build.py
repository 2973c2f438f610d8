"""Build an i386 program with the real GNU as and ld, for tests that compare with the real machine.

One helper for every test folder (pytest puts tests/ on the path, see pyproject.toml).  A tool
that is missing or rejects the source fails the test with the tool's own message: never a skip.
"""
from __future__ import annotations

import struct
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


def _tool(argv: list[str]) -> None:
    proc = subprocess.run(argv, capture_output=True, text=True)
    assert proc.returncode == 0, f"{argv[0]} failed:\n{proc.stderr[:3000]}"


def gnu_link(sources: list[Path], tmp: Path, name: str, archive: list[Path] | tuple[Path, ...] = ()) -> Path:
    """``as --32`` each source and ``ld -m elf_i386 -static -e _start`` them into ``tmp/name``,
    followed by ``archive``'s sources as a static library made by the real ``ar`` (ld takes the
    members it needs, as vmdebug's linker takes the libc's)."""
    args = []
    for i, s in enumerate(sources):
        _tool(["as", "--32", "-o", str(tmp / f"{name}-{i}.o"), str(s)])
        args.append(str(tmp / f"{name}-{i}.o"))
    if archive:
        members = []
        for i, s in enumerate(archive):
            _tool(["as", "--32", "-o", str(tmp / f"{name}-lib{i}.o"), str(s)])
            members.append(str(tmp / f"{name}-lib{i}.o"))
        lib = tmp / f"{name}-lib.a"
        lib.unlink(missing_ok=True)
        _tool(["ar", "rcs", str(lib), *members])
        args.append(str(lib))
    _tool(["ld", "-m", "elf_i386", "-static", "-e", "_start", "-o", str(tmp / name), *args])
    return tmp / name


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
