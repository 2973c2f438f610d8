"""Status inquiries: info proc mappings, info record, info program, info inferiors, info threads."""
from __future__ import annotations

from typing import TYPE_CHECKING

from vmdebug.debugger.registry import command
from vmdebug.debugger.session import PID
from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger


def mappings(dbg: "Debugger") -> list[str]:
    """``info proc mappings`` as gdb 13 prints it for a 32-bit process (gdb/linux-tdep.c)."""
    out = [f"process {dbg.tl.state.pid}", "Mapped address spaces:", "",
           f"\t{'Start Addr':>10} {'  End Addr':>10} {'      Size':>10} {'    Offset':>10}  Perms   objfile"]
    for start, (end, perms, name) in sorted(dbg.tl.state.vmas.items()):
        off = 0
        if name and not name.startswith("["):
            off = dbg.info.file_offset(start)
        out.append(f"\t{start:>#10x} {end:>#10x} {end - start:>#10x} {off:>#10x}  {perms}   {name}".rstrip())
    return out


@command("info proc", category="status", example="mappings")
def cmd_info_proc(dbg: "Debugger", arg: str) -> None:
    """Process information; "info proc mappings" lists the memory mappings (like /proc/PID/maps).

    Usage: info proc [mappings]"""
    if arg.strip() and not "mappings".startswith(arg.strip()):
        dbg.write(f"process {dbg.tl.state.pid}")
        return
    if not arg.strip():
        dbg.write(f"process {dbg.tl.state.pid}")
        dbg.write(f"cmdline = '{' '.join(dbg.header.get('argv', [dbg.info.name]))}'")
        return
    dbg.lines_out(mappings(dbg))


@command("info record", aliases=("info rec",), category="status")
def cmd_info_record(dbg: "Debugger", arg: str) -> None:
    """What the history holds: its first, current and last step, and how the run ended.

    Usage: info record"""
    if dbg.record_stopped:              # gdb after "record stop" (vmdebug keeps its history)
        dbg.write("No recording is currently active.")
        return
    tl = dbg.tl
    dbg.write("Active record target: record-full")
    dbg.write("Replay mode:" if tl.cursor < tl.last or tl.process is None else "Record mode:")
    dbg.write("Lowest recorded instruction number is 1.")
    if tl.cursor < tl.last or tl.process is None:
        dbg.write(f"Current instruction number is {tl.cursor}.")
    dbg.write(f"Highest recorded instruction number is {tl.last}.")
    dbg.write(f"Log contains {tl.last} instructions ({len(tl.log)} events).")
    dbg.write(ending(dbg))


def ending(dbg: "Debugger") -> str:
    """How the recorded run ends, in a sentence: never "unknown" where something is known."""
    from vmdebug.signals import signal_name
    tl = dbg.tl
    end = tl.end()
    if end.how == "exited":
        return f"The program {dbg.end_text()}."
    if end.how == "killed":
        return f"The program was killed by {signal_name(end.signal)}."
    if end.how == "running":
        return "The program has not ended yet: going forward records more."
    if end.how == "limit":
        if end.reason:
            return f"The recording stopped at step {tl.last}: {end.reason}."
        return f"The recording stopped at step {tl.last} (--max-steps): the program had not ended."
    return (f"How the program ended is not known: the session's history stops at step {tl.last} "
            "without saying (a recording cut short?).")


STEPPING = {"step", "next", "stepi", "nexti", "until", "reverse-step", "reverse-next", "reverse-stepi",
            "reverse-nexti"}


@command("info program", category="status")
def cmd_info_program(dbg: "Debugger", arg: str) -> None:
    """Execution status of the program: where it stopped and why (gdb's info program).

    Usage: info program"""
    from vmdebug.signals import signal_name, signal_text
    tl = dbg.tl
    end = tl.end()
    if dbg.gone or (tl.cursor == tl.last and end.how == "exited"):
        # gdb: no process (it exited, or the signal that killed it has been said)
        dbg.write("The program being debugged is not being run.")
        return
    dbg.write(f"\tUsing the running image of child process {tl.state.pid}.")
    dbg.write(f"Program stopped at {dbg.pc:#x}.")
    stop = dbg.last_stop if dbg.last_stop is not None and dbg.last_stop.step == tl.cursor else None
    if tl.cursor == tl.last and end.how == "killed" and (stop is None or stop.reason != "catch"):
        dbg.write(f"It stopped with signal {signal_name(end.signal)}, {signal_text(end.signal)}.")
    elif stop is None:
        pass                    # nothing stopped here: the cursor was moved (record goto, frame...)
    elif stop.reason == "done" and stop.command in STEPPING:
        dbg.write("It stopped after being stepped.")
    elif stop.reason == "done" and stop.command in ("finish", "advance", "reverse-finish"):
        # gdb: the momentary breakpoint that stopped it is gone (bpstat_num returns -1)
        dbg.write("It stopped at a breakpoint that has since been deleted.")
    elif stop.reason in ("bp", "watch", "catch"):
        for b in stop.breakpoints:
            if b in dbg.breakpoints:
                dbg.write(f"It stopped at breakpoint {b.number}.")
            else:
                dbg.write("It stopped at a breakpoint that has since been deleted.")
    elif stop.signal:
        dbg.write(f"It stopped with signal {signal_name(stop.signal)}, {signal_text(stop.signal)}.")
    if dbg.interactive:
        dbg.write('Type "info stack" or "info registers" for more information.')


