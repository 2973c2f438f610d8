"""``<symbol+offset>`` for an address, as gdb 13 prints it after a pointer or with /a.

A port of gdb/printcmd.c ``build_address_symbolic`` / ``print_address_symbolic``
over gdb/minsyms.c ``lookup_minimal_symbol_by_pc_section`` (the ELF symbol
table, read as gdb/elfread.c ``elf_symtab_read`` does) and
``find_pc_sect_function`` (the DWARF function containing the address).

The rules that decide what is printed, for a static executable:

* the address must lie in an allocated section (``find_pc_section``); only
  symbols of that same section are candidates;
* among symbols at the preceding address the one whose name sorts last wins
  (gdb sorts by address then ``strcmp`` and takes the last); a sized symbol
  is preferred over zero-sized ones at or before it;
* an address at or past the end of a sized symbol has no symbol - unless a
  zero-sized symbol was seen on the way, or an earlier symbol is big enough to
  cover it (``pc < prev.address + prev.size``);
* a zero-sized data symbol (``_edata``, asm labels) is never printed; a
  zero-sized text symbol is;
* a DWARF function containing the address wins over the ELF symbol, except
  when the ELF symbol starts exactly at the address and the function does not
  (``foo.cold``); the offset is then from the function's entry pc;
* with ``demangle`` (a pointer's ``<sym>``; gdb's ``print demangle`` on) an
  ELF symbol is printed by its gdb print name
  (:func:`vmdebug.debuginfo.valprint_names.msymbol_print_name`: ``f.cold`` is
  ``f[cold]``, a static local ``count.0`` is ``count``); without it (``/a``,
  ``x/a``, which follow ``print asm-demangle``, off) by its ELF name.  A DWARF
  function is printed by its DWARF name either way.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from events.record import Frozen
from vmdebug.debuginfo.valprint_names import msymbol_print_name

TEXT_TYPES = ("text", "file_text")


class MinSym(Frozen):
    """A minimal symbol: name, address, ELF size, msymbol type, section name."""

    __slots__ = (
        "name",
        "address",
        "size",
        "type",     # text, file_text, data, file_data, bss, file_bss
        "section",
    )

    def __init__(self, name: str, address: int, size: int, type: str, section: str) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "address", address)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "section", section)


class _Section(Frozen):
    __slots__ = ("name", "start", "end", "code", "load")

    def __init__(self, name: str, start: int, end: int, code: bool, load: bool) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "load", load)


def _sections(sections: Iterable[Any]) -> list[_Section]:
    """gdb's obj_sections: the allocated (SEC_ALLOC) sections, with their kind."""
    out = []
    for s in sections:
        flags = getattr(s, "flags", "a")
        if "a" not in flags:
            continue
        out.append(_Section(s.name, s.address, s.address + s.size, "x" in flags,
                            getattr(s, "type", "progbits") != "nobits"))
    return sorted(out, key=lambda s: s.start)


def minimal_symbols(symbols: Iterable[Any], sections: Iterable[Any]) -> list[MinSym]:
    """elf_symtab_read: which ELF symbols become minimal symbols and of what type,
    sorted as gdb sorts them (minimal_symbol_is_less_than) with duplicates compacted
    (compact_minimal_symbols).  ``symbols`` have ``name, address, size, type, bind,
    section`` (vmdebug.toolchain.image.Symbol); ``type`` "file"/"section" are skipped."""
    by_name = {s.name: s for s in _sections(sections)}
    out: list[MinSym] = []
    for sym in symbols:
        name = sym.name
        if not name or getattr(sym, "type", "") in ("file", "section"):
            continue
        sec = by_name.get(getattr(sym, "section", ""))
        if sec is None:
            continue                      # absolute, undefined or non-allocated: mst_abs / skipped
        local = getattr(sym, "bind", "global") == "local"
        if sec.code:
            if local and name.startswith(".L"):
                continue                  # a compiler label
            kind = "file_text" if local else "text"
        else:
            kind = ("file_" if local else "") + ("data" if sec.load else "bss")
        out.append(MinSym(name, sym.address, getattr(sym, "size", 0) or 0, kind, sec.name))
    out.sort(key=lambda m: (m.address, m.name.encode()))
    compact: list[MinSym] = []
    for m in out:
        if compact and compact[-1].address == m.address and compact[-1].section == m.section \
                and compact[-1].name == m.name:
            compact[-1] = m
            continue
        compact.append(m)
    return compact


