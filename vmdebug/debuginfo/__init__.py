"""The program's debug information: gcc's DWARF, read once, asked by address and by name.

:class:`DebugInfo` is what the debugger knows about a C program beyond its
ELF symbols: every compile unit with its functions, blocks, variables and
types (:mod:`.symbols`, :mod:`.reader`), the call frame information
(:mod:`.unwind`), and gdb's rules for finding a name - the block at the pc
and the blocks around it, then the file's statics, then every unit's
globals, then the other files' statics (gdb/symtab.c lookup_symbol_aux).
"""
from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Loaded with the DWARF reader, not with the package: ``vmdebug run`` imports
    # :mod:`.valprint_symbols` (so this package) and never reads DWARF (issue #17: start-up).
    from vmdebug.debuginfo.ctype import CType
    from vmdebug.debuginfo.symbols import Block, Function, Unit, Variable


class DebugInfo:
    """Everything gcc's DWARF says about one linked program."""

    def __init__(self, sections: dict[str, bytes]) -> None:
        from vmdebug.debuginfo.reader import Reader, dwarf_info
        from vmdebug.debuginfo.unwind import CallFrames

        self.dwarf: Any = dwarf_info(sections)
        self._line_section = sections.get(".debug_line", b"")
        self._line_tables: Any = None
        self._valid: dict[int, bool] = {}
        #: The reader keeps its types by DIE offset (``info scope`` names types by offset).
        self.reader: Reader | None = Reader(self.dwarf) if self.dwarf is not None else None
        self.units: list[Unit] = self.reader.read() if self.reader is not None else []
        self.frames = CallFrames(self.dwarf)
        #: The functions' address spans (low, high, DIE offset, unit), of the units asked
        #: about so far: a unit's top-level DIEs are read when an address in it is first asked
        #: for, and a function in full only when it is found (:meth:`function_at`).
        self._spans: list[tuple[int, int, int, Unit]] = []
        self._lows: list[int] = []
        self._spanned: set[int] = set()        # units whose functions are in _spans
        self._names: dict[int, set[str] | None] | None = None     # Reader.skim's, on first need

    def _spans_for(self, pc: int) -> None:
        """Put the functions of the units that may hold ``pc`` into the spans: those whose
        ranges hold it, and those with no ranges (they could hold anything)."""
        if len(self._spanned) == len(self.units) or self.reader is None:
            return
        new = [u for u in self.units if u.offset not in self._spanned and (u.contains(pc) or not u.ranges)]
        if not new:
            return
        spans = self._spans
        for unit in new:
            self._spanned.add(unit.offset)
            spans.extend((lo, hi, die, unit) for lo, hi, die in self.reader.function_spans(unit))
        spans.sort(key=lambda s: (s[0], -s[1], s[2]))
        self._lows = [s[0] for s in spans]

    def units_naming(self, name: str) -> list[Unit]:
        """The units, in order, that may declare a file-scope function or variable ``name``
        (or hold a function inlined under it: its abstract DIE is at the unit's top level),
        so a search by name reads those units only."""
        if self._names is None:
            self._names = self.reader.skim() if self.reader is not None else {}
        names = self._names
        return [u for u in self.units if u.expanded or names.get(u.offset) is None or name in names[u.offset]]

    def functions_named(self, name: str) -> list[Function]:
        """The functions called ``name`` (a static one in each unit that has one)."""
        return [fn for u in self.units_naming(name) for fn in u.functions if fn.name == name]

    @property
    def line_tables(self) -> Any:
        """gdb's line tables of every unit (:class:`vmdebug.debuginfo.lines.LineTables`)."""
        if self._line_tables is None:
            from vmdebug.debuginfo.lines import LineTables, build
            self._line_tables = LineTables(build(self, self._line_section))
        return self._line_tables

    def locations_valid(self, unit: Unit) -> bool:
        """gdb trusts a unit's code addresses over prologue analysis when gcc >= 4.5 wrote
        it and some variable has a location list (dwarf2/read.c process_full_comp_unit)."""
        cached = self._valid.get(unit.offset)
        if cached is None:
            cached = unit.producer.startswith("GNU ") and _gcc_ge_4_5(unit.producer) and _has_loclist(unit)
            self._valid[unit.offset] = cached
        return cached

    @staticmethod
    def from_image(image: dict[str, Any] | None) -> "DebugInfo | None":
        """The debug information a session's image carries (None without gcc's DWARF)."""
        if not image or not isinstance(image.get("debug"), dict):
            return None
        sections = {str(k): bytes(v) for k, v in image["debug"].items()}
        if not sections.get(".debug_info"):
            return None
        try:
            info = DebugInfo(sections)
        except Exception:                   # a damaged file: fall back to symbols and lines
            return None
        return info if info.units else None

    # ---- by address ------------------------------------------------------------------
    def function_at(self, pc: int) -> Function | None:
        """The function whose code holds ``pc``."""
        self._spans_for(pc)
        k = bisect.bisect_right(self._lows, pc) - 1
        if k >= 0:
            lo, hi, die, unit = self._spans[k]
            if lo <= pc < hi and self.reader is not None:
                return self.reader.function_in(unit, die)
        return None

    def variable_at_die(self, offset: int) -> Variable | None:
        """The variable the DIE at ``offset`` declares (an implicit pointer's target)."""
        return self.reader.variable_at(offset) if self.reader is not None else None

    def block_at(self, pc: int) -> Block | None:
        """The innermost block (lexical or inlined) holding ``pc``."""
        fn = self.function_at(pc)
        return fn.innermost(pc) if fn is not None else None

    def epilogue_unwind_valid(self, unit: Unit) -> bool:
        """gdb trusts the CFI of a unit's epilogues when gcc >= 4.5 wrote it, and otherwise
        unwinds a frame at a ``ret`` by its own rule (dwarf2/read.c process_full_comp_unit,
        i386-tdep.c i386_stack_frame_destroyed_p)."""
        return unit.producer.startswith("GNU ") and _gcc_ge_4_5(unit.producer)

    def unit_at(self, pc: int) -> Unit | None:
        fn = self.function_at(pc)
        if fn is not None:
            return fn.unit
        for unit in self.units:
            if unit.contains(pc):
                return unit
        return None

    # ---- by name -----------------------------------------------------------------------
    def lookup_variable(self, name: str, block: Block | None, unit: Unit | None) -> Variable | Function | None:
        """gdb's lookup_symbol for a C name: the block chain, then file scope."""
        from vmdebug.debuginfo.symbols import Function

        b = block
        while b is not None:
            for v in b.variables:
                if v.name == name:
                    return v
            # The function's block (or an inlined function's) ends the local scope
            # (gdb lookup_local_symbol); file scope is searched next.
            if isinstance(b, Function) or b.inlined is not None:
                break
            b = b.parent
        return self.lookup_static(name, unit)

    def lookup_static(self, name: str, unit: Unit | None) -> Variable | Function | None:
        """A file-scope name: this unit's statics, every unit's globals, other units' statics."""
        if unit is not None:
            found = _in_unit(unit, name, external=None)
            if found is not None:
                return found
        naming = self.units_naming(name)
        units = ([unit] if unit in naming else []) + [u for u in naming if u is not unit]
        for u in units:
            found = _in_unit(u, name, external=True)
            if found is not None:
                return found
        for u in units:
            found = _in_unit(u, name, external=None)
            if found is not None:
                return found
        return None

    def lookup_enumerator(self, name: str, unit: Unit | None) -> tuple[CType, int] | None:
        units = ([unit] if unit is not None else []) + [u for u in self.units if u is not unit]
        for u in units:
            for _key, t in u.all_types:
                if t.kind == "enum":
                    for ename, value in t.enumerators:
                        if ename == name:
                            return t, value
        return None

    def lookup_typedef(self, name: str, unit: Unit | None) -> CType | None:
        units = ([unit] if unit is not None else []) + [u for u in self.units if u is not unit]
        for u in units:
            t = u.types.get(name)
            if t is not None:
                return t
        return None

    def lookup_tag(self, kind: str, name: str, unit: Unit | None) -> CType | None:
        """``struct NAME`` / ``union NAME`` / ``enum NAME``: a complete one if any unit has it."""
        key = f"{kind} {name}"
        units = ([unit] if unit is not None else []) + [u for u in self.units if u is not unit]
        stub = None
        for u in units:
            t = u.tags.get(key)
            if t is not None:
                if not t.stub:
                    return t
                stub = stub or t
        return stub

    def functions(self) -> list[Function]:
        if self.reader is not None:
            self.reader.expand_all()
        return [fn for unit in self.units for fn in unit.functions]


def _in_unit(unit: Unit, name: str, external: bool | None) -> Variable | Function | None:
    """A file-scope variable or function of ``unit`` (only external ones if asked)."""
    for v in unit.variables:
        if v.name == name and (external is None or v.external == external) and not v.declaration:
            return v
    for fn in unit.functions:
        if fn.name == name and (external is None or fn.external == external):
            return fn
    for v in unit.variables:
        if v.name == name and (external is None or v.external == external):
            return v
    return None


def _gcc_ge_4_5(producer: str) -> bool:
    """gdb producer_is_gcc_ge_4 >= 5: "GNU C17 12.2.0 -m32 ..." names gcc 12."""
    import re
    m = re.search(r"\b(\d+)\.(\d+)", producer)
    if m is None:
        return False
    major, minor = int(m.group(1)), int(m.group(2))
    return major > 4 or (major == 4 and minor >= 5)


def _has_loclist(unit: Unit) -> bool:
    def walk(block: Block) -> bool:
        if any(v.ranges is not None for v in block.variables):
            return True
        return any(walk(b) for b in block.blocks)
    return any(walk(fn) for fn in unit.functions)
