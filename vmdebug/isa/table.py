"""The one IA-32 instruction table: the integer set, SSE/SSE2 and the x87 subset.

Every opcode is written down exactly once, in ``_SPECS`` below (py65 style).
The encoder, the decoder and the disassembler all read the expanded
``ENTRIES`` tuple built from it; nothing else keeps a copy of opcode bytes.

A spec line is ``mnemonic, opcode, operands, flags`` where

* ``opcode`` is hex bytes, optionally ``+r`` on the last byte (register in the
  low three bits, Intel SDM Vol. 2A 3.1.1.1 "+rb/+rw/+rd") and ``/r`` or
  ``/digit`` for a ModRM byte (SDM 3.1.1.1);
* ``operands`` are operand kinds in Intel (destination first) order, see
  ``KINDS``.  A ``v`` in a kind means "16 or 32 bits": such a spec expands to
  a 16-bit entry (0x66 operand-size prefix, SDM 2.1.1 group 3) and a 32-bit
  entry;
* ``flags`` names a row of ``FLAG_EFFECTS`` (which of CF PF AF ZF SF OF DF
  the instruction reads, writes, or leaves undefined, from the "Flags
  Affected" section of each SDM Vol. 2 instruction page).

Beside the flags, ``MEM_EFFECTS`` says which memory each mnemonic reads and
writes, explicit operands and implicit accesses (the stack, the string
registers, xlat's table), from the SDM's "Operation" sections; read
watchpoints are derived from it (``vmdebug.debugger.reads``).

Within one mnemonic the order of specs is GNU as's template order in
``opcodes/i386-opc.tbl`` (binutils 2.40), because as takes the first template
that matches; that order is what makes our encodings byte-identical to as.
"""
from __future__ import annotations

from events.record import Frozen

CF, PF, AF, ZF, SF, OF, DF = "CF", "PF", "AF", "ZF", "SF", "OF", "DF"
STATUS = frozenset((CF, PF, AF, ZF, SF, OF))

# Condition codes in encoding order (SDM Vol. 1 Appendix B, Table B-1), objdump's spelling.
CONDITIONS = ("o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g")
# Other spellings GNU as accepts on input for the same condition.
CONDITION_ALIASES = {
    "c": "b", "nae": "b", "nb": "ae", "nc": "ae", "z": "e", "nz": "ne", "na": "be",
    "nbe": "a", "pe": "p", "po": "np", "nge": "l", "nl": "ge", "ng": "le", "nle": "g",
}
# Flags each condition tests (SDM Vol. 1 Table B-1).
CONDITION_READS: tuple[frozenset[str], ...] = tuple(
    frozenset(x) for x in (
        (OF,), (OF,), (CF,), (CF,), (ZF,), (ZF,), (CF, ZF), (CF, ZF),
        (SF,), (SF,), (PF,), (PF,), (SF, OF), (SF, OF), (ZF, SF, OF), (ZF, SF, OF),
    )
)


class FlagEffect(Frozen):
    """Which arithmetic flags an instruction reads, writes and leaves undefined."""

    __slots__ = ("reads", "writes", "undefined")

    def __init__(self, reads: frozenset[str] = frozenset(), writes: frozenset[str] = frozenset(),
                 undefined: frozenset[str] = frozenset()) -> None:
        object.__setattr__(self, "reads", reads)
        object.__setattr__(self, "writes", writes)
        object.__setattr__(self, "undefined", undefined)


def _fe(reads: str = "", writes: str = "", undefined: str = "") -> FlagEffect:
    return FlagEffect(frozenset(reads.split()), frozenset(writes.split()), frozenset(undefined.split()))


_ALL = "CF PF AF ZF SF OF"
FLAG_EFFECTS: dict[str, FlagEffect] = {
    "none": _fe(),
    "arith": _fe(writes=_ALL),                                   # add sub cmp neg (SDM ADD/SUB/CMP/NEG)
    "carry": _fe(reads="CF", writes=_ALL),                       # adc sbb
    "logic": _fe(writes="CF PF ZF SF OF", undefined="AF"),       # and or xor test: CF=OF=0, AF undefined
    "incdec": _fe(writes="PF AF ZF SF OF"),                      # inc dec leave CF alone
    "mul": _fe(writes="CF OF", undefined="PF AF ZF SF"),         # mul imul
    "div": _fe(undefined=_ALL),                                  # div idiv
    # Shifts: for a count of 0 nothing changes; OF is defined only for 1-bit shifts
    # (SDM SAL/SAR/SHL/SHR "Flags Affected").  The CPU applies the count rules.
    "shift": _fe(writes="CF PF ZF SF OF", undefined="AF"),
    "rot": _fe(writes="CF OF"),                                  # rol ror
    "rotc": _fe(reads="CF", writes="CF OF"),                     # rcl rcr
    "dshift": _fe(writes="CF PF ZF SF OF", undefined="AF"),      # shld shrd
    "bt": _fe(writes="CF", undefined="PF AF SF OF"),             # bt bts btr btc (ZF unaffected)
    "bscan": _fe(writes="ZF", undefined="CF PF AF SF OF"),       # bsf bsr
    "cnt": _fe(writes="CF ZF", undefined="PF AF SF OF"),         # tzcnt lzcnt
    "cmpxchg": _fe(writes=_ALL),
    "cmpxchg8b": _fe(writes="ZF"),                                # SDM CMPXCHG8B: only ZF changes
    "string": _fe(reads="DF"),                                   # movs stos lods
    "strcmp": _fe(reads="DF", writes=_ALL),                      # cmps scas
    "clc": _fe(writes="CF"),
    "stc": _fe(writes="CF"),
    "cmc": _fe(reads="CF", writes="CF"),
    "cld": _fe(writes="DF"),
    "std": _fe(writes="DF"),
    "pushf": _fe(reads=_ALL + " DF"),
    "popf": _fe(writes=_ALL + " DF"),
    "lahf": _fe(reads="CF PF AF ZF SF"),
    "sahf": _fe(writes="CF PF AF ZF SF"),
    "int": _fe(),
    # comiss/comisd/ucomiss/ucomisd and fcomi/fucomi(p): ZF PF CF from the comparison,
    # OF SF AF cleared (SDM COMISD, FCOMI "Flags Affected").
    "comi": _fe(writes=_ALL),
}
for _cc, _name in enumerate(CONDITIONS):
    FLAG_EFFECTS["cc_" + _name] = FlagEffect(reads=CONDITION_READS[_cc])
FLAG_EFFECTS["loopz"] = _fe(reads="ZF")



