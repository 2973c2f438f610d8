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
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from vmdebug.isa.layout import Object

FORMAT = 1                      # bump when the pickled shape of Object changes


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


def load(key: str, count: int) -> list[Object] | None:
    path = cache_dir() / f"libc-{key}.pickle"
    try:
        with open(path, "rb") as f:
            objects = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, IndexError, TypeError,
            ValueError, MemoryError):
        return None
    if not isinstance(objects, list) or len(objects) != count or not all(isinstance(o, Object) for o in objects):
        return None
    return objects


def store(key: str, objects: list[Object]) -> None:
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".libc-", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(objects, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, directory / f"libc-{key}.pickle")
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        pass                      # no cache: assembled again next time
