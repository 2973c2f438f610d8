"""The vmdebug libc: headers, C sources, crt0 and the pre-compiled assembly.

Simulated C programs link against this libc; ``vmdebug cc --native`` links
the very same assembly for the real CPU.  The ``asm/*.s`` files are gcc
output made by ``python -m vmdebug.libc.build`` and committed, so running C
in the simulator needs no compiler beyond the one for the user's own file.

Heap layout (see ``src/malloc.c``): chunks are a 4-byte header (size
including the header, a multiple of 8 and at least 16, bit 0 = in use,
bit 1 = the chunk before is free) followed by an 8-byte-aligned payload;
they run from the global ``__heap_start`` to ``__heap_end`` (both
``char *``, 0 before the first malloc).  Free chunks are on the lists that
start at ``__heap_bins``.
"""
from __future__ import annotations

from pathlib import Path

LIBC_DIR = Path(__file__).resolve().parent
#: Where the libc's files are said to be in debug information and sessions, whatever the
#: install path (gcc -fdebug-prefix-map): the same bytes on every machine, and a name that
#: says "libc" by itself.  ``real_path`` maps it back to this install.
LIBC_DEBUG_ROOT = "/vmdebug/libc"
INCLUDE_DIR = LIBC_DIR / "include"
SRC_DIR = LIBC_DIR / "src"
ASM_DIR = LIBC_DIR / "asm"
CRT0 = LIBC_DIR / "crt0.s"

# Heap geometry, for debuggers that draw the heap (must match src/malloc.c).
HEAP_START_SYMBOL = "__heap_start"
HEAP_END_SYMBOL = "__heap_end"
HEAP_BINS_SYMBOL = "__heap_bins"          # char *__heap_bins[HEAP_BIN_COUNT]: each bin's first free chunk
HEAP_BIN_COUNT = 32
HEAP_SMALL_MAX = 128                      # bins 0..14 hold one size each, 16..128
CHUNK_HEADER_SIZE = 4
CHUNK_ALIGN = 8
CHUNK_MIN_SIZE = 16
CHUNK_IN_USE_BIT = 1
CHUNK_PREV_FREE_BIT = 2
CHUNK_SIZE_MASK = ~7 & 0xFFFFFFFF
#: The first libc's heap (an implicit list with 8-byte chunks and no __heap_bins), which
#: sessions recorded with it still hold.
LEGACY_CHUNK_MIN_SIZE = 8


def debug_name(path: Path) -> str:
    """The install-independent name of a file of the libc (under LIBC_DEBUG_ROOT)."""
    return f"{LIBC_DEBUG_ROOT}/{path.resolve().relative_to(LIBC_DIR).as_posix()}"


def real_path(name: str) -> Path | None:
    """The file of this install a LIBC_DEBUG_ROOT name stands for (None for other names)."""
    if not name.startswith(LIBC_DEBUG_ROOT + "/"):
        return None
    rel = Path(name[len(LIBC_DEBUG_ROOT) + 1:])
    if rel.is_absolute() or ".." in rel.parts:
        return None
    return LIBC_DIR / rel


def is_libc_name(name: str) -> bool:
    """True for a file name the libc's debug information uses.

    Sessions recorded before the libc had DWARF name its assembly by the recording
    install's path (``.../vmdebug/libc/asm/malloc.s`` or ``crt0.s``); the shape of the
    name says so on any machine."""
    if name == LIBC_DEBUG_ROOT or name.startswith(LIBC_DEBUG_ROOT + "/"):
        return True
    return "/vmdebug/libc/asm/" in name or name.endswith("/vmdebug/libc/crt0.s")


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
