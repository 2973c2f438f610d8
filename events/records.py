"""The framing of a session file's records, and reading them within bounds.

A record is a tag, a length, a CRC32 and a payload (see :mod:`events.session`).
Payloads are msgpack, often zlib-compressed; everything here refuses to let a
small hostile payload become a large allocation: msgpack containers are limited
one by one and in total, and inflation is limited before it happens.
"""
from __future__ import annotations

import struct
import zlib
from typing import Any

import msgpack

_REC = struct.Struct("<2sII")
_TRAILER = struct.Struct("<Q8s")
MAX_RECORD = 256 << 20         # no honest record comes near this
MAX_CHUNK_EVENTS = 1 << 20    # the writer seals every 64k events; one step rarely adds many
MAX_CHUNK_STEPS = 1 << 28     # ... and every 64k steps; older writers made one chunk of a long
                              # spin (``jmp .``), and empty steps cost no memory once read
#: Event columns compress about 30x (planes of similar bytes); beyond this they are a bomb.
COLS_RATIO = 256
#: Headers (code, sources, DWARF) compress a few times at most.
HEADER_RATIO = 200
#: The zlib level of everything a session compresses (header, event columns, checkpoints),
#: chosen by measurement: level 3 compresses real sessions at a third of level 6's CPU time
#: for about a fifth more bytes; levels 1 and 2 take as long as 3 and write more, 4 and 5
#: twice as long for 5-10% less, 7-9 up to three times as long for under 7% less
#: (benchmarks/bench_zlib_levels.py, docs/performance.md).  Readers accept any level.
ZLIB_LEVEL = 3


def _deflate(raw: bytes) -> bytes:
    """``raw`` compressed at :data:`ZLIB_LEVEL`: the one place a session's bytes are deflated,
    so the same content gives the same bytes (for a given zlib build: docs/session-format.md)."""
    return zlib.compress(raw, ZLIB_LEVEL)


def _pack(obj: Any) -> bytes:
    return msgpack.packb(obj, use_bin_type=True, strict_types=False)


#: Limits on what one record may unpack to: no honest record comes near them, and
#: they keep a small hostile file from becoming gigabytes of Python objects.
MAX_CONTAINER_LEN = 1 << 20
MAX_CONTAINERS = 1 << 21


def _unpack(data: bytes) -> Any:
    # unpackb bounds every string and bin by len(data) and refuses nesting deeper than
    # its fixed stack (StackError); arrays and maps are bounded here, one by one and in
    # total (an empty map is one byte on disk and ~64 in memory).
    budget = [MAX_CONTAINERS]

    def count(obj: Any) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise ValueError(f"more than {MAX_CONTAINERS} arrays and maps")
        return obj
    return msgpack.unpackb(data, raw=False, strict_map_key=False, use_list=True,
                           max_array_len=MAX_CONTAINER_LEN, max_map_len=MAX_CONTAINER_LEN,
                           list_hook=count, object_hook=count)


def _inflate(payload: bytes, limit: int) -> bytes:
    """zlib data that must not inflate past ``limit`` bytes (a small bomb is refused
    before it costs memory)."""
    inflater = zlib.decompressobj()
    raw = inflater.decompress(payload, limit)
    if inflater.unconsumed_tail:
        raise ValueError(f"inflates past {limit} bytes")
    return raw


def _limit(compressed: int, ratio: int) -> int:
    """How far ``compressed`` bytes of a kind of data may honestly inflate."""
    return min(MAX_RECORD, (1 << 20) + ratio * compressed)


def _record(tag: bytes, payload: bytes) -> bytes:
    return _REC.pack(tag, len(payload), zlib.crc32(payload)) + payload


#: The helper :class:`DeflateProcess` runs: it reads ``u32 length + u8 kind + bytes`` jobs from
#: stdin and answers each, in order, with ``u32 length + bytes`` on stdout: kind 0 is bytes to
#: deflate (:func:`_deflate`), kind 1 a pickled ``events.chunks.chunk_job`` whose record
#: payload it makes (``chunk_payload``).  With the kind's bit 0x80 the bytes are not in the
#: pipe but in a file the caller shares (a memfd, from offset 0).  argv: the zlib level, the
#: directory that holds the ``events`` package the caller runs (``-I`` leaves out PYTHONPATH
#: and the working directory; the helper must make the caller's bytes), the shared file's fd.
_HELPER = r"""
import os, pickle, struct, sys, zlib
try:        # woken by the recording process's write, it must not take that process's CPU
    os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
except (AttributeError, OSError):
    pass
level = int(sys.argv[1])
sys.path.insert(0, sys.argv[2])
import numpy  # noqa: F401  (now, while the caller compiles the program: not at the first chunk)
from events.chunks import chunk_payload
from events.records import ZLIB_LEVEL
assert ZLIB_LEVEL == level
shared = int(sys.argv[3])
inp, out = sys.stdin.buffer, sys.stdout.buffer
head = struct.Struct("<IB")
while True:
    h = inp.read(5)
    if len(h) < 5:
        break
    n, kind = head.unpack(h)
    if kind & 0x80:             # the bytes are in the shared file, from offset 0
        kind &= 0x7F
        data = os.pread(shared, n, 0)
        while len(data) < n:
            data += os.pread(shared, n - len(data), len(data))
    else:
        data = inp.read(n)
    z = zlib.compress(data, level) if kind == 0 else chunk_payload(*pickle.loads(data))
    out.write(struct.pack("<I", len(z)) + z)
    out.flush()
"""
_LEN = struct.Struct("<I")
_JOB = struct.Struct("<IB")
_F_SETPIPE_SZ = 1031         # fcntl.F_SETPIPE_SZ (Linux; Python 3.10+ names it)
DEFLATE, CHUNK = 0, 1


