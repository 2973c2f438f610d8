"""The append-only event log, kept in compact numpy columns.

Events are five uint32 columns ``(code, a, b, c, d)`` (see :mod:`events.codes`),
grouped into steps: ``offsets[s]`` is the index of step ``s``'s first event.
Step 0 holds exec's effects (the initial mappings, stack and registers); step
``k`` for ``k >= 1`` holds the effects of the k-th retired instruction.

Recording appends into a flat Python list (``list.extend`` of a 5-tuple is the
cheapest append CPython has) and seals it into a numpy chunk every
``chunk_events`` events, at a step boundary, so a chunk always holds whole
steps.  Sealed chunks are handed to an optional *sink* (the session writer),
so a crash loses at most the last chunk.  Nothing here changes or removes a
past event.
"""
from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from events import codes as C
from events.schema import Event

FIELDS = 5


@dataclass(frozen=True)
class Chunk:
    """Whole steps ``[first_step, first_step + nsteps)`` and their events."""

    first_step: int
    first_event: int
    cols: np.ndarray          # shape (n, 5), uint32
    step_counts: np.ndarray   # events per step, uint32, length nsteps
    extras_base: int
    extras: list[Any]

    @property
    def nsteps(self) -> int:
        return len(self.step_counts)

    @property
    def nevents(self) -> int:
        return len(self.cols)


class EventSlice:
    """A contiguous run of events, as columns, with access to their extras."""

    __slots__ = ("cols", "extras", "first_event")

    def __init__(self, cols: np.ndarray, extras: list[Any], first_event: int) -> None:
        self.cols = cols
        self.extras = extras
        self.first_event = first_event

    def __len__(self) -> int:
        return len(self.cols)

    def models(self) -> Iterator[Event]:
        for code, a, b, c, d in self.cols.tolist():
            yield C.to_model(code, a, b, c, d, self.extras)


