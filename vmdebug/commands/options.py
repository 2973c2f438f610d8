"""The options every command that runs a program shares: run, record, debug and serve.

One definition, so the four commands spell, default and check them the same way.
"""
from __future__ import annotations

import argparse
import sys
from typing import BinaryIO

from vmdebug.errors import UserError
from vmdebug.machine.limits import DEFAULT_MAX_STEPS, DEFAULT_NFRAMES, LAYOUT_NAMES


#: What --stdin replaces, as each command says it in --help.
STDIN_DEFAULT = {
    "run": "vmdebug's own standard input: a terminal read line by line as the program asks, or a pipe or file",
    "debug": "the terminal in the interactive debugger; nothing (end of file) with -batch or when the "
             "commands come from a pipe",
    "serve": "nothing (end of file)",
}


def add_program_options(p: argparse.ArgumentParser, *, sessions: bool = False, stdin_default: str = "run") -> None:
    """-O, --layout, --max-steps, --memory, --env, -i, --file, --stdin FILE, then PROG and its ARGS."""
    p.add_argument("-O", dest="opt", default="0", metavar="LEVEL", help="gcc optimisation level for .c files")
    p.add_argument("--layout", choices=LAYOUT_NAMES, default="i386",
                   help="i386: 3G/1G kernel, stack top 0xc0000000; compat: 32-bit process on x86-64, 0xffffe000")
    p.add_argument("--max-steps", type=int, default=DEFAULT_MAX_STEPS, help="stop after this many instructions")
    p.add_argument("--memory", type=int, default=DEFAULT_NFRAMES // 256, metavar="MIB",
                   help="simulated physical memory in MiB")
    p.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                   help="put NAME=VALUE in the program's environment (repeatable)")
    p.add_argument("-i", "--ignore-environment", action="store_true",
                   help="start from an empty environment (it is empty unless --env adds to it)")
    p.add_argument("--file", action="append", default=[], metavar="PATH", dest="files",
                   help="a file (or a directory's files) the program can open, by its name (repeatable); "
                        "the session keeps it")
    p.add_argument("--stdin", metavar="FILE",
                   help="the program's standard input comes from FILE (every byte it reads is recorded); "
                        f"default: {STDIN_DEFAULT[stdin_default]}")
    if sessions:
        p.add_argument("program", metavar="PROG|SESSION", help=".s, .c, i386 ELF, or a .vmlog session")
    else:
        p.add_argument("program", metavar="PROG", help=".s, .c or i386 ELF file")
    p.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS", help="arguments for the program")


def check_program_options(args: argparse.Namespace) -> None:
    """One-line errors for values argparse cannot check by itself."""
    if args.max_steps <= 0:
        raise UserError("--max-steps must be positive")
    if not 1 <= args.memory <= 4096:
        raise UserError("--memory must be between 1 and 4096 MiB")
    for item in getattr(args, "env", []):
        if "=" not in item or not item.split("=", 1)[0] or "\0" in item:
            raise UserError(f"--env {item!r}: expected NAME=VALUE")


def environment(args: argparse.Namespace) -> list[str]:
    """The program's environment: ``--env`` entries in order, a later NAME replacing an
    earlier one.  Nothing of the user's own environment is passed on (not even without
    ``-i``): the same command gives the same session bytes on any machine."""
    env: dict[str, str] = {}
    for item in getattr(args, "env", []):
        name, value = item.split("=", 1)
        env.pop(name, None)
        env[name] = value
    return [f"{k}={v}" for k, v in env.items()]


def files_from_args(args: argparse.Namespace) -> dict[str, bytes]:
    """The contents of the ``--file`` arguments, by the names the program opens them by."""
    paths = list(getattr(args, "files", []))
    if not paths:
        return {}           # (without importing the kernel's file system: debug on a session)
    from vmdebug.machine.files import load_files
    return load_files(paths)


def stdin_from_file(args: argparse.Namespace) -> bytes:
    """The contents of ``--stdin FILE`` (empty without it)."""
    if not getattr(args, "stdin", None):
        return b""
    try:
        with open(args.stdin, "rb") as f:
            return f.read()
    except OSError as exc:
        raise UserError(f"{args.stdin}: {exc.strerror}") from None


def open_stdin(args: argparse.Namespace) -> "BinaryIO | bytes":
    """``vmdebug run``'s and ``record``'s input, read as the program asks: ``--stdin FILE``,
    else vmdebug's own standard input (nothing if it has none)."""
    if getattr(args, "stdin", None):
        try:
            return open(args.stdin, "rb")
        except OSError as exc:
            raise UserError(f"{args.stdin}: {exc.strerror}") from None
    return b"" if sys.stdin is None else sys.stdin.buffer


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost): ``serve`` and
    ``web`` listen there by default, and warn when asked to listen anywhere else."""
    import ipaddress
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
