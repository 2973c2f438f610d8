"""``vmdebug objdump PROG``: the program's code as ``objdump -d -M intel`` prints it.

    vmdebug objdump prog.s        # assembled and linked by vmdebug
    vmdebug objdump prog.c [-O N] # compiled by gcc, then as above

The bytes are those the simulator runs; the layout of the text follows
binutils 2.40 objdump.c (``disassemble_section``/``disassemble_bytes``): a
``Disassembly of section`` line per code section, a ``<symbol>:`` header
wherever a symbol starts, ``...`` for runs of zero bytes, and ``<sym+off>``
after branch targets.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from vmdebug.commands import help_line
from vmdebug.errors import UserError
from vmdebug.toolchain.image import Image, Symbol

SKIP_ZEROES = 8            # objdump.c: more zero bytes than this print as "..."
SKIP_ZEROES_AT_END = 3


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("objdump", help=help_line("objdump"),
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("program", help="a .s or .c file")
    parser.add_argument("-O", dest="opt_level", default="0", metavar="LEVEL",
                        help="gcc optimisation level for a .c file (default 0)")
    parser.set_defaults(func=run)


def load_image(path: str, opt_level: str = "0") -> Image:
    """Build the image of a .s or .c file."""
    from vmdebug.toolchain.link import build_c_program, build_program

    p = Path(path)
    if not p.is_file():
        raise UserError(f"{path}: no such file")
    if p.suffix == ".c":
        from vmdebug.toolchain.gcc import compile_to_asm

        return build_c_program(p, compile_to_asm(p, opt_level))
    if p.suffix in (".s", ".asm", ".S"):
        return build_program(p)
    raise UserError(f"{path}: expected a .s or .c file")


def _rank(sym: Symbol) -> tuple[int, int, int, int, int, str]:
    """objdump.c compare_symbols for symbols at one address: functions, then
    objects, then globals before locals; names starting with '.' last; then by name."""
    return (0 if sym.type == "func" else 1, 0 if sym.type == "object" else 1,
            1 if sym.bind == "local" else 0, 0 if sym.bind != "local" else 1,
            1 if sym.name.startswith(".") else 0, sym.name)


class SymbolIndex:
    """Symbols of one section sorted the way objdump picks them."""

    def __init__(self, image: Image, section: str) -> None:
        syms = [s for s in image.all_symbols() if s.section == section]
        by_addr: dict[int, list[Symbol]] = {}
        for s in syms:
            by_addr.setdefault(s.address, []).append(s)
        self.addresses = sorted(by_addr)
        self.best = {a: sorted(group, key=_rank)[0] for a, group in by_addr.items()}

    def at_or_before(self, address: int) -> Symbol | None:
        import bisect

        k = bisect.bisect_right(self.addresses, address) - 1
        return self.best[self.addresses[k]] if k >= 0 else None

    def name_for(self, address: int) -> str | None:
        sym = self.at_or_before(address)
        if sym is None:
            return None
        off = address - sym.address
        return sym.name if off == 0 else f"{sym.name}+{off:#x}"


def disassemble(image: Image, out: TextIO, name: str) -> None:
    """Write objdump -d -M intel output for every code section of ``image``."""
    from vmdebug.isa.decoder import DecodeError, decode
    from vmdebug.isa.disasm import format_objdump_line

    out.write(f"\n{name}:     file format elf32-i386\n\n")
    for sec in image.sections:
        if "x" not in sec.flags or sec.type == "nobits":
            continue
        out.write(f"\nDisassembly of section {sec.name}:\n")
        index = SymbolIndex(image, sec.name)
        code = image.read(sec.address, sec.size)
        end = sec.address + sec.size
        starts = [a for a in index.addresses if sec.address <= a < end]
        if not starts or starts[0] != sec.address:
            starts.insert(0, sec.address)
        for k, start in enumerate(starts):
            stop = starts[k + 1] if k + 1 < len(starts) else end
            label = index.best.get(start)
            out.write(f"\n{start:08x} <{label.name if label else sec.name}>:\n")
            addr = start
            while addr < stop:
                off = addr - sec.address
                zeros = 0
                while addr + zeros < stop and code[off + zeros] == 0:
                    zeros += 1
                if zeros >= SKIP_ZEROES or (addr + zeros == stop and zeros < SKIP_ZEROES_AT_END and zeros):
                    if addr + zeros != stop:
                        zeros &= ~3
                    out.write("\t...\n")
                    addr += zeros
                    continue
                try:
                    insn = decode(code[off:stop - sec.address], addr)
                except DecodeError:
                    out.write(f"{addr:8x}:\t{code[off]:02x}                   \t(bad)\n")
                    addr += 1
                    continue
                out.write(format_objdump_line(insn, index.name_for) + "\n")
                addr += insn.length


def run(args: argparse.Namespace) -> int:
    image = load_image(args.program, args.opt_level)
    disassemble(image, sys.stdout, args.program)
    return 0
