"""The process's standard input, read as the program asks for it.

``vmdebug run prog < file`` and ``yes | vmdebug run prog`` hand the real
stdin over; nothing is read before the program calls read(2), so a program
that never reads never waits for its pipe, and an endless pipe costs only
what the program takes.  A read returns ``count`` bytes or what is left
before end of file, as a read from a regular file does: a pipe's chunking
depends on timing, and the same input must give the same session.

In the debugger a read from the terminal happens only when the user's command
needs the step that makes it (``may_wait``), so the program asks for its input
where gdb's inferior would, not while the debugger records ahead; and Ctrl-C
while it waits (``interrupted``) leaves the read undone, to be made again.
Either way the step is not taken: :class:`InputPending` tells the process to
roll it back.
"""
from __future__ import annotations

import os
import select
from typing import BinaryIO, Callable


class InputPending(Exception):
    """The terminal read was not made: the step that asked for it is rolled back."""


class InputWanted(InputPending):
    """The program waits for the terminal, and nobody needs that step yet."""


class InputInterrupted(InputPending):
    """Ctrl-C while the program waited for the terminal."""


class Stdin:
    def __init__(self, source: bytes | BinaryIO | None = None) -> None:
        self._bytes = source if isinstance(source, (bytes, bytearray)) else b""
        self._stream = None if isinstance(source, (bytes, bytearray)) else source
        self._pos = 0
        self.consumed = 0
        #: A terminal is read as the kernel's tty driver in canonical mode hands it over: one
        #: line per read (or what fits), at once; end of file is Ctrl-D on an empty line.
        self.tty = False
        if self._stream is not None:
            try:
                self.tty = os.isatty(self._stream.fileno())
            except (AttributeError, OSError, ValueError):
                self.tty = False
        #: Called before the program waits for the terminal (to clear a status line).
        self.before_wait: Callable[[], None] | None = None
        #: False: do not wait for the terminal now (raise InputWanted). None: always wait.
        self.may_wait: Callable[[], bool] | None = None
        #: True: Ctrl-C was pressed; the wait ends with InputInterrupted.  With this set the
        #: wait polls it, since a signal handler that only sets a flag does not end a read.
        self.interrupted: Callable[[], bool] | None = None

    def read(self, count: int) -> bytes:
        """Up to ``count`` bytes; fewer only at end of file (a short read blocks for the rest),
        or, from a terminal, at the end of a line."""
        if self.tty and self._stream is not None and self._pos >= len(self._bytes):
            self._wait()
            try:
                data = os.read(self._stream.fileno(), count)
            except OSError:
                data = b""
            if not data:
                self._stream = None
            self.consumed += len(data)
            return data
        data = self._bytes[self._pos:self._pos + count]
        self._pos += len(data)
        if len(data) < count and self._stream is not None:
            more = bytearray()
            while len(data) + len(more) < count:
                try:
                    piece = self._stream.read(count - len(data) - len(more))
                except (OSError, ValueError):    # a closed or unreadable stdin reads as end of file
                    piece = b""
                if not piece:
                    self._stream = None
                    break
                more += piece
            data = bytes(data) + bytes(more)
        self.consumed += len(data)
        return bytes(data)

    def _wait(self) -> None:
        """Until the terminal has a line (or end of file) for the program: nothing is read."""
        if self.may_wait is not None and not self.may_wait():
            raise InputWanted
        if self.before_wait is not None:
            self.before_wait()
        if self.interrupted is None:
            return                      # vmdebug run: Ctrl-C raises KeyboardInterrupt in the read
        while not self._ready(0.05):
            if self.interrupted():
                raise InputInterrupted

    def _ready(self, timeout: float = 0.0) -> bool:
        """The terminal has something to read (a line, or Ctrl-D) within ``timeout`` seconds."""
        try:
            return bool(select.select([self._stream], [], [], timeout)[0])
        except KeyboardInterrupt:
            if self.interrupted is None:
                raise
            raise InputInterrupted from None
        except (OSError, ValueError):   # not selectable: the read itself says what it holds
            return True

    def unread(self, data: bytes) -> None:
        """Put bytes back, as a pipe keeps what a faulting read did not deliver."""
        self._bytes = bytes(data) + self._bytes[self._pos:]
        self._pos = 0
        self.consumed -= len(data)
