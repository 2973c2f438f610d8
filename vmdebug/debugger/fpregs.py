"""The x87 and SSE registers as gdb 13 shows them on i386: names, types, values, groups.

The state keeps xmm0-xmm7 as four dwords each, the x87's *physical* registers
R0-R7 (three ids each) and the abridged tag (events/codes.py).  gdb shows:

* ``st0``-``st7``: ST(i) = R[(TOP + i) mod 8], TOP being bits 11-13 of ``fstat``,
  typed ``builtin_type_i387_ext`` (10 bytes);
* ``fctrl``, ``fstat``, ``ftag`` (the full tag word, two bits per physical
  register: 0 valid, 1 zero, 2 special, 3 empty), ``fiseg``, ``fioff``,
  ``foseg``, ``fooff``, ``fop``, typed ``long`` (vmdebug does not track the last
  x87 instruction's pointers: they read 0);
* ``xmm0``-``xmm7`` typed ``vec128`` (gdb/features/i386/32bit-sse.xml) and
  ``mxcsr`` typed ``i386_mxcsr``;
* the pseudo registers ``mm0``-``mm7`` (i386_mmx_type), read as gdb's
  i386_mmx_regnum_to_fp_regnum does: the significand of st((i + TOP) mod 8).

The register groups are gdb's i386_register_reggroup_p for a CPU with SSE and
no AVX (the simulated one), and their order is gdb's register numbers: the
general registers, st0-st7, fctrl..fop, xmm0-xmm7, mxcsr, then mm0-mm7.
"""
from __future__ import annotations

from events import codes as C
from vmdebug.debuginfo import ctype as T
from vmdebug.debuginfo.ctype import CType, Member
from vmdebug.machine.x87 import decode80, f80_tag, format_g

# ---- types (gdb's tdesc predefined types and the unions of 32bit-sse.xml, i386-tdep.c) ----------
BFLOAT16 = CType("float", "builtin_type_bfloat16", 2, None, T.DW_ATE_float)
HALF = CType("float", "builtin_type_ieee_half", 2, None, T.DW_ATE_float)
SINGLE = CType("float", "builtin_type_ieee_single", 4, None, T.DW_ATE_float)
DOUBLE = CType("float", "builtin_type_ieee_double", 8, None, T.DW_ATE_float)
INT8 = T.make_int("int8_t", 1, True)
INT8.nottext = True                         # builtin_int8: TYPE_NOTTEXT, printed as numbers
INT16 = T.make_int("int16_t", 2, True)
INT32 = T.make_int("int32_t", 4, True)
INT64 = T.make_int("int64_t", 8, True)
UINT128 = T.make_int("uint128_t", 16, False)
I387_EXT = CType("float", "builtin_type_i387_ext", 10, None, T.DW_ATE_float)
LONG = T.make_int("long", 4, True)          # the tdesc type "int" of fctrl..fop
MXCSR = CType("int", "i386_mxcsr", 4, None, T.DW_ATE_unsigned)


def _vector(name: str, elt: CType, count: int) -> CType:
    td = CType("typedef", name, 0, T.array_of(elt, count))
    return td


def _union(name: str, fields: list[tuple[str, CType]]) -> CType:
    u = CType("union", name, max(t.length for _, t in fields))
    u.members = [Member(n, t, 0) for n, t in fields]
    return u


VEC128 = _union("vec128", [
    ("v8_bfloat16", _vector("v8bf16", BFLOAT16, 8)), ("v8_half", _vector("v8h", HALF, 8)),
    ("v4_float", _vector("v4f", SINGLE, 4)), ("v2_double", _vector("v2d", DOUBLE, 2)),
    ("v16_int8", _vector("v16i8", INT8, 16)), ("v8_int16", _vector("v8i16", INT16, 8)),
    ("v4_int32", _vector("v4i32", INT32, 4)), ("v2_int64", _vector("v2i64", INT64, 2)),
    ("uint128", UINT128)])
MMX = _union("builtin_type_vec64i", [
    ("uint64", INT64), ("v2_int32", _vector("v2i32", INT32, 2)), ("v4_int16", _vector("v4i16", INT16, 4)),
    ("v8_int8", _vector("v8i8", INT8, 8))])

