"""Running forward: gdb's run, continue, step, next, finish..., and how a stop is reported
(the reverses are in :mod:`.backward`, signal handling in :mod:`.signal_handling`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from events.log import DamagedLog
from vmdebug.debugger.frames import frame_number
from vmdebug.debugger.motion import Cols, Stop, scan
from vmdebug.debugger.registry import command
from vmdebug.debugger.values import DebugError
from vmdebug.signals import signal_name, signal_text

SIGINT = 2

if TYPE_CHECKING:
    from vmdebug.debugger.frames import Frame
    from vmdebug.debugger.session import Breakpoint, Debugger

def step_count(dbg: "Debugger", arg: str) -> int:
    """The N of ``step N``-like commands.  gdb steps zero times for N <= 0 and just
    reports where the program is (a normal stop that did not move)."""
    n = _count(dbg, arg)
    if n <= 0:
        dbg.frame_level = 0
        dbg.print_location(True)
    return n


def _count(dbg: "Debugger", arg: str) -> int:
    """A repeat count, signed as gdb's parse_and_eval_long reads it."""
    if not arg:
        return 1
    return dbg.eval_long(arg)


def _check_can_go_forward(dbg: "Debugger") -> None:
    tl = dbg.tl
    if dbg.gone:
        raise DebugError("The program is not being run.")
    if tl.cursor < tl.last or tl.can_record():
        return
    end = tl.end()
    if end.how == "killed":
        sig = end.signal
        dbg.gone_at = tl.cursor         # gdb: the signal killed it; now there is no process
        dbg.exit_vars = {"_exitsignal": sig}
        raise DebugError(f"\nProgram terminated with signal {signal_name(sig)}, {signal_text(sig)}.\n"
                         "The program no longer exists.")
    if end.how == "exited":
        raise DebugError("The program is not being run.")
    raise DebugError(f"No more recorded history: the recording stopped here ({end.how}).")


def note_stop(dbg: "Debugger", stop: Stop) -> None:
    """Keep why the cursor stopped here, as gdb's thread keeps its stop_step, stop_bpstat
    and stop_signal (info program, $_siginfo)."""
    from vmdebug.debugger.session import LastStop
    hit = tuple(b for b, _, _ in stop.hits) if stop.hits else \
        tuple(b for b in [stop.bp, *(stop.others or [])] if b is not None)
    dbg.last_stop = LastStop(dbg.tl.cursor, stop.reason, dbg.last_command, hit,
                             stop.signal or (SIGINT if stop.reason == "interrupt" else 0))


def _ended_inferior(dbg: "Debugger", scan_from: tuple[int, int, bool] | None, step: int) -> str | None:
    """gdb's exit notice at the end of the recording: of the process the command followed.
    Following a child (follow-fork-mode child), that is the child's exit, which gdb reports
    while the detached parent runs on (infrun.c handle_inferior_event, TARGET_WAITKIND_EXITED
    for inferior 2), not the parent's, which ends the recording.  None if the scan already
    said it, where the output went past the child's exit (fork_notices.forks_in_order)."""
    from events.state import FIRST_PID as PID
    followed = PID
    if scan_from is not None and scan_from[2]:
        from vmdebug.debugger.fork_notices import followed_after
        followed = followed_after(dbg, scan_from[0], scan_from[1], step)
    if followed != PID and followed == dbg.exit_said:
        return None
    task = dbg.tl.state.tasks.get(followed) if followed != PID else None
    exited = task[5] if task is not None else None
    if exited is None or exited[1]:         # the parent's end, or a child killed by a signal
        return f"Inferior 1 (process {PID}) {dbg.end_text()}"
    from vmdebug.debugger.session import exit_text
    return f"Inferior {followed - PID + 1} (process {followed}) {exit_text(exited[0])}"


