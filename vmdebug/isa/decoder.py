"""Decode IA-32 machine code into ``Instruction`` values, driven by the one table.

Dispatch is by opcode byte through lookup lists built once from
``table.ENTRIES`` (one list per operand-size state, one for the 0x0F map), so
decoding an instruction is a handful of list/dict look-ups.

The decoder is deliberately strict about prefixes: it accepts the prefix
combinations that have a meaning for the instruction (LOCK on a lockable
memory destination, REP on string instructions, 0x66 on instructions with a
16-bit form) and rejects the rest with ``DecodeError``.  objdump prints such
oddities as ``data16``/``(bad)`` annotations; a program gcc compiled never
contains them.  A segment override is the exception: on an instruction
without a memory operand the CPU ignores it (SDM Vol. 2A 2.1.1, group 2; on
a conditional branch 2E/3E are the branch hints), and objdump names it before
the mnemonic (``es nop``, ``ds je``), so it is accepted and kept as that word
in ``Instruction.prefixes``.
"""
from __future__ import annotations

from events.record import Frozen
from vmdebug.isa.operands import REG8, REG16, REG32, SEGMENT_REGS, ST, XMM, Imm, Mem, Operand, Reg, Rel
from vmdebug.isa.table import ENTRIES, FP_MEM_SIZE, SEGMENT_KINDS, Entry

__all__ = ["DecodeError", "TruncatedInstruction", "Instruction", "decode"]

MAX_LENGTH = 15  # SDM Vol. 2A 2.3.11: an instruction is at most 15 bytes


class DecodeError(Exception):
    """The bytes are not an instruction this machine knows ("invalid instruction")."""


class TruncatedInstruction(DecodeError):
    """The bytes end before the instruction does (e.g. a fetch crossing into an unmapped page)."""


class Instruction(Frozen):
    """One decoded instruction.

    ``operands`` use the shared operand types; a branch target is a ``Rel``
    holding the absolute target address.  ``prefixes`` are objdump's words
    for the LOCK/REP prefixes present ("lock", "rep", "repz", "repnz"), in the
    order of their bytes; a segment override lives in the ``Mem`` operand, or,
    on an instruction without one, is the segment's name among the prefixes
    ("es", "ds"; i386-dis.c prints an unused prefix so); 0x66 is in
    ``entry.opsize``.  ``disp_bytes`` is the size of the ModRM displacement
    (0, 1 or 4), which objdump shows even when it is zero (``[ebp+0x0]``).
    ``eiz`` is the scale (1, 2, 4, 8) of an SIB byte whose index field says
    "no index" where objdump prints the pseudo-register ``eiz``
    (``lea esi,[esi+eiz*1+0x0]``), else 0; the ``Mem`` itself then has
    ``index=None, scale=1``, which is what it means to the CPU.
    """

    __slots__ = ("address", "length", "mnemonic", "operands", "prefixes", "entry", "raw", "disp_bytes", "eiz")

    def __init__(self, address: int, length: int, mnemonic: str, operands: tuple[Operand, ...],
                 prefixes: tuple[str, ...], entry: Entry, raw: bytes, disp_bytes: int = 0,
                 eiz: int = 0) -> None:
        object.__setattr__(self, "address", address)
        object.__setattr__(self, "length", length)
        object.__setattr__(self, "mnemonic", mnemonic)
        object.__setattr__(self, "operands", operands)
        object.__setattr__(self, "prefixes", prefixes)
        object.__setattr__(self, "entry", entry)
        object.__setattr__(self, "raw", raw)
        object.__setattr__(self, "disp_bytes", disp_bytes)
        object.__setattr__(self, "eiz", eiz)


_SEGS = {0x26: "es", 0x2E: "cs", 0x36: "ss", 0x3E: "ds", 0x64: "fs", 0x65: "gs"}
_REGS = {8: tuple(Reg.named(r) for r in REG8), 16: tuple(Reg.named(r) for r in REG16),
         32: tuple(Reg.named(r) for r in REG32), 128: tuple(Reg.named(r) for r in XMM),
         80: tuple(Reg.named(r) for r in ST)}
