"""Encode one instruction to the exact bytes GNU as 2.40 (``as --32``) emits.

The encoder walks the table entries of a mnemonic in GNU as's template order
and takes the first whose operand kinds match (as does, see
``match_template`` in binutils ``gas/config/tc-i386.c``).  The choices as makes
between equivalent encodings follow from that order plus the few rules
written down here: a sign-extended imm8 only for non-symbolic values that fit,
the shortest displacement for non-symbolic memory operands, no segment prefix
when it names the default segment.
"""
from __future__ import annotations

from vmdebug.isa.operands import REGISTERS, SEGMENT_REGS, Imm, Mem, Operand, Reg, Rel
from vmdebug.isa.table import (ALIASES, BY_MNEMONIC, FP_MEM_SIZE, SSE_PREDICATE_OPS, STRING_SUFFIXED, X87_IMPLIED,
                               Entry)

__all__ = ["EncodeError", "encode", "branch_forms", "nop_padding", "encode_modrm"]


class EncodeError(Exception):
    """The instruction cannot be encoded; the message is one human-readable line."""


SEGMENT_PREFIX = {"es": 0x26, "cs": 0x2E, "ss": 0x36, "ds": 0x3E, "fs": 0x64, "gs": 0x65}
_SCALE_BITS = {1: 0, 2: 1, 4: 2, 8: 3}
_REP_BYTES = {"rep": 0xF3, "repe": 0xF3, "repz": 0xF3, "repne": 0xF2, "repnz": 0xF2}


def _signed32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def _reg_code(name: str) -> int:
    code, size = REGISTERS.get(name, (0, 0))
    if size != 32:
        raise EncodeError(f"`{name}' is not a valid base/index expression")
    return code


def encode_modrm(reg_field: int, rm: Reg | Mem) -> tuple[bytes, int | None]:
    """ModRM (+SIB +displacement) bytes for ``rm``, and the segment prefix byte it needs.

    Rules from SDM Vol. 2A 2.1.5 (Tables 2-2 and 2-3) plus as's choices: no
    displacement for ``[reg]`` except ebp (which needs mod=01 disp8 0), disp8
    when the value fits and is not a relocatable symbol, SIB for esp as base,
    ``[index*scale+disp32]`` with base field 101 when there is no base, and an
    esp "index" with scale 1 swapped into the base slot.
    """
    if isinstance(rm, Reg):
        return bytes([0xC0 | (reg_field << 3) | rm.code]), None
    base, index, scale = rm.base, rm.index, rm.scale
    if index == "esp" and scale == 1 and base != "esp":
        base, index = index, base
    if index == "esp":
        raise EncodeError("`esp' is not a valid index register")
    if scale not in _SCALE_BITS:
        raise EncodeError(f"scale factor of {scale} without an index register" if index is None
                          else "expecting scale factor of 1, 2, 4, or 8")
    disp = _signed32(rm.disp)
    seg = None
    if rm.seg is not None:
        if rm.seg not in SEGMENT_PREFIX:
            raise EncodeError(f"bad segment register `{rm.seg}'")
        default = "ss" if base in ("esp", "ebp") else "ds"
        if rm.seg != default:
            seg = SEGMENT_PREFIX[rm.seg]
    if base is None and index is None:
        return bytes([(reg_field << 3) | 5]) + (disp & 0xFFFFFFFF).to_bytes(4, "little"), seg
    if base is not None:
        bcode = _reg_code(base)
        if rm.symbolic:
            mod = 2
        elif disp == 0 and bcode != 5:
            mod = 0
        elif -128 <= disp <= 127:
            mod = 1
        else:
            mod = 2
        tail = b"" if mod == 0 else (disp & 0xFF).to_bytes(1, "little") if mod == 1 else \
            (disp & 0xFFFFFFFF).to_bytes(4, "little")
    else:
        bcode, mod = 5, 0
        tail = (disp & 0xFFFFFFFF).to_bytes(4, "little")
    if index is None and bcode != 4:
        return bytes([(mod << 6) | (reg_field << 3) | bcode]) + tail, seg
    icode = 4 if index in (None, "eiz") else _reg_code(index)
    sib = (_SCALE_BITS[scale] << 6) | (icode << 3) | bcode
    return bytes([(mod << 6) | (reg_field << 3) | 4, sib]) + tail, seg


# --------------------------------------------------------------------------- matching