class MemEffect(Frozen):
    """Which memory an instruction reads and writes (from each SDM Vol. 2 "Operation" section).

    ``operands`` says, per explicit operand in Intel order, whether a memory operand
    there is read (``r``), written (``w``), both (``rw``) or not accessed at all
    (``-``: ``lea``'s address, the multi-byte ``nop``'s).  ``implicit`` lists the
    accesses no operand names, as ``(base, index, disp, size, access)``: ``size`` is
    bytes, or 0 for the operand size; ``disp`` may be ``"-size"`` (a push writes just
    below the stack pointer); ``index`` may be ``al`` (xlat's table index).
    """

    __slots__ = ("operands", "implicit")

    def __init__(self, operands: tuple[str, ...] = (),
                 implicit: tuple[tuple[str, str | None, int | str, int, str], ...] = ()) -> None:
        object.__setattr__(self, "operands", operands)
        object.__setattr__(self, "implicit", implicit)

    def operand(self, i: int) -> str:
        return self.operands[i] if i < len(self.operands) else "-"


def _me(operands: str = "", *implicit: tuple[str, str | None, int | str, int, str]) -> MemEffect:
    return MemEffect(tuple(operands.split()), tuple(implicit))


_PUSHED = ("esp", None, "-size", 0, "w")  # SDM PUSH: ESP -= size, then [ESP] = source
_POPPED = ("esp", None, 0, 0, "r")       # SDM POP: dest = [ESP], then ESP += size
_RMW2, _R2, _W2 = _me("rw r"), _me("r r"), _me("w r")
#: The memory column of the table, one row per mnemonic.
MEM_EFFECTS: dict[str, MemEffect] = {
    "mov": _W2, "movzx": _W2, "movsx": _W2, "lea": _me("- -"),
    "xchg": _me("rw rw"), "cmpxchg": _me("rw r"),     # SDM CMPXCHG: the destination is always written back
    "cmpxchg8b": _me("rw"), "xadd": _me("rw rw"), "bswap": _me("rw"),
    "push": _me("r", _PUSHED), "pushw": _me("r", _PUSHED),
    "pop": _me("w", _POPPED), "popw": _me("w", _POPPED),
    "pusha": _me("", ("esp", None, -32, 32, "w")), "popa": _me("", ("esp", None, 0, 32, "r")),
    "pushf": _me("", ("esp", None, -4, 4, "w")), "popf": _me("", ("esp", None, 0, 4, "r")),
    "lahf": _me(), "sahf": _me(),
    # ENTER with a nesting level above 0 also copies frame pointers from [ebp-4*i]; gcc never emits it.
    "enter": _me("- -", ("esp", None, -4, 4, "w")), "leave": _me("", ("ebp", None, 0, 4, "r")),
    "call": _me("r", ("esp", None, -4, 4, "w")), "jmp": _me("r"), "ret": _me("-", ("esp", None, 0, 4, "r")),
    "jecxz": _me(), "loop": _me(), "loope": _me(), "loopne": _me(),
    "add": _RMW2, "or": _RMW2, "adc": _RMW2, "sbb": _RMW2, "and": _RMW2, "sub": _RMW2, "xor": _RMW2,
    "cmp": _R2, "test": _R2,
    "inc": _me("rw"), "dec": _me("rw"), "not": _me("rw"), "neg": _me("rw"),
    "mul": _me("r"), "div": _me("r"), "idiv": _me("r"),
    "imul": _me("w r r"), "imul1": _me("r"),          # imul r, r/m[, imm]; the one-operand form
    "cbw": _me(), "cwde": _me(), "cwd": _me(), "cdq": _me(),
    "rol": _RMW2, "ror": _RMW2, "rcl": _RMW2, "rcr": _RMW2, "shl": _RMW2, "shr": _RMW2, "sar": _RMW2,
    "shld": _me("rw r r"), "shrd": _me("rw r r"),
    # A register bit offset can reach past the operand (SDM BT: bit string); gcc uses bt on registers.
    "bt": _R2, "bts": _RMW2, "btr": _RMW2, "btc": _RMW2,
    "bsf": _W2, "bsr": _W2, "tzcnt": _W2, "lzcnt": _W2,
    "nop": _me("-"), "pause": _me(), "hlt": _me(), "int3": _me(), "int": _me(), "ud2": _me(),
    "clc": _me(), "stc": _me(), "cmc": _me(), "cld": _me(), "std": _me(),
    "xlat": _me("-", ("ebx", "al", 0, 1, "r")),      # SDM XLAT: AL = [EBX + zero-extended AL]
    "movs": _me("w r"), "cmps": _me("r r"), "stos": _me("w -"), "lods": _me("- r"), "scas": _me("- r"),
    # SSE/SSE2 (SDM Vol. 2 pages of each): stores write their memory operand, the rest read it.
    "ldmxcsr": _me("r"), "stmxcsr": _me("w"),
    # FXSAVE/FXRSTOR m512byte: the x87, MMX and SSE state (SDM Vol. 2 FXSAVE Table 3-53).
    "fxsave": _me("w"), "fxrstor": _me("r"),
    # x87 (SDM Vol. 1 chapter 8): loads read, stores write; register forms touch no memory.
    "fld": _me("r"), "fild": _me("r"), "fldcw": _me("r"),
    "fst": _me("w"), "fstp": _me("w"), "fist": _me("w"), "fistp": _me("w"), "fisttp": _me("w"),
    "fnstcw": _me("w"), "fnstsw": _me("w"),
    "fxch": _me("-"), "fld1": _me(), "fldz": _me(), "fchs": _me(), "fabs": _me(),
    "fucomi": _me("- -"), "fucomip": _me("- -"), "fcomi": _me("- -"), "fcomip": _me("- -"),
}
#: The SSE instructions whose first operand is only ever written (a register, or memory for
#: the stores): the moves and the conversions.  All other SSE instructions read their first
#: operand too, and their memory operand is the second, read.
SSE_MOVES = ("movss", "movsd", "movaps", "movapd", "movups", "movupd", "movdqa", "movdqu", "movd", "movq",
             "movlps", "movlpd", "movhps", "movhpd")
for _name in SSE_MOVES:
    MEM_EFFECTS[_name] = _W2
for _name in ("movmskps", "movmskpd", "cvtsi2ss", "cvtsi2sd", "cvttss2si", "cvttsd2si", "cvtss2si", "cvtsd2si",
              "cvtss2sd", "cvtsd2ss", "cvtps2pd", "cvtpd2ps", "cvtdq2ps", "cvtps2dq", "cvttps2dq", "cvtdq2pd",
              "cvttpd2dq", "cvtpd2dq", "sqrtss", "sqrtsd", "sqrtps", "sqrtpd", "pshufd"):
    MEM_EFFECTS[_name] = _W2
