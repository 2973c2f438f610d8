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

from typing import Any, Callable

from events.record import Frozen, Record

PIPE_SIZE = 16 * 4096        # fs/pipe.c: PIPE_DEF_BUFFERS pages
#: The scheduler's quantum: a process runs this many steps before the next runnable one
#: gets the CPU (a fixed round-robin, so the same program gives the same session).
QUANTUM = 10_000


class Pipe(Record):
    def __init__(self, data: bytearray | None = None, readers: int = 0, writers: int = 0,
                 number: int = 0) -> None:
        self.data = bytearray() if data is None else data
        self.readers = readers
        self.writers = writers
        self.number = number  # pipe:[N], as /proc/PID/fd names it


class Tty(Frozen):
    """The terminal (or file) vmdebug's own stdin, stdout or stderr is: ``fd`` 0, 1 or 2."""

    __slots__ = ("fd",)

    def __init__(self, fd: int) -> None:
        object.__setattr__(self, "fd", fd)


class PipeEnd(Frozen):
    __slots__ = ("pipe", "write")

    def __init__(self, pipe: Pipe, write: bool) -> None:
        object.__setattr__(self, "pipe", pipe)
        object.__setattr__(self, "write", write)


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


class Task(Record):
    """One process as the kernel's task_struct holds it (the parts events don't)."""

    def __init__(self, pid: int, ppid: int, fds: dict[int, OpenFile],
                 backing: dict[int, tuple[bytes | None, int, bool]] | None = None, start_brk: int = 0,
                 code: dict[int, Callable[[], int]] | None = None,
                 code_pages: dict[int, set[int]] | None = None, status: str = "running",
                 exit_code: tuple[int, int] = (0, 0), waiting: Callable[[], bool] | None = None,
                 what: str = "", written: int = 0, pending_signal: int = 0, steps: int = 0,
                 wake_at: int | None = None, actions: dict[int, tuple[int, int, int, int]] | None = None,
                 blocked: int = 0, pending: Any = None) -> None:
        self.pid = pid
        self.ppid = ppid
        self.fds = fds
        self.backing = {} if backing is None else backing
        self.start_brk = start_brk
        self.code = {} if code is None else code
        self.code_pages = {} if code_pages is None else code_pages
        #: "running" (runnable or current), "zombie" (exited, not yet waited for), "reaped".
        self.status = status
        self.exit_code = exit_code  # (status, signal) once a zombie
        #: While asleep in a system call: whether it can run again now.
        self.waiting = waiting
        self.what = what  # what it sleeps in, for a deadlock's message
        self.written = written  # bytes of a pipe write done before it slept
        self.pending_signal = pending_signal
        self.steps = steps  # steps it ran before it last got the CPU: CPU time
        self.wake_at = wake_at  # nanosleep: when it wakes (ns since boot)
        #: Signal actions other than the default: sig -> (handler, flags, restorer, mask).
        self.actions = {} if actions is None else actions
        self.blocked = blocked  # the blocked signal set (rt_sigprocmask)
        self.pending = pending  # a signal it sent itself: its handler starts next step

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