def inferior_number(pid: int) -> int:
    """gdb numbers inferiors from 1 as they appear: here pid 1000 is 1, its first child 2..."""
    return pid - PID + 1


@command("info inferiors", category="status")
def cmd_info_inferiors(dbg: "Debugger", arg: str) -> None:
    """The processes of the program at this step: the first one, and those it forked.

    Usage: info inferiors
    The one marked * ran the current step.  An exited process shows as <null>, as in gdb."""
    state = dbg.tl.state
    dbg.write("  Num  Description       Connection           Executable        ")
    for pid, ctx in state.processes().items():
        desc = f"process {pid}" if ctx[5] is None or pid == state.pid else "<null>"
        mark = "*" if pid == state.pid else " "
        dbg.write(f"{mark} {inferior_number(pid):<4} {desc:<17} {'1 (vmdebug)':<20} {dbg.info.name} ")


@command("info threads", category="status")
def cmd_info_threads(dbg: "Debugger", arg: str) -> None:
    """The program's threads with the frame each is in: one a process (vmdebug runs no
    threads), the processes ``info inferiors`` lists as running.

    Usage: info threads
    As gdb numbers them: ``1``, or ``N.1`` once there is more than one inferior.  Another
    process's frame is the one it is in at this step (where its last step left it)."""
    import os
    from vmdebug.replay.query import last_step_of
    tl = dbg.tl
    here, current = tl.cursor, tl.state.pid
    procs = tl.state.processes()
    live = [pid for pid, ctx in procs.items() if ctx[5] is None or pid == current]
    if not live or (here == tl.last and tl.end().how == "exited"):      # as info program says it
        dbg.write("No threads.")
        return
    qualified = len(procs) > 1          # gdb show_inferior_qualified_tids
    comm = os.path.basename(dbg.info.name)[:15]       # the task's comm: TASK_COMM_LEN - 1
    rows = []
    # Another process's frame is read where it last ran (or first runs, for a child that has
    # not yet): a visit that shows no output and leaves the cursor, and what was shown, as
    # they were.
    shown, out = tl.shown_upto, tl.on_output
    tl.on_output = None
    try:
        for pid in live:
            step = here if pid == current else last_step_of(tl.log, pid, here)
            if step is None:
                continue
            if tl.cursor != step:
                tl.goto(step)
            frame = dbg.frames()[0]
            num = f"{inferior_number(pid)}.1" if qualified else "1"
            rows.append(("*" if pid == current else " ", num, f'process {pid} "{comm}"', dbg.frame_line(frame)))
    finally:
        if tl.cursor != here:
            tl.goto(here)
        tl.shown_upto, tl.on_output = shown, out
    width = max(len("Target Id"), *(len(r[2]) for r in rows))
    dbg.write(f"  {'Id':<4} {'Target Id':<{width}} Frame ")
    for mark, num, target, where in rows:
        dbg.write(f"{mark} {num:<4} {target:<{width}} {where}")


@command("info sharedlibrary", aliases=("info dll",), category="status")
def cmd_info_sharedlibrary(dbg: "Debugger", arg: str) -> None:
    """The shared libraries the program loaded: none, a static program's (as gdb says it).

    Usage: info sharedlibrary"""
    dbg.write("No shared libraries loaded at this time.")


@command("info files", aliases=("info target",), category="status")
def cmd_info_files(dbg: "Debugger", arg: str) -> None:
    """The program file's entry point and sections (gdb's exec target), and the process
    once it runs (a static program: no shared objects; vmdebug maps no vDSO).

    Usage: info files"""
    from vmdebug.debugger.commands.program_env import program_path
    path = program_path(dbg)
    dbg.write(f'Symbols from "{path}".')
    if dbg.has_process:             # exec.c print_section_info, after the process target's
        dbg.write("Native process:")
        dbg.write(f"\tUsing the running image of child process {dbg.tl.state.pid}.")
        dbg.write("\tWhile running this, GDB does not access memory from...")
    dbg.write("Local exec file:")
    dbg.write(f"\t`{path}', file type elf32-i386.")
    dbg.write(f"\tEntry point: {dbg.info.entry:#x}")
    for sec in dbg.info.section_rows:
        if "a" in sec.flags and sec.size:
            dbg.write(f"\t{sec.address:#010x} - {sec.address + sec.size:#010x} is {sec.name}")