for _name in ("ucomiss", "ucomisd", "comiss", "comisd"):
    MEM_EFFECTS[_name] = _R2
for _name in ("fadd", "fmul", "fsub", "fsubr", "fdiv", "fdivr"):
    MEM_EFFECTS[_name] = _me("r -")          # fadd m32fp reads memory; the st forms touch none
    MEM_EFFECTS[_name + "p"] = _me("- -")
for _name in CONDITIONS:
    MEM_EFFECTS["j" + _name] = _me()
    MEM_EFFECTS["set" + _name] = _me("w")
    MEM_EFFECTS["cmov" + _name] = _W2       # SDM CMOVcc: the source is read whether or not it moves

# Operand kinds (after expansion of ``v``):
#   rm8/rm16/rm32  ModRM r/m: register or memory     r8/r16/r32  ModRM reg field
#   m              ModRM memory only, no size (lea)    o8/o16/o32  register in opcode low bits
#   i8/i16/i32     immediate of the operand size       s8          imm8 sign-extended to the operand size
#   u8 / u16       immediate of that width, independent of operand size (int, enter, ret, counts)
#   rel8/rel32     branch displacement                 moffs8/16/32  disp32 address, no ModRM
#   al ax eax cl dx  that fixed register               1           implicit count of one (D0-D3 shifts)
#   X8/X16/X32     string source ds:[esi]              Y8/Y16/Y32  string destination es:[edi]
#   Z8             xlat table byte ds:[ebx]
#   x              an xmm register in the ModRM reg field
#   xm32/xm64/xm128  ModRM r/m: an xmm register or memory of that many bits
#   xr             ModRM r/m: an xmm register only (mod = 3)
#   m16/m32/m64/m80/m128  ModRM memory only, of that size (x87 loads and stores, ldmxcsr)
#   st / sti       the x87 stack top st(0) / st(i) in the low bits of the second opcode byte
#   sreg           a segment register in the ModRM reg field (SDM Vol. 2A 3.1.1.3 "Sreg": es cs ss
#                  ds fs gs = 0-5; 6 and 7 are reserved, #UD)
#   rmsw           ModRM r/m of a segment register move: a 32-bit register, or a word of memory
#                  (SDM MOV: "moves a 16-bit value" to or from memory whatever the operand size)
#   es cs ss ds fs gs  that segment register (push/pop 06 07 0E 16 17 1E 1F, 0F A0 A1 A8 A9)
SIZED_PREFIXES = ("rm", "r", "o", "i", "moffs", "X", "Y", "Z")
SSE_KINDS = ("x", "xm32", "xm64", "xm128", "xr")
#: Size in bits of the memory operand of the SSE and x87 kinds.
FP_MEM_SIZE = {"xm32": 32, "xm64": 64, "xm128": 128, "m16": 16, "m32": 32, "m64": 64, "m80": 80, "m128": 128}
FIXED_REGS = {"al": 8, "ax": 16, "eax": 32, "cl": 8, "dx": 16}
SEGMENT_KINDS = ("es", "cs", "ss", "ds", "fs", "gs")


class Entry(Frozen):
    """One encoding of one instruction (one row of the expanded table)."""

    __slots__ = (
        "mnemonic",        # objdump's spelling
        "opcode",          # opcode bytes (after any prefix), low bits 0 for +r forms
        "modrm",           # a ModRM byte follows the opcode
        "ext",             # ModRM reg-field opcode extension (/digit), None for /r
        "plusreg",         # register number is added to the last opcode byte
        "operands",        # operand kinds, Intel order
        "opsize",          # operand size in bits (16 means a 0x66 prefix), None if sizeless
        "flags",
        "mem",
        "rep",             # "rep" (F3 = rep) or "repz" (F3 = repe, F2 = repne) string forms;
                           # "ret": F3 accepted and ignored (objdump "repz ret")
        "lock",            # LOCK allowed (with a memory destination), SDM LOCK page
        "cond",            # condition code for jcc / setcc / cmovcc
        "commutative",     # as accepts the two operands in either order (test, xchg)
        "unsized_mem_ok",  # an unsized memory operand is fine (push/pop/call/jmp/setcc/lea)
        "alt_ext",         # other ModRM reg values the CPU (and objdump) accept, decode only
        "mandatory",       # mandatory 0xF3/0xF2 prefix byte (SDM 2.1.2), e.g. tzcnt, pause
        "hint",            # a conditional branch: 2E/3E are branch hints (SDM Vol. 2A 2.1.1
                           # group 2), which objdump's AT&T syntax shows as ",pn"/",pt"
        "bnd",             # a near branch: F2 is MPX's BND prefix, objdump's "bnd" (SDM Vol. 1
                           # 17.5: ignored where MPX is off, as on every CPU a process meets now)
        "hle",             # with a memory operand, F2/F3 are HLE's xacquire/xrelease (SDM Vol. 1
                           # 16.3.1), which the decoder does not take
    )
    _eq_skip = ("flags", "mem",)

    def __init__(self, mnemonic: str, opcode: bytes, modrm: bool, ext: int | None, plusreg: bool,
                 operands: tuple[str, ...], opsize: int | None, flags: FlagEffect,
                 mem: MemEffect = MemEffect(), rep: str | None = None, lock: bool = False,
                 cond: int | None = None, commutative: bool = False, unsized_mem_ok: bool = False,
                 alt_ext: tuple[int, ...] = (), mandatory: int | None = None, hint: bool = False,
                 bnd: bool = False, hle: bool = False) -> None:
        object.__setattr__(self, "mnemonic", mnemonic)
        object.__setattr__(self, "opcode", opcode)
        object.__setattr__(self, "modrm", modrm)
        object.__setattr__(self, "ext", ext)
        object.__setattr__(self, "plusreg", plusreg)
        object.__setattr__(self, "operands", operands)
        object.__setattr__(self, "opsize", opsize)
        object.__setattr__(self, "flags", flags)
        object.__setattr__(self, "mem", mem)
        object.__setattr__(self, "rep", rep)
        object.__setattr__(self, "lock", lock)
        object.__setattr__(self, "cond", cond)
        object.__setattr__(self, "commutative", commutative)
        object.__setattr__(self, "unsized_mem_ok", unsized_mem_ok)
        object.__setattr__(self, "alt_ext", alt_ext)
        object.__setattr__(self, "mandatory", mandatory)
        object.__setattr__(self, "hint", hint)
        object.__setattr__(self, "bnd", bnd)
        object.__setattr__(self, "hle", hle)

    @property
    def reads(self) -> frozenset[str]:
        return self.flags.reads

    @property
    def writes(self) -> frozenset[str]:
        return self.flags.writes

    @property
    def undefined(self) -> frozenset[str]:
        return self.flags.undefined


