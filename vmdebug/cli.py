"""The ``vmdebug`` console script.

Subcommands live in :mod:`vmdebug.commands`, one module each, listed in its
``COMMANDS``.  Only the module of the command being run is imported: the
others are a name and a help line, which is all ``vmdebug --help`` needs.
Every user-facing error is a :class:`vmdebug.errors.UserError` printed as
one line; a traceback is never shown.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import NoReturn

# numpy's OpenBLAS starts a thread per core when numpy is imported, and stops them at exit:
# vmdebug does no linear algebra, and on a busy machine those threads cost a command more
# wall time than the whole import (issue #17: start-up).  A value the user set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from vmdebug import __version__
from vmdebug.errors import UserError


class Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (the usage is one ``--help`` away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser, with the full parser of the command ``argv`` names (every command's when
    ``argv`` is None) and only a name and help line for the others."""
    from vmdebug.commands import COMMANDS

    parser = Parser(
        prog="vmdebug",
        description="Time-travel debugger for a simulated 32-bit Linux process.",
    )
    parser.add_argument("--version", action="version", version=f"vmdebug {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    if argv is None:
        wanted = set(COMMANDS)
    else:
        chosen = next((a for a in argv if not a.startswith("-")), None)
        module_of = COMMANDS[chosen][0] if chosen in COMMANDS else None
        wanted = {name for name, (module, _) in COMMANDS.items() if module == module_of}
    registered: set[str] = set()
    for name, (module_name, help_text) in COMMANDS.items():
        if name in registered:
            continue
        if name in wanted:
            module = importlib.import_module(f"vmdebug.commands.{module_name}")
            before = set(sub.choices)
            module.register(sub)
            registered |= set(sub.choices) - before
        else:
            sub.add_parser(name, help=help_text, add_help=False)
            registered.add(name)
    return parser


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    try:
        parser = build_parser(argv)
    except KeyboardInterrupt:   # Ctrl-C while the subcommands are still importing
        print("vmdebug: interrupted", file=sys.stderr)
        return 130
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        verbatim = getattr(exc, "stderr", None)  # a compiler's own messages, exactly as it printed them
        if isinstance(verbatim, str) and verbatim:
            sys.stderr.write(verbatim)
        else:
            print(f"vmdebug: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("vmdebug: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:      # the file system said no: the path and its reason, on one line
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"vmdebug: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug in vmdebug: still one line, never a traceback
        log = sys.modules.get("events.log")     # (not imported for --version; then it is not this)
        if log is not None and isinstance(exc, log.DamagedLog):   # a session's events, damaged
            print(f"vmdebug: {exc}", file=sys.stderr)
            return 1
        print(f"vmdebug: internal error: {type(exc).__name__}: {exc} (please report this)", file=sys.stderr)
        return 70


def run() -> NoReturn:
    """The ``vmdebug`` command: :func:`main`, then out at once.  Python's own teardown frees
    every object of a session one by one, and the modules, which took 0.06-0.2 s after the
    work and its output were done (issue #17: a whole ``debug -batch`` took 0.7 s).  Nothing
    of vmdebug's waits for it: every file is closed and every thread joined before ``main``
    returns, and the output is flushed here.  (``main`` itself returns, for callers in Python.)"""
    code = main()
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(code)          # a profiler or coverage tool writes its data at exit: let it
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):       # a closed pipe: what it could not take is lost anyway
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