_SREGS = tuple(SEGMENT_REGS.values())    # by Sreg code
_ST0 = Reg.named("st")     # objdump's name for the stack top as an implied operand
_X87_ESCAPES = range(0xD8, 0xE0)
_R32 = REG32

# Node kinds in the dispatch lists: an Entry (no ModRM, /r, or +r), or a tuple of 8
# entries indexed by the ModRM reg field (/digit groups).
Node = Entry | tuple[Entry | None, ...]


Table = list[list[Node | None]]


def _build() -> tuple[Table, Table, dict[tuple[int, int], Table], dict[tuple[int, int], Entry]]:
    one: Table = [[None] * 256, [None] * 256]   # [osz16][byte]
    two: Table = [[None] * 256, [None] * 256]   # 0F map
    mand: dict[tuple[int, int], Table] = {}     # (66/F2/F3, map length) -> table
    x87: dict[tuple[int, int], Entry] = {}      # (escape byte D8-DF, ModRM byte C0-FF) -> register form
    for e in ENTRIES:
        first = e.opcode[-1]
        codes = range(first, first + 8) if e.plusreg else (first,)
        if len(e.opcode) == 2 and e.opcode[0] in _X87_ESCAPES:
            # An x87 register form: the "ModRM" byte with mod = 3 is part of the opcode
            # (SDM Vol. 2A A.4.2, Tables ).
            for byte in codes:
                x87[e.opcode[0], byte] = e
            continue
        osz = 1 if e.opsize == 16 else 0
        table = two if len(e.opcode) == 2 else one
        if e.mandatory is not None:
            table = mand.setdefault((e.mandatory, len(e.opcode)), [[None] * 256, [None] * 256])
        for byte in codes:
            slot = table[osz][byte]
            if e.ext is not None:
                group = list(slot) if isinstance(slot, tuple) else [None] * 8
                for ext in (e.ext, *e.alt_ext):
                    if group[ext] is None:
                        group[ext] = e
                table[osz][byte] = tuple(group)
            elif slot is None or (isinstance(slot, Entry) and slot.plusreg and not e.plusreg):
                # A plain entry beats a +r one (0x90 is nop, not xchg eax,eax).
                table[osz][byte] = e
    return one, two, mand, x87


_ONE, _TWO, _MANDATORY, _X87 = _build()
_SIZE_OF = {"rm8": 8, "rm16": 16, "rm32": 32, "r8": 8, "r16": 16, "r32": 32, "o8": 8, "o16": 16,
            "o32": 32, "moffs8": 8, "moffs16": 16, "moffs32": 32, "X8": 8, "X16": 16, "X32": 32,
            "Y8": 8, "Y16": 16, "Y32": 32}


