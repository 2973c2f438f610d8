"""CLI subcommands.

Each module here defines ``register(subparsers)`` which adds its parser and
sets ``func`` (a callable taking the parsed args and returning an exit code).
:data:`COMMANDS` names every subcommand, the module that registers it and its
line in ``vmdebug --help``: the CLI imports only the module of the command it
runs, so ``vmdebug --version`` and ``--help`` load nothing heavy (issue #17).
Adding a command is a module and an entry here.
"""
from __future__ import annotations

#: name -> (module in vmdebug.commands, the help line), in ``vmdebug --help``'s order.
COMMANDS: dict[str, tuple[str, str]] = {
    "cc": ("cc", "compile C with vmdebug's libc (--native: an executable for the real CPU)"),
    "debug": ("debug", "time-travel debugger with gdb's commands (forward and backward)"),
    "elf": ("elf", "write the simulated program as an i386 ELF for gdb/objdump"),
    "log": ("log", "inspect a session file (.vmlog)"),
    "objdump": ("objdump", "disassemble a program as objdump -d -M intel does"),
    "run": ("run", "run a program on the simulated CPU, MMU and kernel"),
    "record": ("run", "run a program and save its whole history as a session file"),
    "serve": ("serve", "serve a program or session to gdb (remote protocol, reverse execution)"),
    "web": ("web", "show a program or session in the browser: memory map, stack, paging over time"),
}


def help_line(name: str) -> str:
    """The one line ``vmdebug --help`` shows for a command."""
    return COMMANDS[name][1]
