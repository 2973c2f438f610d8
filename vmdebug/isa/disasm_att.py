"""Print decoded instructions in AT&T syntax, exactly as plain ``objdump -d`` (binutils 2.40) does.

gdb's default ``disassembly-flavor`` is ``att``, and gdb prints through the same
libopcodes printer as objdump, so this is what ``x/i`` shows in gdb unless the
user says ``set disassembly-flavor intel``.  It is a second printer over the
same decoded ``Instruction`` (``vmdebug.isa.disasm`` is the Intel one): the
instruction table stays the one source of truth, and the AT&T spelling is
derived from an entry's mnemonic and operand kinds.

The rules, with where binutils ``opcodes/i386-dis.c`` has them:

* Operands come in reverse (source first) order; ``print_insn`` keeps the
  Intel order only for ``enter`` (``two_source_ops``).
* Registers have ``%``, immediates ``$`` (``OP_I``, ``OP_sI``); the implicit
  count of the ``D0``-``D3`` shifts prints nothing (``OP_I`` ``const_1_mode``
  is Intel-only), so ``shl %eax`` is a shift by one.
* Memory is ``seg:disp(base,index,scale)`` (``OP_E_memory``): the
  displacement is signed when there is a base or an index, an absolute
  address is bare (no ``ds:``, unlike Intel), a present-but-zero displacement
  still prints (``0x0(%ebp)``), and the SIB "no index" is ``%eiz``.
* The size suffix (``b``/``w``/``l``) appears where the templates use the
  ``A``/``Q`` macros ("for memory operand"): on instructions whose operands
  are a memory operand plus nothing but immediates, the shift count ``%cl``
  or an implied one, i.e. where no register tells the size.  Templates that
  use ``B``/``S`` ("only if suffix_always", which objdump leaves off) print no
  suffix: two-operand forms with a register, ``push``/``pop`` of a 32-bit
  operand (``stackEv``; the 16-bit one says ``w``), ``call``/``jmp``,
  ``setcc``, the SSE forms and the sizeless ``m`` operands.
* ``movzx``/``movsx`` are ``movz``/``movs`` plus source and destination
  suffixes (``movzbl``; templates ``movz{bR|x}``, ``movz{wR|x}``);
  ``cbw cwde cwd cdq`` are ``cbtw cwtl cwtd cltd`` (``cW{t|}R``, ``cR{t|}O``).
* String instructions take their size as a suffix (``movsb``, ``cmpsl``)
  when both operands are memory (``movs{b|}``, ``cmps{b|}``), else the
  register says it (``stos %al,%es:(%edi)``).
* Indirect ``call``/``jmp`` operands have ``*`` (``OP_indirE``).
* x87 memory forms name the memory format (``flds fldl fldt``, ``filds
  fildl fildll``; the ``float_mem`` table), and the register forms of
  ``fsub``/``fsubr``/``fdiv``/``fdivr`` with ``st(i)`` as the destination
  swap names, as the AT&T "UnixWare" assemblers do (``float_reg``'s
  ``fsub{!M|r}``: ``M`` prints ``r`` unless ``-M intel-mnemonic``).
"""
from __future__ import annotations

from typing import Callable

from vmdebug.isa.decoder import Instruction
from vmdebug.isa.disasm import layout, sse_predicate
from vmdebug.isa.operands import Imm, Mem, Reg, Rel
from vmdebug.isa.table import SSE_PREDICATES

__all__ = ["format_instruction", "format_operand", "mnemonic_text", "operand_order", "prefix_words"]

SymbolFor = Callable[[int], "str | None"]

_SUFFIX = {8: "b", 16: "w", 32: "l"}
#: x87 memory formats (i386-dis.c float_mem): the real loads and stores, and the integer ones.
_FLOAT_SUFFIX = {32: "s", 64: "l", 80: "t"}
_INT_SUFFIX = {16: "s", 32: "l", 64: "ll"}
_X87_INT = ("fild", "fist", "fistp", "fisttp")
_X87_REAL = ("fld", "fst", "fstp", "fadd", "fmul", "fsub", "fsubr", "fdiv", "fdivr")
#: fsub st(i),st is fsubr %st,%st(i) in AT&T (i386-dis.c float_reg, the 'M' macro).
_X87_SWAP = {"fsub": "fsubr", "fsubr": "fsub", "fdiv": "fdivr", "fdivr": "fdiv",
             "fsubp": "fsubrp", "fsubrp": "fsubp", "fdivp": "fdivrp", "fdivrp": "fdivp"}
_STRINGS = ("movs", "cmps", "stos", "lods", "scas")
#: cbw cwde cwd cdq in AT&T (i386-dis.c "cW{t|}R" and "cR{t|}O").
_CONVERSIONS = {"cbw": "cbtw", "cwde": "cwtl", "cwd": "cwtd", "cdq": "cltd"}
#: Mnemonics whose templates never take a size suffix from a memory operand.
_NO_SUFFIX = frozenset(("call", "jmp", "lea", "cmpxchg8b", "fxsave", "fxrstor", "ldmxcsr", "stmxcsr",
                        "fldcw", "fnstcw", "fnstsw", "xlat"))
#: Operand kinds that are a register naming the operand size (so no suffix is needed).
_REG_KINDS = ("r8", "r16", "r32", "o8", "o16", "o32", "al", "ax", "eax", "dx", "sreg")
#: Branch hints (SDM Vol. 2A 2.1.1 group 2: 2E not taken, 3E taken), which AT&T syntax writes
#: after the mnemonic (i386-dis.c's 'H' macro: ",pn" / ",pt").
_HINTS = {"cs": ",pn", "ds": ",pt"}


