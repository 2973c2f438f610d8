"""The vmdebug libc: headers, C sources, crt0 and the pre-compiled assembly.

Simulated C programs link against this libc; ``vmdebug cc --native`` links
the very same assembly for the real CPU.  The ``asm/*.s`` files are gcc
output made by ``python -m vmdebug.libc.build`` and committed, so running C
in the simulator needs no compiler beyond the one for the user's own file.

Heap layout (see ``src/malloc.c``): chunks are a 4-byte header (size
including the header, a multiple of 8, bit 0 = in use) followed by an
8-byte-aligned payload; they run from the global ``__heap_start`` to
``__heap_end`` (both ``char *``, 0 before the first malloc).
"""
from __future__ import annotations

from pathlib import Path

LIBC_DIR = Path(__file__).resolve().parent
INCLUDE_DIR = LIBC_DIR / "include"
SRC_DIR = LIBC_DIR / "src"
ASM_DIR = LIBC_DIR / "asm"
CRT0 = LIBC_DIR / "crt0.s"

# Heap geometry, for debuggers that draw the heap (must match src/malloc.c).
HEAP_START_SYMBOL = "__heap_start"
HEAP_END_SYMBOL = "__heap_end"
CHUNK_HEADER_SIZE = 4
CHUNK_ALIGN = 8
CHUNK_MIN_SIZE = 8
CHUNK_IN_USE_BIT = 1
CHUNK_SIZE_MASK = ~7 & 0xFFFFFFFF


def include_dir() -> Path:
    """Directory to pass to gcc with -I (the libc's own headers)."""
    return INCLUDE_DIR


def asm_files() -> list[Path]:
    """Assembly files of the libc in link order: crt0.s first, then asm/*.s sorted.

    Sorted so the link - and so every address - is the same on every machine.
    """
    return [CRT0, *sorted(ASM_DIR.glob("*.s"))]


def source_files() -> list[Path]:
    """The C sources that build.py compiles into asm/."""
    return sorted(SRC_DIR.glob("*.c"))
