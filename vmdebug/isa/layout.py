"""Fragments and gas's relaxation of a section.

A section is a chain of frags, as in gas (gas/frags.h): each frag is a fixed
part (bytes, data with expressions, instructions whose size is known) and
optionally a variable tail: a branch that may be short or near, an alignment,
or a LEB128 whose value is not yet known.  Labels are (frag, offset in the
fixed part).

:func:`relax_section` is gas's ``relax_segment`` (gas/write.c, binutils
2.40): a first pass estimates addresses, then passes walk the frags growing
branches until nothing moves.  The details that decide which branches end up
near are copied: a target not yet reached in this pass is assumed to move by
the growth so far (``stretch``) only if no alignment lies in between
(``region``), and growth is never undone.

The assembler's output is an :class:`Object`, playing the role of an ELF
``.o``: sections with bytes, symbols, and fixups the linker resolves.  Section
bytes hold the values GNU as writes into its ``.o`` (REL relocations keep the
addend in place), so tests can compare them with ``as --32`` byte for byte.
Instructions whose operands name symbols are re-encoded by the linker once
addresses are final, rather than patched, so the linker needs no knowledge of
where a field sits inside an instruction.
"""
from __future__ import annotations

from typing import Callable

from events.record import Record
from vmdebug.isa.operands import Operand, Rel


class Fixed(Record):
    """A fixed-size piece of a frag.

    ``kind``: "bytes" (``data`` is final), "space" (``size`` fill bytes),
    "data" (a ``width``-byte expression), "insn" (an instruction whose
    operands hold symbols).  ``payload`` is whatever the emitter needs.
    """

    __slots__ = ("kind", "offset", "size", "data", "fill", "payload", "line", "col")

    def __init__(self, kind: str, offset: int, size: int, data: bytearray | None = None, fill: int = 0,
                 payload: object = None, line: int = 0, col: int = 0) -> None:
        self.kind = kind
        self.offset = offset
        self.size = size
        self.data = data
        self.fill = fill
        self.payload = payload
        self.line = line
        self.col = col


class Var(Record):
    """The variable tail of a frag.

    ``kind``: "branch" (``state`` "short"/"near"), "align" (``power``,
    ``max_skip``, ``fill``, ``code``), "leb" (``value`` recomputed by
    ``evaluate``), "fill" (``size`` bytes of ``payload``: .zero/.fill in
    code, gas's rs_fill tail) or "fixed" (a branch decided near from the start).
    """

    __slots__ = (
        "kind",
        "size",
        "state",
        "short_len",
        "near_len",
        "target",     # (frag index, offset) in this section
        "power",
        "max_skip",
        "fill",
        "code",
        "signed",
        "evaluate",
        "payload",
        "line",
        "col",
    )

    def __init__(self, kind: str, size: int = 0, state: str = "short", short_len: int = 0, near_len: int = 0,
                 target: tuple[int, int] | None = None, power: int = 0, max_skip: int = 0,
                 fill: int | None = None, code: bool = False, signed: bool = False,
                 evaluate: Callable[[], int] | None = None, payload: object = None, line: int = 0,
                 col: int = 0) -> None:
        self.kind = kind
        self.size = size
        self.state = state
        self.short_len = short_len
        self.near_len = near_len
        self.target = target
        self.power = power
        self.max_skip = max_skip
        self.fill = fill
        self.code = code
        self.signed = signed
        self.evaluate = evaluate
        self.payload = payload
        self.line = line
        self.col = col


class Frag(Record):
    """A fixed part followed by an optional variable tail."""

    __slots__ = ("items", "fix", "var", "address", "region", "marker")

    def __init__(self, items: list[Fixed] | None = None, fix: int = 0, var: Var | None = None,
                 address: int = 0, region: int = 0, marker: int = 0) -> None:
        self.items = [] if items is None else items
        self.fix = fix
        self.var = var
        self.address = address
        self.region = region
        self.marker = marker

    def append_bytes(self, data: bytes, line: int, col: int) -> None:
        """Append constant bytes, merging with a preceding bytes item."""
        last = self.items[-1] if self.items else None
        if last is not None and last.kind == "bytes" and last.data is not None:
            last.data.extend(data)
            last.size += len(data)
        else:
            self.items.append(Fixed("bytes", self.fix, len(data), bytearray(data), line=line, col=col))
        self.fix += len(data)

    def append(self, item: Fixed) -> None:
        item.offset = self.fix
        self.items.append(item)
        self.fix += item.size


