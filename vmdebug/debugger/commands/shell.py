"""gdb's ways out to the shell: ``shell``/``!`` and ``pipe``/``|`` (gdb/cli/cli-cmds.c
shell_escape, pipe_command), with the ``$_shell_exitcode``/``$_shell_exitsignal`` they
set (exit_status_set_internal_vars; manual "Shell Commands").

The shell is this machine's, not the recorded program's: it runs now, whatever step
the cursor is at.  Its output is collected and written through the debugger's output
(so a script's results stay in order) rather than straight to the terminal as gdb's is.
"""
from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

from vmdebug.debugger.registry import command
from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger


def _shell() -> str:
    return os.environ.get("SHELL") or "/bin/sh"


def set_exit_status(dbg: "Debugger", returncode: int) -> None:
    """cli-cmds.c exit_status_set_internal_vars: both cleared (void), then the exit code
    if the shell exited, or the signal that ended it (Python's negative return code)."""
    from vmdebug.debugger.evaluate import make_int
    from vmdebug.debuginfo import ctype as T
    dbg.convenience.pop("_shell_exitcode", None)
    dbg.convenience.pop("_shell_exitsignal", None)
    if returncode >= 0:
        dbg.convenience["_shell_exitcode"] = make_int(T.INT, returncode)
    else:
        dbg.convenience["_shell_exitsignal"] = make_int(T.INT, -returncode)


def _written(dbg: "Debugger", done: "subprocess.CompletedProcess[str]") -> None:
    dbg.out.text(done.stdout)
    if done.stderr:
        dbg.error(done.stderr.rstrip("\n"))


@command("shell", aliases=("!",), category="support", files=True, example="true")
def cmd_shell(dbg: "Debugger", arg: str) -> None:
    """Execute the rest of the line as a shell command (no argument: an interactive shell).

    Usage: shell COMMAND   or   !COMMAND
    $_shell_exitcode is its exit code ($_shell_exitsignal the signal that ended it)."""
    shell = _shell()
    try:
        done = subprocess.run([shell, "-c", arg] if arg.strip() else [shell], capture_output=bool(arg.strip()),
                              text=True)
    except OSError as exc:
        raise DebugError(f"Cannot execute {shell}: {exc.strerror}.") from None
    if arg.strip():
        _written(dbg, done)
    set_exit_status(dbg, done.returncode)


@command("pipe", aliases=("|",), category="support", files=True, example="p 1 | cat")
def cmd_pipe(dbg: "Debugger", arg: str) -> None:
    """Send the output of a debugger command to a shell command.

    Usage: pipe [COMMAND] | SHELL_COMMAND      | [COMMAND] | SHELL_COMMAND
           pipe -d DELIM COMMAND DELIM SHELL_COMMAND
    Without COMMAND, the last command typed again.  The command's results and warnings
    go to the shell command; an error it ends with is printed here (gdb's
    execute_command_to_ui_file), and the shell command still reads what came before."""
    delim = "|"
    text = arg.lstrip()
    if text.startswith("-d") and (len(text) == 2 or text[2].isspace()):   # check_for_argument
        rest = text[2:].lstrip()
        delim, _, text = rest.partition(" ")                                # extract_arg
        if not delim:
            raise DebugError("-d requires an argument")
    elif not arg.strip():
        raise DebugError("Missing COMMAND")
    at = text.find(delim)
    if at < 0:
        raise DebugError("Missing delimiter before SHELL_COMMAND")
    gdb_cmd, shell_cmd = text[:at], text[at + len(delim):].strip()
    if not gdb_cmd.strip():
        gdb_cmd = getattr(dbg, "previous_command", "") or ""
        if not gdb_cmd:
            raise DebugError("No previous command to relaunch")
    if not shell_cmd:
        raise DebugError("Missing SHELL_COMMAND")
    piped: list[str] = []
    failure: DebugError | None = None
    with dbg.out.redirected(lambda t: piped.append(t + "\n"), lambda t: piped.append(t + "\n")):
        dbg.out.raw = piped.append          # text without a newline (output, echo) goes as it is
        try:
            dbg.run_command(gdb_cmd)
        except DebugError as exc:
            failure = exc
    try:
        done = subprocess.run([_shell(), "-c", shell_cmd], input="".join(piped), capture_output=True, text=True)
    except OSError:
        raise DebugError(f'Error launching "{shell_cmd}"') from None
    _written(dbg, done)
    if failure is not None:           # pclose, then the error goes on to the top level
        raise failure
    set_exit_status(dbg, done.returncode)
