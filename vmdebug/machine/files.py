"""A small file system for the simulated process: the files the user gives, and the files the
program writes.

The files live in the kernel, named by path relative to the process's working directory
(there are no directories to make or change into).  A session records what the program
read (its memory writes) and keeps the files themselves (vmdebug.commands.log: ``log
files``), so replay and sharing stay exact.

An open file is an open file description (fs/open.c, fs/read_write.c): its offset is shared
by the descriptors ``dup`` and ``fork`` make.  ``O_APPEND`` writes at the end; ``lseek`` past
the end and a write there leaves zeros; ``O_CREAT|O_EXCL`` of an existing file is EEXIST.

A mixin of :class:`vmdebug.machine.kernel.Kernel`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from events.record import Record
from vmdebug.machine import syscalls as S
from vmdebug.machine.faults import CpuFault
from vmdebug.machine.tasks import hold

if TYPE_CHECKING:
    from vmdebug.machine.process import Process

O_ACCMODE, O_WRONLY, O_RDWR = 3, 1, 2
O_CREAT, O_EXCL, O_TRUNC, O_APPEND = 0x40, 0x80, 0x200, 0x400
O_DIRECTORY, O_CLOEXEC, O_LARGEFILE, O_NONBLOCK = 0x10000, 0x80000, 0x8000, 0x800
AT_FDCWD = -100
EEXIST, EISDIR, ENOTDIR, ENAMETOOLONG, EMFILE, ESPIPE = 17, 21, 20, 36, 24, 29
MAX_FILE = 64 << 20          # a file may not grow past this (EFBIG)
PATH_MAX = 4096


class FileDesc(Record, eq=False):
    """An open file description: which file, where, how it was opened."""

    def __init__(self, path: str, flags: int, pos: int = 0) -> None:
        self.path = path
        self.flags = flags
        self.pos = pos

    @property
    def readable(self) -> bool:
        return self.flags & O_ACCMODE != O_WRONLY

    @property
    def writable(self) -> bool:
        return self.flags & O_ACCMODE in (O_WRONLY, O_RDWR)


def normalize(path: str) -> str | None:
    """A path relative to the working directory, without ``.`` parts; None if it leaves it."""
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
            continue
        parts.append(part)
    return "/".join(parts) if parts and not path.startswith("/") else None


class FileCalls:
    proc: "Process"
    files: dict[str, bytearray]
    written: set[str]

    def _path(self, addr: int) -> str | int:
        try:
            raw = self.proc.memory.read_bytes(addr, 1)
            data = bytearray()
            while raw != b"\0":
                data += raw
                if len(data) >= PATH_MAX:
                    return -ENAMETOOLONG
                raw = self.proc.memory.read_bytes((addr + len(data)) & 0xFFFFFFFF, 1)
        except CpuFault:
            return -S.EFAULT
        return data.decode("utf-8", "surrogateescape")

    def sys_open(self, path_addr: int, flags: int, mode: int) -> int:
        path = self._path(path_addr)
        if isinstance(path, int):
            return path
        if not path:
            return -S.ENOENT
        name = normalize(path)
        if name is None:              # outside the working directory: nothing there
            return -(S.EPERM if flags & O_CREAT else S.ENOENT)
        if flags & O_DIRECTORY:
            return -ENOTDIR if name in self.files else -S.ENOENT
        exists = name in self.files
        if exists and flags & O_CREAT and flags & O_EXCL:
            return -EEXIST
        if not exists:
            if not flags & O_CREAT:
                return -S.ENOENT
            self.files[name] = bytearray()
            self.written.add(name)
        if flags & O_TRUNC and flags & O_ACCMODE in (O_WRONLY, O_RDWR):
            self.files[name] = bytearray()
            self.written.add(name)
        fds = self.proc.sched.current.fds
        if len(fds) >= 1024:
            return -EMFILE
        fd = 0
        while fd in fds:
            fd += 1
        fds[fd] = FileDesc(name, flags)
        hold(fds[fd])
        return fd

    def sys_openat(self, dirfd: int, path_addr: int, flags: int, mode: int) -> int:
        path = self._path(path_addr)
        if isinstance(path, int):
            return path
        if not path.startswith("/") and (dirfd & 0xFFFFFFFF) != (AT_FDCWD & 0xFFFFFFFF):
            return -S.EBADF if dirfd not in self.proc.sched.current.fds else -ENOTDIR
        return self.sys_open(path_addr, flags, mode)

    def sys_creat(self, path_addr: int, mode: int) -> int:
        return self.sys_open(path_addr, O_CREAT | O_WRONLY | O_TRUNC, mode)

    def sys_unlink(self, path_addr: int) -> int:
        path = self._path(path_addr)
        if isinstance(path, int):
            return path
        name = normalize(path)
        if name is None or name not in self.files:
            return -S.ENOENT
        del self.files[name]            # open descriptions keep reading what is left of it
        self.written.add(name)
        return 0

    def file_read(self, f: FileDesc, buf: int, count: int) -> int:
        if not f.readable:
            return -S.EBADF
        data = bytes(self.files.get(f.path, b"")[f.pos:f.pos + min(count, 1 << 20)])
        if data:
            try:
                self.proc.memory.write_bytes(buf, data)
            except CpuFault:
                return -S.EFAULT
        f.pos += len(data)
        return len(data)

    def file_write(self, f: FileDesc, buf: int, count: int) -> int:
        if not f.writable:
            return -S.EBADF
        content = self.files.setdefault(f.path, bytearray())
        if f.flags & O_APPEND:
            f.pos = len(content)
        count = min(count, 1 << 24)
        if f.pos + count > MAX_FILE:
            return -27                  # EFBIG
        try:
            data = self.proc.memory.read_bytes(buf, count) if count else b""
        except CpuFault:
            return -S.EFAULT
        if f.pos > len(content):
            content.extend(bytes(f.pos - len(content)))
        content[f.pos:f.pos + len(data)] = data
        f.pos += len(data)
        self.written.add(f.path)
        return len(data)

    def _seek(self, fd: int, offset: int, whence: int) -> int:
        f = self.proc.sched.current.fds.get(fd)
        if f is None:
            return -S.EBADF
        if not isinstance(f, FileDesc):
            return -ESPIPE
        base = {0: 0, 1: f.pos, 2: len(self.files.get(f.path, b""))}.get(whence)
        if base is None or base + offset < 0:
            return -S.EINVAL
        f.pos = base + offset
        return f.pos

    def sys_lseek(self, fd: int, offset: int, whence: int) -> int:
        pos = self._seek(fd, (offset ^ 0x80000000) - 0x80000000, whence)
        if pos > 0x7FFFFFFF:
            return -75                   # EOVERFLOW
        return pos

    def sys__llseek(self, fd: int, high: int, low: int, result: int, whence: int) -> int:
        pos = self._seek(fd, ((high << 32) | low) - ((1 << 64) if high & 0x80000000 else 0), whence)
        if pos < 0:
            return pos
        try:
            self.proc.memory.write_bytes(result, pos.to_bytes(8, "little"))
        except CpuFault:
            return -S.EFAULT
        return 0

    def files_out(self) -> dict[str, bytes]:
        """The files the program created or changed, as they are now (what a session keeps)."""
        return {name: bytes(self.files[name]) for name in sorted(self.written) if name in self.files}


def load_files(paths: list[str]) -> dict[str, bytes]:
    """``--file PATH`` arguments: a file goes in as its name; a directory's files go in with
    their paths below it."""
    import os
    from vmdebug.errors import UserError
    out: dict[str, bytes] = {}
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs.sort()
                for n in sorted(names):
                    full = os.path.join(root, n)
                    if os.path.isfile(full):
                        out[os.path.relpath(full, path).replace(os.sep, "/")] = _read(full)
        elif os.path.isfile(path):
            out[os.path.basename(path)] = _read(path)
        else:
            raise UserError(f"{path}: no such file or directory (--file)")
    return out


def _read(path: str) -> bytes:
    from vmdebug.errors import UserError
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE + 1)
    except OSError as exc:
        raise UserError(f"{path}: {exc.strerror}") from None
    if len(data) > MAX_FILE:
        raise UserError(f"{path}: larger than {MAX_FILE >> 20} MiB (--file)")
    return data


__all__ = ["FileCalls", "FileDesc", "load_files", "normalize"]
