"""What each heap chunk was asked for: the size given to the malloc or realloc call that
returned its payload, so the heap strip can draw the payload's padding apart from the bytes
the program asked for.

The log holds every call and return (the shadow stack's frame events, with the slot of the
return address), the argument pushed before the call (a memory write just above that slot)
and the return value (the last write to eax inside the call).  Only malloc and realloc are
read: calloc calls malloc, and a realloc that moves its block calls malloc too.  The index is
built once, on the first request, and kept.
"""
from __future__ import annotations

import bisect
from typing import Any

import numpy as np

from events import codes as C
from events.log import EventLog, code_bits

#: How far before a call its argument's push is looked for (a few instructions at -O0..-O2).
ARG_WINDOW = 64
#: Beyond this many calls the index is not built (the strip then shows no padding).
MAX_CALLS = 50_000
#: function -> which argument is the size (1 = [return slot + 4])
SIZE_ARG = {"malloc": 1, "realloc": 2}


def _last_write(cols: np.ndarray, code: int, a: int) -> int | None:
    """The new value of the last ``code`` event at ``a`` (a register id or an address)."""
    hit = np.flatnonzero((cols[:, 0] == code) & (cols[:, 1] == a))
    return int(cols[hit[-1], 3]) if len(hit) else None


class Requests:
    """payload address -> [(step the call returned, size asked)], oldest first."""

    def __init__(self, log: EventLog) -> None:
        self.log = log
        self.by_payload: dict[int, list[tuple[int, int]]] | None = None

    def _build(self) -> dict[int, list[tuple[int, int]]]:
        log = self.log
        found: dict[int, list[tuple[int, int]]] = {}
        events = log.find(code_bits(C.FRAME_PUSHED, C.FRAME_POPPED))
        if len(events) == 0:
            return found
        steps = log.step_of_events(events).tolist()
        open_calls: dict[int, list[tuple[str, int, int | None]]] = {}   # return slot -> calls not returned
        calls = 0
        for i, step in zip(events.tolist(), steps):
            code, slot, _ret, _site, d = (int(x) for x in log.event_cols(i, i + 1)[0])
            name = log.extras[d]
            if name not in SIZE_ARG:
                continue
            if code == C.FRAME_PUSHED:
                calls += 1
                if calls > MAX_CALLS:
                    return {}
                before = log.steps(max(0, step - ARG_WINDOW), step).cols
                size = _last_write(before, C.MEM4, slot + 4 * SIZE_ARG[name])
                open_calls.setdefault(slot, []).append((name, step, size))
            elif open_calls.get(slot):
                _name, pushed, size = open_calls[slot].pop()
                returned = _last_write(log.steps(pushed, step).cols, C.REG, C.EAX)
                if returned and size is not None:
                    found.setdefault(returned, []).append((step, size))
        return found

    def asked(self, payload: int, step: int) -> int | None:
        """The size the last call that returned ``payload`` by ``step`` asked for (None: unknown)."""
        if self.by_payload is None:
            self.by_payload = self._build()
        calls = self.by_payload.get(payload)
        if not calls:
            return None
        k = bisect.bisect_right(calls, (step, 1 << 62)) - 1
        return calls[k][1] if k >= 0 else None


def annotate(chunks: list[dict[str, Any]], requests: Requests, step: int) -> None:
    """Add ``asked`` and ``padding`` to each chunk in use whose call is known."""
    for c in chunks:
        if not c["in_use"] or c["corrupt"]:
            continue
        asked = requests.asked(c["payload"], step)
        if asked is not None and 0 <= asked <= c["payload_size"]:
            c["asked"] = asked
            c["padding"] = c["payload_size"] - asked