# ------------------------------------------------------------ frag memory
# gas keeps a subsection's frags in one obstack (frags.c, libiberty obstack):
# a frag's header, then its bytes as they are appended.  When the chunk in
# use cannot take what is about to be appended, gas ends the frag there
# (frag_wane) and starts a new one in a new chunk.  Such a frag boundary
# changes no byte of the section, but gas's line program sees it: a `view -0`
# row at the start of a frag, after a row at the very end of the previous
# frag's fixed part, is forced to a DW_LNE_set_address (dwarf2dbg.c
# process_entries).  So code sections follow gas's obstack, byte for byte.
OBSTACK_CHUNK = 4064        # obstack_begin's default: 4096 less malloc's overhead
OBSTACK_HEADER = 16         # struct _obstack_chunk: limit, prev; contents 16-aligned
SIZEOF_STRUCT_FRAG = 160    # offsetof (fragS, fr_literal), as 2.40 --32 on x86-64 (measured)
FRAG_ALIGN_MASK = 7         # obstack_alignment_mask = __alignof__ (fragS) - 1


class Obstack(Record):
    """Where gas's next byte of a subsection goes: ``free`` and ``limit`` in its chunk."""

    __slots__ = ("limit", "free")

    def __init__(self, limit: int = OBSTACK_CHUNK, free: int = OBSTACK_HEADER + SIZEOF_STRUCT_FRAG) -> None:
        self.limit = limit
        self.free = free

    @property
    def room(self) -> int:
        return self.limit - self.free

    def new_frag(self, chunk: int = OBSTACK_CHUNK) -> None:
        """frag_new: obstack_finish (align to 8, capped at the chunk's end), then
        frag_alloc's header, in a new chunk when it does not fit."""
        free = min((self.free + FRAG_ALIGN_MASK) & ~FRAG_ALIGN_MASK, self.limit)
        if self.limit - free < SIZEOF_STRUCT_FRAG:
            # _obstack_newchunk: max (0 + 160 + 0 + 100, chunk_size)
            self.limit, free = max(chunk, SIZEOF_STRUCT_FRAG + 100), OBSTACK_HEADER
        self.free = free + SIZEOF_STRUCT_FRAG

    def grow(self, n: int) -> int:
        """frag_grow (n): how many frags were closed to make room."""
        if self.room >= n:
            return 0
        chunk = max(OBSTACK_CHUNK, (2 * n if n < 0x10000 else n + 0x10000) + SIZEOF_STRUCT_FRAG)
        waned = 0
        while self.room < n:
            self.new_frag(chunk)
            waned += 1
        return waned

    def more(self, n: int) -> int:
        """frag_more (n)."""
        waned = self.grow(n)
        self.free += n
        return waned

    def append1(self, count: int = 1) -> int:
        """``count`` times FRAG_APPEND_1_CHAR: a new frag when at most 1 byte is left."""
        waned = 0
        while count:
            if self.room <= 1:
                self.new_frag()
                waned += 1
            take = min(count, self.room - 1)
            self.free += take
            count -= take
        return waned


#: Prefix bytes: tc-i386.c output_insn appends each one with FRAG_APPEND_1_CHAR.
_PREFIX_BYTES = frozenset((0xF0, 0xF2, 0xF3, 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0x9B))
#: One-byte opcodes followed by a ModRM byte.
_MODRM_1 = frozenset([b + k for b in range(0x00, 0x40, 8) for k in range(4)]
                     + [0x62, 0x63, 0x69, 0x6B] + list(range(0x80, 0x90))
                     + [0xC0, 0xC1, 0xC4, 0xC5, 0xC6, 0xC7, 0xD0, 0xD1, 0xD2, 0xD3]
                     + list(range(0xD8, 0xE0)) + [0xF6, 0xF7, 0xFE, 0xFF])
#: 0F-map opcodes without a ModRM byte.
_NO_MODRM_0F = frozenset([0x05, 0x06, 0x07, 0x08, 0x09, 0x0B, 0x0E, 0x77, 0xA0, 0xA1, 0xA2, 0xA8, 0xA9, 0xAA]
                         + list(range(0x30, 0x38)) + list(range(0x80, 0x90)) + list(range(0xC8, 0xD0)))


