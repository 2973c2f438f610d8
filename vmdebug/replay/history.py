"""Rebuilding process state at any step: checkpoints plus the fold.

``History.state_at(step)`` starts from the nearest checkpoint at or before
``step`` (one every ``interval`` steps) and folds the events in between with
:func:`vmdebug.replay.fold.apply_range`.

Checkpoints are copy-on-write: each stores the bytes of the frames touched
since the previous one and shares the rest, so they cost memory in proportion
to what the program writes, not to physical memory.
"""
from __future__ import annotations

import bisect
from typing import Any

import numpy as np

from events.record import Frozen
from events import codes as C
from events.log import EventLog
from events.state import PAGE, PAGE_SHIFT, ProcessState
from vmdebug.replay import checkpoints as stored
from vmdebug.replay.checkpoints import STORED_CHECKPOINT_EVERY
from vmdebug.replay.fold import apply_range


class Checkpoint(Frozen):
    __slots__ = (
        "step",
        "regs",
        "frames",
        "brk",
        "vmas",
        "stack",
        "pagemap",
        "exited",
        "fault",
        "outputs",
        "digest",   # of the folded state, for stored checkpoints (vmdebug.replay.checkpoints)
        "procs",    # the other processes (ProcessState.procs_data), None while there is one
        "narrow",   # from a file of schema 3 or older: its digest covers the first registers
    )

    def __init__(self, step: int, regs: tuple[int, ...], frames: dict[int, bytes], brk: int,
                 vmas: dict[int, tuple[int, int, str]], stack: tuple[tuple[str, int, int, int], ...],
                 pagemap: dict[int, int], exited: tuple[int, int] | None, fault: tuple[int, ...] | None,
                 outputs: int, digest: bytes | None = None, procs: Any = None, narrow: bool = False) -> None:
        object.__setattr__(self, "step", step)
        object.__setattr__(self, "regs", regs)
        object.__setattr__(self, "frames", frames)
        object.__setattr__(self, "brk", brk)
        object.__setattr__(self, "vmas", vmas)
        object.__setattr__(self, "stack", stack)
        object.__setattr__(self, "pagemap", pagemap)
        object.__setattr__(self, "exited", exited)
        object.__setattr__(self, "fault", fault)
        object.__setattr__(self, "outputs", outputs)
        object.__setattr__(self, "digest", digest)
        object.__setattr__(self, "procs", procs)
        object.__setattr__(self, "narrow", narrow)