def report(dbg: "Debugger", stop: Stop, src_only: bool = False, skip: int | None = None) -> None:
    """Print why the cursor stopped, as gdb's normal_stop / print_stop_event do; ``skip``:
    how many inlined calls starting here frame 0 hides (Debugger.inline_skip), None for
    all of them (skip_inline_frames)."""
    tl = dbg.tl
    dbg.frame_level = 0
    dbg.bp_stop = None
    if stop.reason == "end" and tl.end().how == "killed":
        from vmdebug.debugger.catchpoints import fatal_catch
        stop = fatal_catch(dbg, stop)
    dbg.inline_skip = (stop.step, skip) if skip is not None else None
    if stop.reason == "catch" and stop.catch is not None and stop.catch[0] != "signal":
        # infrun.c: only a signal stop (a breakpoint, a step, a signal) calls
        # skip_inline_frames; a syscall or fork event shows the inlined calls at the pc.
        dbg.inline_skip = (stop.step, 0)
    dbg.gone_at = None
    note_stop(dbg, stop)
    scan_from = dbg.scan_from
    if scan_from is not None and scan_from[2] and stop.step > scan_from[0]:
        from vmdebug.debugger.fork_notices import fork_notices
        for line in fork_notices(dbg, scan_from[0], scan_from[1], stop.step, frozenset(dbg.forks_said)):
            dbg.write(line)
    dbg.scan_from = None
    dbg.forks_said = set()
    if tl.state.pid != dbg.shown_pid and stop.reason != "end":
        dbg.write(f"[Switching to process {tl.state.pid}]")     # gdb's switch_to_thread notice
    dbg.shown_pid = tl.state.pid
    if stop.reason == "bp" and stop.bp is not None:
        # What gdb's skip_inline_frames asks of the bpstat chain: the function symbol of
        # each user breakpoint location hit (None: a bare address, which never skips).
        pc = dbg.pc
        hit = [stop.bp, *(stop.others or [])]
        dbg.bp_stop = (stop.step, tuple(getattr(b.location_at(pc), "symbol", None) for b in hit))
    if stop.reason == "end":
        end = tl.end()
        if end.how == "killed":
            sig = end.signal
            dbg.write("")
            dbg.write(f"Program received signal {signal_name(sig)}, {signal_text(sig)}.")
            dbg.print_location(True)
            if dbg.interactive:     # at a terminal, what `vmdebug run` would have noted too
                from vmdebug.debugger.views.explain import end_notes
                for note in end_notes(dbg):
                    dbg.write(f"note: {note}")
        else:
            notice = _ended_inferior(dbg, scan_from, stop.step)
            if notice is not None:
                dbg.write(f"[{notice}]")
            dbg.exit_said = None
            dbg.gone_at = stop.step
            if end.how == "exited":
                dbg.exit_vars = {"_exitcode": end.status & 0xFF}
            dbg.after_stop(displays=False)      # gdb shows no display once the process is gone
            return
    elif stop.reason == "start":
        dbg.write("")
        dbg.write("No more reverse-execution history.")
        dbg.print_location(True)
    elif stop.reason == "signal":
        dbg.write("")
        dbg.write(f"Program received signal {signal_name(stop.signal)}, {signal_text(stop.signal)}.")
        dbg.print_location(True)
    elif stop.reason == "interrupt":
        tl.interrupted = False
        dbg.write("")
        dbg.write("Program received signal SIGINT, Interrupt.")
        dbg.print_location(True)
    elif stop.reason == "limit":
        why = tl.end().reason
        if why.startswith("deadlock"):
            dbg.write(f"vmdebug: the recording stopped at step {tl.last}: {why}")
        else:
            dbg.write(f"vmdebug: the recording stopped at step {tl.last} (--max-steps); "
                      "the program may be stuck in a loop")
        dbg.print_location(True)
    elif stop.reason == "bp" and stop.bp is not None:
        bp = stop.bp
        if all(b.commands[:1] == ["silent"] for b in [bp, *(stop.others or [])]):
            # gdb: a stop all of whose breakpoints are silent prints nothing, displays
            # included (bpstat_what's BPSTAT_WHAT_STOP_SILENT clears stop_print_frame).
            _after_hit(dbg, [bp, *(stop.others or [])])
            return
        dbg.write("")
        head = "Temporary breakpoint" if bp.temporary else "Breakpoint"
        frame = dbg.frames()[0]
        # gdb print_num_locno: "N.M" names the location hit when there are several.
        loc = bp.location_at(dbg.pc)
        num = f"{bp.number}.{bp.locations.index(loc) + 1}" if loc is not None and len(bp.locations) > 1 \
            else str(bp.number)
        if not bp.temporary:            # gdb 13's $_hit_bpnum and $_hit_locno
            from vmdebug.debugger.evaluate import make_int
            from vmdebug.debuginfo import ctype as T
            dbg.convenience["_hit_bpnum"] = make_int(T.INT, bp.number)
            dbg.convenience["_hit_locno"] = make_int(
                T.INT, bp.locations.index(loc) + 1 if loc is not None and loc in bp.locations else 1)
        dbg.write(f"{head} {num}, {dbg.frame_line(frame)}")
        line = dbg.frame_source_line(frame)
        if line is not None:
            dbg.write(line)
        _after_hit(dbg, [bp, *(stop.others or [])])
    elif stop.reason == "catch" and stop.bp is not None and stop.catch is not None:
        from vmdebug.debugger.catchpoints import report as report_catch
        if stop.bp.commands[:1] != ["silent"]:
            report_catch(dbg, stop.bp, stop.catch)
        _after_hit(dbg, [stop.bp])
    elif stop.reason == "watch" and stop.bp is not None:
        from vmdebug.debugger.commands.breakpoints import watch_title
        from vmdebug.debugger.motion import OUT_OF_SCOPE
        for wp, old_v, new_v in stop.hits or [(stop.bp, stop.old, stop.new)]:
            dbg.write("")
            if new_v == OUT_OF_SCOPE:
                # gdb watchpoint_check: the frame of the watched locals returned.
                dbg.write(f"Watchpoint {wp.number} deleted because the program has left the block in")
                dbg.write("which its expression is valid.")
                if wp in dbg.breakpoints:
                    dbg.breakpoints.remove(wp)
                continue
            dbg.write(f"{watch_title(wp)} {wp.number}: {wp.what}")
            dbg.write("")
            old = dbg.show_value(old_v) if old_v is not None else "<unreadable>"
            new = dbg.show_value(new_v) if new_v is not None else "<unreadable>"
            if wp.kind == "read watchpoint" or (old == new):
                dbg.write(f"Value = {new}")
            else:
                dbg.write(f"Old value = {old}")
                dbg.write(f"New value = {new}")
        dbg.print_location(True)
    else:
        dbg.print_location(not src_only)
    dbg.after_stop()


