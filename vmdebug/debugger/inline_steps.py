"""Stepping by source lines where calls were inlined, as gdb 13's infrun.c decides it.

gcc -O2 inlines small functions: their code sits in the caller's frame, in blocks the
DWARF marks DW_TAG_inlined_subroutine, and gdb shows each as a frame of its own.  Where
execution enters such a block, gdb first hides the inlined frames starting there
(inline-frame.c skip_inline_frames), so the stop reads as the call site in the caller;
process_event_stop_test then decides, for ``step`` and ``next``:

* "stepped into inlined function" (part one): back in the frame being stepped with
  inlined calls hidden: ``next`` stops at the call site if it is on another line than the
  one being stepped, else goes on through the inlined body; ``step`` stops, and when the
  call is on the line being stepped it first shows the inlined frame
  (step_into_inline_frame);
* "stepping through inlined function" (part two): in an inlined frame called from the one
  being stepped: ``next`` goes on, ``step`` stops;
* otherwise the line rules: the start of a statement row of another line stops; a row
  that is not a statement is passed over (its line forgotten if the frame changed); a
  line entered mid-row becomes the line being stepped, in the frame it is in
  (set_step_info) - which is how stepping out of an inlined body lands on the rest of
  the caller's line.

The motion stays a scan over columns: :meth:`LineStepper.pred` picks, vectorised, a
superset of the steps where these rules could do anything but "keep going, nothing
changed", and :meth:`LineStepper.confirm` runs the rules on those alone.  A rule that
changes what is being stepped (the frame, the line, the real depth) stops the scan, and
the stepping goes on with a predicate for the new state (``rescan``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from vmdebug.debugger.frames import _inlined_chain, _starts_at
from vmdebug.debugger.motion import Cols

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger
    from vmdebug.debuginfo.symbols import Block, Function


def hidden_at(fn: "Function", pc: int) -> tuple[list["Block"], int]:
    """The inlined blocks holding ``pc`` (innermost first) and how many of them
    skip_inline_frames hides there: those that start at ``pc``, from the innermost out."""
    chain = _inlined_chain(fn.innermost(pc))
    n = 0
    while n < len(chain) and _starts_at(chain[n], pc):
        n += 1
    return chain, n


class InlineMap:
    """One function's inlined blocks by pc, as columns for the scans: for each segment
    between the pcs where a block starts or ends, the innermost inlined block holding it
    (an id; 0: none, the function's own code); for each pc where execution enters inlined
    blocks, the block frame 0 is left in once skip_inline_frames hid them.  A pc inside a
    segment never enters one (the pc before it is in the same blocks: _starts_at)."""

    def __init__(self, fn: "Function") -> None:
        self.fn = fn
        self.blocks: list[Block | None] = [None]
        self.ids: dict[int, int] = {}
        self.parent: list[int] = [0]
        bounds: set[int] = set()

        def walk(b: "Block", outer: int) -> None:
            bounds.update(x for r in b.ranges for x in r)
            if b.entry_pc is not None:
                bounds.add(b.entry_pc)
            here = outer
            if b.inlined is not None and b is not fn:
                here = len(self.blocks)
                self.ids[id(b)] = here
                self.blocks.append(b)
                self.parent.append(outer)
            for child in b.blocks:
                walk(child, here)
        walk(fn, 0)
        starts = sorted(bounds)
        self.starts = np.array(starts, dtype=np.int64)
        inner, after, entry = [], [], []
        for s in starts:
            if not fn.contains(s):
                inner.append(-1)
                after.append(-1)
                entry.append(False)
                continue
            chain, n = hidden_at(fn, s)
            inner.append(self.id_of(chain[0] if chain else None))
            after.append(self.id_of(chain[n] if n < len(chain) else None))
            entry.append(n > 0)
        self.inner_ids = np.array(inner, dtype=np.int64)
        self.after_ids = np.array(after, dtype=np.int64)
        self.entries = np.array(entry, dtype=bool)

    def id_of(self, block: "Block | None") -> int:
        return 0 if block is None else self.ids.get(id(block), -1)

    def classify(self, eips: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per eip: the innermost inlined block's id, the id of frame 0's block after
        skip_inline_frames, and whether inlined calls start there (-1: another function)."""
        if not len(self.starts):
            bad = np.full(len(eips), -1, dtype=np.int64)
            return bad, bad, np.zeros(len(eips), dtype=bool)
        idx = np.searchsorted(self.starts, eips, side="right") - 1
        ok = idx >= 0
        k = np.clip(idx, 0, None)
        inner = np.where(ok, self.inner_ids[k], -1)
        exact = ok & (self.starts[k] == eips)
        after = np.where(exact, self.after_ids[k], inner)
        return inner, after, exact & self.entries[k]

    def inside(self, bid: int) -> np.ndarray:
        """The ids of the inlined blocks nested in block ``bid`` (0: all of them)."""
        out = []
        for k in range(1, len(self.blocks)):
            p = self.parent[k]
            while p != 0 and p != bid:
                p = self.parent[p]
            if p == bid:
                out.append(k)
        return np.array(out, dtype=np.int64)


def inline_map(dbg: "Debugger", fn: "Function") -> InlineMap:
    maps = dbg.cache.inline_maps
    got = maps.get(id(fn))
    if got is None or got.fn is not fn:
        got = maps[id(fn)] = InlineMap(fn)
    return got


class LineStepper:
    """One ``step``/``next``/``until`` as gdb's stepping state: the frame being stepped
    (real depth and inlined block: step_frame_id), the line (current_line, None for
    gdb's line 0), the pc range of the row being stepped (step_range_start/end)."""

    def __init__(self, dbg: "Debugger", into: bool, until: bool, entries: np.ndarray) -> None:
        from vmdebug.debugger.variables import frame_sal
        self.dbg = dbg
        self.into = into
        self.until = until
        self.entries = entries
        lines = dbg.lines
        self.lines = lines
        pc = dbg.pc
        frame0 = dbg.innermost_frame()
        self.depth = len(dbg.tl.state.stack)
        self.block: Block | None = frame0.inline
        self.function: Function | None = frame0.function
        loc, _ = frame_sal(dbg, frame0)         # set_step_frame: find_frame_sal, the call site
        self.line: tuple[str, int] | None = loc
        sal = dbg.info.sal(pc)
        self.range = (sal[2], sal[3]) if sal is not None else (pc, pc + 1)
        if until:
            # until_next_command: from the function's start, no stop going back in a loop
            sym = dbg.info.function_at(pc)
            self.range = (sym.address if sym is not None else pc, self.range[1])
        self.user0 = bool(lines.user[lines.id_of(pc)])
        self.func0 = frame0.func
        self.rescan = False
        self.skip: int | None = None        # inline frames frame 0 hides at the stop
        self.stop_key: tuple[int, Any] | None = None
        self._cols: Cols | None = None
        self._pending_step = 0
        self._pcs: dict[int, tuple[Function | None, list[Block], int]] = {}

    # ---- the rules, step by step ----------------------------------------------------
    def _frame_at(self, pc: int) -> tuple["Function | None", list["Block"], int]:
        got = self._pcs.get(pc)
        if got is None:
            debug = self.dbg.debug
            fn = debug.function_at(pc) if debug is not None else None
            chain, n = hidden_at(fn, pc) if fn is not None else ([], 0)
            got = self._pcs[pc] = (fn, chain, n)
        return got

    def _is_step_frame(self, depth: int, block: "Block | None") -> bool:
        return depth == self.depth and block is self.block

    def _stepped_in_from(self, block: "Block") -> bool:
        """gdb stepped_in_from: the frame being stepped is one the inlined ``block``'s frame
        was called from, within the same real frame."""
        b = block.parent
        while b is not None:
            if self.block is not None and b is self.block:
                return True
            b = b.parent
        return self.block is None

    def _stop(self, depth: int, block: "Block | None", skip: int | None) -> bool:
        self.skip = skip
        self.stop_key = (depth, block)
        return True

    def confirm(self, step: int, i: int) -> bool:
        """process_event_stop_test at one candidate step: True to stop the scan (a stop, or
        a new stepping state: ``rescan``)."""
        cols = self._cols
        assert cols is not None
        pc, depth = int(cols.eip[i]), int(cols.depth[i])
        lines = self.lines
        if depth > self.depth:
            return self._stop(depth, None, None)     # step: entered a function with lines
        lid = int(cols.line[i])
        if lid < 0 or (self.user0 and not lines.user[lid]):
            return False
        if self.range[0] <= pc < self.range[1]:
            return False                             # "stepping inside range"
        fn, chain, n = self._frame_at(pc)
        block = chain[n] if n < len(chain) else None
        if self._is_step_frame(depth, block) and n > 0:
            # "stepped into inlined function": the call site is that of the outermost call hidden
            call = chain[n - 1].inlined
            same = call is not None and self._same_line((call.call_file, call.call_line))
            if self.into:
                return self._stop(depth, chain[n - 1] if same else block, n - 1 if same else n)
            return False if same else self._stop(depth, block, n)
        if block is not None and depth == self.depth and not self._is_step_frame(depth, block) \
                and self._stepped_in_from(block):
            # "stepping through inlined function"
            return False if not self.into else self._stop(depth, block, n)
        sal = self.dbg.info.sal(pc)
        if sal is None:
            return False
        key, start, end = (sal[0], sal[1]), sal[2], sal[3]
        if pc == start and not self._same_line(key):
            if lines.at_stmt(np.array([pc], dtype=np.int64))[0]:
                return self._stop(depth, block, n)   # "stepped to a different line"
            self.range = (start, end)
            if self._is_step_frame(depth, block):
                return self._ranged()                # a row that is no statement: passed over
            return self._refresh(depth, block, None, fn)
        returned = depth < self.depth
        self.range = (start, end)
        if returned and self._jumped_out():
            return self._stop(depth, block, n)
        if self._is_step_frame(depth, block) and self._same_line(key):
            return self._ranged()
        return self._refresh(depth, block, key, fn)

    def _refresh(self, depth: int, block: "Block | None", line: tuple[str, int] | None,
                 fn: "Function | None") -> bool:
        """set_step_info: step on from this frame and line (a rescan with the new state)."""
        self.depth, self.block, self.line, self.function = depth, block, line, fn
        self.rescan = True
        return True

    def _ranged(self) -> bool:
        """A new step range alone: ``until``'s predicate leaves its range out, so it rescans."""
        self.rescan = self.until
        return self.until

    def _same_line(self, key: tuple[str, int] | None) -> bool:
        if key is None or self.line is None:
            return False
        return key[1] == self.line[1] and _same_file(key[0], self.line[0])

    def _jumped_out(self) -> bool:
        """The step left its frames by a jump, not a return: longjmp landing at its setjmp,
        where gdb stops (its longjmp breakpoint), mid-line, rather than step on."""
        from vmdebug.isa.decoder import DecodeError, decode
        from vmdebug.replay.query import step_start_eip
        eip = step_start_eip(self.dbg.tl.log, self._pending_step)
        if eip is None:
            return False
        data, _ = self.dbg.memory.try_read(eip, 15)
        try:
            return data is not None and decode(data, eip).mnemonic == "jmp"
        except DecodeError:
            return False

    # ---- the vectorised superset ------------------------------------------------------
    def pred(self, c: Cols) -> np.ndarray:
        self._cols = c
        lines = self.lines
        d, eip, line = c.depth, c.eip, c.line
        D = self.depth
        back = (d < D) & (line >= 0)
        if self.user0:
            back &= lines.is_user(line)
        m = back
        if self.into and len(self.entries):
            m = m | ((d > D) & np.isin(eip, self.entries))
        same = (d == D) & (line >= 0)
        if self.user0:
            same &= lines.is_user(line)
        imap = inline_map(self.dbg, self.function) if self.function is not None else None
        if imap is not None:
            inner, after, entry = imap.classify(eip)
            bid = imap.id_of(self.block)
        else:
            inner = after = np.zeros(len(eip), dtype=np.int64)
            entry = np.zeros(len(eip), dtype=bool)
            bid = 0
        cur = self._line_id()
        interesting = (inner < 0) | entry | (after != bid) | (line != cur)
        if not self.into and imap is not None:
            interesting &= ~np.isin(after, imap.inside(bid))     # "stepping through": next goes on
        rows = lines.row_starts(eip)
        repeat = np.zeros(len(eip), dtype=bool)
        repeat[1:] = (rows[1:] == rows[:-1]) & (inner[1:] == inner[:-1]) & (d[1:] == d[:-1])
        repeat &= ~entry
        if self.until:          # the loop's code before the line: not even a candidate
            interesting &= ~((eip >= self.range[0]) & (eip < self.range[1]))
        return m | (same & interesting & ~repeat)

    def _line_id(self) -> int:
        """The line id (dbg.lines) of the line being stepped; -2 for none."""
        if self.line is None:
            return -2
        lines = self.lines
        got = lines.ids_of_keys.get(self.line)
        if got is None:
            got = next((k for k, key in enumerate(lines.keys) if key[1] == self.line[1]
                        and _same_file(key[0], self.line[0])), -2)
        return got

    def run(self) -> Any:
        """Scan to the stop; the stop (motion.Stop)."""
        from vmdebug.debugger.motion import scan
        while True:
            self.rescan = False
            stop = scan(self.dbg, True, self.pred, self._confirm)
            if stop.reason != "done" or not self.rescan:
                return stop

    def _confirm(self, step: int, i: int) -> bool:
        self._pending_step = step
        return self.confirm(step, i)

    def src_only(self) -> bool:
        """print_stop_event's SRC_LINE: the stop is in the frame being stepped (as the
        last set_step_info left it) and in the function the command started in."""
        dbg = self.dbg
        return self.stop_key == (self.depth, self.block) and dbg.innermost_frame().func == self.func0


def step_into_hidden(dbg: "Debugger", announce: bool) -> bool:
    """``step`` where frame 0 hides inlined calls starting at the pc: gdb's prepare_one_step
    shows the outermost of them (step_into_inline_frame) and counts that as the step,
    without running; the stop is printed as any other (print_stop_event, frame and line)."""
    from vmdebug.debugger.commands.running import report
    from vmdebug.debugger.motion import Stop
    frame0 = dbg.innermost_frame()
    if frame0.skipped_inline is None or frame0.function is None:
        return False
    chain, _n = hidden_at(frame0.function, dbg.pc)
    shown = next((k for k, b in enumerate(chain) if b is frame0.inline), len(chain))
    if shown == 0:
        return False
    step = dbg.tl.cursor
    dbg.inline_skip = (step, shown - 1)
    if announce:
        # Nothing ran: at a stop for a signal the thread's stop is still that signal, and
        # print_stop_event says it again (normal_stop -> print_signal_received_reason).
        last = dbg.last_stop
        again = last is not None and last.step == step and last.reason == "signal"
        report(dbg, Stop(step, "signal", signal=last.signal) if again and last is not None else Stop(step, "done"),
               skip=shown - 1)
    return True


def _same_file(a: str, b: str) -> bool:
    import os
    return a == b or os.path.basename(a) == os.path.basename(b)
