"""The names a unit declares at file scope, read straight from ``.debug_info``'s bytes.

``break main`` asks which units may declare ``main`` before it reads any (gdb keeps an
index of names for this: dwarf2/cooked-index.c, built by a reader of its own that looks at
names and tags only).  Through pyelftools that took 20-35 ms a session: it parses every
top-level DIE in full, each attribute through its construct structs, to read one name.
Here the same DIEs are walked as pyelftools walks them (DW_AT_sibling to step over a DIE's
children, its children otherwise), with the same abbreviation tables, and only the name and
the references that lead to it are kept.

The answer must be pyelftools' own: a unit's names are those of its subprogram and variable
DIEs, each named by the last DIE of its DW_AT_abstract_origin / DW_AT_specification chain
(:func:`vmdebug.debuginfo.reader.origin_chain`, at most 9 long), a reference that cannot be
followed ending the chain as it ends there.  A form this reader does not know (or an
attribute it would have to translate differently) raises :class:`Unsupported`, and any
error at the top level does too: the caller then asks pyelftools.  A test compares the two
on every unit of the test programs, and on damaged sections.
"""
from __future__ import annotations

from typing import Any

from vmdebug.debuginfo.leb128 import sleb128, uleb128


class Unsupported(Exception):
    """This unit is read by pyelftools instead."""


NAMED_TAGS = ("DW_TAG_subprogram", "DW_TAG_variable")
_KEPT = ("DW_AT_name", "DW_AT_abstract_origin", "DW_AT_specification", "DW_AT_sibling")
_CU_REFS = ("DW_FORM_ref1", "DW_FORM_ref2", "DW_FORM_ref4", "DW_FORM_ref8", "DW_FORM_ref", "DW_FORM_ref_udata")
_FIXED = {"DW_FORM_data1": 1, "DW_FORM_ref1": 1, "DW_FORM_flag": 1, "DW_FORM_data2": 2, "DW_FORM_ref2": 2,
          "DW_FORM_data4": 4, "DW_FORM_ref4": 4, "DW_FORM_data8": 8, "DW_FORM_ref8": 8,
          "DW_FORM_flag_present": 0}
_ULEB = ("DW_FORM_udata", "DW_FORM_ref_udata", "DW_FORM_loclistx", "DW_FORM_rnglistx")
_BLOCK = {"DW_FORM_block1": 1, "DW_FORM_block2": 2, "DW_FORM_block4": 4}
_STRINGS = ("DW_FORM_strp", "DW_FORM_line_strp", "DW_FORM_string")


