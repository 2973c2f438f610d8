"""gdb's catchpoints on a recorded run: ``catch syscall``, ``catch fork``, ``catch vfork``,
``catch exec``, ``catch signal`` and their ``tcatch`` forms (gdb/break-catch-syscall.c,
break-catch-fork.c, break-catch-sig.c).

A system call is one step here: the ``int $0x80`` and everything the kernel did for it.
gdb stops twice for a caught call, on the way in and on the way out (ptrace's
PTRACE_SYSCALL stops).  Here the call stop is the state before that step (the next
instruction is the ``int $0x80``, and eax still holds the call's number where Linux's
ptrace would show -ENOSYS) and the return stop the state after it (eax holds the result):
both states the run really had, none made up.  ``exit`` and ``exit_group`` have no return.
A fork stops after the step that made the child, in the parent (gdb's fork event).
Catchpoints stop going backward too, in reverse order: the return, then the call (gdb's
record-full, replaying, reports none).  The program cannot exec (execve is not
simulated), so ``catch exec`` is accepted and never stops.  A signal catchpoint stops
where gdb reports the signal: before a handler runs (whatever ``handle`` says) or where a
signal kills the program; a signal the program ignores, and a handled one whose handler
vmdebug cannot see start (a frame returning to the libc's restorer), are not caught.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from events import codes as C
from events.record import Record
from vmdebug.debugger.registry import command
from vmdebug.debugger.values import DebugError
from vmdebug.machine.syscall_names import BY_NAME, BY_NUMBER, GROUPS

if TYPE_CHECKING:
    from vmdebug.debugger.motion import Stop
    from vmdebug.debugger.session import Breakpoint, Debugger
    from vmdebug.replay.query import Window

FORK, VFORK = BY_NAME["fork"], BY_NAME["vfork"]
NO_RETURN = frozenset({BY_NAME["exit"], BY_NAME["exit_group"]})


class Catch(Record):
    """What a catchpoint catches: ``kind`` syscall, fork, vfork, exec or signal."""

    def __init__(self, kind: str, numbers: tuple[int, ...] = (), everything: bool = False) -> None:
        self.kind = kind
        self.numbers = numbers  # syscall or signal numbers, in the order typed (empty: any)
        self.everything = everything    # catch signal all
        self.child = 0          # the last process a fork catchpoint saw made (info breakpoints)


def _quoted(number: int) -> str:
    name = BY_NUMBER.get(number)
    return f" '{name}' [{number}]" if name is not None else f" {number}"


def mention(bp: "Breakpoint") -> str:
    """breakpoint.c's print_mention_catch_*: what ``catch`` says it made."""
    c = bp.catch
    if c.kind == "signal":
        from vmdebug.signals import signal_name
        if c.numbers:
            head = "signals" if len(c.numbers) > 1 else "signal"
            return f"Catchpoint {bp.number} ({head} {' '.join(signal_name(n) for n in c.numbers)})"
        return f"Catchpoint {bp.number} ({'any signal' if c.everything else 'standard signals'})"
    if c.kind != "syscall":
        return f"Catchpoint {bp.number} ({c.kind})"
    if not c.numbers:
        return f"Catchpoint {bp.number} (any syscall)"
    head = "syscalls" if len(c.numbers) > 1 else "syscall"
    return f"Catchpoint {bp.number} ({head}{''.join(_quoted(n) for n in c.numbers)})"


def what(bp: "Breakpoint") -> str:
    """The What column of ``info breakpoints`` (print_one_catch_*)."""
    c = bp.catch
    if c.kind == "signal":
        from vmdebug.signals import signal_name
        names = " ".join(signal_name(n) for n in c.numbers) or (
            "<any signal>" if c.everything else "<standard signals>")
        return f'{"signals" if len(c.numbers) > 1 else "signal"} "{names}" '
    if c.kind == "syscall":
        names = ", ".join(BY_NUMBER.get(n, str(n)) for n in c.numbers) or "<any syscall>"
        return f'{"syscalls" if len(c.numbers) > 1 else "syscall"} "{names}" '
    if c.kind in ("fork", "vfork") and c.child:
        return f"{c.kind}, process {c.child} "
    return c.kind


def _syscall_numbers(words: list[str]) -> tuple[int, ...]:
    """break-catch-syscall.c catch_syscall_split_args: numbers, names and groups."""
    out: list[int] = []
    for w in words:
        if w.isdigit():
            out.append(int(w))
        elif w.startswith(("group:", "g:")):
            group = w.partition(":")[2]
            if group not in GROUPS:
                raise DebugError(f"Unknown syscall group '{group}'.")
            out.extend(GROUPS[group])
        elif w in BY_NAME:
            out.append(BY_NAME[w])
        else:
            raise DebugError(f"Unknown syscall name '{w}'.")
    return tuple(out)


