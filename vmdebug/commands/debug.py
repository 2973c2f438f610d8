"""``vmdebug debug``: the time-travel debugger, with gdb's command-line options.

    vmdebug debug [-ex CMD]... [-x FILE] [-batch] PROG|SESSION.vmlog [ARGS...]

On a program (.s, .c or i386 ELF) the run is recorded as the cursor moves
forward; on a session file it is replayed from step 0.  As in gdb, ``-ex``
commands run in order, ``-x`` runs a command file, and ``-batch`` exits
after them with status 1 if the last command failed (0 otherwise).  Without
``-batch`` the prompt_toolkit REPL starts (or, when stdin is not a terminal,
commands are read from it line by line).
"""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from vmdebug.commands import help_line
from vmdebug.errors import UserError
from vmdebug.commands.options import (add_program_options, check_program_options, environment, files_from_args,
                                      stdin_from_file)

if TYPE_CHECKING:
    from vmdebug.debugger.launch import Input
    from vmdebug.debugger.session import Debugger


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("debug", help=help_line("debug"),
                       description="Debug a program (recorded as it runs) or a session file (replayed).")
    p.add_argument("-ex", dest="ex", action="append", default=[], metavar="CMD",
                   help="run this debugger command (repeatable, in order)")
    p.add_argument("-x", dest="xfile", action="append", default=[], metavar="FILE",
                   help="run the debugger commands in FILE")
    p.add_argument("-batch", "--batch", dest="batch", action="store_true",
                   help="exit after the -ex/-x commands (status 1 if the last one failed)")
    p.add_argument("-q", "-quiet", "--quiet", dest="quiet", action="store_true", help="no banner")
    add_program_options(p, sessions=True, stdin_default="debug")
    p.set_defaults(func=cmd_debug)


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _raw(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _err(text: str) -> None:
    sys.stdout.flush()
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def run_script(dbg: "Debugger", path: str, lines: list[str]) -> bool:
    """A command file, as gdb's ``-x``/``source``: the first failing command ends it."""
    feed = iter(enumerate(lines, 1))

    def next_line(prompt: str) -> str | None:
        """The file's next line, for a command that reads on (``commands``)."""
        item = next(feed, None)
        return None if item is None else item[1]
    saved = dbg.read_line
    dbg.read_line = next_line
    try:
        for number, line in feed:
            dbg.fail_header = f"{path}:{number}: Error in sourced command file:"
            if not dbg.execute(line):
                return False
        return True
    finally:
        dbg.read_line = saved
        dbg.fail_header = ""


def _stdin_line(prompt: str) -> str | None:
    """A line of stdin for a command that reads more (``commands`` after ``-ex``), after
    the prompt gdb prints for it; None at its end."""
    _raw(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\n") if line else None


def _at_terminal() -> bool:
    """The REPL runs: stdin and stdout are a terminal."""
    return sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty()


def program_input(args: argparse.Namespace, terminal: bool) -> "Input":
    """The recorded program's standard input: ``--stdin FILE``, else the terminal if the
    debugger runs in one, else nothing."""
    from vmdebug.debugger.launch import Input
    if getattr(args, "stdin", None):
        return Input(stdin_from_file(args), args.stdin)
    return Input(sys.stdin.buffer) if terminal else Input()


def cmd_debug(args: argparse.Namespace) -> int:
    from vmdebug.debugger.session import open_debugger
    from vmdebug.debugger.values import QuitRequest
    check_program_options(args)
    # As in gdb, the program shares the terminal with the REPL: it reads it when it runs.
    # Batch mode and commands from a pipe leave it nothing to read (the pipe holds commands).
    terminal = not args.batch and _at_terminal()
    dbg = open_debugger(args.program, list(args.args), _out, _err, stdin=program_input(args, terminal),
                        layout=args.layout,
                        memory_mib=args.memory, opt=args.opt, max_steps=args.max_steps, env=environment(args),
                        files=files_from_args(args))
    dbg.out.raw = _raw     # echo, output and printf may end mid-line, as gdb's do
    scripts: list[tuple[str, list[str]]] = []
    for path in args.xfile:
        try:
            with open(path, encoding="utf-8") as f:
                scripts.append((path, f.read().splitlines()))
        except OSError as exc:
            raise UserError(f"{path}: {exc.strerror}") from None
    ok = True
    try:
        # gdb's from_tty: 0 for -x files, !batch for -ex, 1 for commands from stdin.
        dbg.interactive = False
        for path, lines in scripts:
            ok = run_script(dbg, path, lines)
        dbg.interactive = not args.batch
        dbg.read_line = _stdin_line
        for line in args.ex:
            ok = dbg.execute(line)
        if args.batch:
            return 0 if ok else 1
        dbg.interactive = True
        if _at_terminal():
            from vmdebug.debugger.repl import run_repl
            run_repl(dbg, banner=not args.quiet)
        else:
            dbg.read_line = lambda prompt: (sys.stdin.readline() or None)
            for line in sys.stdin:
                ok = dbg.execute(line.rstrip("\n"))
    except QuitRequest:
        pass
    return 0
