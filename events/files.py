"""Files written whole or not at all.

A session, an ELF or an assembly file is written under a temporary name in
the target's directory and renamed over it when complete (rename(2) is
atomic within a file system), so a full disk, a size limit or an interrupt
leaves any old file intact.  Errors name the file the user asked for.
"""
from __future__ import annotations

import errno
import os
import tempfile
from typing import BinaryIO


def _umask() -> int:
    """The process umask, read without changing it (os.umask sets it, for every thread)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


class AtomicFile:
    """A binary file that appears at ``path`` only when :meth:`commit` succeeds."""

    def __init__(self, path: str | os.PathLike[str], executable: bool = False) -> None:
        self.path = os.fspath(path)
        self.executable = executable
        if os.path.isdir(self.path):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), self.path)
        if os.path.exists(self.path) and not os.path.isfile(self.path):
            raise OSError(errno.EINVAL, "not a regular file", self.path)
        directory = os.path.dirname(os.path.abspath(self.path))
        try:
            fd, self.tmp = tempfile.mkstemp(prefix="." + os.path.basename(self.path) + ".", suffix=".part",
                                            dir=directory)
        except OSError as exc:
            raise self.error(exc) from None
        self.f: BinaryIO = os.fdopen(fd, "wb")

    def error(self, exc: OSError) -> OSError:
        """``exc`` naming the target (a write error names no file at all)."""
        return OSError(exc.errno, exc.strerror, self.path)

    def write(self, data: bytes) -> None:
        try:
            self.f.write(data)
        except OSError as exc:
            self.abort()
            raise self.error(exc) from None

    def commit(self) -> None:
        try:
            self.f.flush()
            os.fsync(self.f.fileno())
            self.f.close()
            os.chmod(self.tmp, (0o777 if self.executable else 0o666) & ~_umask())
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.abort()
            raise self.error(exc) from None

    def abort(self) -> None:
        """Give up: the temporary file goes, the target is untouched."""
        try:
            self.f.close()
        except OSError:
            pass
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


def write_atomic(path: str | os.PathLike[str], data: bytes, executable: bool = False) -> None:
    """``data`` at ``path``, whole or not at all."""
    f = AtomicFile(path, executable)
    try:
        f.write(data)
        f.commit()
    except BaseException:
        f.abort()
        raise
