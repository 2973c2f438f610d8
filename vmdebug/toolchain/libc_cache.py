"""The libc's assembled objects, cached on disk between runs.

The libc's shipped assembly carries gcc's full DWARF (about 650 KB of text);
assembling it costs seconds, on every C program.  The objects depend only on
that text and on the assembler, so they are kept under the user's cache
directory (``$XDG_CACHE_HOME/vmdebug``, else ``~/.cache/vmdebug``), in a file
named by a hash of both: a changed libc or a changed assembler gives another
name, so a stale file is never read.  A file that fails to load (truncated,
corrupt, from another Python) is ignored and rebuilt.  Files are written to
a temporary name and renamed into place, so two processes that race both
succeed and a reader never sees half a file.  When the directory cannot be
written the objects are simply assembled each time.

Each key has two files: ``libc-KEY.pickle`` holds what the linker needs to
load and run a program (about 1 MB), ``libc-KEY.debug.pickle`` the DWARF, line
rows and sources a session keeps (issue #17: ``vmdebug run`` of a small C
program reads only the first).  Storing a key removes the files of other keys.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from vmdebug.isa.layout import Object

FORMAT = 3                      # bump when the pickled shape of Object changes


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vmdebug"


def _assembler_digest() -> bytes:
    """What the objects depend on besides the sources: the assembler's own code."""
    import vmdebug.isa as isa

    h = hashlib.sha256(f"{FORMAT} {sys.version_info[:2]}".encode())
    for path in sorted(Path(isa.__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.digest()


def cache_key(files: list[tuple[str, bytes]]) -> str:
    """A name for the objects of these (name, text) sources, assembled by this assembler."""
    h = hashlib.sha256(_assembler_digest())
    for name, text in files:
        h.update(name.encode() + b"\0" + hashlib.sha256(text).digest())
    return h.hexdigest()[:40]


def _debug_part(obj: Object) -> dict[str, Any]:
    """What only a debugger reads: the DWARF and .comment sections, the line rows, the sources."""
    return {"sections": {n: sec for n, sec in obj.sections.items() if is_debug_section(sec)},
            "lines": obj.lines, "sources": obj.sources, "file_names": obj.file_names, "comp_dir": obj.comp_dir}


def is_debug_section(sec: Any) -> bool:
    """A section only the debugger reads (the linker's non-allocated outputs), not a note."""
    return not sec.alloc and not sec.name.startswith(".note")


def _stripped(obj: Object) -> Object:
    """The object as ``ld --strip-debug`` sees it: what a run loads and links."""
    return replace(obj, sections={n: sec for n, sec in obj.sections.items() if not is_debug_section(sec)},
                   lines=[], sources={}, file_names=[], comp_dir="")


def _read(path: Path) -> Any:
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError,
            ValueError, MemoryError, KeyError):
        return None


def load(key: str, count: int, debug: bool = True) -> list[Object] | None:
    """The cached objects, or None if they are missing, corrupt or of another shape.

    Without ``debug`` only the smaller file is read: the objects lack their DWARF, line
    rows and sources (a run that never shows a source line links them faster)."""
    directory = cache_dir()
    objects = _read(directory / f"libc-{key}.pickle")
    if not isinstance(objects, list) or len(objects) != count or not all(isinstance(o, Object) for o in objects):
        return None
    if debug:
        parts = _read(directory / f"libc-{key}.debug.pickle")
        if not isinstance(parts, list) or len(parts) != count or not all(isinstance(p, dict) for p in parts):
            return None
        try:
            for obj, part in zip(objects, parts):
                obj.sections.update(part["sections"])
                obj.lines, obj.sources = part["lines"], part["sources"]
                obj.file_names, obj.comp_dir = part["file_names"], part["comp_dir"]
        except (KeyError, TypeError, AttributeError):
            return None
    return objects


def _write(directory: Path, name: str, value: Any) -> None:
    """Write to a temporary name and rename into place: a racing reader sees the old file or the new."""
    fd, tmp = tempfile.mkstemp(prefix=".libc-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, directory / name)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def store(key: str, objects: list[Object]) -> None:
    """Keep the objects under ``key`` (the linking part and the debugging part in two files)
    and remove the files of other keys, which no run of this install reads again."""
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _write(directory, f"libc-{key}.debug.pickle", [_debug_part(o) for o in objects])
        _write(directory, f"libc-{key}.pickle", [_stripped(o) for o in objects])
        for old in directory.glob("libc-*.pickle"):
            if not old.name.startswith(f"libc-{key}."):
                try:
                    old.unlink()
                except OSError:
                    pass
    except OSError:
        pass                      # no cache: assembled again next time