class DeflateProcess:
    """:func:`_deflate`, and the making of chunk records, in a helper process for ``vmdebug
    record``: the recording process hands it a job and takes the answer back a record later,
    so that work overlaps recording on a second core.

    A process, not a thread: zlib lets go of the GIL, but each time a thread wants it back
    the loop's thread is made to give it up and then waits to be woken, and on this VM that
    cost as much as the compressing saved (docs/performance.md).  The helper is the same
    Python executable with the caller's ``events`` package (so the same zlib and numpy, and
    the same bytes), run with ``-I`` in a session of its own (a terminal's Ctrl-C is for
    vmdebug, which then decides what to keep).  Start it early: it imports numpy.  Jobs are
    answered in order.  Any error is an ``OSError`` or ``EOFError``; the caller then does
    the work in its own process."""

    def __init__(self) -> None:
        import os
        import subprocess
        import sys
        if not sys.executable:
            raise OSError("no Python executable to run the deflate helper")
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        # A chunk's job (about 1.3 MB) is more than a pipe holds, and writing it there waited
        # for the helper to wake and read (3 ms a chunk): the bytes go to a shared memfd
        # instead (one copy, no waiting) and the pipe carries the job's header.  The region
        # from offset 0 is used only when no job is waiting for its answer (the writer reads
        # each answer before the next job), so the helper never reads it while it changes.
        self._shared = -1
        self._waiting = 0
        try:
            self._shared = os.memfd_create("vmdebug-record-jobs")
        except (AttributeError, OSError):
            pass
        try:
            self._proc = subprocess.Popen([sys.executable, "-I", "-c", _HELPER, str(ZLIB_LEVEL), root,
                                           str(self._shared)],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
                                          start_new_session=True,
                                          pass_fds=(self._shared,) if self._shared >= 0 else ())
        except BaseException:
            self._close_shared()
            raise
        self._in, self._out = self._proc.stdin.fileno(), self._proc.stdout.fileno()  # type: ignore[union-attr]
        for fd in (self._in, self._out):
            try:
                import fcntl
                fcntl.fcntl(fd, _F_SETPIPE_SZ, 1 << 20)
            except (OSError, ImportError):
                pass

    def _close_shared(self) -> None:
        import os
        if self._shared >= 0:
            fd, self._shared = self._shared, -1
            os.close(fd)

    def submit(self, kind: int, data: bytes) -> None:
        """Hand over a job: ``DEFLATE`` and the bytes, or ``CHUNK`` and a pickled chunk_job."""
        import os
        parts: tuple[bytes, ...] = (_JOB.pack(len(data), kind), data)
        if self._shared >= 0 and len(data) > 4096 and not self._waiting:
            view, at = memoryview(data), 0
            while at < len(data):
                at += os.pwrite(self._shared, view[at:], at)
            parts = (_JOB.pack(len(data), kind | 0x80),)
        self._waiting += 1
        for part in parts:
            view = memoryview(part)
            while view:
                view = view[os.write(self._in, view):]

    def result(self) -> bytes:
        """The answer to the oldest job not yet answered (waits for it)."""
        (n,) = _LEN.unpack(self._read(4))
        answer = self._read(n)
        self._waiting -= 1
        return answer

    def _read(self, n: int) -> bytes:
        import os
        data = bytearray()
        while len(data) < n:
            got = os.read(self._out, n - len(data))
            if not got:
                raise EOFError("the deflate helper ended")
            data += got
        return bytes(data)

    def answered(self) -> bool:
        """Whether the answer to the oldest job can be read without waiting (or the helper
        ended: reading then fails at once)."""
        import select
        return bool(select.select([self._out], [], [], 0)[0])

    def close(self) -> None:
        """End the helper once every answer was read: it has nothing left to do, so it is
        not waited for (a short run would wait for it to finish importing numpy)."""
        self.kill()

    def kill(self) -> None:
        """End the helper now (idempotent)."""
        for f in (self._proc.stdin, self._proc.stdout):
            try:
                f.close()                       # type: ignore[union-attr]
            except OSError:
                pass
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        self._close_shared()