def decode(code: bytes | memoryview, address: int) -> Instruction:
    """Decode the instruction at the start of ``code``, which sits at ``address``.

    Raises ``TruncatedInstruction`` if ``code`` ends too early and
    ``DecodeError`` for anything that is not a supported instruction; never
    anything else.
    """
    n = len(code)
    pos = 0
    seg: str | None = None
    osz = 0
    lock = False
    rep = 0
    where: dict[str, int] = {}    # "seg" / "lock" / "rep" -> byte position, for objdump's word order
    # Legacy prefixes, at most one of each group (SDM Vol. 2A 2.1.1).
    while True:
        if pos >= n:
            raise TruncatedInstruction(f"truncated instruction: {bytes(code[:pos]).hex(' ')}")
        b = code[pos]
        if b in _SEGS:
            if seg is not None:
                break
            seg = _SEGS[b]
            where["seg"] = pos
        elif b == 0x66:
            if osz:
                break
            osz = 1
        elif b == 0xF0:
            if lock:
                break
            lock = True
            where["lock"] = pos
        elif b == 0xF2 or b == 0xF3:
            if rep:
                break
            rep = b
            where["rep"] = pos
        else:
            break
        pos += 1
    if pos >= n:
        raise TruncatedInstruction(f"truncated instruction: {bytes(code[:pos]).hex(' ')}")
    op = code[pos]
    pos += 1
    if op == 0x0F:
        if pos >= n:
            raise TruncatedInstruction(f"truncated instruction: {bytes(code[:pos]).hex(' ')}")
        op = code[pos]
        pos += 1
        node = _TWO[osz][op]
        if rep and (rep, 2) in _MANDATORY and _MANDATORY[rep, 2][osz][op] is not None:
            node = _MANDATORY[rep, 2][osz][op]
            rep = 0
        elif osz and _MANDATORY[0x66, 2][0][op] is not None:
            # 66 selects the packed-double / SSE2 integer form (SDM Vol. 2A 2.1.2), not 16 bits.
            node = _MANDATORY[0x66, 2][0][op]
            osz = 0
    elif op in _X87_ESCAPES and pos >= n:
        raise TruncatedInstruction(f"truncated instruction: {bytes(code[:pos]).hex(' ')}")
    elif op in _X87_ESCAPES and code[pos] >= 0xC0:
        x87 = _X87.get((op, code[pos]))
        if x87 is None or osz or rep or lock:
            raise DecodeError(f"invalid instruction: {bytes(code[:pos + 1]).hex(' ')}")
        return _operands(code, address, pos + 1, x87, code[pos], -1, seg, False, 0, where)
    else:
        node = _ONE[osz][op]
        if rep and (rep, 1) in _MANDATORY and _MANDATORY[rep, 1][osz][op] is not None:
            node = _MANDATORY[rep, 1][osz][op]
            rep = 0
        elif rep and (rep, 1) in _MANDATORY and _MANDATORY[rep, 1][1 - osz][op] is not None:
            # F3 66 90 is pause with an unused 0x66 (objdump "data16 pause"), not an
            # ignored F3 on xchg ax,ax: refused, as 0x66 where it means nothing is.
            raise DecodeError(f"invalid instruction: {bytes(code[:pos]).hex(' ')}")
    if node is None:
        raise DecodeError(f"invalid instruction: {bytes(code[:min(n, pos)]).hex(' ')}")
    modrm = -1
    if isinstance(node, tuple):
        if pos >= n:
            raise TruncatedInstruction(f"truncated instruction: {bytes(code[:pos]).hex(' ')}")
        modrm = code[pos]
        entry = node[(modrm >> 3) & 7]
        if entry is None:
            raise DecodeError(f"invalid instruction: {bytes(code[:pos + 1]).hex(' ')}")
    else:
        entry = node
        if entry.modrm:
            if pos >= n:
                raise TruncatedInstruction(f"truncated instruction: {bytes(code[:pos]).hex(' ')}")
            modrm = code[pos]
    try:
        return _operands(code, address, pos, entry, op, modrm, seg, lock, rep, where)
    except IndexError:
        raise TruncatedInstruction(f"truncated instruction: {bytes(code[:MAX_LENGTH]).hex(' ')}") from None


