"""The file-scope symbols and blocks gdb reads from the ELF ``vmdebug elf`` writes.

gcc's DWARF gives them through :mod:`vmdebug.debuginfo.gdbsymtab`; hand-written
assembly (crt0.s, a ``.s`` program) has the small units the ELF writer adds
for it (:func:`vmdebug.toolchain.dwarf_line.build_dwarf`: a ``void NAME(void)``
subprogram per function symbol, no variables or types), which gdb reads as
well.  Also gdb's ``block_for_pc`` over both.
"""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from vmdebug.debuginfo import ctype as T
from vmdebug.debuginfo.gdbsymtab import GLOBAL_BLOCK, STATIC_BLOCK, GdbBlock, GdbSymbol, symtab_of

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger


class ProgramSymbols:
    """The file-scope symbols gdb reads from the ELF ``vmdebug elf`` writes: gcc's DWARF
    and, for hand-written assembly (crt0.s, a .s program), the small units the ELF writer
    makes for it (:func:`vmdebug.toolchain.dwarf_line.build_dwarf`: a subprogram per
    function symbol, no variables or types)."""

    def __init__(self, dbg: "Debugger") -> None:
        self.table = symtab_of(dbg.debug) if dbg.debug is not None else None
        self.asm: list[GdbSymbol] = []
        self.asm_ranges: list[tuple[int, int]] = []
        self.asm_blocks: list[GdbBlock] = []          # the static block of each assembly unit
        self.asm_functions: list[GdbBlock] = []
        image = dbg.header.get("image") if isinstance(dbg.header, dict) else None
        if isinstance(image, dict) and "segments" in image:
            try:
                self._asm_units(image)
            except Exception:          # an image the ELF writer could not describe either
                self.asm, self.asm_ranges, self.asm_blocks, self.asm_functions = [], [], [], []
        self.symbols = (self.table.file_symbols() if self.table is not None else []) + self.asm
        self.var_names = {s.name for s in self.symbols if s.domain == "var"}
        self.units = dbg.debug.units if dbg.debug is not None else []

    def _asm_units(self, image_dict: dict[str, Any]) -> None:
        from vmdebug.toolchain.dwarf_line import DW_LANG_Mips_Assembler, split_units
        from vmdebug.toolchain.image import Image
        image = Image.from_dict(image_dict)
        if not image.lines.entries:
            return
        units = split_units(image)
        if image.debug.get(".debug_info"):
            units = [u for u in units if u.language == DW_LANG_Mips_Assembler]
        for unit in units:
            self.asm_ranges.extend(unit.ranges)
            files = unit.files()
            glob = GdbBlock(list(unit.ranges), None, False)
            static = GdbBlock(list(unit.ranges), glob, False)
            self.asm_blocks.append(static)
            for f in unit.functions:
                if not f.name or f.high <= f.low or f.low == 0:
                    continue
                ftype = T.CType("func", None, 1, T.VOID)
                ftype.prototyped = unit.language == DW_LANG_Mips_Assembler
                file = files[f.decl_file - 1] if 1 <= f.decl_file <= len(files) else unit.name
                sym = GdbSymbol(f.name, "block", None, None,  # type: ignore[arg-type]
                                block=GLOBAL_BLOCK if f.external else STATIC_BLOCK, file=file, line=f.decl_line)
                sym._type, sym._typed = ftype, True
                sym.value = GdbBlock([(f.low, f.high)], None, True)
                self.asm.append(sym)
                (glob if f.external else static).symbols.append(sym)
                self.asm_functions.append(sym.value)

    def block_at(self, dbg: "Debugger", pc: int) -> GdbBlock | None:
        """block_for_pc: the innermost block at ``pc``; outside every function, the unit's
        static block (unless gdb has an address map for the unit), else none."""
        if dbg.debug is not None and self.table is not None:
            fn = dbg.debug.function_at(pc)
            if fn is not None and fn.unit is not None:
                tree = self.table.function_tree(fn)
                if tree is not None and tree.contains(pc):
                    return tree.innermost(pc)
            for unit in dbg.debug.units:
                if unit.contains(pc):
                    return None if self.table.has_address_map(unit) else self.table.file_blocks(unit)
        for f in self.asm_functions:
            if f.contains(pc):
                return f
        for static in self.asm_blocks:
            if static.contains(pc):
                return static
        return None

    def in_unit(self, addr: int) -> bool:
        """find_pc_compunit_symtab finds a unit for the address."""
        return any(u.contains(addr) for u in self.units) or any(lo <= addr < hi for lo, hi in self.asm_ranges)


_PROGRAMS: "weakref.WeakKeyDictionary[Any, ProgramSymbols]" = weakref.WeakKeyDictionary()


def program_symbols(dbg: "Debugger") -> ProgramSymbols:
    found = _PROGRAMS.get(dbg.info)
    if found is None:
        found = _PROGRAMS[dbg.info] = ProgramSymbols(dbg)
    return found