def _after_hit(dbg: "Debugger", hit: list["Breakpoint"]) -> None:
    """The dispositions of the breakpoints a stop hit: a temporary one is deleted, one
    enabled ``once`` or ``count N`` disabled when its count runs out (breakpoint.c
    bpstat_stop_status)."""
    for b in hit:
        if b.temporary and b in dbg.breakpoints:
            dbg.breakpoints.remove(b)
        elif b.disable_after:
            b.disable_after -= 1
            if b.disable_after == 0:
                b.enabled = False


def _place(dbg: "Debugger") -> tuple[object, int, object]:
    """Frame 0 as gdb's frame_id tells frames apart: its function, its real frame, and the
    inlined call it stands for."""
    frame = dbg.innermost_frame()
    return frame.func, len(dbg.tl.state.stack), frame.inline


def same_place(dbg: "Debugger", func0: object, depth0: int) -> bool:
    frame = dbg.frames()[0]
    return frame.func == func0 and len(dbg.tl.state.stack) == depth0


# ---- forward ------------------------------------------------------------------------------
@command("run", aliases=("r",), category="running", moves=True)
def cmd_run(dbg: "Debugger", arg: str) -> None:
    """Start the program from the beginning (step 0) and run to a breakpoint or the end.

    Usage: run [ARGS] [< FILE]
    The whole run is recorded, so "run" again simply goes back to step 0 and
    replays; the program's output is shown again.  With ARGS (or after set args,
    set environment), or with its input from FILE, the program is recorded anew."""
    from vmdebug.debugger.commands.program_env import start_with
    start_with(dbg, arg)
    report(dbg, scan(dbg, True))