@command("inferior", category="status", moves=True, example="2")
def cmd_inferior(dbg: "Debugger", arg: str) -> None:
    """Switch to another process: go to the last step it ran up to here.

    Usage: inferior [NUM]
    Time travels with it: the cursor moves to the latest step (at or before this one) that
    process NUM ran, or to its first step if it has not run yet.  Without NUM, say which
    process ran the current step."""
    from vmdebug.replay.query import last_step_of
    tl = dbg.tl
    state = tl.state
    if not arg.strip():
        dbg.write(f"[Current inferior is {inferior_number(state.pid)} [process {state.pid}] ({dbg.info.name})]")
        return
    num = dbg.eval_int(arg)
    pid = num + PID - 1
    if pid not in state.processes():
        raise DebugError(f"Inferior ID {num} not known.")
    if pid != state.pid:
        step = last_step_of(tl.log, pid, tl.cursor)
        if step is None:
            raise DebugError(f"Inferior {num} [process {pid}] has not run yet.")
        tl.goto(step)
        dbg.shown_pid = tl.state.pid
    dbg.write(f"[Switching to inferior {num} [process {pid}] ({dbg.info.name})]")
    dbg.frame_level = 0
    frame = dbg.frames()[0]
    dbg.write(f"#0  {dbg.frame_line(frame)}")
    line = dbg.frame_source_line(frame)
    if line is not None:
        dbg.write(line)
    dbg.after_stop()


def initial_auxv(dbg: "Debugger") -> list[tuple[int, int]] | None:
    """The auxiliary vector exec built (what /proc/PID/auxv keeps), from the stack at step 0."""
    from vmdebug.debugger.views.auxv import read_auxv
    state = dbg.tl.history.state_at(0)
    return read_auxv(state.read_u32, state.regs[4])


@command("info auxv", category="status")
def cmd_info_auxv(dbg: "Debugger", arg: str) -> None:
    """Display the inferior's auxiliary vector: what the kernel told the program at exec.

    Usage: info auxv
    Each entry is a type, its name, what it means and its value; strings (the platform,
    the program's file name) are read from the stack, where exec copied them."""
    from vmdebug.debugger.values import DebugError, string_text
    from vmdebug.debugger.views.auxv import auxv_view
    pairs = initial_auxv(dbg)
    if pairs is None:
        raise DebugError("No auxiliary vector found, or failed reading it.")

    def c_string(addr: int) -> str:
        data = dbg.memory.read_string(addr)
        return string_text(data) if data else f"<error: Cannot access memory at address {addr:#x}>"
    dbg.lines_out(auxv_view(pairs, c_string))


def _current_thread(dbg: "Debugger") -> tuple[str, str]:
    """gdb's id and target id of the thread the cursor is in (one a process): ``1`` or
    ``N.1`` with several inferiors, ``process PID``."""
    tl = dbg.tl
    pid = tl.state.pid
    num = f"{inferior_number(pid)}.1" if len(tl.state.processes()) > 1 else "1"
    return num, f"process {pid}"


@command("thread", category="status", example="")
def cmd_thread(dbg: "Debugger", arg: str) -> None:
    """Show the current thread, or select thread ID (vmdebug's processes have one each).

    Usage: thread [ID] | thread apply all|ID... [-q] COMMAND"""
    word, _, rest = arg.strip().partition(" ")
    if word == "apply":
        _thread_apply(dbg, rest)
        return
    if not dbg.has_process:
        raise DebugError("No thread selected")
    num, target = _current_thread(dbg)
    if not word:
        dbg.write(f"[Current thread is {num} ({target})]")
        return
    if word != num and not (num == "1" and word == "1.1"):
        raise DebugError(f"Unknown thread {word}.")
    dbg.frame_level = 0         # thread.c thread_select: frame 0, printed as `frame` prints it
    dbg.write(f"[Switching to thread {num} ({target})]")
    frame = dbg.innermost_frame()
    dbg.write(f"#0  {dbg.frame_line(frame)}")
    line = dbg.frame_source_line(frame)
    if line is not None:
        dbg.write(line)


def _thread_apply(dbg: "Debugger", arg: str) -> None:
    """thread.c thread_apply_all_command / thread_apply_command over the current thread:
    a header naming it, then the command (``-q``: no header)."""
    import os
    which, _, rest = arg.strip().partition(" ")
    if not which:
        raise DebugError("Please specify a thread ID list")
    quiet = False
    rest = rest.strip()
    while rest.startswith("-"):
        flag, _, rest = rest.partition(" ")
        if flag == "-q":
            quiet = True
        elif flag not in ("-c", "-s"):
            raise DebugError(f"Unrecognized option at: {flag} {rest}".rstrip())
        rest = rest.strip()
    if not rest:
        raise DebugError("Please specify a command following the thread ID list" if which != "all"
                         else "Please specify a command at the end of 'thread apply all'")
    if not dbg.has_process:
        return
    num, target = _current_thread(dbg)
    if which != "all" and which not in (num, "1.1" if num == "1" else num):
        dbg.error(f"warning: Unknown thread {which}")
        return
    if not quiet:
        comm = os.path.basename(dbg.info.name)[:15]
        dbg.write("")
        dbg.write(f'Thread {num} ({target} "{comm}"):')
    dbg.execute(rest)
