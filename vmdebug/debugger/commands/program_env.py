"""How the program starts: gdb's set args, set/unset/show environment, run ARGS < FILE,
and vmdebug's set/show stdin.

gdb hands ``run``'s arguments to a shell, which splits them and opens the
redirections.  vmdebug splits them as a POSIX shell would (quotes, backslashes)
and opens ``< FILE`` itself; other redirections and pipes are refused, since the
program's output is shown in the debugger.  A session file's run is fixed: its
arguments, environment and input are the ones it was recorded with.
"""
from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from vmdebug.debugger.registry import command
from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.launch import Input, Launch
    from vmdebug.debugger.session import Debugger

MAX_INPUT = 256 << 20      # a file given as standard input is read whole


def _launch(dbg: "Debugger") -> "Launch":
    if dbg.launch is None:
        raise DebugError("This is a recorded session: its arguments, environment and input are the ones it "
                         "was recorded with (record the program again to change them).")
    return dbg.launch


def parse_run_args(text: str) -> tuple[list[str], str | None]:
    """Split ``ARGS < FILE`` as a shell would: the words, and the input file if any."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars="<>|&;")
    lexer.whitespace_split = True
    try:
        words = list(lexer)
    except ValueError as exc:
        raise DebugError(f"Cannot parse the arguments: {exc}.") from None
    args: list[str] = []
    source = None
    i = 0
    while i < len(words):
        w = words[i]
        if w == "<":
            if i + 1 >= len(words) or words[i + 1] in "<>|&;":
                raise DebugError("Missing file name after `<'.")
            source = words[i + 1]
            i += 2
            continue
        if w and all(ch in "<>|&;" for ch in w):
            raise DebugError(f"`{w}' is not supported: the program's output is shown here, and its input "
                             "can only come from a file (run ARGS < FILE).")
        args.append(w)
        i += 1
    return args, source


def start_with(dbg: "Debugger", arg: str) -> None:
    """``run``/``start``/``starti`` with their arguments: adopt them, record anew if
    anything changed, and go to step 0."""
    if arg.strip():
        _adopt(dbg, arg)           # gdb: run's arguments replace the old ones, redirection included
    if dbg.interactive:            # gdb run_command_1: from_tty only
        dbg.write(starting_program(dbg))
    dbg.relaunch()
    dbg.tl.goto(0)
    dbg.gone_at = None              # a process again, not recorded by gdb's `record` yet
    dbg.record_floor, dbg.record_stopped = None, False
    dbg.tl.shown_upto = 0


def program_path(dbg: "Debugger") -> str:
    """The program as gdb names its file: the absolute path of what was given to run (on this
    machine), or the argv[0] a session recorded (no path of the recording machine)."""
    import os
    if dbg.launch is not None:
        return os.path.abspath(dbg.launch.target)
    argv = list(dbg.header.get("argv") or [dbg.info.name])
    return str(argv[0])


def starting_program(dbg: "Debugger") -> str:
    """gdb's "Starting program: EXEC ARGS": the program's absolute path, a space (there even
    without arguments) and the arguments as given.  A session replays the argv it recorded."""
    if dbg.launch is not None:
        return f"Starting program: {program_path(dbg)} {dbg.launch.args_text}"
    argv = list(dbg.header.get("argv") or [dbg.info.name])
    return f"Starting program: {program_path(dbg)} {shlex.join(argv[1:])}"


def _adopt(dbg: "Debugger", text: str) -> None:
    """Take ``ARGS < FILE``: the arguments, and the file's bytes as standard input."""
    launch = _launch(dbg)
    args, source = parse_run_args(text)
    if source is not None:
        launch.stdin = read_input(source)
    else:
        launch.stdin = launch.base_stdin
    launch.redirected = source is not None
    launch.args = args
    launch.args_text = text.strip()


def read_input(path: str) -> "Input":
    """A file given as standard input, read whole (the session keeps what the program reads)."""
    from vmdebug.debugger.launch import Input
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_INPUT + 1)
    except OSError as exc:
        raise DebugError(f"{path}: {exc.strerror or exc}.") from None
    if len(data) > MAX_INPUT:
        raise DebugError(f"{path}: more than {MAX_INPUT >> 20} MiB of input.")
    return Input(data, path)


