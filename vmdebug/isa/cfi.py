"""Call frame information: ``.cfi_*`` directives and the ``.debug_frame`` gas writes for them.

gcc describes each function's frame with ``.cfi_*`` directives and, with
``-fno-asynchronous-unwind-tables -g``, asks for ``.debug_frame`` (``.cfi_sections
.debug_frame``).  GNU as collects the instructions per FDE and writes CIEs and
FDEs at the end (gas/dw2gencfi.c, binutils 2.40); this module does the same
so a debugger can unwind frames that keep no frame pointer (-O2):

* ``.cfi_startproc`` opens an FDE whose first instructions are the i386
  defaults (``DW_CFA_def_cfa esp+4``, ``DW_CFA_offset eip at cfa-4``,
  tc-i386.c tc_x86_frame_initial_instructions) unless it says ``simple``;
* every other directive first advances the location to the current address
  if it moved (``DW_CFA_advance_loc*`` sized by the final distance, as gas's
  rs_cfa frags relax), then adds its instruction;
* at the end, each FDE shares the first CIE (newest first) whose initial
  instructions begin the FDE's, or gets a new one written just before it
  (select_cie_for_fde); records are padded with DW_CFA_nop to 4 bytes.

Only ``.debug_frame`` is written.  ``.eh_frame`` (the default without
``.cfi_sections``) is an allocated section that ``ld`` rewrites; directives
for it are accepted and produce nothing, as before.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from events.record import Record
from vmdebug.isa.layout import encode_leb

if TYPE_CHECKING:
    from vmdebug.isa.assembler import Assembler
    from vmdebug.isa.parser import Statement

# DWARF 5, 6.4.2 (call frame instructions).
DW_CFA_advance_loc, DW_CFA_offset, DW_CFA_restore = 0x40, 0x80, 0xC0
DW_CFA_nop, DW_CFA_offset_extended, DW_CFA_restore_extended = 0x00, 0x05, 0x06
DW_CFA_undefined, DW_CFA_same_value, DW_CFA_register = 0x07, 0x08, 0x09
DW_CFA_remember_state, DW_CFA_restore_state = 0x0A, 0x0B
DW_CFA_def_cfa, DW_CFA_def_cfa_register, DW_CFA_def_cfa_offset = 0x0C, 0x0D, 0x0E
DW_CFA_offset_extended_sf, DW_CFA_def_cfa_sf, DW_CFA_def_cfa_offset_sf = 0x11, 0x12, 0x13
DW_CFA_val_offset, DW_CFA_val_offset_sf = 0x14, 0x15
DW_CFA_advance_loc1, DW_CFA_advance_loc2, DW_CFA_advance_loc4 = 0x02, 0x03, 0x04
DW_CFA_GNU_window_save = 0x2D

EMIT_EH_FRAME, EMIT_DEBUG_FRAME = 1, 2
DATA_ALIGNMENT = -4              # x86_cie_data_alignment for 32-bit code
RETURN_COLUMN = 8                # eip (x86_dwarf2_return_column)
SP_REGNUM = 4                    # esp

#: DWARF register numbers of i386 (System V i386 psABI, Table 2.14).
DWARF_REGS = {"eax": 0, "ecx": 1, "edx": 2, "ebx": 3, "esp": 4, "ebp": 5, "esi": 6, "edi": 7, "eip": 8,
              "eflags": 9, **{f"st{i}": 11 + i for i in range(8)}, **{f"xmm{i}": 21 + i for i in range(8)},
              **{f"mm{i}": 29 + i for i in range(8)}, "es": 40, "cs": 41, "ss": 42, "ds": 43, "fs": 44,
              "gs": 45}

Position = tuple[str, int, int]  # (section, frag, offset in the fixed part)


class Insn(Record):
    """One call frame instruction as collected (gas struct cfi_insn_data)."""

    __slots__ = (
        "op",     # the DW_CFA name without prefix, "advance" or "escape"
        "reg",
        "value",
        "reg2",
        "frm",    # advance: from
        "to",     # advance: to
        "data",   # escape: the bytes
    )

    def __init__(self, op: str, reg: int = 0, value: int = 0, reg2: int = 0, frm: Position | None = None,
                 to: Position | None = None, data: bytes = b"") -> None:
        self.op = op
        self.reg = reg
        self.value = value
        self.reg2 = reg2
        self.frm = frm
        self.to = to
        self.data = data

    def key(self) -> tuple[object, ...]:
        return (self.op, self.reg, self.value, self.reg2)


# Instructions a CIE may start with (gas initial_cie_insn).
CIE_OPS = {"offset", "def_cfa", "val_offset", "register", "def_cfa_register", "restore", "undefined",
           "same_value", "def_cfa_offset"}


class Fde(Record):
    __slots__ = ("start", "sections", "end", "insns", "return_column", "signal_frame")

    def __init__(self, start: Position, sections: int, end: Position | None = None,
                 insns: list[Insn] | None = None, return_column: int = RETURN_COLUMN,
                 signal_frame: bool = False) -> None:
        self.start = start
        self.sections = sections
        self.end = end
        self.insns = [] if insns is None else insns
        self.return_column = return_column
        self.signal_frame = signal_frame


class Open(Record):
    """The FDE being built in one section (gas frch_cfi_data)."""

    __slots__ = ("fde", "last", "cfa_offset", "saved")

    def __init__(self, fde: Fde, last: Position, cfa_offset: int = 0, saved: list[int] | None = None) -> None:
        self.fde = fde
        self.last = last
        self.cfa_offset = cfa_offset
        self.saved = [] if saved is None else saved


class CfiState(Record):
    __slots__ = ("sections", "all_sections", "sections_set", "open", "fdes")

    def __init__(self, sections: int = EMIT_EH_FRAME, all_sections: int = 0, sections_set: bool = False,
                 open: dict[str, Open] | None = None, fdes: list[Fde] | None = None) -> None:
        self.sections = sections
        self.all_sections = all_sections
        self.sections_set = sections_set
        self.open = {} if open is None else open
        self.fdes = [] if fdes is None else fdes


# ------------------------------------------------------------------ directives
def _reg(asm: "Assembler", toks: list, col: int) -> int | None:  # type: ignore[type-arg]
    """gas cfi_parse_reg: a register name (with or without %) or a number."""
    if len(toks) == 1 and toks[0].kind == "NUM":
        return int(toks[0].value)
    text = "".join(t.text for t in toks).lstrip("%").lower()
    if text in DWARF_REGS:
        return DWARF_REGS[text]
    asm.error("bad register expression", toks[0].col if toks else col)
    return None


def _const(asm: "Assembler", toks: list, what: str) -> int:  # type: ignore[type-arg]
    from vmdebug.isa.expr import parse_expression

    return asm.eval_const(parse_expression(toks), what)


def _advance(asm: "Assembler", op: Open) -> None:
    here = asm.position()
    if here != op.last:
        op.fde.insns.append(Insn("advance", frm=op.last, to=here))
        op.last = here


def d_cfi(asm: "Assembler", st: "Statement") -> None:
    """Every ``.cfi_*`` directive (gas dot_cfi and friends)."""
    name = st.name[len(".cfi_"):]
    state = asm.cfi
    args = [g for g in st.args if g]
    if name == "sections":
        words = {t.text if t.kind != "STR" else t.value.decode() for g in st.args for t in g}  # type: ignore[union-attr]
        sections = 0
        for w in words:
            if w.startswith(".eh_frame") and not w.startswith(".eh_frame_"):
                sections |= EMIT_EH_FRAME
            elif w.startswith(".debug_frame"):
                sections |= EMIT_DEBUG_FRAME
        state.sections = sections
        return
    sec = asm.current.name
    op = state.open.get(sec)
    if name == "startproc":
        if op is not None:
            asm.error("previous CFI entry not closed (missing .cfi_endproc)", st.col)
            return
        here = asm.position()
        state.sections_set = True
        state.all_sections |= state.sections
        fde = Fde(here, state.all_sections)
        state.fdes.append(fde)
        op = state.open[sec] = Open(fde, here)
        simple = any(t.text == "simple" for g in st.args for t in g)
        if not simple:
            fde.insns.append(Insn("def_cfa", SP_REGNUM, -DATA_ALIGNMENT))
            op.cfa_offset = -DATA_ALIGNMENT
            fde.insns.append(Insn("offset", RETURN_COLUMN, DATA_ALIGNMENT))
        return
    if op is None:
        if name == "endproc":
            asm.error(".cfi_endproc without corresponding .cfi_startproc", st.col)
        else:
            asm.error("CFI instruction used without previous .cfi_startproc", st.col)
        return
    if name == "endproc":
        op.fde.end = asm.position()
        del state.open[sec]
        return
    handler = _HANDLERS.get(name)
    if handler is None:
        asm.error(f"directive `{st.name}' is not supported", st.col)
        return
    _advance(asm, op)
    handler(asm, st, op, args)


def _h_offset(asm, st, op, args) -> None:  # type: ignore[no-untyped-def]
    if len(args) != 2:
        asm.error(f"expected `{st.name} register, offset'", st.col)
        return
    reg = _reg(asm, args[0], st.col)
    off = _const(asm, args[1], "offset")
    if reg is None:
        return
    if st.name == ".cfi_rel_offset":
        off -= op.cfa_offset
    if off % -DATA_ALIGNMENT:
        asm.error(f"register save offset not a multiple of {-DATA_ALIGNMENT}", st.col)
    kind = "val_offset" if st.name == ".cfi_val_offset" else "offset"
    op.fde.insns.append(Insn(kind, reg, off))


def _h_def_cfa(asm, st, op, args) -> None:  # type: ignore[no-untyped-def]
    if len(args) != 2:
        asm.error("expected `.cfi_def_cfa register, offset'", st.col)
        return
    reg = _reg(asm, args[0], st.col)
    off = _const(asm, args[1], "offset")
    if reg is not None:
        op.fde.insns.append(Insn("def_cfa", reg, off))
        op.cfa_offset = off


def _h_cfa_offset(asm, st, op, args) -> None:  # type: ignore[no-untyped-def]
    if len(args) != 1:
        asm.error(f"expected `{st.name} offset'", st.col)
        return
    off = _const(asm, args[0], "offset")
    if st.name == ".cfi_adjust_cfa_offset":
        off += op.cfa_offset
    op.fde.insns.append(Insn("def_cfa_offset", value=off))
    op.cfa_offset = off


def _h_regs(asm, st, op, args) -> None:  # type: ignore[no-untyped-def]
    kind = st.name[len(".cfi_"):]
    if kind == "def_cfa_register" or kind == "same_value":
        args = args[:1]
    if not args:
        asm.error(f"expected a register after `{st.name}'", st.col)
        return
    for group in args:
        reg = _reg(asm, group, st.col)
        if reg is not None:
            op.fde.insns.append(Insn(kind, reg))


def _h_register(asm, st, op, args) -> None:  # type: ignore[no-untyped-def]
    if len(args) != 2:
        asm.error("expected `.cfi_register register, register'", st.col)
        return
    a, b = _reg(asm, args[0], st.col), _reg(asm, args[1], st.col)
    if a is not None and b is not None:
        op.fde.insns.append(Insn("register", a, reg2=b))


def _h_state(asm, st, op, args) -> None:  # type: ignore[no-untyped-def]
    if st.name == ".cfi_remember_state":
        op.fde.insns.append(Insn("remember_state"))
        op.saved.append(op.cfa_offset)
    else:
        op.fde.insns.append(Insn("restore_state"))
        if op.saved:
            op.cfa_offset = op.saved.pop()
        else:
            asm.error("CFI state restore without previous remember", st.col)


def _h_misc(asm, st, op, args) -> None:  # type: ignore[no-untyped-def]
    if st.name == ".cfi_return_column":
        reg = _reg(asm, args[0], st.col) if args else None
        if reg is not None:
            op.fde.return_column = reg
    elif st.name == ".cfi_signal_frame":
        op.fde.signal_frame = True
    else:
        op.fde.insns.append(Insn("window_save"))


def _h_escape(asm, st, op, args) -> None:  # type: ignore[no-untyped-def]
    data = bytearray()
    for group in args:
        data.append(_const(asm, group, "escape byte") & 0xFF)
    op.fde.insns.append(Insn("escape", data=bytes(data)))


_HANDLERS = {
    "offset": _h_offset, "rel_offset": _h_offset, "val_offset": _h_offset, "def_cfa": _h_def_cfa,
    "def_cfa_offset": _h_cfa_offset, "adjust_cfa_offset": _h_cfa_offset,
    "def_cfa_register": _h_regs, "restore": _h_regs, "undefined": _h_regs, "same_value": _h_regs,
    "register": _h_register, "remember_state": _h_state, "restore_state": _h_state,
    "return_column": _h_misc, "signal_frame": _h_misc, "window_save": _h_misc, "escape": _h_escape,
}


# ------------------------------------------------------------------ output
def _uleb(v: int) -> bytes:
    return encode_leb(v, False)


def _sleb(v: int) -> bytes:
    return encode_leb(v, True)


def _cdiv(a: int, b: int) -> int:
    """C's integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _insn_bytes(insn: Insn, address: "callable") -> bytes:  # type: ignore[valid-type]
    """gas output_cfi_insn."""
    op = insn.op
    if op == "advance":
        delta = address(insn.to) - address(insn.frm)
        if delta == 0:
            return b""
        if delta <= 0x3F:
            return bytes([DW_CFA_advance_loc + delta])
        if delta <= 0xFF:
            return bytes([DW_CFA_advance_loc1, delta])
        if delta <= 0xFFFF:
            return bytes([DW_CFA_advance_loc2]) + delta.to_bytes(2, "little")
        return bytes([DW_CFA_advance_loc4]) + (delta & 0xFFFFFFFF).to_bytes(4, "little")
    if op == "def_cfa":
        if insn.value < 0:
            return bytes([DW_CFA_def_cfa_sf]) + _uleb(insn.reg) + _sleb(_cdiv(insn.value, DATA_ALIGNMENT))
        return bytes([DW_CFA_def_cfa]) + _uleb(insn.reg) + _uleb(insn.value)
    if op in ("def_cfa_register", "undefined", "same_value"):
        code = {"def_cfa_register": DW_CFA_def_cfa_register, "undefined": DW_CFA_undefined,
                "same_value": DW_CFA_same_value}[op]
        return bytes([code]) + _uleb(insn.reg)
    if op == "def_cfa_offset":
        if insn.value < 0:
            return bytes([DW_CFA_def_cfa_offset_sf]) + _sleb(_cdiv(insn.value, DATA_ALIGNMENT))
        return bytes([DW_CFA_def_cfa_offset]) + _uleb(insn.value)
    if op == "restore":
        if insn.reg <= 0x3F:
            return bytes([DW_CFA_restore + insn.reg])
        return bytes([DW_CFA_restore_extended]) + _uleb(insn.reg)
    if op in ("offset", "val_offset"):
        off = _cdiv(insn.value, DATA_ALIGNMENT)
        if op == "val_offset":
            if off < 0:
                return bytes([DW_CFA_val_offset_sf]) + _uleb(insn.reg) + _sleb(off)
            return bytes([DW_CFA_val_offset]) + _uleb(insn.reg) + _uleb(off)
        if off < 0:
            return bytes([DW_CFA_offset_extended_sf]) + _uleb(insn.reg) + _sleb(off)
        if insn.reg <= 0x3F:
            return bytes([DW_CFA_offset + insn.reg]) + _uleb(off)
        return bytes([DW_CFA_offset_extended]) + _uleb(insn.reg) + _uleb(off)
    if op == "register":
        return bytes([DW_CFA_register]) + _uleb(insn.reg) + _uleb(insn.reg2)
    if op == "remember_state":
        return bytes([DW_CFA_remember_state])
    if op == "restore_state":
        return bytes([DW_CFA_restore_state])
    if op == "window_save":
        return bytes([DW_CFA_GNU_window_save])
    if op == "escape":
        return insn.data
    raise AssertionError(op)


