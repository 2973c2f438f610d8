"""The outline of a program's DIEs that gdb's symbol tables are built from.

gdb's DWARF reader makes its symbols and blocks by its own rules
(dwarf2/read.c ``process_die``, ``read_func_scope``, ``new_symbol``): it
reads attributes through DW_AT_specification and DW_AT_abstract_origin
(``dwarf2_attr``), keeps only blocks with valid pc bounds
(``dwarf2_get_pc_bounds``), and takes types, labels and enumerators as
symbols too.  :meth:`vmdebug.debuginfo.reader.Reader.read` runs this after
its walk of the units (over the DIEs pyelftools has already parsed): it
records those facts as :class:`vmdebug.debuginfo.symbols.Die` entries - each
unit's top-level functions, variables and types (``Unit.outline``) and each
function's entries (``Function.outline``) - with the reader's own types,
address ranges and location lists (one object per DIE, list or type), so
that :mod:`vmdebug.debuginfo.gdbsymtab` applies gdb's rules without DWARF.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vmdebug.debuginfo.reader import origin_chain
from vmdebug.debuginfo.symbols import Die

if TYPE_CHECKING:
    from vmdebug.debuginfo.reader import Reader

#: The top-level entries gdb's process_die makes file-scope symbols of.
FILE_SCOPE_TAGS = frozenset({
    "DW_TAG_subprogram", "DW_TAG_class_type", "DW_TAG_interface_type", "DW_TAG_structure_type",
    "DW_TAG_union_type", "DW_TAG_enumeration_type", "DW_TAG_base_type", "DW_TAG_subrange_type",
    "DW_TAG_generic_subrange", "DW_TAG_typedef", "DW_TAG_variable", "DW_TAG_constant",
    "DW_TAG_unspecified_type"})
#: Entries whose every child gdb reads (process_die on each, inherit_abstract_dies).
SCOPE_TAGS = frozenset({"DW_TAG_subprogram", "DW_TAG_inlined_subroutine", "DW_TAG_lexical_block",
                        "DW_TAG_try_block", "DW_TAG_catch_block"})
STRUCT_TAGS = frozenset({"DW_TAG_class_type", "DW_TAG_interface_type", "DW_TAG_structure_type",
                         "DW_TAG_union_type"})
#: A struct's children gdb's process_structure_scope does not process as DIEs of their own.
_MEMBER_TAGS = frozenset({"DW_TAG_member", "DW_TAG_variable", "DW_TAG_inheritance",
                          "DW_TAG_template_value_param", "DW_TAG_template_type_param"})
#: Entries whose symbol's type is the type they define (new_symbol: LOC_TYPEDEF).
TYPE_TAGS = STRUCT_TAGS | {"DW_TAG_set_type", "DW_TAG_enumeration_type", "DW_TAG_typedef",
                           "DW_TAG_array_type", "DW_TAG_base_type", "DW_TAG_subrange_type",
                           "DW_TAG_generic_subrange", "DW_TAG_unspecified_type"}
_VAR_TAGS = frozenset({"DW_TAG_variable", "DW_TAG_constant", "DW_TAG_formal_parameter"})
_TYPED_TAGS = _VAR_TAGS | {"DW_TAG_subprogram", "DW_TAG_inlined_subroutine"}
_CALL_SITES = frozenset({"DW_TAG_call_site", "DW_TAG_GNU_call_site"})
#: Entries new_symbol makes a symbol of.
_SYMBOL_TAGS = _TYPED_TAGS | TYPE_TAGS | {"DW_TAG_label", "DW_TAG_enumerator"}

_BLOCK_FORMS = ("DW_FORM_exprloc", "DW_FORM_block", "DW_FORM_block1", "DW_FORM_block2", "DW_FORM_block4")
_ADDR_FORMS = ("DW_FORM_addr", "DW_FORM_addrx", "DW_FORM_GNU_addr_index")
_STRING_FORMS = ("DW_FORM_string", "DW_FORM_strp", "DW_FORM_strx", "DW_FORM_strx1", "DW_FORM_strx2",
                 "DW_FORM_strx3", "DW_FORM_strx4", "DW_FORM_line_strp", "DW_FORM_GNU_str_index",
                 "DW_FORM_GNU_strp_alt")
_SMALL_FORMS = {"DW_FORM_data1": 8, "DW_FORM_data2": 16, "DW_FORM_data4": 32}
_SIGNED_FORMS = ("DW_FORM_sdata", "DW_FORM_implicit_const", "DW_FORM_data8", "DW_FORM_udata")


def _signed64(v: int) -> int:
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >> 63 else v


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _chain(die: Any) -> list[Any]:
    """Where gdb's dwarf2_attr looks for an entry's attributes, in order, read once."""
    return list(origin_chain(die, 16))


def _owner(chain: list[Any], name: str) -> Any:
    """dwarf2_attr's DIE: the first of the chain holding the attribute."""
    for d in chain:
        if name in d.attributes:
            return d
    return None


