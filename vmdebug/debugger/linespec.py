"""gdb's linespecs: where ``break``, ``tbreak``, ``until`` and ``advance`` go.

A port of gdb 13's linespec.c and the parts of symtab.c it relies on, over
gdb's own line tables (:mod:`vmdebug.debuginfo.lines`):

* ``FILE:LINE`` and ``LINE`` (create_sals_line_offset): every statement row
  of exactly that line in every file of that name, else of the nearest later
  line that has one; of several rows in one block only the first is kept;
  each is moved past its function's prologue when the unit needs it
  (skip_prologue_sal).  One line can therefore mean several locations: an
  inlined function's line in each of its callers.
* ``FUNCTION``: every function of that name, out of line and inlined, at its
  entry or after its prologue (find_function_start_sal).
* ``*ADDRESS``: exactly there.

Whether the prologue is skipped follows gdb: not when the unit's
``locations_valid`` (gcc >= 4.5 with location lists, i.e. optimised code:
its variables are right from the first instruction), otherwise past what
i386_skip_prologue finds (:mod:`vmdebug.debugger.prologue`), to the end of
that line.  Hand-written assembly is never adjusted.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from events.record import Record
from vmdebug.debugger.prologue import skip_prologue
from vmdebug.debugger.values import DebugError, NotFoundError

if TYPE_CHECKING:
    from collections.abc import Callable

    from vmdebug.debugger.session import Debugger
    from vmdebug.debuginfo.symbols import Block


class Location(Record):
    """One place a breakpoint stops (gdb's bp_location)."""

    def __init__(self, address: int, file: str | None = None, line: int | None = None,
                 symbol: "Block | None" = None, enabled: bool = True) -> None:
        self.address = address
        self.file = file  # full path of the line's file (a key of the sources)
        self.line = line
        self.symbol = symbol  # the function (or inlined function) block it is in
        self.enabled = enabled

    @property
    def function_name(self) -> str | None:
        b = self.symbol
        if b is None:
            return None
        return b.inlined.function.name if b.inlined is not None else getattr(b, "name", None)


def _entry(block: "Block") -> int:
    return block.entry_pc if block.entry_pc is not None else block.low


def _containing_function(block: "Block | None") -> "Block | None":
    """gdb block_containing_function: the innermost function or inlined-function block."""
    from vmdebug.debuginfo.symbols import Function
    b = block
    while b is not None and not isinstance(b, Function) and b.inlined is None:
        b = b.parent
    return b


class Resolver:
    """Linespec answers for one debugger (its program, line tables and code)."""

    def __init__(self, dbg: "Debugger") -> None:
        self.dbg = dbg
        self.info = dbg.info
        self.debug = dbg.debug

    def read(self, addr: int, size: int) -> bytes | None:
        data, bad = self.dbg.memory.try_read(addr, size)
        return data if bad is None else None

    # ---- what gdb knows about a pc -------------------------------------------------
    def symbol_at(self, pc: int) -> "Block | None":
        """find_pc_sect_containing_function: the (inlined) function block holding ``pc``."""
        return _containing_function(self.debug.block_at(pc)) if self.debug is not None else None

    def _dwarf_function(self, pc: int) -> Any:
        return self.debug.function_at(pc) if self.debug is not None else None

    def _locations_valid(self, fn: Any) -> bool:
        return fn is not None and fn.unit is not None and self.debug.locations_valid(fn.unit)

    def _is_asm(self, pc: int) -> bool:
        """Hand-written assembly (gdb's language_asm: vmdebug elf's unit for it says so):
        code without gcc's DWARF whose line is in a ``.s`` file.  (C from a session older
        than the DWARF has lines too, and gets gdb's prologue analysis.)"""
        if self._dwarf_function(pc) is not None:
            return False
        found = self.info.line_for(pc)
        return found is not None and found[0].endswith((".s", ".S"))

    def _sal(self, pc: int) -> tuple[str | None, int | None, int, int]:
        """find_pc_line: (file, line, pc, end)."""
        found = self.info.sal(pc)
        if found is None:
            return None, None, pc, 0
        return found

    def skip_prologue_sal(self, loc: Location) -> None:
        """symtab.c skip_prologue_sal for a location found by line or function."""
        if self._is_asm(loc.address):
            return
        fn = self._dwarf_function(loc.address)
        if fn is not None:
            start, end = _entry(fn), fn.high
        else:
            sym = self.info.function_at(loc.address)
            if sym is None:
                return
            start, end = sym.address, self.info.function_end(sym)
        if self._locations_valid(fn):
            return                     # gdb's second pass: the entry pc itself, already <= loc
        pc = skip_prologue(self.read, start)
        file, line, sal_pc, sal_end = self._sal(pc)
        if sal_pc != pc and sal_end and start <= sal_end < end:
            pc = sal_end
            file, line, sal_pc, sal_end = self._sal(pc)
        if loc.address >= pc:
            return
        loc.address, loc.file, loc.line = pc, file, line
        # Inside an inlined function now: the location is its outermost call site.
        if self.debug is not None:
            from vmdebug.debuginfo.symbols import Function
            b = self.debug.block_at(pc)
            outer_inline = None
            while b is not None:
                if b.inlined is not None:
                    outer_inline = b
                elif isinstance(b, Function):
                    break
                b = b.parent
            if outer_inline is not None and outer_inline.inlined.call_line:
                loc.file, loc.line = outer_inline.inlined.call_file, outer_inline.inlined.call_line

    def step_entry(self, start: int, end: int) -> int:
        """infrun.c handle_step_into_function: where ``step`` stops entering a function
        that starts at ``start`` - past its prologue, to the end of that line."""
        if self._is_asm(start):
            return start
        pc = skip_prologue(self.read, start)
        _f, _l, sal_pc, sal_end = self._sal(pc)
        if sal_end and sal_pc != pc and sal_end < end:
            pc = sal_end
        return pc

    # ---- linespecs ------------------------------------------------------------------------
    def resolve(self, spec: str, default_file: Callable[[], str | None]) -> list[Location]:
        """Where a linespec points. ``default_file`` is asked only for a bare line number: finding
        gdb's default file reads every unit's line table, which ``break main`` does not need."""
        spec = spec.strip()
        if spec.startswith("*"):
            addr = self.dbg.eval_int(spec[1:]) & 0xFFFFFFFF
            file, line, _p, _e = self._sal(addr)
            return [Location(addr, file, line, self.symbol_at(addr))]
        if ":" in spec:
            file, _, rest = spec.rpartition(":")
            file = file.strip()
            rest = rest.strip()
            if not rest.isdigit():
                return self.by_function(rest, file)
            return self.by_line(file, int(rest), explicit_file=True)
        if spec.isdigit():
            default_file = default_file()
            if default_file is None or (self.info.lines is None and self.info.gdb_lines is None):
                raise DebugError('No symbol table is loaded.  Use the "file" command.')   # select_source_symtab: a plain error
            return self.by_line(default_file, int(spec), explicit_file=False)
        return self.by_function(spec)

    def by_line(self, file: str, line: int, explicit_file: bool) -> list[Location]:
        gl = self.info.gdb_lines
        subs = gl.subfiles_named(file) if gl is not None else []
        if not subs:
            if self.info.lines is not None and self.info.lines.match_file(file) is not None:
                return self._asm_line(file, line)
            if not explicit_file:
                raise DebugError('No symbol table is loaded.  Use the "file" command.')   # select_source_symtab: a plain error
            raise NotFoundError(f"No source file named {file}.")
        found, best = gl.pcs_for_line(subs, line)
        if not found and best is not None:
            line = best
            found, _ = gl.pcs_for_line(subs, line)
        blocks = [self.debug.block_at(pc) if self.debug is not None else None for _s, pc in found]
        keep = [True] * len(found)
        for i in range(len(found)):             # of several pcs in one block, the first
            if blocks[i] is not None:
                for j in range(i + 1, len(found)):
                    if blocks[j] is blocks[i]:
                        keep[j] = False
                        break
        out = []
        for (sub, pc), block, k in zip(found, blocks, keep):
            if not k:
                continue
            loc = Location(pc, sub.path, line, _containing_function(block))
            self.skip_prologue_sal(loc)
            out.append(loc)
        if not out:
            if explicit_file:
                raise NotFoundError(f'No line {line} in file "{file}".')
            raise NotFoundError(f"No line {line} in the current file.")
        return out

    def _asm_line(self, file: str, line: int) -> list[Location]:
        """A line of hand-written assembly: the first address of it or of the next line with code."""
        found = self.info.line_addresses(file, line)
        if found is None:
            raise NotFoundError(f'No line {line} in file "{file}".')
        return [Location(found[0], self.info.lines.match_file(file), found[1])]

    def by_function(self, name: str, file: str | None = None) -> list[Location]:
        out: list[Location] = []
        seen: set[int] = set()
        if file is not None and not self._known_file(file):
            raise NotFoundError(f"No source file named {file}.")
        if self.debug is not None:
            # Only the units that name it are read (gdb: the partial symbols pick the units).
            units = self.debug.units_naming(name)
            blocks: list[Block] = [fn for u in units for fn in u.functions if fn.name == name]
            for u in units:
                for fn in u.functions:
                    blocks.extend(_inlined_named(fn, name))
            if file is not None:
                blocks = [b for b in blocks if _declared_in(b, file)]
            for b in blocks:
                loc = self.function_start(b)
                if loc.address not in seen:               # linespec.c maybe_add_address
                    seen.add(loc.address)
                    out.append(loc)
        if not out:
            sym = self.info.lookup(name)
            if file is not None:
                raise NotFoundError(f'Function "{name}" not defined in "{file}".')
            if sym is None or sym.kind == "object" or not self.info.in_text(sym.address):
                raise NotFoundError(f'Function "{name}" not defined.')
            file, line, _p, _e = self._sal(sym.address)
            loc = Location(sym.address, file, line)
            self.skip_prologue_sal(loc)
            out.append(loc)
        return out

    def _known_file(self, file: str) -> bool:
        gl = self.info.gdb_lines
        if gl is not None and gl.subfiles_named(file):
            return True
        return self.info.lines is not None and self.info.lines.match_file(file) is not None

    def function_start(self, block: "Block") -> Location:
        """symtab.c find_function_start_sal with funfirstline."""
        entry = _entry(block)
        file, line, sal_pc, _end = self._sal(entry)
        fn = block.function()
        loc = Location(entry, file, line, block)
        if file is not None and self._locations_valid(fn):
            return loc
        if sal_pc < entry:
            loc.file, loc.line = None, None
        self.skip_prologue_sal(loc)
        return loc


def _declared_in(block: "Block", file: str) -> bool:
    from vmdebug.debuginfo.lines import matches
    fn = block.inlined.function if block.inlined is not None else block
    decl = getattr(fn, "decl_file", "")
    return bool(decl) and (matches(file, decl) or matches(file, decl.rsplit("/", 1)[-1]))


def _inlined_named(block: "Block", name: str) -> list["Block"]:
    out = []
    for b in block.blocks:
        if b.inlined is not None and b.inlined.function.name == name:
            out.append(b)
        out.extend(_inlined_named(b, name))
    return out
