"""What ``info scope`` says of a symbol: gdb's natural-language descriptions of DWARF
locations (dwarf2/loc.c ``locexpr_describe_location_1``,
``locexpr_describe_location_piece``, ``disassemble_dwarf_expression``,
``loclist_describe_location``; tracepoint.c ``info_scope_command``).

A register, a frame-base offset (through the frame base of the function
holding the block), a constant, pieces, else the expression disassembled
op by op; a location list range by range.  The expressions and lists are the
model's (the reader's ``Die.expr`` / ``Die.ranges``); a typed operation's
type is the reader's type of the DIE it names.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from vmdebug.debuginfo.ctype import CType
from vmdebug.debuginfo.gdbsymtab import GdbBlock, GdbSymbol
from vmdebug.debuginfo.leb128 import sleb128, uleb128
from vmdebug.debuginfo.symbols import LocRange
from vmdebug.debuginfo.typeprint import type_name

if TYPE_CHECKING:
    from vmdebug.debuginfo import DebugInfo
    from vmdebug.debuginfo.symbols import Unit


class DescribeError(Exception):
    """gdb gives up describing a location; the message is gdb's."""


def _uleb(data: bytes, pos: int) -> tuple[int, int]:
    try:
        return uleb128(data, pos)
    except IndexError:
        raise DescribeError("DWARF expression error: ran off end of buffer reading uleb128 value") from None


def _sleb(data: bytes, pos: int) -> tuple[int, int]:
    try:
        return sleb128(data, pos)
    except IndexError:
        raise DescribeError("DWARF expression error: ran off end of buffer reading sleb128 value") from None


_OPS = {
    0x03: "addr", 0x06: "deref", 0x08: "const1u", 0x09: "const1s", 0x0A: "const2u", 0x0B: "const2s",
    0x0C: "const4u", 0x0D: "const4s", 0x0E: "const8u", 0x0F: "const8s", 0x10: "constu", 0x11: "consts",
    0x12: "dup", 0x13: "drop", 0x14: "over", 0x15: "pick", 0x16: "swap", 0x17: "rot", 0x18: "xderef",
    0x19: "abs", 0x1A: "and", 0x1B: "div", 0x1C: "minus", 0x1D: "mod", 0x1E: "mul", 0x1F: "neg", 0x20: "not",
    0x21: "or", 0x22: "plus", 0x23: "plus_uconst", 0x24: "shl", 0x25: "shr", 0x26: "shra", 0x27: "xor",
    0x28: "bra", 0x29: "eq", 0x2A: "ge", 0x2B: "gt", 0x2C: "le", 0x2D: "lt", 0x2E: "ne", 0x2F: "skip",
    0x90: "regx", 0x91: "fbreg", 0x92: "bregx", 0x93: "piece", 0x94: "deref_size", 0x95: "xderef_size",
    0x96: "nop", 0x97: "push_object_address", 0x98: "call2", 0x99: "call4", 0x9A: "call_ref",
    0x9B: "form_tls_address", 0x9C: "call_frame_cfa", 0x9D: "bit_piece", 0x9E: "implicit_value",
    0x9F: "stack_value", 0xA0: "implicit_pointer", 0xA1: "addrx", 0xA2: "constx", 0xA3: "entry_value",
    0xA4: "const_type", 0xA5: "regval_type", 0xA6: "deref_type", 0xA7: "xderef_type", 0xA8: "convert",
    0xA9: "reinterpret", 0xE0: "GNU_push_tls_address", 0xE1: "HP_is_value", 0xE2: "HP_fltconst4",
    0xE3: "HP_fltconst8", 0xE4: "HP_mod_range", 0xE5: "HP_unmod_range", 0xE6: "HP_tls", 0xED: "WASM_location",
    0xF0: "GNU_uninit", 0xF1: "GNU_encoded_addr", 0xF2: "GNU_implicit_pointer", 0xF3: "GNU_entry_value",
    0xF4: "GNU_const_type", 0xF5: "GNU_regval_type", 0xF6: "GNU_deref_type", 0xF7: "GNU_convert",
    0xF8: "PGI_omp_thread_num", 0xF9: "GNU_reinterpret", 0xFA: "GNU_parameter_ref", 0xFB: "GNU_addr_index",
    0xFC: "GNU_const_index", 0xFD: "GNU_variable_value",
}
for _k in range(32):
    _OPS[0x30 + _k] = f"lit{_k}"
    _OPS[0x50 + _k] = f"reg{_k}"
    _OPS[0x70 + _k] = f"breg{_k}"