def insn_pieces(code: bytes) -> list[int]:
    """How tc-i386.c output_insn/output_jump put an encoded instruction into its
    frag: 0 for one FRAG_APPEND_1_CHAR, n > 0 for one frag_more (n).

    Prefixes and a one-byte opcode, the ModRM and SIB bytes are appended one by
    one; a longer opcode (0F xx, 0F 38/3A xx, and the opcodes gas's table
    spells with their second byte: x87 register forms, 0F 01/0F AE register
    forms, aam/aad) takes one frag_more, so does each displacement and
    immediate; call rel32, jecxz and loop take opcode and displacement at once.
    """
    out: list[int] = []
    n = len(code)
    i = 0
    while i < n - 1 and code[i] in _PREFIX_BYTES:
        out.append(0)
        i += 1
    addr16 = 0x67 in code[:i]
    op = code[i]
    nxt = code[i + 1] if i + 1 < n else -1
    modrm = False
    if op == 0x0F:
        if nxt in (0x38, 0x3A):
            out.append(3)
            i += 3
            modrm = True
        elif nxt in (0x01, 0xAE) and i + 2 < n and code[i + 2] >= 0xC0:
            out.append(3)
            i += 3
        else:
            out.append(2)
            i += 2
            modrm = nxt not in _NO_MODRM_0F
    elif 0xD8 <= op <= 0xDF and nxt >= 0xC0 or op in (0xD4, 0xD5) and nxt == 0x0A:
        out.append(2)
        i += 2
    elif op == 0xE8 or 0xE0 <= op <= 0xE3:          # output_jump
        out.append(n - i)
        return out
    else:
        out.append(0)
        i += 1
        modrm = op in _MODRM_1
    if modrm and i < n:
        m = code[i]
        out.append(0)
        i += 1
        mod, rm = m >> 6, m & 7
        disp = 0
        if addr16:
            disp = {0: 2 if rm == 6 else 0, 1: 1, 2: 2, 3: 0}[mod]
        else:
            if mod != 3 and rm == 4 and i < n:
                base = code[i] & 7
                out.append(0)
                i += 1
                if mod == 0 and base == 5:
                    disp = 4
            disp = {0: 4 if rm == 5 else disp, 1: 1, 2: 4, 3: 0}[mod]
        if disp:
            out.append(disp)
            i += disp
    rest = n - i
    if rest > 0:
        out.extend([2, 1] if op == 0xC8 and rest == 3 else [rest])    # enter imm16, imm8
    return out


def align_padding(address: int, power: int) -> int:
    """gas's ``relax_align``: bytes needed to reach a 2**power boundary."""
    mask = (1 << power) - 1
    return ((address + mask) & ~mask) - address


def leb_size(value: int, signed: bool) -> int:
    """Length of the (s)LEB128 encoding of ``value``."""
    return len(encode_leb(value, signed))


def encode_leb(value: int, signed: bool) -> bytes:
    """DWARF LEB128 (gas/read.c output_leb128)."""
    out = bytearray()
    if not signed:
        value &= (1 << 64) - 1
        while True:
            byte = value & 0x7F
            value >>= 7
            if value:
                out.append(byte | 0x80)
            else:
                out.append(byte)
                return bytes(out)
    while True:
        byte = value & 0x7F
        value >>= 7
        done = (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40)
        out.append(byte if done else byte | 0x80)
        if done:
            return bytes(out)


def _align_size(var: Var, address: int) -> int:
    pad = align_padding(address, var.power)
    if var.max_skip and pad > var.max_skip:
        return 0
    return pad


def _branch_growth(frags: list[Frag], k: int, stretch: int) -> int:
    """gas ``relax_frag`` for an i386 branch in frag ``k`` (write.c).

    ``address`` is where the 8-bit displacement sits; the short form reaches
    ``aim`` in [-127, 128] (tc-i386.c md_relax_table: 127+1 and -128+1).
    """
    frag = frags[k]
    var = frag.var
    assert var is not None
    if var.state == "near" or var.target is None:
        return 0
    tfrag, toff = var.target
    sym_frag = frags[tfrag]
    target = sym_frag.address + toff
    address = frag.address + frag.fix
    if stretch != 0 and sym_frag.marker != frag.marker:
        if stretch < 0 or sym_frag.region == frag.region:
            target += stretch
        elif target < address:
            return 0
    aim = target - address
    if -127 <= aim <= 128:
        return 0
    var.state = "near"
    grown = var.near_len - var.short_len
    var.size += grown
    return grown


def relax_section(frags: list[Frag]) -> int:
    """Assign frag addresses and variable sizes; return the section size."""
    address = 0
    region = 0
    for frag in frags:
        frag.region = region
        frag.marker = 0
        frag.address = address
        address += frag.fix
        var = frag.var
        if var is None:
            continue
        if var.kind == "align":
            var.size = _align_size(var, address)
            region += 1
        elif var.kind == "branch":
            # The fixed part holds the opcode; the tail is the displacement
            # (1 byte short, or the rest of the near form).
            var.size = 1 if var.state == "short" else var.near_len - var.short_len + 1
        elif var.kind == "leb":
            assert var.evaluate is not None
            var.size = leb_size(var.evaluate(), var.signed)
        address += var.size
    while True:
        stretch = 0
        stretched = False
        for k, frag in enumerate(frags):
            frag.marker ^= 1
            was = frag.address
            frag.address += stretch
            var = frag.var
            growth = 0
            if var is not None:
                if var.kind == "align":
                    old = _align_size(var, was + frag.fix)
                    new = _align_size(var, frag.address + frag.fix)
                    growth = new - old
                    var.size = new
                elif var.kind == "branch":
                    growth = _branch_growth(frags, k, stretch)
                elif var.kind == "leb":
                    assert var.evaluate is not None
                    new = leb_size(var.evaluate(), var.signed)
                    growth = new - var.size
                    var.size = new
            if growth:
                stretch += growth
                stretched = True
        if not stretched:
            break
    last = frags[-1] if frags else None
    if last is None:
        return 0
    return last.address + last.fix + (last.var.size if last.var else 0)


