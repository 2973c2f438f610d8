"""vmdebug cc: compile a C program the way vmdebug does.

    vmdebug cc --native [-O LEVEL] prog.c [-o OUT]   # real i386 ELF, same libc
    vmdebug cc [-O LEVEL] prog.c [-o OUT.s]          # the assembly the simulator runs

The native build is the reference a simulated run is compared against. Debug
information is always on, so -g is accepted and changes nothing.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from events.files import write_atomic
from vmdebug.commands import help_line
from vmdebug.errors import UserError
from vmdebug.toolchain.gcc import CompilerError, check_opt_level, compile_to_asm
from vmdebug.toolchain.native import build_native


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "cc",
        help=help_line("cc"),
        description=__doc__.split("\n\n")[0],
        epilog="The native build is the reference a simulated run is compared against. "
               "Debug information (gcc -g) is always on; -g is accepted and changes nothing.",
    )
    parser.add_argument("source", help="the C file (or, with --native, an Intel-syntax .s file)")
    parser.add_argument("-o", dest="output", help="output file (default: the source's name without its suffix for --native, "
                             "with .s otherwise: prog.c gives prog or prog.s; - writes the assembly to stdout)")
    parser.add_argument("-O", dest="opt_level", default="0", metavar="LEVEL",
                        help="gcc optimisation level: 0 1 2 3 s g (default 0)")
    parser.add_argument("-g", dest="debug_info", action="store_true",
                        help="accepted for gcc's habit; debug information is always on")
    parser.add_argument("--native", action="store_true",
                        help="build a static i386 ELF for the real CPU (gcc -m32 -c, as --32, ld -m elf_i386)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    level = check_opt_level(args.opt_level)
    source = Path(args.source)
    try:
        if args.native:
            out = Path(args.output) if args.output else source.with_suffix("")
            if out.resolve() == source.resolve():
                out = source.with_suffix(".out")
            build_native(source, out, level)
        else:
            if source.suffix != ".c":
                raise UserError(f"{source}: without --native, cc compiles a .c file to assembly")
            out = Path(args.output) if args.output else source.with_suffix(".s")
            text = compile_to_asm(source, level)
            if str(out) == "-":
                sys.stdout.write(text)
            else:
                write_atomic(out, text.encode())
    except CompilerError as exc:
        # gcc's diagnostics exactly as gcc printed them.
        sys.stderr.write(exc.stderr)
        return 1
    return 0
