"""Running backward: gdb's reverse-step, reverse-next, reverse-continue, reverse-finish...,
``record goto`` and gdb's ``record`` / ``record stop``, over the recorded history."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from vmdebug.debugger.commands.running import note_stop, report, same_place, step_count
from vmdebug.debugger.frames import frame_number
from vmdebug.debugger.motion import Stop, scan
from vmdebug.debugger.registry import command
from vmdebug.debugger.signal_steps import reverse_signal_stop
from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger
    from vmdebug.debuginfo.symbols import Block


def check_can_go_back(dbg: "Debugger") -> None:
    """After gdb's ``record stop`` nothing is recorded: going back is the native target's
    error until ``record`` starts again."""
    if dbg.record_stopped:
        raise DebugError("Target native does not support this command.")


@command("record", aliases=("rec",), category="running")
def cmd_record(dbg: "Debugger", arg: str) -> None:
    """Start gdb's process record here: vmdebug records every run whole, so this only
    marks where going back stops ("No more reverse-execution history."), as gdb's log does.

    Usage: record | record full | record stop | record goto N"""
    if _no_process(dbg):
        raise DebugError("Process record: the program is not being run.")
    if dbg.record_floor is not None:
        raise DebugError('The process is already being recorded.  Use "record stop" to stop recording first.')
    dbg.record_floor = dbg.tl.cursor
    dbg.record_stopped = False


cmd_record.is_prefix = True     # type: ignore[attr-defined]  # "record foo": gdb's undefined record command


@command("record full", category="running")
def cmd_record_full(dbg: "Debugger", arg: str) -> None:
    """The same as record (vmdebug's recording is gdb's full one).

    Usage: record full"""
    cmd_record(dbg, arg)


@command("record stop", aliases=("record s",), category="running")
def cmd_record_stop(dbg: "Debugger", arg: str) -> None:
    """Stop gdb's process record: going back is refused until record starts again
    (vmdebug's own history is kept; "record goto" still reaches all of it).

    Usage: record stop"""
    if dbg.record_floor is None:
        raise DebugError('No recording is currently active.\nUse the "record full" or "record btrace" command first.')
    dbg.record_floor = None
    dbg.record_stopped = True
    dbg.write("Process record is stopped and all execution logs are deleted.")


@command("reverse-stepi", aliases=("rsi",), category="running", moves=True, example="1")
def cmd_reverse_stepi(dbg: "Debugger", arg: str) -> None:
    """Step backward one instruction (N with an argument).

    Usage: reverse-stepi [N]"""
    n = step_count(dbg, arg)
    if n <= 0:
        return
    check_can_go_back(dbg)
    tl = dbg.tl
    floor = dbg.history_floor
    func0, depth0 = dbg.frames()[0].func, len(tl.state.stack)
    if tl.cursor <= floor:
        report(dbg, Stop(floor, "start"))
        return
    if n > tl.cursor - floor:  # the history starts before N more instructions
        tl.goto(floor)
        report(dbg, Stop(floor, "start"))
        return
    start = tl.cursor
    target = max(tl.back_start() - n, floor)
    tl.goto(target)
    if reverse_signal_stop(dbg, start, 0):
        return
    report(dbg, Stop(target, "done"), src_only=same_place(dbg, func0, depth0))


@command("reverse-nexti", aliases=("rni",), category="running", moves=True, example="1")
def cmd_reverse_nexti(dbg: "Debugger", arg: str) -> None:
    """Step backward one instruction, but run back through called functions.

    Usage: reverse-nexti [N]"""
    check_can_go_back(dbg)
    stop = Stop(dbg.tl.cursor, "done")
    for _ in range(step_count(dbg, arg)):
        d0 = len(dbg.tl.state.stack)
        func0 = dbg.frames()[0].func
        start = dbg.tl.cursor
        stop = scan(dbg, False, lambda c: c.depth <= d0)
        if stop.reason == "done" and reverse_signal_stop(dbg, start, 0):
            return
        if stop.reason != "done":
            break
    report(dbg, stop, src_only=stop.reason == "done" and same_place(dbg, func0, d0))


@command("reverse-continue", aliases=("rc",), category="running", moves=True)
def cmd_reverse_continue(dbg: "Debugger", arg: str) -> None:
    """Run backward to the previous breakpoint or watchpoint, or to step 0.

    Usage: reverse-continue"""
    check_can_go_back(dbg)
    if dbg.interactive:         # gdb runs "continue" in reverse: the same from_tty line
        dbg.write("Continuing.")
    report(dbg, scan(dbg, False))


@command("reverse-finish", category="running", moves=True)
def cmd_reverse_finish(dbg: "Debugger", arg: str) -> None:
    """Run backward to the call of the selected function (stops at the call instruction).

    Usage: reverse-finish"""
    check_can_go_back(dbg)
    frames = dbg.frames()
    frame = dbg.selected_frame()
    if frame.level >= len(frames) - 1:
        raise DebugError('"finish" not meaningful in the outermost frame.')
    if dbg.interactive:
        dbg.write(f"Run back to call of {frame_number(frame.level)}{dbg.frame_line(frame)}")
    d0 = len(dbg.tl.state.stack) - frame.real
    if frame.inline is not None:
        _reverse_finish_inlined(dbg, frame.inline, d0)
        return
    stop = scan(dbg, False, lambda c: c.depth < d0)
    if stop.reason == "done":
        note_stop(dbg, stop)
        dbg.frame_level = 0
        dbg.print_location(True)
        dbg.after_stop()
    else:
        report(dbg, stop)


def _reverse_finish_inlined(dbg: "Debugger", block: "Block", depth: int) -> None:
    """reverse-finish out of an inlined frame: gdb's finish_command steps in the calling
    frame with an empty range (set_step_info), stopping once execution is in no function
    called by it - going back, where the inlined call was entered: the first step of the
    run of steps, ending at the cursor, spent in ``block`` (at the frame's real depth) or in
    what it called.  The inlined calls starting there are hidden (skip_inline_frames), and
    the stop is printed with its frame."""
    from vmdebug.replay.query import Window
    tl = dbg.tl
    floor = dbg.history_floor
    start = tl.cursor
    b, result = tl.cursor, None
    anchor_eip, anchor_depth = dbg.pc, len(tl.state.stack)
    width = 4096
    while result is None:
        if b <= floor:
            result = floor
            break
        a = max(floor, b - width)
        win = Window(tl.log, a, b)
        eips = win.reg(8, anchor_eip, False)
        deps = win.depth(anchor_depth, False)
        for i in range(win.n - 2, -1, -1):
            dep = int(deps[i])
            if dep < depth or (dep == depth and not block.contains(int(eips[i]))):
                result = a + i + 1
                break
        anchor_eip, anchor_depth = int(eips[0]), int(deps[0])
        b = a
        width = min(width * 4, 1 << 18)
    if result == start and result > floor:
        # Already where the call was entered: the steps back are the caller's, from the
        # line the call is on, as reverse-next takes them there (its frame printed: the
        # stop is not in the frame that was selected).
        dbg.inline_skip = None          # the inlined calls starting here hidden again
        _reverse_line(dbg, False, header=True)
        return
    tl.goto(result)
    if reverse_signal_stop(dbg, start, None):
        return
    report(dbg, Stop(result, "start" if result == floor and result < start else "done"))


def _reverse_line(dbg: "Debugger", into: bool, header: bool = False) -> None:
    """reverse-step / reverse-next: back to the start of the previous line (or of this one, mid-line)."""
    from vmdebug.replay.query import Window
    check_can_go_back(dbg)
    tl = dbg.tl
    floor = dbg.history_floor
    if tl.cursor <= floor:
        report(dbg, Stop(floor, "start"))
        return
    lines = dbg.lines
    eip0 = dbg.pc
    d0 = len(tl.state.stack)
    lid0 = lines.id_of(eip0)
    frame0 = dbg.frames()[0]
    if lid0 < 0:
        cmd_reverse_nexti(dbg, "") if not into else cmd_reverse_stepi(dbg, "")
        return
    key0 = (lid0, d0)
    func0 = frame0.func
    block0 = dbg.innermost_frame().inline
    start = tl.cursor
    from vmdebug.debugger.linespec import Resolver
    prologue_end = Resolver(dbg).step_entry(func0.address, dbg.info.function_end(func0)) \
        if func0 is not None else 0

    def in_prologue(eip: int) -> bool:
        return func0 is not None and func0.address <= eip < prologue_end and eip0 >= prologue_end
    through = _inlined_through(dbg)
    call_site, shown_block = _inlined_places(dbg)
    step_block = block0
    at_start = dbg.info.is_line_start(eip0)
    target_key = None if at_start else key0
    tracked = tl.cursor
    dt = d0
    b = tl.cursor
    anchor_eip, anchor_depth = eip0, d0
    width = 4096
    result = None
    while result is None:
        if b <= floor:
            result = floor if target_key is None else tracked
            break
        a = max(floor, b - width)
        win = Window(tl.log, a, b)
        eips = win.reg(8, anchor_eip, False)
        depth = win.depth(anchor_depth, False)
        ids = lines.ids(eips)
        for i in range(win.n - 2, -1, -1):
            s = a + i
            dep = int(depth[i])
            if dep == d0 and in_prologue(int(eips[i])):
                continue  # gdb steps back over a function's prologue into its caller
            if dep > dt:
                if into and dep == dt + 1 and ids[i] >= 0 and lines.user[ids[i]]:
                    dt = dep          # the previous line ended with a call: enter it at its last line
                    target_key = (int(ids[i]), dep)
                    tracked = s
                continue
            if dep == d0 and dt == d0 and through(int(eips[i])):
                # infrun.c "stepping through inlined function": an inlined call made from
                # the frame being stepped, entered mid-block; step stops, next goes on.
                if into:
                    result = s
                    break
                continue
            key = (call_site(int(eips[i]), int(ids[i])) if dep == d0 else int(ids[i]), dep)
            if target_key is None:
                if key != key0:
                    target_key, tracked = key, s
                    if dep == d0 and not dbg.info.is_line_start(int(eips[i])):
                        # set_step_info: a line entered mid-row is stepped in the frame it is in
                        step_block = shown_block(int(eips[i]))
                continue
            if key == target_key:
                tracked = s
                continue
            if tracked == tl.cursor:      # mid-line but the line started right here: previous line
                target_key, tracked = key, s
                continue
            result = tracked
            break
        anchor_eip, anchor_depth = int(eips[0]), int(depth[0])
        b = a
        width = min(width * 4, 1 << 18)
    tl.goto(result)
    if reverse_signal_stop(dbg, start, None):
        return
    if result == floor and target_key is None:
        report(dbg, Stop(floor, "start"))
        return
    # Stepping back out of a function's start lands mid-line in its caller, and gdb then
    # compares the stop with that caller's frame (set_step_info), as going forward does.
    # ... and gdb prints the frame too where the stop is in another inlined frame (its
    # frame_id holds the inlined block: print_stop_event's SRC_AND_LOC).
    report(dbg, Stop(result, "done"), src_only=not header and same_place(dbg, frame0.func, min(d0, len(tl.state.stack)))
           and (len(tl.state.stack) != d0 or dbg.innermost_frame().inline is step_block))


def _inlined_through(dbg: "Debugger") -> "Callable[[int], bool]":
    """Whether a pc, going back at the depth being stepped, is in an inlined call made from
    the frame being stepped (gdb's stepped_in_from), entered mid-block: where no
    skip_inline_frames hides it, frame 0 is that inlined frame (infrun.c
    process_event_stop_test, "stepping through inlined function", either direction)."""
    from vmdebug.debugger.inline_steps import hidden_at
    frame = dbg.innermost_frame()
    fn, block0 = frame.function, frame.inline
    seen: dict[int, bool] = {}

    def through(pc: int) -> bool:
        got = seen.get(pc)
        if got is None:
            got = False
            if fn is not None and fn.contains(pc):
                chain, n = hidden_at(fn, pc)
                block = chain[n] if n < len(chain) else None
                if block is not None and block is not block0:
                    b = block.parent
                    while b is not None and b is not block0:
                        b = b.parent
                    got = b is block0 or block0 is None
            seen[pc] = got
        return got
    return through


def _inlined_places(dbg: "Debugger") -> "tuple[Callable[[int, int], int], Callable[[int], Block | None]]":
    """Two views of a pc in the function being stepped, as a stop there shows frame 0
    (inline-frame.c skip_inline_frames hides the inlined calls starting at it): the line id
    it reads as - the call site's line where calls are hidden (find_frame_sal), else
    ``lid`` - and the inlined block frame 0 stands for (None: the function's own code)."""
    from vmdebug.debugger.inline_steps import _same_file, hidden_at
    fn = dbg.innermost_frame().function
    lines = dbg.lines
    cache: dict[int, tuple[int | None, Block | None]] = {}

    def place(pc: int) -> tuple[int | None, "Block | None"]:
        got = cache.get(pc)
        if got is None:
            got = (None, None)
            if fn is not None and fn.contains(pc):
                chain, n = hidden_at(fn, pc)
                call = chain[n - 1].inlined if n else None
                lid = None
                if call is not None:
                    lid = lines.ids_of_keys.get((call.call_file, call.call_line))
                    if lid is None:
                        lid = next((k for k, key in enumerate(lines.keys) if key[1] == call.call_line
                                    and _same_file(key[0], call.call_file)), None)
                got = (lid, chain[n] if n < len(chain) else None)
            cache[pc] = got
        return got

    def call_site(pc: int, lid: int) -> int:
        got = place(pc)[0]
        return lid if got is None else got

    return call_site, lambda pc: place(pc)[1]


@command("reverse-step", aliases=("rs",), category="running", moves=True)
def cmd_reverse_step(dbg: "Debugger", arg: str) -> None:
    """Step backward to the beginning of the previous source line, entering functions.

    Usage: reverse-step [N]"""
    from vmdebug.debugger.inline_steps import step_into_hidden
    n = step_count(dbg, arg)
    for k in range(n):
        # infrun.c prepare_one_step, whatever the direction: where frame 0 hides inlined
        # calls starting at the pc, a step only shows the outermost of them ("down").
        if dbg.tl.cursor > dbg.history_floor and step_into_hidden(dbg, k == n - 1):
            continue
        _reverse_line(dbg, True)


@command("reverse-next", aliases=("rn",), category="running", moves=True)
def cmd_reverse_next(dbg: "Debugger", arg: str) -> None:
    """Step backward to the beginning of the previous source line in this function.

    Usage: reverse-next [N]"""
    for _ in range(step_count(dbg, arg)):
        _reverse_line(dbg, False)


@command("record goto", category="running", moves=True, example="0")
def cmd_record_goto(dbg: "Debugger", arg: str) -> None:
    """Jump to any step of the history: record goto N | begin | end.

    Step 0 is the state right after exec; step N is after N instructions."""
    tl = dbg.tl
    word = arg.strip()
    if word in ("begin", "start"):
        n = 0
    elif word == "end":
        tl.record_all()
        n = tl.last
    elif not word:
        raise DebugError("Command requires an argument (insn number to go to).")
    else:
        n = dbg.eval_int(word)
    if not tl.ensure(n) or n < 0:
        raise DebugError(f"Target insn '{word}' not found (the history has steps 0..{tl.last}).")
    tl.goto(n)
    dbg.frame_level = 0
    frame = dbg.innermost_frame()
    dbg.write(f"#0  {dbg.frame_line(frame)}")
    line = dbg.frame_source_line(frame)
    if line is not None:
        dbg.write(line)
    dbg.after_stop()


_NOT_ACTIVE = 'No recording is currently active.\nUse the "record full" or "record btrace" command first.'


def _no_process(dbg: "Debugger") -> bool:
    """Before ``run`` or after the exit."""
    return dbg.gone or (dbg.last_stop is None and dbg.tl.cursor == 0)


def _recording(dbg: "Debugger") -> bool:
    """gdb's record target is there: vmdebug records every run, unless ``record stop``."""
    return not dbg.record_stopped and not _no_process(dbg)


@command("record delete", aliases=("record del", "record d"), category="running")
def cmd_record_delete(dbg: "Debugger", arg: str) -> None:
    """gdb deletes the log after the current instruction and records from there; vmdebug's
    history cannot be changed, so only the answer at its end is gdb's.

    Usage: record delete"""
    from vmdebug.debugger.commands.running import UNCHANGEABLE
    if not _recording(dbg):
        raise DebugError(_NOT_ACTIVE)
    if dbg.tl.cursor >= dbg.tl.last:
        dbg.write("Already at end of record list.")
        return
    raise DebugError(UNCHANGEABLE.format(what="Cannot delete the log"))


def _not_full(dbg: "Debugger") -> None:
    """record.c: the btrace-only history commands on a full record."""
    if not _recording(dbg):
        raise DebugError(_NOT_ACTIVE)
    raise DebugError("You can't do that when your target is `record-full'")


@command("record instruction-history", category="running")
def cmd_record_instruction_history(dbg: "Debugger", arg: str) -> None:
    """A branch-trace (btrace) listing: gdb refuses it on a full record, as vmdebug's is.

    Usage: record instruction-history"""
    _not_full(dbg)


@command("record function-call-history", category="running")
def cmd_record_function_call_history(dbg: "Debugger", arg: str) -> None:
    """A branch-trace (btrace) listing: gdb refuses it on a full record, as vmdebug's is.

    Usage: record function-call-history"""
    _not_full(dbg)


@command("record btrace", aliases=("record b", "record bts", "record pt"), category="running")
def cmd_record_btrace(dbg: "Debugger", arg: str) -> None:
    """Branch tracing needs the processor's trace hardware; the simulated CPU has none.

    Usage: record btrace"""
    if dbg.record_floor is not None:
        raise DebugError('The process is already being recorded.  Use "record stop" to stop recording first.')
    if _no_process(dbg):
        raise DebugError("The program is not being run.")
    raise DebugError("Target does not support branch tracing.")


@command("record save", category="running")
def cmd_record_save(dbg: "Debugger", arg: str) -> None:
    """gdb writes a core file with its log; vmdebug's history is a session file, which
    ``vmdebug record -o FILE PROGRAM`` writes and ``vmdebug debug FILE`` opens.

    Usage: record save [FILE]"""
    if not _recording(dbg):
        raise DebugError(_NOT_ACTIVE)
    raise DebugError("vmdebug does not write gdb's core-and-log files: "
                     "'vmdebug record -o FILE PROGRAM' saves the whole history as a session.")
