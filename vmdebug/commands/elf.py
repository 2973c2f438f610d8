"""``vmdebug elf PROG -o OUT``: the simulator's image as an i386 ELF executable.

    vmdebug elf prog.s -o prog         # assembled and linked by vmdebug
    vmdebug elf prog.c [-O N] -o prog  # compiled by gcc, then as above

The file holds exactly the bytes the simulator loads, with a symbol table
and gcc's whole DWARF (types, variables, scopes, lines, call frames), so
gdb, objdump and readelf see the program the simulator runs (and it runs
natively, too).  Hand-written assembly gets line and function records.  ``vmdebug serve --gdb`` expects
gdb to load this file.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from vmdebug.commands import help_line
from vmdebug.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("elf", help=help_line("elf"),
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("program", help="a .s or .c file")
    parser.add_argument("-o", dest="output", help="the ELF to write (default: PROG without its suffix)")
    parser.add_argument("-O", dest="opt_level", default="0", metavar="LEVEL",
                        help="gcc optimisation level for a .c file (default 0)")
    parser.add_argument("--no-debug", action="store_true", help="omit the debug information")
    parser.set_defaults(func=run)


def output_path(program: Path, output: str | None) -> Path:
    """``-o`` or the program's name without its suffix; never the source itself."""
    out = Path(output) if output else program.with_suffix("")
    if out.exists() and out.resolve() == program.resolve():
        raise UserError(f"{out}: refusing to overwrite the source file")
    if out.is_dir():
        raise UserError(f"{out}: is a directory")
    return out


def run(args: argparse.Namespace) -> int:
    from vmdebug.commands.objdump import load_image
    from vmdebug.toolchain.elf_writer import ElfWriteError, write_elf
    from vmdebug.toolchain.gcc import CompilerError, check_opt_level

    check_opt_level(args.opt_level)
    program = Path(args.program)
    out = output_path(program, args.output)
    try:
        image = load_image(args.program, args.opt_level)
    except CompilerError as exc:
        sys.stderr.write(exc.stderr)                    # gcc's diagnostics as gcc printed them
        return 1
    try:
        # Hand-written assembly is named relative to the directory it was given from
        # (toolchain.link.program_name): that is its units' DW_AT_comp_dir.
        from vmdebug.toolchain.link import program_name

        name = program_name(program)
        full = os.path.abspath(program)
        comp_dir = full[:-len(name)].rstrip("/") or "/" if full.endswith(name) else os.getcwd()
        write_elf(image, out, comp_dir=comp_dir, debug=not args.no_debug)
    except ElfWriteError as exc:
        raise UserError(f"{args.program}: {exc}") from None
    except OSError as exc:
        raise UserError(f"{out}: {exc.strerror or exc}") from None
    return 0