class _Spec(Frozen):
    __slots__ = (
        "mnemonic",
        "opcode",
        "operands",
        "flags",
        "rep",
        "lock",
        "cond",
        "commutative",
        "unsized_mem_ok",
        "only",            # restrict a ``v`` spec to one size (e.g. cwde is 32-bit only)
        "alt_ext",
        "mem",             # the MEM_EFFECTS row, when not the mnemonic's own
        "hint",            # 2E/3E are branch hints (Entry.hint)
        "bnd",             # F2 is the BND prefix (Entry.bnd)
        "hle",             # F2/F3 are xacquire/xrelease on memory (Entry.hle)
    )

    def __init__(self, mnemonic: str, opcode: str, operands: str, flags: str, rep: str | None = None,
                 lock: bool = False, cond: int | None = None, commutative: bool = False,
                 unsized_mem_ok: bool = False, only: int | None = None, alt_ext: tuple[int, ...] = (),
                 mem: str | None = None, hint: bool = False, bnd: bool = False, hle: bool = False) -> None:
        object.__setattr__(self, "mnemonic", mnemonic)
        object.__setattr__(self, "opcode", opcode)
        object.__setattr__(self, "operands", operands)
        object.__setattr__(self, "flags", flags)
        object.__setattr__(self, "rep", rep)
        object.__setattr__(self, "lock", lock)
        object.__setattr__(self, "cond", cond)
        object.__setattr__(self, "commutative", commutative)
        object.__setattr__(self, "unsized_mem_ok", unsized_mem_ok)
        object.__setattr__(self, "only", only)
        object.__setattr__(self, "alt_ext", alt_ext)
        object.__setattr__(self, "mem", mem)
        object.__setattr__(self, "hint", hint)
        object.__setattr__(self, "bnd", bnd)
        object.__setattr__(self, "hle", hle)


def S(mnemonic: str, opcode: str, operands: str = "", flags: str = "none", **kw: object) -> _Spec:
    return _Spec(mnemonic, opcode, operands, flags, **kw)  # type: ignore[arg-type]


def _alu(name: str, base: int, digit: int, flags: str, lock: bool = True) -> list[_Spec]:
    """The eight classic ALU ops share one layout (SDM Vol. 2, Table A-2 rows 0-3, 80-83)."""
    cmp_like = name == "cmp"
    lk = lock and not cmp_like
    return [
        S(name, f"{base:02X} /r", "rm8 r8", flags, lock=lk),
        S(name, f"{base + 1:02X} /r", "rmv rv", flags, lock=lk),
        S(name, f"{base + 2:02X} /r", "r8 rm8", flags),
        S(name, f"{base + 3:02X} /r", "rv rmv", flags),
        S(name, f"83 /{digit}", "rmv s8", flags, lock=lk),
        S(name, f"{base + 4:02X}", "al i8", flags),
        S(name, f"{base + 5:02X}", "eAX iv", flags),
        S(name, f"80 /{digit}", "rm8 i8", flags, lock=lk),
        S(name, f"81 /{digit}", "rmv iv", flags, lock=lk),
        # 82 is 80 again in 32-bit mode (SDM Vol. 2D Table A-2, group 1; #UD only in 64-bit
        # mode); as never emits it (80 comes first), objdump and the CPU take it.
        S(name, f"82 /{digit}", "rm8 i8", flags, lock=lk),
    ]


def _shift(name: str, digit: int, flags: str) -> list[_Spec]:
    """Shift/rotate group 2 (SDM Table A-6, opcodes C0 C1 D0-D3).

    /6 is an undocumented alias of SHL /4 that CPUs execute and objdump prints as shl.
    """
    alt = (6,) if digit == 4 else ()
    return [
        S(name, f"D0 /{digit}", "rm8 1", flags, alt_ext=alt),
        S(name, f"D1 /{digit}", "rmv 1", flags, alt_ext=alt),
        S(name, f"C0 /{digit}", "rm8 u8", flags, alt_ext=alt),
        S(name, f"C1 /{digit}", "rmv u8", flags, alt_ext=alt),
        S(name, f"D2 /{digit}", "rm8 cl", flags, alt_ext=alt),
        S(name, f"D3 /{digit}", "rmv cl", flags, alt_ext=alt),
    ]


def _unary(name: str, digit: int, flags: str, lock: bool = False, mem: str | None = None) -> list[_Spec]:
    """Group 3 (F6/F7) single-operand forms: not neg mul imul div idiv."""
    return [S(name, f"F6 /{digit}", "rm8", flags, lock=lock, mem=mem),
            S(name, f"F7 /{digit}", "rmv", flags, lock=lock, mem=mem)]