_IMM_RANGES = {"i8": 8, "i16": 16, "i32": 32, "u8": 8, "u16": 16}


def _kind_size(kind: str) -> int | None:
    for p in ("rm", "moffs", "r", "o", "X", "Y", "Z"):
        if kind.startswith(p) and kind[len(p):].isdigit():
            return int(kind[len(p):])
    return None


def _match_operand(kind: str, op: Operand, entry: Entry) -> str:
    """Return "" if ``op`` fits ``kind``; otherwise the failure reason."""
    if kind in FP_MEM_SIZE or kind in ("x", "xr", "st", "sti"):
        return _match_fp(kind, op)
    if isinstance(op, Reg):
        if op.name in SEGMENT_REGS:     # only the segment register kinds take one
            return "" if kind in ("sreg", op.name) else "type"
        if op.size > 32:
            return "type"
        if kind == "rmsw":
            return "" if op.size == 32 else "size"
        if kind in ("al", "ax", "eax", "cl", "dx"):
            return "" if op.name == kind else "type"
        if kind[0] in "ro" and not kind.startswith("rel"):
            size = _kind_size(kind)
            if size is None:
                return "type"
            return "" if op.size == size else "size"
        return "type"
    if isinstance(op, Mem):
        if kind == "m":
            return ""
        if kind == "rmsw":              # a segment register move reads or writes a word
            return "" if op.size in (None, 16) else "size"
        if kind.startswith("rm") or kind.startswith("moffs") or kind[0] in "XYZ":
            size = _kind_size(kind)
            if kind.startswith("moffs") and (op.base is not None or op.index is not None):
                return "type"
            if kind[0] == "X" and (op.base != "esi" or op.index is not None or op.disp):
                return "type"
            if kind[0] == "Z" and (op.base != "ebx" or op.index is not None or op.disp):
                return "type"
            if kind[0] == "Y" and (op.base != "edi" or op.index is not None or op.disp
                                   or op.seg not in (None, "es")):
                return "type"
            if op.size is None:
                return ""
            return "" if op.size == size else "size"
        return "type"
    if isinstance(op, Imm):
        v = op.value
        if kind == "1":
            return "" if v == 1 and not op.symbolic else "type"
        if kind == "s8":
            if op.symbolic:
                return "type"
            bits = entry.opsize or 32
            v &= (1 << bits) - 1
            if v >= 1 << (bits - 1):
                v -= 1 << bits
            return "" if -128 <= v <= 127 else "range"
        bits = _IMM_RANGES.get(kind)
        if bits is None:
            return "type"
        return "" if -(1 << (bits - 1)) <= v < (1 << bits) else "range"
    if isinstance(op, Rel):
        return "" if kind in ("rel8", "rel32") else "type"
    return "type"


def _match_fp(kind: str, op: Operand) -> str:
    """The SSE and x87 kinds: an xmm register, an st register, or memory of a fixed size."""
    if isinstance(op, Reg):
        if kind in ("x", "xr") or kind.startswith("xm"):
            return "" if op.size == 128 else "type"
        if kind == "sti":
            return "" if op.size == 80 else "type"
        if kind == "st":
            return "" if op.size == 80 and op.code == 0 else "type"
        return "type"
    if isinstance(op, Mem) and kind in FP_MEM_SIZE:
        return "" if op.size in (None, FP_MEM_SIZE[kind]) else "size"
    return "type"


def _size_inferred(entry: Entry, ops: tuple[Operand, ...]) -> bool:
    """An unsized memory operand takes its size from a register operand (as's rule).

    Without one as reports "ambiguous operand size", except for instructions
    whose memory operand has one natural size in 32-bit code (push, pop, call,
    jmp, setcc, lea).
    """
    for kind, op in zip(entry.operands, ops):
        if not (isinstance(op, Mem) and op.size is None) or kind == "m":
            continue
        if kind.startswith("xm"):
            continue            # an SSE operand's memory has the size the instruction implies
        if kind in FP_MEM_SIZE:
            if sum(1 for e in BY_MNEMONIC[entry.mnemonic] if any(k in FP_MEM_SIZE for k in e.operands)) > 1:
                return False    # fld [eax]: m32, m64 or m80?
            continue
        if (entry.unsized_mem_ok and entry.opsize != 16) or kind == "rmsw":
            continue
        size = _kind_size(kind)
        if not any(isinstance(o, Reg) and o.size == size and k not in ("cl", "dx")
                   for k, o in zip(entry.operands, ops)):
            return False
    return True


