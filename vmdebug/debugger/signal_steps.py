"""Stepping at and across a signal's delivery, as gdb 13 does it.

Where gdb stopped for a signal whose handler runs, the signal is passed when the program
resumes.  ``step`` and ``next`` resume with a hardware single step (infrun.c resume_1:
"hardware single-step will stop at the first instruction of the handler"), and the
kernel reports that step at the handler's first instruction (arch/x86/kernel/signal.c
handle_signal -> signal_setup_done(..., stepping) -> ptrace_notify(SIGTRAP)); that pc
starts a new line in a frame that is no subroutine of the one stepped (its caller is the
signal trampoline), so process_event_stop_test stops there and print_stop_event shows
the handler's frame and line.

Going backward, gdb's ``record full`` keeps the signal it passed in the log entry of the
position it was delivered from (record-full.c record_full_message: ``u.end.sigval``), and
a stop of the replay on that entry reports the signal (record_full_wait_1, replay_out:
``status->set_stopped (record_full_list->u.end.sigval)``).  Every single step of
``reverse-stepi``, ``reverse-nexti``, ``reverse-step`` and ``reverse-next`` is such a
stop, so these stop at the signal's stop ("Program received signal ...") when they run
back over its delivery; ``reverse-continue`` and ``reverse-finish`` replay without
stopping at each entry and go past it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from events import codes as C
from events.log import code_bits

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger


def pending_handler(dbg: "Debugger") -> int:
    """The signal the cursor is stopped for when its handler starts next step (0: none)."""
    from vmdebug.debugger.siginfo import starts_handler
    tl = dbg.tl
    stop = dbg.last_stop
    if stop is None or stop.step != tl.cursor or stop.reason != "signal" or tl.cursor >= tl.last:
        return 0
    return stop.signal if starts_handler(dbg, tl.cursor + 1) else 0


def step_into_handler(dbg: "Debugger", announce: bool) -> bool:
    """``step``/``next`` at a stop for a signal whose handler runs: the one step into the
    handler's first instruction, printed with its frame (False: not such a stop)."""
    from vmdebug.debugger.commands.running import report
    from vmdebug.debugger.motion import Stop
    if not pending_handler(dbg):
        return False
    tl = dbg.tl
    tl.goto(tl.cursor + 1)
    if announce:
        report(dbg, Stop(tl.cursor, "done"))
    else:
        from vmdebug.debugger.commands.running import note_stop
        note_stop(dbg, Stop(tl.cursor, "done"))
    return True


def delivered_between(dbg: "Debugger", lo: int, hi: int) -> tuple[int, int] | None:
    """Going back from step ``hi`` to step ``lo``: the last signal delivery run back over,
    as (the step gdb stops at for it, the signal), for a signal gdb stops for (``handle``);
    None when there is none.  A delivery is the step that starts a handler (a frame pushed
    that returns to a restorer); gdb's stop for it is the step before."""
    from vmdebug.debugger.motion import _restorers
    restorers = _restorers(dbg)
    if hi <= lo or not len(restorers) or not dbg.settings.stop_on_signals:
        return None
    log = dbg.tl.log
    found = log.find(code_bits(C.FRAME_PUSHED), log.offset(lo + 1), log.offset(hi + 1))
    if not len(found):
        return None
    steps = log.step_of_events(found)
    for k in range(len(found) - 1, -1, -1):
        i = int(found[k])
        row = log.event_cols(i, i + 1)[0]
        if int(row[2]) not in restorers:
            continue
        s = int(steps[k])
        sig = dbg.tl.history.state_at(s).regs[C.EAX]      # the handler's first argument
        if dbg.settings.signal_stop.get(sig, True):
            return s - 1, sig
    return None


def reverse_signal_stop(dbg: "Debugger", start: int, skip: int | None) -> bool:
    """After a reverse single-stepping command moved the cursor back from step ``start``:
    if it ran back over a signal's delivery, go to that signal's stop and report it as
    gdb's replay does (``skip``: inlined frames hidden, 0 for reverse-stepi).  False when
    there was none."""
    from vmdebug.debugger.commands.running import report
    from vmdebug.debugger.motion import Stop
    tl = dbg.tl
    got = delivered_between(dbg, tl.cursor, start)
    if got is None:
        return False
    step, sig = got
    tl.goto(step)
    report(dbg, Stop(step, "signal", signal=sig), skip=skip)
    return True