class History:
    """State at any step of a log, via checkpoints every ``interval`` steps.

    Checkpoints are built on demand from the nearest earlier one, or imported
    from a session file (:meth:`import_checkpoints`), so opening a long
    session does not refold it from step 0.
    """

    def __init__(self, log: EventLog, nframes: int, interval: int = 8192) -> None:
        self.log = log
        self.nframes = nframes
        self.interval = interval
        self.checkpoints: dict[int, Checkpoint] = {}
        self._steps: list[int] = []   # sorted keys of ``checkpoints``
        #: Stored checkpoints not yet checked: each is checked on first use (see :meth:`_nearest`).
        self._unchecked: set[int] = set()
        #: One-line warnings not yet said (a stored checkpoint refused on first use).
        self.warnings: list[str] = []

    def _snapshot(self, state: ProcessState, step: int, prev: Checkpoint | None) -> Checkpoint:
        frames = dict(prev.frames) if prev else {}
        for f in state.touched:
            frames[f] = state.phys[f << PAGE_SHIFT:(f + 1) << PAGE_SHIFT].tobytes()
        state.touched = set()
        return Checkpoint(step, tuple(state.regs), frames, state.brk, dict(state.vmas), tuple(state.stack),
                          dict(state.pagemap), state.exited, state.fault, state.outputs, None, state.procs_data())

    def restore(self, cp: Checkpoint) -> ProcessState:
        state = ProcessState(self.nframes)
        for f, data in cp.frames.items():
            state.phys[f << PAGE_SHIFT:(f + 1) << PAGE_SHIFT] = np.frombuffer(data, dtype=np.uint8)
        state.regs = list(cp.regs)
        state.brk = cp.brk
        state.vmas = dict(cp.vmas)
        state.stack = list(cp.stack)
        state.pagemap = dict(cp.pagemap)
        state.exited, state.fault, state.outputs = cp.exited, cp.fault, cp.outputs
        state.set_procs(cp.procs)
        return state

    def _add(self, cp: Checkpoint) -> None:
        if cp.step not in self.checkpoints:
            bisect.insort(self._steps, cp.step)
        self.checkpoints[cp.step] = cp

    def _nearest(self, step: int) -> Checkpoint | None:
        while True:
            i = bisect.bisect_right(self._steps, step) - 1
            cp = self.checkpoints[self._steps[i]] if i >= 0 else None
            if cp is None or cp.step not in self._unchecked or self._check(cp):
                return cp

    def _check(self, cp: Checkpoint) -> bool:
        """A stored checkpoint on first use: its digest against the state it restores, and its
        registers against the events around it.  If either disagrees it is dropped, with the
        stored ones after it, and rebuilt from the log."""
        self._unchecked.discard(cp.step)
        state = self.restore(cp)
        if (stored.state_digest(state, cp.frames, cp.narrow) == cp.digest
                and stored.regs_agree(self.log, cp.step, cp.regs)):
            return True
        for step in [s for s in self._unchecked if s > cp.step] + [cp.step]:
            self._unchecked.discard(step)
            del self.checkpoints[step]
            self._steps.remove(step)
        self.warnings.append(f"the stored checkpoint at step {cp.step} disagrees with the recorded events; "
                             "it and those after it will be rebuilt from the events")
        return False

    def _ensure_checkpoints(self, upto: int, fill: bool = False) -> Checkpoint:
        """The checkpoint to fold ``upto`` from: one on the grid 0, interval, 2*interval...
        at or below it, built from the nearest earlier one if need be.  With ``fill`` every
        grid point on the way gets one; otherwise the events are folded in one go (one
        vectorised pass beats many short ones) and only the last grid point is kept."""
        upto = min(upto, self.log.last_step)
        cp = self._nearest(upto)
        if cp is None:
            state = ProcessState(self.nframes)
            apply_range(state, self.log.step(0).cols, self.log.extras)
            cp = self._snapshot(state, 0, None)
            self._add(cp)
        else:
            state = None
        grid = upto // self.interval * self.interval
        while cp.step < grid:
            target = min(grid, (cp.step // self.interval + 1) * self.interval) if fill else grid
            if state is None:
                state = self.restore(cp)
                state.touched = set()
            apply_range(state, self.log.steps(cp.step + 1, target).cols, self.log.extras)
            cp = self._snapshot(state, target, cp)
            self._add(cp)
        return cp

    def build_all(self) -> None:
        """Every checkpoint of the grid, now (a session that stored none: later jumps then
        cost one restore)."""
        self._ensure_checkpoints(self.log.last_step, fill=True)

    def state_at(self, step: int) -> ProcessState:
        """A fresh state equal to the fold of steps ``0..step``."""
        if not 0 <= step <= self.log.last_step:
            raise IndexError(f"step {step} out of range 0..{self.log.last_step}")
        cp = self._ensure_checkpoints(step)
        state = self.restore(cp)
        if step > cp.step:
            apply_range(state, self.log.steps(cp.step + 1, step).cols, self.log.extras)
        state.touched = set()
        return state

    def forward(self, state: ProcessState, step: int) -> None:
        """Apply step ``step``'s events (state must be at ``step - 1``)."""
        apply_range(state, self.log.step(step).cols, self.log.extras, True)

    def backward(self, state: ProcessState, step: int) -> None:
        """Undo step ``step``'s events (state must be at ``step``)."""
        apply_range(state, self.log.step(step).cols, self.log.extras, False)

    # ---- stored checkpoints -------------------------------------------------------
    def export_checkpoints(self, every: int = STORED_CHECKPOINT_EVERY) -> list[dict[str, Any]]:
        """Checkpoints every ``every`` steps as plain data for the session file.

        Each carries only the frames that changed since the previous one.
        """
        every = max(self.interval, every // self.interval * self.interval)
        out: list[dict[str, Any]] = []
        prev: dict[int, bytes] = {}
        for step in range(every, self.log.last_step + 1, every):
            cp = self._ensure_checkpoints(step, fill=True)
            frames = {f: data for f, data in cp.frames.items() if prev.get(f) is not data}
            prev = cp.frames
            digest = cp.digest or stored.digest(cp.regs, cp.brk, cp.vmas, cp.stack, cp.pagemap, cp.exited,
                                                cp.fault, cp.outputs, sorted(cp.frames.items()), cp.procs)
            out.append(stored.record(cp.step, cp.regs, frames, cp.brk, cp.vmas, cp.stack, cp.pagemap,
                                     cp.exited, cp.fault, cp.outputs, digest, cp.procs))
        return out

    def import_checkpoints(self, data: list[Any]) -> str:
        """Adopt the stored checkpoints (from a session file) that agree with the events
        (:func:`vmdebug.replay.checkpoints.verify`); "" or one line saying which were not."""
        loaded = self._parse_checkpoints(data)
        if loaded is None:
            return "stored checkpoints are malformed; they will be rebuilt from the events"
        if all(cp.digest is not None for cp in loaded):
            for cp in loaded:        # checked on first use: opening stays quick however long the run
                self._add(cp)
                self._unchecked.add(cp.step)
            return ""
        # Files from before digests: checked against the events now, in one pass.
        good = stored.verify(self.log, self.nframes, loaded)
        for cp in loaded[:good]:
            self._add(cp)
        if good < len(loaded):
            return (f"the stored checkpoint at step {loaded[good].step} disagrees with the recorded events; "
                    "it will be rebuilt from the events")
        return ""

    def _parse_checkpoints(self, data: list[Any]) -> list[Checkpoint] | None:
        try:
            frames: dict[int, bytes] = {}
            loaded = []
            for d in data:
                step = int(d["step"])
                if not 0 < step <= self.log.last_step or step % self.interval:
                    return None
                frames = dict(frames)
                for f, blob in d["frames"].items():
                    if not 0 <= int(f) < self.nframes or not isinstance(blob, bytes) or len(blob) != PAGE:
                        return None
                    frames[int(f)] = blob
                try:
                    narrow = len(d["regs"]) == C.NREGS_V3
                    regs = tuple(C.widen_regs(d["regs"]))
                except ValueError:
                    return None
                loaded.append(Checkpoint(
                    step, regs, frames, int(d["brk"]),
                    {int(v[0]): (int(v[1]), str(v[2]), str(v[3])) for v in d["vmas"]},
                    tuple((str(f[0]), int(f[1]), int(f[2]), int(f[3])) for f in d["stack"]),
                    {int(k): int(v) for k, v in d["pagemap"]},
                    tuple(d["exited"]) if d["exited"] else None,
                    tuple(d["fault"]) if d["fault"] else None, int(d["outputs"]), _digest(d.get("digest")),
                    _procs(d.get("procs")), narrow))
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None
        return loaded


def _procs(value: Any) -> Any:
    """A stored checkpoint's processes, checked and in canonical form (ValueError if malformed)."""
    if value is None:
        return None
    probe = ProcessState(0)
    probe.set_procs(value)
    return probe.procs_data()


def _digest(value: Any) -> bytes | None:
    if value is None:
        return None
    if not isinstance(value, bytes) or len(value) != 16:
        raise ValueError("bad digest")
    return value
