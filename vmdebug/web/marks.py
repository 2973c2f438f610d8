"""The timeline's marks: the steps holding calls, system calls, page faults, break moves and
the fatal signal, found in the log's columns (only the chunks that hold such events are
decoded, as the debugger's searches do: :meth:`events.log.EventLog.find`).

A million-step run can call functions a hundred thousand times; the slider is a few hundred
pixels wide, so each kind keeps at most :data:`MAX_MARKS` steps, spread over the run (the
first step of each of that many equal slices), and says how many there were in all.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from events import codes as C
from events.lazy import unique
from events.log import EventLog, code_bits

MAX_MARKS = 1500

#: kind on the page -> the event codes that make it
KINDS: dict[str, tuple[int, ...]] = {
    "call": (C.FRAME_PUSHED,),
    "syscall": (C.SYSCALL,),
    "pagefault": (C.PAGE_MAPPED, C.PAGE_COPIED),
    "brk": (C.BREAK_MOVED,),
    "fatal": (C.SEGFAULT, C.FAULT),
}


def _thin(steps: np.ndarray, nsteps: int) -> list[int]:
    if len(steps) <= MAX_MARKS:
        return steps.tolist()
    bucket = steps * MAX_MARKS // max(nsteps, 1)
    keep = np.concatenate(([True], bucket[1:] != bucket[:-1]))
    return steps[keep].tolist()


def timeline_marks(log: EventLog) -> dict[str, Any]:
    """kind -> {"steps": [...] (thinned), "count": steps holding one in all}; step 0 (exec)
    is left out: it maps the whole program at once."""
    out: dict[str, Any] = {}
    lo = log.offset(1) if log.nsteps > 1 else len(log)
    for kind, codes in KINDS.items():
        found = log.find(code_bits(*codes), lo)
        steps = unique(log.step_of_events(found)) if len(found) else np.zeros(0, dtype=np.int64)
        out[kind] = {"steps": _thin(steps, log.nsteps), "count": int(len(steps))}
    return out