def _pick(mnemonic: str, cands: tuple[Entry, ...], ops: tuple[Operand, ...],
          branch: str | None, address: int, prefix_len: int) -> tuple[Entry, tuple[Operand, ...]]:
    reasons: set[str] = set()
    rel_fallback: tuple[Entry, tuple[Operand, ...]] | None = None
    for entry in cands:
        if len(entry.operands) != len(ops):
            reasons.add("count")
            continue
        orders = [ops]
        if entry.commutative and len(ops) == 2:
            orders.append((ops[1], ops[0]))
        for cand in orders:
            bad = [r for r in (_match_operand(k, o, entry) for k, o in zip(entry.operands, cand)) if r]
            if bad:
                # A template that only failed on an immediate's range explains the error best.
                reasons.add({"range"}.issuperset(bad) and "range_only"
                            or {"size", "range"}.issuperset(bad) and "size_only" or "type")
                continue
            if not _size_inferred(entry, cand):
                reasons.add("ambiguous")
                continue
            if "rel8" in entry.operands:
                if branch == "near":
                    continue
                if branch is None and not _rel8_fits(entry, cand, address, prefix_len):
                    rel_fallback = rel_fallback or (entry, cand)
                    continue
            if "rel32" in entry.operands and branch == "short":
                continue
            return entry, cand
    if rel_fallback is not None:
        return rel_fallback
    if "ambiguous" in reasons:
        raise EncodeError(f"ambiguous operand size for `{mnemonic}'")
    if "range_only" in reasons:
        raise EncodeError(f"immediate out of range for `{mnemonic}'")
    if branch == "short" and any("rel32" in e.operands for e in cands):
        raise EncodeError(f"no short form of `{mnemonic}'")
    if branch == "near" and any("rel8" in e.operands for e in cands):
        raise EncodeError(f"no near form of `{mnemonic}'")
    if "size_only" in reasons:
        raise EncodeError(f"operand size mismatch for `{mnemonic}'")
    if reasons == {"count"}:
        raise EncodeError(f"number of operands mismatch for `{mnemonic}'")
    raise EncodeError(f"operand type mismatch for `{mnemonic}'")


def _rel8_fits(entry: Entry, ops: tuple[Operand, ...], address: int, prefix_len: int) -> bool:
    rel = next(o for o in ops if isinstance(o, Rel))
    end = address + prefix_len + len(entry.opcode) + 1
    return -128 <= _signed32(rel.target - end) <= 127


# --------------------------------------------------------------------------- public API


def encode(mnemonic: str, operands: tuple[Operand, ...] = (), *, prefixes: tuple[str, ...] = (),
           address: int = 0, branch: str | None = None) -> bytes:
    """Bytes of one instruction, identical to what ``as --32`` emits for the same Intel line.

    ``branch`` selects 'short' (rel8) or 'near' (rel32) for Rel operands; None
    picks the short form when the target is in range.  ``address`` is where
    the instruction starts (needed only for Rel operands).
    """
    name = mnemonic.lower()
    ops = tuple(operands)
    for op in ops:
        if isinstance(op, Reg) and REGISTERS.get(op.name) != (op.code, op.size) and SEGMENT_REGS.get(op.name) != op:
            raise EncodeError(f"bad register `{op.name}' for `{mnemonic}'")
    if name in STRING_SUFFIXED and not ops:
        name, size = STRING_SUFFIXED[name]
        return _encode_string(name, size, prefixes)
    name = ALIASES.get(name, name)
    if name in SSE_PREDICATE_OPS and len(ops) == 2:
        name, predicate = SSE_PREDICATE_OPS[name]
        ops += (Imm(predicate),)
    elif name in X87_IMPLIED and not ops:
        ops = tuple(Reg.named(r) for r in X87_IMPLIED[name])
    if name == "xlat" and not ops:
        ops = (Mem(8, base="ebx"),)
    cands = BY_MNEMONIC.get(name)
    if cands is None:
        raise EncodeError(f"unknown mnemonic `{mnemonic}'")
    if name == "imul" and len(ops) == 2 and isinstance(ops[1], Imm):
        ops = (ops[0], ops[0], ops[1])  # as: "imul reg, imm" is "imul reg, reg, imm"
    elif name in ("shl", "shr", "sar", "rol", "ror", "rcl", "rcr") and len(ops) == 1:
        ops = (ops[0], Imm(1))  # one-operand shift = shift by one (D0/D1)
    elif name in ("bsf", "bsr") and any(p.lower() in ("rep", "repe", "repz") for p in prefixes):
        # as turns `rep bsf' (gcc's __builtin_ctz) into F3 0F BC, which is tzcnt.
        name = "tzcnt" if name == "bsf" else "lzcnt"
        cands = BY_MNEMONIC[name]
        prefixes = tuple(p for p in prefixes if p.lower() not in ("rep", "repe", "repz"))
    elif name == "nop" and not ops and any(p.lower() in ("rep", "repe", "repz") for p in prefixes):
        return encode("pause", (), prefixes=tuple(p for p in prefixes if p.lower() not in ("rep", "repe", "repz")))
    elif name == "int" and ops == (Imm(3),):
        return encode("int3", (), prefixes=prefixes)  # as emits the one-byte 0xCC for `int 3'
    elif name == "push" and len(ops) == 1 and isinstance(ops[0], Imm) and ops[0].size == 16:
        cands = BY_MNEMONIC["pushw"]
    prefix_bytes = _prefix_bytes(prefixes, mnemonic)
    entry, ops = _pick(mnemonic, cands, ops, branch, address, len(prefix_bytes) + 1)
    return _emit(entry, ops, prefix_bytes, prefixes, mnemonic, address)


