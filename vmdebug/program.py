"""Turn what the user named on the command line into something exec can load.

``PROG`` may be a ``.s`` file (assembled and linked by vmdebug's own
toolchain), a ``.c`` file (compiled with the system gcc to assembly first), or
an i386 ELF executable.  The result carries the :class:`LoadSpec` and the
metadata a session stores so it opens anywhere: the image, symbols, line
table and source texts.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from events.record import Record
from events import codes as C
from vmdebug.errors import UserError
from vmdebug.machine.filemap import around, laid_out
from vmdebug.machine.process import LoadSpec, Segment, program_path


class Program(Record):
    def __init__(self, spec: LoadSpec, image: dict[str, Any] | None = None) -> None:
        self.spec = spec
        # Stored in the session header; None when built without debug information (``run``).
        self.image = image


def session_header(path: str, args: list[str], program: Program, nframes: int, layout: str,
                   opt: str, files: dict[str, bytes] | None = None) -> dict[str, Any]:
    """What a session file says about its run: enough to open it anywhere (program, image, sources).

    Standard input is not here: it is read as the program asks, after the header is
    written, and what the program read is in the memory writes of its read calls."""
    from vmdebug import __version__
    if program.image is None:
        raise ValueError("internal: a session needs the program built with debug information")
    header = {"program": os.path.basename(path), "argv": [program_path(path), *args], "opt": opt,
              "image": program.image, "machine": {"nframes": nframes, "layout": layout},
              "tool": f"vmdebug {__version__}"}
    if files:
        header["files"] = dict(sorted(files.items()))
    return header


def _perms(flags: Any) -> int:
    if isinstance(flags, int):
        return flags
    text = str(flags)
    return (C.PERM_R if "r" in text else 0) | (C.PERM_W if "w" in text else 0) | (C.PERM_X if "x" in text else 0)


def spec_from_image(image: Any, name: str) -> LoadSpec:
    """Adapt the toolchain's linked :class:`~vmdebug.toolchain.image.Image` to exec's LoadSpec."""
    read = laid_out((s.offset, bytes(s.data)) for s in image.segments)
    segments = []
    for s in image.segments:
        perms = _perms(s.flags)
        lead, tail = around(read, s.offset, s.vaddr, len(s.data), s.memsz, bool(perms & C.PERM_W))
        segments.append(Segment(s.vaddr, bytes(s.data), s.memsz, perms, lead, tail))
    symbols: dict[str, int] = {}
    syms = image.symbols.values() if isinstance(image.symbols, dict) else image.symbols
    for sym in syms:
        if sym.type != "object" and sym.section not in ("", "*ABS*") and not sym.name.startswith(".L"):
            symbols.setdefault(sym.name, sym.address)
    sections = [(sec.name, sec.address, sec.address + sec.size) for sec in image.sections if sec.size]
    from vmdebug.debuginfo.valprint_symbols import symbolizer_for_image
    return LoadSpec(name, segments, image.entry, symbols, getattr(image, "phdr", 0x08048034),
                    getattr(image, "phnum", len(segments) + 1), image.gnu_stack, sections,
                    symbolizer_for_image(image))


def _build_c(p: Path, opt_level: str, debug: bool) -> Any:
    """gcc to assembly, then vmdebug's own assembler and linker, with the libc and the C sources."""
    from vmdebug.toolchain.gcc import compile_to_asm
    from vmdebug.toolchain.link import build_c_program

    return build_c_program(p, compile_to_asm(p, opt_level), debug)


def load_program(path: str, opt_level: str = "0", debug: bool = True) -> Program:
    """The program at ``path``, ready to exec.

    ``debug=False`` is for a run nothing will look back at (``vmdebug run`` without
    ``-o``): the linker leaves out the DWARF, the line table and the sources, which are
    most of its work, and the result has no ``image`` to store in a session."""
    p = Path(path)
    if not p.is_file():
        raise UserError(f"{path}: no such file")
    suffix = p.suffix.lower()
    if suffix in (".s", ".asm", ".c"):
        if suffix == ".c":
            image = _build_c(p, opt_level, debug)
        else:
            from vmdebug.toolchain import build_program
            image = build_program(p, debug)
        return Program(spec_from_image(image, str(p)), image.to_dict() if debug else None)
    from vmdebug.machine.elf import load_elf
    with open(p, "rb") as f:
        magic = f.read(4)
    if magic != b"\x7fELF":
        raise UserError(f"{path}: not a .s, .c or ELF file")
    return Program(load_elf(p), {"elf": p.read_bytes()})