# ----------------------------------------------------------------- object model


class ObjSymbol(Record):
    """A symbol: ``section`` None means undefined, "*ABS*" absolute, "*COM*" common."""

    __slots__ = (
        "name",
        "section",
        "value",
        "bind",     # local | global | weak
        "type",     # notype | func | object | section | file
        "size",
        "align",    # for common symbols
    )

    def __init__(self, name: str, section: str | None, value: int = 0, bind: str = "local",
                 type: str = "notype", size: int = 0, align: int = 1) -> None:
        self.name = name
        self.section = section
        self.value = value
        self.bind = bind
        self.type = type
        self.size = size
        self.align = align


class DataFixup(Record):
    """``size`` bytes at ``offset`` = symbol + addend (- address of ``pcrel_base`` in this section)."""

    __slots__ = ("offset", "size", "symbol", "addend", "pcrel_base", "line", "col")

    def __init__(self, offset: int, size: int, symbol: str, addend: int, pcrel_base: int | None = None,
                 line: int = 0, col: int = 0) -> None:
        self.offset = offset
        self.size = size
        self.symbol = symbol
        self.addend = addend
        self.pcrel_base = pcrel_base
        self.line = line
        self.col = col


class InsnRef(Record):
    """Operand ``index`` of an instruction takes the value symbol + addend."""

    __slots__ = ("index", "symbol", "addend")

    def __init__(self, index: int, symbol: str, addend: int) -> None:
        self.index = index
        self.symbol = symbol
        self.addend = addend


class InsnFixup(Record):
    """An instruction at ``offset`` to re-encode once its symbols have addresses."""

    __slots__ = ("offset", "size", "mnemonic", "prefixes", "operands", "refs", "branch", "line", "col")

    def __init__(self, offset: int, size: int, mnemonic: str, prefixes: tuple[str, ...],
                 operands: tuple[Operand, ...], refs: list[InsnRef], branch: str | None = None, line: int = 0,
                 col: int = 0) -> None:
        self.offset = offset
        self.size = size
        self.mnemonic = mnemonic
        self.prefixes = prefixes
        self.operands = operands
        self.refs = refs
        self.branch = branch
        self.line = line
        self.col = col


class ObjSection(Record):
    """A section of the object.  ``flags`` uses gas's letters (a w x M S)."""

    __slots__ = (
        "name",
        "flags",
        "type",     # progbits | nobits | note
        "entsize",
        "align",
        "data",
        "size",
        "fixups",
    )

    def __init__(self, name: str, flags: str, type: str = "progbits", entsize: int = 0, align: int = 1,
                 data: bytearray | None = None, size: int = 0,
                 fixups: list[DataFixup | InsnFixup] | None = None) -> None:
        self.name = name
        self.flags = flags
        self.type = type
        self.entsize = entsize
        self.align = align
        self.data = bytearray() if data is None else data
        self.size = size
        self.fixups = [] if fixups is None else fixups

    @property
    def alloc(self) -> bool:
        return "a" in self.flags


class LineRow(Record):
    """A ``.loc`` row: the instruction at section+offset comes from file:line."""

    __slots__ = ("section", "offset", "file", "line", "col", "is_stmt")

    def __init__(self, section: str, offset: int, file: str, line: int, col: int = 0,
                 is_stmt: bool = True) -> None:
        self.section = section
        self.offset = offset
        self.file = file
        self.line = line
        self.col = col
        self.is_stmt = is_stmt


class Object(Record):
    """One assembled source file."""

    __slots__ = (
        "filename",
        "sections",
        "symbols",
        "lines",
        "sources",
        # First reference of each undefined symbol, for "undefined symbol" errors.
        "references",
        "comp_dir",    # directory of ``.file 0 "dir" "name"`` (DWARF 5), if any
        # The .file table as paths (dwarf2dbg.FileTable.path): the files the DWARF names.
        "file_names",
    )

    def __init__(self, filename: str, sections: dict[str, ObjSection] | None = None,
                 symbols: dict[str, ObjSymbol] | None = None, lines: list[LineRow] | None = None,
                 sources: dict[str, str] | None = None, references: dict[str, tuple[int, int]] | None = None,
                 comp_dir: str = "", file_names: list[str] | None = None) -> None:
        self.filename = filename
        self.sections = {} if sections is None else sections
        self.symbols = {} if symbols is None else symbols
        self.lines = [] if lines is None else lines
        self.sources = {} if sources is None else sources
        self.references = {} if references is None else references
        self.comp_dir = comp_dir
        self.file_names = [] if file_names is None else file_names


