"""A status line for long work: steps done and steps per second, on a terminal only.

Recording, opening, exporting or seeking that takes more than about a second
shows it; output that is not a terminal (pipes, files, tests, ``-batch``)
never sees it.  The line is erased when the work ends, and before the
program's own output is written, so the two never mix.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, label: str, total: int | None = None, stream: TextIO | None = None,
                 enabled: bool | None = None, delay: float = 1.0) -> None:
        self.label = label
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled
        self.start = time.monotonic()
        self.delay = delay
        self._last = 0.0
        self._shown = False

    def restart(self) -> None:
        """Start timing a new piece of work (the REPL calls this before each command)."""
        self.clear()
        self.start = time.monotonic()
        self._base: int | None = None

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < self.delay or now - self._last < 0.2:
            return
        self._last = now
        base = getattr(self, "_base", None)
        if base is None:
            base = self._base = done  # steps before this piece of work do not count in the rate
        rate = (done - base) / max(now - self.start, 1e-9)
        of = f"/{self.total:,}" if self.total else ""
        self.stream.write(f"\r\x1b[K{self.label}: {done:,}{of} steps, {rate:,.0f} steps/s")
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.clear()
