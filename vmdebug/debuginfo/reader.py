"""Read a program's DWARF with pyelftools into :mod:`vmdebug.debuginfo.symbols`.

The sections come from the linked image (``Image.debug``: gcc's DWARF as
``ld`` would link it), so nothing here needs an ELF file.  The walk follows
gdb's dwarf2/read.c where it decides something visible: base types by
encoding, multi-dimensional arrays as nested arrays, enums unsigned unless
a value is negative, a concrete function or variable taking its name, type
and declaration from its DW_AT_abstract_origin or DW_AT_specification, a
location list's offsets relative to the unit's base address.  The same pass
records the outline of the DIEs gdb's symbol tables are built from
(:mod:`.outline`), with this reader's types, ranges and location lists.
"""
from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any

from elftools.dwarf.dwarfinfo import DebugSectionDescriptor, DWARFInfo, DwarfConfig

from vmdebug.debuginfo import ctype as T
from vmdebug.debuginfo.abbrev import Dwarf
from vmdebug.debuginfo.symbols import Block, Function, InlineCall, LineFile, LocRange, Unit, Variable

SECTIONS = {
    "debug_info_sec": ".debug_info", "debug_aranges_sec": ".debug_aranges", "debug_abbrev_sec": ".debug_abbrev",
    "debug_frame_sec": ".debug_frame", "eh_frame_sec": None, "debug_str_sec": ".debug_str",
    "debug_loc_sec": ".debug_loc", "debug_ranges_sec": ".debug_ranges", "debug_line_sec": ".debug_line",
    "debug_pubtypes_sec": None, "debug_pubnames_sec": None, "debug_addr_sec": ".debug_addr",
    "debug_str_offsets_sec": ".debug_str_offsets", "debug_line_str_sec": ".debug_line_str",
    "debug_loclists_sec": ".debug_loclists", "debug_rnglists_sec": ".debug_rnglists", "debug_sup_sec": None,
    "gnu_debugaltlink_sec": None, "debug_types_sec": None,
}


def dwarf_info(sections: dict[str, bytes]) -> DWARFInfo | None:
    """pyelftools' view of the debug sections (None without .debug_info), its abbreviation
    tables decoded by :mod:`vmdebug.debuginfo.abbrev`."""
    if not sections.get(".debug_info"):
        return None
    kwargs: dict[str, Any] = {}
    for arg, name in SECTIONS.items():
        data = sections.get(name) if name else None
        kwargs[arg] = DebugSectionDescriptor(io.BytesIO(data), name, None, len(data), 0) if data else None
    return Dwarf(DwarfConfig(little_endian=True, machine_arch="x86", default_address_size=4),
                 abbrev_data=sections.get(".debug_abbrev") or b"", info_data=sections[".debug_info"], **kwargs)


_TYPE_WORDS = {"signed", "unsigned", "short", "long", "int", "char", "double", "float"}


def canonical_c_name(name: str) -> str:
    """A C type name as gdb keeps it (c_canonicalize_name, through the C++ name parser):
    ``long long unsigned int`` -> ``unsigned long long``, ``short int`` -> ``short``."""
    words = name.split()
    if (" " not in name and name not in ("signed", "unsigned")) or not set(words) <= _TYPE_WORDS:
        return name
    unsigned = "unsigned" in words
    longs = words.count("long")
    if "char" in words:
        return "signed char" if "signed" in words else "unsigned char" if unsigned else "char"
    if "double" in words or "float" in words:
        return ("long " if longs else "") + ("double" if "double" in words else "float")
    out = ["unsigned"] if unsigned else []
    if "short" in words:
        out.append("short")
    elif longs:
        out += ["long"] * longs
    else:
        out.append("int")
    return " ".join(out)


def _attr(die: Any, name: str, default: Any = None) -> Any:
    a = die.attributes.get(name)
    return default if a is None else a.value


def _str(die: Any, name: str) -> str | None:
    v = _attr(die, name)
    if v is None:
        return None
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)