# ------------------------------------------------------------------ emission
# (kept here so the assembler module stays about statements; ``finish`` is
# the "write.c" part of gas: relax, resolve, emit.)
from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from vmdebug.isa.assembler import Assembler, SymState
    from vmdebug.isa.expr import Value


def _display(name: str) -> str:
    """User-facing name of an internal numeric-label instance ("1\\x023" -> "1")."""
    return name.split("\x02")[0] if "\x02" in name else name


class _Emitter:
    """Relaxes and emits one assembler's sections into an :class:`Object`."""

    def __init__(self, asm: "Assembler") -> None:
        self.asm = asm
        self.obj = Object(asm.filename, sources={asm.filename: asm.text})

    # -- symbol values ------------------------------------------------------
    def subst(self, v: "Value", depth: int = 0) -> "Value":
        """Replace equated symbols by their (final) values."""
        from vmdebug.isa.expr import Value, wrap64

        if depth > 32 or not any(self.asm.symbols.get(n) is not None and self.asm.symbols[n].equ is not None
                                 for n in v.syms):
            return v
        out = Value(v.const, {}, list(v.regs), v.mem)
        for name, coef in v.syms.items():
            sym = self.asm.symbols.get(name)
            if sym is not None and sym.equ is not None:
                inner = self.subst(sym.equ, depth + 1)
                out.const = wrap64(out.const + coef * inner.const)
                for n, c in inner.syms.items():
                    out.syms[n] = out.syms.get(n, 0) + coef * c
            else:
                out.syms[name] = out.syms.get(name, 0) + coef
        out.syms = {n: c for n, c in out.syms.items() if c}
        return out

    def offset(self, sym: "SymState") -> int:
        return self.asm.sections[sym.section].frags[sym.frag].address + sym.offset  # type: ignore[index]

    def place(self, name: str) -> tuple[object, int] | None:
        sym = self.asm.symbols.get(name)
        if sym is None or not sym.defined:
            return None
        return sym.section, self.offset(sym)

    def final(self, v: "Value", section: str, line: int, col: int) -> tuple[int, str | None, int | None]:
        """(addend, symbol or None, pc-relative base offset or None) of a value after layout."""
        from vmdebug.isa.expr import ExprError, resolve_differences

        v = resolve_differences(self.subst(v), self.place)
        if not v.syms:
            return v.const, None, None
        pos = [n for n, c in v.syms.items() if c == 1]
        neg = [n for n, c in v.syms.items() if c == -1]
        if len(v.syms) == 1 and pos:
            return v.const, pos[0], None
        if len(v.syms) == 2 and len(pos) == 1 and len(neg) == 1:
            base = self.asm.symbols.get(neg[0])
            if base is not None and base.defined and base.section == section:
                return v.const, pos[0], self.offset(base)
        names = " and ".join(f"`{_display(n)}'" for n in v.syms if not n.startswith(".\x01"))
        raise ExprError(f"can't resolve expression with {names or 'these symbols'}", col)

    def local_here(self, name: str | None, section: str) -> bool:
        sym = self.asm.symbols.get(name) if name else None
        return sym is not None and sym.defined and sym.section == section and sym.bind == "local"

    def inplace(self, name: str | None, addend: int) -> int:
        """What as writes in its .o for symbol+addend (REL: the addend, plus the
        symbol's offset when the reloc is converted to the section symbol; not for
        a non-zero addend into a SHF_MERGE section, write.c adjust_reloc_syms)."""
        sym = self.asm.symbols.get(name) if name else None
        if sym is None or not sym.defined or sym.bind != "local":
            return addend
        if "M" in self.asm.sections[sym.section].flags and addend != 0:  # type: ignore[index]
            return addend
        return self.offset(sym) + addend

    # -- relaxation ---------------------------------------------------------
    def merge_subsections(self) -> None:
        """Append .bss subsection 1 (local commons) to .bss (gas subsegs_finish)."""
        from vmdebug.isa.directives import BSS_SUB1

        asm = self.asm
        sub = asm.sections.pop(BSS_SUB1, None)
        if sub is None:
            return
        bss = asm.sections[".bss"]
        shift = len(bss.frags)
        bss.frags.extend(sub.frags)
        bss.align_power = max(bss.align_power, sub.align_power)
        for sym in asm.symbols.values():
            if sym.section == BSS_SUB1:
                sym.section = ".bss"
                sym.frag += shift

    def prepare(self) -> None:
        asm = self.asm
        self.merge_subsections()
        for name, sym in asm.symbols.items():
            if sym.ref is None or sym.defined or sym.equ is not None or sym.common is not None:
                continue
            line, col = sym.ref
            if "\x02" in name:
                asm.error(f"undefined local label `{_display(name)}f'", col, line)
            elif name.startswith(".L"):
                asm.error(f"undefined label `{name}'", col, line)
        for sec in asm.sections.values():
            for frag in sec.frags:
                var = frag.var
                if var is None:
                    continue
                if var.kind == "branch":
                    v = self.subst(var.payload[2])
                    target = v.relocatable()
                    sym = asm.symbols.get(target) if target else None
                    # md_estimate_size_before_relax: other section, undefined or weak -> near.
                    if sym is not None and sym.defined and sym.section == sec.name and sym.bind != "weak":
                        var.target = (sym.frag, sym.offset + v.const)
                    else:
                        var.state = "near"
                        var.size = var.near_len - var.short_len + 1
                elif var.kind == "leb":
                    var.evaluate = self._leb_evaluator(var, sec.name)

    def _leb_evaluator(self, var: Var, section: str) -> Callable[[], int]:
        def evaluate() -> int:
            from vmdebug.isa.expr import ExprError

            try:
                value, sym, _ = self.final(var.payload, section, var.line, var.col)
            except ExprError:
                return 0
            return value if sym is None else 0
        return evaluate

    def set_views(self) -> None:
        """Number .loc views: 0 when the address moved since the section's
        previous row, else the previous view + 1 (gas dwarf2dbg.c)."""
        from vmdebug.isa.expr import Value

        last: dict[str, tuple[int, int]] = {}
        for loc in self.asm.locs:
            address = self.asm.sections[loc.section].frags[loc.frag].address + loc.offset
            prev = last.get(loc.section)
            # `view -0` resets the count whatever the address (set_or_check_view).
            number = prev[1] + 1 if prev is not None and prev[0] == address and loc.view != "-0" else 0
            last[loc.section] = (address, number)
            if loc.view is not None and loc.view not in ("-0", "0"):
                self.asm.symbols[loc.view].equ = Value(number)

    # -- emission -----------------------------------------------------------
    def emit_section(self, sec: "object") -> ObjSection:
        from vmdebug.isa.encoder import EncodeError, nop_padding
        from vmdebug.isa.expr import ExprError

        asm = self.asm
        out = ObjSection(sec.name, sec.flags, sec.type, sec.entsize, 1 << sec.align_power)  # type: ignore[attr-defined]
        data = out.data
        nobits = sec.nobits  # type: ignore[attr-defined]
        for frag in sec.frags:  # type: ignore[attr-defined]
            for item in frag.items:
                here = frag.address + item.offset
                try:
                    if nobits:
                        continue
                    if item.kind == "bytes":
                        data += item.data  # type: ignore[operator]
                    elif item.kind == "space":
                        data += bytes([item.fill]) * item.size
                    elif item.kind == "data":
                        data += self.emit_data(out, here, item)
                    elif item.kind == "insn":
                        data += self.emit_insn(out, here, item)
                except (ExprError, EncodeError) as exc:
                    asm.error(str(exc), getattr(exc, "col", 0) or item.col, item.line)
                    data += bytes(item.size)
                if not nobits and len(data) != here + item.size:
                    data += bytes(here + item.size - len(data))
            var = frag.var
            if var is None:
                continue
            start = frag.address + frag.fix
            if nobits:
                continue
            try:
                if var.kind == "align":
                    data += nop_padding(var.size) if var.code else bytes([var.fill or 0]) * var.size
                elif var.kind == "fill":
                    data += var.payload  # type: ignore[operator]
                elif var.kind == "leb":
                    value, sym, _ = self.final(var.payload, sec.name, var.line, var.col)  # type: ignore[attr-defined]
                    if sym is not None:
                        raise ExprError("LEB128 of a relocatable expression", var.col)
                    enc = encode_leb(value, var.signed)
                    data += enc
                elif var.kind == "branch":
                    # The opcode bytes were counted in the fixed part; no item holds them.
                    head = start - (var.short_len - 1)
                    del data[head:]
                    data += bytes(head - len(data))
                    data += self.emit_branch(out, frag, var)
            except (ExprError, EncodeError) as exc:
                asm.error(str(exc), getattr(exc, "col", 0) or var.col, var.line)
            end = start + var.size
            if len(data) < end:
                data += bytes(end - len(data))
            del data[end:]
        out.size = sec.frags[-1].address + sec.frags[-1].fix + (sec.frags[-1].var.size if sec.frags[-1].var else 0)  # type: ignore[attr-defined]
        return out

    def emit_data(self, out: ObjSection, here: int, item: Fixed) -> bytes:
        from vmdebug.isa.expr import ExprError

        value, sym, base = self.final(item.payload, out.name, item.line, item.col)  # type: ignore[arg-type]
        width = item.size
        if sym is None:
            if not (-(1 << (8 * width - 1)) <= value < (1 << (8 * width))):
                raise ExprError(f"value {value:#x} does not fit in {width} bytes", item.col)
        else:
            out.fixups.append(DataFixup(here, width, sym, value, base, item.line, item.col))
            value = self.inplace(sym, value) + (here - base if base is not None else 0)
        return (value & ((1 << (8 * width)) - 1)).to_bytes(width, "little")

    def emit_insn(self, out: ObjSection, here: int, item: Fixed) -> bytes:
        from vmdebug.isa.encoder import encode

        mnemonic, prefixes, ops, refs = item.payload  # type: ignore[misc]
        ops = list(ops)
        fixrefs: list[InsnRef] = []
        for i, ref in enumerate(refs):
            if ref is None:
                continue
            value, sym, base = self.final(ref, out.name, item.line, item.col)
            op = ops[i]
            if isinstance(op, Rel):
                field = 1 if mnemonic in ("loop", "loope", "loopz", "loopne", "loopnz", "jecxz", "jcxz") else 4
                if sym is not None and self.local_here(sym, out.name):
                    ops[i] = Rel(self.offset(self.asm.symbols[sym]) + value)
                else:
                    fixrefs.append(InsnRef(i, sym or "", value))
                    ops[i] = Rel(here + item.size + self.inplace(sym, value) - field)
                continue
            if base is not None:
                from vmdebug.isa.expr import ExprError

                raise ExprError("pc-relative operand expressions are not supported", item.col)
            if sym is not None:
                fixrefs.append(InsnRef(i, sym, value))
                value = self.inplace(sym, value)
            ops[i] = _with_value(op, value)
        data = encode(mnemonic, tuple(ops), prefixes=prefixes, address=here)
        if len(data) != item.size:
            from vmdebug.isa.expr import ExprError

            raise ExprError(f"internal: `{mnemonic}' changed size ({item.size} -> {len(data)})", item.col)
        if fixrefs:
            out.fixups.append(InsnFixup(here, item.size, mnemonic, prefixes, tuple(ops), fixrefs,
                                        None, item.line, item.col))
        return data

    def emit_branch(self, out: ObjSection, frag: Frag, var: Var) -> bytes:
        from vmdebug.isa.encoder import encode

        mnemonic, prefixes, ref = var.payload  # type: ignore[misc]
        start = frag.address + frag.fix - (var.short_len - 1)
        size = var.short_len if var.state == "short" else var.near_len
        value, sym, _ = self.final(ref, out.name, var.line, var.col)
        fixrefs: list[InsnRef] = []
        if var.target is not None:
            target = self.offset(self.asm.symbols[sym]) + value  # type: ignore[index]
        else:
            fixrefs.append(InsnRef(0, sym or "", value))
            target = start + size + self.inplace(sym, value) - 4
        data = encode(mnemonic, (Rel(target),), prefixes=prefixes, address=start, branch=var.state)
        if fixrefs:
            out.fixups.append(InsnFixup(start, size, mnemonic, prefixes, (Rel(target),), fixrefs,
                                        var.state, var.line, var.col))
        return data

    # -- the object ---------------------------------------------------------
    def symbols(self) -> None:
        from vmdebug.isa.expr import ExprError

        asm = self.asm
        for name, sym in asm.symbols.items():
            if name.startswith(".\x01"):
                continue
            size = 0
            if sym.size is not None:
                v, line, col = sym.size
                try:
                    size, other, _ = self.final(v, "", line, col)
                    if other is not None:
                        raise ExprError(f".size expression for `{name}' does not evaluate to a constant", col)
                except ExprError as exc:
                    asm.error(str(exc), exc.col or col, line)
            if sym.defined:
                self.obj.symbols[name] = ObjSymbol(name, sym.section, self.offset(sym), sym.bind, sym.type, size)
            elif sym.common is not None:
                csize, align = sym.common
                self.obj.symbols[name] = ObjSymbol(name, "*COM*", 0, "global", "object", csize, align)
            elif sym.equ is not None:
                v = self.subst(sym.equ)
                try:
                    value, target, _ = self.final(v, "", sym.line, sym.col)
                except ExprError:
                    continue
                if target is None:
                    self.obj.symbols[name] = ObjSymbol(name, "*ABS*", value, sym.bind, sym.type, size)
                elif target in asm.symbols and asm.symbols[target].defined:
                    t = asm.symbols[target]
                    self.obj.symbols[name] = ObjSymbol(name, t.section, self.offset(t) + value, sym.bind,
                                                       sym.type, size)
            elif sym.ref is not None or sym.bind != "local":
                self.obj.symbols[name] = ObjSymbol(name, None, 0, "weak" if sym.bind == "weak" else "global",
                                                   sym.type, size)
                if sym.ref is not None:
                    self.obj.references[name] = sym.ref

    def run(self) -> Object:
        from vmdebug.isa.assembler import line_rows

        asm = self.asm
        self.prepare()
        secs = list(asm.sections.values())
        has_leb = [s for s in secs if any(f.var is not None and f.var.kind == "leb" for f in s.frags)]
        for sec in [s for s in secs if s not in has_leb]:
            sec.size = relax_section(sec.frags)
        self.set_views()
        for sec in has_leb:
            sec.size = relax_section(sec.frags)
        for sec in secs:
            self.obj.sections[sec.name] = self.emit_section(sec)
        if asm.ident:
            comment = ObjSection(".comment", "MS", "progbits", 1, 1)
            comment.data = bytearray(b"\0" + b"".join(s + b"\0" for s in asm.ident))
            comment.size = len(comment.data)
            self.obj.sections[".comment"] = comment
        self.symbols()
        from vmdebug.isa.gasdebug import append_generated

        append_generated(asm, self.obj)
        offsets = {(s.name, k): f.address for s in secs for k, f in enumerate(s.frags)}
        self.obj.comp_dir = asm.file_table.comp_dir
        table = asm.file_table
        self.obj.file_names = list(dict.fromkeys(
            p for p in (table.path(n) for n in range(len(table.files))) if p is not None))
        self.obj.lines = line_rows(asm, offsets)
        adjust_reloc_syms(self.obj)
        return self.obj


