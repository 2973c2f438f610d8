"""Print decoded instructions exactly as ``objdump -d -M intel`` (binutils 2.40) does.

This is the Intel printer; ``vmdebug.isa.disasm_att`` is the AT&T one (plain
``objdump -d``, gdb's default flavor) over the same decoded instructions, and
``format_objdump_line`` takes either by its ``flavor``.

The operand spelling rules mirror ``OP_E_memory``, ``print_displacement`` and
``OP_J`` in binutils ``opcodes/i386-dis.c``; the line layout mirrors
``disassemble_bytes`` in ``binutils/objdump.c`` (7 bytes per line, then
continuation lines holding the remaining bytes).
"""
from __future__ import annotations

from typing import Callable

from vmdebug.isa.decoder import Instruction
from vmdebug.isa.operands import Imm, Mem, Reg, Rel
from vmdebug.isa.table import SSE_PREDICATES

__all__ = ["format_instruction", "format_objdump_line", "format_operand", "formatter", "layout", "mnemonic_text",
           "operand_order", "prefix_words"]

SymbolFor = Callable[[int], "str | None"]
_PTR = {8: "BYTE PTR ", 16: "WORD PTR ", 32: "DWORD PTR ", 64: "QWORD PTR ", 80: "TBYTE PTR ",
        128: "XMMWORD PTR "}
BYTES_PER_LINE = 7  # objdump's default for x86 (insn_info.bytes_per_line)


def _mem(m: Mem, kind: str, disp_bytes: int, eiz: int) -> str:
    if kind.startswith("moffs"):
        # moffs forms print no size and always a segment (i386-dis.c OP_OFF).
        return f"{m.seg or 'ds'}:{m.disp & 0xFFFFFFFF:#x}"
    # "m" operands print no size (lea), except cmpxchg8b's m64 (the decoder sizes it).
    size = "" if (kind == "m" and m.size != 64) or m.size is None else _PTR[m.size]
    if m.base is None and m.index is None and not eiz:
        # [disp32] prints as seg:addr without brackets.
        return f"{size}{m.seg or 'ds'}:{m.disp & 0xFFFFFFFF:#x}"
    out = size + (f"{m.seg}:" if m.seg else "") + "["
    if m.base is not None:
        out += m.base
    if m.index is not None:
        out += ("+" if m.base is not None else "") + f"{m.index}*{m.scale}"
    elif eiz:
        out += ("+" if m.base is not None else "") + f"eiz*{eiz}"
    if m.disp or disp_bytes:
        d = m.disp
        out += f"+{d:#x}" if d >= 0 else f"-{-d:#x}"
    return out + "]"


def format_operand(insn: Instruction, i: int, symbol_for: SymbolFor | None = None) -> str:
    """Text of operand ``i`` of ``insn`` in objdump's Intel syntax."""
    op = insn.operands[i]
    kind = insn.entry.operands[i]
    if isinstance(op, Reg):
        return op.name
    if isinstance(op, Mem):
        return _mem(op, kind, insn.disp_bytes, insn.eiz)
    if isinstance(op, Imm):
        return "1" if kind == "1" else f"{op.value:#x}"
    if isinstance(op, Rel):
        name = symbol_for(op.target) if symbol_for is not None else None
        return f"{op.target:x} <{name}>" if name else f"{op.target:#x}"
    raise TypeError(f"unknown operand {op!r}")


_PREDICATED = ("cmpps", "cmppd", "cmpss", "cmpsd")


def sse_predicate(insn: Instruction) -> int | None:
    """cmpsd xmm0,xmm1,1 prints as cmpltsd xmm0,xmm1 (i386-dis.c CMP_Fixup): the predicate, or None."""
    if insn.mnemonic in _PREDICATED and insn.operands[2].value < len(SSE_PREDICATES):  # type: ignore[union-attr]
        return insn.operands[2].value  # type: ignore[union-attr]
    return None


def mnemonic_text(insn: Instruction) -> str:
    """The mnemonic objdump prints (without prefixes)."""
    pred = sse_predicate(insn)
    return insn.mnemonic if pred is None else "cmp" + SSE_PREDICATES[pred] + insn.mnemonic[3:]


def operand_order(insn: Instruction) -> list[int]:
    """Indices of ``insn.operands`` in the order printed: all of them, in Intel order,
    less a predicate that went into the mnemonic."""
    return list(range(2 if sse_predicate(insn) is not None else len(insn.operands)))


def prefix_words(insn: Instruction) -> tuple[str, ...]:
    """The prefix words printed before the mnemonic: in Intel syntax all of ``insn.prefixes``
    (a branch hint too: ``ds je``, as i386-dis.c prints an unused segment prefix)."""
    return insn.prefixes


def layout(prefixes: tuple[str, ...], mnemonic: str, ops: list[str]) -> str:
    """objdump's columns, either flavor: prefixes and mnemonic padded to 6, then the operands."""
    head = " ".join((*prefixes, mnemonic))
    if not ops:
        return head
    return f"{head:<6} {','.join(ops)}"


def format_instruction(insn: Instruction, symbol_for: SymbolFor | None = None) -> str:
    """The instruction text objdump prints, e.g. ``mov    DWORD PTR [ebp-0x4],0x0``."""
    return layout(prefix_words(insn), mnemonic_text(insn),
                  [format_operand(insn, i, symbol_for) for i in operand_order(insn)])


def formatter(flavor: str) -> Callable[[Instruction, "SymbolFor | None"], str]:
    """The ``format_instruction`` of a flavor: ``intel`` (objdump -M intel) or ``att`` (objdump)."""
    if flavor == "intel":
        return format_instruction
    if flavor == "att":
        from vmdebug.isa import disasm_att
        return disasm_att.format_instruction
    raise ValueError(f"unknown disassembly flavor {flavor!r}")


def format_objdump_line(insn: Instruction, symbol_for: SymbolFor | None = None, *, addr_width: int = 8,
                        flavor: str = "intel") -> str:
    """A full objdump line: ``%8x:<TAB>bytes<TAB>text``, with continuation lines for long instructions.

    objdump right-aligns addresses to the width the section's last address
    needs (8 for linked programs at 0x8048000+; the ``addr_width`` keyword
    covers small relocatable objects).  ``flavor`` picks the syntax
    (``intel`` is ``-M intel``, ``att`` objdump's default).
    """
    raw = insn.raw
    first = "".join(f"{b:02x} " for b in raw[:BYTES_PER_LINE])
    text = formatter(flavor)(insn, symbol_for)
    lines = [f"{insn.address:{addr_width}x}:\t{first:<{BYTES_PER_LINE * 3}}\t{text}"]
    for off in range(BYTES_PER_LINE, len(raw), BYTES_PER_LINE):
        chunk = "".join(f"{b:02x} " for b in raw[off:off + BYTES_PER_LINE])
        lines.append(f"{insn.address + off:{addr_width}x}:\t{chunk}")
    return "\n".join(lines)