@command("starti", category="running", moves=True)
def cmd_starti(dbg: "Debugger", arg: str) -> None:
    """Start the program and stop at its first instruction (step 0).

    Usage: starti [ARGS] [< FILE]"""
    from vmdebug.debugger.commands.program_env import start_with
    start_with(dbg, arg)
    dbg.write("")
    dbg.write("Program stopped.")
    dbg.print_location(True)
    dbg.after_stop()


@command("start", category="running", moves=True)
def cmd_start(dbg: "Debugger", arg: str) -> None:
    """Run to the beginning of main (a temporary breakpoint on main, then run).

    Usage: start [ARGS] [< FILE]"""
    from vmdebug.debugger.commands.breakpoints import add_breakpoint
    if dbg.info.lookup("main") is None:
        raise DebugError('No symbol table loaded.  Use the "file" command.')
    add_breakpoint(dbg, "main", temporary=True)
    cmd_run(dbg, arg)


@command("continue", aliases=("c", "cont", "fg"), category="running", moves=True, example="1")
def cmd_continue(dbg: "Debugger", arg: str) -> None:
    """Continue to the next breakpoint, watchpoint, signal or the end of the program.

    Usage: continue [N]
    With N, ignore the breakpoint the program stopped at N-1 more times."""
    from vmdebug.debugger.commands.breakpoints import ignore_words
    _check_can_go_forward(dbg)
    said = ""
    if arg:
        # gdb continue_command: the proceed count goes to every breakpoint (or watchpoint) of
        # the last stop's bpstat that still exists, with set_ignore_count's words.
        n = _count(dbg, arg)
        stop = dbg.last_stop if dbg.last_stop is not None and dbg.last_stop.step == dbg.tl.cursor else None
        hit = [b for b in (stop.breakpoints if stop is not None else ()) if b in dbg.breakpoints]
        for b in hit:
            b.ignore = max(n - 1, 0)
            said += ignore_words(b.number, b.ignore) + "  "
        if not hit:
            said = "Not stopped at any breakpoint; argument ignored.\n"
    if dbg.interactive:         # from_tty only, as all of gdb's messages here
        dbg.write(f"{said}Continuing.")
    report(dbg, scan(dbg, True))


@command("stepi", aliases=("si",), category="running", moves=True, example="1")
def cmd_stepi(dbg: "Debugger", arg: str) -> None:
    """Step one instruction (N instructions with an argument).

    Usage: stepi [N]"""
    n = step_count(dbg, arg)
    if n <= 0:
        return
    _check_can_go_forward(dbg)
    tl = dbg.tl
    start = tl.cursor
    target = start + n
    tl.ensure(target)
    target = min(target, tl.last)
    # gdb's N steps, which stop early at a breakpoint, watchpoint or signal on the way.
    try:
        stop = scan(dbg, True, lambda c: c.steps >= target, upto=target)
    except DamagedLog:
        # The scan names the window it read; folding the steps one move names the damaged
        # step exactly (and raises that), showing no output on the way.
        shown, out = tl.shown_upto, tl.on_output
        tl.on_output = None
        try:
            tl.goto(start)
            tl.goto(target)
        finally:
            tl.shown_upto, tl.on_output = shown, out
        raise
    if stop.reason != "done":
        report(dbg, stop)
        return
    # The frame is compared with the one before the last single step (gdb sets
    # step_frame_id at each of the N steps), where an earlier single step hid no
    # inlined call; nor does this stop (handle_signal_stop: no skip_inline_frames for
    # step_range_end == 1).
    if n > 1:
        dbg.inline_skip = (stop.step - 1, 0)
    tl.goto(stop.step - 1)
    place0 = _place(dbg)
    tl.goto(stop.step)
    dbg.inline_skip = (stop.step, 0)
    report(dbg, stop, src_only=_place(dbg) == place0, skip=0)