def origin_chain(die: Any, length: int = 16) -> Iterator[Any]:
    """The DIE, then the one its DW_AT_abstract_origin (else DW_AT_specification) names,
    and so on - where gdb's dwarf2_attr looks for an attribute - at most ``length`` DIEs;
    a reference that cannot be followed ends it.  Each is read only when asked for."""
    yield die
    d = die
    for _ in range(length - 1):
        nxt = None
        for a in ("DW_AT_abstract_origin", "DW_AT_specification"):
            if a in d.attributes:
                try:
                    nxt = d.get_DIE_from_attribute(a)
                except Exception:
                    nxt = None
                break
        if nxt is None:
            return
        yield nxt
        d = nxt


def attr_owner(die: Any, name: str, length: int = 16) -> Any:
    """The DIE of the origin chain holding attribute ``name`` (None if none has it)."""
    for d in origin_chain(die, length):
        if name in d.attributes:
            return d
    return None


class Reader:
    """One pass over every unit; types are memoised by DIE offset."""

    def __init__(self, dwarf: DWARFInfo) -> None:
        self.dwarf = dwarf
        self.types: dict[int, T.CType] = {}
        self.functions: dict[int, Function] = {}      # by DIE offset (abstract ones included)
        self.units: list[Unit] = []
        self._rnglists = None
        self._loclists = None
        self._loclist_memo: dict[tuple[int, str, Any], list[LocRange]] = {}
        self._unit: Unit | None = None
        self._outline_read = False
        self._all_read = False           # every unit expanded (expand_all ran or is running)

    # ---- units --------------------------------------------------------------------
    def read(self) -> list[Unit]:
        """The units, each with its header read: name, ranges, files.  What a unit declares
        is read when first asked for (:meth:`expand`, through ``Unit.scope``)."""
        for cu in self.dwarf.iter_CUs():
            top = cu.get_top_DIE()
            if top.tag not in ("DW_TAG_compile_unit", "DW_TAG_partial_unit"):
                continue
            unit = Unit(_str(top, "DW_AT_name") or "", _str(top, "DW_AT_comp_dir") or "",
                        _str(top, "DW_AT_producer") or "", int(_attr(top, "DW_AT_language", 0)),
                        self.ranges_of(top), cu.cu_offset)
            unit.stmt_list = _attr(top, "DW_AT_stmt_list")
            unit.version = cu.header.version
            unit.address_size = cu.header.address_size
            unit.offset_size = 8 if cu.dwarf_format() == 64 else 4
            self._unit = unit
            unit.files = self._line_files(cu, unit)
            unit.expander = self.expand
            self.units.append(unit)
        return self.units

    def expand(self, unit: Unit) -> None:
        """Read what ``unit`` declares: its functions with their blocks and variables, its
        file-scope variables and its types.  A unit whose DIEs cannot be read declares
        nothing (the debugger then knows its code by ELF symbols and lines, as for a unit
        without DWARF).  An incomplete struct takes another unit's definition, so a unit
        that declares one has every unit read first (:meth:`_resolve_stubs`)."""
        outer = self._unit
        self._unit = unit
        try:
            top = self.dwarf.get_CU_at(unit.offset).get_top_DIE()
            for die in top.iter_children():
                self._unit_child(die, unit)
        except Exception:                   # a damaged unit: nothing of it, rather than half
            unit.scope.clear()
        finally:
            self._unit = outer
        if not self._all_read and any(t.stub and t.name for t in self.types.values()):
            self.expand_all()

    def function_spans(self, unit: Unit) -> list[tuple[int, int, int]]:
        """(low, high, DIE offset) of each range of the unit's top-level functions with code,
        from those DIEs alone - what gdb's partial symbols hold for finding the function at
        an address without reading the unit in full.  Empty for a unit whose DIEs cannot
        be read (its code is then known by ELF symbols and lines, as :meth:`expand` leaves
        it)."""
        spans: list[tuple[int, int, int]] = []
        try:
            for die in self.dwarf.get_CU_at(unit.offset).get_top_DIE().iter_children():
                if die.tag == "DW_TAG_subprogram":
                    spans.extend((lo, hi, die.offset) for lo, hi in self.ranges_of(die))
        except Exception:
            return []
        return spans

    def function_in(self, unit: Unit, offset: int) -> Function | None:
        """The top-level function whose DIE is at ``offset``, read alone (its blocks,
        variables and types) unless the unit was read in full: the same object the unit's
        scope holds once it is read (:meth:`function` keeps each by offset).  None if the
        DIE cannot be read."""
        fn = self.functions.get(offset)
        if unit.expanded:               # a unit that could not be read declares nothing
            return fn if fn is not None and fn.ranges and unit.functions else None
        if fn is not None:
            return fn if fn.ranges else None
        outer = self._unit
        self._unit = unit
        try:
            fn = self.function(self.dwarf.get_DIE_from_refaddr(offset), None)
        except Exception:
            self.functions.pop(offset, None)
            return None
        finally:
            self._unit = outer
        if not self._all_read and any(t.stub and t.name for t in self.types.values()):
            self.expand_all()           # an incomplete struct: completed as expand does
        return fn if fn is not None and fn.ranges else None

    def expand_all(self) -> None:
        """Read every unit's declarations (what lists or searches all of them needs), then
        complete the incomplete structs from the definitions."""
        if self._all_read:
            return
        self._all_read = True
        for unit in self.units:
            unit.scope
        self._resolve_stubs()

    def skim(self) -> dict[int, set[str] | None]:
        """Per unit (by offset): the names its file-scope functions and variables take,
        abstract and declared ones included, from its top-level DIEs alone - what gdb's
        partial symbols are for: which units to read for a name.  None for a unit whose
        DIEs cannot be read (it is then read for every name).  Read by
        :mod:`vmdebug.debuginfo.skim` from the section's bytes; a unit it cannot read is
        read here through pyelftools, which decides."""
        from vmdebug.debuginfo.skim import UnitSkimmer
        info = getattr(self.dwarf, "info_data", b"")
        index: dict[int, set[str] | None] = {}
        for unit in self.units:
            try:
                index[unit.offset] = UnitSkimmer(self.dwarf, info, self.dwarf.get_CU_at(unit.offset)).names()
            except Exception:
                index[unit.offset] = self.skim_unit(unit)
        return index

    def skim_unit(self, unit: Unit) -> set[str] | None:
        """One unit's names through pyelftools' DIEs (None if they cannot be read)."""
        names: set[str] = set()
        try:
            for die in self.dwarf.get_CU_at(unit.offset).get_top_DIE().iter_children():
                if die.tag in ("DW_TAG_subprogram", "DW_TAG_variable"):
                    name = _str(self._origin(die), "DW_AT_name")
                    if name is not None:
                        names.add(name)
        except Exception:
            return None
        return names

    def read_outline(self) -> None:
        """``Unit.outline`` and ``Function.outline``: the DIEs as gdb's own reader walks them,
        which only gdb's symbol tables (``info scope``, ``info functions``...) read.  Read on
        first need, not when a session opens (a fifth of the DWARF's reading)."""
        if self._outline_read:
            return
        self._outline_read = True
        self.expand_all()
        from vmdebug.debuginfo.outline import OutlineReader
        OutlineReader(self).read()
        self._resolve_stubs()           # the types the outline named, completed as the rest

    def variable_at(self, offset: int) -> Variable | None:
        """The variable or parameter the DIE at ``offset`` (in .debug_info) declares, read
        on its own: the target of a DW_OP_implicit_pointer (dwarf2/loc.c
        indirect_synthetic_pointer fetches that DIE's location and type)."""
        unit = max((u for u in self.units if u.offset <= offset), key=lambda u: u.offset, default=None)
        if unit is None:
            return None
        try:
            die = self.dwarf.get_DIE_from_refaddr(offset)
        except Exception:
            return None
        if die.tag not in ("DW_TAG_variable", "DW_TAG_formal_parameter"):
            return None
        outer = self._unit
        self._unit = unit
        try:
            return self.variable(die, die.tag == "DW_TAG_formal_parameter")
        finally:
            self._unit = outer

    def type_at(self, offset: int) -> T.CType:
        """The type the DIE at ``offset`` (in .debug_info) defines."""
        return self.type(self.dwarf.get_DIE_from_refaddr(offset))

    def address_index(self, unit: Unit, index: int) -> int:
        """Entry ``index`` of the unit's .debug_addr table (DW_OP_addrx, DW_OP_constx)."""
        return int(self.dwarf.get_addr(self.dwarf.get_CU_at(unit.offset), index))

    def _line_files(self, cu: Any, unit: Unit) -> list[LineFile]:
        """The line table's files as gdb names them (dwarf2_start_subfile): a relative name
        under its directory; the unit's own file by DW_AT_name."""
        try:
            lp = self.dwarf.line_program_for_CU(cu)
        except Exception:
            return []
        if lp is None:
            return []
        unit.line_program = lp
        header = lp.header
        version = header["version"]
        dirs = [d.decode("utf-8", "replace") if isinstance(d, bytes) else str(d)
                for d in header.get("include_directory", [])]
        out: list[LineFile] = []
        primary = os.path.normpath(os.path.join(unit.comp_dir, unit.name)) if unit.comp_dir else unit.name
        for fe in header.get("file_entry", []):
            name = fe.name.decode("utf-8", "replace") if isinstance(fe.name, bytes) else str(fe.name)
            d = fe.dir_index
            directory = dirs[d] if version >= 5 and d < len(dirs) else (dirs[d - 1] if 0 < d <= len(dirs)
                                                                          else None)
            shown = name if os.path.isabs(name) or directory is None else os.path.join(directory, name)
            full = shown if os.path.isabs(shown) or not unit.comp_dir else os.path.join(unit.comp_dir, shown)
            full = os.path.normpath(full)
            out.append(LineFile(unit.name if full == primary else shown, full))
        return out

    def file_name(self, index: Any, full: bool = False) -> str:
        """DW_AT_decl_file / DW_AT_call_file: a line-table file index -> the name gdb shows
        (or, with ``full``, the path the line table and the sources are keyed by)."""
        unit = self._unit
        if unit is None or index is None:
            return ""
        try:
            f = unit.files[int(index)]
        except (IndexError, ValueError):
            return ""
        return f.path if full else f.name

    def _unit_child(self, die: Any, unit: Unit) -> None:
        tag = die.tag
        if tag == "DW_TAG_subprogram":
            fn = self.function(die, None)
            if fn is not None and fn.ranges:
                unit.functions.append(fn)
        elif tag == "DW_TAG_variable":
            var = self.variable(die, False)
            if var is not None:
                unit.variables.append(var)
        else:
            self._note_type(die, unit)

    def _note_type(self, die: Any, unit: Unit) -> None:
        tag = die.tag
        if tag not in ("DW_TAG_typedef", "DW_TAG_structure_type", "DW_TAG_union_type", "DW_TAG_enumeration_type",
                       "DW_TAG_base_type"):
            return
        name = _str(die, "DW_AT_name")
        t = self.type(die)
        if name is None:
            if tag == "DW_TAG_enumeration_type":
                # `typedef enum { LOW, HIGH } level_t;`: the enumerators are file-scope
                # symbols though the enum has no name (gdb's process_enumeration_scope).
                unit.all_types.append(("enum", t))
            return
        name = t.name or name
        if tag in ("DW_TAG_typedef", "DW_TAG_base_type"):
            unit.types.setdefault(name, t)
            unit.all_types.append((name, t))
        else:
            key = {"DW_TAG_structure_type": "struct", "DW_TAG_union_type": "union",
                   "DW_TAG_enumeration_type": "enum"}[tag] + " " + name
            if key not in unit.tags or unit.tags[key].stub:
                unit.tags[key] = t
            unit.all_types.append((key, t))

    # ---- address ranges -------------------------------------------------------------------
    def ranges_of(self, die: Any) -> list[tuple[int, int]]:
        low = _attr(die, "DW_AT_low_pc")
        high_attr = die.attributes.get("DW_AT_high_pc")
        if low is not None and high_attr is not None:
            high = high_attr.value
            if high_attr.form != "DW_FORM_addr":
                high = low + high
            return [(int(low), int(high))] if high > low else []
        ranges = die.attributes.get("DW_AT_ranges")
        if ranges is None:
            return []
        if self._rnglists is None:
            self._rnglists = self.dwarf.range_lists()
        if self._rnglists is None:
            return []
        try:
            if ranges.form == "DW_FORM_rnglistx":
                entries = self._rnglists.get_range_list_at_offset_ex(ranges.value) \
                    if hasattr(self._rnglists, "get_range_list_at_offset_ex") else []
            else:
                entries = self._rnglists.get_range_list_at_offset(ranges.value, cu=die.cu)
        except Exception:
            return []
        top = die.cu.get_top_DIE()
        base = int(_attr(top, "DW_AT_low_pc", 0) or 0)
        out = []
        for e in entries:
            if hasattr(e, "base_address"):
                base = e.base_address
                continue
            lo, hi = (e.begin_offset, e.end_offset) if e.is_absolute else (base + e.begin_offset,
                                                                           base + e.end_offset)
            if hi > lo:
                out.append((lo, hi))
        return out

    # ---- locations ------------------------------------------------------------------------
    def location(self, die: Any, var: Variable, name: str = "DW_AT_location") -> None:
        attr = die.attributes.get(name)
        if attr is None:
            return
        form = attr.form
        if form == "DW_FORM_exprloc" or form.startswith("DW_FORM_block"):
            var.expr = bytes(attr.value)
            return
        if form in ("DW_FORM_sec_offset", "DW_FORM_loclistx", "DW_FORM_data4"):
            var._load_ranges = lambda: self.location_list(die, attr)

    def location_list(self, die: Any, attr: Any) -> list[LocRange]:
        """The location list an attribute names (read once per list: the outline of
        :mod:`.outline` asks again for the variables' lists)."""
        if not isinstance(attr.value, int):
            return self._read_loclist(die, attr)
        key = (die.cu.cu_offset, attr.form, attr.value)
        found = self._loclist_memo.get(key)
        if found is None:
            found = self._loclist_memo[key] = self._read_loclist(die, attr)
        return list(found)

    def _read_loclist(self, die: Any, attr: Any) -> list[LocRange]:
        from elftools.dwarf.locationlists import LocationParser
        if self._loclists is None:
            self._loclists = self.dwarf.location_lists()
        if self._loclists is None:
            return []
        try:
            entries = LocationParser(self._loclists).parse_from_attribute(attr, die.cu.header.version, die)
        except Exception:
            return []
        top = die.cu.get_top_DIE()
        base = int(_attr(top, "DW_AT_low_pc", 0) or 0)
        out: list[LocRange] = []
        bases: list[int] = []
        for e in entries:
            if hasattr(e, "base_address"):
                base = e.base_address
                bases.append(base)
                continue
            if not hasattr(e, "loc_expr"):
                continue                                  # a location view pair
            if e.begin_offset == -1:                      # DW_LLE_default_location
                continue
            lo, hi = (e.begin_offset, e.end_offset) if e.is_absolute else (base + e.begin_offset,
                                                                           base + e.end_offset)
            out.append(LocRange(lo, hi, bytes(e.loc_expr), tuple(bases)))
            bases = []
        return out

    # ---- variables ----------------------------------------------------------------------
    def _origin(self, die: Any) -> Any:
        """The DIE that names this one: DW_AT_abstract_origin, then DW_AT_specification."""
        return list(origin_chain(die, 9))[-1]

    def _named_attr(self, die: Any, name: str) -> Any:
        """An attribute of the DIE or, failing that, of its origins."""
        owner = attr_owner(die, name, 8)
        return None if owner is None else owner.attributes[name].value

    def variable(self, die: Any, is_param: bool) -> Variable | None:
        origin = self._origin(die)
        name = _str(origin, "DW_AT_name")
        if name is None:
            return None
        tdie = origin if "DW_AT_type" in origin.attributes else die
        t = self.type_attr(tdie)
        var = Variable(name, t, is_param=is_param, unit=self._unit, die=die.offset)
        var.external = bool(self._named_attr(die, "DW_AT_external"))
        var.declaration = bool(_attr(die, "DW_AT_declaration"))
        var.artificial = bool(self._named_attr(die, "DW_AT_artificial"))
        var.decl_file = self.file_name(self._named_attr(die, "DW_AT_decl_file"))
        var.decl_line = int(self._named_attr(die, "DW_AT_decl_line") or 0)
        self.location(die, var)
        cv = die.attributes.get("DW_AT_const_value")
        if cv is not None:
            var.const_value = bytes(cv.value) if isinstance(cv.value, (list, bytes)) else int(cv.value)
        return var

    # ---- functions and blocks ---------------------------------------------------------------
    def function(self, die: Any, parent: Block | None) -> Function | None:
        if die.offset in self.functions:
            return self.functions[die.offset]
        origin = self._origin(die)
        name = _str(origin, "DW_AT_name") or ""
        fn = Function(self.ranges_of(die), parent=parent, name=name, unit=self._unit, die=die.offset)
        self.functions[die.offset] = fn
        fn.external = bool(self._named_attr(die, "DW_AT_external"))
        fn.decl_file = self.file_name(self._named_attr(die, "DW_AT_decl_file"))
        fn.decl_line = int(self._named_attr(die, "DW_AT_decl_line") or 0)
        fb = die.attributes.get("DW_AT_frame_base")
        if fb is not None and (fb.form == "DW_FORM_exprloc" or fb.form.startswith("DW_FORM_block")):
            fn.frame_base = bytes(fb.value)
        elif fb is not None and fb.form in ("DW_FORM_sec_offset", "DW_FORM_loclistx", "DW_FORM_data4"):
            fn.frame_base_ranges = self.location_list(die, fb)
        # gdb 13 takes a function's entry as the start of its first range, in DW_AT_ranges
        # order (the hot part of an -O2 function split into f and f.cold), not DW_AT_entry_pc.
        fn.entry_pc = fn.ranges[0][0] if fn.ranges else None
        fn.type = self._function_type(die)
        self._children(die, fn)
        return fn

    def _function_type(self, die: Any) -> T.CType:
        """The type of a subprogram or inlined call, as gdb reads it (read_subroutine_type):
        the return type and prototyping from it or its abstract origin, the parameters from
        its own children - a concrete copy lists them in its own order and may lack some."""
        key = -die.offset - 1                              # distinct from type DIE offsets
        t = self.types.get(key)
        if t is None:
            origin = self._origin(die)
            t = T.CType("func", None, 1, self.type_attr(die) or self.type_attr(origin) or T.VOID)
            self.types[key] = t
            self._params(die, t)
            t.prototyped = bool(self._named_attr(die, "DW_AT_prototyped"))
        return t

    def _params(self, die: Any, t: T.CType) -> None:
        t.prototyped = bool(_attr(die, "DW_AT_prototyped"))
        for child in die.iter_children():
            if child.tag == "DW_TAG_formal_parameter":
                if bool(self._named_attr(child, "DW_AT_artificial")):
                    continue
                t.params.append(self.type_attr(child) or self.type_attr(self._origin(child)) or T.VOID)
            elif child.tag == "DW_TAG_unspecified_parameters":
                t.varargs = True

    def _children(self, die: Any, block: Block) -> None:
        for child in die.iter_children():
            self._child(child, block)
        if block.ranges or isinstance(block, Function):
            self._inherit(die, block)

    def _inherit(self, die: Any, block: Block) -> None:
        """gdb dwarf2/read.c inherit_abstract_dies: the children of the abstract origin that
        no concrete child stands for belong to this block too (a variable the optimiser
        removed from this copy: <optimized out>; a static local: its storage)."""
        if "DW_AT_abstract_origin" not in die.attributes:
            return
        try:
            origin = die.get_DIE_from_attribute("DW_AT_abstract_origin")
        except Exception:                  # a broken reference: nothing to inherit
            return
        referenced: set[int] = set()
        for child in die.iter_children():
            if child.tag in ("DW_TAG_call_site", "DW_TAG_GNU_call_site"):
                continue
            target = self._origin(child)
            if target is not child:
                referenced.add(target.offset)
        for child in origin.iter_children():
            if child.offset not in referenced:
                self._child(child, block)

    def _child(self, child: Any, block: Block) -> None:
        tag = child.tag
        if tag in ("DW_TAG_formal_parameter", "DW_TAG_variable"):
            var = self.variable(child, tag == "DW_TAG_formal_parameter")
            if var is not None:
                block.variables.append(var)
        elif tag == "DW_TAG_lexical_block":
            inner = Block(self.ranges_of(child), parent=block)
            self._children(child, inner)
            if inner.ranges:
                block.blocks.append(inner)
            else:                                       # no code of its own: gdb merges it upward
                block.variables.extend(inner.variables)
                block.blocks.extend(inner.blocks)
                for b in inner.blocks:
                    b.parent = block
        elif tag == "DW_TAG_inlined_subroutine":
            origin_die = self._origin(child)
            abstract = self.function(origin_die, None) if origin_die is not child else None
            inner = Block(self.ranges_of(child), parent=block)
            if abstract is not None:
                inner.inlined = InlineCall(abstract, self.file_name(_attr(child, "DW_AT_call_file"), True),
                                           int(_attr(child, "DW_AT_call_line", 0) or 0),
                                           int(_attr(child, "DW_AT_call_column", 0) or 0),
                                           self._function_type(child))
            # gdb 13 block::entry_pc ignores DW_AT_entry_pc: the start of a contiguous
            # block, else its first range in DWARF order (empty ranges dropped).
            inner.entry_pc = (inner.low if len(inner.ranges) == 1 else inner.ranges[0][0]) \
                if inner.ranges else None
            self._children(child, inner)
            if inner.ranges:
                block.blocks.append(inner)
        elif tag == "DW_TAG_subprogram":
            return                                      # nested functions: not C
        elif self._unit is not None:
            self._note_type(child, self._unit)

    # ---- types -------------------------------------------------------------------------
    def type_attr(self, die: Any) -> T.CType | None:
        if "DW_AT_type" not in die.attributes:
            return None
        try:
            target = die.get_DIE_from_attribute("DW_AT_type")
        except Exception:
            return None
        return self.type(target)

    def type(self, die: Any) -> T.CType:
        t = self.types.get(die.offset)
        if t is not None:
            return t
        tag = die.tag
        name = _str(die, "DW_AT_name")
        if name is not None and tag not in ("DW_TAG_enumeration_type",):
            name = canonical_c_name(name)
        size = int(_attr(die, "DW_AT_byte_size", 0) or 0)
        if tag == "DW_TAG_base_type":
            enc = int(_attr(die, "DW_AT_encoding", 0) or 0)
            kind = "float" if enc in (T.DW_ATE_float, T.DW_ATE_complex_float) else "int"
            t = T.CType(kind, name, size, None, enc)
        elif tag in ("DW_TAG_const_type", "DW_TAG_volatile_type", "DW_TAG_restrict_type",
                     "DW_TAG_atomic_type"):
            inner = self.type_attr(die) or T.VOID
            t = T.qualified(inner, inner.const or tag == "DW_TAG_const_type",
                            inner.volatile or tag == "DW_TAG_volatile_type")
        elif tag == "DW_TAG_pointer_type":
            t = T.CType("pointer", None, size or T.POINTER_SIZE)
            self.types[die.offset] = t
            t.target = self.type_attr(die) or T.VOID
        elif tag == "DW_TAG_typedef":
            t = T.CType("typedef", name, 0)
            self.types[die.offset] = t
            t.target = self.type_attr(die) or T.VOID
        elif tag == "DW_TAG_array_type":
            t = self._array(die)
        elif tag in ("DW_TAG_structure_type", "DW_TAG_union_type"):
            t = T.CType("struct" if tag == "DW_TAG_structure_type" else "union", name, size)
            self.types[die.offset] = t
            t.stub = bool(_attr(die, "DW_AT_declaration"))
            for child in die.iter_children():
                if child.tag == "DW_TAG_member":
                    t.members.append(self._member(child))
            T.complete(t)
        elif tag == "DW_TAG_enumeration_type":
            t = self._enum(die, name, size)
        elif tag == "DW_TAG_subroutine_type":
            t = T.CType("func", None, 1)
            self.types[die.offset] = t
            t.target = self.type_attr(die) or T.VOID
            self._params(die, t)
        elif tag == "DW_TAG_unspecified_type":
            t = T.CType("void", name or "void", 1)
        else:
            t = T.CType("void", name or "void", 1)
        t.die = die.offset if t.die == 0 else t.die
        self.types[die.offset] = t
        return t

    def _member(self, die: Any) -> T.Member:
        t = self.type_attr(die) or T.VOID
        loc = _attr(die, "DW_AT_data_member_location", 0)
        bitpos = (int(loc) if isinstance(loc, int) else 0) * 8
        bit_size = int(_attr(die, "DW_AT_bit_size", 0) or 0)
        dbo = _attr(die, "DW_AT_data_bit_offset")
        if dbo is not None:
            bitpos = int(dbo)
        elif bit_size and _attr(die, "DW_AT_bit_offset") is not None:
            # DWARF 2/3: bit_offset counts from the most significant bit of the storage unit.
            storage = int(_attr(die, "DW_AT_byte_size", t.length) or t.length)
            bitpos += storage * 8 - int(_attr(die, "DW_AT_bit_offset")) - bit_size
        return T.Member(_str(die, "DW_AT_name"), t, bitpos, bit_size, bool(_attr(die, "DW_AT_artificial")))

    def _array(self, die: Any) -> T.CType:
        element = self.type_attr(die) or T.VOID
        counts: list[int | None] = []
        for child in die.iter_children():
            if child.tag != "DW_TAG_subrange_type":
                continue
            if "DW_AT_count" in child.attributes:
                c = child.attributes["DW_AT_count"].value
                counts.append(int(c) if isinstance(c, int) else None)
            elif "DW_AT_upper_bound" in child.attributes:
                ub = child.attributes["DW_AT_upper_bound"].value
                lb = int(_attr(child, "DW_AT_lower_bound", 0) or 0)
                counts.append(int(ub) - lb + 1 if isinstance(ub, int) else None)
            else:
                counts.append(None)
        if not counts:
            counts = [None]
        t = element
        for count in reversed(counts):
            outer = T.CType("array", None, 0, t)
            outer.count = count if count is None or count >= 0 else 0
            outer.size = (outer.count or 0) * t.length
            t = outer
        return t

    def _enum(self, die: Any, name: str | None, size: int) -> T.CType:
        t = T.CType("enum", name, size)
        t.stub = bool(_attr(die, "DW_AT_declaration"))
        unsigned = True
        flag_enum = True
        for child in die.iter_children():
            if child.tag != "DW_TAG_enumerator":
                continue
            value = int(_attr(child, "DW_AT_const_value", 0) or 0)
            underlying = self.type_attr(die)
            if underlying is not None and not underlying.strip().is_unsigned and value >= 1 << (8 * size - 1):
                value -= 1 << (8 * size)
            t.enumerators.append((_str(child, "DW_AT_name") or "", value))
            if value < 0:
                unsigned = False
                flag_enum = False
            elif bin(value).count("1") >= 2:
                # gdb 13 process_enumeration_scope: a flag enum has values of at most one bit.
                flag_enum = False
        t.is_unsigned = unsigned
        t.flag_enum = flag_enum and bool(t.enumerators)
        return t

    # ---- stubs ------------------------------------------------------------------------
    def _resolve_stubs(self) -> None:
        """An incomplete struct (declared only here) takes the definition another unit has,
        as gdb's check_typedef looks an opaque type up by its tag."""
        complete: dict[str, T.CType] = {}
        for unit in self.units:
            for key, t in unit.tags.items():
                if not t.stub and key not in complete:
                    complete[key] = t
        for t in list(self.types.values()):
            if t.stub and t.name:
                key = f"{t.kind} {t.name}"
                full = complete.get(key)
                if full is not None and full is not t:
                    t.size, t.members, t.enumerators = full.size, full.members, full.enumerators
                    t.is_unsigned, t.flag_enum, t.stub = full.is_unsigned, full.flag_enum, False
                    T.complete(t)
