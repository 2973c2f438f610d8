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
    which may span lines."""

    def __init__(self, write: Sink | None = None, error: Sink | None = None) -> None:
        self._write: Sink = write or _stdout
        self._error: Sink = error or _stderr
        #: Applied to results on their way out (the REPL's colours), one line at a time.
        self.style: Callable[[str], str] | None = None

    def write(self, text: str) -> None:
        if self.style is not None:
            text = "\n".join(self.style(line) for line in text.split("\n"))
        self._write(text)

    def error(self, text: str) -> None:
        self._error(text)

    @contextmanager
    def redirected(self, write: Sink | None = None, error: Sink | None = None) -> Iterator[None]:
        """Send results and/or errors elsewhere for the ``with`` block."""
        saved = self._write, self._error
        self._write = write or self._write
        self._error = error or self._error
        try:
            yield
        finally:
            self._write, self._error = saved

    @contextmanager
    def captured(self, errors: bool = True) -> Iterator[list[str]]:
        """The lines written in the ``with`` block, in a list (errors too, unless ``errors`` is
        False), instead of their usual place."""
        lines: list[str] = []

        def keep(text: str) -> None:
            lines.extend(text.split("\n"))
        with self.redirected(keep, keep if errors else None):
            yield lines
