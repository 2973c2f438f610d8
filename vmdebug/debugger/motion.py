"""Moving the cursor: one scan engine for every forward and backward command.

A scan walks windows of steps away from the cursor (recording more of a live
program when it runs out), computes per-step eip, esp and call depth with
numpy (:mod:`vmdebug.replay.query`), and tests, vectorised:

* breakpoints - eip after the step equals a breakpoint address;
* watchpoints - the step wrote a watched byte or register (events), or read
  one (decoded operands, :mod:`.reads`);
* the command's own predicate (a line start in this frame, a return...).

Only the few candidate steps reach Python checks (conditions, whether a
watched value really changed).  Backwards, a watchpoint stops *before* the
writing instruction, as gdb's reverse execution does.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from events.record import Record
from events import codes as C
from events.lazy import unique
from events.log import code_bits
from vmdebug.debugger.reads import REG_FOR_READS, ReadScanner
# Fork notices have a module of their own; commands import them from here too.
from vmdebug.debugger.fork_notices import fork_notices, followed_after, forks_in_order  # noqa: F401
from vmdebug.replay.query import Window, skip_window
from vmdebug.debugger.values import DebugError, Value

if TYPE_CHECKING:
    from vmdebug.debugger.session import Breakpoint, Debugger


class Cols(Record):
    """Per-step columns of one window: value after each step ``steps[i]``."""

    def __init__(self, steps: np.ndarray, eip: np.ndarray, esp: np.ndarray, depth: np.ndarray,
                 line_of: Callable[[np.ndarray], np.ndarray], _line: np.ndarray | None = None) -> None:
        self.steps = steps
        self.eip = eip
        self.esp = esp
        self.depth = depth
        #: The line id of each step's eip (``dbg.lines``), computed when a line motion asks:
        #: a scan for breakpoints never does, and need not build the line index.
        self.line_of = line_of
        self._line = _line

    @property
    def line(self) -> np.ndarray:
        if self._line is None:
            self._line = self.line_of(self.eip)
        return self._line


class Stop(Record):
    def __init__(self, step: int, reason: str, bp: "Breakpoint | None" = None, old: Value | None = None,
                 new: Value | None = None,
                 hits: list[tuple["Breakpoint", Value | None, Value | None]] | None = None,
                 others: list["Breakpoint"] | None = None, signal: int = 0,
                 catch: tuple[str, int] | None = None) -> None:
        self.step = step
        self.reason = reason  # done, bp, watch, catch, end, start, interrupt, limit
        self.bp = bp
        self.old = old
        self.new = new
        #: Every watchpoint that triggered at this step: (watchpoint, old, new), in number order.
        self.hits = hits
        #: Other breakpoints at the same address that were hit too (gdb's bpstat chain).
        self.others = others
        self.signal = signal  # "signal": the signal about to be handled
        self.catch = catch  # "catch": what the catchpoint saw (vmdebug.debugger.catchpoints)


Pred = Callable[[Cols], np.ndarray]
Confirm = Callable[[int, int], bool]   # (step, index in window) -> really stop?

FIRST_WINDOW = 4096
MAX_WINDOW = 1 << 18


def _scanner(dbg: "Debugger") -> ReadScanner:
    sc = dbg.cache.read_scanner
    if sc is None:
        sc = dbg.cache.read_scanner = ReadScanner(lambda a, n: dbg.memory.try_read(a, n)[0])
    return sc


def _bp_addrs(dbg: "Debugger") -> np.ndarray:
    return np.array(sorted({a for b in dbg.breakpoints if b.enabled and b.is_code for a in b.addresses()}),
                    dtype=np.int64)


def _watch_steps(dbg: "Debugger", win: Window, wp: "Breakpoint", cols_prev: dict[str, np.ndarray] | None,
                 prev_eip: np.ndarray | None) -> np.ndarray:
    """Boolean per step of the window: the step may have changed (or read) the watched value."""
    n = win.n
    out = np.zeros(n, dtype=bool)
    if wp.kind in ("hw watchpoint", "acc watchpoint", "read watchpoint"):
        # Writes too for a read watchpoint: x86 cannot trap reads alone, so gdb watches
        # accesses and reports one that left the value as it was (see _check_watch).
        out[win.touching(wp.ranges, wp.regs, accesses_only=wp.kind != "hw watchpoint") - win.a] = True
    if wp.kind in ("read watchpoint", "acc watchpoint") and cols_prev is not None and prev_eip is not None:
        out |= _scanner(dbg).mask(prev_eip, cols_prev, wp.ranges)
    return out


def _series(win: Window, names: tuple[str, ...], base: dict[str, int], before: bool,
            owner: np.ndarray | None) -> dict[str, np.ndarray]:
    out = {name: win.reg(C.REG_IDS[name], base[name], before, owner) for name in names}
    out["depth"] = win.depth(base["depth"], before, owner)
    return out


def _born(win: Window, pid: int, series: dict[int, dict[str, np.ndarray]]) -> dict[str, int]:
    """The registers and call depth of a process forked inside a forward window: its
    parent's at the fork (its stack is a copy), but eax = 0 and the eip its fork event names."""
    base: dict[str, int] = {name: 0 for name in C.REG_NAMES}
    base["depth"] = 0
    at = np.flatnonzero((win.cols[:, 0] == C.TASK_FORKED) & (win.cols[:, 1] == pid))
    if len(at):
        parent, step = int(win.cols[at[0], 2]), int(win.steps[at[0]])
        if parent in series:
            base.update({k: int(v[step - win.a]) for k, v in series[parent].items()})
        base["eip"] = int(win.log.extras[int(win.cols[at[0], 4])][0])
        base["eax"] = 0
    return base


