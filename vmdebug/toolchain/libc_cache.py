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
load and run a program (about 320 KB), ``libc-KEY.debug.pickle`` the DWARF, line
rows and sources a session keeps (issue #17: ``vmdebug run`` of a small C
program reads only the first).  The second is a list of each object's part,
pickled on its own, so a link unpickles the parts of the objects it links and
no others (:func:`load_debug`: a printf program links 9 of 20).  Storing a key
removes the files of other keys.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable

from events.record import replace
from vmdebug.isa.layout import Object

FORMAT = 4                      # bump when the pickled shape of Object (or of the files) changes


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vmdebug"


def _assembler_digest() -> bytes:
    """What the objects depend on besides the sources: the assembler's own code, and the
    base of the classes it pickles (events/record.py: how a frozen one is rebuilt)."""
    import events.record as record
    import vmdebug.isa as isa

    h = hashlib.sha256(f"{FORMAT} {sys.version_info[:2]}".encode())
    for path in [*sorted(Path(isa.__file__).parent.glob("*.py")), Path(record.__file__)]:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.digest()


def cache_key(files: list[tuple[str, bytes]]) -> str:
    """A name for the objects of these (name, text) sources, assembled by this assembler."""
    h = hashlib.sha256(_assembler_digest())
    for name, text in files:
        h.update(name.encode() + b"\0" + hashlib.sha256(text).digest())
    return h.hexdigest()[:40]


_DEBUG_KEYS = {"sections", "lines", "sources", "file_names", "comp_dir"}


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
    objects = _read(cache_dir() / f"libc-{key}.pickle")
    if not isinstance(objects, list) or len(objects) != count or not all(isinstance(o, Object) for o in objects):
        return None
    if debug:
        parts = load_debug(key, count, range(count))
        if parts is None:
            return None
        objects = [with_debug(obj, part) for obj, part in zip(objects, parts)]
    return objects


def load_debug(key: str, count: int, indices: Iterable[int]) -> list[dict[str, Any]] | None:
    """The debugging parts of the objects at ``indices`` (None if the file is missing,
    corrupt or of another shape): the others stay pickled."""
    blobs = _read(cache_dir() / f"libc-{key}.debug.pickle")
    if not isinstance(blobs, list) or len(blobs) != count or not all(isinstance(b, bytes) for b in blobs):
        return None
    parts = []
    for i in indices:
        try:
            part = pickle.loads(blobs[i])
        except Exception:           # a damaged part: as a damaged file (see _read)
            return None
        if not isinstance(part, dict) or not _DEBUG_KEYS <= part.keys() or not isinstance(part["sections"], dict):
            return None
        parts.append(part)
    return parts


def with_debug(obj: Object, part: dict[str, Any]) -> Object:
    """``obj`` (from the linking file) with its DWARF, line rows and sources."""
    return replace(obj, sections={**obj.sections, **part["sections"]}, lines=part["lines"],
                   sources=part["sources"], file_names=part["file_names"], comp_dir=part["comp_dir"])


def write_atomically(directory: Path, name: str, value: Any, prefix: str = ".libc-") -> None:
    """Pickle ``value`` to a temporary name and rename it into place: a racing reader sees
    the old file or the new, never half of one."""
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
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
        write_atomically(directory, f"libc-{key}.debug.pickle",
               [pickle.dumps(_debug_part(o), protocol=pickle.HIGHEST_PROTOCOL) for o in objects])
        write_atomically(directory, f"libc-{key}.pickle", [_stripped(o) for o in objects])
        for old in directory.glob("libc-*.pickle"):
            if not old.name.startswith(f"libc-{key}."):
                try:
                    old.unlink()
                except OSError:
                    pass
    except OSError:
        pass                      # no cache: assembled again next time