def _prefix_bytes(prefixes: tuple[str, ...], mnemonic: str) -> bytes:
    out = bytearray()
    for p in prefixes:
        p = p.lower()
        if p in _REP_BYTES:
            out.append(_REP_BYTES[p])
        elif p in ("lock", "notrack", "bnd") or p in SEGMENT_PREFIX:
            out.append(0xF0)
        else:
            raise EncodeError(f"unknown prefix `{p}' for `{mnemonic}'")
    # Only the count matters here (for branch lengths); _emit orders them as as does.
    return bytes(out)


def _encode_string(name: str, size: int, prefixes: tuple[str, ...]) -> bytes:
    entry = next(e for e in BY_MNEMONIC[name] if e.opsize == size)
    ops: list[Operand] = []
    for kind in entry.operands:
        if kind[0] == "X":
            ops.append(Mem(size, base="esi"))
        elif kind[0] == "Y":
            ops.append(Mem(size, base="edi", seg="es"))
        else:
            ops.append(Reg.named(kind))
    return _emit(entry, tuple(ops), b"", prefixes, name, 0)


def _emit(entry: Entry, ops: tuple[Operand, ...], prefix_bytes: bytes, prefixes: tuple[str, ...],
          mnemonic: str, address: int) -> bytes:
    """Assemble prefixes, opcode, ModRM/SIB/disp and immediates for a matched entry."""
    seg: int | None = None
    modrm = b""
    tail = bytearray()
    opcode = bytearray(entry.opcode)
    reg_field = entry.ext or 0
    rm_op: Reg | Mem | None = None
    for kind, op in zip(entry.operands, ops):
        if isinstance(op, Reg):
            if kind.startswith(("rm", "xm")) or kind == "xr":
                rm_op = op
            elif kind[0] == "r" or kind in ("x", "sreg"):
                reg_field = op.code
            elif kind[0] == "o" or kind == "sti":
                opcode[-1] |= op.code
        elif isinstance(op, Mem):
            if kind == "m" or kind.startswith("rm") or kind in FP_MEM_SIZE:
                rm_op = op
            elif kind.startswith("moffs"):
                tail += (op.disp & 0xFFFFFFFF).to_bytes(4, "little")
                if op.seg not in (None, "ds"):
                    seg = SEGMENT_PREFIX[op.seg]
            elif kind[0] in "XZ" and op.seg not in (None, "ds"):
                if op.seg not in SEGMENT_PREFIX:
                    raise EncodeError(f"bad segment register `{op.seg}'")
                seg = SEGMENT_PREFIX[op.seg]
    if entry.modrm:
        assert rm_op is not None
        modrm, mseg = encode_modrm(reg_field, rm_op)
        seg = mseg if mseg is not None else seg
    for kind, op in zip(entry.operands, ops):
        if isinstance(op, Imm):
            if kind == "1":
                continue
            if kind in ("s8", "i8", "u8"):
                width = 1
            elif kind in ("i16", "u16"):
                width = 2
            else:
                width = 4
            tail += (op.value & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
    if "notrack" in prefixes:
        if entry.mnemonic not in ("call", "jmp") or not entry.modrm:
            raise EncodeError("expecting indirect branch instruction after `notrack'")
        seg = SEGMENT_PREFIX["ds"]
    # A segment prefix written as a word (``es nop``): as emits it even where no memory operand
    # uses it, where the CPU ignores it (SDM Vol. 2A 2.1.1).
    word = next((p.lower() for p in prefixes if p.lower() in SEGMENT_PREFIX), None)
    if word is not None:
        seg = SEGMENT_PREFIX[word]
    # Prefix order as emits them: segment, operand size, rep, lock (tc-i386.c prefix slots).
    out = bytearray()
    if seg is not None:
        out.append(seg)
    if entry.opsize == 16:
        out.append(0x66)
    for p in prefixes:
        p = p.lower()
        if p in _REP_BYTES:
            if entry.rep is None or (entry.rep == "ret" and _REP_BYTES[p] == 0xF2):
                raise EncodeError(f"invalid instruction `{mnemonic}' after `{p}'")
            out.append(_REP_BYTES[p])
    if "bnd" in (p.lower() for p in prefixes):
        if not entry.bnd:       # MPX's BND prefix, F2 on a near branch (tc-i386.c)
            raise EncodeError("expecting valid branch instruction after `bnd'")
        out.append(0xF2)
    if entry.mandatory is not None:
        out.append(entry.mandatory)
    if "lock" in (p.lower() for p in prefixes):
        if not entry.lock or not ops or not isinstance(ops[0], Mem):
            raise EncodeError("expecting lockable instruction after `lock'")
        out.append(0xF0)
    out += opcode
    out += modrm
    out += tail
    for kind, op in zip(entry.operands, ops):
        if isinstance(op, Rel):
            width = 1 if kind == "rel8" else 4
            end = address + len(out) + width
            disp = _signed32(op.target - end)
            if width == 1 and not -128 <= disp <= 127:
                raise EncodeError(f"branch target out of range for short `{mnemonic}'")
            out += (disp & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
    return bytes(out)


def branch_forms(mnemonic: str) -> tuple[int | None, int | None]:
    """(length of the short rel8 form or None, length of the near rel32 form or None)."""
    name = ALIASES.get(mnemonic.lower(), mnemonic.lower())
    cands = BY_MNEMONIC.get(name)
    if cands is None:
        raise EncodeError(f"unknown mnemonic `{mnemonic}'")
    short = next((len(e.opcode) + 1 for e in cands if e.operands == ("rel8",)), None)
    near = next((len(e.opcode) + 4 for e in cands if e.operands == ("rel32",)), None)
    if short is None and near is None:
        raise EncodeError(f"`{mnemonic}' is not a relative branch")
    return short, near


# GNU as 2.40 .p2align padding in 32-bit code at default tuning, found by
# experiment (as --32 + objdump): 7-byte `lea esi,[esi+eiz*1+0x0]` pieces, a
# shorter tail, and above 20 bytes a jmp over the nops (rel8 up to 129 bytes,
# then rel32).  See i386_generate_nops in gas/config/tc-i386.c.
_NOP_TAILS = {
    1: bytes.fromhex("90"), 2: bytes.fromhex("6690"), 3: bytes.fromhex("8d7600"),
    4: bytes.fromhex("8d742600"), 5: bytes.fromhex("8d74260090"), 6: bytes.fromhex("8db600000000"),
    7: bytes.fromhex("8db42600000000"),
}


def _nops(n: int) -> bytes:
    out = bytearray()
    while n >= 7:
        out += _NOP_TAILS[7]
        n -= 7
    if n:
        out += _NOP_TAILS[n]
    return bytes(out)


def nop_padding(n: int) -> bytes:
    """The ``n`` bytes of padding GNU as 2.40 emits for ``.p2align`` in a text section."""
    if n < 0:
        raise ValueError("negative padding")
    if n <= 20:
        return _nops(n)
    if n <= 129:
        return bytes([0xEB, n - 2]) + _nops(n - 2)
    return b"\xe9" + (n - 5).to_bytes(4, "little") + _nops(n - 5)