def _window_cols(dbg: "Debugger", win: Window, anchor: dict[str, Any],
                 before: bool) -> tuple[Cols, dict, np.ndarray, np.ndarray, dict[str, Any]]:
    """The followed process's per-step columns, the eip after each step of whichever process
    ran it (breakpoints stop in any process), which steps the followed process ran, and the
    anchor at the window's far edge."""
    need_all = any(b.enabled and b.kind in ("read watchpoint", "acc watchpoint") for b in dbg.breakpoints)
    names = REG_FOR_READS + ("eip",) if need_all else ("eip", "esp")
    procs: dict[int, dict[str, int]] = anchor["procs"]
    pid, follow = anchor["pid"], anchor["follow"]
    child_mode = dbg.settings.follow_fork_mode == "child"
    if len(procs) == 1 and not win.switches:
        series = {pid: _series(win, names, procs[pid], before, None)}
        step_pid = np.full(win.n, pid, dtype=np.int64)
    else:
        ev_pid = win.event_pids(pid, before)
        step_pid = win.step_pids(pid, before)
        series = {}
        for p in sorted(set(procs) | set(unique(ev_pid).tolist())):
            series[p] = _series(win, names, procs.get(p) or _born(win, p, series), before, ev_pid == p)
    if follow not in series:
        follow = pid
    # Whom each step's command follows: with follow-fork-mode child, a fork by the followed
    # process hands it over to the child from the fork's step on (forward only).
    follow_at = np.full(win.n, follow, dtype=np.int64)
    if child_mode and before:
        for child, parent, step in win.forks():
            if parent == int(follow_at[step - win.a]) and child in series:
                follow_at[step - win.a:] = child
    f = {k: v.copy() for k, v in series[follow].items()}
    for p in unique(follow_at).tolist():
        if p != follow:
            m = follow_at == p
            for k in f:
                f[k][m] = series[p][k][m]
    eip_any = f["eip"].copy()
    for p, ser in series.items():
        m = step_pid == p
        eip_any[m] = ser["eip"][m]
    cols = Cols(np.arange(win.a, win.b + 1, dtype=np.int64), f["eip"], f["esp"], f["depth"],
                lambda eips: dbg.lines.ids(eips))
    edge = -1 if before else 0
    nxt = {"pid": int(step_pid[edge]), "follow": int(follow_at[-1]) if before else follow,
           "procs": {p: {k: int(v[edge]) for k, v in ser.items()} for p, ser in series.items()}}
    regs = {k: v for k, v in f.items() if k != "depth"}
    own = step_pid == follow_at
    anywhere = own if dbg.settings.detach_on_fork else np.ones(win.n, dtype=bool)
    return cols, regs, np.where(anywhere, eip_any, -1), own, nxt


def _anchor_from_state(dbg: "Debugger") -> dict[str, Any]:
    """Where a scan starts: every process's registers and call depth at the cursor, which
    process is current, and which one the command follows (the current one: stepping
    stays in the process it started in, as gdb's stepping stays in its thread)."""
    state = dbg.tl.state
    procs = {}
    for pid, (regs, stack) in [(state.pid, (state.regs, state.stack))] + [
            (p, (t[0], t[3])) for p, t in state.tasks.items()]:
        d = {n: regs[C.REG_IDS[n]] for n in REG_FOR_READS + ("eip",)}
        d["depth"] = len(stack)
        procs[pid] = d
    return {"pid": state.pid, "follow": state.pid, "procs": procs}