def _with_value(op: Operand, value: int) -> Operand:
    from events.record import replace

    from vmdebug.isa.operands import Imm, Mem

    v32 = value & 0xFFFFFFFF
    if isinstance(op, Mem):
        return replace(op, disp=v32 - (1 << 32) if v32 & 0x80000000 else v32)
    if isinstance(op, Imm):
        return replace(op, value=value)
    return op


SECTION_ANCHOR = ".\x01sec:"


def is_internal(name: str) -> bool:
    """True for a symbol that never reaches the ELF symbol table: gcc's ``.L`` labels,
    numeric-label instances and the assembler's own (gas: ``S_IS_LOCAL``)."""
    return name.startswith(".L") or "\x02" in name or name.startswith(".\x01")


def adjust_reloc_syms(obj: Object) -> None:
    """Point fixups at sections instead of internal labels, then drop those labels.

    gas does the same before writing a ``.o`` (gas/write.c ``adjust_reloc_syms``): a
    relocation against a local label becomes one against its section's symbol, the
    label's offset moving into the addend.  gcc's DWARF names tens of thousands of
    labels (the libc's objects carry 32,000), and each one kept is a dictionary entry
    to store, load and look up at every link.  Labels in mergeable sections keep their
    names, as in gas: the linker finds a merged string by the label's own offset.
    """
    mergeable = {name for name, sec in obj.sections.items() if "M" in sec.flags}
    anchors: dict[str, str] = {}

    def target(name: str) -> tuple[str, int] | None:
        sym = obj.symbols.get(name)
        if sym is None or sym.bind != "local" or not is_internal(name) or sym.section in mergeable:
            return None
        if sym.section == "*ABS*":
            return "", sym.value
        if sym.section is None or sym.section == "*COM*" or sym.section not in obj.sections:
            return None
        anchor = anchors.get(sym.section)
        if anchor is None:
            anchor = anchors[sym.section] = SECTION_ANCHOR + sym.section
        return anchor, sym.value

    kept: set[str] = set()
    for sec in obj.sections.values():
        for fx in sec.fixups:
            refs = [fx] if isinstance(fx, DataFixup) else fx.refs
            for ref in refs:
                moved = target(ref.symbol) if ref.symbol else None
                if moved is None:
                    kept.add(ref.symbol)
                else:
                    ref.symbol, ref.addend = moved[0], ref.addend + moved[1]
    for section, anchor in anchors.items():
        obj.symbols[anchor] = ObjSymbol(anchor, section, 0, "local", "section")
    obj.symbols = {name: sym for name, sym in obj.symbols.items()
                   if not is_internal(name) or name in kept or name.startswith(SECTION_ANCHOR)}


def finish(asm: "Assembler") -> Object:
    """Relax, resolve and emit everything the assembler collected."""
    return _Emitter(asm).run()