_SPECS: list[_Spec] = [
    # --- moves (SDM MOV: as tries the moffs form A0-A3 first) ---
    S("mov", "A0", "al moffs8"), S("mov", "A1", "eAX moffsv"),
    S("mov", "A2", "moffs8 al"), S("mov", "A3", "moffsv eAX"),
    S("mov", "88 /r", "rm8 r8", hle=True), S("mov", "89 /r", "rmv rv", hle=True),
    S("mov", "8A /r", "r8 rm8"), S("mov", "8B /r", "rv rmv"),
    S("mov", "B0+r", "o8 i8"), S("mov", "B8+r", "ov iv"),
    S("mov", "C6 /0", "rm8 i8", hle=True), S("mov", "C7 /0", "rmv iv", hle=True),
    S("movzx", "0F B6 /r", "rv rm8"), S("movzx", "0F B7 /r", "r32 rm16"),
    S("movsx", "0F BE /r", "rv rm8"), S("movsx", "0F BF /r", "r32 rm16"),
    S("lea", "8D /r", "rv m", unsized_mem_ok=True),
    # MOV to and from a segment register (SDM MOV, 8C /r and 8E /r).  The 0x66 forms (a 16-bit
    # register; objdump's "data16" on the memory ones) are not in the table.
    S("mov", "8C /r", "rmsw sreg"), S("mov", "8E /r", "sreg rmsw"),
    # xchg: as's first template is 90+r with the accumulator (either order).
    S("xchg", "90+r", "ov eAX", commutative=True),
    S("xchg", "86 /r", "rm8 r8", commutative=True, lock=True, hle=True),
    S("xchg", "87 /r", "rmv rv", commutative=True, lock=True, hle=True),
    S("cmpxchg", "0F B0 /r", "rm8 r8", "cmpxchg", lock=True),
    S("cmpxchg", "0F B1 /r", "rmv rv", "cmpxchg", lock=True),
    # gcc's 64-bit __sync/__atomic compare-and-swap; the operand is always an m64 (the
    # decoder gives it size 64, objdump prints QWORD PTR).
    S("cmpxchg8b", "0F C7 /1", "m", "cmpxchg8b", lock=True),
    S("xadd", "0F C0 /r", "rm8 r8", "arith", lock=True),
    S("xadd", "0F C1 /r", "rmv rv", "arith", lock=True),
    S("bswap", "0F C8+r", "o32"),
    # --- stack ---
    S("push", "50+r", "ov"), S("push", "FF /6", "rmv", unsized_mem_ok=True),
    S("push", "6A", "s8", only=32), S("push", "68", "i32", only=32),
    S("pushw", "6A", "s8", only=16), S("pushw", "68", "iv", only=16),
    S("pop", "58+r", "ov"), S("pop", "8F /0", "rmv", unsized_mem_ok=True),
    # Segment registers (SDM PUSH/POP; 0F is the two-byte escape, so there is no pop cs).
    # objdump spells the 16-bit forms pushw/popw; the machine's treatment of segment
    # registers is vmdebug.machine.segments.
    *(S(name + w, code, reg, only=size) for reg, push, pop in (
        ("es", "06", "07"), ("cs", "0E", None), ("ss", "16", "17"), ("ds", "1E", "1F"),
        ("fs", "0F A0", "0F A1"), ("gs", "0F A8", "0F A9"))
      for name, code in (("push", push), ("pop", pop)) if code is not None
      for w, size in (("", 32), ("w", 16))),
    S("pusha", "60"), S("popa", "61"),
    S("pushf", "9C", "", "pushf"), S("popf", "9D", "", "popf"),
    S("lahf", "9F", "", "lahf"), S("sahf", "9E", "", "sahf"),
    S("enter", "C8", "u16 u8"), S("leave", "C9"),
    # --- calls, jumps, returns ---
    S("call", "E8", "rel32", bnd=True), S("call", "FF /2", "rm32", unsized_mem_ok=True, bnd=True),
    S("jmp", "EB", "rel8", bnd=True), S("jmp", "E9", "rel32", bnd=True),
    S("jmp", "FF /4", "rm32", unsized_mem_ok=True, bnd=True),
    # `rep ret' (F3 C3, objdump "repz ret") was gcc's AMD branch-predictor idiom; F3 is ignored.
    S("ret", "C3", rep="ret", bnd=True), S("ret", "C2", "u16", rep="ret", bnd=True),
    S("jecxz", "E3", "rel8", hint=True),
    S("loop", "E2", "rel8", hint=True), S("loope", "E1", "rel8", "loopz", hint=True),
    S("loopne", "E0", "rel8", "loopz", hint=True),
    # --- ALU ---
    *_alu("add", 0x00, 0, "arith"), *_alu("or", 0x08, 1, "logic"),
    *_alu("adc", 0x10, 2, "carry"), *_alu("sbb", 0x18, 3, "carry"),
    *_alu("and", 0x20, 4, "logic"), *_alu("sub", 0x28, 5, "arith"),
    *_alu("xor", 0x30, 6, "logic"), *_alu("cmp", 0x38, 7, "arith"),
    S("test", "84 /r", "rm8 r8", "logic", commutative=True),
    S("test", "85 /r", "rmv rv", "logic", commutative=True),
    S("test", "A8", "al i8", "logic"), S("test", "A9", "eAX iv", "logic"),
    # F6/F7 /1 is an undocumented alias of TEST /0 that CPUs and objdump accept.
    S("test", "F6 /0", "rm8 i8", "logic", alt_ext=(1,)), S("test", "F7 /0", "rmv iv", "logic", alt_ext=(1,)),
    S("inc", "40+r", "ov", "incdec"), S("inc", "FE /0", "rm8", "incdec", lock=True),
    S("inc", "FF /0", "rmv", "incdec", lock=True),
    S("dec", "48+r", "ov", "incdec"), S("dec", "FE /1", "rm8", "incdec", lock=True),
    S("dec", "FF /1", "rmv", "incdec", lock=True),
    *_unary("not", 2, "none", lock=True), *_unary("neg", 3, "arith", lock=True),
    *_unary("mul", 4, "mul"),
    *_unary("imul", 5, "mul", mem="imul1"),
    S("imul", "0F AF /r", "rv rmv", "mul"),
    S("imul", "6B /r", "rv rmv s8", "mul"), S("imul", "69 /r", "rv rmv iv", "mul"),
    *_unary("div", 6, "div"), *_unary("idiv", 7, "div"),
    S("cbw", "98", "", only=16), S("cwde", "98", "", only=32),
    S("cwd", "99", "", only=16), S("cdq", "99", "", only=32),
    # --- shifts and bits ---
    *_shift("rol", 0, "rot"), *_shift("ror", 1, "rot"), *_shift("rcl", 2, "rotc"),
    *_shift("rcr", 3, "rotc"), *_shift("shl", 4, "shift"), *_shift("shr", 5, "shift"),
    *_shift("sar", 7, "shift"),
    S("shld", "0F A4 /r", "rmv rv u8", "dshift"), S("shld", "0F A5 /r", "rmv rv cl", "dshift"),
    S("shrd", "0F AC /r", "rmv rv u8", "dshift"), S("shrd", "0F AD /r", "rmv rv cl", "dshift"),
    S("bt", "0F A3 /r", "rmv rv", "bt"), S("bt", "0F BA /4", "rmv u8", "bt"),
    S("bts", "0F AB /r", "rmv rv", "bt", lock=True), S("bts", "0F BA /5", "rmv u8", "bt", lock=True),
    S("btr", "0F B3 /r", "rmv rv", "bt", lock=True), S("btr", "0F BA /6", "rmv u8", "bt", lock=True),
    S("btc", "0F BB /r", "rmv rv", "bt", lock=True), S("btc", "0F BA /7", "rmv u8", "bt", lock=True),
    S("bsf", "0F BC /r", "rv rmv", "bscan"), S("bsr", "0F BD /r", "rv rmv", "bscan"),
    # gcc's __builtin_ctz emits `rep bsf', which objdump shows as tzcnt (BMI1; a plain bsf
    # on older CPUs - they agree for the non-zero inputs gcc relies on).
    S("tzcnt", "F3 0F BC /r", "rv rmv", "cnt"), S("lzcnt", "F3 0F BD /r", "rv rmv", "cnt"),
    # --- misc ---
    # 0F 1F with any reg field is a NOP (SDM Vol. 2B Table A-6 group 16 neighbours; "NOP Ev"),
    # which objdump prints as nop.
    S("nop", "90"), S("nop", "0F 1F /0", "rmv", alt_ext=(1, 2, 3, 4, 5, 6, 7)),
    S("pause", "F3 90"), S("hlt", "F4"), S("int3", "CC", "", "int"), S("int", "CD", "u8", "int"),
    S("ud2", "0F 0B"),  # gcc's __builtin_trap; the CPU raises SIGILL
    S("clc", "F8", "", "clc"), S("stc", "F9", "", "stc"), S("cmc", "F5", "", "cmc"),
    S("cld", "FC", "", "cld"), S("std", "FD", "", "std"),
    S("xlat", "D7", "Z8"),
    # --- strings (SDM MOVS/CMPS/STOS/LODS/SCAS; operand order as objdump prints it) ---
    S("movs", "A4", "Y8 X8", "string", rep="rep"), S("movs", "A5", "Yv Xv", "string", rep="rep"),
    S("cmps", "A6", "X8 Y8", "strcmp", rep="repz"), S("cmps", "A7", "Xv Yv", "strcmp", rep="repz"),
    S("stos", "AA", "Y8 al", "string", rep="rep"), S("stos", "AB", "Yv eAX", "string", rep="rep"),
    S("lods", "AC", "al X8", "string", rep="rep"), S("lods", "AD", "eAX Xv", "string", rep="rep"),
    S("scas", "AE", "al Y8", "strcmp", rep="repz"), S("scas", "AF", "eAX Yv", "strcmp", rep="repz"),
]