def _flat(anchor: dict[str, Any]) -> dict[str, int]:
    """The current process's part of an anchor, as skip_window reads it."""
    return anchor["procs"][anchor["pid"]]


def condition_holds(dbg: "Debugger", bp: "Breakpoint", step: int) -> bool:
    """gdb bpstat_check_breakpoint_conditions for a breakpoint or watchpoint that triggered
    at ``step``: its condition (an error in it stops, with gdb's message), then its ignore
    count (an ignored crossing still counts as a hit)."""
    if bp.condition:
        dbg.tl.goto(step)
        dbg.frame_level = 0         # the condition reads the stopping frame, not one `up` chose
        try:
            ok = dbg.truth(bp.condition)
        except DebugError as exc:
            dbg.error(f"Error in testing condition for breakpoint {bp.number}:\n{exc}")
            ok = True
        if not ok:
            return False
    if bp.ignore > 0:
        bp.ignore -= 1
        bp.hits += 1
        return False
    return True


def _check_bp(dbg: "Debugger", step: int, eip: int) -> list["Breakpoint"]:
    """Every breakpoint at ``eip`` that stops here, in number order: all of them are hit
    (gdb bpstat_build_bs_chain), the first one is announced."""
    out = []
    for bp in sorted(dbg.breakpoints, key=lambda b: b.number):
        if not bp.is_code or not bp.enabled or eip not in bp.addresses():
            continue
        if not condition_holds(dbg, bp, step):
            continue
        bp.hits += 1
        if bp.dprintf:
            _dprintf(dbg, bp, step)
            continue
        out.append(bp)
    return out


def _dprintf(dbg: "Debugger", bp: "Breakpoint", step: int) -> None:
    """A dprintf passed at ``step``: its printf there, and the scan goes on (gdb's dprintf
    breakpoint runs ``printf`` then resumes; an error in it is said and does not stop)."""
    from vmdebug.debugger.printf import printf
    dbg.tl.goto(step)
    dbg.frame_level = 0
    try:
        printf(dbg, bp.dprintf)
    except DebugError as exc:
        dbg.error(str(exc))


OUT_OF_SCOPE = "out of scope"


def _watch_frame(dbg: "Debugger", wp: "Breakpoint") -> Any:
    """The frame a scoped watchpoint belongs to at the cursor (None when it is gone)."""
    frames = dbg.frames()
    if wp.scope_cfa is None:
        return frames[0]
    for f in frames:
        if not f.is_inline and f.cfa == wp.scope_cfa and len(dbg.tl.state.stack) - f.real == wp.scope_depth:
            return f
    return None


def _watch_value(dbg: "Debugger", wp: "Breakpoint", step: int) -> Value | str | None:
    """The watched value at ``step`` with its contents (None: unreadable; OUT_OF_SCOPE)."""
    from vmdebug.debugger.evaluate import evaluate, fetch
    dbg.tl.goto(step)
    frame = _watch_frame(dbg, wp)
    if frame is None:
        return OUT_OF_SCOPE
    try:
        from vmdebug.debugger.variables import bind
        ctx = dbg.context(frame)
        bind(dbg, ctx, frame, wp.bound)
        v = evaluate(wp.node, ctx)
        if v.type.strip().kind != "func":
            fetch(ctx, v)
        return v
    except DebugError:
        return None


def _same(a: Value, b: Value) -> bool:
    return a.optimized_out == b.optimized_out and a.data == b.data


def _check_watch(dbg: "Debugger", wp: "Breakpoint", before: int, after: int,
                 read_hit: bool) -> tuple[Any, Any] | None:
    old = _watch_value(dbg, wp, before)
    new = _watch_value(dbg, wp, after)
    if new == OUT_OF_SCOPE:
        return (OUT_OF_SCOPE, OUT_OF_SCOPE) if old != OUT_OF_SCOPE else None
    if old == OUT_OF_SCOPE:
        return None
    changed = (old is None) != (new is None) or (old is not None and new is not None and not _same(old, new))
    if wp.kind == "read watchpoint":
        # gdb on x86 (breakpoint.c bpstat_check_watchpoint, case 2.1): the debug registers
        # trap reads and writes alike, so an access that changed the value was a write and
        # is ignored, and one that kept it - a read, or a write of the same value - stops.
        return (old, new) if read_hit and not changed else None
    if changed:
        return old, new
    if read_hit and wp.kind == "acc watchpoint":
        return old, new
    return None