class EventLog:
    """Append-only, step-indexed log of compact events."""

    def __init__(self, chunk_events: int = 1 << 16, sink: Callable[[Chunk], None] | None = None) -> None:
        self.chunk_events = chunk_events
        self.sink = sink
        self.chunks: list[Chunk] = []
        self._chunk_first_events: list[int] = []
        self._sealed_events = 0
        self._sealed_steps = 0
        self._buf: list[int] = []
        self._buf_counts = array("I")   # events per closed step in the buffer
        self._buf_step_start = 0        # len(_buf) at the start of the open step
        self.extras: list[Any] = []
        self._extras_sealed = 0
        self._offsets = array("Q", [0])
        #: The hot-loop append: ``emit((code, a, b, c, d))``.
        self.emit: Callable[[tuple[int, int, int, int, int]], None] = self._buf.extend

    # ---- appending ---------------------------------------------------------
    def add(self, code: int, a: int = 0, b: int = 0, c: int = 0, d: int = 0) -> None:
        self._buf.extend((code, a, b, c, d))

    def add_extra(self, payload: Any) -> int:
        """Store a variable-size payload; returns the index to put in column ``d``."""
        self.extras.append(payload)
        return len(self.extras) - 1

    def add_model(self, event: Event) -> None:
        row, extra = C.from_model(event)
        if extra is not None:
            row = row[:4] + (self.add_extra(extra),)
        self.add(*row)

    def end_step(self) -> None:
        """Close the current step.  Seals a chunk when the buffer is full."""
        n = len(self._buf)
        self._buf_counts.append((n - self._buf_step_start) // FIELDS)
        self._buf_step_start = n
        self._offsets.append(self._sealed_events + n // FIELDS)
        if n >= self.chunk_events * FIELDS:
            self.seal()

    def seal(self) -> None:
        """Turn the closed steps in the buffer into a chunk (and hand it to the sink)."""
        if not self._buf_counts:
            return
        end = self._buf_step_start
        flat = self._buf[:end]
        try:
            cols = np.array(flat, dtype=np.uint32).reshape(-1, FIELDS)
        except OverflowError as exc:  # a negative or >32-bit value: a bug in the caller
            raise ValueError(f"event field out of uint32 range: {exc}") from None
        del self._buf[:end]
        self._buf_step_start = 0
        extras_hi = len(self.extras)
        if self._buf:  # events of the open step may already reference extras
            pending = np.array(self._buf, dtype=np.int64).reshape(-1, FIELDS)
            refs = pending[np.isin(pending[:, 0], list(C.EXTRA_CODES)), 4]
            if len(refs):
                extras_hi = int(refs.min())
        chunk = Chunk(self._sealed_steps, self._sealed_events, cols,
                      np.frombuffer(self._buf_counts, dtype=np.uint32).copy(),
                      self._extras_sealed, self.extras[self._extras_sealed:extras_hi])
        self._buf_counts = array("I")
        self._append_chunk(chunk)
        self._extras_sealed = extras_hi
        if self.sink is not None:
            self.sink(chunk)

    def _append_chunk(self, chunk: Chunk) -> None:
        self.chunks.append(chunk)
        self._chunk_first_events.append(chunk.first_event)
        self._sealed_events += chunk.nevents
        self._sealed_steps += chunk.nsteps

    def load_chunk(self, chunk: Chunk) -> None:
        """Append a chunk read from a file (used by the session reader)."""
        if chunk.first_step != self._sealed_steps or chunk.first_event != self._sealed_events:
            raise ValueError("chunk out of order")
        if chunk.extras_base != len(self.extras):
            raise ValueError("chunk extras out of order")
        self.extras.extend(chunk.extras)
        self._extras_sealed = len(self.extras)
        counts = chunk.step_counts.astype(np.uint64)
        ends = np.cumsum(counts) + np.uint64(self._sealed_events)
        self._offsets.extend(ends.tolist())
        self._append_chunk(chunk)

    # ---- reading -----------------------------------------------------------
    @property
    def nsteps(self) -> int:
        """Number of closed steps (step 0 included)."""
        return len(self._offsets) - 1

    @property
    def last_step(self) -> int:
        return self.nsteps - 1

    def __len__(self) -> int:
        """Number of events in closed steps."""
        return int(self._offsets[-1])

    def offset(self, step: int) -> int:
        """Index of the first event of ``step`` (``len(self)`` for ``nsteps``)."""
        return int(self._offsets[step])

    def offsets_array(self) -> np.ndarray:
        return np.frombuffer(self._offsets, dtype=np.uint64)

    def iter_cols(self, lo: int, hi: int) -> Iterator[np.ndarray]:
        """Columns of events ``[lo, hi)``, chunk by chunk, as views (no copy)."""
        hi = min(hi, len(self))
        i = max(0, bisect.bisect_right(self._chunk_first_events, lo) - 1)
        pos = lo
        while pos < hi and i < len(self.chunks):
            ch = self.chunks[i]
            s = pos - ch.first_event
            e = min(hi - ch.first_event, ch.nevents)
            if s < e:
                yield ch.cols[s:e]
                pos = ch.first_event + e
            i += 1
        if pos < hi:  # the unsealed tail
            s = (pos - self._sealed_events) * FIELDS
            e = (hi - self._sealed_events) * FIELDS
            yield np.array(self._buf[s:e], dtype=np.uint32).reshape(-1, FIELDS)

    def event_cols(self, lo: int, hi: int) -> np.ndarray:
        """Columns of events ``[lo, hi)`` (a view when they sit in one chunk)."""
        parts = list(self.iter_cols(lo, hi))
        if not parts:
            return np.zeros((0, FIELDS), dtype=np.uint32)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def steps(self, first: int, last: int) -> EventSlice:
        """Events of steps ``first..last`` inclusive."""
        lo = self.offset(first)
        hi = self.offset(min(last, self.last_step) + 1)
        return EventSlice(self.event_cols(lo, hi), self.extras, lo)

    def step(self, step: int) -> EventSlice:
        return self.steps(step, step)

    def iter_models(self) -> Iterator[tuple[int, Event]]:
        """Every event as ``(step, model)``: for export and validation, not the hot path."""
        for step in range(self.nsteps):
            for model in self.step(step).models():
                yield step, model