def _sse(name: str, opcode: int, kinds: str = "x xm128", prefixes: str = "- 66", **kw: object) -> list[_Spec]:
    """One SSE operation in its forms: ``-`` packed single (``ps``, no prefix), ``66``
    packed double (``pd``), ``F3`` scalar single (``ss``), ``F2`` scalar double (``sd``)
    (SDM Vol. 2 Table A-3: the mandatory prefix picks the data type)."""
    suffix = {"-": "ps", "66": "pd", "F3": "ss", "F2": "sd"}
    out = []
    for prefix in prefixes.split():
        ops = kinds
        if prefix == "F3":
            ops = kinds.replace("xm128", "xm32")
        elif prefix == "F2":
            ops = kinds.replace("xm128", "xm64")
        head = "" if prefix == "-" else prefix + " "
        out.append(S(name + suffix[prefix], f"{head}0F {opcode:02X} /r", ops, **kw))  # type: ignore[arg-type]
    return out


def _x87_arith(name: str, digit: int, st_sti: int, sti_st: int, popped: int) -> list[_Spec]:
    """fadd fmul fsub fsubr fdiv fdivr: m32fp (D8 /digit), m64fp (DC /digit), ``st, st(i)``
    (D8 xx+i), ``st(i), st`` (DC xx+i) and the popping ``st(i), st`` (DE xx+i); SDM FADD/FSUB/
    FDIV pages, whose register opcodes are what gas and objdump use in Intel syntax."""
    return [S(name, f"D8 /{digit}", "m32"), S(name, f"DC /{digit}", "m64"),
            S(name, f"D8 {st_sti:02X}+i", "st sti"), S(name, f"DC {sti_st:02X}+i", "sti st"),
            S(name + "p", f"DE {popped:02X}+i", "sti st")]