def scan(dbg: "Debugger", forward: bool, pred: Pred | None = None, confirm: Confirm | None = None,
         use_bps: bool = True, upto: int | None = None) -> Stop:
    """Find where the command stops; moves the cursor there and returns why."""
    held, dbg.held_notices, dbg.fork_hold = dbg.held_notices, [], None
    if not forward:
        return _scan(dbg, forward, pred, confirm, use_bps)
    for line in held:       # a fork catchpoint's fork, followed now the program goes on
        dbg.write(line)
    with forks_in_order(dbg) as said:
        stop = _scan(dbg, forward, pred, confirm, use_bps, upto)
    dbg.forks_said = said
    return stop


def _scan(dbg: "Debugger", forward: bool, pred: Pred | None, confirm: Confirm | None, use_bps: bool,
          upto: int | None = None) -> Stop:
    """``upto``: the last step a forward scan can need (its predicate holds there), so no
    window reads past it (``stepi N``: a damaged step after it is not this command's)."""
    tl = dbg.tl
    dbg.scan_from = (tl.cursor, tl.state.pid, forward)
    bps = _bp_addrs(dbg) if use_bps else np.zeros(0, dtype=np.int64)
    watches = [b for b in dbg.breakpoints if b.enabled and b.is_watch] if use_bps else []
    anchor = _anchor_from_state(dbg)
    # With breakpoints alone (no watchpoints, no stepping rule), windows that cannot hold a
    # stop are skipped on the raw event columns.
    bps_only = pred is None and confirm is None and not watches and not _catching(dbg)
    width = FIRST_WINDOW
    if forward:
        a = tl.cursor + 1
        while True:
            if tl.interrupted:
                tl.goto(a - 1)
                return Stop(a - 1, "interrupt")
            b = a + width - 1
            tl.ensure(b, need=a)      # the window is read ahead: the program asks for input only at a
            b = min(b, tl.last) if upto is None else min(b, tl.last, max(upto, a))
            if a > b:
                tl.goto(tl.last)
                if tl.interrupted:
                    return Stop(tl.last, "interrupt")
                return Stop(tl.last, "end" if tl.ended else "limit")
            hi = _snapped(tl.log, a, b, width, True) if bps_only else b
            if bps_only and len(anchor["procs"]) == 1 and not _may_deliver(dbg, a, hi):
                skipped = skip_window(tl.log, a, hi, bps, _flat(anchor), True)
                if skipped is not None:
                    anchor["procs"][anchor["pid"]].update(skipped)
                    a = hi + 1
                    width = min(width * 4, MAX_WINDOW)
                    continue
                if width > FIRST_WINDOW:  # a stop may be in here: narrow down before examining
                    width //= 4
                    continue
            win = Window(tl.log, a, b)
            start = anchor["procs"].get(anchor["follow"]) or _flat(anchor)
            cols, regs, eip_any, own, anchor = _window_cols(dbg, win, anchor, True)
            prev_regs = {k: np.concatenate(([start[k]], v[:-1])) for k, v in regs.items()}
            stop = _examine(dbg, win, cols, bps, watches, pred, confirm, prev_regs, True, eip_any, own)
            if stop is not None:
                return stop
            a = b + 1
            width = min(width * 4, MAX_WINDOW)
    b = tl.back_start()
    floor = dbg.history_floor
    while True:
        if b <= floor:
            tl.goto(floor)
            return Stop(floor, "start")
        if tl.interrupted:
            tl.goto(b)
            return Stop(b, "interrupt")
        a = max(floor, b - width)
        if bps_only and len(anchor["procs"]) == 1:
            lo = _snapped(tl.log, a, b, width, False)
            skipped = skip_window(tl.log, lo, b, bps, _flat(anchor), False)
            if skipped is not None:
                anchor["procs"][anchor["pid"]].update(skipped)
                b = lo
                width = min(width * 4, MAX_WINDOW)
                continue
            if width > FIRST_WINDOW:  # a stop may be in here: narrow down before examining
                width //= 4
                continue
        win = Window(tl.log, a, b)
        cols, regs, eip_any, own, anchor = _window_cols(dbg, win, anchor, False)
        prev_regs = {k: np.concatenate(([0], v[:-1])) for k, v in regs.items()}
        stop = _examine(dbg, win, cols, bps, watches, pred, confirm, prev_regs, False, eip_any, own)
        if stop is not None:
            if dbg.record_floor is not None and stop.step <= floor:
                # gdb's log starts at `record`: arriving there is the end of the history,
                # even where a breakpoint is (record-full's replay stops before reporting it).
                tl.goto(floor)
                return Stop(floor, "start")
            return stop
        b = a
        width = min(width * 4, MAX_WINDOW)