def _add(dbg: "Debugger", catch: Catch, temporary: bool) -> None:
    from vmdebug.debugger.commands.breakpoints import new_number
    from vmdebug.debugger.session import Breakpoint
    bp = Breakpoint(new_number(dbg), "catchpoint", temporary=temporary)
    bp.catch = catch
    dbg.breakpoints.append(bp)
    dbg.write(mention(bp))


def _catch_syscall(dbg: "Debugger", arg: str, temporary: bool) -> None:
    _add(dbg, Catch("syscall", _syscall_numbers(arg.split())), temporary)


def _catch_event(dbg: "Debugger", kind: str, arg: str, temporary: bool) -> None:
    if arg.strip():             # break-catch-fork.c: only an "if" condition may follow
        raise DebugError("Junk at end of arguments.")
    _add(dbg, Catch(kind), temporary)


@command("catch syscall", category="breakpoints", example="write")
def cmd_catch_syscall(dbg: "Debugger", arg: str) -> None:
    """Stop at system calls (all of them, or those named, numbered or grouped: group:memory),
    before the call and after it; going backward too.

    Usage: catch syscall [NAME | NUMBER | group:GROUP]..."""
    _catch_syscall(dbg, arg, False)


@command("tcatch syscall", category="breakpoints", example="brk")
def cmd_tcatch_syscall(dbg: "Debugger", arg: str) -> None:
    """catch syscall, deleted after its first stop.

    Usage: tcatch syscall [NAME | NUMBER | group:GROUP]..."""
    _catch_syscall(dbg, arg, True)


def _signals(arg: str) -> tuple[tuple[int, ...], bool]:
    """break-catch-sig.c catch_signal_split_args: names, numbers 1-15, or ``all``."""
    from vmdebug.signals import SIGNAL_NUMBERS
    words = arg.split()
    if "all" in words:
        if words != ["all"]:
            raise DebugError("'all' cannot be caught with other signals")
        return (), True
    out = []
    for w in words:
        try:
            n = int(w, 0)
        except ValueError:
            if w not in SIGNAL_NUMBERS:
                raise DebugError(f"Unknown signal name '{w}'.") from None
            out.append(SIGNAL_NUMBERS[w])
            continue
        if not 1 <= n <= 15:
            raise DebugError('Only signals 1-15 are valid as numeric signals.\n'
                             'Use "info signals" for a list of symbolic signals.')
        out.append(n)
    return tuple(out), False


@command("catch signal", category="breakpoints", example="SIGSEGV")
def cmd_catch_signal(dbg: "Debugger", arg: str) -> None:
    """Stop when a signal reaches the program, before it is handled (also one the program
    does not stop for with handle ... nostop), or one that kills it: those named, all but
    SIGTRAP and SIGINT without a name, every one with "all".

    Usage: catch signal [SIGNAL... | all]"""
    numbers, everything = _signals(arg)
    _add(dbg, Catch("signal", numbers, everything), False)


@command("tcatch signal", category="breakpoints", example="SIGSEGV")
def cmd_tcatch_signal(dbg: "Debugger", arg: str) -> None:
    """catch signal, deleted after its first stop.

    Usage: tcatch signal [SIGNAL... | all]"""
    numbers, everything = _signals(arg)
    _add(dbg, Catch("signal", numbers, everything), True)


def signal_catchpoints(dbg: "Debugger", sig: int) -> list["Breakpoint"]:
    """The enabled catchpoints that catch ``sig`` (signal_catchpoint_breakpoint_hit: without
    names, every signal but gdb's own SIGTRAP and SIGINT)."""
    from vmdebug.signals import SIGTRAP
    out = []
    for b in dbg.breakpoints:
        c = b.catch
        if b.enabled and c is not None and c.kind == "signal" and (
                sig in c.numbers if c.numbers else c.everything or sig not in (SIGTRAP, 2)):
            out.append(b)
    return sorted(out, key=lambda b: b.number)


@command("catch fork", category="breakpoints")
def cmd_catch_fork(dbg: "Debugger", arg: str) -> None:
    """Stop when the program forks (in the parent, after the child is made).

    Usage: catch fork"""
    _catch_event(dbg, "fork", arg, False)


@command("tcatch fork", category="breakpoints")
def cmd_tcatch_fork(dbg: "Debugger", arg: str) -> None:
    """catch fork, deleted after its first stop.

    Usage: tcatch fork"""
    _catch_event(dbg, "fork", arg, True)