_SPECS += [
    # --- SSE/SSE2 moves (SDM MOVSS MOVSD MOVAPS MOVUPS MOVD/MOVQ MOVDQA ...) ---
    S("movups", "0F 10 /r", "x xm128"), S("movups", "0F 11 /r", "xm128 x"),
    S("movupd", "66 0F 10 /r", "x xm128"), S("movupd", "66 0F 11 /r", "xm128 x"),
    S("movss", "F3 0F 10 /r", "x xm32"), S("movss", "F3 0F 11 /r", "xm32 x"),
    S("movsd", "F2 0F 10 /r", "x xm64"), S("movsd", "F2 0F 11 /r", "xm64 x"),
    S("movlps", "0F 12 /r", "x m64"), S("movlps", "0F 13 /r", "m64 x"),
    S("movlpd", "66 0F 12 /r", "x m64"), S("movlpd", "66 0F 13 /r", "m64 x"),
    S("movhps", "0F 16 /r", "x m64"), S("movhps", "0F 17 /r", "m64 x"),
    S("movhpd", "66 0F 16 /r", "x m64"), S("movhpd", "66 0F 17 /r", "m64 x"),
    S("movaps", "0F 28 /r", "x xm128"), S("movaps", "0F 29 /r", "xm128 x"),
    S("movapd", "66 0F 28 /r", "x xm128"), S("movapd", "66 0F 29 /r", "xm128 x"),
    S("movd", "66 0F 6E /r", "x rm32"), S("movd", "66 0F 7E /r", "rm32 x"),
    S("movq", "F3 0F 7E /r", "x xm64"), S("movq", "66 0F D6 /r", "xm64 x"),
    S("movdqa", "66 0F 6F /r", "x xm128"), S("movdqa", "66 0F 7F /r", "xm128 x"),
    S("movdqu", "F3 0F 6F /r", "x xm128"), S("movdqu", "F3 0F 7F /r", "xm128 x"),
    S("movmskps", "0F 50 /r", "r32 xr"), S("movmskpd", "66 0F 50 /r", "r32 xr"),
    # --- SSE/SSE2 arithmetic, logic, comparison (SDM ADDSD ... Table A-3 rows 5x, Cx) ---
    *_sse("sqrt", 0x51, "x xm128", "- 66 F3 F2", mem="sqrtsd"),
    *_sse("add", 0x58, prefixes="- 66 F3 F2", mem="sse"), *_sse("mul", 0x59, prefixes="- 66 F3 F2", mem="sse"),
    *_sse("sub", 0x5C, prefixes="- 66 F3 F2", mem="sse"), *_sse("min", 0x5D, prefixes="- 66 F3 F2", mem="sse"),
    *_sse("div", 0x5E, prefixes="- 66 F3 F2", mem="sse"), *_sse("max", 0x5F, prefixes="- 66 F3 F2", mem="sse"),
    *_sse("and", 0x54, mem="sse"), *_sse("andn", 0x55, mem="sse"),
    *_sse("or", 0x56, mem="sse"), *_sse("xor", 0x57, mem="sse"),
    *_sse("unpckl", 0x14, mem="sse"), *_sse("unpckh", 0x15, mem="sse"),
    # cmpss/cmpsd/cmpps/cmppd take the predicate as an imm8; objdump names predicates
    # 0-7 as pseudo-ops (cmpltsd ...), see PREDICATES in vmdebug/isa/disasm.py.
    *_sse("cmp", 0xC2, "x xm128 u8", "- 66 F3 F2", mem="sse"),
    *_sse("shuf", 0xC6, "x xm128 u8", mem="sse"),
    S("ucomiss", "0F 2E /r", "x xm32", "comi"), S("ucomisd", "66 0F 2E /r", "x xm64", "comi"),
    S("comiss", "0F 2F /r", "x xm32", "comi"), S("comisd", "66 0F 2F /r", "x xm64", "comi"),
    # --- SSE2 integer (SDM PAND PXOR PADDD PUNPCKLDQ PSHUFD PSLLD ...) ---
    *(S(n, f"66 0F {op:02X} /r", "x xm128", mem="sse") for n, op in (
        ("punpckldq", 0x62), ("punpckhdq", 0x6A), ("punpcklqdq", 0x6C), ("punpckhqdq", 0x6D),
        ("pcmpeqd", 0x76), ("paddq", 0xD4), ("pand", 0xDB), ("pandn", 0xDF), ("por", 0xEB),
        ("pxor", 0xEF), ("psubd", 0xFA), ("psubq", 0xFB), ("paddd", 0xFE))),
    S("pshufd", "66 0F 70 /r", "x xm128 u8"),
    S("psrld", "66 0F 72 /2", "xr u8", mem="sse"), S("psrad", "66 0F 72 /4", "xr u8", mem="sse"),
    S("pslld", "66 0F 72 /6", "xr u8", mem="sse"),
    S("psrlq", "66 0F 73 /2", "xr u8", mem="sse"), S("psrldq", "66 0F 73 /3", "xr u8", mem="sse"),
    S("psllq", "66 0F 73 /6", "xr u8", mem="sse"), S("pslldq", "66 0F 73 /7", "xr u8", mem="sse"),
    # --- SSE/SSE2 conversions (SDM CVTSI2SD CVTTSD2SI CVTSS2SD ...) ---
    S("cvtsi2ss", "F3 0F 2A /r", "x rm32"), S("cvtsi2sd", "F2 0F 2A /r", "x rm32"),
    S("cvttss2si", "F3 0F 2C /r", "r32 xm32"), S("cvttsd2si", "F2 0F 2C /r", "r32 xm64"),
    S("cvtss2si", "F3 0F 2D /r", "r32 xm32"), S("cvtsd2si", "F2 0F 2D /r", "r32 xm64"),
    S("cvtps2pd", "0F 5A /r", "x xm64"), S("cvtpd2ps", "66 0F 5A /r", "x xm128"),
    S("cvtss2sd", "F3 0F 5A /r", "x xm32"), S("cvtsd2ss", "F2 0F 5A /r", "x xm64"),
    S("cvtdq2ps", "0F 5B /r", "x xm128"), S("cvtps2dq", "66 0F 5B /r", "x xm128"),
    S("cvttps2dq", "F3 0F 5B /r", "x xm128"),
    S("cvttpd2dq", "66 0F E6 /r", "x xm128"), S("cvtdq2pd", "F3 0F E6 /r", "x xm64"),
    S("cvtpd2dq", "F2 0F E6 /r", "x xm128"),
    S("ldmxcsr", "0F AE /2", "m32"), S("stmxcsr", "0F AE /3", "m32"),
    # The 512-byte area is an unsized "m" operand, as gas and objdump write it; the decoder
    # gives it its size (4096 bits) for the read watchpoints.
    S("fxsave", "0F AE /0", "m"), S("fxrstor", "0F AE /1", "m"),
    # --- x87 (SDM Vol. 2 FLD FST FILD FIST FXCH FUCOMI ...; Vol. 1 chapter 8) ---
    S("fld", "D9 /0", "m32"), S("fld", "DD /0", "m64"), S("fld", "DB /5", "m80"), S("fld", "D9 C0+i", "sti"),
    S("fst", "D9 /2", "m32"), S("fst", "DD /2", "m64"), S("fst", "DD D0+i", "sti"),
    S("fstp", "D9 /3", "m32"), S("fstp", "DD /3", "m64"), S("fstp", "DB /7", "m80"), S("fstp", "DD D8+i", "sti"),
    S("fild", "DF /0", "m16"), S("fild", "DB /0", "m32"), S("fild", "DF /5", "m64"),
    S("fist", "DF /2", "m16"), S("fist", "DB /2", "m32"),
    S("fistp", "DF /3", "m16"), S("fistp", "DB /3", "m32"), S("fistp", "DF /7", "m64"),
    S("fisttp", "DF /1", "m16"), S("fisttp", "DB /1", "m32"), S("fisttp", "DD /1", "m64"),
    S("fxch", "D9 C8+i", "sti"),
    S("fchs", "D9 E0"), S("fabs", "D9 E1"), S("fld1", "D9 E8"), S("fldz", "D9 EE"),
    S("fucomi", "DB E8+i", "st sti", "comi"), S("fcomi", "DB F0+i", "st sti", "comi"),
    S("fucomip", "DF E8+i", "st sti", "comi"), S("fcomip", "DF F0+i", "st sti", "comi"),
    S("fldcw", "D9 /5", "m16"), S("fnstcw", "D9 /7", "m16"),
    S("fnstsw", "DF E0", "ax"), S("fnstsw", "DD /7", "m16"),
    *_x87_arith("fadd", 0, 0xC0, 0xC0, 0xC0), *_x87_arith("fmul", 1, 0xC8, 0xC8, 0xC8),
    *_x87_arith("fsub", 4, 0xE0, 0xE8, 0xE8), *_x87_arith("fsubr", 5, 0xE8, 0xE0, 0xE0),
    *_x87_arith("fdiv", 6, 0xF0, 0xF8, 0xF8), *_x87_arith("fdivr", 7, 0xF8, 0xF0, 0xF0),
]
# FCMOVcc st, st(i) (SDM FCMOVcc): the EFLAGS conditions b e be u and their negations, which gcc
# uses to select between long doubles.
for _name, _cond, _opcode in (("b", "b", "DA C0"), ("e", "e", "DA C8"), ("be", "be", "DA D0"), ("u", "p", "DA D8"),
                              ("nb", "ae", "DB C0"), ("ne", "ne", "DB C8"), ("nbe", "a", "DB D0"),
                              ("nu", "np", "DB D8")):
    _SPECS.append(S("fcmov" + _name, _opcode + "+i", "st sti", "cc_" + _cond, cond=CONDITIONS.index(_cond),
                    mem="fcmov"))
