"""A static linker laying objects out as ``ld -m elf_i386 -static`` (binutils 2.40) does.

The default linker script for elf_i386 with ``-z separate-code`` (the
default) gives, for a static non-PIE program:

* the ELF and program headers on their own read-only page at 0x08048000;
* ``.text`` at the next page: ``*(.text.unlikely ...) *(.text.exit ...)
  *(.text.startup ...) *(.text.hot ...) *(SORT(.text.sorted.*))
  *(.text .stub .text.* ...)``, each input section aligned to its alignment;
* ``.rodata`` (``*(.rodata .rodata.*)``) on the next page, with SHF_MERGE
  sections merged as bfd/merge.c does (duplicate strings and suffixes kept
  once, in the section that first had them);
* ``.data`` then ``.bss`` (``*(.bss .bss.*) *(COMMON)``, padded to 4) in the
  RW segment placed by ``DATA_SEGMENT_ALIGN``: next page plus the same page
  offset, unless starting on the page boundary saves a page
  (ldlang.c lang_size_segment);
* ``__bss_start``, ``_edata`` and ``_end`` as in the script;
* the non-allocated ``.comment`` and DWARF sections (ld's DWARF.sc), each at
  address 0 so that a relocation against one of them is an offset in it,
  ``.debug_str``/``.debug_line_str``/``.comment`` merged like read-only
  strings; their relocations are applied like every other (R_386_32: S + A).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from events.record import Record, replace
from vmdebug.errors import UserError
from vmdebug.isa.layout import DataFixup, InsnFixup, ObjSection, Object, ObjSymbol
from vmdebug.isa.lines import LineEntry, LineTable
from vmdebug.isa.operands import Imm, Mem, Rel
from vmdebug.toolchain.image import BASE_ADDRESS, PAGE_SIZE, Image, Section, Segment, Symbol


class Undefined(Exception):
    """A reference to a symbol no object defines (turned into ld's message where it is known)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class LinkError(UserError):
    """Undefined or multiply defined symbols, or a relocation that does not fit."""


class Input(Record):
    """One input section placed in an output section."""

    __slots__ = (
        "obj",
        "sec",
        "data",
        "size",
        "align",
        "address",
        # For merged sections: (original bytes, entries, strings?, entsize), see _mapped.
        "remap",
    )

    def __init__(self, obj: int, sec: ObjSection, data: bytearray, size: int, align: int, address: int = 0,
                 remap: tuple | None = None) -> None:
        self.obj = obj
        self.sec = sec
        self.data = data
        self.size = size
        self.align = align
        self.address = address
        self.remap = remap


class Output(Record):
    __slots__ = ("name", "flags", "nobits", "inputs", "address", "size", "align")

    def __init__(self, name: str, flags: str, nobits: bool, inputs: list[Input] | None = None,
                 address: int = 0, size: int = 0, align: int = 1) -> None:
        self.name = name
        self.flags = flags
        self.nobits = nobits
        self.inputs = [] if inputs is None else inputs
        self.address = address
        self.size = size
        self.align = align


def _text_rank(name: str) -> int | None:
    """Which .text input statement of the default script takes this section."""
    for rank, prefixes in enumerate(((".text.unlikely", ".text.exit"), (".text.startup",), (".text.hot",),
                                     (".text.sorted.",))):
        for p in prefixes:
            if name == p or name.startswith(p + ".") or (p.endswith(".") and name.startswith(p)):
                return rank
    if name.endswith("_unlikely") and name.startswith(".text."):
        return 0
    if name in (".text", ".stub") or name.startswith(".text."):
        return 4
    return None


#: Non-allocated output sections in the order of ld's default script (elf.sc, DWARF.sc).
NONALLOC_ORDER = (".comment", ".debug", ".line", ".debug_srcinfo", ".debug_sfnames", ".debug_aranges",
                  ".debug_pubnames", ".debug_info", ".debug_abbrev", ".debug_line", ".debug_frame",
                  ".debug_str", ".debug_loc", ".debug_macinfo", ".debug_weaknames", ".debug_funcnames",
                  ".debug_typenames", ".debug_varnames", ".debug_pubtypes", ".debug_ranges", ".debug_addr",
                  ".debug_line_str", ".debug_loclists", ".debug_macro", ".debug_names", ".debug_rnglists",
                  ".debug_str_offsets", ".debug_sup")


def _output_name(sec: ObjSection) -> str | None:
    n = sec.name
    if not sec.alloc:
        if n in NONALLOC_ORDER:
            return n
        if n.startswith(".debug_line.") or n == ".debug_line_end":
            return ".debug_line"
        if n.startswith(".gnu.linkonce.wi."):
            return ".debug_info"
        return None
    if _text_rank(n) is not None:
        return ".text"
    if n == ".rodata" or n.startswith(".rodata."):
        return ".rodata"
    if n == ".data" or n.startswith(".data."):
        return ".data"
    if n == ".bss" or n.startswith(".bss."):
        return ".bss"
    return n                     # an orphan: placed after the output section of its kind


def code_fill(n: int) -> bytes:
    """ld's padding between code input sections on i386: 2-byte nops (66 90),
    and a 90 for an odd count (bfd/cpu-i386.c bfd_i386_fill, measured on 2.40)."""
    return b"\x66\x90" * (n // 2) + b"\x90" * (n % 2)


# ------------------------------------------------------------------ merging
def _merge(inputs: list[Input]) -> None:
    """bfd/merge.c (2.40) for one group of SHF_MERGE input sections with the same
    flags, entity size and alignment: record every entry (for strings, zero
    padding after a string is skipped and one "" entry is recorded per section),
    drop duplicates and, for strings, suffixes of other strings (merge_strings),
    and keep each remaining entry in the section that had it first."""
    first = inputs[0].sec
    strings = "S" in first.flags
    entsize = max(first.entsize, 1)
    mask = first.align - 1
    entries: dict[bytes, list] = {}          # content -> [holder input, alignment, kept, index, suffix-of]
    order: list[bytes] = []

    def add(key: bytes, elt: int, inp: Input) -> None:
        e = entries.get(key)
        if e is None:
            entries[key] = [inp, elt, True, 0, None]
            order.append(key)
        elif e[1] < elt:
            e[1] = elt

    zero = bytes(entsize)
    for inp in inputs:
        data = bytes(inp.sec.data)
        p = 0
        nul = False
        while p < len(data):
            elt = p & -p if p else mask + 1
            if elt > mask:
                elt = mask + 1
            if strings:
                end = p
                while end + entsize <= len(data) and data[end:end + entsize] != zero:
                    end += entsize
                end = min(end + entsize, len(data))
            else:
                end = p + entsize
            add(data[p:end], elt, inp)
            p = end
            if strings:
                while p < len(data) and data[p:p + entsize] == zero:
                    if not nul and not (p & mask):
                        nul = True
                        add(zero, mask + 1, inp)
                    p += entsize
        inp.remap = (data, entries, strings, entsize)  # type: ignore[assignment]
    if strings:
        def revkey(k: bytes) -> tuple[int, bytes]:
            body = k[:-entsize]
            tail = len(body) & (entries[k][1] - 1) if entsize == 1 else 0
            return (tail, body[::-1])
        ranked = sorted(order, key=revkey)
        rep = ranked[-1]
        for k in reversed(ranked[:-1]):
            e, r = entries[k], entries[rep]
            if r[1] >= e[1] and not ((len(rep) - len(k)) & (e[1] - 1)) and rep.endswith(k):
                e[2], e[4] = False, rep
            else:
                rep = k
    sizes: dict[int, int] = {id(i): 0 for i in inputs}
    contents: dict[int, bytearray] = {id(i): bytearray() for i in inputs}
    for k in order:
        e = entries[k]
        if not e[2]:
            continue
        key = id(e[0])
        size = (sizes[key] + e[1] - 1) & ~(e[1] - 1)
        contents[key] += bytes(size - len(contents[key]))
        e[3] = size
        contents[key] += k
        sizes[key] = size + len(k)
    for k in order:                         # suffixes: point into their representative
        e = entries[k]
        if not e[2]:
            target = e[4]
            extra = len(target) - len(k)
            while not entries[target][2]:
                extra += len(entries[target][4]) - len(target)
                target = entries[target][4]
            e[0], e[3] = entries[target][0], entries[target][3] + extra
    for inp in inputs:
        inp.data = contents[id(inp)]
        inp.size = sizes[id(inp)]


def _mapped(inp: Input, offset: int) -> tuple[Input, int]:
    """Where byte ``offset`` of a merged input section ended up: find the entry
    holding it by content (bfd/merge.c _bfd_merged_section_offset)."""
    if inp.remap is None:
        return inp, offset
    data, entries, strings, entsize = inp.remap  # type: ignore[misc]
    if strings:
        start = offset
        while start >= entsize and data[start - entsize:start] != bytes(entsize):
            start -= entsize
        end = offset
        while end + entsize <= len(data) and data[end:end + entsize] != bytes(entsize):
            end += entsize
        key = data[start:min(end + entsize, len(data))]
    else:
        start = offset - offset % entsize
        key = data[start:start + entsize]
    e = entries.get(key)
    if e is None:
        return inp, offset
    return e[0], e[3] + offset - start


# ------------------------------------------------------------------ linking
class Linker:
    """One link of several objects."""

    def __init__(self, objects: list[Object], entry: str = "_start", debug: bool = True) -> None:
        self.objects = objects
        self.entry_name = entry
        self.debug = debug
        # Final addresses by (object, name), filled once layout is done: a C program's
        # link resolves 18,000 fixups against a few hundred distinct names.
        self._addresses: dict[tuple[int, str], int | None] = {}
        self.errors: list[str] = []
        self.inputs: dict[tuple[int, str], Input] = {}
        self.globals: dict[str, tuple[int, ObjSymbol]] = {}
        self.commons: dict[str, tuple[int, ObjSymbol]] = {}
        self.outputs: list[Output] = []
        self.nonalloc: dict[str, Output] = {}
        self.linker_syms: dict[str, int] = {}
        self.common_addr: dict[str, int] = {}

    # -- symbols ------------------------------------------------------------
    def collect_globals(self) -> None:
        for k, obj in enumerate(self.objects):
            for sym in obj.symbols.values():
                if sym.bind == "local" or sym.section is None:
                    continue
                if sym.section == "*COM*":
                    old = self.commons.get(sym.name)
                    if old is None or old[1].size < sym.size:
                        self.commons[sym.name] = (k, sym)
                    continue
                old_def = self.globals.get(sym.name)
                if old_def is None or (old_def[1].bind == "weak" and sym.bind == "global"):
                    self.globals[sym.name] = (k, sym)
                elif sym.bind == "global" and old_def[1].bind == "global":
                    self.errors.append(f"{obj.filename}: multiple definition of `{sym.name}'; first defined in "
                                       f"{self.objects[old_def[0]].filename}")
        for name in list(self.commons):
            if name in self.globals:
                del self.commons[name]

    def address(self, k: int, name: str) -> int | None:
        """Final address of ``name`` as seen from object ``k`` (valid once layout is done)."""
        key = (k, name)
        try:
            return self._addresses[key]
        except KeyError:
            value = self._addresses[key] = self._address(k, name)
            return value

    def _address(self, k: int, name: str) -> int | None:
        if not name:
            return 0
        sym = self.objects[k].symbols.get(name)
        if sym is None or sym.bind != "local" or sym.section is None:
            found = self.globals.get(name)
            if found is not None:
                k, sym = found
            elif name in self.common_addr:
                return self.common_addr[name]
            elif name in self.linker_syms:
                return self.linker_syms[name]
            elif sym is not None and sym.bind == "weak":
                return 0
            else:
                return None
        if sym.section == "*ABS*":
            return sym.value
        if sym.section == "*COM*":
            return self.common_addr.get(sym.name)
        inp = self.inputs.get((k, sym.section))  # type: ignore[arg-type]
        if inp is None:
            return None
        holder, off = _mapped(inp, sym.value)
        return holder.address + off

    # -- layout ---------------------------------------------------------------
    def build_outputs(self) -> None:
        text = Output(".text", "ax", False)
        rodata = Output(".rodata", "a", False)
        data = Output(".data", "aw", False)
        bss = Output(".bss", "aw", True)
        orphans: dict[str, Output] = {}
        ranked: list[tuple[int, int, int, Input]] = []
        merge_groups: dict[tuple[str, int, int], list[Input]] = {}
        for k, obj in enumerate(self.objects):
            for pos, sec in enumerate(obj.sections.values()):
                out_name = _output_name(sec)
                if out_name is None:
                    continue
                inp = Input(k, sec, bytearray(sec.data), sec.size, sec.align)
                self.inputs[(k, sec.name)] = inp
                if "M" in sec.flags and sec.size:
                    key = (out_name if not sec.alloc else "", sec.flags.replace("a", ""), sec.entsize, sec.align)
                    merge_groups.setdefault(key, []).append(inp)
                if not sec.alloc:
                    out = self.nonalloc.get(out_name)
                    if out is None:
                        out = self.nonalloc[out_name] = Output(out_name, sec.flags.replace("a", ""), False)
                    out.inputs.append(inp)
                elif out_name == ".text":
                    ranked.append((_text_rank(sec.name) or 0, k, pos, inp))
                elif out_name in (".rodata", ".data", ".bss"):
                    {".rodata": rodata, ".data": data, ".bss": bss}[out_name].inputs.append(inp)
                else:
                    out = orphans.get(out_name)
                    if out is None:
                        out = orphans[out_name] = Output(out_name, sec.flags, sec.type == "nobits")
                    out.inputs.append(inp)
        ranked.sort(key=lambda r: (r[0], r[1], r[2]))
        text.inputs = [r[3] for r in ranked]
        for group in merge_groups.values():
            _merge(group)
        self.add_commons(bss)
        after = {"x": [], "r": [], "w": [], "b": []}  # type: dict[str, list[Output]]
        for out in orphans.values():
            kind = "x" if "x" in out.flags else "b" if out.nobits else "w" if "w" in out.flags else "r"
            after[kind].append(out)
        self.outputs = [text, *after["x"], rodata, *after["r"], data, *after["w"], bss, *after["b"]]

    def add_commons(self, bss: Output) -> None:
        """Allocate COMMON symbols in each object's COMMON section, in ld's hash-table
        order (bfd_hash_traverse over bfd_hash_hash % 4051, newest first per bucket)."""
        self.common_inputs: dict[int, Input] = {}
        self.common_offsets: dict[str, tuple[int, int]] = {}

        def bucket(name: str) -> int:
            h = 0
            for c in name.encode():
                h = (h + c + (c << 17)) & (2**64 - 1)
                h ^= h >> 2
            n = len(name.encode())
            h = (h + n + (n << 17)) & (2**64 - 1)
            h ^= h >> 2
            return h % 4051
        seen: list[str] = []
        for obj in self.objects:
            for sym in obj.symbols.values():
                if sym.bind != "local" and sym.name not in seen:
                    seen.append(sym.name)
        insertion = {n: i for i, n in enumerate(seen)}
        names = sorted(self.commons, key=lambda n: (bucket(n), -insertion.get(n, 0)))
        for name in names:
            k, sym = self.commons[name]
            inp = self.common_inputs.get(k)
            if inp is None:
                inp = self.common_inputs[k] = Input(k, ObjSection("COMMON", "aw", "nobits"), bytearray(), 0, 1)
            off = (inp.size + sym.align - 1) & ~(sym.align - 1)
            inp.align = max(inp.align, sym.align)
            self.common_offsets[name] = (k, off)
            inp.size = off + sym.size
        for k in sorted(self.common_inputs):
            bss.inputs.append(self.common_inputs[k])

    def place(self, out: Output, address: int) -> int:
        out.align = max([i.align for i in out.inputs] + [1])
        address = (address + out.align - 1) & ~(out.align - 1)
        out.address = address
        for inp in out.inputs:
            address = (address + inp.align - 1) & ~(inp.align - 1)
            inp.address = address
            address += inp.size
        if out.name == ".bss" and address != out.address:
            address = (address + 3) & ~3          # . = ALIGN(. != 0 ? 32 / 8 : 1)
        out.size = address - out.address
        return address

    def layout(self) -> None:
        outs = [o for o in self.outputs if o.inputs]
        code = [o for o in outs if "x" in o.flags]
        ro = [o for o in outs if "x" not in o.flags and "w" not in o.flags]
        rw = [o for o in outs if "w" in o.flags]
        dot = BASE_ADDRESS + PAGE_SIZE                 # . = ALIGN(MAXPAGESIZE) after the headers
        for o in code:
            dot = self.place(o, dot)
        self.etext = dot
        dot = (dot + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)  # separate code: rodata on its own page
        for o in ro:
            dot = self.place(o, dot)
        # DATA_SEGMENT_ALIGN (MAXPAGESIZE, COMMONPAGESIZE), both 0x1000 on i386.
        aligned = (dot + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        for base in (aligned + (dot & (PAGE_SIZE - 1)), aligned):
            end = self.place_rw(rw, base)
            first = -base & (PAGE_SIZE - 1)
            last = end & (PAGE_SIZE - 1)
            if not (first and last and base // PAGE_SIZE != end // PAGE_SIZE and first + last <= PAGE_SIZE):
                break
        self.end = end
        for out in self.nonalloc.values():
            self.place(out, 0)

    def place_rw(self, rw: list[Output], base: int) -> int:
        dot = base
        self.edata = self.bss_start = dot
        for o in rw:
            if o.nobits and o.name == ".bss":
                self.edata = self.bss_start = dot
            dot = self.place(o, dot)
            if not o.nobits:
                self.edata = self.bss_start = dot
        return (dot + 3) & ~3                          # _end = ALIGN(32 / 8)

    # -- relocation -----------------------------------------------------------
    def fixup(self, inp: Input) -> None:
        obj = self.objects[inp.obj]
        for fx in inp.sec.fixups:
            where = inp.address + fx.offset
            try:
                if isinstance(fx, DataFixup):
                    self.apply_data(inp, fx, where)
                else:
                    self.apply_insn(inp, fx, where)
            except Undefined as exc:
                self.errors.append(self._undefined(obj, inp.sec.name, fx, exc.name))
            except LinkError as exc:
                self.errors.append(f"{obj.filename}:{fx.line}:{fx.col}: {exc}")

    def resolve(self, k: int, name: str) -> int:
        value = self.address(k, name)
        if value is None:
            raise Undefined(name)
        return value

    def apply_data(self, inp: Input, fx: DataFixup, where: int) -> None:
        value = self.resolve(inp.obj, fx.symbol) + fx.addend
        if fx.pcrel_base is not None:
            value -= inp.address + fx.pcrel_base
        bits = 8 * fx.size
        if not -(1 << (bits - 1)) <= value < (1 << bits) and bits < 32:
            raise LinkError(f"relocation truncated to fit: {fx.size}-byte value of `{fx.symbol}'")
        inp.data[fx.offset:fx.offset + fx.size] = (value & ((1 << bits) - 1)).to_bytes(fx.size, "little")

    def apply_insn(self, inp: Input, fx: InsnFixup, where: int) -> None:
        from vmdebug.isa.encoder import EncodeError, encode

        ops = list(fx.operands)
        for ref in fx.refs:
            value = (self.resolve(inp.obj, ref.symbol) + ref.addend) & 0xFFFFFFFF
            op = ops[ref.index]
            if isinstance(op, Rel):
                ops[ref.index] = Rel(value)
            elif isinstance(op, Mem):
                ops[ref.index] = replace(op, disp=value - (1 << 32) if value & 0x80000000 else value)
            elif isinstance(op, Imm):
                ops[ref.index] = replace(op, value=value)
        try:
            data = encode(fx.mnemonic, tuple(ops), prefixes=fx.prefixes, address=where, branch=fx.branch)
        except EncodeError as exc:
            raise LinkError(f"relocation does not fit: {exc}") from None
        if len(data) != fx.size:
            raise LinkError(f"relocation truncated to fit in `{fx.mnemonic}'")
        inp.data[fx.offset:fx.offset + fx.size] = data

    # -- the image ------------------------------------------------------------
    def run(self) -> Image:
        self.collect_globals()
        self.build_outputs()
        self.layout()
        self.linker_syms = {"__bss_start": self.bss_start, "_edata": self.edata, "edata": self.edata,
                            "_end": self.end, "end": self.end, "_etext": self.etext, "etext": self.etext,
                            "__etext": self.etext, "__executable_start": BASE_ADDRESS}
        for name, (k, off) in self.common_offsets.items():
            self.common_addr[name] = self.common_inputs[k].address + off
        self.check_undefined()
        # Without debug information (``vmdebug run``) the DWARF's 8,000 fixups are left
        # undone and the image has no DWARF and no line table: nothing there reads them.
        for out in [*self.outputs, *(self.nonalloc.values() if self.debug else ())]:
            for inp in out.inputs:
                self.fixup(inp)
        entry = self.address(0, self.entry_name)
        if entry is None:
            self.errors.append(f"entry symbol `{self.entry_name}' is not defined")
        if self.errors:
            raise LinkError("\n".join(dict.fromkeys(self.errors)))
        return self.image(entry or 0)

    def check_undefined(self) -> None:
        for k, obj in enumerate(self.objects):
            for sec in obj.sections.values():
                if _output_name(sec) is None:
                    continue
                for fx in sec.fixups:
                    names = [fx.symbol] if isinstance(fx, DataFixup) else [r.symbol for r in fx.refs]
                    for name in names:
                        if self.address(k, name) is None:
                            self.errors.append(self._undefined(obj, sec.name, fx, name))

    @staticmethod
    def _undefined(obj: Any, section: str, fx: Any, name: str) -> str:
        """gas/ld's message, placed at the C line the reference comes from when the object was
        compiled from C (its ``.loc`` rows), and saying that the libc lacks the function."""
        rows = [r for r in obj.lines if r.section == section and r.offset <= fx.offset]
        row = max(rows, key=lambda r: r.offset) if rows else None
        if row is None or row.file == obj.filename or not row.file.endswith(".c"):
            return f"{obj.filename}:{fx.line}:{fx.col}: undefined reference to `{name}'"
        return (f"{row.file}:{row.line}: undefined reference to `{name}': the vmdebug libc has no `{name}' "
                "(docs/libc.md lists what it has)")

    def image(self, entry: int) -> Image:
        outs = [o for o in self.outputs if o.inputs and (o.size or o.name in (".text",))]
        sections = [Section(o.name, o.address, o.size, o.flags, "nobits" if o.nobits else "progbits", o.align)
                    for o in outs]
        segments: list[Segment] = []
        groups = [("rx", [o for o in outs if "x" in o.flags]),
                  ("r", [o for o in outs if "x" not in o.flags and "w" not in o.flags]),
                  ("rw", [o for o in outs if "w" in o.flags])]
        for flags, group in groups:
            if not group:
                continue
            start = group[0].address
            file_end = max([o.address + o.size for o in group if not o.nobits] + [start])
            mem_end = max(o.address + o.size for o in group)
            blob = bytearray(file_end - start)
            for o in group:
                if o.nobits:
                    continue
                cursor = o.address
                for inp in o.inputs:
                    if "x" in o.flags and inp.address > cursor:
                        blob[cursor - start:inp.address - start] = code_fill(inp.address - cursor)
                    off = inp.address - start
                    blob[off:off + len(inp.data)] = inp.data
                    cursor = inp.address + inp.size
            segments.append(Segment(start, bytes(blob), mem_end - start, flags))
        offset = PAGE_SIZE
        for seg in segments:
            # ld keeps file offset == vaddr (mod page): next such offset after the previous segment.
            offset += (seg.vaddr - offset) % PAGE_SIZE
            seg.offset = offset if seg.data else 0
            offset += len(seg.data)
        notes = [o.sections.get(".note.GNU-stack") for o in self.objects]
        exec_stack = not all(n is not None and "x" not in n.flags for n in notes)
        img = Image(entry=entry, segments=segments, sections=sections, end=self.end, exec_stack=exec_stack,
                    has_gnu_stack=any(n is not None for n in notes))
        img.segments.insert(0, Segment(BASE_ADDRESS, b"", 0, "r", 0))
        header = img.headers()
        img.segments[0] = Segment(BASE_ADDRESS, header, len(header), "r", 0)
        for sym in self.symbols():
            img.add_symbol(sym)
        if self.debug:
            img.lines = self.line_table()
            img.debug = self.nonalloc_contents()
            for obj in self.objects:
                img.sources.update(obj.sources)
        return img

    def nonalloc_contents(self) -> dict[str, bytes]:
        """The .comment and DWARF sections, in ld's order, inputs padded with zeros to their alignment."""
        out: dict[str, bytes] = {}
        for name in NONALLOC_ORDER:
            sec = self.nonalloc.get(name)
            if sec is None or not sec.size:
                continue
            blob = bytearray(sec.size)
            for inp in sec.inputs:
                blob[inp.address:inp.address + len(inp.data)] = inp.data
            out[name] = bytes(blob)
        return out

    def symbols(self) -> list[Symbol]:
        out: list[Symbol] = []
        for k, obj in enumerate(self.objects):
            for sym in obj.symbols.values():
                if sym.section is None or sym.name.startswith(".L") or "\x02" in sym.name \
                        or sym.name.startswith(".\x01"):
                    continue
                if sym.bind != "local" and self.globals.get(sym.name, (k,))[0] != k:
                    continue
                if sym.section == "*COM*" and self.commons.get(sym.name, (k,))[0] != k:
                    continue
                addr = self.address(k, sym.name) if sym.bind != "local" else self._local_addr(k, sym)
                if addr is None:
                    continue
                section = "*ABS*" if sym.section == "*ABS*" else ".bss" if sym.section == "*COM*" else \
                    (_output_name(obj.sections[sym.section]) or sym.section)
                out.append(Symbol(sym.name, addr, sym.size, sym.type, sym.bind, section,
                                  obj.filename if sym.bind == "local" else ""))
        for name in ("__bss_start", "_edata", "_end"):
            if name not in self.globals:
                sec = ".bss" if name != "_edata" else ".data"
                out.append(Symbol(name, self.linker_syms[name], 0, "notype", "global", sec))
        return out

    def _local_addr(self, k: int, sym: ObjSymbol) -> int | None:
        if sym.section == "*ABS*":
            return sym.value
        inp = self.inputs.get((k, sym.section))  # type: ignore[arg-type]
        if inp is None:
            return None
        holder, off = _mapped(inp, sym.value)
        return holder.address + off

    def line_table(self) -> LineTable:
        entries: list[LineEntry] = []
        ranges: list[tuple[int, int]] = []
        for k, obj in enumerate(self.objects):
            for row in obj.lines:
                inp = self.inputs.get((k, row.section))
                if inp is None:
                    continue
                entries.append(LineEntry(inp.address + row.offset, row.file, row.line, row.col, row.is_stmt))
            for sec in obj.sections.values():
                inp = self.inputs.get((k, sec.name))
                if inp is not None and "x" in sec.flags and inp.size:
                    ranges.append((inp.address, inp.address + inp.size))
        return LineTable(entries, ranges)


def link(objects: list[Object], entry: str = "_start", debug: bool = True) -> Image:
    """Link objects into an :class:`Image`; raises :class:`LinkError` listing every problem.

    ``debug=False`` leaves out the DWARF and the line table (what ``ld --strip-debug``
    leaves out), for a run that never shows a source line."""
    if not objects:
        raise LinkError("nothing to link")
    return Linker(objects, entry, debug).run()


# ------------------------------------------------------------------ programs
_LIBC_CACHE: dict[tuple[str, bool], list[Object]] = {}
_LIBC_KEYS: dict[int, str] = {}         # id of a list in _LIBC_CACHE -> its key

#: The largest source file a program image carries (a session holds every source it names).
MAX_SOURCE_BYTES = 4 << 20


def _libc_files() -> tuple[list[tuple[str, bytes]], str] | None:
    """The libc's (name, text) sources and their cache key; None without a libc."""
    from vmdebug.libc import ASM_DIR, asm_files, debug_name
    from vmdebug.toolchain import libc_cache

    if not ASM_DIR.is_dir() or not any(ASM_DIR.glob("*.s")):
        return None
    files = [(debug_name(path), path.read_bytes()) for path in asm_files()]
    return files, libc_cache.cache_key(files)


def libc_objects(debug: bool = True) -> list[Object]:
    """The libc's crt0 and asm/*.s, assembled under their install-independent names
    (``/vmdebug/libc/...``), with the C sources and headers their DWARF names; [] without a libc.
    Without ``debug`` the objects may lack their DWARF, line rows and sources
    (:func:`libc_with_debug` gives some of them theirs).

    Assembling gcc's full DWARF takes seconds, so the objects are kept in memory and on
    disk (:mod:`vmdebug.toolchain.libc_cache`), keyed by the sources and the assembler."""
    from vmdebug.isa.assembler import assemble_text
    from vmdebug.libc import real_path
    from vmdebug.toolchain import libc_cache

    found = _libc_files()
    if found is None:
        return []
    files, key = found
    objects = _LIBC_CACHE.get((key, True)) or _LIBC_CACHE.get((key, debug)) or \
        libc_cache.load(key, len(files), debug)
    if objects is None:
        objects = []
        for name, text in files:
            obj = assemble_text(text.decode("utf-8", "replace"), name)
            attach_sources(obj, lambda n: real_path(n))
            objects.append(obj)
        libc_cache.store(key, objects)
        debug = True
    _LIBC_CACHE[(key, debug)] = objects
    _LIBC_KEYS[id(objects)] = key
    return objects


def libc_with_debug(libc: list[Object], chosen: list[Object]) -> list[Object]:
    """The objects ``chosen`` from ``libc`` (a :func:`libc_objects` list), each with its DWARF,
    line rows and sources: only theirs are read from the cache's debugging file."""
    from vmdebug.toolchain import libc_cache

    key = _LIBC_KEYS.get(id(libc))
    full = _LIBC_CACHE.get((key, True)) if key is not None else None
    index = {id(o): i for i, o in enumerate(libc)}
    wanted = [index[id(o)] for o in chosen]
    if full is None and key is not None:
        parts = libc_cache.load_debug(key, len(libc), wanted)
        if parts is not None:
            return [libc_cache.with_debug(libc[i], part) for i, part in zip(wanted, parts)]
    if full is None:                # the debugging file is damaged: every object, whole or rebuilt
        full = libc_objects(debug=True)
    return [full[i] for i in wanted]


def attach_sources(obj: Object, locate: "Callable[[str], Path | None]") -> None:
    """Give ``obj`` the text of every file its DWARF names (``locate`` finds a name on disk).

    An object without a ``.file`` table (hand-written assembly) keeps its own text."""
    if not obj.file_names:
        return
    obj.sources = {}
    for name in obj.file_names:
        text = source_text(locate(name))
        if text is not None:
            obj.sources[name] = text


def source_text(path: Path | None) -> str | None:
    """The text of a source file as an image carries it (None: not there, or too large)."""
    try:
        if path is None or not path.is_file() or path.stat().st_size > MAX_SOURCE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def needs_libc(obj: Object) -> bool:
    """True when the program references symbols it does not define (so expects the libc)."""
    return any(sym.section is None and name in obj.references for name, sym in obj.symbols.items())


def _defines(obj: Object) -> set[str]:
    """The global symbols an archive member offers (a common symbol does not pull a member)."""
    return {name for name, sym in obj.symbols.items()
            if sym.bind != "local" and sym.section is not None and sym.section != "*COM*"}


def _wants(obj: Object) -> set[str]:
    """The symbols an object leaves undefined (a weak reference pulls no member)."""
    return {name for name, sym in obj.symbols.items() if sym.section is None and sym.bind != "weak"}


def archive_order(defines: list[set[str]], wants: list[set[str]], defined: set[str],
                  undefined: set[str]) -> list[int]:
    """Which members of an archive a static link pulls in, in the order ld pulls them.

    ld's archive rule (bfd/elflink.c ``elf_link_add_archive_symbols``): walk the
    archive's symbol map, which ``ar`` writes member by member in archive order, and
    take a member when it defines a symbol that is still undefined; its own references
    join the undefined ones; walk again until a pass takes nothing.  So members come
    pass by pass, in archive order within a pass.  ``defines``/``wants`` are each
    member's definitions and undefined references; ``defined``/``undefined`` the
    objects' before the archive.
    """
    defined, undefined = set(defined), set(undefined)
    taken: list[int] = []
    done = [False] * len(defines)
    progress = True
    while progress:
        progress = False
        for i, offered in enumerate(defines):
            if done[i] or not offered & (undefined - defined):
                continue
            done[i], progress = True, True
            taken.append(i)
            defined |= offered
            undefined |= wants[i]
    return taken


def archive_members(objects: list[Object], members: list[Object]) -> list[Object]:
    """The members of the archive ``members`` that linking ``objects`` pulls in, in ld's order."""
    defined, undefined = set().union(*map(_defines, objects)), set().union(*map(_wants, objects))
    order = archive_order([_defines(m) for m in members], [_wants(m) for m in members], defined, undefined)
    return [members[i] for i in order]


def link_program(obj: Object, force_libc: bool = False, debug: bool = True) -> Image:
    """Link one program object, with the libc if it needs it, has no ``_start``, or ``force_libc``.

    As ``ld crt0.o prog.o libc.a`` links (and ``vmdebug cc --native``): crt0.o (unless
    the program defines its own ``_start``), the program, then the libc's objects the
    two need, chosen and ordered by ld's archive rule (:func:`archive_order`).  A
    program that calls no ``sin`` carries no math library and no DWARF of it.
    """
    objects = [obj]
    start = obj.symbols.get("_start")
    own_start = start is not None and start.section is not None
    # A program without _start (it has a main) needs crt0 even if it calls nothing.
    if force_libc or needs_libc(obj) or not own_start:
        libc = libc_objects(debug=False)
        if libc:
            crt0 = [] if own_start else libc[:1]
            members = archive_members([*crt0, obj], libc[1:])
            if debug:
                chosen = libc_with_debug(libc, [*crt0, *members])
                crt0, members = chosen[:len(crt0)], chosen[len(crt0):]
            objects = [*crt0, obj, *members]
    return link(objects, debug=debug)


def program_name(path: str | Path) -> str:
    """The name a program's own file goes by in its image: the path as typed when it is
    relative and below the current directory, else the bare file name - never a path
    of the recording machine."""
    p = Path(path)
    return p.as_posix() if not p.is_absolute() and ".." not in p.parts else p.name


def build_program(path: str | Path, debug: bool = True) -> Image:
    """Assemble and link a ``.s`` program (the libc only if it calls outside itself)."""
    from vmdebug.isa.assembler import assemble_text

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UserError(f"cannot read {p}: {exc.strerror}") from None
    obj = assemble_text(text, program_name(p), str(p))
    attach_sources(obj, lambda name: _locate(name, p.parent))
    return link_program(obj, debug=debug)


def build_c_program(c_path: str | Path, asm_text: str, debug: bool = True) -> Image:
    """Assemble gcc's assembly for ``c_path`` and link it with the libc.

    The object is named after the C file (``prog.c`` -> ``prog.s``) as gcc was
    given it (:func:`vmdebug.toolchain.gcc.compile_place`), and carries the text
    of every file its DWARF names: relative names are relative to where gcc
    ran, libc names are found in this install.
    """
    from vmdebug.isa.assembler import assemble_text
    from vmdebug.toolchain.gcc import compile_place

    from vmdebug.toolchain.gcc import PROGRAM_DEBUG_ROOT

    from vmdebug.toolchain import program_cache

    place = compile_place(c_path)
    name = str(Path(place.name).with_suffix(".s"))

    def locate(source: str) -> Path | None:
        return _locate(source, place.cwd)

    libc = _libc_files()
    key = program_cache.cache_key(name, asm_text, debug, libc[1] if libc is not None else "")
    image = program_cache.load(key, lambda source: source_text(locate(source)))
    if isinstance(image, Image):
        return image
    obj = assemble_text(asm_text, name)
    attach_sources(obj, locate)
    try:
        image = link_program(obj, force_libc=True, debug=debug)
    except LinkError as exc:      # name the C file as the user did, not as the DWARF does
        raise LinkError(str(exc).replace(f"{PROGRAM_DEBUG_ROOT}/{place.name}:", f"{c_path}:")) from None
    program_cache.store(key, {n: obj.sources.get(n) for n in obj.file_names}, image)
    return image


def _locate(name: str, base: Path) -> Path | None:
    """Where a file the DWARF names is on this machine: the libc's in this install,
    the program's (under PROGRAM_DEBUG_ROOT, or relative) under ``base``."""
    from vmdebug.libc import is_libc_name, real_path
    from vmdebug.toolchain.gcc import PROGRAM_DEBUG_ROOT

    if is_libc_name(name):
        return real_path(name)
    if name.startswith(PROGRAM_DEBUG_ROOT + "/"):
        rel = Path(name[len(PROGRAM_DEBUG_ROOT) + 1:])
        return None if ".." in rel.parts else base / rel
    p = Path(name)
    return p if p.is_absolute() else base / p
