"""gdb's notices of forks while the cursor moves forward ("[Detaching after fork from
child process N]", "[Attaching after process N fork to child process M]"...), said when
the fork happens: between the program's output written before it and after it, and,
at a fork catchpoint's stop, at the next resume (infrun.c follow_fork_inferior, with
print-inferior-events on)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator

from events import codes as C
from events.log import code_bits

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger


def fork_notices(dbg: "Debugger", start: int, pid: int, stop: int, said: frozenset[int] = frozenset()) -> list[str]:
    """What gdb says of the forks the followed process made between two steps, going
    forward (infrun.c follow_fork_inferior, with print-inferior-events on); ``said``: the
    children already announced (as the program's output went past their fork)."""
    from vmdebug.replay.query import forks_between
    out: list[str] = []
    for child, parent in forks_between(dbg.tl.log, start, stop):
        lines, pid = _fork_notice(dbg, child, parent, pid)
        if child not in said:
            out.extend(_held(dbg, child, lines))
    return out


def _held(dbg: "Debugger", child: int, lines: list[str]) -> list[str]:
    """The notice of a fork a fork catchpoint stops at waits for the next resume, as gdb
    follows the fork (and says so) only when the program goes on."""
    if child != dbg.fork_hold:
        return lines
    dbg.held_notices.extend(lines)
    return []


def followed_after(dbg: "Debugger", start: int, pid: int, stop: int) -> int:
    """The process a command that started at step ``start`` following ``pid`` follows at
    ``stop``: with follow-fork-mode child, a fork by the followed process hands it over."""
    from vmdebug.replay.query import forks_between
    for child, parent in forks_between(dbg.tl.log, start, stop):
        _lines, pid = _fork_notice(dbg, child, parent, pid)
    return pid


def _fork_notice(dbg: "Debugger", child: int, parent: int, pid: int) -> tuple[list[str], int]:
    """gdb's lines for one fork, and the process followed after it."""
    if parent != pid:
        return [], pid
    n = child - 999
    detach = dbg.settings.detach_on_fork
    if dbg.settings.follow_fork_mode == "child":
        out = [f"[Attaching after process {parent} fork to child process {child}]",
               f"[New inferior {n} (process {child})]"]
        if detach:
            out += [f"[Detaching after fork from parent process {parent}]",
                    f"[Inferior {parent - 999} (process {parent}) detached]"]
        return out, child
    return [f"[Detaching after fork from child process {child}]" if detach else
            f"[New inferior {n} (process {child})]"], pid


@contextmanager
def forks_in_order(dbg: "Debugger") -> Iterator[set[int]]:
    """While a forward scan runs, the program's output and gdb's fork notices come out in
    the order they happened: a move of the cursor past output not shown yet stops at each
    fork on the way, so its notice follows what was written before the fork and precedes
    what was written after (gdb prints it when the fork happens).  Yields the children
    announced, for report not to announce them again."""
    tl = dbg.tl
    said: set[int] = set()
    dbg.exit_said = None
    if tl.on_output is None:
        yield said
        return
    goto = tl.goto
    follow = {"pid": tl.state.pid}
    from events.state import FIRST_PID

    def in_order(step: int) -> None:
        if step > tl.shown_upto:
            log = tl.log
            at = log.find(code_bits(C.TASK_FORKED), log.offset(tl.shown_upto + 1), log.offset(step + 1))
            for ev, f in zip(at.tolist(), log.step_of_events(at).tolist()):
                row = log.event_cols(int(ev), int(ev) + 1)[0]
                lines, follow["pid"] = _fork_notice(dbg, int(row[1]), int(row[2]), follow["pid"])
                lines = _held(dbg, int(row[1]), lines)
                if lines or int(row[1]) == dbg.fork_hold:
                    if f > tl.cursor:
                        goto(f)          # shows the output up to the fork
                    for line in lines:
                        dbg.write(line)
                    said.add(int(row[1]))
            pid = follow["pid"]
            if pid != FIRST_PID and dbg.exit_said is None:
                _child_exit_in_order(dbg, pid, step, goto)
        goto(step)
    tl.goto = in_order                    # type: ignore[method-assign]
    try:
        yield said
    finally:
        del tl.goto


def _child_exit_in_order(dbg: "Debugger", pid: int, step: int, goto: Callable[[int], None]) -> None:
    """A followed child's exit on the way to ``step``: gdb reports it when it happens, before
    what the detached parent writes after it (infrun.c handle_inferior_event,
    TARGET_WAITKIND_EXITED).  A child killed by a signal is left to the stop's report."""
    from vmdebug.debugger.session import exit_text
    from vmdebug.replay.query import exit_of
    tl = dbg.tl
    found = exit_of(tl.log, pid, tl.shown_upto + 1, step)
    if found is None or found[2]:
        return
    at, status, _signal = found
    if at > tl.cursor:
        goto(at)                             # shows the output up to the exit
    dbg.write(f"[Inferior {pid - 999} (process {pid}) {exit_text(status)}]")
    dbg.exit_said = pid