MEM_EFFECTS["fcmov"] = _me("- -")
MEM_EFFECTS["sse"] = _me("rw r")
MEM_EFFECTS["sqrtsd"] = _W2
for _cc, _name in enumerate(CONDITIONS):
    _SPECS += [
        S("j" + _name, f"{0x70 + _cc:02X}", "rel8", "cc_" + _name, cond=_cc, hint=True, bnd=True),
        S("j" + _name, f"0F {0x80 + _cc:02X}", "rel32", "cc_" + _name, cond=_cc, hint=True, bnd=True),
        # SETcc ignores the ModRM reg field (as writes 0; CPUs and objdump accept any).
        S("set" + _name, f"0F {0x90 + _cc:02X} /0", "rm8", "cc_" + _name, cond=_cc, unsized_mem_ok=True,
          alt_ext=(1, 2, 3, 4, 5, 6, 7)),
        S("cmov" + _name, f"0F {0x40 + _cc:02X} /r", "rv rmv", "cc_" + _name, cond=_cc),
    ]


def _expand_kind(kind: str, size: int) -> str:
    if kind == "eAX":
        return "eax" if size == 32 else "ax"
    if kind.endswith("v"):
        return f"{kind[:-1]}{size}"
    return kind


def _expand(spec: _Spec) -> list[Entry]:
    """Turn one spec line into its 8-, 16- and/or 32-bit table entries."""
    words = spec.opcode.split()
    modrm = False
    ext: int | None = None
    if words[-1].startswith("/"):
        modrm = True
        ext = None if words[-1] == "/r" else int(words[-1][1:])
        words = words[:-1]
    mandatory = None
    if len(words) > 1 and words[0] in ("F2", "F3", "66"):
        mandatory = int(words.pop(0), 16)
    plusreg = words[-1].endswith(("+r", "+i"))      # +i: st(i) in an x87 opcode's second byte
    if plusreg:
        words[-1] = words[-1][:-2]
    opcode = bytes(int(w, 16) for w in words)
    kinds = tuple(spec.operands.split())
    variable = any(k.endswith("v") or k == "eAX" for k in kinds)
    if variable or spec.only in (16, 32):
        sizes: list[int | None] = [spec.only] if spec.only else [16, 32]
    else:
        sizes = [_fixed_size(kinds)]
    out = []
    for size in sizes:
        out.append(Entry(
            mnemonic=spec.mnemonic, opcode=opcode, modrm=modrm, ext=ext, plusreg=plusreg,
            operands=tuple(_expand_kind(k, size or 32) for k in kinds), opsize=size,
            flags=FLAG_EFFECTS[spec.flags], rep=spec.rep, lock=spec.lock, cond=spec.cond,
            commutative=spec.commutative, unsized_mem_ok=spec.unsized_mem_ok, alt_ext=spec.alt_ext,
            mandatory=mandatory, mem=MEM_EFFECTS[spec.mem or spec.mnemonic], hint=spec.hint,
            bnd=spec.bnd, hle=spec.hle,
        ))
    return out


def _fixed_size(kinds: tuple[str, ...]) -> int | None:
    """Operand size of a spec with no ``v`` kind: 8 for byte forms, 32 for rm32 etc., else None."""
    for k in kinds:
        for p in ("rm", "r", "o", "moffs", "X", "Y", "Z"):
            if k.startswith(p) and k[len(p):].isdigit():
                return int(k[len(p):])
        if k in ("al",):
            return 8
    return None


ENTRIES: tuple[Entry, ...] = tuple(e for s in _SPECS for e in _expand(s))

# Encoder view: mnemonic -> its entries in as's template order.
BY_MNEMONIC: dict[str, tuple[Entry, ...]] = {}
for _e in ENTRIES:
    BY_MNEMONIC.setdefault(_e.mnemonic, ())
    BY_MNEMONIC[_e.mnemonic] += (_e,)

# Input spellings as accepts for the same instruction (binutils i386-opc.tbl).
ALIASES: dict[str, str] = {"sal": "shl", "loopz": "loope", "loopnz": "loopne", "pushad": "pusha", "popad": "popa", "pushfd": "pushf", "popfd": "popf",
                           "xlatb": "xlat"}
for _alias, _canon in CONDITION_ALIASES.items():
    for _prefix in ("j", "set", "cmov"):
        ALIASES[_prefix + _alias] = _prefix + _canon
# The comparison predicates of cmpss/cmpsd/cmpps/cmppd's imm8 (SDM CMPSD Table 3-8), which
# gas takes and objdump prints as pseudo-ops: cmpltsd xmm0,xmm1 is cmpsd xmm0,xmm1,1.
SSE_PREDICATES = ("eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord")
SSE_PREDICATE_OPS: dict[str, tuple[str, int]] = {
    f"cmp{pred}{suffix}": (f"cmp{suffix}", k)
    for k, pred in enumerate(SSE_PREDICATES) for suffix in ("ps", "pd", "ss", "sd")
}
# x87 forms gas accepts without operands: fxch is fxch st(1), faddp is faddp st(1),st
# (i386-opc.tbl's implicit-operand templates).
X87_IMPLIED: dict[str, tuple[str, ...]] = {
    "fxch": ("st(1)",), "fucomip": ("st", "st(1)"), "fucomi": ("st", "st(1)"),
    "fcomip": ("st", "st(1)"), "fcomi": ("st", "st(1)"),
    **{name + "p": ("st(1)", "st") for name in ("fadd", "fmul", "fsub", "fsubr", "fdiv", "fdivr")},
}
# String mnemonics with a size suffix: movsb/movsw/movsd etc. -> (base mnemonic, operand size).
STRING_SUFFIXED: dict[str, tuple[str, int]] = {
    base + suffix: (base, size)
    for base in ("movs", "cmps", "stos", "lods", "scas")
    for suffix, size in (("b", 8), ("w", 16), ("d", 32))
}