class _Cie(Record):
    __slots__ = (
        "offset",
        "fde",
        "count",   # how many of the FDE's first instructions it holds
    )

    def __init__(self, offset: int, fde: Fde, count: int) -> None:
        self.offset = offset
        self.fde = fde
        self.count = count


class FrameOutput(Record):
    __slots__ = (
        "data",
        "self_relocs",  # (offset, CIE offset in .debug_frame)
        "text_relocs",  # (offset, code section, offset there)
    )

    def __init__(self, data: bytes, self_relocs: list[tuple[int, int]],
                 text_relocs: list[tuple[int, str, int]]) -> None:
        self.data = data
        self.self_relocs = self_relocs
        self.text_relocs = text_relocs


def debug_frame(state: CfiState, address: "callable", errors: list[tuple[str, Position]]) -> FrameOutput | None:  # type: ignore[valid-type]
    """gas cfi_finish for .debug_frame; ``address(position)`` is a section offset."""
    fdes = [f for f in state.fdes if f.sections & EMIT_DEBUG_FRAME]
    if not state.fdes or not state.all_sections & EMIT_DEBUG_FRAME:
        return None
    out = bytearray()
    self_relocs: list[tuple[int, int]] = []
    text_relocs: list[tuple[int, str, int]] = []
    cies: list[_Cie] = []                       # newest first, as gas's cie_root
    for fde in fdes:
        if fde.end is None:
            errors.append(("open CFI at the end of file; missing .cfi_endproc directive", fde.start))
            fde.end = fde.start
        cie, first = _select_cie(cies, fde)
        if cie is None:
            count = 0
            while count < len(fde.insns) and fde.insns[count].op in CIE_OPS:
                count += 1
            cie = _Cie(len(out), fde, count)
            cies.insert(0, cie)
            first = count
            _output_cie(out, cie, address)
        _output_fde(out, fde, cie, first, address, self_relocs, text_relocs, errors)
    return FrameOutput(bytes(out), self_relocs, text_relocs)


