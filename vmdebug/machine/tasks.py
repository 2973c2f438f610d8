"""What the kernel keeps about each process beyond the folded state: its family, its
open files, what it waits for, and the CPU's caches of its code.

The folded state (:class:`events.state.ProcessState`) holds what events say:
registers, page tables, areas.  This holds what only *decides* events: which file
an fd names, a pipe's buffered bytes, whether a process sleeps in ``wait4``.

Pipes follow fs/pipe.c: a 16-page (65536-byte) ring; a read of an empty pipe
sleeps while a writer is open and returns 0 (end of file) once none is; a write
with no reader open gets ``SIGPIPE``; a blocking write sleeps until all of it is
in the pipe, in pieces of what fits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

PIPE_SIZE = 16 * 4096        # fs/pipe.c: PIPE_DEF_BUFFERS pages
#: The scheduler's quantum: a process runs this many steps before the next runnable one
#: gets the CPU (a fixed round-robin, so the same program gives the same session).
QUANTUM = 10_000


@dataclass
class Pipe:
    data: bytearray = field(default_factory=bytearray)
    readers: int = 0
    writers: int = 0
    number: int = 0          # pipe:[N], as /proc/PID/fd names it


@dataclass(frozen=True)
class Tty:
    """The terminal (or file) vmdebug's own stdin, stdout or stderr is: ``fd`` 0, 1 or 2."""

    fd: int


@dataclass(frozen=True)
class PipeEnd:
    pipe: Pipe
    write: bool


OpenFile = Any      # Tty | PipeEnd


def hold(f: OpenFile) -> None:
    """One more fd names ``f`` (dup, fork)."""
    if isinstance(f, PipeEnd):
        if f.write:
            f.pipe.writers += 1
        else:
            f.pipe.readers += 1


def release(f: OpenFile) -> None:
    """An fd naming ``f`` was closed."""
    if isinstance(f, PipeEnd):
        if f.write:
            f.pipe.writers -= 1
        else:
            f.pipe.readers -= 1


@dataclass
class Task:
    """One process as the kernel's task_struct holds it (the parts events don't)."""

    pid: int
    ppid: int
    fds: dict[int, OpenFile]
    backing: dict[int, tuple[bytes | None, int, bool]] = field(default_factory=dict)
    start_brk: int = 0
    code: dict[int, Callable[[], int]] = field(default_factory=dict)
    code_pages: dict[int, set[int]] = field(default_factory=dict)
    #: "running" (runnable or current), "zombie" (exited, not yet waited for), "reaped".
    status: str = "running"
    exit_code: tuple[int, int] = (0, 0)      # (status, signal) once a zombie
    #: While asleep in a system call: whether it can run again now.
    waiting: Callable[[], bool] | None = None
    what: str = ""                           # what it sleeps in, for a deadlock's message
    written: int = 0                         # bytes of a pipe write done before it slept
    pending_signal: int = 0
    steps: int = 0                           # steps it ran before it last got the CPU: CPU time
    wake_at: int | None = None               # nanosleep: when it wakes (ns since boot)
    #: Signal actions other than the default: sig -> (handler, flags, restorer, mask).
    actions: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)
    blocked: int = 0                         # the blocked signal set (rt_sigprocmask)
    pending: Any = None                      # a signal it sent itself: its handler starts next step

    def runnable(self) -> bool:
        return self.status == "running" and (self.waiting is None or self.waiting())

    def close_all(self) -> None:
        for f in self.fds.values():
            release(f)
        self.fds.clear()


class Blocked(Exception):
    """A system call must sleep: the process does not retire its ``int 0x80`` now, and
    retries it when ``until()`` holds (the kernel's wait queues, as a condition)."""

    def __init__(self, until: Callable[[], bool], what: str) -> None:
        super().__init__(what)
        self.until = until
        self.what = what
