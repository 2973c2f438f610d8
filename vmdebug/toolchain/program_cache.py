"""Linked C programs, cached on disk between runs (issue #17: speed as a user feels it).

A student runs ``vmdebug debug prog.c`` again and again on the same file.  Assembling gcc's
output and linking it with the libc's DWARF took about 80 ms of every such start, the same
work each time.  gcc still runs (20-30 ms): its assembly already depends on everything that
decides the program - the C file, every header it includes, the flags and gcc itself - so
the assembly, not the C file, is what the cache is keyed by, and nothing here has to know
what gcc read.  The key also covers the libc's key (its sources and the assembler), the
code that assembles and links (``vmdebug/isa``, ``vmdebug/toolchain``, ``vmdebug/libc``
and ``events/record.py``, whose classes are pickled), whether DWARF is linked in, and the
object's name.

The image also carries the text of every source file its DWARF names, and a comment edit
can change a source without changing the assembly.  So an entry keeps a digest of each
text it carries, and is used only if every file, read now as the linker would read it,
has the same digest; otherwise the program is linked again and the entry replaced.

Files live beside the libc's (``$XDG_CACHE_HOME/vmdebug``, else ``~/.cache/vmdebug``),
written to a temporary name and renamed into place, so racing processes both succeed
and a reader never sees half a file.  A file that fails to load is ignored.  The
directory keeps the ``MAX_ENTRIES`` programs used last (a hit refreshes its file's time).
When the directory cannot be written, programs are simply linked each time.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any, Callable

FORMAT = 1                      # bump when the pickled shape of an entry changes
MAX_ENTRIES = 64

_code_digest: bytes | None = None


def _code() -> bytes:
    """The digest of the code that assembles and links a program (read once a process)."""
    global _code_digest
    if _code_digest is None:
        import events.record as record
        import vmdebug.isa as isa
        import vmdebug.libc as libc
        import vmdebug.toolchain as toolchain

        h = hashlib.sha256(f"{FORMAT} {sys.version_info[:2]}".encode())
        for package in (isa, toolchain, libc):
            for path in sorted(Path(package.__file__).parent.glob("*.py")):
                h.update(path.name.encode() + b"\0" + path.read_bytes())
        h.update(Path(record.__file__).read_bytes())
        _code_digest = h.digest()
    return _code_digest


def cache_key(name: str, asm_text: str, debug: bool, libc_key: str) -> str:
    """The name of the entry for the object ``name`` assembled from ``asm_text``."""
    h = hashlib.sha256(_code())
    h.update(f"{name}\0{int(debug)}\0{libc_key}\0".encode())
    h.update(asm_text.encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:40]


def _path(key: str) -> Path:
    from vmdebug.toolchain.libc_cache import cache_dir
    return cache_dir() / f"prog-{key}.pickle"


def text_digest(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def load(key: str, read_source: Callable[[str], str | None]) -> Any:
    """The image stored under ``key`` if every source it carries still reads the same
    (``read_source(name)``: the file's text as the linker would attach it, or None), else None."""
    path = _path(key)
    try:
        with open(path, "rb") as f:
            entry = pickle.load(f)
    except Exception:           # missing, truncated, corrupt, from another Python: linked again
        return None
    if not (isinstance(entry, tuple) and len(entry) == 3 and entry[0] == FORMAT and isinstance(entry[1], dict)):
        return None
    _, sources, image = entry
    for name, digest in sources.items():
        if not isinstance(name, str) or text_digest(read_source(name)) != digest:
            return None
    try:
        os.utime(path)          # used last: kept longest
    except OSError:
        pass
    return image


def store(key: str, sources: dict[str, str | None], image: Any) -> None:
    """Keep ``image`` under ``key`` with the digests of the sources it was linked with
    (``sources``: each name the DWARF gives and its text, None for one not found), and
    drop the entries used longest ago beyond ``MAX_ENTRIES``."""
    from vmdebug.toolchain.libc_cache import write_atomically

    path = _path(key)
    directory = path.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_atomically(directory, path.name, (FORMAT, {n: text_digest(t) for n, t in sources.items()}, image),
                         prefix=".prog-")
        _evict(directory)
    except (OSError, pickle.PicklingError, RecursionError):
        pass                    # no cache: linked again next time


def _evict(directory: Path) -> None:
    entries = []
    for p in directory.glob("prog-*.pickle"):
        try:
            entries.append((p.stat().st_mtime, p))
        except OSError:
            pass
    entries.sort(reverse=True)
    for _, p in entries[MAX_ENTRIES:]:
        try:
            p.unlink()
        except OSError:
            pass
