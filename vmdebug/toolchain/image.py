"""A linked, statically laid out i386 program: what the simulated kernel loads.

Plain data only (ints, str, bytes, lists, dicts) so a session file can store
it with msgpack via :meth:`Image.to_dict` / :meth:`Image.from_dict`.
"""
from __future__ import annotations

import bisect
import struct

from events.record import Record
from vmdebug.isa.lines import LineTable

PAGE_SIZE = 0x1000
BASE_ADDRESS = 0x08048000        # ld -m elf_i386 text-segment default (elf_i386 emulation)


class Segment(Record):
    """A PT_LOAD segment: ``data`` is the file part, ``memsz`` >= len(data) (the rest is zeros)."""

    __slots__ = (
        "vaddr",
        "data",
        "memsz",
        "flags",   # "r", "rx", "rw" (or "rwx")
        "offset",  # file offset ld would give it (congruent to vaddr mod page)
    )

    def __init__(self, vaddr: int, data: bytes, memsz: int, flags: str, offset: int = 0) -> None:
        self.vaddr = vaddr
        self.data = data
        self.memsz = memsz
        self.flags = flags
        self.offset = offset

    @property
    def end(self) -> int:
        return self.vaddr + self.memsz


class Section(Record):
    """An output section (.text, .rodata, .data, .bss, ...)."""

    __slots__ = (
        "name",
        "address",
        "size",
        "flags",    # gas letters: a w x
        "type",     # progbits | nobits
        "align",
    )

    def __init__(self, name: str, address: int, size: int, flags: str, type: str = "progbits",
                 align: int = 1) -> None:
        self.name = name
        self.address = address
        self.size = size
        self.flags = flags
        self.type = type
        self.align = align


class Symbol(Record):
    """A symbol of the linked program (``file`` names the object of a local one)."""

    __slots__ = (
        "name",
        "address",
        "size",
        "type",     # func | object | notype
        "bind",     # global | local | weak
        "section",
        "file",
    )

    def __init__(self, name: str, address: int, size: int = 0, type: str = "notype", bind: str = "global",
                 section: str = "", file: str = "") -> None:
        self.name = name
        self.address = address
        self.size = size
        self.type = type
        self.bind = bind
        self.section = section
        self.file = file