@command("catch vfork", category="breakpoints")
def cmd_catch_vfork(dbg: "Debugger", arg: str) -> None:
    """Stop when the program calls vfork (in the parent, after the child is made).

    Usage: catch vfork"""
    _catch_event(dbg, "vfork", arg, False)


@command("tcatch vfork", category="breakpoints")
def cmd_tcatch_vfork(dbg: "Debugger", arg: str) -> None:
    """catch vfork, deleted after its first stop.

    Usage: tcatch vfork"""
    _catch_event(dbg, "vfork", arg, True)


@command("catch exec", category="breakpoints")
def cmd_catch_exec(dbg: "Debugger", arg: str) -> None:
    """Stop when the program calls exec (never: the simulated kernel has no execve).

    Usage: catch exec"""
    _catch_event(dbg, "exec", arg, False)


@command("tcatch exec", category="breakpoints")
def cmd_tcatch_exec(dbg: "Debugger", arg: str) -> None:
    """catch exec, deleted after its first stop.

    Usage: tcatch exec"""
    _catch_event(dbg, "exec", arg, True)


# ---- where they stop ------------------------------------------------------------------------
Hit = tuple["Breakpoint", tuple[str, int]]      # (catchpoint, (what happened, number or pid))


def candidates(dbg: "Debugger", win: "Window", own: np.ndarray, forward: bool) -> dict[int, list[Hit]]:
    """Where the enabled catchpoints may stop, by cursor position, from the events of the
    window's steps ``win.a..win.b`` run by the followed process (``own``): a call at the
    position before its step, its return (or a fork) at the step's own.  The scan tests
    the positions it examines; forward, the call of step ``win.a`` sits at ``win.a - 1``,
    before the window."""
    catches = [b for b in dbg.breakpoints if b.enabled and b.kind == "catchpoint"]
    out: dict[int, list[Hit]] = {}
    if not catches:
        return out
    cols = win.cols
    calls = cols[:, 0] == C.SYSCALL
    if not calls.any():
        return out
    steps = win.steps[calls]
    numbers = cols[calls, 1].astype(np.int64)
    forks = {int(s): int(child) for s, child in zip(win.steps[cols[:, 0] == C.TASK_FORKED],
                                                   cols[cols[:, 0] == C.TASK_FORKED, 1])}
    for s, n in zip(steps.tolist(), numbers.tolist()):
        if not own[s - win.a]:
            continue
        for bp in catches:
            c = bp.catch
            if c.kind == "syscall" and (not c.numbers or n in c.numbers):
                out.setdefault(s - 1, []).append((bp, ("call", n)))
                if n not in NO_RETURN:
                    out.setdefault(s, []).append((bp, ("returned", n)))
            elif c.kind in ("fork", "vfork") and s in forks and n == (FORK if c.kind == "fork" else VFORK):
                out.setdefault(s, []).append((bp, (c.kind + "ed", forks[s])))
    # At one place a return (or fork) is reported before the call that follows it.
    for hits in out.values():
        hits.sort(key=lambda h: (h[1][0] == "call", h[0].number))
    return out


def report(dbg: "Debugger", bp: "Breakpoint", event: tuple[str, int]) -> None:
    """print_it_catch_syscall / print_it_catch_fork: the stop's first line."""
    head = "Temporary catchpoint" if bp.temporary else "Catchpoint"
    happened, value = event
    if happened == "signal":            # print_it_catch_signal: no "Temporary" form
        from vmdebug.signals import signal_name
        head, detail = "Catchpoint", f"signal {signal_name(value)}"
    elif happened in ("call", "returned"):
        verb = "call to" if happened == "call" else "returned from"
        detail = f"{verb} syscall {BY_NUMBER.get(value, value)}"
    else:
        bp.catch.child = value
        detail = f"{happened} process {value}"
    frame = dbg.frames()[0]
    dbg.write("")
    dbg.write(f"{head} {bp.number} ({detail}), {dbg.frame_line(frame)}")
    line = dbg.frame_source_line(frame)
    if line is not None:
        dbg.write(line)


def fatal_catch(dbg: "Debugger", stop: "Stop") -> "Stop":
    """The stop at a signal that kills the program, as a signal catchpoint reports it when
    one catches the signal and its condition holds; else ``stop`` as it is."""
    from vmdebug.debugger.motion import Stop, condition_holds
    sig = dbg.tl.end().signal
    for bp in signal_catchpoints(dbg, sig):
        if condition_holds(dbg, bp, stop.step):
            bp.hits += 1
            return Stop(stop.step, "catch", bp, catch=("signal", sig))
    return stop
