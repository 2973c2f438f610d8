"""A GNU as (``as --32``) compatible assembler for Intel-syntax i386 source.

Pass one reads every line into frags (:mod:`vmdebug.isa.layout`), the way
gas builds them while parsing; :mod:`vmdebug.isa.directives` handles the
pseudo-ops and :mod:`vmdebug.isa.instructions` turns Intel operands into
operand values.  Then every section is relaxed with gas's algorithm and
emitted into an :class:`vmdebug.isa.objfile.Object`.

Errors never stop the pass: each is collected with its line and column and
all are reported together in one :class:`AssemblyError`.
"""
from __future__ import annotations

from pathlib import Path

from events.record import Frozen, Record
from vmdebug.errors import UserError
from vmdebug.isa.cfi import CfiState
from vmdebug.isa.dwarf2dbg import FLAG_IS_STMT, FileTable, Loc
from vmdebug.isa.expr import ExprError, Node, Value, evaluate, resolve_differences
from vmdebug.isa.layout import Frag, Obstack, Var, insn_pieces
from vmdebug.isa.layout import LineRow, Object
from vmdebug.isa.parser import ParseError, Statement, parse_statement
from vmdebug.isa.lexer import split_statements


class Diagnostic(Frozen):
    """One error: where it is and what is wrong."""

    __slots__ = ("filename", "line", "col", "message", "source")

    def __init__(self, filename: str, line: int, col: int, message: str, source: str = "") -> None:
        object.__setattr__(self, "filename", filename)
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "col", col)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "source", source)

    def __str__(self) -> str:
        head = f"{self.filename}:{self.line}:{self.col}: error: {self.message}"
        if not self.source:
            return head
        caret = " " * max(self._visual_col() - 1, 0) + "^"
        return f"{head}\n {self.source.expandtabs(8)}\n {caret}"

    def _visual_col(self) -> int:
        """Column after expanding tabs, so the caret lines up under the token."""
        prefix = self.source[: max(self.col - 1, 0)].expandtabs(8)
        return len(prefix) + 1


class AssemblyError(UserError):
    """Every error of one source file; str() is the full multi-line report."""

    def __init__(self, errors: list[Diagnostic]) -> None:
        self.errors = sorted(errors, key=lambda d: (d.filename, d.line, d.col))
        count = len(self.errors)
        report = "\n".join(str(d) for d in self.errors)
        summary = f"{count} error{'s' if count != 1 else ''}"
        super().__init__(f"{report}\n{summary}" if count > 1 else report)


# Section defaults for names gas knows (gas/config/obj-elf.c special_sections).
def default_section_flags(name: str) -> tuple[str, str]:
    """(flags, type) gas gives a section created by name alone."""
    if name == ".text" or name.startswith(".text."):
        return "ax", "progbits"
    if name in (".data", ".data1") or name.startswith(".data."):
        return "aw", "progbits"
    if name == ".bss" or name.startswith(".bss."):
        return "aw", "nobits"
    if name.startswith(".rodata"):
        return "a", "progbits"
    if name.startswith(".note"):
        return "", "note"
    if name == ".comment":
        return "MS", "progbits"
    return "", "progbits"


class SectionState(Record):
    """A section being assembled: its frags and properties."""

    __slots__ = (
        "name",
        "flags",
        "type",
        "entsize",
        "align_power",
        "frags",
        "size",
        "obstack",      # gas's frag memory (code sections)
    )

    def __init__(self, name: str, flags: str, type: str, entsize: int = 0, align_power: int = 0,
                 frags: list[Frag] | None = None, size: int = 0, obstack: Obstack | None = None) -> None:
        self.name = name
        self.flags = flags
        self.type = type
        self.entsize = entsize
        self.align_power = align_power
        self.frags = [Frag()] if frags is None else frags
        self.size = size
        self.obstack = Obstack() if obstack is None else obstack

    @property
    def code(self) -> bool:
        return "x" in self.flags

    @property
    def nobits(self) -> bool:
        return self.type == "nobits"