#: MXCSR's flags, SDM Vol. 1 10.2.3 (the fields of i386_mxcsr in 32bit-sse.xml).
MXCSR_FLAGS = (("IE", 0), ("DE", 1), ("ZE", 2), ("OE", 3), ("UE", 4), ("PE", 5), ("DAZ", 6), ("IM", 7),
               ("DM", 8), ("ZM", 9), ("OM", 10), ("UM", 11), ("PM", 12), ("FZ", 15))

ST_NAMES = tuple(f"st{i}" for i in range(8))
FPC_NAMES = ("fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop")
XMM_NAMES = tuple(f"xmm{i}" for i in range(8))
MM_NAMES = tuple(f"mm{i}" for i in range(8))
#: Every floating-point register gdb knows on this target, in gdb's register-number order.
FP_NAMES = (*ST_NAMES, *FPC_NAMES, *XMM_NAMES, "mxcsr", *MM_NAMES)
GROUPS = {
    "float": (*ST_NAMES, *FPC_NAMES),
    "sse": (*XMM_NAMES, "mxcsr"),
    "vector": (*XMM_NAMES, "mxcsr", *MM_NAMES),
    "mmx": MM_NAMES,
}


def flags_text(value: int, fields: tuple[tuple[str, int], ...]) -> str:
    """gdb's val_print_type_code_flags for one-bit fields: ``[ IM DM ]``, ``[ ]``."""
    return "[" + "".join(f" {n}" for n, bit in fields if value >> bit & 1) + " ]"


def ptype_flags(name: str, fields: tuple[tuple[str, int], ...]) -> list[str]:
    """``ptype`` of a flags type (gdb c_type_print_base_1, TYPE_CODE_FLAGS: one-bit fields)."""
    return [f"type = flag {name} {{", *(f"    bool {n + ' ' if n else ''}@{bit};" for n, bit in fields), "}"]


def physical(regs: list[int], n: int) -> int:
    """R``n`` as an 80-bit integer (sign and exponent above the 64-bit significand)."""
    b = C.fpr_id(n)
    return (regs[b + 2] & 0xFFFF) << 64 | (regs[b + 1] & 0xFFFFFFFF) << 32 | regs[b] & 0xFFFFFFFF


def top(regs: list[int]) -> int:
    return regs[C.FSTAT] >> 11 & 7


def st(regs: list[int], i: int) -> int:
    return physical(regs, (top(regs) + i) % 8)


def tag_word(regs: list[int]) -> int:
    """The full 16-bit tag word gdb shows, from the abridged one (as i387_supply_fxsave does)."""
    abridged = regs[C.FTAG]
    word = 0
    for n in range(8):
        tag = f80_tag(physical(regs, n)) if abridged >> n & 1 else 3
        word |= tag << (2 * n)
    return word


def value_of(regs: list[int], name: str) -> tuple[CType, bytes] | None:
    """The type and bytes of a floating-point register, None if ``name`` is not one."""
    if name in ST_NAMES:
        return I387_EXT, st(regs, int(name[2:])).to_bytes(10, "little")
    if name in XMM_NAMES:
        n = int(name[3:])
        data = b"".join((regs[C.xmm_id(n, k)] & 0xFFFFFFFF).to_bytes(4, "little") for k in range(4))
        return VEC128, data
    if name in MM_NAMES:
        i = (int(name[2:]) + top(regs)) % 8       # i386_mmx_regnum_to_fp_regnum
        return MMX, (st(regs, i) & ((1 << 64) - 1)).to_bytes(8, "little")
    if name == "mxcsr":
        return MXCSR, (regs[C.MXCSR] & 0xFFFFFFFF).to_bytes(4, "little")
    if name in FPC_NAMES:
        v = {"fctrl": regs[C.FCTRL] & 0xFFFF, "fstat": regs[C.FSTAT] & 0xFFFF, "ftag": tag_word(regs)}.get(name, 0)
        return LONG, v.to_bytes(4, "little")
    return None