class AddressSymbolizer:
    """gdb's ``<sym+off>`` lookup for one program; call it with an address.

    ``functions`` are the program's DWARF functions (objects with ``name``,
    ``ranges`` [(low, high)] and ``entry_pc``, e.g. ``vmdebug.debuginfo.symbols.Function``);
    without them only ELF symbols are used, which gives the same text for code
    whose functions are contiguous and named alike in both.
    """

    def __init__(self, symbols: Iterable[Any], sections: Iterable[Any], functions: Iterable[Any] = ()) -> None:
        sections = list(sections)
        self.sections = _sections(sections)
        self.msymbols = minimal_symbols(symbols, sections)
        self._addrs = [m.address for m in self.msymbols]
        self.functions = [f for f in functions if getattr(f, "ranges", None)]

    # ---- find_pc_section ----------------------------------------------------------
    def section_of(self, pc: int) -> _Section | None:
        for s in self.sections:
            if s.start <= pc < s.end:
                return s
        return None

    # ---- lookup_minimal_symbol_by_pc_section -----------------------------------------
    def msymbol(self, pc: int) -> MinSym | None:
        """The minimal symbol gdb finds for ``pc`` (prefer = TEXT), or None."""
        section = self.section_of(pc)
        if section is None or not self.msymbols or pc < self._addrs[0]:
            return None
        syms = self.msymbols
        hi = bisect.bisect_right(self._addrs, pc) - 1     # the last symbol at or below pc
        best_zero_sized = -1
        while hi >= 0:
            m = syms[hi]
            if m.section != section.name:
                hi -= 1
                continue
            if (hi > 0 and m.type != "text" and syms[hi - 1].type == "text"
                    and m.size == syms[hi - 1].size and m.address == syms[hi - 1].address
                    and m.section == syms[hi - 1].section):
                hi -= 1
                continue
            if m.size == 0:
                if best_zero_sized == -1:
                    best_zero_sized = hi
                hi -= 1
                continue
            if hi > 0 and pc >= m.address + m.size and pc < syms[hi - 1].address + syms[hi - 1].size:
                hi -= 1
                continue
            break
        if best_zero_sized != -1 and (hi < 0 or syms[hi].size == 0):
            hi = best_zero_sized
        if hi >= 0 and syms[hi].size != 0 and pc >= syms[hi].address + syms[hi].size:
            if best_zero_sized == -1:
                return None
            hi = best_zero_sized
        return syms[hi] if hi >= 0 else None

    @staticmethod
    def entry_pc(fn: Any) -> int:
        """gdb 13's block entry_pc: the start of a contiguous function, else of the first
        range in DW_AT_ranges order (DW_AT_entry_pc is ignored)."""
        return fn.ranges[0][0] if len(fn.ranges) > 1 else min(lo for lo, _ in fn.ranges)

    def function(self, pc: int) -> Any | None:
        """find_pc_sect_function: the (non-inlined) DWARF function whose ranges hold pc."""
        for f in self.functions:
            if any(lo <= pc < hi for lo, hi in f.ranges):
                return f
        return None

    # ---- build_address_symbolic ------------------------------------------------------
    def lookup(self, addr: int, demangle: bool = True) -> tuple[str, int] | None:
        """(name as printed, offset) gdb would print for ``addr``, or None."""
        if not 0 <= addr < 1 << 32:
            return None
        msym = self.msymbol(addr)
        fn = self.function(addr)
        name, location = None, 0
        if fn is not None:
            location = self.entry_pc(fn)
            name = fn.name
        if msym is not None and msym.size == 0 and msym.type not in TEXT_TYPES:
            msym = None
        if msym is not None and (fn is None or (msym.address == addr and location != addr)):
            name, location = msymbol_print_name(msym.name) if demangle else msym.name, msym.address
        if name is None:
            return None
        return name, addr - location

    def __call__(self, addr: int, demangle: bool = True) -> str:
        """print_address_symbolic: ``<name>``, ``<name+off>`` or ""."""
        found = self.lookup(addr, demangle)
        if found is None:
            return ""
        name, off = found
        return f"<{name}{off:+d}>" if off else f"<{name}>"


def symbolizer_for_image(image: Any, functions: Iterable[Any] = ()) -> AddressSymbolizer:
    """The symbolizer of a linked :class:`vmdebug.toolchain.image.Image`."""
    return AddressSymbolizer(image.all_symbols(), image.sections, functions)