def _snapped(log: Any, a: int, b: int, width: int, forward: bool) -> int:
    """The far end of a window a scan tries to skip, moved out to a chunk's edge when that
    at most doubles it: a window ending in mid-chunk decodes that chunk only to find where
    a step's events start, and a skipped window needs none decoded.  Forward the window is
    steps ``a..b``; backward it reads steps ``a+1..b`` (and step ``a``'s eip)."""
    if forward:
        ch = log.chunk_at(b)
        end = b if ch is None else ch.first_step + ch.nsteps - 1
        return end if end - a < 2 * width else b
    ch = log.chunk_at(a + 1)
    lo = a if ch is None else ch.first_step - 1
    return lo if 0 <= lo and b - lo <= 2 * width else a


def _restorers(dbg: "Debugger") -> np.ndarray:
    """The libc's signal restorers (__restore, __restore_rt), if the program has them."""
    restorers = dbg.cache.restorers
    if restorers is None:
        found = [dbg.info.lookup(n) for n in ("__restore", "__restore_rt")]
        restorers = dbg.cache.restorers = np.array([s.address for s in found if s is not None], dtype=np.int64)
    return restorers


def _may_deliver(dbg: "Debugger", a: int, b: int) -> bool:
    """Whether a forward scan that stops for signals must examine steps a..b: one of them
    starts a signal handler (a frame pushed that returns to a restorer).  Only a program
    that installs handlers links a restorer, so the others never pay for this."""
    if not dbg.settings.stop_on_signals and not _catching(dbg, "signal"):
        return False
    restorers = _restorers(dbg)
    if not len(restorers):
        return False
    log = dbg.tl.log
    for _start, cols in log.scan(log.offset(a), log.offset(b + 1), code_bits(C.FRAME_PUSHED)):
        pushed = cols[:, 0] == C.FRAME_PUSHED
        if pushed.any() and np.isin(cols[pushed, 2].astype(np.int64), restorers).any():
            return True
    return False


def _deliveries(dbg: "Debugger", win: Window, own: np.ndarray) -> np.ndarray:
    """Steps of the followed process that start a signal handler: a frame pushed whose return
    address is a restorer (the libc's __restore or __restore_rt)."""
    restorers = _restorers(dbg)
    out = np.zeros(win.n, dtype=bool)
    if not len(restorers):
        return out
    cols = win.cols
    hit = (cols[:, 0] == C.FRAME_PUSHED) & np.isin(cols[:, 2].astype(np.int64), restorers)
    if hit.any():
        out[win.steps[hit] - win.a] = True
    return out & own


