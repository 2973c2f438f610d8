"""From source to a linked image: assemble, link, build a program.

``build_program(path)`` is what ``vmdebug run prog.s`` uses: it assembles the
file and, when the program calls symbols it does not define, links the
libc's shipped assembly (crt0 first) as well.
"""
from __future__ import annotations

from pathlib import Path

from vmdebug.isa.assembler import AssemblyError, assemble_file, assemble_text
from vmdebug.isa.layout import Object
from vmdebug.toolchain.image import Image
from vmdebug.toolchain.link import LinkError, link

__all__ = ["AssemblyError", "LinkError", "Image", "Object", "assemble_file", "assemble_text", "link",
           "build_program", "libc_objects", "needs_libc"]

_LIBC_CACHE: dict[tuple[str, float], Object] = {}


def libc_objects() -> list[Object]:
    """The libc's crt0 and asm/*.s, assembled (cached per file and mtime)."""
    from vmdebug.libc import ASM_DIR, asm_files

    if not ASM_DIR.is_dir() or not any(ASM_DIR.glob("*.s")):
        return []
    out: list[Object] = []
    for path in asm_files():
        key = (str(path), path.stat().st_mtime)
        obj = _LIBC_CACHE.get(key)
        if obj is None:
            obj = _LIBC_CACHE[key] = assemble_file(path)
        out.append(obj)
    return out


def undefined_symbols(obj: Object) -> list[str]:
    """Symbols the object references but does not define."""
    return [name for name, sym in obj.symbols.items() if sym.section is None and name in obj.references]


def needs_libc(obj: Object) -> bool:
    """True when the program uses symbols it does not define (and so expects the libc)."""
    return bool(undefined_symbols(obj))


def build_program(path: str | Path, extra: list[Object] | None = None) -> Image:
    """Assemble ``path`` (a .s file) and link it, with the libc only if it needs it.

    A hand-written program with its own ``_start`` and no outside references
    links alone.  With the libc, crt0 provides ``_start``.
    """
    obj = assemble_file(path)
    objects = [obj, *(extra or [])]
    if needs_libc(obj):
        libc = libc_objects()
        if libc:
            # As `vmdebug cc --native` links: crt0.o (unless the program has its
            # own _start) prog.o libc...
            own_start = obj.symbols.get("_start") is not None and obj.symbols["_start"].section is not None
            objects = [*([] if own_start else libc[:1]), obj, *(extra or []), *libc[1:]]
    return link(objects)