@command("nexti", aliases=("ni",), category="running", moves=True, example="1")
def cmd_nexti(dbg: "Debugger", arg: str) -> None:
    """Step one instruction, but run through a called function.

    Usage: nexti [N]"""
    n = step_count(dbg, arg)
    if n <= 0:
        return
    for _ in range(max(n, 1)):
        _check_can_go_forward(dbg)
        d0 = len(dbg.tl.state.stack)
        place0 = _place(dbg)
        stop = scan(dbg, True, lambda c: c.depth <= d0)
        if stop.reason != "done":
            break
        dbg.inline_skip = (stop.step, 0)      # as stepi: no inlined call hidden
    report(dbg, stop, src_only=stop.reason == "done" and _place(dbg) == place0,
           skip=0 if stop.reason == "done" else None)


def _entries(dbg: "Debugger") -> np.ndarray:
    """Post-prologue addresses of the user's functions that have lines (where ``step`` enters)."""
    got = dbg.cache.entries
    if got is None:
        from vmdebug.debugger.linespec import Resolver
        resolver = Resolver(dbg)
        addrs = []
        for sym in dbg.info.symbols.values():
            if sym.kind != "func":
                continue
            lid = dbg.lines.id_of(sym.address)
            if lid >= 0 and dbg.lines.user[lid]:
                addrs.append(resolver.step_entry(sym.address, dbg.info.function_end(sym)))
        got = np.array(sorted(set(addrs)), dtype=np.int64)
        dbg.cache.entries = got
    return got


def _line_step(dbg: "Debugger", into: bool, until: bool = False, announce: bool = True) -> str:
    """One ``step``/``next``/``until``; ``announce`` False keeps a plain arrival quiet (gdb
    prints only the last stop of ``step N``), while a breakpoint or the end is reported."""
    _check_can_go_forward(dbg)
    d0 = len(dbg.tl.state.stack)
    lid0 = dbg.lines.id_of(dbg.pc)
    frame0 = dbg.frames()[0]
    from vmdebug.debugger.signal_steps import step_into_handler
    if lid0 < 0:
        if frame0.func is not None:
            dbg.write(f"Single stepping until exit from function {frame0.name},")
            dbg.write("which has no line number information.")
        if step_into_handler(dbg, True):
            return "done"
        stop = scan(dbg, True, lambda c: c.depth < d0)
        report(dbg, stop)
        return stop.reason
    from vmdebug.debugger.inline_steps import LineStepper, step_into_hidden
    if into and step_into_hidden(dbg, announce):
        return "done"
    if step_into_handler(dbg, announce):        # a signal stop: the handler's first instruction
        return "done"
    entries = _entries(dbg) if into else np.zeros(0, dtype=np.int64)
    # gdb's process_event_stop_test over the steps ahead (vmdebug.debugger.inline_steps):
    # lines, returns into the middle of a caller's line, and inlined calls.
    stepper = LineStepper(dbg, into, until, entries)
    stop = stepper.run()
    skip = stepper.skip if stop.reason == "done" else None
    if skip is not None:
        dbg.inline_skip = (stop.step, skip)
    if announce or stop.reason != "done":
        report(dbg, stop, src_only=stop.reason == "done" and stepper.src_only(), skip=skip)
    return stop.reason


@command("step", aliases=("s",), category="running", moves=True, example="1")
def cmd_step(dbg: "Debugger", arg: str) -> None:
    """Step to the next source line, entering called functions that have line information.

    Usage: step [N]"""
    n = step_count(dbg, arg)
    for k in range(n):
        if _line_step(dbg, True, announce=k == n - 1) != "done":
            break


@command("next", aliases=("n",), category="running", moves=True, example="1")
def cmd_next(dbg: "Debugger", arg: str) -> None:
    """Step to the next source line in this function, running through calls.

    Usage: next [N]"""
    n = step_count(dbg, arg)
    for k in range(n):
        if _line_step(dbg, False, announce=k == n - 1) != "done":
            break