class Image(Record):
    """Everything the loader and the debugger need about a linked program."""

    __slots__ = (
        "entry",
        "segments",
        "sections",
        # name -> symbol (globals win over locals of the same name); locals whose
        # name is already taken (static functions of two files) go to extra_symbols.
        "symbols",
        "extra_symbols",
        "lines",
        "sources",
        # Non-allocated sections ld writes (.comment, .debug_*), in its order: gcc's DWARF, linked.
        "debug",
        "end",            # _end: end of .bss
        # ld emits PT_GNU_STACK when some object has a .note.GNU-stack section; the
        # stack is executable if any object lacks the note (or there is no PT_GNU_STACK).
        "exec_stack",
        "has_gnu_stack",
        "_by_addr",
    )
    _repr_skip = ("_by_addr",)
    _eq_skip = ("_by_addr",)

    def __init__(self, entry: int, segments: list[Segment] | None = None,
                 sections: list[Section] | None = None, symbols: dict[str, Symbol] | None = None,
                 extra_symbols: list[Symbol] | None = None, lines: LineTable | None = None,
                 sources: dict[str, str] | None = None, debug: dict[str, bytes] | None = None, end: int = 0,
                 exec_stack: bool = False, has_gnu_stack: bool = True,
                 _by_addr: list[tuple[int, int]] | None = None) -> None:
        self.entry = entry
        self.segments = [] if segments is None else segments
        self.sections = [] if sections is None else sections
        self.symbols = {} if symbols is None else symbols
        self.extra_symbols = [] if extra_symbols is None else extra_symbols
        self.lines = LineTable() if lines is None else lines
        self.sources = {} if sources is None else sources
        self.debug = {} if debug is None else debug
        self.end = end
        self.exec_stack = exec_stack
        self.has_gnu_stack = has_gnu_stack
        self._by_addr = [] if _by_addr is None else _by_addr

    # ------------------------------------------------------------ queries
    @property
    def gnu_stack(self) -> bool:
        """PT_GNU_STACK present and not executable (what exec's LoadSpec wants)."""
        return self.has_gnu_stack and not self.exec_stack

    @property
    def phdr(self) -> int:
        """AT_PHDR: the program headers follow the 52-byte ELF header on the first page."""
        return BASE_ADDRESS + 52

    @property
    def phnum(self) -> int:
        """AT_PHNUM: every PT_LOAD plus PT_GNU_STACK if present."""
        return len(self.segments) + int(self.has_gnu_stack)

    def all_symbols(self) -> list[Symbol]:
        return [*self.symbols.values(), *self.extra_symbols]

    def add_symbol(self, sym: Symbol) -> None:
        old = self.symbols.get(sym.name)
        if old is None:
            self.symbols[sym.name] = sym
        elif old.bind == "local" and sym.bind != "local":
            self.symbols[sym.name] = sym
            self.extra_symbols.append(old)
        else:
            self.extra_symbols.append(sym)
        self._by_addr = []
    @property
    def brk_start(self) -> int:
        """Where the program break starts: the page-aligned end of .bss (binfmt_elf set_brk)."""
        return (self.end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)

    def symbol(self, name: str) -> Symbol | None:
        """A symbol by name, global/weak ones first."""
        return self.symbols.get(name)

    def address_of(self, name: str) -> int | None:
        s = self.symbol(name)
        return s.address if s is not None else None

    def _code_symbols(self) -> list[tuple[int, int]]:
        if not self._by_addr:
            self._by_addr = sorted((s.address, i) for i, s in enumerate(self.all_symbols()))
        return self._by_addr

    def symbol_for(self, address: int) -> tuple[Symbol, int] | None:
        """The symbol at or before ``address`` (objdump's choice: prefer global, then
        the later-defined), with the offset from it; None before the first one."""
        table = self._code_symbols()
        k = bisect.bisect_right(table, (address, 1 << 62)) - 1
        if k < 0:
            return None
        at = table[k][0]
        syms = self.all_symbols()
        same = [syms[i] for a, i in table if a == at]
        sec = self.section_at(address)
        if sec is not None and not sec.address <= at < sec.address + max(sec.size, 1):
            return None
        best = sorted(same, key=lambda s: (s.bind != "global", s.type == "notype"))[0]
        return best, address - at

    def section_at(self, address: int) -> Section | None:
        for s in self.sections:
            if s.address <= address < s.address + s.size:
                return s
        return None

    def read(self, address: int, size: int) -> bytes:
        """Initial memory contents (zeros past a segment's file part)."""
        for seg in self.segments:
            if seg.vaddr <= address and address + size <= seg.end:
                off = address - seg.vaddr
                chunk = seg.data[off:off + size]
                return chunk + bytes(size - len(chunk))
        raise ValueError(f"{address:#x}+{size} is not inside one segment")

    # ----------------------------------------------------------- ELF header
    def headers(self) -> bytes:
        """The ELF header and program headers ld puts at the start of the first page."""
        loads = [s for s in self.segments if s.vaddr != BASE_ADDRESS or s.flags != "r" or s.offset != 0]
        phnum = 1 + len(loads) + int(self.has_gnu_stack)
        ehdr = b"\x7fELF" + bytes([1, 1, 1, 0]) + bytes(8)
        ehdr += struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, self.entry, 52, 0, 0, 52, 32, phnum, 40, 0, 0)
        flag_bits = {"r": 4, "rx": 5, "rw": 6, "rwx": 7}
        size = 52 + 32 * phnum
        ph = struct.pack("<IIIIIIII", 1, 0, BASE_ADDRESS, BASE_ADDRESS, size, size, 4, PAGE_SIZE)
        for s in loads:
            ph += struct.pack("<IIIIIIII", 1, s.offset, s.vaddr, s.vaddr, len(s.data), s.memsz,
                              flag_bits.get(s.flags, 4), PAGE_SIZE)
        if self.has_gnu_stack:
            ph += struct.pack("<IIIIIIII", 0x6474E551, 0, 0, 0, 0, 0, 7 if self.exec_stack else 6, 16)
        return ehdr + ph

    # -------------------------------------------------------- serialisation
    def to_dict(self) -> dict[str, object]:
        return {
            "entry": self.entry,
            "segments": [{"vaddr": s.vaddr, "data": bytes(s.data), "memsz": s.memsz, "flags": s.flags,
                          "offset": s.offset} for s in self.segments],
            "sections": [{"name": s.name, "address": s.address, "size": s.size, "flags": s.flags,
                          "type": s.type, "align": s.align} for s in self.sections],
            "symbols": [[s.name, s.address, s.size, s.type, s.bind, s.section, s.file] for s in self.all_symbols()],
            "lines": self.lines.to_dict(),
            "sources": dict(self.sources),
            "debug": dict(self.debug),
            "end": self.end,
            "exec_stack": self.exec_stack,
            "has_gnu_stack": self.has_gnu_stack,
        }

    @staticmethod
    def from_dict(d: dict[str, object]) -> "Image":
        img = Image(
            entry=int(d["entry"]),  # type: ignore[arg-type]
            segments=[Segment(int(s["vaddr"]), bytes(s["data"]), int(s["memsz"]), str(s["flags"]),
                              int(s.get("offset", 0))) for s in d["segments"]],  # type: ignore[union-attr]
            sections=[Section(str(s["name"]), int(s["address"]), int(s["size"]), str(s["flags"]),
                              str(s.get("type", "progbits")), int(s.get("align", 1)))
                      for s in d["sections"]],  # type: ignore[union-attr]
            lines=LineTable.from_dict(d.get("lines", {})),  # type: ignore[arg-type]
            sources={str(k): str(v) for k, v in d.get("sources", {}).items()},  # type: ignore[union-attr]
            debug={str(k): bytes(v) for k, v in d.get("debug", {}).items()},  # type: ignore[union-attr]
            end=int(d.get("end", 0)),  # type: ignore[arg-type]
            exec_stack=bool(d.get("exec_stack", False)),
            has_gnu_stack=bool(d.get("has_gnu_stack", True)),
        )
        for a, b, c, t, bd, sec, f in d["symbols"]:  # type: ignore[union-attr]
            img.add_symbol(Symbol(str(a), int(b), int(c), str(t), str(bd), str(sec), str(f)))
        return img