def _mem(m: Mem, disp_bytes: int, eiz: int) -> str:
    """``seg:disp(base,index,scale)`` (i386-dis.c OP_E_memory, print_displacement)."""
    seg = f"%{m.seg}:" if m.seg else ""
    if m.base is None and m.index is None and not eiz:
        return f"{seg}{m.disp & 0xFFFFFFFF:#x}"      # an absolute address: no ds: in AT&T
    disp = ""
    if m.disp or disp_bytes:
        disp = f"{m.disp:#x}" if m.disp >= 0 else f"-{-m.disp:#x}"
    inside = f"%{m.base}" if m.base is not None else ""
    if m.index is not None:
        inside += f",%{m.index},{m.scale}"
    elif eiz:
        inside += f",%eiz,{eiz}"
    return f"{seg}{disp}({inside})"


def format_operand(insn: Instruction, i: int, symbol_for: SymbolFor | None = None) -> str:
    """Text of operand ``i`` (Intel numbering) of ``insn`` in objdump's AT&T syntax."""
    op = insn.operands[i]
    kind = insn.entry.operands[i]
    if isinstance(op, Reg):
        text = f"%{op.name}"
    elif isinstance(op, Mem):
        if kind.startswith("moffs"):
            # OP_OFF: the segment only when a prefix names one.
            return f"%{op.seg}:{op.disp & 0xFFFFFFFF:#x}" if op.seg else f"{op.disp & 0xFFFFFFFF:#x}"
        text = _mem(op, insn.disp_bytes, insn.eiz)
    elif isinstance(op, Imm):
        return "" if kind == "1" else f"${op.value:#x}"
    elif isinstance(op, Rel):
        name = symbol_for(op.target) if symbol_for is not None else None
        return f"{op.target:x} <{name}>" if name else f"{op.target:#x}"
    else:
        raise TypeError(f"unknown operand {op!r}")
    if insn.mnemonic in ("call", "jmp"):
        text = "*" + text                           # OP_indirE
    return text


def _memory_size(insn: Instruction) -> int | None:
    for op, kind in zip(insn.operands, insn.entry.operands):
        if isinstance(op, Mem) and not kind.startswith("moffs"):
            return op.size
    return None


def _hint(insn: Instruction) -> str | None:
    """The segment prefix word that is a branch hint on this instruction, if any."""
    if insn.entry.hint:
        return next((p for p in insn.prefixes if p in _HINTS), None)
    return None


def prefix_words(insn: Instruction) -> tuple[str, ...]:
    """The prefix words printed before the mnemonic: all of ``insn.prefixes`` but a branch
    hint, which goes after the mnemonic."""
    hint = _hint(insn)
    return tuple(p for p in insn.prefixes if p != hint)


def mnemonic_text(insn: Instruction) -> str:
    """The mnemonic objdump prints in AT&T syntax, with its size suffix (or branch hint),
    without prefixes."""
    hint = _hint(insn)
    if hint is not None:
        return insn.mnemonic + _HINTS[hint]
    name = insn.mnemonic
    kinds = insn.entry.operands
    pred = sse_predicate(insn)
    if pred is not None:
        return "cmp" + SSE_PREDICATES[pred] + name[3:]
    if name in _CONVERSIONS:
        return _CONVERSIONS[name]
    if name in ("movzx", "movsx"):
        src = insn.operands[1]
        src_size = src.size if isinstance(src, (Reg, Mem)) else None
        return name[:4] + _SUFFIX[src_size or 8] + _SUFFIX[insn.operands[0].size]  # type: ignore[union-attr]
    if name in _STRINGS:
        if all(isinstance(op, Mem) for op in insn.operands):
            return name + _SUFFIX[insn.entry.opsize or 8]
        return name
    size = _memory_size(insn)
    if name in _X87_SWAP and kinds == ("sti", "st"):
        return _X87_SWAP[name]
    if size is None:
        return name
    if name.startswith("f"):
        if name in _X87_INT:
            return name + _INT_SUFFIX[size]
        if name in _X87_REAL:
            return name + _FLOAT_SUFFIX[size]
        return name
    if name in _NO_SUFFIX or name.startswith("set") or any(k in _REG_KINDS or k[0] == "x" for k in kinds):
        return name
    if name in ("push", "pop") and size == 32:
        return name                                 # stackEv: the 32-bit default needs no suffix
    return name + _SUFFIX.get(size, "")


def operand_order(insn: Instruction) -> list[int]:
    """Indices of ``insn.operands`` in the order AT&T prints them (print_insn: reversed, but
    ``enter`` keeps the Intel order), without the implied shift count."""
    # A cmpss-family predicate went into the mnemonic (CMP_Fixup), as in Intel.
    order = list(range(2 if sse_predicate(insn) is not None else len(insn.operands)))
    if insn.mnemonic != "enter":
        order.reverse()
    return [i for i in order if insn.entry.operands[i] != "1"]


def format_instruction(insn: Instruction, symbol_for: SymbolFor | None = None) -> str:
    """The instruction text objdump prints, e.g. ``movl   $0x0,-0x4(%ebp)``."""
    return layout(prefix_words(insn), mnemonic_text(insn),
                  [format_operand(insn, i, symbol_for) for i in operand_order(insn)])