def _location_addrs(dbg: "Debugger", arg: str) -> list[int]:
    from vmdebug.debugger.commands.breakpoints import resolve_locations
    return [loc.address for loc in resolve_locations(dbg, arg)]


@command("until", aliases=("u",), category="running", moves=True)
def cmd_until(dbg: "Debugger", arg: str) -> None:
    """Run until a source line past the current one (no jumping back in loops), or until LOCATION.

    Usage: until [LOCATION]
    With LOCATION, also stops when the current function returns."""
    if not arg:
        _line_step(dbg, False, until=True)
        return
    _advance(dbg, arg)


@command("advance", category="running", moves=True, example="main")
def cmd_advance(dbg: "Debugger", arg: str) -> None:
    """Run until LOCATION (a line, function or *address), or until the current function returns.

    Usage: advance LOCATION"""
    if not arg:
        raise DebugError("Argument required (a location).")
    _advance(dbg, arg)


def _advance(dbg: "Debugger", arg: str) -> None:
    _check_can_go_forward(dbg)
    addrs = np.array(_location_addrs(dbg, arg), dtype=np.int64)
    d0 = len(dbg.tl.state.stack)
    report(dbg, scan(dbg, True, lambda c: np.isin(c.eip, addrs) | (c.depth < d0)))


def _return_value(dbg: "Debugger", function: object) -> None:
    """``Value returned is $N = ...`` with the function's DWARF return type, from where the
    i386 System V ABI puts it (gdb i386_return_value): eax, edx:eax for 8 bytes, st(0) for
    float, double and long double (converted to the type as gdb's i386_extract_return_value
    does, rounding to nearest), and a struct or union in memory at the address eax holds."""
    from vmdebug.debugger import evaluate as EV
    from vmdebug.debugger.values import Value
    ftype = getattr(function, "type", None)
    if ftype is None or ftype.target is None:
        return
    t = ftype.target
    st = t.strip()
    if st.kind == "void":
        return
    eax, edx = dbg.regs[0], dbg.regs[2]
    if st.kind in ("struct", "union", "array"):
        v = Value(t, None, "memory", eax)
    elif st.kind == "float" and st.length in (4, 8, 10, 12, 16) and not _is_complex(st):
        from events.codes import st_register
        from vmdebug.machine.x87 import FCW_DEFAULT, f80_to_fp
        raw = st_register(dbg.regs, 0)
        if st.length in (4, 8):
            raw, _ = f80_to_fp(raw, st.length * 8, FCW_DEFAULT)
        v = Value(t, raw.to_bytes(st.length, "little"))
    elif st.kind == "float":
        dbg.write("Value returned has type: %s. Cannot determine contents" % _tname(t))
        return
    elif t.length == 8:
        v = EV.make_int(t, eax | edx << 32)
    else:
        v = EV.make_int(t, eax)
    text = dbg.show_value(v)
    n = dbg.record_value(v)
    dbg.write(f"Value returned is ${n} = {text}")


def _is_complex(t: object) -> bool:
    from vmdebug.debuginfo.valprint_scalar import is_complex
    return is_complex(t)  # type: ignore[arg-type]


def _tname(t: object) -> str:
    from vmdebug.debuginfo.typeprint import type_name
    return type_name(t)  # type: ignore[arg-type]


