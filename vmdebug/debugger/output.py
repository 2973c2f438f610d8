"""Where the debugger's words go: one sink per debugger, with declared ways to redirect it.

The REPL colours what it writes, a script holds errors back until it can say where
they came from, and the gdb server answers ``monitor`` with what a command printed
and keeps the rest quiet.  Each does it through :class:`Output` - a styling function,
or a redirection scoped by a ``with`` block - instead of replacing the debugger's
private callables and putting them back by hand.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

Sink = Callable[[str], None]


def _stdout(text: str) -> None:
    sys.stdout.write(text + "\n")


def _stderr(text: str) -> None:
    sys.stderr.write(text + "\n")


class Output:
    """Results go to ``write``, errors and warnings to ``error``; each call is one message,
    which may span lines.

    gdb's ``echo``, ``output`` and ``printf`` write text as it is, with no newline of their
    own (``output 5`` then ``echo x\\n`` prints ``5x``).  :meth:`text` does the same through
    ``raw`` when the sink can hold a partial line (a plain stdout); otherwise the partial
    line waits and starts the next message, or is written as a line by :meth:`flush` (the
    REPL's prompt redraws the line it is on, so it flushes after each command)."""

    def __init__(self, write: Sink | None = None, error: Sink | None = None) -> None:
        self._write: Sink = write or _stdout
        self._error: Sink = error or _stderr
        #: Applied to results on their way out (the REPL's colours), one line at a time.
        self.style: Callable[[str], str] | None = None
        #: Writes text exactly as given (no newline added), where results may end mid-line.
        self.raw: Sink | None = None
        self._pending = ""

    def write(self, text: str) -> None:
        if self._pending:
            text, self._pending = self._pending + text, ""
        if self.style is not None:
            text = "\n".join(self.style(line) for line in text.split("\n"))
        self._write(text)

    def text(self, text: str) -> None:
        """Text as gdb's ``gdb_puts`` writes it: newlines only where it has them."""
        if self.raw is not None:
            self.raw(text)
            return
        *lines, self._pending = (self._pending + text).split("\n")
        if lines:
            self.write("\n".join(lines))

    def flush(self) -> None:
        """End a partial line that is waiting (see the class's docstring)."""
        if self._pending:
            self.write("")

    def error(self, text: str) -> None:
        self.flush()
        self._error(text)

    @contextmanager
    def redirected(self, write: Sink | None = None, error: Sink | None = None) -> Iterator[None]:
        """Send results and/or errors elsewhere for the ``with`` block."""
        self.flush()
        saved = self._write, self._error, self.raw
        self._write = write or self._write
        self._error = error or self._error
        if write is not None:
            self.raw = None
        try:
            yield
        finally:
            self.flush()
            self._write, self._error, self.raw = saved

    @contextmanager
    def captured(self, errors: bool = True) -> Iterator[list[str]]:
        """The lines written in the ``with`` block, in a list (errors too, unless ``errors`` is
        False), instead of their usual place."""
        lines: list[str] = []

        def keep(text: str) -> None:
            lines.extend(text.split("\n"))
        with self.redirected(keep, keep if errors else None):
            yield lines
