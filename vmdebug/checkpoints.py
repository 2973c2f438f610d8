"""Stored checkpoints: the state snapshots a session file carries so it opens and seeks fast.

Three things live here, so their one record shape cannot drift apart:

* :func:`record` - the plain-data form written into a session (one ``CP``
  record each; ``frames`` holds only the frames that changed since the
  previous checkpoint).
* :class:`LiveCheckpoints` - taking them from a running process's state as it
  runs, so recording never keeps its past to refold it afterwards (constant
  memory while recording).
* :func:`verify` - checking a file's checkpoints against the events before
  they are trusted.  A file from someone else may carry a checkpoint whose
  registers say something the events do not (its CRC is recomputed as easily
  as it is edited); ``record goto`` would then answer one thing by way of the
  checkpoint and another by folding.  What the events determine cheaply is
  compared - every register, the break, the page map, the output count and
  the end of the run - and the first checkpoint that disagrees is dropped with
  everything after it, to be rebuilt from the log.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from events import codes as C
from events import kinds as K
from events.log import EventLog
from events.state import PAGE, ProcessState

#: How often a session stores a checkpoint.  Recording checks at block boundaries of
#: 65536 steps (vmdebug.machine.process.Process.run), so this is a multiple of it.
STORED_CHECKPOINT_EVERY = 1 << 17


def record(step: int, regs: Any, frames: dict[int, bytes], brk: int, vmas: dict[int, tuple[int, str, str]],
           stack: Any, pagemap: dict[int, int], exited: Any, fault: Any, outputs: int) -> dict[str, Any]:
    """A checkpoint as stored in a session file."""
    return {"step": step, "regs": list(regs), "frames": frames, "brk": brk,
            "vmas": [[k, *v] for k, v in vmas.items()], "stack": [list(f) for f in stack],
            "pagemap": [[k, v] for k, v in pagemap.items()],
            "exited": list(exited) if exited else None,
            "fault": list(fault) if fault else None, "outputs": outputs}


class LiveCheckpoints:
    """Checkpoints of a running process, taken every ``every`` steps and handed to ``write``
    at once (the session writer stores each as it comes).

    Which frames changed is found by comparing the frames in use with a copy from the
    previous checkpoint, 8 bytes at a time: the hot path of the CPU keeps no dirty bits.
    """

    def __init__(self, state: ProcessState, frames_in_use: Callable[[], int],
                 write: Callable[[dict[str, Any]], None], every: int = STORED_CHECKPOINT_EVERY) -> None:
        self.state = state
        self.frames_in_use = frames_in_use
        self.write = write
        self.every = every
        self.last = 0
        self._prev = np.zeros((0, PAGE // 8), dtype=np.uint64)

    def at(self, step: int) -> None:
        """Called at step boundaries; takes a checkpoint when ``step`` is on the grid."""
        if step <= self.last or step % self.every:
            return
        self.last = step
        n = self.frames_in_use()
        cur = self.state.phys[:n * PAGE].view(np.uint64).reshape(n, PAGE // 8)
        prev = self._prev
        if len(prev) < n:
            prev = np.concatenate((prev, np.zeros((n - len(prev), PAGE // 8), dtype=np.uint64)))
        changed = np.flatnonzero((cur != prev[:n]).any(axis=1))
        frames = {int(f): cur[f].tobytes() for f in changed}
        self._prev = cur.copy()
        s = self.state
        self.write(record(step, s.regs, frames, s.brk, s.vmas, s.stack, s.pagemap, s.exited, s.fault, s.outputs))


_RARE = np.zeros(K.NCODES, dtype=bool)
_RARE[[C.BREAK_MOVED, C.OUTPUT, C.EXITED, C.PAGE_MAPPED, C.PAGE_UNMAPPED]] = True


def verify(log: EventLog, steps: list[int], regs: list[tuple[int, ...]], brks: list[int],
           pagemaps: list[dict[int, int]], exits: list[Any], outputs: list[int]) -> int:
    """How many of the checkpoints (in step order) agree with the events; the first that
    does not, and all after it, are not to be trusted.

    One pass over the events, interval by interval, carrying what they determine: the
    last value written to each register, the break, the output count, the end of the
    run and the page map (a few milliseconds of numpy per 100k steps)."""
    cur_regs = [0] * C.NREGS
    brk, nout, end = 0, 0, None
    pages: dict[int, int] = {}
    bound = 0
    for k, step in enumerate(steps):
        if not 0 <= step <= log.last_step or log.offset(step + 1) < bound:
            return k
        lo, bound = bound, log.offset(step + 1)
        for cols in log.iter_cols(lo, bound):
            code = cols[:, 0]
            at = np.flatnonzero(code == C.REG)
            last = np.full(C.NREGS, -1, dtype=np.int64)
            np.maximum.at(last, cols[at, 1], np.arange(len(at)))   # each register's last write here
            for r in np.flatnonzero(last >= 0).tolist():
                cur_regs[r] = int(cols[at[last[r]], 3])
            rare = cols[_RARE[code]]
            for c, a, b, _c, _d in rare.tolist():
                if c == C.BREAK_MOVED:
                    brk = b
                elif c == C.OUTPUT:
                    nout += 1
                elif c == C.EXITED:
                    end = (C.signed32(a), b)
                elif c == C.PAGE_MAPPED:
                    pages[a >> 12] = b
                elif c == C.PAGE_UNMAPPED:
                    pages.pop(a >> 12, None)
        if (tuple(cur_regs) != tuple(regs[k]) or brk != brks[k] or nout != outputs[k]
                or (tuple(exits[k]) if exits[k] else None) != end or pages != pagemaps[k]):
            return k
    return len(steps)