class UnitSkimmer:
    """One unit's top-level names.  ``cu`` is pyelftools' CompileUnit (its header only is
    used); ``info`` the whole ``.debug_info`` section."""

    def __init__(self, dwarf: Any, info: bytes, cu: Any) -> None:
        self.dwarf = dwarf
        self.info = info
        self.cu_offset: int = cu.cu_offset
        self.die_offset: int = cu.cu_die_offset
        self.end: int = cu.cu_offset + cu.size
        self.table = dwarf.get_abbrev_table(cu["debug_abbrev_offset"])
        self.address_size: int = cu["address_size"]
        version = cu["version"]
        offset_size = 8 if cu.dwarf_format() == 64 else 4
        # pyelftools' DW_FORM_ref_addr: an address in DWARF 2, an offset after (structs.py)
        self.ref_addr_size = self.address_size if version == 2 else offset_size
        self.offset_size = offset_size
        self._plans: dict[int, tuple[str, bool, tuple[tuple[str, str, Any], ...]]] = {}

    # ---- one DIE -----------------------------------------------------------------------
    def _plan(self, code: int) -> tuple[str, bool, tuple[tuple[str, str, Any], ...]]:
        plan = self._plans.get(code)
        if plan is None:
            decl = self.table.get_abbrev(code)              # KeyError for an unknown code, as pyelftools
            plan = self._plans[code] = (decl["tag"], decl.has_children(),
                                        tuple((s.name, s.form, s.value) for s in decl["attr_spec"]))
        return plan

    def die(self, pos: int) -> tuple[str | None, bool, dict[str, tuple[str, Any]], int]:
        """(tag, has children, the kept attributes as (form, value), offset after) of the DIE
        at ``pos``; tag None for a null entry."""
        data = self.info
        code, pos = uleb128(data, pos)
        if code == 0:
            return None, False, {}, pos
        tag, children, specs = self._plan(code)
        kept: dict[str, tuple[str, Any]] = {}
        for name, form, implicit in specs:
            value: Any = None
            size = _FIXED.get(form)
            if size is not None:
                if name in _KEPT:
                    if pos + size > len(data):
                        raise IndexError("past the section")
                    value = int.from_bytes(data[pos:pos + size], "little")
                pos += size
            elif form in _ULEB:
                value, pos = uleb128(data, pos)
            elif form == "DW_FORM_sdata":
                value, pos = sleb128(data, pos)
            elif form == "DW_FORM_strp" or form == "DW_FORM_line_strp" or form == "DW_FORM_sec_offset":
                end = pos + self.offset_size
                if end > len(data):
                    raise IndexError("past the section")
                offset = int.from_bytes(data[pos:end], "little")
                pos = end
                # pyelftools reads every string a DIE names (a bad offset fails the DIE there)
                if form == "DW_FORM_strp":
                    value = self.dwarf.get_string_from_table(offset)
                elif form == "DW_FORM_line_strp":
                    value = self.dwarf.get_string_from_linetable(offset)
            elif form == "DW_FORM_string":
                end = data.index(b"\0", pos)
                value = data[pos:end]
                pos = end + 1
            elif form == "DW_FORM_addr":
                pos += self.address_size
            elif form == "DW_FORM_ref_addr":
                end = pos + self.ref_addr_size
                if end > len(data):
                    raise IndexError("past the section")
                value = int.from_bytes(data[pos:end], "little")
                pos = end
            elif form == "DW_FORM_exprloc" or form == "DW_FORM_block":
                length, pos = uleb128(data, pos)
                pos += length
            elif form in _BLOCK:
                n = _BLOCK[form]
                length = int.from_bytes(data[pos:pos + n], "little")
                pos += n + length
            elif form == "DW_FORM_implicit_const":
                value = implicit
            else:
                raise Unsupported(form)
            if pos > len(data):
                raise IndexError("past the section")
            if name in _KEPT:
                if name == "DW_AT_name" and form not in _STRINGS:
                    raise Unsupported(f"DW_AT_name in {form}")
                kept[name] = (form, value)
        return tag, children, kept, pos

    # ---- walking -----------------------------------------------------------------------
    def children(self, pos: int) -> Any:
        """(offset, tag, kept) of the children starting at ``pos``, as pyelftools'
        iter_DIE_children finds them; the offset after the null entry is the return value."""
        while True:
            tag, has_children, kept, after = self.die(pos)
            if tag is None:
                return after
            yield pos, tag, kept
            if not has_children:
                pos = after
            elif "DW_AT_sibling" in kept:
                form, value = kept["DW_AT_sibling"]
                if form in _CU_REFS:
                    pos = value + self.cu_offset
                elif form == "DW_FORM_ref_addr":
                    pos = value
                else:
                    raise Unsupported(f"DW_AT_sibling in {form}")
            else:
                pos = self._past_children(after)

    def _past_children(self, pos: int) -> int:
        """The offset after the children starting at ``pos`` (iter_DIE_children run to its
        null entry, its DIEs unused)."""
        walk = self.children(pos)
        while True:
            try:
                next(walk)
            except StopIteration as end:
                return end.value

    def _followed(self, kept: dict[str, tuple[str, Any]]) -> dict[str, tuple[str, Any]] | None:
        """The kept attributes of the DIE the first of DW_AT_abstract_origin and
        DW_AT_specification names (die.py get_DIE_from_attribute), or None where pyelftools'
        chain ends: another reference form, a target outside the unit, a DIE that fails."""
        for attr in ("DW_AT_abstract_origin", "DW_AT_specification"):
            if attr in kept:
                form, value = kept[attr]
                if form not in _CU_REFS:
                    return None
                target = self.cu_offset + value
                if not self.die_offset <= target < self.end:        # get_DIE_from_refaddr's check
                    return None
                try:
                    return self.die(target)[2]
                except Unsupported:
                    raise
                except Exception:
                    return None
        return None

    def name(self, kept: dict[str, tuple[str, Any]]) -> str | None:
        """The DW_AT_name of the last DIE of the origin chain (reader.origin_chain(die, 9))."""
        for _ in range(8):
            nxt = self._followed(kept)
            if nxt is None:
                break
            kept = nxt
        value = kept.get("DW_AT_name", (None, None))[1]
        if value is None:
            return None
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)

    def names(self) -> set[str]:
        tag, has_children, _, after = self.die(self.die_offset)
        names: set[str] = set()
        if tag is None or not has_children:
            return names
        for _, tag, kept in self.children(after):
            if tag in NAMED_TAGS:
                name = self.name(kept)
                if name is not None:
                    names.add(name)
        return names
