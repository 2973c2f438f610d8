"""pyelftools' DWARF reader, with its abbreviation tables decoded by a plain loop.

pyelftools parses ``.debug_abbrev`` through its construct structs, at about 34 us a
declaration: the ten tables of a program with the libc (447 declarations) took 15 ms of
every ``debug`` that opens a session (issue #17), more than the DIEs those tables
describe.  The table format is simple (DWARF 5, 7.5.3: a ULEB code, a ULEB tag, a
children byte, then ULEB (attribute, form) pairs, with an SLEB value after
``DW_FORM_implicit_const``, up to a (0, 0) pair; a table ends at code 0), so it is decoded
here, straight from the section's bytes, into pyelftools' own :class:`AbbrevDecl` objects
with the names its Enum structs give (an unknown code stays a number, as theirs do).
Everything else - units, DIEs, forms, line programs - is still pyelftools'.  A test
checks the declarations equal pyelftools' own for every table of the test programs.
"""
from __future__ import annotations

from typing import Any

from elftools.construct.lib.container import Container, ListContainer
from elftools.dwarf import enums as E
from elftools.dwarf.abbrevtable import AbbrevDecl, AbbrevTable
from elftools.dwarf.dwarfinfo import DWARFInfo

from vmdebug.debuginfo.leb128 import sleb128, uleb128


def _names(enum: dict[str, Any]) -> dict[int, str]:
    """code -> name, as construct's Enum decodes (the last name given for a code wins)."""
    return {v: k for k, v in enum.items() if not k.startswith("_")}


_TAGS = _names(E.ENUM_DW_TAG)
_ATTRS = _names(E.ENUM_DW_AT)
_FORMS = _names(E.ENUM_DW_FORM)
_CHILDREN = _names(E.ENUM_DW_CHILDREN)
_IMPLICIT_CONST = E.ENUM_DW_FORM["DW_FORM_implicit_const"]


class AbbrevError(ValueError):
    """A table that does not decode (pyelftools raises its own errors for the same bytes)."""


def decode_table(data: bytes, offset: int, specs_seen: dict[tuple[int, int, Any], Any] | None = None
                 ) -> dict[int, AbbrevDecl]:
    """The declarations of the table at ``offset``, by code.  ``specs_seen`` shares one
    (attribute, form) container among the declarations that repeat it (nothing changes them)."""
    seen: dict[tuple[int, int, Any], Any] = {} if specs_seen is None else specs_seen
    out: dict[int, AbbrevDecl] = {}
    pos = offset
    try:
        while True:
            code, pos = uleb128(data, pos)
            if code == 0:
                return out
            tag, pos = uleb128(data, pos)
            children = data[pos]
            pos += 1
            if children not in _CHILDREN:
                raise AbbrevError(f"bad DW_CHILDREN value {children}")
            specs = ListContainer()
            while True:
                name, pos = uleb128(data, pos)
                form, pos = uleb128(data, pos)
                if name == 0 and form == 0:
                    break
                value = None
                if form == _IMPLICIT_CONST:
                    value, pos = sleb128(data, pos)
                spec = seen.get((name, form, value))
                if spec is None:
                    spec = seen[name, form, value] = Container(name=_ATTRS.get(name, name),
                                                               form=_FORMS.get(form, form), value=value)
                specs.append(spec)
            out[code] = AbbrevDecl(code, Container(tag=_TAGS.get(tag, tag), children_flag=_CHILDREN[children],
                                                   attr_spec=specs))
    except IndexError:
        raise AbbrevError(f"the abbreviation table at {offset:#x} runs past the section") from None


class FastAbbrevTable(AbbrevTable):
    """An :class:`AbbrevTable` whose declarations are decoded by :func:`decode_table`."""

    __slots__ = ("_decls",)

    def __init__(self, data: bytes, offset: int, specs_seen: dict[tuple[int, int, Any], Any] | None = None
                 ) -> None:                                       # (the base class would parse)
        self.offset = offset
        self._decls = decode_table(data, offset, specs_seen)

    def get_abbrev(self, code: int) -> AbbrevDecl:
        return self._decls[code]


class Dwarf(DWARFInfo):
    """pyelftools' DWARFInfo, with :class:`FastAbbrevTable` tables and the bytes of
    ``.debug_info`` at hand."""

    def __init__(self, *args: Any, abbrev_data: bytes = b"", info_data: bytes = b"", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._abbrev_data = abbrev_data
        self.info_data = info_data          # .debug_info's bytes, for vmdebug.debuginfo.skim
        self._fast_tables: dict[int, FastAbbrevTable] = {}
        self._specs_seen: dict[tuple[int, int, Any], Any] = {}

    def get_abbrev_table(self, offset: int) -> AbbrevTable:
        table = self._fast_tables.get(offset)
        if table is None:
            if not 0 <= offset < len(self._abbrev_data):
                raise AbbrevError(f"abbreviation table offset {offset:#x} is outside .debug_abbrev")
            table = self._fast_tables[offset] = FastAbbrevTable(self._abbrev_data, offset,
                                                                           self._specs_seen)
        return table