def _operands(code: bytes | memoryview, address: int, pos: int, entry: Entry, op: int, modrm: int,
              seg: str | None, lock: bool, rep: int, where: dict[str, int]) -> Instruction:
    mem: Mem | None = None
    rm_reg: int = -1
    disp_bytes = 0
    eiz = 0
    if modrm >= 0:
        pos += 1
        mod = modrm >> 6
        rm = modrm & 7
        if mod == 3:
            rm_reg = rm
        else:
            mem, pos, disp_bytes, eiz = _memory(code, pos, mod, rm, seg)
    ops: list[Operand] = []
    size = entry.opsize or 32
    for kind in entry.operands:
        k0 = kind[0]
        if kind in FP_MEM_SIZE or kind == "xr":
            if mem is not None and kind != "xr":
                ops.append(Mem(FP_MEM_SIZE[kind], mem.base, mem.index, mem.scale, mem.disp, mem.seg, mem.symbolic))
            elif mem is None and kind[0] == "x":
                ops.append(_REGS[128][rm_reg])
            else:       # a register where only memory fits, or memory where only a register does
                raise DecodeError(f"invalid instruction: {bytes(code[:pos]).hex(' ')}")
        elif kind == "x":
            ops.append(_REGS[128][(modrm >> 3) & 7])
        elif kind == "sti":
            ops.append(_REGS[80][op & 7])
        elif kind == "sreg":
            sreg = (modrm >> 3) & 7
            # Sreg 6 and 7 are reserved, and MOV cannot load CS: #UD (SDM MOV "Protected Mode
            # Exceptions"); objdump prints them as "?" and "cs".
            if sreg > 5 or (sreg == 1 and not ops):
                raise DecodeError(f"invalid instruction: {code[:pos].hex(' ')}")
            ops.append(_SREGS[sreg])
        elif kind == "rmsw":
            ops.append(_REGS[32][rm_reg] if mem is None else
                       Mem(16, mem.base, mem.index, mem.scale, mem.disp, mem.seg, mem.symbolic))
        elif kind in SEGMENT_KINDS:
            ops.append(SEGMENT_REGS[kind])
        elif kind == "st":
            ops.append(_ST0)
        elif kind.startswith("rm"):
            if mem is not None:
                ops.append(Mem(_SIZE_OF[kind], mem.base, mem.index, mem.scale, mem.disp, mem.seg, mem.symbolic))
            else:
                ops.append(_REGS[_SIZE_OF[kind]][rm_reg])
        elif kind == "m":
            if mem is None:
                raise DecodeError(f"invalid instruction: {bytes(code[:pos]).hex(' ')}")
            if entry.mnemonic == "cmpxchg8b":  # the one m64 operand: it has a size
                mem = Mem(64, mem.base, mem.index, mem.scale, mem.disp, mem.seg, mem.symbolic)
            elif entry.mnemonic in ("fxsave", "fxrstor"):  # the 512-byte FXSAVE area
                mem = Mem(4096, mem.base, mem.index, mem.scale, mem.disp, mem.seg, mem.symbolic)
            ops.append(mem)
        elif k0 == "r" and kind[1] != "e":
            ops.append(_REGS[_SIZE_OF[kind]][(modrm >> 3) & 7])
        elif k0 == "o":
            ops.append(_REGS[_SIZE_OF[kind]][op & 7])
        elif k0 == "i" or k0 == "u":
            width = 1 if kind[1] == "8" else 2 if kind[1:] == "16" else 4
            if pos + width > len(code):
                raise IndexError
            v = int.from_bytes(code[pos:pos + width], "little")
            pos += width
            # A full-width immediate that would fit a sign-extended imm8 is what as emits
            # for a symbol; mark it so re-encoding keeps the long form.
            sv = v - (1 << (8 * width)) if v >> (8 * width - 1) else v
            ops.append(Imm(v, width * 8, width > 1 and -128 <= sv <= 127))
        elif kind == "s8":
            v = code[pos]
            pos += 1
            if v & 0x80:
                v = v - 0x100 + (1 << size)
            ops.append(Imm(v, size))
        elif kind == "1":
            ops.append(Imm(1, 8))
        elif kind.startswith("rel"):
            width = 1 if kind == "rel8" else 4
            if pos + width > len(code):
                raise IndexError
            disp = int.from_bytes(code[pos:pos + width], "little", signed=True)
            pos += width
            ops.append(Rel((address + pos + disp) & 0xFFFFFFFF))
        elif kind.startswith("moffs"):
            if pos + 4 > len(code):
                raise IndexError
            ops.append(Mem(_SIZE_OF[kind], disp=int.from_bytes(code[pos:pos + 4], "little"), seg=seg))
            pos += 4
        elif k0 == "X":
            ops.append(Mem(_SIZE_OF[kind], base="esi", seg=seg or "ds"))
        elif k0 == "Y":
            ops.append(Mem(_SIZE_OF[kind], base="edi", seg="es"))
        elif k0 == "Z":
            ops.append(Mem(8, base="ebx", seg=seg or "ds"))
        else:  # fixed register: al ax eax cl dx
            ops.append(Reg.named(kind))
    if pos > MAX_LENGTH:
        raise DecodeError(f"invalid instruction (longer than 15 bytes): {bytes(code[:pos]).hex(' ')}")
    words: list[tuple[int, str]] = []     # (byte position, objdump's word): printed in byte order
    if seg == "ds" and entry.mnemonic in ("call", "jmp") and modrm >= 0:
        # 0x3E on an indirect branch is the CET "notrack" prefix (objdump prints it so).
        words.append((where["seg"], "notrack"))
        if mem is not None:
            ops[0] = Mem(32, mem.base, mem.index, mem.scale, mem.disp, None, mem.symbolic)
        seg = None
    if seg is not None and mem is None and not any(k.startswith("moffs") or k[0] in "XZ" for k in entry.operands):
        # No memory operand uses the override: the CPU ignores it (SDM Vol. 2A 2.1.1, group 2;
        # 2E/3E on a jcc are branch hints, which current CPUs ignore too) and objdump prints it
        # as a word before the mnemonic (i386-dis.c: prefixes not "used" are named).
        words.append((where["seg"], seg))
    if lock:
        if not entry.lock or mem is None or not entry.operands[0].startswith(("rm", "m")):
            raise DecodeError(f"invalid instruction (bad lock prefix): {bytes(code[:pos]).hex(' ')}")
        words.append((where["lock"], "lock"))
    if rep:
        if entry.rep is not None and not (rep == 0xF2 and entry.rep == "ret"):
            # F2 on movs/stos/lods repeats like F3 on real CPUs; objdump calls it repnz.
            word = "repnz" if rep == 0xF2 else "rep" if entry.rep == "rep" else "repz"
        elif rep == 0xF2 and entry.bnd:
            word = "bnd"        # MPX's BND prefix on a near branch, ignored (Entry.bnd)
        elif len(entry.opcode) == 1 and entry.mandatory is None and not lock and not (entry.hle and mem is not None):
            # F2/F3 on any other one-byte-map instruction: the CPU ignores them (SDM Vol. 2A
            # 2.1.1: "use ... with other instructions is reserved", and no CPU gives them a
            # meaning there), objdump names them.  In the 0F map they select other instructions.
            word = "repnz" if rep == 0xF2 else "repz"
        else:
            raise DecodeError(f"invalid instruction (bad rep prefix): {bytes(code[:pos]).hex(' ')}")
        words.append((where["rep"], word))
    prefixes = tuple(word for _, word in sorted(words))
    return Instruction(address, pos, entry.mnemonic, tuple(ops), prefixes, entry, bytes(code[:pos]), disp_bytes, eiz)