def _examine(dbg: "Debugger", win: Window, cols: Cols, bps: np.ndarray, watches: list,
             pred: Pred | None, confirm: Confirm | None, prev_regs: dict[str, np.ndarray],
             forward: bool, eip_any: np.ndarray, own: np.ndarray) -> Stop | None:
    """The first stop in the window.  Breakpoints stop in any process; the command's own
    rule and watchpoints (an address means one process's memory) only in the steps of the
    process the command follows (``own``)."""
    tl = dbg.tl
    n = win.n
    catches = _catch_candidates(dbg, win, own, forward)
    if forward and win.a - 1 > tl.cursor and win.a - 1 in catches:
        # the call of the window's first step, at the position before it
        stop = _confirm_catch(dbg, win.a - 1, catches[win.a - 1])
        if stop is not None:
            return stop
    bp_mask = np.isin(eip_any, bps) if len(bps) else np.zeros(n, dtype=bool)
    pred_mask = pred(cols) & own if pred is not None else np.zeros(n, dtype=bool)
    watch_masks = []
    for wp in watches:
        m = _watch_steps(dbg, win, wp, prev_regs, prev_regs.get("eip"))
        if wp.scope_depth is not None:     # the frame of a watched local returns
            m = m | (cols.depth < wp.scope_depth)
        m &= own
        if not forward:  # a change in step s stops at s - 1
            m = np.concatenate((m[1:], [False]))
        watch_masks.append(m)
    any_mask = bp_mask | pred_mask
    for m in watch_masks:
        any_mask = any_mask | m
    # gdb stops when a signal arrives (handle SIG stop), before its handler runs: the step
    # that starts a handler is reported at the step before it.  The one right after the
    # cursor is the signal the last stop reported, now passed to the program.
    sig_steps = _deliveries(dbg, win, own) if forward and (dbg.settings.stop_on_signals or _catching(dbg, "signal")) \
        else np.zeros(n, dtype=bool)
    if forward and win.a == tl.cursor + 1:
        sig_steps[0] = False
    any_mask = any_mask | sig_steps
    for p in catches:
        if win.a <= p <= win.b:
            any_mask[p - win.a] = True
    if not forward:
        any_mask[-1] = False   # the window's last step is the anchor (cursor side)
    idx = np.flatnonzero(any_mask)
    order = idx.tolist() if forward else idx[::-1].tolist()
    for i in order:
        s = win.a + i
        if sig_steps[i]:
            tl.goto(s)
            sig = tl.state.regs[C.EAX]        # the handler's first argument
            if _catching(dbg, "signal"):
                from vmdebug.debugger.catchpoints import signal_catchpoints
                caught = _confirm_catch(dbg, s - 1, [(b, ("signal", sig)) for b in signal_catchpoints(dbg, sig)])
                if caught is not None:
                    return caught
                tl.goto(s)
            if dbg.settings.stop_on_signals and dbg.settings.signal_stop.get(sig, True):
                tl.goto(s - 1)
                return Stop(s - 1, "signal", signal=sig)
            if dbg.settings.stop_on_signals and dbg.settings.signal_print.get(sig, True):
                # handle SIG nostop print: said, passed
                from vmdebug.signals import signal_name, signal_text
                dbg.write("")
                dbg.write(f"Program received signal {signal_name(sig)}, {signal_text(sig)}.")
            if not (bp_mask[i] or pred_mask[i] or any(m[i] for m in watch_masks)):
                continue
        if forward and s == tl.last and tl.ended and s > 0:
            # The last step of a finished run: the end report wins (gdb reports the signal).
            tl.goto(s)
            return Stop(s, "end")
        hits = []
        for wp, m in zip(watches, watch_masks):
            if m[i]:
                # Backwards, "old" is the value the cursor saw (after the write) and "new"
                # the one reverse execution brings back, as gdb reports it.
                before, after = (s - 1, s) if forward else (s + 1, s)
                got = _check_watch(dbg, wp, before, after, read_hit=True)
                if got is not None and (got[0] == OUT_OF_SCOPE or condition_holds(dbg, wp, s)):
                    wp.hits += 1
                    hits.append((wp, got[0], got[1]))
        if hits:
            tl.goto(s)
            hits.sort(key=lambda h: h[0].number)
            return Stop(s, "watch", hits[0][0], hits[0][1], hits[0][2], hits)
        if bp_mask[i]:
            hit = _check_bp(dbg, s, int(eip_any[i]))
            if hit:
                bp = hit[0]
                tl.goto(s)
                return Stop(s, "bp", bp, others=hit[1:])
        if s in catches:
            stop = _confirm_catch(dbg, s, catches[s])
            if stop is not None:
                return stop
        if pred_mask[i] and (confirm is None or confirm(s, i)):
            tl.goto(s)
            return Stop(s, "done")
    return None


def _catching(dbg: "Debugger", kind: str = "") -> bool:
    """An enabled catchpoint (of ``kind``: syscall, fork, vfork, exec, signal)."""
    return any(b.enabled and b.catch is not None and (not kind or b.catch.kind == kind) for b in dbg.breakpoints)


def _catch_candidates(dbg: "Debugger", win: Window, own: np.ndarray, forward: bool) -> dict[int, list[Any]]:
    if not _catching(dbg):
        return {}
    from vmdebug.debugger.catchpoints import candidates
    return candidates(dbg, win, own, forward)


def _confirm_catch(dbg: "Debugger", s: int, hits: list[Any]) -> Stop | None:
    """The first catchpoint of ``hits`` at position ``s`` whose condition holds (gdb's
    bpstat_check_breakpoint_conditions, as for a breakpoint)."""
    for bp, event in hits:
        if event[0] in ("forked", "vforked"):
            dbg.fork_hold = event[1]
        if condition_holds(dbg, bp, s):
            bp.hits += 1
            dbg.tl.goto(s)
            return Stop(s, "catch", bp, catch=event)
        dbg.fork_hold = None
    return None