class SymState(Record):
    """A symbol while assembling."""

    __slots__ = (
        "name",
        "section",
        "frag",
        "offset",
        "defined",
        "bind",
        "type",
        "size",            # (value, line, col) of .size
        "equ",
        "common",
        "line",
        "col",
        "ref",
        "explicit_local",  # named by .local (a later .comm then allocates in .bss)
        "view",            # a .loc view symbol (.LVU5); its value is known after layout
    )

    def __init__(self, name: str, section: str | None = None, frag: int = 0, offset: int = 0,
                 defined: bool = False, bind: str = "local", type: str = "notype",
                 size: tuple[Value, int, int] | None = None, equ: Value | None = None,
                 common: tuple[int, int] | None = None, line: int = 0, col: int = 0,
                 ref: tuple[int, int] | None = None, explicit_local: bool = False,
                 view: bool = False) -> None:
        self.name = name
        self.section = section
        self.frag = frag
        self.offset = offset
        self.defined = defined
        self.bind = bind
        self.type = type
        self.size = size
        self.equ = equ
        self.common = common
        self.line = line
        self.col = col
        self.ref = ref
        self.explicit_local = explicit_local
        self.view = view


class Assembler:
    """State of one assembly run."""

    def __init__(self, text: str, filename: str, error_name: str | None = None) -> None:
        self.filename = filename
        self.error_name = error_name or filename      # the path as the user gave it, for messages
        self.text = text
        self.source_lines = text.splitlines()
        self.errors: list[Diagnostic] = []
        self.sections: dict[str, SectionState] = {}
        self.section_stack: list[tuple[str, str | None]] = []
        self.symbols: dict[str, SymState] = {}
        self.numeric: dict[str, int] = {}
        self.dots = 0
        self.line = 0
        self.files: dict[int, str] = {}
        self.file_dirs: dict[int, str] = {}
        self.file_table = FileTable()
        # gas dwarf2dbg.c `current`: what the last .loc said (is_stmt, column and isa are sticky).
        self.loc_current = Loc("", 0, 0, 1, 1, 0, FLAG_IS_STMT)
        self.pending_loc: Loc | None = None
        self.locs: list[Loc] = []
        self.cfi = CfiState()
        self.insn_lines: list[tuple[str, int, int, int]] = []
        self.ident: list[bytes] = []
        for name in (".text", ".data", ".bss"):
            self.get_section(name)
        self.current = self.sections[".text"]
        self.previous: SectionState | None = None

    # ------------------------------------------------------------------ errors
    def error(self, message: str, col: int = 1, line: int | None = None) -> None:
        ln = self.line if line is None else line
        src = self.source_lines[ln - 1] if 0 < ln <= len(self.source_lines) else ""
        self.errors.append(Diagnostic(self.error_name, ln, max(col, 1), message, src))

    # ---------------------------------------------------------------- sections
    def get_section(self, name: str, flags: str | None = None, type_: str | None = None,
                    entsize: int = 0) -> SectionState:
        sec = self.sections.get(name)
        if sec is None:
            dflags, dtype = default_section_flags(name)
            sec = SectionState(name, dflags if flags is None else flags, type_ or dtype, entsize)
            self.sections[name] = sec
        return sec

    def switch_section(self, sec: SectionState) -> None:
        if sec is not self.current:
            self.previous = self.current
            self.current = sec

    @property
    def frag(self) -> Frag:
        return self.current.frags[-1]

    def position(self) -> tuple[str, int, int]:
        """(section, frag index, offset in the fixed part) of the location counter."""
        sec = self.current
        return sec.name, len(sec.frags) - 1, sec.frags[-1].fix

    def close_frag(self, var: Var | None, max_chars: int = 1) -> None:
        """End the current frag with a variable tail and start a new one (gas frag_var,
        reserving ``max_chars``)."""
        sec = self.current
        if sec.code:
            self.wane(sec.obstack.more(max_chars))
        self.frag.var = var
        sec.frags.append(Frag())
        if sec.code:
            sec.obstack.new_frag()

    # gas's frag memory: only code sections have line rows that can see it.
    def wane(self, count: int) -> None:
        """Close the current frag ``count`` times for want of room (gas frag_wane + frag_new)."""
        for _ in range(count):
            self.current.frags.append(Frag())

    def frag_pieces(self, pieces: list[int]) -> int:
        """Account for appending ``pieces`` (see :func:`layout.insn_pieces`; -n is a bare
        frag_grow (n)): frags closed before the first piece are closed now; return how
        many close after it (the content stays whole, in the frag its first byte went to)."""
        sec = self.current
        if not sec.code:
            return 0
        ob = sec.obstack
        later = 0
        for k, n in enumerate(pieces):
            waned = ob.append1() if n == 0 else ob.more(n) if n > 0 else ob.grow(-n)
            if k == 0:
                self.wane(waned)
            else:
                later += waned
        return later

    def frag_bytes1(self, count: int) -> int:
        """``count`` bytes appended one by one (FRAG_APPEND_1_CHAR), as frag_pieces."""
        sec = self.current
        if not sec.code or count <= 0:
            return 0
        self.wane(sec.obstack.append1())
        return sec.obstack.append1(count - 1)

    # ----------------------------------------------------------------- symbols
    def symbol(self, name: str) -> SymState:
        sym = self.symbols.get(name)
        if sym is None:
            sym = self.symbols[name] = SymState(name)
        return sym

    def numeric_name(self, label: str, instance: int) -> str:
        return f"{label}\x02{instance}"

    def define_label(self, name: str, col: int) -> None:
        if name.isdigit():
            count = self.numeric.get(name, 0) + 1
            self.numeric[name] = count
            name = self.numeric_name(name, count)
        sym = self.symbol(name)
        if sym.defined or sym.equ is not None or sym.common is not None:
            self.error(f"symbol `{name}' is already defined", col)
            return
        sym.section, sym.frag, sym.offset = self.position()
        sym.defined = True
        sym.line, sym.col = self.line, col

    def dot_label(self, col: int = 0) -> str:
        """Name a fresh label at the location counter (the value of ``.``)."""
        self.dots += 1
        name = f".\x01{self.dots}"
        sym = self.symbol(name)
        sym.section, sym.frag, sym.offset = self.position()
        sym.defined = True
        return name

    def _lookup(self, name: str, col: int) -> Value | None:
        if name[0].isdigit() and name[-1].lower() in "bf" and name[:-1].isdigit():
            label = name[:-1]
            count = self.numeric.get(label, 0)
            if name[-1].lower() == "b":
                if count == 0:
                    raise ExprError(f"backward reference to unknown label \"{label}:\"", col)
                real = self.numeric_name(label, count)
            else:
                real = self.numeric_name(label, count + 1)
                if real not in self.symbols:
                    self.symbol(real).ref = (self.line, col)
            return Value(0, {real: 1})
        sym = self.symbols.get(name)
        if sym is None:
            sym = self.symbol(name)
        if sym.ref is None:
            sym.ref = (self.line, col)
        if sym.equ is not None and not sym.view:
            return sym.equ
        return None

    def parse_place(self, name: str) -> tuple[object, int] | None:
        """gas frag_offset_fixed_p: labels in one frag have a known distance while parsing."""
        sym = self.symbols.get(name)
        if sym is None or not sym.defined:
            return None
        return (sym.section, sym.frag), sym.offset

    def eval(self, node: Node) -> Value:
        """Evaluate an expression now, resolving differences gas resolves while parsing."""
        v = evaluate(node, self._lookup, self.dot_label, self.parse_place)
        return resolve_differences(v, self.parse_place)

    def eval_const(self, node: Node, what: str = "expression") -> int:
        v = self.eval(node)
        if not v.is_const or v.mem:
            raise ExprError(f"{what} must be an absolute constant", node_col(node))
        return v.const

    # -------------------------------------------------------------- statements
    def run(self) -> Object:
        from vmdebug.isa import directives

        for number, raw in enumerate(self.source_lines, start=1):
            self.line = number
            for stmt_text, col0 in split_statements(raw):
                try:
                    st = parse_statement(stmt_text, col0)
                except ParseError as exc:
                    self.error(str(exc), exc.col)
                    continue
                self.statement(st, directives)
        from vmdebug.isa.layout import finish

        obj = finish(self)
        if self.errors:
            raise AssemblyError(self.errors)
        return obj

    def statement(self, st: Statement, directives: object) -> None:
        for name, col in st.labels:
            self.define_label(name, col)
        try:
            if st.kind == "directive":
                directives.handle(self, st)  # type: ignore[attr-defined]
            elif st.kind == "assign":
                directives.assign(self, st.name, st.args[0], st.col)  # type: ignore[attr-defined]
            elif st.kind == "insn":
                if self.current.nobits:
                    self.error(f"instruction `{st.name}' in a nobits section ({self.current.name})", st.col)
                    return
                assemble_insn(self, st)
        except ExprError as exc:
            self.error(str(exc), exc.col or st.col)
        except ParseError as exc:
            self.error(str(exc), exc.col or st.col)

    def emit_pending_locs(self) -> None:
        """Output a pending ``.loc`` row at the location counter (gas dwarf2_emit_insn)."""
        loc = self.pending_loc
        if loc is None:
            return
        self.pending_loc = None
        if not self.current.code:             # gas records rows only in code sections
            return
        if loc.line == 0:                     # dwarf2_gen_line_info: "incomplete", no row
            return
        loc.section, loc.frag, loc.offset = self.position()
        self.locs.append(loc)

    def flush_locs(self) -> None:
        """Attach a pending ``.loc`` row to the instruction about to be emitted."""
        self.emit_pending_locs()
        sec, frag, off = self.position()
        self.insn_lines.append((sec, frag, off, self.line))


