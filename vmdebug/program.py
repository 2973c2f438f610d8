"""Turn what the user named on the command line into something exec can load.

``PROG`` may be a ``.s`` file (assembled and linked by vmdebug's own
toolchain), a ``.c`` file (compiled with the system gcc to assembly first), or
an i386 ELF executable.  The result carries the :class:`LoadSpec` and the
metadata a session stores so it opens anywhere: the image, symbols, line
table and source texts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from events import codes as C
from vmdebug.errors import UserError
from vmdebug.machine.process import LoadSpec, Segment


@dataclass
class Program:
    spec: LoadSpec
    image: dict[str, Any] = field(default_factory=dict)  # stored in the session header


def _perms(flags: Any) -> int:
    if isinstance(flags, int):
        return flags
    text = str(flags)
    return (C.PERM_R if "r" in text else 0) | (C.PERM_W if "w" in text else 0) | (C.PERM_X if "x" in text else 0)


def spec_from_image(image: Any, name: str) -> LoadSpec:
    """Adapt the toolchain's linked image to exec's LoadSpec."""
    segments = [Segment(s.vaddr, bytes(s.data), s.memsz, _perms(s.flags)) for s in image.segments]
    symbols = {n: (s.address if hasattr(s, "address") else int(s)) for n, s in image.symbols.items()}
    return LoadSpec(name, segments, image.entry, symbols,
                    getattr(image, "phdr", 0x08048034), getattr(image, "phnum", len(segments)),
                    getattr(image, "gnu_stack", True))


def load_program(path: str, opt_level: str = "0") -> Program:
    p = Path(path)
    if not p.exists():
        raise UserError(f"{path}: no such file")
    suffix = p.suffix.lower()
    if suffix in (".s", ".asm", ".c"):
        try:
            from vmdebug.toolchain import link  # the assembler/linker pipeline
        except ImportError:
            raise UserError(f"{path}: this vmdebug cannot build {suffix} files yet") from None
        if suffix == ".c":
            from vmdebug.toolchain.gcc import compile_to_asm
            asm = compile_to_asm(p, opt_level)
            image = link.build_c_program(p, asm) if hasattr(link, "build_c_program") else None
            if image is None:
                raise UserError(f"{path}: this vmdebug cannot link C programs yet")
        else:
            image = link.build_program(p)
        spec = spec_from_image(image, str(p))
        meta = image.to_dict() if hasattr(image, "to_dict") else {}
        return Program(spec, meta)
    from vmdebug.machine.elf import load_elf
    data = p.read_bytes()[:4]
    if data != b"\x7fELF":
        raise UserError(f"{path}: not a .s, .c or ELF file")
    spec = load_elf(p)
    return Program(spec, {"elf": p.read_bytes()})
