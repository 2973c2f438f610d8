"""The timeline: a cursor over the event log and the process state at it.

Every debugger command either moves the cursor or reads the state at it.
The state is kept incrementally: moving by a few steps applies (or reverts)
just those steps' events with :func:`vmdebug.replay.history.apply_range`; a long
jump restores the nearest checkpoint with :meth:`History.state_at`.  Going
back never re-executes anything: it folds the log.

On a live program the log is the process's own and grows on demand: when the
cursor needs a step that was not recorded yet, the process runs further (in
batches, stopping early as soon as it ends or the user presses Ctrl-C).  The
program's output is shown when the cursor first passes the step that wrote
it, so output never runs ahead of the place the user sees.
"""
from __future__ import annotations

from typing import Any, Callable

from events.end import RunEnd
from events.log import DamagedLog, EventLog
from events.state import FoldError, ProcessState
from vmdebug.replay.history import History
from vmdebug.replay.fold import apply_range
from vmdebug.replay.query import output_events
from vmdebug.machine.limits import DEFAULT_MAX_STEPS
from vmdebug.machine.stdin import InputInterrupted, InputWanted

#: Beyond this many steps a jump restores a checkpoint instead of folding the range.
LONG_JUMP = 20_000


class Timeline:
    """Cursor + state over a log; optionally backed by a live :class:`Process`."""

    def __init__(self, log: EventLog, nframes: int, process: Any = None, end: RunEnd | None = None,
                 interval: int = 4096, max_steps: int = DEFAULT_MAX_STEPS,
                 checkpoints: list[Any] | None = None) -> None:
        self.log = log
        self.nframes = nframes
        self.history = History(log, nframes, interval)
        self.process = process
        self._end = end
        self.max_steps = max_steps
        self.cursor = 0
        #: One-line warnings for whoever opened this (stored checkpoints that were refused).
        self.warnings: list[str] = []
        problem = self.history.import_checkpoints(checkpoints) if checkpoints else ""
        if problem:
            self.warnings.append(problem)
        if process is None and log.last_step > 0 and not self.history.checkpoints:
            # A replayed session without stored checkpoints: build every checkpoint now
            # (about 0.15 s per million steps) so that any later jump costs one restore.
            try:
                self.history.build_all()
            except DamagedLog as exc:   # the steps before the damage still replay
                self.warnings.append(str(exc))
        self.state: ProcessState = self.history.state_at(0)
        self.shown_upto = 0
        self.on_output: Callable[[int, bytes], None] | None = None
        self.interrupted = False
        #: A status line for long recording in the REPL (never set under -batch).
        self.progress: Any = None
        #: Recording may wait for the terminal only up to this step: the debugger records
        #: ahead of what a command needs, and the program must not ask for input before the
        #: user's command gets there.  ``input_wanted``: the last recording stopped there.
        self.wait_upto = 0
        self.input_wanted = False
        self.waited = False
        if process is not None:
            stdin = process.stdin
            stdin.may_wait = lambda: self.log.last_step < self.wait_upto
            stdin.interrupted = lambda: self.interrupted
            stdin.before_wait = self._before_input

    def take_warnings(self) -> list[str]:
        """Warnings not yet said: from opening, and from checkpoints refused on first use."""
        out = self.warnings + self.history.warnings
        self.warnings.clear()
        self.history.warnings.clear()
        return out

    # ---- the end of the log ------------------------------------------------------
    @property
    def last(self) -> int:
        return self.log.last_step

    def can_record(self) -> bool:
        p = self.process
        return p is not None and not p.exited and self.log.last_step < self.max_steps

    @property
    def complete(self) -> bool:
        """The log holds the whole run (it ended, or nothing can extend it)."""
        return not self.can_record()

    @property
    def ended(self) -> bool:
        """The recorded run reached its end (exit or fatal signal)."""
        return self.end().ended

    def end(self) -> RunEnd:
        """How the run ended, as far as recorded."""
        p = self.process
        if p is not None:
            if p.deadlock:
                return RunEnd("limit", reason=p.deadlock)
            if not p.exited:
                return RunEnd("limit" if self.log.last_step >= self.max_steps else "running")
            status, signal = p.state.exited or (0, 0)
            return RunEnd("killed", status, signal) if signal else RunEnd("exited", status)
        if self._end:
            return self._end
        from events.session import end_from_log
        return end_from_log(self.log)

    def record(self, n: int) -> int:
        """Run the live process up to ``n`` more steps; returns how many were recorded."""
        p = self.process
        if p is None:
            return 0
        done = 0
        limit = min(n, self.max_steps - self.log.last_step)
        step = p.step
        self.input_wanted = False
        try:
            while done < limit and not p.exited and not self.interrupted:
                step()
                done += 1
        except InputWanted:
            self.input_wanted = True
        except InputInterrupted:
            self.interrupted = True
        if self.progress is not None:
            if self.waited:             # the time spent typing is not recording time
                self.waited = False
                self.progress.restart()
            else:
                self.progress.update(self.log.last_step)
        return done

    def record_all(self, wait: bool = True) -> None:
        """Record the live process to its end (or the step limit / Ctrl-C); without ``wait``,
        only up to a read from the terminal."""
        self.wait_upto = self.max_steps if wait else 0
        while self.can_record() and not self.interrupted:
            self.record(1 << 16)
            if self.input_wanted:
                break

    def ensure(self, step: int, need: int | None = None) -> bool:
        """Make ``step`` recorded if the process can get there; True if it is.  Past ``need``
        (``step`` by default) recording stops before a read from the terminal."""
        self.wait_upto = step if need is None else need
        while step > self.log.last_step and self.can_record() and not self.interrupted:
            self.record(min(step - self.log.last_step, 1 << 16))
            if self.input_wanted:
                break
        return step <= self.log.last_step

    def _before_input(self) -> None:
        """The program waits for the terminal: what it wrote so far is shown (its prompt),
        as the cursor is about to pass those steps anyway."""
        if self.progress is not None:
            self.progress.clear()
            self.waited = True
        last = self.log.last_step
        if last > self.shown_upto:
            self._show_output(self.shown_upto + 1, last)
            self.shown_upto = last

    # ---- moving ------------------------------------------------------------------
    def goto(self, step: int) -> None:
        """Move the cursor to a recorded step (0 <= step <= last)."""
        if not 0 <= step <= self.log.last_step:
            raise IndexError(step)
        cur = self.cursor
        if step == cur:
            return
        try:
            if abs(step - cur) > LONG_JUMP:
                self.state = self.history.state_at(step)
            elif step > cur:
                apply_range(self.state, self.log.steps(cur + 1, step).cols, self.log.extras, True)
            else:
                apply_range(self.state, self.log.steps(step + 1, cur).cols, self.log.extras, False)
        except FoldError as exc:      # events no run can produce (a damaged or forged file)
            self.state = self.history.state_at(cur)   # the cursor stays where its fold succeeded
            lo, hi = sorted((cur, step))
            raise DamagedLog(f"the events of steps {lo + 1}..{hi} cannot be folded ({exc}): "
                             "the session file is damaged") from None
        self.state.touched = set()
        self.cursor = step
        if step > self.shown_upto:
            self._show_output(self.shown_upto + 1, step)
            self.shown_upto = step

    def _show_output(self, a: int, b: int) -> None:
        if self.on_output is None:
            return
        for fd, data in output_events(self.log, self.log.offset(a), self.log.offset(b + 1)):
            self.on_output(fd, data)

    def back_start(self) -> int:
        """The step going backward starts from.

        A fatal signal's step records only the signal: the faulting instruction did not
        run, so its registers equal the step before.  From there, as in gdb, going back
        one instruction means the instruction before the faulting one.
        """
        if self.cursor == self.last and self.cursor > 0 and self.state.fault is not None:
            return self.cursor - 1
        return self.cursor

    def state_at(self, step: int) -> ProcessState:
        """A separate state at ``step`` (the cursor does not move)."""
        if step == self.cursor:
            return self.state
        return self.history.state_at(step)

    def depth(self) -> int:
        return len(self.state.stack)