_PIECE, _BIT_PIECE = 0x93, 0x9D

#: i386 DWARF register numbers (i386_svr4_dwarf_reg_to_regnum) -> gdb's register names.
_REGS = {0: "eax", 1: "ecx", 2: "edx", 3: "ebx", 4: "esp", 5: "ebp", 6: "esi", 7: "edi", 8: "eip", 9: "eflags",
         37: "fctrl", 38: "fstat", 39: "mxcsr", 40: "es", 41: "cs", 42: "ss", 43: "ds", 44: "fs", 45: "gs"}
for _k in range(8):
    _REGS[11 + _k] = f"st{_k}"
    _REGS[21 + _k] = f"xmm{_k}"
    _REGS[29 + _k] = f"mm{_k}"


def _regname(n: int) -> str:
    return _REGS.get(n, "bad_register_number")


class Describer:
    """dwarf2/loc.c: natural-language descriptions of DWARF locations (a symbol's
    expression or location list, as the model keeps them)."""

    def __init__(self, debug: "DebugInfo | None", sym: GdbSymbol) -> None:
        self.debug = debug
        self.sym = sym
        #: The unit holding the symbol's entry: its expressions' sizes and type offsets.
        self.unit = sym.die.unit if sym.die is not None else None
        self.addr_size = self.unit.address_size if self.unit is not None else 4
        self.offset_size = self.unit.offset_size if self.unit is not None else 4

    def error(self, text: str) -> DescribeError:
        return DescribeError(text)

    def piece_end(self, data: bytes, pos: int) -> bool:
        return pos >= len(data) or data[pos] in (_PIECE, _BIT_PIECE)

    def frame_base(self, addr: int) -> bytes:
        """func_get_frame_base_dwarf_block for the function holding ``addr``."""
        fn = self.debug.function_at(addr) if self.debug is not None else None
        if fn is None:
            raise self.error(f'No block found for address for symbol "{self.sym.name}".')
        if fn.frame_base is not None:
            return fn.frame_base
        for r in fn.frame_base_ranges or []:
            if r.low & 0xFFFFFFFF <= addr < r.high & 0xFFFFFFFF and r.expr:
                return r.expr
        raise self.error(f'Could not find the frame base for "{fn.name}".')

    def describe_piece(self, data: bytes, pos: int, addr: int) -> tuple[int, str]:
        """locexpr_describe_location_piece."""
        op = data[pos]
        if 0x50 <= op <= 0x6F:
            return pos + 1, f"a variable in ${_regname(op - 0x50)}"
        if op == 0x90:
            reg, p = _uleb(data, pos + 1)
            return p, f"a variable in ${_regname(reg)}"
        if op == 0x91:
            offset, p = _sleb(data, pos + 1)
            if not self.piece_end(data, p):
                return pos, ""
            base = self.frame_base(addr)
            if base and 0x70 <= base[0] <= 0x8F:
                frame_reg = base[0] - 0x70
                base_offset, q = _sleb(base, 1)
                if q != len(base):
                    raise self.error(f'Unexpected opcode after DW_OP_breg{frame_reg} for symbol "{self.sym.name}".')
            elif base and 0x50 <= base[0] <= 0x6F:
                frame_reg, base_offset = base[0] - 0x50, 0
            else:
                return pos, ""
            return p, f"a variable at frame base reg ${_regname(frame_reg)} offset {base_offset}+{offset}"
        if 0x30 <= op <= 0x4F and pos + 1 < len(data) and data[pos + 1] == 0x9F:
            return pos + 2, f"the constant {op - 0x30}"
        return pos, ""

    def describe(self, data: bytes, addr: int) -> str:
        """locexpr_describe_location_1."""
        out: list[str] = []
        pos, end = 0, len(data)
        first = True
        while pos < end:
            here = pos
            if first:
                first = False
            else:
                out.append(", and ")
            new, text = self.describe_piece(data, pos, addr)
            out.append(text)
            disassemble = not (new != here or data[new] in (_PIECE, _BIT_PIECE))
            pos = new
            if disassemble:
                out.append("a complex DWARF expression:\n")
                pos = self.disassemble(data, pos, end, 0, False, out)
            if pos < end:
                empty = pos == here
                if disassemble:
                    out.append("   ")
                if data[pos] == _PIECE:
                    nbytes, pos = _uleb(data, pos + 1)
                    out.append(f"an empty {nbytes}-byte piece" if empty else f" [{nbytes}-byte piece]")
                elif data[pos] == _BIT_PIECE:
                    bits, pos = _uleb(data, pos + 1)
                    offset, pos = _uleb(data, pos)
                    out.append(f"an empty {bits}-bit piece" if empty
                               else f" [{bits}-bit piece, offset {offset} bits]")
                else:
                    raise self.error(f'Corrupted DWARF2 expression for "{self.sym.name}".')
        return "".join(out)

    def type_label(self, cu_off: int) -> str:
        """A typed operation's type, by its offset in the unit."""
        try:
            t = self.debug.reader.type_at(self.unit.offset + cu_off)
            return f"<{type_name(t)} [0x{cu_off:x}]>"
        except Exception:
            return f"<? [0x{cu_off:x}]>"

    def read_addr_index(self, index: int) -> int:
        try:
            return self.debug.reader.address_index(self.unit, index)
        except Exception:
            return 0

    def disassemble(self, data: bytes, pos: int, end: int, indent: int, all_: bool, out: list[str],
                    start: int | None = None) -> int:
        """disassemble_dwarf_expression; offsets count from where the outermost call starts."""
        if start is None:
            start = pos
        size = self.addr_size
        while pos < end and (all_ or data[pos] not in (_PIECE, _BIT_PIECE)):
            op = data[pos]
            pos += 1
            name = _OPS.get(op)
            if name is None:
                raise self.error(f"Unrecognized DWARF opcode 0x{op:02x} at {pos - 1 - start}")
            out.append(f"  {pos - 1 - start:>{indent + 4}}: DW_OP_{name}")

            def unsigned(n: int, at: int = pos) -> int:
                return int.from_bytes(data[at:at + n], "little")

            def signed(n: int, at: int = pos) -> int:
                return int.from_bytes(data[at:at + n], "little", signed=True)
            if op == 0x03:
                out.append(f" 0x{unsigned(size):x}")
                pos += size
            elif op in (0x08, 0x0A, 0x0C, 0x0E):
                n = {0x08: 1, 0x0A: 2, 0x0C: 4, 0x0E: 8}[op]
                out.append(f" {unsigned(n)}")
                pos += n
            elif op in (0x09, 0x0B, 0x0D, 0x0F):
                n = {0x09: 1, 0x0B: 2, 0x0D: 4, 0x0F: 8}[op]
                out.append(f" {signed(n)}")
                pos += n
            elif op in (0x10, 0x23):
                v, pos = _uleb(data, pos)
                out.append(f" {v}")
            elif op in (0x11, 0x91):
                v, pos = _sleb(data, pos)
                out.append(f" {v}")
            elif 0x50 <= op <= 0x6F:
                out.append(f" [${_regname(op - 0x50)}]")
            elif op == 0x90:
                v, pos = _uleb(data, pos)
                out.append(f" {v} [${_regname(v)}]")
            elif op == 0x9E:
                v, pos = _uleb(data, pos)
                pos += v
                out.append(f" {v}")
            elif 0x70 <= op <= 0x8F:
                v, pos = _sleb(data, pos)
                out.append(f" {v} [${_regname(op - 0x70)}]")
            elif op == 0x92:
                reg, pos = _uleb(data, pos)
                v, pos = _sleb(data, pos)
                out.append(f" register {reg} [${_regname(reg)}] offset {v}")
            elif op in (0x94, 0x95, 0x15):
                out.append(f" {data[pos] if pos < len(data) else 0}")
                pos += 1
            elif op in (0x2F, 0x28):
                v = signed(2)
                pos += 2
                out.append(f" to {pos + v - start}" if op == 0x2F else f" {pos + v - start}")
            elif op in (0x98, 0x99):
                n = 2 if op == 0x98 else 4
                out.append(f" offset {unsigned(n):x}")
                pos += n
            elif op in (0x9A, 0xFD):
                out.append(f" offset {unsigned(self.offset_size):x}")
                pos += self.offset_size
            elif op == 0x93:
                v, pos = _uleb(data, pos)
                out.append(f" {v} (bytes)")
            elif op == 0x9D:
                v, pos = _uleb(data, pos)
                off, pos = _uleb(data, pos)
                out.append(f" size {v} offset {off} (bits)")
            elif op in (0xA0, 0xF2):
                die_off = unsigned(self.offset_size)
                pos += self.offset_size
                v, pos = _sleb(data, pos)
                out.append(f" DIE {die_off:x} offset {v}")
            elif op in (0xA6, 0xF6):
                deref_size = data[pos]
                pos += 1
                t, pos = _uleb(data, pos)
                out.append(f"{self.type_label(t)} {deref_size}")
            elif op in (0xA4, 0xF4):
                t, pos = _uleb(data, pos)
                n = data[pos]
                pos += 1
                out.append(f"{self.type_label(t)} {n} byte block:" + "".join(f" {b:02x}" for b in data[pos:pos + n]))
                pos += n
            elif op in (0xA5, 0xF5):
                reg, pos = _uleb(data, pos)
                t, pos = _uleb(data, pos)
                out.append(f"{self.type_label(t)} [${_regname(reg)}]")
            elif op in (0xA8, 0xF7, 0xA9, 0xF9):
                t, pos = _uleb(data, pos)
                out.append("<0>" if t == 0 else self.type_label(t))
            elif op in (0xA3, 0xF3):
                n, pos = _uleb(data, pos)
                out.append("\n")
                self.disassemble(data[:pos + n], pos, pos + n, indent + 2, all_, out, start)
                pos += n
                continue
            elif op == 0xFA:
                out.append(f" offset {unsigned(4):x}")
                pos += 4
            elif op in (0xA1, 0xFB):
                v, pos = _uleb(data, pos)
                out.append(f" 0x{self.read_addr_index(v):x}")
            elif op == 0xFC:
                v, pos = _uleb(data, pos)
                out.append(f" {self.read_addr_index(v)}")
            out.append("\n")
        return pos

    # ---- location lists ------------------------------------------------------------------------
    def describe_loclist(self, ranges: list[LocRange]) -> str:
        """loclist_describe_location, over the list the reader decoded (its base-address
        entries are printed where they stood, without a line end, as gdb 13 prints them)."""
        out = ["multi-location:\n"]
        for r in ranges:
            for base in r.bases:
                out.append(f"  Base address 0x{base:x}")
            low, high = r.low & 0xFFFFFFFF, r.high & 0xFFFFFFFF
            out.append(f"  Range 0x{low:x}-0x{high:x}: ")
            out.append(self.describe(r.expr, low))
            out.append("\n")
        return "".join(out)