def _follow(chain: list[Any], name: str) -> Any:
    """dwarf2_attr: the attribute, from the DIE or the DIEs it refers to."""
    for d in chain:
        a = d.attributes.get(name)
        if a is not None:
            return a
    return None


def _flag(chain: list[Any], name: str) -> bool:
    a = _follow(chain, name)
    return a is not None and bool(a.value)


class OutlineReader:
    """Builds the :class:`Die` outline of every unit for one :class:`Reader`."""

    def __init__(self, reader: "Reader") -> None:
        self.reader = reader
        self.dies: dict[int, Die] = {}
        self.units = {u.offset: u for u in reader.units}

    def read(self) -> None:
        """``Unit.outline`` of every unit, ``Function.outline`` of every function read."""
        dwarf = self.reader.dwarf
        for unit in self.reader.units:
            try:
                top = dwarf.get_CU_at(unit.offset).get_top_DIE()
                for child in top.iter_children():
                    if child.tag in FILE_SCOPE_TAGS:
                        unit.outline.append(self.die(child))
            except Exception:          # a damaged unit: what was read stays
                continue
        for fn in self.reader.functions.values():
            found = self.dies.get(fn.die)
            if found is None:
                try:
                    found = self.die(dwarf.get_DIE_from_refaddr(fn.die))
                except Exception:
                    found = None
            fn.outline = found

    # ---- one entry ---------------------------------------------------------------------
    def die(self, die: Any) -> Die:
        """The entry for a pyelftools DIE (one per DIE offset)."""
        found = self.dies.get(die.offset)
        if found is not None:
            return found
        tag = die.tag
        d = Die(die.offset, tag, self.units.get(die.cu.cu_offset))
        self.dies[die.offset] = d
        if tag not in _CALL_SITES:
            chain = _chain(die)
            self._origins(chain, d)
            if tag in _SYMBOL_TAGS:
                self._facts(die, chain, d)
            elif tag in SCOPE_TAGS:
                self._pc_bounds(die, chain, d)
        if tag in SCOPE_TAGS:
            d.children = [self.die(c) for c in die.iter_children()]
        elif tag in STRUCT_TAGS:
            d.children = [self.die(c) for c in die.iter_children() if c.tag not in _MEMBER_TAGS]
        elif tag == "DW_TAG_enumeration_type":
            d.children = [self.die(c) for c in die.iter_children()]
        return d

    def _origins(self, chain: list[Any], d: Die) -> None:
        """What DW_AT_abstract_origin names, and the end of that chain (16 steps at most)."""
        if "DW_AT_abstract_origin" not in chain[0].attributes:
            return
        k = 0                          # the chain prefers DW_AT_abstract_origin: its first steps
        while k + 1 < len(chain) and "DW_AT_abstract_origin" in chain[k].attributes:
            k += 1
        target = chain[k]
        steps = k
        while steps < 16 and "DW_AT_abstract_origin" in target.attributes:
            try:                       # a broken reference, or a chain longer than _chain reads
                target = target.get_DIE_from_attribute("DW_AT_abstract_origin")
            except Exception:
                break
            steps += 1
        if k >= 1:
            d.abstract_origin = self.die(chain[1])
        if target is not chain[0]:
            d.origin = self.die(target)

    def _facts(self, die: Any, chain: list[Any], d: Die) -> None:
        """What new_symbol reads of an entry that can make a symbol."""
        tag = d.tag
        inlined = tag == "DW_TAG_inlined_subroutine"
        a = _follow(chain, "DW_AT_name")
        if a is None and tag in ("DW_TAG_subprogram", "DW_TAG_inlined_subroutine"):
            a = _follow(chain, "DW_AT_linkage_name") or _follow(chain, "DW_AT_MIPS_linkage_name")
        if a is not None:
            d.name = _text(a.value) or None
        a = _follow(chain, "DW_AT_call_file" if inlined else "DW_AT_decl_file")
        if a is not None and isinstance(a.value, int):
            d.file = a.value if die.cu.header.version >= 5 else a.value - 1
        a = _follow(chain, "DW_AT_call_line" if inlined else "DW_AT_decl_line")
        d.line = int(a.value) if a is not None and isinstance(a.value, int) else 0
        d.external = _flag(chain, "DW_AT_external")
        d.prototyped = _flag(chain, "DW_AT_prototyped")
        d.declaration = _flag(chain, "DW_AT_declaration") and _follow(chain, "DW_AT_specification") is None
        if tag in _TYPED_TAGS:
            owner = _owner(chain, "DW_AT_type")
            d.has_type = owner is not None
            if owner is not None:
                try:
                    d.type = self.reader.type_attr(owner)
                except Exception:
                    d.type = None
        if tag in TYPE_TAGS:
            try:
                d.defines = self.reader.type(die)
            except Exception:
                d.defines = None
        if tag in STRUCT_TAGS:
            d.has_byte_size = _follow(chain, "DW_AT_byte_size") is not None
            d.has_signature = _follow(chain, "DW_AT_signature") is not None
        if tag in SCOPE_TAGS:
            self._pc_bounds(die, chain, d)
        elif tag == "DW_TAG_label":
            low = _follow(chain, "DW_AT_low_pc")
            d.low_pc = int(low.value) if low is not None else None
        if tag in _VAR_TAGS:
            loc = _owner(chain, "DW_AT_location")
            if loc is not None:
                self._location(loc, d)
            cv = _follow(chain, "DW_AT_const_value")
            if cv is not None:
                self._const(cv, d)
        elif tag == "DW_TAG_enumerator":
            cv = die.attributes.get("DW_AT_const_value")
            if cv is not None:
                self._const(cv, d)

    def _pc_bounds(self, die: Any, chain: list[Any], d: Die) -> None:
        """dwarf2_get_pc_bounds: "ok" with the ranges, "absent" or "invalid"."""
        high = _follow(chain, "DW_AT_high_pc")
        if high is not None:
            low = _follow(chain, "DW_AT_low_pc")
            if low is None:
                d.pc_bounds = "invalid"
                return
            lo, hi = int(low.value), int(high.value)
            if die.cu.header.version >= 4 and high.form != "DW_FORM_addr":
                hi += lo
            ranges = [(lo, hi)]
        else:
            owner = _owner(chain, "DW_AT_ranges")
            if owner is None:
                d.pc_bounds = "absent"
                return
            try:
                ranges = [(lo, hi) for lo, hi in self.reader.ranges_of(owner) if lo != 0]
            except Exception:
                ranges = []
            if not ranges:
                d.pc_bounds = "invalid"
                return
        lo = min(r[0] for r in ranges)
        hi = max(r[1] for r in ranges)
        if hi <= lo or lo == 0:
            d.pc_bounds = "invalid"
            return
        d.pc_bounds, d.pc_ranges = "ok", ranges

    def _location(self, owner: Any, d: Die) -> None:
        """DW_AT_location: an expression, or a location list read as the reader reads them."""
        attr = owner.attributes["DW_AT_location"]
        if attr.form in _BLOCK_FORMS:
            d.expr = bytes(attr.value)
        else:
            d.ranges = self.reader.location_list(owner, attr)

    @staticmethod
    def _const(attr: Any, d: Die) -> None:
        """DW_AT_const_value by its form (dwarf2_const_value)."""
        form, value = attr.form, attr.value
        if form in _ADDR_FORMS:
            d.const_value, d.const_address = int(value), True
        elif form in _STRING_FORMS:
            d.const_value = value if isinstance(value, bytes) else str(value).encode()
        elif form in _BLOCK_FORMS or form == "DW_FORM_data16" or isinstance(value, (list, bytes)):
            d.const_value = bytes(value)
        elif form in _SMALL_FORMS:
            d.const_value = int(value) & ((1 << _SMALL_FORMS[form]) - 1)
        elif form in _SIGNED_FORMS:
            d.const_value = _signed64(int(value))
        else:
            d.const_value = 0