def set_stdin(dbg: "Debugger", value: str) -> None:
    """vmdebug's ``set stdin FILE``: the input of the runs to come when ``run`` names none
    (``run < FILE`` wins, as a shell's redirection wins over gdb's inferior-tty).  Without
    FILE, the input vmdebug started with: ``--stdin FILE``, the terminal, or none."""
    launch = _launch(dbg)
    try:
        words = shlex.split(value)
    except ValueError as exc:
        raise DebugError(f"Cannot parse the file name: {exc}.") from None
    if len(words) > 1:
        raise DebugError("Junk at end of arguments.")
    launch.base_stdin = read_input(words[0]) if words else launch.initial_stdin
    if not launch.redirected:
        launch.stdin = launch.base_stdin


def set_inferior_tty(dbg: "Debugger", value: str) -> None:
    """gdb's ``set inferior-tty TTY`` (and ``tty``): the program's terminal is the debugger's,
    gdb's default; another one is refused, with the command that gives it a file instead."""
    if value.strip():
        raise DebugError("The program shares the debugger's terminal; it cannot have another "
                         "(set stdin FILE gives it a file as its input).")


def show_inferior_tty(dbg: "Debugger") -> None:
    dbg.write('Terminal for future runs of program being debugged is "".')


@command("tty", category="running", example="/dev/pts/1")
def cmd_tty(dbg: "Debugger", arg: str) -> None:
    """Set the terminal of the runs to come (gdb's alias of set inferior-tty); vmdebug's
    program always shares the debugger's.

    Usage: tty [TTY]"""
    set_inferior_tty(dbg, arg)


def show_stdin(dbg: "Debugger") -> None:
    if dbg.launch is None:
        dbg.write("Standard input of the recorded run is in the session: the bytes the program read.")
        return
    dbg.write(f"Standard input for future runs of program being debugged is {dbg.launch.stdin.describe()}.")


def set_args(dbg: "Debugger", value: str) -> None:
    _adopt(dbg, value)


def show_args(dbg: "Debugger") -> None:
    import shlex
    text = dbg.launch.args_text if dbg.launch is not None else shlex.join(list(dbg.header.get("argv", [""]))[1:])
    dbg.write(f'Argument list to give program being debugged when it is started is "{text}".')


def set_environment(dbg: "Debugger", value: str) -> None:
    """gdb's set environment VAR=VALUE, or VAR VALUE (set_environment_command)."""
    launch = _launch(dbg)
    text = value.strip()
    if not text:
        raise DebugError("Argument required (environment variable and value).")
    eq = text.find("=")
    sp = text.find(" ")
    if eq > 0 and (sp < 0 or eq < sp):
        name, val = text[:eq].rstrip(), text[eq + 1:].lstrip()
    elif sp > 0:
        name, val = text[:sp], text[sp + 1:].strip()
        if val.startswith("="):
            val = val[1:].lstrip()
    else:
        name, val = text, ""
        dbg.write(f"Setting environment variable \"{name}\" to null value.")
    launch.env = [e for e in launch.env if e.split("=", 1)[0] != name] + [f"{name}={val}"]


@command("unset environment", aliases=("unset env",), category="running", example="HOME")
def cmd_unset_environment(dbg: "Debugger", arg: str) -> None:
    """Remove a variable from the environment the program starts with (all of them without NAME).

    Usage: unset environment [NAME]"""
    launch = _launch(dbg)
    name = arg.strip()
    if not name:
        if not dbg.interactive:
            dbg.write("Delete all environment variables? (y or n) [answered Y; input not from terminal]")
        launch.env = []
        return
    launch.env = [e for e in launch.env if e.split("=", 1)[0] != name]


def show_environment(dbg: "Debugger", name: str) -> None:
    """gdb's environment_info: one variable as NAME = VALUE, or all as NAME=VALUE."""
    env = dbg.launch.env if dbg.launch is not None else list(dbg.header.get("env", []))
    name = name.strip()
    if name:
        for e in env:
            key, _, val = e.partition("=")
            if key == name:
                dbg.write(f"{key} = {val}")
                return
        dbg.write(f'Environment variable "{name}" not defined.')
        return
    for e in env:
        dbg.write(e)