def type_length(debug: "DebugInfo | None", t: CType | None, unit: "Unit | None") -> int:
    """TYPE_LENGTH (check_typedef (type)): an opaque struct resolved by its tag."""
    if t is None:
        return 1
    s = t.strip()
    if s.kind in ("struct", "union", "enum") and s.stub and s.name and debug is not None:
        full = debug.lookup_tag(s.kind, s.name, unit)
        if full is not None:
            return full.length
    return t.length


def describe_symbol(debug: "DebugInfo | None", sym: GdbSymbol, block: GdbBlock,
                    msymbol_address: Callable[[str], int | None]) -> str:
    """The text after "Symbol NAME is " (with its newline), as tracepoint.c
    info_scope_command words it; ``msymbol_address`` finds an ELF symbol (for an extern
    declaration gdb resolves by name).  Raises DescribeError as gdb errors."""
    d = Describer(debug, sym)
    a = sym.aclass
    if a == "typedef":
        return "a typedef.\n"
    if a == "optimized_out":
        return "optimized out.\n"
    if a == "computed":
        text = d.describe(sym.value, block.entry_pc)
    elif a == "loclist":
        text = d.describe_loclist(sym.value)
    elif a == "const":
        v = int(sym.value)
        text = f"a constant with value {v} (0x{v & ((1 << 64) - 1):x})"
    elif a == "const_bytes":
        n = type_length(debug, sym.type, sym.unit)
        text = "constant bytes: " + "".join(f" {b:02x}" for b in bytes(sym.value)[:n])
    elif a == "static":
        text = f"in static storage at address 0x{int(sym.value):x}"
    elif a == "label":
        text = f"a label at address 0x{int(sym.value):x}"
    elif a == "block":
        text = f"a function at address 0x{sym.value.entry_pc:x}"
    elif a == "unresolved":
        addr = msymbol_address(sym.name)
        text = "Unresolved Static" if addr is None else f"static storage at address 0x{addr:x}"
    else:
        text = f"a bogus symbol, class {a}.\n"
        return text
    # A symbol always has a type (die_type gives void for none): its length follows.
    return text + f", length {type_length(debug, sym.type, sym.unit)}.\n"