@command("finish", aliases=("fin",), category="running", moves=True, needs="process")
def cmd_finish(dbg: "Debugger", arg: str) -> None:
    """Run until the selected function returns; print the value it returned.

    Usage: finish"""
    frames = dbg.frames()
    frame = dbg.selected_frame()
    if frame.level >= len(frames) - 1:
        raise DebugError('"finish" not meaningful in the outermost frame.')
    _check_can_go_forward(dbg)
    if dbg.interactive:  # gdb prints this only when the command comes from a terminal
        dbg.write(f"Run till exit from {frame_number(frame.level)}{dbg.frame_line(frame)}")
    d0 = len(dbg.tl.state.stack) - frame.real
    if frame.is_inline:
        _finish_inline(dbg, frame, d0)
        return
    # gdb's momentary breakpoint at the caller's resume address, for the caller's frame: a
    # return elsewhere (a smashed return address, a longjmp past it) does not end finish,
    # and the run goes on to whatever stops it then (the SIGSEGV at 0x41414141).
    resume = frames[frame.level + 1].pc
    stop = scan(dbg, True, lambda c: (c.depth < d0) & (c.eip == resume))
    if stop.reason == "done":
        note_stop(dbg, stop)
        dbg.frame_level = 0
        # print_stack_frame SRC_AND_LOC: the pc shows as for any stop (frame_show_address:
        # a return into the middle of a line, not to a statement row's start)
        dbg.write(dbg.frame_line(dbg.frames()[0]))
        line = dbg.frame_source_line(dbg.frames()[0])
        if line is not None:
            dbg.write(line)
        if not frame.is_inline:
            _return_value(dbg, frame.function)
        dbg.after_stop()
    else:
        report(dbg, stop)


def _finish_inline(dbg: "Debugger", frame: "Frame", depth: int) -> None:
    """``finish`` from an inlined call (gdb finish_command for an INLINE_FRAME): no return
    value to show; step in the caller, over calls, until execution is out of the inlined
    code at the start of a line (landing mid-line, to the start of the next one).  gdb
    reports it with the frame line, as its step_start_function is unset."""
    block = frame.inline
    assert block is not None
    lines = dbg.lines
    spans = list(block.ranges)

    def outside(c: Cols) -> np.ndarray:
        inside = np.zeros(len(c.eip), dtype=bool)
        for lo, hi in spans:
            inside |= (c.eip >= lo) & (c.eip < hi)
        return (c.depth < depth) | ((c.depth == depth) & ~inside)
    stop = scan(dbg, True, outside)
    if stop.reason == "done" and len(dbg.tl.state.stack) == depth and not lines.at_stmt(
            np.array([dbg.pc], dtype=np.int64))[0]:
        landed = lines.id_of(dbg.pc)
        stop = scan(dbg, True, lambda c: (c.depth < depth) | (
            (c.depth == depth) & lines.at_stmt(c.eip) & (c.line != landed) & (c.line >= 0)))
    report(dbg, stop)


@command("kill", aliases=("k",), category="running")
def cmd_kill(dbg: "Debugger", arg: str) -> None:
    """Go back to step 0 (the recording is kept: nothing is lost).

    Usage: kill"""
    from events.state import FIRST_PID as PID
    if dbg.gone:
        raise DebugError("The program is not being run.")
    if not dbg.interactive:     # gdb's query() when its input is not a terminal
        dbg.write("Kill the program being debugged? (y or n) [answered Y; input not from terminal]")
    dbg.tl.goto(0)
    dbg.gone_at = 0
    dbg.write(f"[Inferior 1 (process {PID}) killed]")


#: What gdb's commands that change the program's course would change, here a recorded past.
UNCHANGEABLE = ("{what}: vmdebug replays a recorded history and does not change it "
                 "(move back and forward through it, or change the program and record it again).")


@command("return", category="running", example="")
def cmd_return(dbg: "Debugger", arg: str) -> None:
    """Refused: gdb's return pops the frame and changes what the program does next.

    Usage: return [VALUE]"""
    raise DebugError(UNCHANGEABLE.format(what="Cannot make a function return"))


@command("jump", aliases=("j",), category="running", example="")
def cmd_jump(dbg: "Debugger", arg: str) -> None:
    """Refused: gdb's jump resumes the program somewhere else.

    Usage: jump LOCATION"""
    raise DebugError(UNCHANGEABLE.format(what="Cannot jump"))


@command("signal", category="running", example="")
def cmd_signal(dbg: "Debugger", arg: str) -> None:
    """Refused: gdb's signal resumes the program with a signal it did not get.

    Usage: signal SIGNAL"""
    raise DebugError(UNCHANGEABLE.format(what="Cannot send a signal"))
