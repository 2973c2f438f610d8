"""The ``vmdebug`` console script.

Subcommands live in :mod:`vmdebug.commands`, one module each, discovered at
start-up.  Every user-facing error is a :class:`vmdebug.errors.UserError`
printed as one line; a traceback is never shown.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from typing import NoReturn

from vmdebug import __version__
from vmdebug.errors import UserError


class Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (the usage is one ``--help`` away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="vmdebug",
        description="Time-travel debugger for a simulated 32-bit Linux process.",
    )
    parser.add_argument("--version", action="version", version=f"vmdebug {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    import vmdebug.commands as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"vmdebug.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        parser = build_parser()
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


if __name__ == "__main__":
    sys.exit(main())
