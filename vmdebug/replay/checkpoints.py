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

import hashlib
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from events import codes as C
from events import kinds as K
from events.kinds import apply
from events.log import EventLog
from events.state import PAGE, ProcessState

#: How often a session stores a checkpoint.  Recording checks at block boundaries of
#: 65536 steps (vmdebug.machine.process.Process.run), so this is a multiple of it.
STORED_CHECKPOINT_EVERY = 1 << 16


def record(step: int, regs: Any, frames: dict[int, bytes], brk: int, vmas: dict[int, tuple[int, str, str]],
           stack: Any, pagemap: dict[int, int], exited: Any, fault: Any, outputs: int,
           digest: bytes, procs: Any = None) -> dict[str, Any]:
    """A checkpoint as stored in a session file (``procs``: the other processes, in
    :meth:`events.state.ProcessState.procs_data`'s form; absent while there is one)."""
    out = {"step": step, "regs": list(regs), "frames": frames, "brk": brk,
           "vmas": [[k, *v] for k, v in vmas.items()], "stack": [list(f) for f in stack],
           "pagemap": [[k, v] for k, v in pagemap.items()],
           "exited": list(exited) if exited else None,
           "fault": list(fault) if fault else None, "outputs": outputs, "digest": digest}
    if procs is not None:
        out["procs"] = procs
    return out


def digest(regs: Any, brk: int, vmas: dict[int, Any], stack: Any, pagemap: dict[int, int], exited: Any,
           fault: Any, outputs: int, frames: Iterable[tuple[int, Any]], procs: Any = None,
           narrow: bool = False) -> bytes:
    """A digest of a folded state: registers, break, VMAs, frames, page map, end, output
    count, and the bytes of every frame that is not all zeros (``frames`` gives each frame
    that may not be, in increasing order).  Stored with each checkpoint when it is taken
    and compared when the checkpoint is first used: an edited checkpoint is then refused
    without folding the run up to it.  It is a checksum, not a signature: docs/security.md.
    ``narrow``: the checkpoint comes from a file of schema 3 or older (C.digest_regs)."""
    h = hashlib.blake2b(digest_size=16)
    scalars = (C.digest_regs(regs, narrow), int(brk), sorted((int(k), tuple(v)) for k, v in vmas.items()),
               [tuple(f) for f in stack], sorted(pagemap.items()), tuple(exited) if exited else None,
               tuple(fault) if fault else None, int(outputs))
    h.update(repr(scalars).encode())
    if procs is not None:
        pid, tasks, parents = procs
        tasks = [[t[0], list(C.digest_regs(t[1], narrow)), *t[2:]] for t in tasks]
        h.update(repr([pid, tasks, parents]).encode())
    for f, data in frames:
        arr = np.frombuffer(data, dtype=np.uint8) if isinstance(data, bytes) else data
        if arr.any():
            h.update(int(f).to_bytes(4, "little"))
            h.update(arr)
    return h.digest()


def state_digest(state: ProcessState, frames: Iterable[int], narrow: bool = False) -> bytes:
    """:func:`digest` of ``state``, whose nonzero frames are among ``frames``."""
    phys = state.phys
    return digest(state.regs, state.brk, state.vmas, state.stack, state.pagemap, state.exited, state.fault,
                  state.outputs, ((f, phys[f * PAGE:(f + 1) * PAGE]) for f in sorted(frames)), state.procs_data(),
                  narrow)


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
        self.write(record(step, s.regs, frames, s.brk, s.vmas, s.stack, s.pagemap, s.exited, s.fault, s.outputs,
                          state_digest(s, range(n)), s.procs_data()))


#: What verify folds besides the registers: the events behind the break, the output count,
#: the end and the page map (and CR3, which the page tables hang from).
_CHECKED = np.zeros(K.NCODES, dtype=bool)
_CHECKED[list(K.SUMMARY_CODES)] = True


def verify(log: EventLog, nframes: int, checkpoints: Sequence[Any]) -> int:
    """How many of ``checkpoints`` (in step order) agree with the events; the first that
    does not, and all after it, are not to be trusted.

    One pass over the events, interval by interval.  Each register's last write is found
    with numpy; the few events behind the break, the output count, the end of the run and
    the page map go through the fold itself (:func:`events.kinds.apply`) on a state that
    holds only them (a few milliseconds per 100k steps)."""
    regs = C.initial_regs()
    state = ProcessState(nframes)
    bound = 0
    for k, cp in enumerate(checkpoints):
        if not 0 <= cp.step <= log.last_step or log.offset(cp.step + 1) < bound:
            return k
        lo, bound = bound, log.offset(cp.step + 1)
        for cols in log.iter_cols(lo, bound):
            code = cols[:, 0]
            at = np.flatnonzero(code == C.REG)
            last = np.full(C.NREGS, -1, dtype=np.int64)
            np.maximum.at(last, cols[at, 1], np.arange(len(at)))   # each register's last write here
            for r in np.flatnonzero(last >= 0).tolist():
                regs[r] = int(cols[at[last[r]], 3])
            folded = _CHECKED[code] | ((code == C.REG) & (cols[:, 1] == C.CR3))
            for row in cols[folded].tolist():
                apply(state, tuple(row), log.extras)
        if (tuple(regs) != tuple(cp.regs) or state.brk != cp.brk or state.outputs != cp.outputs
                or state.exited != (tuple(cp.exited) if cp.exited else None) or state.pagemap != cp.pagemap):
            return k
    return len(checkpoints)


def regs_agree(log: EventLog, step: int, regs: Sequence[int]) -> bool:
    """Whether the registers of a checkpoint at ``step`` agree with the register writes of
    the chunk around it: each register written there holds the ``new`` of its last write
    up to ``step``, or else the ``old`` of its first write after.  This reads one chunk
    (which folding from the checkpoint reads anyway), so a checkpoint can be checked
    against the events themselves on first use, not only against its digest."""
    lo, hi = log.chunk_span(step)
    cols = log.event_cols(lo, hi)
    cut = log.offset(step + 1) - lo
    # A switch to another process changes whose registers the writes are: only the
    # current process's stretch around ``step`` says anything about its registers.
    switches = np.flatnonzero(cols[:, 0] == C.TASK_SWITCHED)
    k = int(np.searchsorted(switches, cut))
    first = int(switches[k - 1]) + 1 if k else 0
    last = int(switches[k]) if k < len(switches) else len(cols)
    cols, cut = cols[first:last], cut - first
    at = np.flatnonzero((cols[:, 0] == C.REG) & (cols[:, 1] < C.NREGS))
    ids = cols[at, 1].astype(np.int64)
    j = int(np.searchsorted(at, cut))
    # The last write of each register up to the cut (its new), and the first after (its old):
    # np.unique's first index, of the writes reversed and of those after.
    known = np.full(C.NREGS, -1, dtype=np.int64)
    after, first_after = np.unique(ids[j:], return_index=True)
    known[after] = cols[at[j + first_after], 2]
    before, last_back = np.unique(ids[:j][::-1], return_index=True)
    known[before] = cols[at[j - 1 - last_back], 3]
    return all(v < 0 or v == regs[r] for r, v in enumerate(known.tolist()))