def _select_cie(cies: list[_Cie], fde: Fde) -> tuple[_Cie | None, int]:
    for cie in cies:
        if cie.fde.return_column != fde.return_column or cie.fde.signal_frame != fde.signal_frame:
            continue
        head = cie.fde.insns[:cie.count]
        if len(fde.insns) >= len(head) and all(a.key() == b.key() for a, b in zip(head, fde.insns)):
            return cie, len(head)
    return None, 0


def _pad(out: bytearray, start: int) -> None:
    out += bytes(-len(out) % 4)
    out[start:start + 4] = (len(out) - start - 4).to_bytes(4, "little")


def _output_cie(out: bytearray, cie: _Cie, address: "callable") -> None:  # type: ignore[valid-type]
    start = len(out)
    out += bytes(4) + b"\xff\xff\xff\xff" + bytes([1])            # length, CIE id, version 1
    if cie.fde.signal_frame:
        out += b"S"
    out += b"\0" + _uleb(1) + _sleb(DATA_ALIGNMENT) + bytes([cie.fde.return_column & 0xFF])
    for insn in cie.fde.insns[:cie.count]:
        out += _insn_bytes(insn, address)
    _pad(out, start)


def _output_fde(out: bytearray, fde: Fde, cie: _Cie, first: int, address: "callable",  # type: ignore[valid-type]
                self_relocs: list[tuple[int, int]], text_relocs: list[tuple[int, str, int]],
                errors: list[tuple[str, Position]]) -> None:
    start = len(out)
    out += bytes(4)
    self_relocs.append((len(out), cie.offset))
    out += cie.offset.to_bytes(4, "little")
    begin = address(fde.start)
    text_relocs.append((len(out), fde.start[0], begin))
    out += begin.to_bytes(4, "little")
    assert fde.end is not None
    if fde.end[0] != fde.start[0]:
        errors.append(("CFI region spans sections (missing .cfi_endproc?)", fde.start))
    out += ((address(fde.end) - begin) & 0xFFFFFFFF).to_bytes(4, "little")
    for insn in fde.insns[first:]:
        out += _insn_bytes(insn, address)
    _pad(out, start)
