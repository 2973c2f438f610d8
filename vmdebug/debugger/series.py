"""Per-step columns over a window of the log, computed with numpy.

Scans - breakpoints, watchpoints, stepping by lines, finish - need "the value
of eip (esp, the call depth...) after each step" over thousands or millions
of steps.  Folding step by step would cost a Python call per event; instead
we read the events of the window as columns and forward-fill.

A window is anchored either *before* it (the state at step ``a - 1`` is known:
values come from each event's ``new``) or *after* it (the state at step ``b``
is known: a value after step ``s`` is the ``old`` of the first write after
``s``), so scanning backwards from the cursor needs no extra fold either.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from events import codes as C
from events.log import EventLog


@dataclass
class Window:
    """Events of steps ``a..b`` with the step each belongs to."""

    log: EventLog
    a: int
    b: int
    cols: np.ndarray = field(init=False)
    steps: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        lo = self.log.offset(self.a)
        hi = self.log.offset(self.b + 1)
        self.cols = self.log.event_cols(lo, hi)
        offs = self.log.offsets(self.a, self.b + 1)
        counts = np.diff(offs)
        self.steps = np.repeat(np.arange(self.a, self.b + 1, dtype=np.int64), counts)

    @property
    def n(self) -> int:
        return self.b - self.a + 1

    def reg(self, reg: int, anchor: int, before: bool) -> np.ndarray:
        """Value of register ``reg`` after each step of the window (int64 array).

        ``anchor`` is its value at step ``a - 1`` (``before``) or at step ``b``.
        """
        m = (self.cols[:, 0] == C.REG) & (self.cols[:, 1] == reg)
        ev_steps = self.steps[m]
        wanted = np.arange(self.a, self.b + 1, dtype=np.int64)
        if not len(ev_steps):
            return np.full(self.n, anchor, dtype=np.int64)
        if before:
            vals = self.cols[m, 3].astype(np.int64)
            idx = np.searchsorted(ev_steps, wanted, side="right") - 1
            return np.where(idx >= 0, vals[np.clip(idx, 0, None)], anchor)
        olds = self.cols[m, 2].astype(np.int64)
        idx = np.searchsorted(ev_steps, wanted, side="right")
        return np.where(idx < len(ev_steps), olds[np.clip(idx, None, len(olds) - 1)], anchor)

    def depth(self, anchor: int, before: bool) -> np.ndarray:
        """Shadow call-stack depth after each step."""
        code = self.cols[:, 0]
        delta = (code == C.FRAME_PUSHED).astype(np.int64) - (code == C.FRAME_POPPED).astype(np.int64)
        per_step = np.bincount(self.steps - self.a, weights=delta, minlength=self.n).astype(np.int64)
        cum = np.cumsum(per_step)
        if before:
            return anchor + cum
        return anchor - (cum[-1] - cum)

    def steps_with(self, mask: np.ndarray) -> np.ndarray:
        """Sorted unique steps holding an event selected by ``mask``."""
        return np.unique(self.steps[mask])


def mem_touch_mask(cols: np.ndarray, extras: list, lo: int, hi: int) -> np.ndarray:
    """Events writing any byte of ``[lo, hi)``."""
    code = cols[:, 0]
    addr = cols[:, 1].astype(np.int64)
    size = np.where(code == C.MEM1, 1, np.where(code == C.MEM2, 2, np.where(code == C.MEM4, 4, 0)))
    mask = (size > 0) & (addr < hi) & (addr + size > lo)
    memn = np.flatnonzero(code == C.MEMN)
    for i in memn.tolist():
        n = len(extras[int(cols[i, 4])][1])
        if addr[i] < hi and addr[i] + n > lo:
            mask[i] = True
    # Pages appearing or vanishing change what the address reads as.
    page = (addr >> 12) << 12
    pmask = ((code == C.PAGE_MAPPED) | (code == C.PAGE_UNMAPPED)) & (page < hi) & (page + 4096 > lo)
    return mask | pmask