def _memory(code: bytes | memoryview, pos: int, mod: int, rm: int,
            seg: str | None) -> tuple[Mem, int, int, int]:
    """ModRM/SIB memory operand (SDM Vol. 2A Tables 2-2 and 2-3) -> (Mem, new pos, disp bytes, eiz).

    An SIB byte whose index field is 100 ("no index") is shown by objdump as
    ``eiz*scale`` unless it is the plain ``[esp]``-style base (i386-dis.c
    OP_E_memory); we return that scale as ``eiz`` so the disassembler can
    print it, and leave the Mem with no index.
    """
    eiz = 0
    base: str | None
    index: str | None = None
    scale = 1
    if rm == 4:
        sib = code[pos]
        pos += 1
        ss, idx, b = sib >> 6, (sib >> 3) & 7, sib & 7
        base = None if (b == 5 and mod == 0) else _R32[b]
        if idx != 4:
            index = _R32[idx]
            scale = 1 << ss
        elif ss != 0 or base != "esp":
            eiz = 1 << ss
    elif rm == 5 and mod == 0:
        base = None
    else:
        base = _R32[rm]
    if mod == 1:
        disp = code[pos]
        disp = disp - 0x100 if disp & 0x80 else disp
        pos += 1
        nbytes = 1
    elif mod == 2 or base is None:
        if pos + 4 > len(code):
            raise IndexError
        disp = int.from_bytes(code[pos:pos + 4], "little", signed=base is not None or index is not None or eiz > 0)
        pos += 4
        nbytes = 4
    else:
        disp = 0
        nbytes = 0
    # A disp32 that would have fit a disp8 is what as emits for a relocatable symbol.
    symbolic = nbytes == 4 and base is not None and -128 <= disp <= 127
    return Mem(None, base, index, scale, disp, seg, symbolic), pos, nbytes, eiz
