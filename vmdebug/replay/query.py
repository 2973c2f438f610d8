"""The one query layer over the compact columns: what views ask of the log.

No view reads raw event codes; they ask here.  Most questions are about a
window of steps (below); the others are searches over the whole log
(:func:`writes`, :func:`smashed_return`, :func:`output_events`...), which
skip the chunks that cannot hold what they look for.

Per-step columns over a window of the log, computed with numpy.

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

from typing import Any, Callable, Iterator, NamedTuple

from events.record import Record
from events.lazy import np, unique

from events import codes as C
from events.log import EventLog, code_bits


class Window(Record):
    """Events of steps ``a..b`` with the step each belongs to."""

    def __init__(self, log: EventLog, a: int, b: int) -> None:
        self.log = log
        self.a = a
        self.b = b
        self.cols: np.ndarray = log.event_cols(log.offset(a), log.offset(b + 1))
        counts = np.diff(log.offsets(a, b + 1))
        self.steps: np.ndarray = np.repeat(np.arange(a, b + 1, dtype=np.int64), counts)

    @property
    def n(self) -> int:
        return self.b - self.a + 1

    @property
    def switches(self) -> bool:
        """Another process runs somewhere in the window."""
        return bool((self.cols[:, 0] == C.TASK_SWITCHED).any())

    def event_pids(self, anchor_pid: int, before: bool) -> np.ndarray:
        """The process each event of the window belongs to: the one current when it
        happened (``anchor_pid`` is the current one at step ``a - 1``, or at step ``b``)."""
        cols = self.cols
        at = np.flatnonzero(cols[:, 0] == C.TASK_SWITCHED)
        if not len(at):
            return np.full(len(cols), anchor_pid, dtype=np.int64)
        idx = np.arange(len(cols))
        new, old = cols[at, 1].astype(np.int64), cols[at, 2].astype(np.int64)
        if before:      # a switch and what follows it: its new pid; before the first: the anchor's
            k = np.searchsorted(at, idx, side="right") - 1
            return np.where(k >= 0, new[np.clip(k, 0, None)], anchor_pid)
        # backward: before the next switch, that switch's previous pid; after the last, the anchor's
        k = np.searchsorted(at, idx, side="left")
        kk = np.clip(k, 0, len(at) - 1)
        return np.where(k >= len(at), anchor_pid, np.where(at[kk] == idx, new[kk], old[kk]))

    def forks(self) -> list[tuple[int, int, int]]:
        """``(child, parent, step)`` of each fork in the window."""
        at = np.flatnonzero(self.cols[:, 0] == C.TASK_FORKED)
        return [(int(self.cols[i, 1]), int(self.cols[i, 2]), int(self.steps[i])) for i in at.tolist()]

    def step_pids(self, anchor_pid: int, before: bool) -> np.ndarray:
        """The process current after each step of the window (the one that ran it)."""
        at = np.flatnonzero(self.cols[:, 0] == C.TASK_SWITCHED)
        wanted = np.arange(self.a, self.b + 1, dtype=np.int64)
        if not len(at):
            return np.full(self.n, anchor_pid, dtype=np.int64)
        sw_steps, sw_new, sw_old = self.steps[at], self.cols[at, 1].astype(np.int64), self.cols[at, 2].astype(np.int64)
        if before:
            k = np.searchsorted(sw_steps, wanted, side="right") - 1
            return np.where(k >= 0, sw_new[np.clip(k, 0, None)], anchor_pid)
        k = np.searchsorted(sw_steps, wanted, side="right")
        return np.where(k < len(at), sw_old[np.clip(k, None, len(at) - 1)], anchor_pid)

    def reg(self, reg: int, anchor: int, before: bool, owner: np.ndarray | None = None) -> np.ndarray:
        """Value of register ``reg`` after each step of the window (int64 array).

        ``anchor`` is its value at step ``a - 1`` (``before``) or at step ``b``.  With
        ``owner`` (a mask of events, :meth:`event_pids` == pid), the register of that one
        process: it keeps its value while another process runs.
        """
        m = (self.cols[:, 0] == C.REG) & (self.cols[:, 1] == reg)
        if owner is not None:
            m &= owner
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

    def depth(self, anchor: int, before: bool, owner: np.ndarray | None = None) -> np.ndarray:
        """Shadow call-stack depth after each step (of one process's stack, with ``owner``)."""
        code = self.cols[:, 0]
        delta = (code == C.FRAME_PUSHED).astype(np.int64) - (code == C.FRAME_POPPED).astype(np.int64)
        if owner is not None:
            delta = np.where(owner, delta, 0)
        per_step = np.bincount(self.steps - self.a, weights=delta, minlength=self.n).astype(np.int64)
        cum = np.cumsum(per_step)
        if before:
            return anchor + cum
        return anchor - (cum[-1] - cum)

    def steps_with(self, mask: np.ndarray) -> np.ndarray:
        """Sorted unique steps holding an event selected by ``mask``."""
        return unique(self.steps[mask])

    def touching(self, ranges: list[tuple[int, int]], regs: list[str], accesses_only: bool) -> np.ndarray:
        """Sorted steps that wrote a byte of one of ``ranges`` (``[lo, hi)``) or one of ``regs``.

        With ``accesses_only``, only what the program itself did: a page mapped or freed,
        or filled from the file right after it is mapped (demand paging), changes what an
        address reads as, but it is no access by the program."""
        cols = self.cols
        mask = np.zeros(len(cols), dtype=bool)
        for lo, hi in ranges:
            mask |= mem_touch_mask(cols, self.log.extras, lo, hi)
        if accesses_only:
            code = cols[:, 0]
            filled = np.zeros(len(code), dtype=bool)
            filled[1:] = (code[1:] == C.MEMN) & (code[:-1] == C.PAGE_MAPPED) & (cols[1:, 1] == cols[:-1, 1])
            mask &= (code != C.PAGE_MAPPED) & (code != C.PAGE_UNMAPPED) & ~filled
        ids = [C.REG_IDS[r] for r in regs if r in C.REG_IDS]
        if ids:
            mask |= (cols[:, 0] == C.REG) & np.isin(cols[:, 1], ids)
        return self.steps_with(mask)


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


# ---- searches over the whole log ------------------------------------------------------
def process_notes(log: EventLog, step: int, pid: int) -> list[str]:
    """What the step did to processes and their frames, in the course's words: a fork, a
    switch, a copy-on-write (``pid`` ran the step)."""
    out = []
    for code, a, b, c, d in log.step(step).cols.tolist():
        if code == C.PAGE_COPIED:
            source = "the zero page, frame 0x0" if b == 0 else f"frame {b:#x}"
            out.append(f"copy-on-write: page {a:#010x} of pid {pid} copied from {source} to frame {c:#x}")
        elif code == C.TASK_FORKED:
            out.append(f"fork: pid {b} made pid {a}, which maps the same frames until one of them writes")
        elif code == C.TASK_SWITCHED:
            out.append(f"the scheduler switched from pid {b} to pid {a}")
        elif code == C.EXITED and pid != 1000:
            out.append(f"pid {pid} ended (status {C.signed32(a)}" + (f", signal {b})" if b else ")"))
    return out


def step_start_eip(log: EventLog, step: int) -> int | None:
    """Where the instruction of ``step`` was: the ``old`` of its eip write (None if the step
    wrote no eip)."""
    cols = log.step(step).cols
    w = cols[(cols[:, 0] == C.REG) & (cols[:, 1] == C.EIP)]
    return int(w[-1, 2]) if len(w) else None


def forks_between(log: EventLog, a: int, b: int) -> list[tuple[int, int]]:
    """``(child, parent)`` of each fork in steps ``a+1..b``, in order."""
    at = log.find(code_bits(C.TASK_FORKED), log.offset(a + 1), log.offset(b + 1))
    return [(int(r[1]), int(r[2])) for i in at.tolist() for r in log.event_cols(int(i), int(i) + 1)]


def exit_of(log: EventLog, pid: int, lo: int, hi: int) -> tuple[int, int, int] | None:
    """(step, status, signal) of process ``pid``'s exit if it falls in steps ``lo..hi``."""
    at = log.find(code_bits(C.EXITED), log.offset(lo), log.offset(hi + 1))
    if not len(at):
        return None
    mine = np.flatnonzero(Pids(log)(at) == pid)
    if not len(mine):
        return None
    ev = int(at[mine[0]])
    row = log.event_cols(ev, ev + 1)[0]
    return int(log.step_of_events(np.array([ev]))[0]), int(row[1]), int(row[2])


def last_step_of(log: EventLog, pid: int, upto: int) -> int | None:
    """The last step up to ``upto`` that process ``pid`` ran, or, when it ran none, the
    first after.  (Between a switch to it and the next switch away, it runs every step.)"""
    sw = Pids(log)
    at = sw.at
    if not len(at):
        return None
    steps = log.step_of_events(at)
    cut = log.offset(upto + 1)
    best = None
    for k in range(len(at)):
        if int(at[k]) >= cut:
            break
        if int(sw.old[k]) == pid:                  # it ran up to the step before this switch
            best = int(steps[k]) - 1 if int(steps[k]) - 1 >= 0 else None
        if int(sw.new[k]) == pid:
            best = min(int(steps[k]), upto)
    if best is not None:
        return best
    for k in range(len(at)):
        if int(at[k]) >= cut and int(sw.new[k]) == pid:
            return int(steps[k])
    return None



def skip_window(log: EventLog, a: int, b: int, bps: np.ndarray, anchor: dict[str, int],
                forward: bool) -> dict[str, int] | None:
    """For a scan with breakpoints only: None if some step of ``a..b`` may end at a
    breakpoint address; otherwise the anchor past the window, so it can be skipped.

    Exact, and cheap: it reads the raw event columns chunk by chunk, without building
    per-step series, and passes a chunk it has not decoded on its summary alone (every
    eip its steps went to, its registers at both ends, its depth change).  The eip after
    any step of the window is either the eip entering it (the ``old`` of its first eip
    write, or the anchor's when it has none) or the ``new`` of one of its eip writes.
    """
    # Without watchpoints, windows are examined on eip, esp and the call depth alone.
    ids = {"eip": C.EIP, "esp": C.ESP}
    first_old: dict[str, int] = {}
    last_new: dict[str, int] = {}
    depth = 0
    # Backward, the next window ends at step a: the anchor moves to "after step a".
    lo = log.offset(a if forward else a + 1)
    if len(log.find(code_bits(C.TASK_SWITCHED, C.TASK_FORKED), lo, log.offset(b + 1))):
        return None         # another process runs in there: its registers are not these
    for i, s, e in log.pieces(lo, log.offset(b + 1)):
        passed = _pass_on_summary(log, i, s, e, bps)
        if passed is not None:
            if passed is False:
                return None
            start, end, dp = passed
            for name, rid in ids.items():
                first_old.setdefault(name, start[rid])
                last_new[name] = end[rid]
            depth += dp
            continue
        cols = log.piece_cols(i, s, e)
        code = cols[:, 0]
        is_reg = code == C.REG
        reg_id = cols[:, 1]
        for name, rid in ids.items():
            idx = np.flatnonzero(is_reg & (reg_id == rid))
            if not len(idx):
                continue
            if rid == C.EIP and np.isin(cols[idx, 3], bps).any():
                return None
            first_old.setdefault(name, int(cols[idx[0], 2]))
            last_new[name] = int(cols[idx[-1], 3])
        depth += int(np.count_nonzero(code == C.FRAME_PUSHED)) - int(np.count_nonzero(code == C.FRAME_POPPED))
    entering = first_old.get("eip", anchor["eip"]) if forward else anchor["eip"]
    if entering in bps:
        return None
    if not forward and not _clear_on_summary(log, a, bps):
        # steps a+1..b were read; the eip after step a (if a writes eip itself) must be checked too
        for cols in log.iter_cols(log.offset(a), log.offset(a + 1)):
            w = cols[(cols[:, 0] == C.REG) & (cols[:, 1] == C.EIP)]
            if len(w) and np.isin(w[:, 3], bps).any():
                return None
        if first_old.get("eip", anchor["eip"]) in bps:
            return None
    if forward:
        out = {k: last_new.get(k, anchor[k]) for k in ids}
        out["depth"] = anchor["depth"] + depth
    else:
        out = {k: first_old.get(k, anchor[k]) for k in ids}
        out["depth"] = anchor["depth"] - depth
    return out


def _clear_on_summary(log: EventLog, step: int, bps: np.ndarray) -> bool:
    """Whether the chunk holding ``step`` is known, from its summary alone, never to go to
    a breakpoint (so that step need not be decoded to be checked)."""
    ch = log.chunk_at(step)
    return ch is not None and ch.summary is not None and not np.isin(ch.summary.eips, bps).any()


def _pass_on_summary(log: EventLog, i: int, s: int, e: int, bps: np.ndarray
                     ) -> tuple[tuple[int, ...], tuple[int, ...], int] | bool | None:
    """For a whole chunk not decoded: False if one of its steps went to a breakpoint, else
    (registers at its start, at its end, depth change); None when the chunk must be read."""
    chunks = log.chunks
    if i + 1 >= len(chunks):
        return None
    ch, nxt = chunks[i], chunks[i + 1]
    if s != 0 or e != ch.nevents or ch.summary is None or nxt.summary is None or ch.decoded:
        return None
    if np.isin(ch.summary.eips, bps).any():
        return False
    return ch.summary.regs, nxt.summary.regs, ch.summary.depth


def eip_entering(log: EventLog, step: int) -> int | None:
    """The eip the instruction of ``step`` ran at, from its eip write; None when the step
    wrote no eip (exec's step 0, a fault, or a jump to itself: ask the state then)."""
    if step == 0:
        return None
    cols = log.step(step).cols
    idx = np.flatnonzero((cols[:, 0] == C.REG) & (cols[:, 1] == C.EIP))
    return int(cols[idx[0], 2]) if len(idx) else None


class Pids:
    """Which process each event belongs to: the one the last ``task_switched`` before it
    made current (the first process before any).  Switches are rare, so this reads only
    the chunks that hold them."""

    def __init__(self, log: EventLog) -> None:
        from events.state import FIRST_PID
        self.at = log.find(code_bits(C.TASK_SWITCHED))
        rows = [log.event_cols(int(i), int(i) + 1)[0] for i in self.at.tolist()]
        self.new = np.array([int(r[1]) for r in rows], dtype=np.int64)     # the pid each switch makes current
        self.old = np.array([int(r[2]) for r in rows], dtype=np.int64)     # and the one it leaves
        self.first = FIRST_PID

        forks = log.find(code_bits(C.TASK_FORKED))
        #: child -> (parent, index of its fork event)
        self.born = {int(r[1]): (int(r[2]), int(i)) for i in forks.tolist()
                     for r in log.event_cols(int(i), int(i) + 1)}

    def __call__(self, events: np.ndarray) -> np.ndarray:
        if not len(self.at):
            return np.full(len(events), self.first, dtype=np.int64)
        k = np.searchsorted(self.at, events, side="right") - 1
        return np.where(k >= 0, self.new[np.clip(k, 0, None)], self.first)

    def of(self, events: np.ndarray, pid: int) -> np.ndarray:
        """Which of ``events`` made ``pid``'s memory and registers what they are: its own,
        and before it was forked, its parent's (and so on up), which it started as a copy of."""
        owner = self(events)
        mask = owner == pid
        before = np.iinfo(np.int64).max
        while pid in self.born:
            pid, at = self.born[pid]
            before = min(before, at)
            mask |= (owner == pid) & (events < before)
        return mask


class Write(NamedTuple):
    """One write to a watched place: a register, a memory range, or its page going away."""
    step: int
    what: str                 # "reg", "mem", "unmapped" or "copied" (copy-on-write: old and new are frames)
    address: int              # the register id, or the first byte written inside the range
    size: int                 # bytes written inside the range (registers: 4)
    old: bytes | int
    new: bytes | int
    demand_paged: bool = False   # the write filled a page loaded on first touch


def writes(log: EventLog, reg: int | None = None, lo: int = 0, size: int = 0, upto: int | None = None,
           pid: int | None = None, shared: bool = False) -> list[Write]:
    """Every write to register ``reg``, or to a byte of ``[lo, lo + size)``, oldest first,
    in steps up to ``upto``; with ``pid``, only that process's (each process has its own
    registers, and its own memory at the same addresses).  With ``shared`` (the range is
    shared memory, which fork keeps at the same address), every process's writes to it,
    but only ``pid``'s own mappings and unmappings."""
    last = log.last_step if upto is None else upto
    hi_event = log.offset(last + 1)
    out: list[Write] = []
    owner = Pids(log) if pid is not None else None
    for start, cols in _pieces_touching(log, hi_event, None if reg is not None else (lo, lo + size)):
        if reg is not None:
            mask = (cols[:, 0] == C.REG) & (cols[:, 1] == reg)
        else:
            mask = mem_touch_mask(cols, log.extras, lo, lo + size) & (cols[:, 0] != C.PAGE_MAPPED)
            page = (cols[:, 1].astype(np.int64) >> 12) << 12
            mask |= (cols[:, 0] == C.PAGE_COPIED) & (page < lo + size) & (page + 4096 > lo)
        idx = np.flatnonzero(mask)
        if owner is not None and len(idx):
            keep = owner.of(idx + start, pid)
            if shared:
                keep |= np.isin(cols[idx, 0], (C.MEM1, C.MEM2, C.MEM4, C.MEMN))
            idx = idx[keep]
        if not len(idx):
            continue
        steps = log.step_of_events(idx + start).tolist()
        for i, s in zip(idx.tolist(), steps):
            code, a, b, c, d = (int(x) for x in cols[i])
            if code == C.REG:
                out.append(Write(s, "reg", a, 4, b, c))
            elif code in C.MEM_SIZE_BY_CODE:
                n = C.MEM_SIZE_BY_CODE[code]
                out.append(Write(s, "mem", a, n, b, c))
            elif code == C.MEMN:
                old, new = log.extras[d]
                first, end = max(lo, a) - a, min(lo + size, a + len(new)) - a
                srow = log.step(s).cols
                paged = bool(((srow[:, 0] == C.PAGE_MAPPED) & (srow[:, 1] == ((a + first) & ~0xFFF))).any())
                out.append(Write(s, "mem", a + first, end - first, old[first:end], new[first:end], paged))
            elif code == C.PAGE_UNMAPPED:
                out.append(Write(s, "unmapped", a, 4096, 0, 0))
            elif code == C.PAGE_COPIED:
                out.append(Write(s, "copied", a, 4096, b, c))
    return out


Smash = tuple[str, int, int, int]


def _pieces_touching(log: EventLog, hi: int, span: tuple[int, int] | None) -> Iterator[tuple[int, np.ndarray]]:
    """``(first event index, columns)`` of the events before ``hi``, skipping the chunks not
    yet decoded whose summary says they write no byte of ``span`` (when there is one)."""
    chunks = log.chunks
    for i, s, e in log.pieces(0, hi):
        if i < len(chunks):
            ch = chunks[i]
            if span is not None and ch.summary is not None and not ch.decoded and not ch.summary.may_touch(*span):
                continue
            yield ch.first_event + s, ch.cols[s:e]
        else:
            yield log.sealed_events + s, log.piece_cols(i, s, e)


def smashed_in(cols: np.ndarray, extra: Callable[[int], Any]) -> Smash | None:
    """The last ``ret`` in ``cols`` (whole steps) that did not go where its ``call`` said: a
    frame popped whose return address differs from the eip that step wrote.  As
    (function, pushed, taken, slot); the slot is esp before the ``ret``.  ``extra(d)`` is
    the payload ``d`` (the function's name)."""
    code = cols[:, 0]
    pops = np.flatnonzero(code == C.FRAME_POPPED)
    if not len(pops):
        return None
    is_reg = code == C.REG
    eip_w = np.flatnonzero(is_reg & (cols[:, 1] == C.EIP))
    esp_w = np.flatnonzero(is_reg & (cols[:, 1] == C.ESP))
    if not len(esp_w):
        return None                   # a ret writes esp
    nxt = np.searchsorted(eip_w, pops)
    ok = nxt < len(eip_w)
    pops, nxt = pops[ok], nxt[ok]
    ret = eip_w[nxt] == pops + 1      # the ret's own pop comes right before its eip write
    # ... and follows the ret's own esp write in the same step (esp = the popped slot + 4):
    # frames a longjmp or sigreturn leaves behind are popped with no such write.
    k = np.searchsorted(esp_w, pops) - 1
    prev_eip = np.searchsorted(eip_w, pops) - 1
    has_esp = k >= 0
    kk = np.clip(k, 0, None)
    same_step = has_esp & ((prev_eip < 0) | (esp_w[kk] > eip_w[np.clip(prev_eip, 0, None)]))
    moved = (cols[esp_w[kk], 3].astype(np.int64) - cols[pops, 1].astype(np.int64))
    ret &= same_step & (moved >= 4) & (moved <= 4 + 0xFFFF)
    pops, nxt = pops[ret], nxt[ret]
    bad = np.flatnonzero(cols[eip_w[nxt], 3] != cols[pops, 2])
    if not len(bad):
        return None
    i = int(pops[bad[-1]])
    k = int(np.searchsorted(esp_w, i)) - 1
    slot = int(cols[esp_w[k], 2]) if k >= 0 else 0
    return extra(int(cols[i, 4])), int(cols[i, 2]), int(cols[eip_w[nxt[bad[-1]]], 3]), slot


def smashed_return(log: EventLog, lo: int = 0) -> Smash | None:
    """The last smashed ``ret`` among the events from ``lo`` on (see :func:`smashed_in`)."""
    found = None
    for _start, cols in log.scan(lo, len(log), code_bits(C.FRAME_POPPED)):   # a step never spans two chunks
        found = smashed_in(cols, log.extras.__getitem__) or found
    return found


class SmashWatch:
    """:func:`smashed_return` for a log that keeps no past (``vmdebug run``): fed each chunk
    as it is sealed, then asked about the steps still open."""

    def __init__(self) -> None:
        self.found: Smash | None = None

    def chunk(self, chunk: Any) -> None:
        if chunk.has(code_bits(C.FRAME_POPPED)):
            base, extras = chunk.extras_base, chunk.extras
            self.found = smashed_in(chunk.cols, lambda d: extras[d - base]) or self.found

    def result(self, log: EventLog) -> Smash | None:
        return smashed_return(log, log.sealed_events) or self.found


class Fatal(NamedTuple):
    """The fatal signal a step records."""
    signal: int
    eip: int
    address: int
    access: str               # "read", "write" or "exec"
    si_code: str              # SEGV_MAPERR, SEGV_ACCERR, FPE_INTDIV...
    reason: str


def fatal_at(log: EventLog, step: int) -> Fatal | None:
    """The fatal signal recorded in ``step``, if any."""
    sl = log.step(step)
    for code, a, b, c, d in sl.cols.tolist():
        if code == C.SEGFAULT:
            return Fatal(11, a, b, C.ACCESS_NAMES[c & 15], C.SEGV_CODES[c >> 4], sl.extras[d])
        if code == C.FAULT:
            sicode, reason = sl.extras[d]
            return Fatal(c >> 4, a, b, C.ACCESS_NAMES[c & 15], sicode, reason)
    return None


_OUTPUT = code_bits(C.OUTPUT)


def output_events(log: EventLog, lo: int, hi: int) -> list[tuple[int, Any]]:
    """``(fd, data)`` of every write to a file descriptor among events ``[lo, hi)``, in order
    (only the chunks that hold some are decoded)."""
    out = []
    for i in log.find(_OUTPUT, lo, hi).tolist():
        row = log.event_cols(i, i + 1)[0]
        out.append((int(row[1]), log.extras[int(row[4])]))
    return out


class PageFaults(NamedTuple):
    """The page faults a run took, each answered without I/O (minor faults)."""
    from_file: int      # a frame filled from the program file (text, data)
    zero_filled: int    # a zeroed frame, for a first write to anonymous memory: stack, heap, bss, mmap
    zero_page: int      # the shared zero page mapped read-only, for a first read of anonymous memory
    copied: int         # copy-on-write: a frame of its own for a write to a shared read-only page
    shared: int = 0     # a frame already in memory: the program file's page cache, or shared memory


def page_faults(log: EventLog, upto: int, pid: int | None = None) -> PageFaults:
    """The page faults of steps 1..``upto`` (step 0 is exec, which maps what it writes), of
    process ``pid`` alone when given."""
    if upto < 1:
        return PageFaults(0, 0, 0, 0)
    lo, hi = log.offset(1), log.offset(upto + 1)
    mapped = log.find(code_bits(C.PAGE_MAPPED), lo, hi)
    copies = log.find(code_bits(C.PAGE_COPIED), lo, hi)
    if pid is not None:
        owner = Pids(log)
        mapped, copies = mapped[owner(mapped) == pid], copies[owner(copies) == pid]
    from_file = zero_page = shared = 0
    for i in mapped.tolist():
        row = log.event_cols(i, min(i + 2, hi))
        if row[0, 2] == 0:                     # frame 0: the zero page (vmdebug.machine.kernel)
            zero_page += 1
        elif row[0, 3] & C.PAGE_KEPT:          # a frame already in memory: page cache, shared memory
            shared += 1
        elif len(row) > 1:
            # a fill right after the mapping, at the same page: the page came from the file
            from_file += int(row[1, 0] == C.MEMN and row[1, 1] == row[0, 1])
    return PageFaults(from_file, len(mapped) - from_file - zero_page - shared, zero_page, len(copies), shared)