def reg_ids(name: str) -> tuple[int, ...]:
    """The state's register ids a register is made of (for history and last-write): xmm0 is
    four, mxcsr/fctrl/fstat one; the st, mm and tag registers depend on TOP, so none."""
    if name in XMM_NAMES:
        n = int(name[3:])
        return tuple(C.xmm_id(n, k) for k in range(4))
    if name in ("mxcsr", "fctrl", "fstat"):
        return (C.REG_IDS[name],)
    return ()


# ---- info float (gdb i387-tdep.c i387_print_float_info) --------------------------------------
_TAGS = ("Valid", "Zero", "Special", "Empty")


def _i387_value(raw: int) -> str:
    """print_i387_value: the value through `` %-+27.19Lg``."""
    sign = "-" if raw >> 79 & 1 else "+"
    _, m, e = decode80(raw)
    return " " + (sign + (format_g(m, e, 19) if m else "0")).ljust(27)


def _i387_ext(raw: int) -> str:
    """print_i387_ext: the classification (and value) after a register's raw bits."""
    sign = raw >> 79 & 1
    exp = raw >> 64 & 0x7FFF
    integer = raw >> 63 & 1
    fraction = raw & ((1 << 63) - 1)
    if exp == 0x7FFF and integer:
        if fraction == 0:
            return " " + ("-" if sign else "+") + "Inf"
        if sign and fraction == 1 << 62:
            return " Real Indefinite (QNaN)"
        return " QNaN" if fraction & (1 << 62) else " SNaN"
    if 0 < exp < 0x7FFF and integer:
        return _i387_value(raw)
    if exp == 0:
        text = _i387_value(raw)
        if integer:
            return text + " Pseudo-denormal"
        return text + (" Denormal" if fraction else "")
    return " Unsupported"


def _flags(word: int, pairs: tuple[tuple[int, str], ...]) -> str:
    return "".join(f" {n if word >> b & 1 else '  '}" for b, n in pairs)


_PC = ("Single Precision (24-bits)", "Reserved", "Double Precision (53-bits)", "Extended Precision (64-bits)")
_RC = ("Round to nearest", "Round down", "Round up", "Round toward zero")


def info_float(regs: list[int]) -> list[str]:
    """gdb's ``info float`` on i386: the physical registers R7..R0 (``=>`` at TOP) with
    their tags, the status, control and tag words; the instruction and operand pointers
    and the opcode are not tracked (0)."""
    fstat = regs[C.FSTAT] & 0xFFFF
    fctrl = regs[C.FCTRL] & 0xFFFF
    ftag = tag_word(regs)
    tos = fstat >> 11 & 7
    out = []
    for fpreg in range(7, -1, -1):
        raw = physical(regs, fpreg)
        tag = ftag >> (2 * fpreg) & 3
        line = ("=>" if fpreg == tos else "  ") + f"R{fpreg}: {_TAGS[tag]:<7} 0x{raw:020x}"
        out.append(line + (_i387_ext(raw) if tag != 3 else ""))
    out.append("")
    out.append(f"Status Word:         {fstat:#06x}  "
               + _flags(fstat, ((0, "IE"), (1, "DE"), (2, "ZE"), (3, "OE"), (4, "UE"), (5, "PE"))) + "  "
               + _flags(fstat, ((7, "ES"),)) + "  " + _flags(fstat, ((6, "SF"),)) + "  "
               + _flags(fstat, ((8, "C0"), (9, "C1"), (10, "C2"), (14, "C3"))))
    out.append(f"                       TOP: {tos}")
    out.append(f"Control Word:        {fctrl:#06x}  "
               + _flags(fctrl, ((0, "IM"), (1, "DM"), (2, "ZM"), (3, "OM"), (4, "UM"), (5, "PM"))))
    out.append(f"                       PC: {_PC[fctrl >> 8 & 3]}")
    out.append(f"                       RC: {_RC[fctrl >> 10 & 3]}")
    out.append(f"Tag Word:            {ftag:#06x}")
    out.append("Instruction Pointer: 0x00:0x00000000")
    out.append("Operand Pointer:     0x00:0x00000000")
    out.append("Opcode:              0x0000")
    return out