def node_col(node: Node) -> int:
    """Best-effort column of an expression (its first symbol or operator)."""
    if node[0] in ("sym", "reg"):
        return node[2]
    if node[0] == "dot":
        return node[1]
    if node[0] == "bin":
        return node_col(node[2]) or node[4]
    if node[0] in ("un", "mem"):
        return node_col(node[-1])
    return 0


def assemble_text(text: str, filename: str = "<input>", error_name: str | None = None) -> Object:
    """Assemble source text; raises :class:`AssemblyError` listing every error
    (named ``error_name``, by default ``filename``)."""
    return Assembler(text, filename, error_name).run()


def assemble_file(path: str | Path) -> Object:
    """Assemble a ``.s`` file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UserError(f"cannot read {p}: {exc.strerror}") from None
    return assemble_text(text, str(p))


def line_rows(asm: Assembler, offsets: dict[tuple[str, int], int]) -> list[LineRow]:
    """Line rows from ``.loc``; without any, one row per instruction at its .s line - unless
    the file numbers DWARF files (``.file N``: a compiler's output, whose code without
    ``.loc`` has no lines, as gas gives it none)."""
    rows: list[LineRow] = []
    if not asm.locs and any(f is not None for f in asm.file_table.files):
        return rows
    if asm.locs:
        names: dict[int, str] = {}
        for loc in asm.locs:
            name = names.get(loc.filenum)
            if name is None:
                name = names[loc.filenum] = asm.file_table.path(loc.filenum) or asm.filename
            rows.append(LineRow(loc.section, offsets[(loc.section, loc.frag)] + loc.offset, name, loc.line,
                                loc.column, loc.is_stmt))
    else:
        for sec, frag, off, line in asm.insn_lines:
            rows.append(LineRow(sec, offsets[(sec, frag)] + off, asm.filename, line))
    return rows


# ------------------------------------------------------------- instructions
from vmdebug.isa.operands import REGISTERS, SEGMENT_REGS, SEGMENTS, Imm, Mem, Operand, Reg, Rel  # noqa: E402
from vmdebug.isa.parser import OperandSyntax  # noqa: E402

# Register names gas knows that have no place in the integer subset we encode.
OTHER_REGISTERS = ({f"st{i}" for i in range(8)} | {f"mm{i}" for i in range(8)}
                   | {f"cr{i}" for i in range(8)} | {f"dr{i}" for i in range(8)} | {"eiz"} | set(SEGMENTS))
LOOPS = {"loop", "loope", "loopz", "loopne", "loopnz", "jecxz", "jcxz"}


def _condition_branches() -> set[str]:
    from vmdebug.isa.table import CONDITION_ALIASES, CONDITIONS

    return {"j" + c for c in CONDITIONS} | {"j" + c for c in CONDITION_ALIASES}


_JCC: set[str] = set()


def relaxable(mnemonic: str) -> bool:
    """jmp and jcc to a label start short and may grow (tc-i386.c output_branch)."""
    if not _JCC:
        _JCC.update(_condition_branches())
    return mnemonic == "jmp" or mnemonic in _JCC


def is_branch(mnemonic: str) -> bool:
    return mnemonic == "call" or mnemonic in LOOPS or relaxable(mnemonic)


def convert_operand(asm: Assembler, op: OperandSyntax, branch: bool) -> tuple[Operand, Value | None]:
    """An Intel operand as written -> (operand with placeholder values, symbolic part or None).

    gas's Intel rules (tc-i386-intel.c): a lone register is a register; brackets,
    a size (``DWORD PTR``), a segment or a bare relocatable symbol make a memory
    operand; ``OFFSET`` and constants (including label differences) are
    immediates; a branch's plain target is a relative address.
    """
    v = asm.eval(op.expr)
    if (len(v.syms) == 1 and not v.regs and not v.mem and v.const == 0 and op.seg is None and not op.offset
            and op.size is None):
        (name, coef), = v.syms.items()
        if coef == 1 and name.lower() in SEGMENT_REGS:   # push es, mov eax, ds (table kinds sreg, es...)
            return SEGMENT_REGS[name.lower()], None
    for name in v.syms:
        if name.lower() in OTHER_REGISTERS:
            raise ExprError(f"register `{name}' is not supported here", op.col)
    regs = v.regs
    if (len(regs) == 1 and not v.syms and not v.mem and v.const == 0 and op.seg is None
            and not op.offset and regs[0][1] == 1):
        return Reg.named(regs[0][0]), None
    symbolic = bool(v.syms)
    single = v.relocatable() is not None
    if branch and not v.mem and not regs and op.size is None and op.seg is None and not op.offset:
        return Rel(v.const), v
    memory = bool(v.mem or regs or op.seg or op.size is not None or (single and not op.offset))
    if not memory:
        if symbolic:
            return Imm(0, None, True), v
        return Imm(v.const), None
    base: str | None = None
    index: str | None = None
    scale = 1
    for name, coef in regs:
        if REGISTERS[name][1] == 8:
            raise ExprError(f"`{name}' cannot be used in an address", op.col)
        if coef == 1 and base is None:
            base = name
        elif index is None and coef > 0:
            index, scale = name, coef
        else:
            raise ExprError(f"invalid address expression `{op.text}'", op.col)
    if symbolic:
        return Mem(op.size, base, index, scale, 0, op.seg, True), Value(v.const, dict(v.syms))
    disp = v.const & 0xFFFFFFFF
    disp = disp - (1 << 32) if disp & 0x80000000 else disp
    return Mem(op.size, base, index, scale, disp, op.seg, False), None


def assemble_insn(asm: Assembler, st: Statement) -> None:
    """Pass one for an instruction: its size (or a relaxable branch frag)."""
    from vmdebug.isa.encoder import EncodeError, encode
    from vmdebug.isa.layout import Fixed

    mnemonic = st.name
    branch = is_branch(mnemonic)
    ops: list[Operand] = []
    refs: list[Value | None] = []
    for op in st.operands:
        try:
            o, ref = convert_operand(asm, op, branch)
        except ExprError as exc:
            asm.error(str(exc), exc.col or op.col)
            return
        ops.append(o)
        refs.append(ref)
    prefixes = tuple(st.prefixes)
    asm.flush_locs()
    try:
        if relaxable(mnemonic) and len(ops) == 1 and isinstance(ops[0], Rel):
            short = encode(mnemonic, (Rel(0),), prefixes=prefixes, branch="short")
            near = encode(mnemonic, (Rel(0),), prefixes=prefixes, branch="near")
            # output_branch: frag_grow (prefix + 2 + 4), the prefixes and opcode in the
            # fixed part, frag_var (5).
            asm.frag_pieces([-(len(short) + 4), len(short) - 1])
            asm.frag.fix += len(short) - 1
            asm.close_frag(Var("branch", size=1, short_len=len(short), near_len=len(near),
                               payload=(mnemonic, prefixes, refs[0]), line=asm.line, col=st.col), 5)
            return
        data = encode(mnemonic, tuple(ops), prefixes=prefixes, address=0)
    except EncodeError as exc:
        asm.error(str(exc), st.col)
        return
    later = asm.frag_pieces(insn_pieces(data)) if asm.current.code else 0
    if all(r is None for r in refs):
        asm.frag.append_bytes(data, asm.line, st.col)
    else:
        asm.frag.append(Fixed("insn", 0, len(data), payload=(mnemonic, prefixes, tuple(ops), tuple(refs)),
                              line=asm.line, col=st.col))
    asm.wane(later)
