"""Pseudo-ops (directives) of GNU as, as gcc emits them and people write them.

Semantics follow gas/read.c and gas/config/obj-elf.c for the i386 ELF
target.  On i386 ELF ``.align N`` counts bytes (like ``.balign``), ``.word``
is two bytes, and alignment without a fill value in a code section pads with
nops (``frag_align_code``) while other sections pad with zeros.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from vmdebug.isa.dwarf2dbg import FLAG_BASIC_BLOCK, FLAG_EPILOGUE_BEGIN, FLAG_IS_STMT, FLAG_PROLOGUE_END
from vmdebug.isa.expr import ExprError, Value, parse_expression
from vmdebug.isa.layout import Fixed, Var, encode_leb
from vmdebug.isa.lexer import Token
from vmdebug.isa.parser import Statement

if TYPE_CHECKING:
    from vmdebug.isa.assembler import Assembler

BSS_SUB1 = ".bss\x01sub1"
WIDTHS = {".byte": 1, ".value": 2, ".short": 2, ".word": 2, ".hword": 2, ".2byte": 2,
          ".long": 4, ".int": 4, ".4byte": 4, ".quad": 8, ".8byte": 8}
TYPES = {"function": "func", "object": "object", "notype": "notype", "common": "object",
         "tls_object": "object", "gnu_indirect_function": "func", "gnu_unique_object": "object"}
# Accepted and deliberately ignored:
# syntax/arch selection matching what we implement, and bookkeeping.
IGNORED = {".code32", ".arch", ".version", ".addrsig", ".addrsig_sym", ".gnu_attribute",
           ".loc_mark_labels", ".hidden", ".internal", ".protected", ".linkonce", ".sleb128_fudge",
           ".symver", ".lflags", ".nolist", ".list", ".eject", ".title", ".sbttl", ".psize", ".end"}


def col_of(toks: list[Token], default: int) -> int:
    return toks[0].col if toks else default


def _name(asm: "Assembler", toks: list[Token], st: Statement) -> str | None:
    if len(toks) == 1 and toks[0].kind in ("NAME", "STR"):
        t = toks[0]
        return t.value.decode() if t.kind == "STR" else t.text  # type: ignore[union-attr]
    asm.error(f"expected a symbol name after `{st.name}'", col_of(toks, st.col))
    return None


def fits(value: int, width: int) -> bool:
    """gas accepts a value that fits the field as signed or unsigned."""
    bits = width * 8
    return -(1 << (bits - 1)) <= value < (1 << bits)


def emit_value(asm: "Assembler", width: int, toks: list[Token], col: int) -> None:
    """One element of .byte/.short/.long/.quad."""
    node = parse_expression(toks)
    v = asm.eval(node)
    if v.regs or v.mem:
        raise ExprError("register or memory operand in a data directive", col)
    if asm.current.nobits:
        if not v.is_const or v.const != 0:
            asm.error(f"attempt to store non-zero value in section `{asm.current.name}'", col)
        asm.frag.append(Fixed("space", 0, width, line=asm.line, col=col))
        return
    if v.is_const:
        if width < 8 and not fits(v.const, width):
            asm.error(f"value {v.const:#x} does not fit in {width} byte{'s' if width > 1 else ''}", col)
            return
        later = asm.frag_pieces([width])                # emit_expr: frag_more (nbytes)
        asm.frag.append_bytes((v.const & ((1 << (8 * width)) - 1)).to_bytes(width, "little"), asm.line, col)
        asm.wane(later)
        return
    if width == 8:
        asm.error("cannot represent a relocation in a .quad on i386", col)
        return
    later = asm.frag_pieces([width])
    asm.frag.append(Fixed("data", 0, width, payload=v, line=asm.line, col=col))
    asm.wane(later)


def d_data(asm: "Assembler", st: Statement) -> None:
    width = WIDTHS[st.name]
    for group in st.args:
        try:
            emit_value(asm, width, group, col_of(group, st.col))
        except ExprError as exc:
            asm.error(str(exc), exc.col or col_of(group, st.col))


def d_string(asm: "Assembler", st: Statement) -> None:
    terminate = st.name in (".string", ".asciz")
    if not st.args:
        asm.error(f"expected a string after `{st.name}'", st.col)
    for group in st.args:
        if not group or any(t.kind != "STR" for t in group):
            asm.error(f"expected a string in `{st.name}'", col_of(group, st.col))
            continue
        data = b"".join(t.value for t in group)  # type: ignore[misc]
        if terminate:
            data += b"\0"
        later = asm.frag_bytes1(len(data))              # stringer: FRAG_APPEND_1_CHAR
        _emit_bytes(asm, data, col_of(group, st.col))
        asm.wane(later)


def _emit_bytes(asm: "Assembler", data: bytes, col: int) -> None:
    if asm.current.nobits:
        if any(data):
            asm.error(f"attempt to store non-zero value in section `{asm.current.name}'", col)
        asm.frag.append(Fixed("space", 0, len(data), line=asm.line, col=col))
    else:
        asm.frag.append_bytes(data, asm.line, col)


#: Contents the assembler holds in memory for one section.  GNU as streams any size
#: to disk (a 2 GiB `.fill` takes it 6 s and writes a 2 GiB object); vmdebug keeps
#: the program in memory and in the session, so a typo in a count stops here, with
#: twice the default simulated RAM to spare.
MAX_CONTENTS = 256 << 20
#: Any section, even one without contents: the i386 address space.
MAX_SECTION = 1 << 32


def _fits(asm: "Assembler", count: int, what: str, col: int) -> bool:
    """Whether ``count`` more bytes fit the current section; an error if not."""
    if count < 1 << 20:         # small counts cannot matter: skip the sum over frags
        return True
    sec = asm.current
    size = sum(f.fix for f in sec.frags) + count
    if size >= MAX_SECTION:         # a 32-bit sh_size cannot say 4 GiB
        asm.error(f"`{what}' of {count} bytes: section `{sec.name}' would exceed the 4 GiB address space", col)
        return False
    if not sec.nobits and size > MAX_CONTENTS:
        asm.error(f"`{what}' of {count} bytes: section `{sec.name}' would hold more than "
                  f"{MAX_CONTENTS >> 20} MiB, the most vmdebug assembles", col)
        return False
    return True


def _const_arg(asm: "Assembler", toks: list[Token], what: str) -> int:
    return asm.eval_const(parse_expression(toks), what)


def d_space(asm: "Assembler", st: Statement) -> None:
    """.zero N / .skip N[,fill] / .space N[,fill]."""
    if not st.args or not st.args[0]:
        asm.error(f"missing size in `{st.name}'", st.col)
        return
    count = _const_arg(asm, st.args[0], f"size of `{st.name}'")
    fill = _const_arg(asm, st.args[1], "fill value") & 0xFF if len(st.args) > 1 and st.args[1] else 0
    if count < 0:
        asm.error(f"negative size {count} in `{st.name}'", col_of(st.args[0], st.col))
        return
    if not _fits(asm, count, st.name, st.col):
        return
    if count and asm.current.code:
        # s_space: the fill is the variable tail of a frag (frag_var (rs_fill, 1, ...)),
        # which the line program can see.
        asm.close_frag(Var("fill", size=count, payload=bytes([fill]) * count, line=asm.line, col=st.col))
    elif asm.current.nobits or (fill == 0 and count > 4096):
        if fill and asm.current.nobits:
            asm.error(f"attempt to store non-zero value in section `{asm.current.name}'", st.col)
        asm.frag.append(Fixed("space", 0, count, fill=fill, line=asm.line, col=st.col))
    else:
        asm.frag.append_bytes(bytes([fill]) * count, asm.line, st.col)


def d_fill(asm: "Assembler", st: Statement) -> None:
    """.fill repeat[, size[, value]] (gas read.c s_fill; size is capped at 8)."""
    args = st.args + [[]] * (3 - len(st.args))
    repeat = _const_arg(asm, args[0], "repeat count") if args[0] else 0
    size = _const_arg(asm, args[1], "fill size") if args[1] else 1
    value = _const_arg(asm, args[2], "fill value") if args[2] else 0
    size = min(max(size, 0), 8)
    if not _fits(asm, max(repeat, 0) * size, st.name, st.col):
        return
    unit = (value & 0xFFFFFFFF).to_bytes(8, "little")[:size]
    if repeat > 0 and size > 0 and asm.current.code:
        # s_fill: the fill is the variable tail of a frag (frag_var (rs_fill, size, ...)).
        asm.close_frag(Var("fill", size=repeat * size, payload=unit * repeat, line=asm.line, col=st.col), size)
        return
    _emit_bytes(asm, unit * max(repeat, 0), st.col)


def d_align(asm: "Assembler", st: Statement) -> None:
    """.align/.balign N (bytes) and .p2align N (power of two), [fill], [max skip]."""
    args = st.args + [[]] * (3 - len(st.args))
    if not args[0]:
        asm.error(f"missing alignment in `{st.name}'", st.col)
        return
    n = _const_arg(asm, args[0], "alignment")
    if st.name == ".p2align":
        power = n
    else:
        if n and n & (n - 1):
            asm.error("alignment not a power of 2", col_of(args[0], st.col))
            return
        power = max(n.bit_length() - 1, 0)
    if power > 31:
        asm.error(f"alignment too large: {power} (max 31)", col_of(args[0], st.col))
        return
    fill = _const_arg(asm, args[1], "fill value") & 0xFF if args[1] else None
    max_skip = _const_arg(asm, args[2], "maximum skip") if args[2] else 0
    sec = asm.current
    sec.align_power = max(sec.align_power, power)
    if power == 0:
        return
    code = fill is None and sec.code
    # frag_align_code reserves 2**power - 1 bytes (also for a 0x90 fill), frag_align 1.
    max_chars = (1 << power) - 1 if sec.code and fill in (None, 0x90) else 1
    asm.close_frag(Var("align", power=power, max_skip=max_skip, fill=fill or 0, code=code,
                       line=asm.line, col=st.col), max_chars)


def d_leb(asm: "Assembler", st: Statement) -> None:
    signed = st.name == ".sleb128"
    for group in st.args:
        v = asm.eval(parse_expression(group))
        if v.is_const:
            data = encode_leb(v.const, signed)
            later = asm.frag_pieces([len(data)])        # emit_leb128_expr: frag_more (size)
            _emit_bytes(asm, data, col_of(group, st.col))
            asm.wane(later)
        else:
            # frag_var (rs_leb128, sizeof_uleb128 (~(valueT) 0), ...): 10 bytes on a 64-bit host.
            asm.close_frag(Var("leb", signed=signed, payload=v, line=asm.line, col=col_of(group, st.col)), 10)


def _section_args(asm: "Assembler", st: Statement) -> None:
    if not st.args or not st.args[0]:
        asm.error("expected a section name", st.col)
        return
    first = st.args[0]
    name = "".join(t.text if t.kind != "STR" else t.value.decode() for t in first)  # type: ignore[union-attr]
    flags: str | None = None
    type_: str | None = None
    entsize = 0
    if len(st.args) > 1 and st.args[1]:
        tok = st.args[1][0]
        if tok.kind == "STR":
            flags = tok.value.decode()  # type: ignore[union-attr]
    if len(st.args) > 2 and st.args[2]:
        words = [t.text for t in st.args[2] if t.kind == "NAME"]
        if words:
            type_ = words[0]
    if len(st.args) > 3 and st.args[3]:
        entsize = _const_arg(asm, st.args[3], "entity size")
    sec = asm.get_section(name, flags, type_, entsize)
    if st.name == ".pushsection":
        asm.section_stack.append((asm.current.name, asm.previous.name if asm.previous else None))
    asm.switch_section(sec)


def d_section(asm: "Assembler", st: Statement) -> None:
    if st.name in (".text", ".data", ".bss"):
        if st.args and st.args[0]:
            sub = _const_arg(asm, st.args[0], "subsection")
            if sub:
                asm.error("numbered subsections are not supported", col_of(st.args[0], st.col))
        asm.switch_section(asm.get_section(st.name))
    elif st.name == ".previous":
        if asm.previous is not None:
            asm.switch_section(asm.previous)
    elif st.name == ".popsection":
        if not asm.section_stack:
            asm.error(".popsection without .pushsection", st.col)
            return
        cur, prev = asm.section_stack.pop()
        asm.current = asm.sections[cur]
        asm.previous = asm.sections[prev] if prev else None
    else:
        _section_args(asm, st)


def d_bind(asm: "Assembler", st: Statement) -> None:
    bind = {".globl": "global", ".global": "global", ".local": "local", ".weak": "weak"}[st.name]
    for group in st.args:
        name = _name(asm, group, st)
        if name is not None:
            sym = asm.symbol(name)
            sym.bind = bind
            sym.explicit_local = st.name == ".local"


def d_type(asm: "Assembler", st: Statement) -> None:
    if len(st.args) < 2:
        asm.error("expected `.type symbol, @type'", st.col)
        return
    name = _name(asm, st.args[0], st)
    words = [t.value.decode() if t.kind == "STR" else t.text for t in st.args[1]  # type: ignore[union-attr]
             if t.kind in ("NAME", "STR")]
    kind = words[0].lower() if words else ""
    kind = {"stt_func": "function", "stt_object": "object", "stt_notype": "notype"}.get(kind, kind)
    if kind not in TYPES:
        asm.error(f"unrecognized symbol type `{kind}'", col_of(st.args[1], st.col))
        return
    if name is not None:
        asm.symbol(name).type = TYPES[kind]


def d_size(asm: "Assembler", st: Statement) -> None:
    if len(st.args) != 2:
        asm.error("expected `.size symbol, expression'", st.col)
        return
    name = _name(asm, st.args[0], st)
    v = asm.eval(parse_expression(st.args[1]))
    if name is not None:
        asm.symbol(name).size = (v, asm.line, col_of(st.args[1], st.col))  # type: ignore[assignment]


def d_comm(asm: "Assembler", st: Statement) -> None:
    """.comm sym,size[,align] (COMMON, or .bss if the symbol was made .local)
    and .lcomm sym,size[,align] (local, in .bss)."""
    if len(st.args) < 2:
        asm.error(f"expected `{st.name} symbol, size'", st.col)
        return
    name = _name(asm, st.args[0], st)
    size = _const_arg(asm, st.args[1], "size")
    if name is None:
        return
    sym = asm.symbol(name)
    local = st.name == ".lcomm" or sym.explicit_local
    if len(st.args) > 2 and st.args[2]:
        align = _const_arg(asm, st.args[2], "alignment")
    elif local:
        # TC_IMPLICIT_LCOMM_ALIGNMENT (gas/read.c), also for .local + .comm.
        align = 8 if size >= 8 else 4 if size >= 4 else 2 if size >= 2 else 1
    else:
        # ELF .comm without alignment: the next power of two, at most 16 (as 2.40, measured).
        align = min(16, 1 << max(size - 1, 0).bit_length())
    if align and align & (align - 1):
        asm.error("alignment not a power of 2", col_of(st.args[2], st.col))
        return
    if sym.defined or sym.common is not None:
        asm.error(f"symbol `{name}' is already defined", col_of(st.args[0], st.col))
        return
    sym.type = "object"
    if not local:
        sym.common = (size, max(align, 1))
        if sym.bind == "local":
            sym.bind = "global"
        return
    # gas bss_alloc: local commons go to .bss subsection 1, after all of
    # subsection 0 (read.c bss_alloc: subseg_set (bss_seg, 1)).
    saved = asm.current
    bss = asm.get_section(BSS_SUB1, "aw", "nobits")
    asm.current = bss
    power = max(align, 1).bit_length() - 1
    bss.align_power = max(bss.align_power, power)
    if power:
        asm.close_frag(Var("align", power=power, fill=0, line=asm.line, col=st.col))
    sym.section, sym.frag, sym.offset = asm.position()
    sym.defined = True
    sym.line, sym.col = asm.line, st.col
    sym.size = (Value(size), asm.line, st.col)  # type: ignore[assignment]
    asm.frag.append(Fixed("space", 0, size, line=asm.line, col=st.col))
    asm.current = saved


def assign(asm: "Assembler", name: str, toks: list[Token], col: int, equiv: bool = False) -> None:
    """``.set``/``.equ``/``=``: gas keeps the expression; a constant is substituted on use."""
    sym = asm.symbol(name)
    if sym.defined or (equiv and sym.equ is not None):
        asm.error(f"symbol `{name}' is already defined", col)
        return
    v = asm.eval(parse_expression(toks))
    if v.regs or v.mem:
        asm.error("register or memory in a symbol assignment", col_of(toks, col))
        return
    sym.equ = v
    sym.line, sym.col = asm.line, col
    target = v.relocatable()
    if target is not None and not v.const and asm.symbol(target).defined:
        # gas's pseudo_set copies a defined symbol's attributes to a plain alias of it
        # (copy_symbol_attributes: the function/object type; elf_copy_symbol_attributes: the
        # size, if the alias has none) - gcc's identical code folding emits `.set b, a'.
        src = asm.symbol(target)
        if src.type in ("func", "object"):
            sym.type = src.type
        if sym.size is None and src.size is not None:
            sym.size = src.size


def d_set(asm: "Assembler", st: Statement) -> None:
    if len(st.args) != 2 or not st.args[0]:
        asm.error(f"expected `{st.name} symbol, expression'", st.col)
        return
    name = _name(asm, st.args[0], st)
    if name is not None:
        assign(asm, name, st.args[1], st.args[0][0].col, equiv=st.name == ".equiv")


def d_file(asm: "Assembler", st: Statement) -> None:
    """.file "name" | .file N ["dir"] "name" [md5 VALUE] (gas dwarf2_directive_filename)."""
    toks = [t for group in st.args for t in group]
    if not toks or toks[0].kind == "STR":
        return                                            # the object's source file name
    neg = toks[0].kind == "OP" and toks[0].text == "-" and len(toks) > 1 and toks[1].kind == "NUM"
    if toks[0].kind != "NUM" and not neg:
        asm.error("expected a file number or name after .file", toks[0].col)
        return
    number = -int(toks[1].value) if neg else int(toks[0].value)  # type: ignore[arg-type]
    rest = toks[2:] if neg else toks[1:]
    if number < 0:
        asm.error("file number less than one", toks[0].col)
        return
    strings = []
    while rest and rest[0].kind == "STR" and len(strings) < 2:
        strings.append(rest.pop(0).value.decode("utf-8", "surrogateescape"))  # type: ignore[union-attr]
    if not strings:
        asm.error("expected a file name after the file number", toks[0].col)
        return
    md5: bytes | None = None
    if rest and rest[0].kind == "NAME" and rest[0].text == "md5":
        if len(rest) < 2 or rest[1].kind != "NUM" or int(rest[1].value) < (1 << 64):  # type: ignore[arg-type]
            asm.error("md5 value too small or not a constant", rest[0].col)
            return
        md5 = (int(rest[1].value) & ((1 << 128) - 1)).to_bytes(16, "little")  # type: ignore[arg-type]
    elif rest:
        asm.error("junk at end of line, first unrecognized character is "
                  f"`{rest[0].text[:1]}'", rest[0].col)
        return
    dirname = strings[0] if len(strings) == 2 else None
    filename = strings[-1]
    problem = asm.file_table.allocate(number, dirname, filename, md5)
    if problem is not None:
        asm.error(problem, toks[0].col)
        return
    if dirname is not None:
        asm.file_dirs[number] = dirname
    asm.files[number] = filename


_LOC_FLAGS = {"basic_block": FLAG_BASIC_BLOCK, "prologue_end": FLAG_PROLOGUE_END,
              "epilogue_begin": FLAG_EPILOGUE_BEGIN}


def d_loc(asm: "Assembler", st: Statement) -> None:
    """.loc FILE LINE [COLUMN] [basic_block] [prologue_end] [epilogue_begin] [is_stmt N]
    [isa N] [discriminator N] [view V] (gas dwarf2_directive_loc)."""
    from events.record import replace

    toks = [t for group in st.args for t in group]
    # gas: a .loc still pending from before is output at the current position.
    asm.emit_pending_locs()
    nums: list[int] = []
    i = 0
    while i < len(toks) and toks[i].kind == "NUM" and len(nums) < 3:
        nums.append(int(toks[i].value))  # type: ignore[arg-type]
        i += 1
    if len(nums) < 2:
        asm.error("expected `.loc FILE LINE [COLUMN]'", st.col)
        return
    if nums[0] == 0 and asm.file_table.level < 5:
        asm.file_table.level = 5
    if not asm.file_table.is_assigned(nums[0]):
        asm.error(f"unassigned file number {nums[0]}", toks[0].col)
        return
    cur = asm.loc_current
    cur.filenum, cur.line, cur.discriminator = nums[0], nums[1], 0
    if len(nums) > 2:
        cur.column = nums[2]
    view: str | None = None
    while i < len(toks):
        word = toks[i].text
        value = toks[i + 1] if i + 1 < len(toks) else None
        if word in _LOC_FLAGS:
            cur.flags |= _LOC_FLAGS[word]
            i += 1
        elif word in ("is_stmt", "isa", "discriminator") and value is not None and value.kind == "NUM":
            n = int(value.value)  # type: ignore[arg-type]
            if word == "is_stmt":
                if n not in (0, 1):
                    asm.error("is_stmt value not 0 or 1", value.col)
                    return
                cur.flags = cur.flags | FLAG_IS_STMT if n else cur.flags & ~FLAG_IS_STMT
            elif word == "isa":
                cur.isa = n
            else:
                cur.discriminator = n
            i += 2
        elif word == "view" and value is not None:
            if value.kind == "NAME":
                view = value.text
                sym = asm.symbol(view)
                sym.view = True
                sym.equ = Value(0)
                i += 2
            else:
                reset = value.kind == "OP" and value.text == "-"
                num = toks[i + 2] if reset and i + 2 < len(toks) else value
                if num.kind != "NUM" or int(num.value) != 0:  # type: ignore[arg-type]
                    asm.error("numeric view can only be asserted to zero", num.col)
                    return
                view = "-0" if reset else "0"
                i += 3 if reset else 2
        else:
            asm.error(f"unknown .loc sub-directive `{word}'", toks[i].col)
            return
    asm.pending_loc = replace(cur, view=view)
    # One-shot flags and the discriminator apply to this row only (dwarf2_consume_line_info).
    cur.flags &= FLAG_IS_STMT
    cur.discriminator = 0
    if view is not None:                                  # a row with a view is output right away
        asm.emit_pending_locs()


def d_ident(asm: "Assembler", st: Statement) -> None:
    for group in st.args:
        for t in group:
            if t.kind == "STR":
                asm.ident.append(t.value)  # type: ignore[arg-type]


def d_syntax(asm: "Assembler", st: Statement) -> None:
    if st.name == ".att_syntax":
        asm.error("AT&T syntax is not supported; use .intel_syntax noprefix", st.col)
    elif st.name == ".code16":
        asm.error("16-bit code (.code16) is not supported", st.col)


def d_unsupported(asm: "Assembler", st: Statement) -> None:
    asm.error(f"directive `{st.name}' is not supported", st.col)


TABLE: dict[str, Callable[["Assembler", Statement], None]] = {
    **{name: d_data for name in WIDTHS},
    ".string": d_string, ".asciz": d_string, ".ascii": d_string,
    ".zero": d_space, ".skip": d_space, ".space": d_space, ".fill": d_fill,
    ".align": d_align, ".balign": d_align, ".p2align": d_align,
    ".uleb128": d_leb, ".sleb128": d_leb,
    ".text": d_section, ".data": d_section, ".bss": d_section, ".section": d_section,
    ".pushsection": d_section, ".popsection": d_section, ".previous": d_section,
    ".globl": d_bind, ".global": d_bind, ".local": d_bind, ".weak": d_bind,
    ".type": d_type, ".size": d_size, ".comm": d_comm, ".lcomm": d_comm,
    ".set": d_set, ".equ": d_set, ".equiv": d_set,
    ".file": d_file, ".loc": d_loc, ".ident": d_ident,
    ".intel_syntax": d_syntax, ".att_syntax": d_syntax, ".code16": d_syntax,
    ".org": d_unsupported, ".incbin": d_unsupported, ".macro": d_unsupported, ".rept": d_unsupported,
    ".irp": d_unsupported, ".if": d_unsupported, ".include": d_unsupported,
}


def handle(asm: "Assembler", st: Statement) -> None:
    """Run one directive statement."""
    fn = TABLE.get(st.name)
    if fn is not None:
        fn(asm, st)
    elif st.name.startswith(".cfi_"):
        from vmdebug.isa.cfi import d_cfi

        d_cfi(asm, st)
    elif st.name in IGNORED:
        return
    else:
        asm.error(f"unknown directive `{st.name}'", st.col)

