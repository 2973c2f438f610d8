"""vmdebug/machine/ieee.py and x87.py against the real CPU, bit for bit.

A freestanding i386 program (fp_native.py) runs each SSE/x87 operation over tables of operand
bit patterns - quiet and signalling NaNs of both signs with payloads, infinities, signed zeros,
denormals, the smallest and largest normals, ties for every rounding, values that overflow or
underflow when narrowed, integers at the 2**15/2**31/2**63 edges - under each rounding mode
(and DAZ/FZ for SSE), and reports the result, MXCSR or the x87 status word, and EFLAGS.  Each
case is compared with the model; a failure lists the first mismatches readably.  Hypothesis then
sends random bit patterns through the same program in batches.

All exceptions stay masked: an unmasked one would trap (SIGFPE) natively.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fp_native import A, ALL_ARITH_FLAGS, B, CTL, EFLAGS, OUT, STATUS, Harness, NativeOp
from vmdebug.machine import ieee, x87

# ---------------------------------------------------------------------------------------------
# The ops: native body and model, side by side

Model = Callable[[int, int, int], tuple[int, int, int]]   # (ctl, a, b) -> (result, status, eflags)


@dataclass(frozen=True)
class Case:
    """One op: how the CPU runs it and what the model says.  ``result_mask`` selects the bytes
    of the destination that the op defines, ``status_mask`` and ``eflags_mask`` the bits that
    are compared."""

    op: NativeOp
    model: Model
    result_mask: int
    status_mask: int = 0xFFFFFFFF
    eflags_mask: int = 0


ZF, PF, CF = 0x40, 0x04, 0x01
MXCSR_BASE = ieee.MXCSR_DEFAULT


def _sse_cases() -> list[Case]:
    cases: list[Case] = []
    for size, sfx, mov, width in ((64, "sd", "movsd", "QWORD"), (32, "ss", "movss", "DWORD")):
        rmask = (1 << size) - 1
        for op in ieee._ARITH_OPS:
            body = f"""ldmxcsr {CTL}
                       {mov} xmm0, {width} PTR {A}
                       {mov} xmm1, {width} PTR {B}
                       {op}{sfx} xmm0, xmm1
                       {mov} {width} PTR {OUT}, xmm0
                       stmxcsr {STATUS}"""
            cases.append(Case(NativeOp(f"{op}{sfx}", body),
                              lambda c, a, b, op=op, size=size: (*ieee.sse_arith(op, a, b, size, c), 0), rmask))
        body = f"""ldmxcsr {CTL}
                   sqrt{sfx} xmm0, {width} PTR {A}
                   {mov} {width} PTR {OUT}, xmm0
                   stmxcsr {STATUS}"""
        cases.append(Case(NativeOp(f"sqrt{sfx}", body),
                          lambda c, a, b, size=size: (*ieee.sse_sqrt(a, size, c), 0), rmask))
        for name, signaling in (("ucomi", False), ("comi", True)):
            body = f"""ldmxcsr {CTL}
                       {mov} xmm0, {width} PTR {A}
                       push {ALL_ARITH_FLAGS}
                       popfd
                       {name}{sfx} xmm0, {width} PTR {B}
                       pushfd
                       pop DWORD PTR {EFLAGS}
                       stmxcsr {STATUS}"""

            def comi(c: int, a: int, b: int, size: int = size, signaling: bool = signaling) -> tuple[int, int, int]:
                zf, pf, cf, mxcsr = ieee.sse_comi(a, b, size, signaling, c)
                return 0, mxcsr, (ZF if zf else 0) | (PF if pf else 0) | (CF if cf else 0)
            # OF, SF and AF are cleared by the instruction: all six flags are compared.
            cases.append(Case(NativeOp(f"{name}{sfx}", body), comi, 0, eflags_mask=ALL_ARITH_FLAGS))
        for pred, pname in enumerate(ieee.CMP_PREDICATES):
            body = f"""ldmxcsr {CTL}
                       {mov} xmm0, {width} PTR {A}
                       {mov} xmm1, {width} PTR {B}
                       cmp{pname}{sfx} xmm0, xmm1
                       {mov} {width} PTR {OUT}, xmm0
                       stmxcsr {STATUS}"""

            def cmp(c: int, a: int, b: int, size: int = size, pred: int = pred) -> tuple[int, int, int]:
                result, mxcsr = ieee.sse_cmp(a, b, size, pred, c)
                return ((1 << size) - 1 if result else 0), mxcsr, 0
            cases.append(Case(NativeOp(f"cmp{pname}{sfx}", body), cmp, rmask))
        body = f"""ldmxcsr {CTL}
                   cvtsi2{sfx} xmm0, DWORD PTR {A}
                   {mov} {width} PTR {OUT}, xmm0
                   stmxcsr {STATUS}"""
        cases.append(Case(NativeOp(f"cvtsi2{sfx}", body),
                          lambda c, a, b, size=size: (*ieee.cvt_int_to_fp(_s32(a), size, c), 0), rmask))
        for t in ("", "t"):
            body = f"""ldmxcsr {CTL}
                       cvt{t}{sfx}2si eax, {width} PTR {A}
                       mov {OUT}, eax
                       stmxcsr {STATUS}"""
            cases.append(Case(NativeOp(f"cvt{t}{sfx}2si", body),
                              lambda c, a, b, size=size, t=bool(t): (*ieee.cvt_fp_to_int(a, size, t, c), 0),
                              0xFFFFFFFF))
    body = f"""ldmxcsr {CTL}
               cvtsd2ss xmm0, QWORD PTR {A}
               movss DWORD PTR {OUT}, xmm0
               stmxcsr {STATUS}"""
    cases.append(Case(NativeOp("cvtsd2ss", body),
                      lambda c, a, b: (*ieee.cvt_fp_to_fp(a, 64, 32, c), 0), 0xFFFFFFFF))
    body = f"""ldmxcsr {CTL}
               cvtss2sd xmm0, DWORD PTR {A}
               movsd QWORD PTR {OUT}, xmm0
               stmxcsr {STATUS}"""
    cases.append(Case(NativeOp("cvtss2sd", body),
                      lambda c, a, b: (*ieee.cvt_fp_to_fp(a, 32, 64, c), 0), (1 << 64) - 1))
    return cases


def _s32(pattern: int) -> int:
    pattern &= 0xFFFFFFFF
    return pattern - (1 << 32) if pattern >> 31 else pattern


def _signed(pattern: int, width: int) -> int:
    pattern &= (1 << width) - 1
    return pattern - (1 << width) if pattern >> (width - 1) else pattern


# The x87 status word bits compared: the exception flags, SF and C1 (TOP is back to 0 after
# each sequence, C0/C2/C3 are undefined after stores).
FSW_MASK = 0x7F | x87.FSW_C1
F80_MASK = (1 << 80) - 1
X87_PRELUDE = f"""fninit
                  fldcw WORD PTR {CTL}"""


def _x87_cases() -> list[Case]:
    cases: list[Case] = []
    for size, width in ((32, "DWORD"), (64, "QWORD")):
        body = f"""{X87_PRELUDE}
                   fld {width} PTR {A}
                   fnstsw WORD PTR {STATUS}
                   fstp TBYTE PTR {OUT}"""
        cases.append(Case(NativeOp(f"fld_m{size}fp", body),
                          lambda c, a, b, size=size: (*x87.f80_from_fp(a, size), 0), F80_MASK, FSW_MASK))
        body = f"""{X87_PRELUDE}
                   fld TBYTE PTR {A}
                   fstp {width} PTR {OUT}
                   fnstsw WORD PTR {STATUS}"""
        cases.append(Case(NativeOp(f"fstp_m{size}fp", body),
                          lambda c, a, b, size=size: (*x87.f80_to_fp(a, size, c), 0), (1 << size) - 1, FSW_MASK))
    for bits, width in ((16, "WORD"), (32, "DWORD"), (64, "QWORD")):
        body = f"""{X87_PRELUDE}
                   fild {width} PTR {A}
                   fnstsw WORD PTR {STATUS}
                   fstp TBYTE PTR {OUT}"""
        cases.append(Case(NativeOp(f"fild_m{bits}int", body),
                          lambda c, a, b, bits=bits: (x87.f80_from_int(_signed(a, bits)), 0, 0), F80_MASK, FSW_MASK))
        for insn, truncate in (("fistp", False), ("fisttp", True)):
            body = f"""{X87_PRELUDE}
                       fld TBYTE PTR {A}
                       {insn} {width} PTR {OUT}
                       fnstsw WORD PTR {STATUS}"""
            cases.append(Case(NativeOp(f"{insn}_m{bits}int", body),
                              lambda c, a, b, bits=bits, t=truncate: (*x87.f80_to_int(a, bits, c, t), 0),
                              (1 << bits) - 1, FSW_MASK))
    for insn, signaling in (("fucomi", False), ("fcomi", True)):
        body = f"""{X87_PRELUDE}
                   fld TBYTE PTR {B}
                   fld TBYTE PTR {A}
                   push {ALL_ARITH_FLAGS}
                   popfd
                   {insn} st, st(1)
                   pushfd
                   pop DWORD PTR {EFLAGS}
                   fnstsw WORD PTR {STATUS}"""

        def compare(c: int, a: int, b: int, signaling: bool = signaling) -> tuple[int, int, int]:
            zf, pf, cf, fsw = x87.f80_compare(a, b, signaling)
            return 0, fsw, (ZF if zf else 0) | (PF if pf else 0) | (CF if cf else 0)
        # FCOMI leaves OF, SF and AF alone (they are set before it here): only ZF PF CF compared.
        cases.append(Case(NativeOp(insn, body), compare, 0, FSW_MASK, ZF | PF | CF))
    for insn, fn in (("fchs", x87.f80_chs), ("fabs", x87.f80_abs)):
        body = f"""{X87_PRELUDE}
                   fld TBYTE PTR {A}
                   {insn}
                   fnstsw WORD PTR {STATUS}
                   fstp TBYTE PTR {OUT}"""
        cases.append(Case(NativeOp(insn, body), lambda c, a, b, fn=fn: (fn(a), 0, 0), F80_MASK, FSW_MASK))
    return cases


CASES: list[Case] = _sse_cases() + _x87_cases()
BY_NAME = {case.op.name: case for case in CASES}

# ---------------------------------------------------------------------------------------------
# Operand tables

F64_VALUES = [
    0x0000000000000000, 0x8000000000000000,                          # +-0
    0x0000000000000001, 0x8000000000000001,                          # smallest denormals
    0x000FFFFFFFFFFFFF, 0x800FFFFFFFFFFFFF, 0x0008000000000000,      # largest denormal, a middle one
    0x0010000000000000, 0x8010000000000000, 0x0010000000000001,      # smallest normals
    0x3FF0000000000000, 0xBFF0000000000000, 0x3FF0000000000001,      # 1, -1, 1 + ulp
    0x3FEFFFFFFFFFFFFF, 0x3FF8000000000000, 0x4000000000000000,      # 1 - ulp/2, 1.5, 2
    0x4008000000000000, 0xC008000000000000, 0x3FE0000000000000,      # 3, -3, 0.5
    0xBFE0000000000000, 0x3FF4000000000000, 0x4004000000000000,      # -0.5, 1.25, 2.5
    0xC004000000000000, 0x400C000000000000, 0xBFF8000000000000,      # -2.5, 3.5, -1.5
    0x3CA0000000000000, 0x3CB8000000000000, 0x3CA0000000000001,      # 2**-53 (half ulp of 1), 3*2**-53, just above
    0x7FEFFFFFFFFFFFFF, 0xFFEFFFFFFFFFFFFF, 0x7FE0000000000000,      # largest, 2**1023
    0x7FF0000000000000, 0xFFF0000000000000,                          # +-inf
    0x7FF8000000000000, 0xFFF8000000000000, 0x7FF8000000000123, 0xFFFC000000000ABC,   # QNaNs
    0x7FF0000000000001, 0xFFF4000000000456, 0x7FF7FFFFFFFFFFFF,      # SNaNs
    0x41E0000000000000, 0xC1E0000000000000, 0x41DFFFFFFFC00000,      # 2**31, -2**31, 2**31 - 1
    0x41DFFFFFFFE00000, 0xC1E0000000100000, 0x41E0000000100000,      # 2**31 - 0.5, -2**31 - 0.5, 2**31 + 0.5
    0xC1E0000000200000, 0x4330000000000000, 0x4340000000000001,      # -2**31 - 1, 2**52, 2**53 + 2
    0x47EFFFFFE0000000, 0x47EFFFFFF0000000, 0xC7EFFFFFF0000001,      # FLT_MAX, FLT_MAX + half ulp, beyond
    0x36A0000000000000, 0x3690000000000000, 0x3698000000000000,      # 2**-149, 2**-150, 1.5 * 2**-150
    0x3810000000000000, 0x380FFFFFFFFFFFFF, 0xB80FFFFFF0000000,      # FLT_MIN, just below (tiny before rounding only)
    0x3FB999999999999A, 0x400921FB54442D18, 0xC0DEADBEEF012345,      # 0.1, pi, something
]
F32_VALUES = [
    0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007FFFFF, 0x807FFFFF, 0x00400000,
    0x00800000, 0x80800000, 0x00800001, 0x3F800000, 0xBF800000, 0x3F800001, 0x3F7FFFFF,
    0x3FC00000, 0x40000000, 0x40400000, 0xC0400000, 0x3F000000, 0xBF000000, 0x3FA00000,
    0x40200000, 0xC0200000, 0x40600000, 0xBFC00000,
    0x33800000, 0x34400000, 0x33800001,                              # 2**-24, 3*2**-24, just above
    0x7F7FFFFF, 0xFF7FFFFF, 0x7F000000, 0x7F800000, 0xFF800000,
    0x7FC00000, 0xFFC00000, 0x7FC00123, 0xFFE00ABC, 0x7F800001, 0xFFA00456, 0x7FBFFFFF,
    0x4F000000, 0xCF000000, 0x4EFFFFFF, 0xCF000001, 0x4B800000, 0x4B800001,  # 2**31 edges, 2**24
    0x3DCCCCCD, 0x40490FDB, 0xDEADBEEF,
]
INT32_VALUES = [0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x80000001, 0x01000001, 0x01000003,
                0xFEFFFFFF, 0x7FFFFFC0, 0x7FFFFFBF, 0x7FFFFF40, 0x12345678, 0xFEDCBA98, 3, 0xFFFFFFFD]



def _f80_exact(sign: int, m: int, e: int) -> int:
    """The 80-bit pattern of (-1)**sign * m * 2**e (exact, normal)."""
    return x87._encode80(sign, abs(m), e)


def _f80_edges() -> list[int]:
    """Integers and halves around the 16/32/64-bit limits, as 80-bit patterns."""
    out = []
    for w in (16, 32, 64):
        for n in (1 << (w - 1)) - 1, 1 << (w - 1), -(1 << (w - 1)), -(1 << (w - 1)) - 1:
            sign = 1 if n < 0 else 0
            out.append(_f80_exact(sign, abs(n), 0))
            # |n| + 0.5, |n| - 0.5, |n| + 0.25 (not at 2**63, which would need 65 bits)
            for m, e in ((2 * abs(n) + 1, -1), (2 * abs(n) - 1, -1), (4 * abs(n) + 1, -2)):
                if m.bit_length() <= 64:
                    out.append(_f80_exact(sign, m, e))
    return out


F80_VALUES = [
    0x00000000000000000000, 0x80000000000000000000,                  # +-0
    0x00000000000000000001, 0x80007FFFFFFFFFFFFFFF, 0x00004000000000000000,   # denormals
    0x00008000000000000000, 0x00018000000000000000,                  # pseudo-denormal, smallest normal
    0x3FFF8000000000000000, 0xBFFF8000000000000000, 0x3FFF8000000000000001,   # 1, -1, 1 + ulp
    0x3FFF8000000000000400, 0x3FFF8000000000000C00, 0x3FFF8000000000000401,   # double ties: even, odd, above
    0xBFFF80000000000003FF, 0xBFFF8000000000000C00,
    0x3FFF8000008000000000, 0x3FFF8000018000000000, 0xBFFF8000008000000001,   # float ties
    0x3FFEC000000000000000, 0xBFFEC000000000000000, 0x4000A000000000000000,   # 0.75, -0.75, 2.5
    0x43FEFFFFFFFFFFFFF800, 0x43FEFFFFFFFFFFFFFC00, 0xC3FF8000000000000000,   # DBL_MAX, + half ulp, -2**1024
    0x3C018000000000000000, 0x3C00FFFFFFFFFFFFFFFF, 0xBC00FFFFFFFFFFFFF800,   # DBL_MIN, just below, tie below
    0x3BCD8000000000000000, 0x3BCC8000000000000000, 0x3BCCC000000000000000,   # 2**-1074, 2**-1075, 1.5 * 2**-1075
    0x407EFFFFFF0000000000, 0x407EFFFFFF8000000000, 0xC07EFFFFFF8000000001,   # FLT_MAX, + half ulp, beyond
    0x3F818000000000000000, 0x3F80FFFFFFFFFFFFFFFF, 0x3F6A8000000000000000,   # FLT_MIN, just below, 2**-149
    0x3F698000000000000000, 0x3F69C000000000000000,                  # 2**-150, 1.5 * 2**-150
    0x7FFEFFFFFFFFFFFFFFFF, 0xFFFEFFFFFFFFFFFFFFFF,                  # largest
    0x7FFF8000000000000000, 0xFFFF8000000000000000,                  # +-inf
    0x7FFFC000000000000000, 0xFFFFC000000000000000, 0x7FFFC000000000000123, 0xFFFFE000000000000ABC,  # QNaNs
    0x7FFF8000000000000001, 0xFFFFA000000000000456, 0x7FFFBFFFFFFFFFFFFFFF,  # SNaNs
    0x7FFF4000000000000000, 0x7FFF0000000000000000, 0x3FFF4000000000000000,  # pseudo-NaN, pseudo-inf, unnormal
    0x3FFBCCCCCCCCCCCCCCCD, 0x4000C90FDAA22168C235, 0xC03DFFFFFFFFFFFFFFFF,  # 0.1, pi, -(2**63 - 1) + ...
] + _f80_edges()
INT16_VALUES = [0, 1, 0xFFFF, 0x7FFF, 0x8000, 0x8001, 0x1234]
INT64_VALUES = [0, 1, (1 << 64) - 1, (1 << 63) - 1, 1 << 63, (1 << 63) + 1, 0x123456789ABCDEF0, 0xFFFFFFFF,
                0x80000000, (1 << 53) + 1]
FCWS = [x87.FCW_DEFAULT & ~(3 << x87.FCW_RC_SHIFT) | rc << x87.FCW_RC_SHIFT for rc in (0, 1, 2, 3)]


def _x87_jobs() -> list[tuple[str, int, int, int]]:
    jobs: list[tuple[str, int, int, int]] = []
    # Precision control (bits 8-9) must not affect stores: one run with PC = single.
    for fcw in FCWS + [0x007F]:
        jobs += [(f"fstp_m{size}fp", fcw, a, 0) for size in (32, 64) for a in F80_VALUES]
        jobs += [(f"{insn}_m{bits}int", fcw, a, 0) for insn in ("fistp", "fisttp") for bits in (16, 32, 64)
                 for a in F80_VALUES]
    jobs += [("fld_m32fp", x87.FCW_DEFAULT, a, 0) for a in F32_VALUES]
    jobs += [("fld_m64fp", x87.FCW_DEFAULT, a, 0) for a in F64_VALUES]
    jobs += [("fild_m16int", x87.FCW_DEFAULT, v, 0) for v in INT16_VALUES]
    jobs += [("fild_m32int", x87.FCW_DEFAULT, v, 0) for v in INT32_VALUES]
    jobs += [("fild_m64int", x87.FCW_DEFAULT, v, 0) for v in INT64_VALUES]
    jobs += [(insn, x87.FCW_DEFAULT, a, b) for insn in ("fucomi", "fcomi") for a in F80_VALUES for b in F80_VALUES]
    jobs += [(insn, x87.FCW_DEFAULT, a, 0) for insn in ("fchs", "fabs") for a in F80_VALUES]
    return jobs


RCS = (ieee.RN, ieee.RD, ieee.RU, ieee.RZ)
RC_NAMES = ("nearest", "down", "up", "zero")
MXCSRS = [MXCSR_BASE | rc << ieee.RC_SHIFT for rc in RCS]
# DAZ and FZ, alone and together, in the nearest and up modes.
MXCSRS_DAZ_FZ = [MXCSR_BASE | rc << ieee.RC_SHIFT | extra
                 for rc in (ieee.RN, ieee.RU) for extra in (ieee.DAZ, ieee.FZ, ieee.DAZ | ieee.FZ)]


def _sse_jobs() -> list[tuple[str, int, int, int]]:
    jobs: list[tuple[str, int, int, int]] = []
    for sfx, values in (("sd", F64_VALUES), ("ss", F32_VALUES)):
        pairs = list(itertools.product(values, values))
        for ctl in MXCSRS + MXCSRS_DAZ_FZ:
            for op in ieee._ARITH_OPS:
                jobs += [(f"{op}{sfx}", ctl, a, b) for a, b in pairs]
            jobs += [(f"sqrt{sfx}", ctl, a, 0) for a in values]
            jobs += [(f"cvt{t}{sfx}2si", ctl, a, 0) for a in values for t in ("", "t")]
            jobs += [(f"cvtsi2{sfx}", ctl, v, 0) for v in INT32_VALUES]
        for ctl in (MXCSR_BASE, MXCSR_BASE | ieee.DAZ):
            for name in ["ucomi", "comi"] + ["cmp" + p for p in ieee.CMP_PREDICATES]:
                jobs += [(f"{name}{sfx}", ctl, a, b) for a, b in pairs]
    for ctl in MXCSRS + MXCSRS_DAZ_FZ:
        jobs += [("cvtsd2ss", ctl, a, 0) for a in F64_VALUES]
        jobs += [("cvtss2sd", ctl, a, 0) for a in F32_VALUES]
    return jobs


# ---------------------------------------------------------------------------------------------
# Running and comparing


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Harness:
    return Harness(tmp_path_factory.mktemp("fp"), [case.op for case in CASES])


def _describe_ctl(name: str, ctl: int) -> str:
    if name.startswith("f"):
        return f"fcw={ctl:#06x} rc={RC_NAMES[(ctl >> 10) & 3]}"
    extra = "".join(f" {flag}" for flag, bit in (("DAZ", ieee.DAZ), ("FZ", ieee.FZ)) if ctl & bit)
    return f"mxcsr={ctl:#06x} rc={RC_NAMES[(ctl >> ieee.RC_SHIFT) & 3]}{extra}"


def mismatches(harness: Harness, jobs: list[tuple[str, int, int, int]]) -> list[str]:
    """Runs the jobs natively and through the model; one readable line per disagreement."""
    native = harness.run(jobs)
    out = []
    for (name, ctl, a, b), (res, status, eflags) in zip(jobs, native):
        case = BY_NAME[name]
        got = case.model(ctl, a, b)
        want = (res & case.result_mask, status & case.status_mask, eflags & case.eflags_mask)
        have = (got[0] & case.result_mask, got[1] & case.status_mask, got[2] & case.eflags_mask)
        if want != have:
            out.append(f"{name} {_describe_ctl(name, ctl)} a={a:#x} b={b:#x}: "
                       f"cpu result={want[0]:#x} status={want[1]:#x} eflags={want[2]:#x}; "
                       f"model result={have[0]:#x} status={have[1]:#x} eflags={have[2]:#x}")
    return out


def check(harness: Harness, jobs: list[tuple[str, int, int, int]]) -> None:
    bad = mismatches(harness, jobs)
    assert not bad, f"{len(bad)} of {len(jobs)} cases differ from the CPU; the first ones:\n" + "\n".join(bad[:25])


def test_sse_tables_match_cpu(harness: Harness) -> None:
    check(harness, _sse_jobs())


def test_x87_tables_match_cpu(harness: Harness) -> None:
    check(harness, _x87_jobs())


# ---------------------------------------------------------------------------------------------
# Random bit patterns (hypothesis), in batches through the same program


def _float_bits(fmt: ieee.Format) -> st.SearchStrategy[int]:
    """Any pattern, or one built from an interesting exponent (denormal range, around 1, near
    overflow, NaN/inf) and a fraction that is often all ones, all zeros or one bit."""
    exps = st.one_of(st.sampled_from([0, 1, 2, fmt.exp_max - 1, fmt.exp_max, fmt.bias, fmt.bias - 1]),
                     st.integers(0, fmt.exp_max))
    fracs = st.one_of(st.integers(0, fmt.frac_mask), st.sampled_from([0, 1, fmt.frac_mask, fmt.quiet_bit]),
                      st.integers(0, fmt.fbits - 1).map(lambda k: 1 << k))
    built = st.builds(lambda s, e, f: (s << (fmt.width - 1)) | (e << fmt.mbits) | f,
                      st.integers(0, 1), exps, fracs)
    return st.one_of(st.integers(0, (1 << fmt.width) - 1), built)


def _ctl_mxcsr() -> st.SearchStrategy[int]:
    return st.builds(lambda rc, daz, fz: MXCSR_BASE | rc << ieee.RC_SHIFT | (ieee.DAZ if daz else 0)
                     | (ieee.FZ if fz else 0), st.sampled_from(RCS), st.booleans(), st.booleans())


def _sse_job() -> st.SearchStrategy[tuple[str, int, int, int]]:
    def for_size(sfx: str, fmt: ieee.Format) -> st.SearchStrategy[tuple[str, int, int, int]]:
        names = ([f"{op}{sfx}" for op in ieee._ARITH_OPS] + [f"sqrt{sfx}", f"ucomi{sfx}", f"comi{sfx}",
                 f"cvt{sfx}2si", f"cvtt{sfx}2si"] + [f"cmp{p}{sfx}" for p in ieee.CMP_PREDICATES]
                 + (["cvtsd2ss"] if sfx == "sd" else ["cvtss2sd"]))
        bits = _float_bits(fmt)
        return st.one_of(st.tuples(st.sampled_from(names), _ctl_mxcsr(), bits, bits),
                         st.tuples(st.just(f"cvtsi2{sfx}"), _ctl_mxcsr(), st.integers(0, 0xFFFFFFFF), st.just(0)))
    return st.one_of(for_size("sd", ieee.F64), for_size("ss", ieee.F32))


# Each example is one batch through the native program; a batch is large so that a run of the
# program is worth its startup, and small enough for hypothesis to shrink a failing one.
BATCH_SETTINGS = settings(max_examples=15, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                 HealthCheck.large_base_example])


@BATCH_SETTINGS
@given(jobs=st.lists(_sse_job(), min_size=200, max_size=400))
def test_sse_random_patterns_match_cpu(harness: Harness, jobs: list[tuple[str, int, int, int]]) -> None:
    check(harness, jobs)


def _f80_bits() -> st.SearchStrategy[int]:
    """Any 80-bit pattern (unsupported encodings included), or one with an exponent near the
    edges that matter for stores and integer conversions and an integer bit usually set."""
    edges = [0, 1, 0x7FFE, 0x7FFF, 0x3FFF, 0x3FFE, 0x3C00, 0x3C01, 0x3BCC, 0x3BCD, 0x43FE, 0x43FF,
             0x407E, 0x407F, 0x3F80, 0x3F81, 0x3F69, 0x3F6A, 0x400D, 0x400E, 0x401D, 0x401E, 0x403D, 0x403E]
    exps = st.one_of(st.sampled_from(edges), st.integers(0, 0x7FFF))
    mants = st.one_of(st.integers(0, (1 << 64) - 1),
                      st.integers(0, (1 << 63) - 1).map(lambda f: f | x87.F80_INT_BIT),
                      st.sampled_from([x87.F80_INT_BIT, (1 << 64) - 1, x87.F80_INT_BIT | 0x400, x87.F80_INT_BIT | 0x8000000000]))
    built = st.builds(lambda s, e, m: s << 79 | e << 64 | m, st.integers(0, 1), exps, mants)
    return st.one_of(st.integers(0, (1 << 80) - 1), built)


def _x87_job() -> st.SearchStrategy[tuple[str, int, int, int]]:
    fcw = st.builds(lambda rc: FCWS[rc], st.integers(0, 3))
    f80 = _f80_bits()
    stores = [f"fstp_m{n}fp" for n in (32, 64)] + [f"{i}_m{n}int" for i in ("fistp", "fisttp") for n in (16, 32, 64)]
    return st.one_of(
        st.tuples(st.sampled_from(stores), fcw, f80, st.just(0)),
        st.tuples(st.sampled_from(["fucomi", "fcomi"]), st.just(x87.FCW_DEFAULT), f80, f80),
        st.tuples(st.just("fld_m32fp"), st.just(x87.FCW_DEFAULT), _float_bits(ieee.F32), st.just(0)),
        st.tuples(st.just("fld_m64fp"), st.just(x87.FCW_DEFAULT), _float_bits(ieee.F64), st.just(0)),
        st.tuples(st.sampled_from(["fild_m16int", "fild_m32int", "fild_m64int"]), st.just(x87.FCW_DEFAULT),
                  st.integers(0, (1 << 64) - 1), st.just(0)),
    )


@BATCH_SETTINGS
@given(jobs=st.lists(_x87_job(), min_size=200, max_size=400))
def test_x87_random_patterns_match_cpu(harness: Harness, jobs: list[tuple[str, int, int, int]]) -> None:
    check(harness, jobs)


# ---------------------------------------------------------------------------------------------
# Display: f80_to_decimal_str against gdb itself


def test_f80_to_decimal_str_matches_gdb(tmp_path: pytest.TempPathFactory) -> None:
    """gdb prints each pattern from the data section of an i386 ELF (no process needed: gdb
    reads the executable's memory), as ``p`` prints a long double; the model must agree."""
    import random
    import subprocess

    from fp_native import require_tools, tools_or_skip

    tools_or_skip()
    require_tools(("gdb",), "cannot compare the long double display")
    rng = random.Random(16)
    values = list(F80_VALUES) + [rng.getrandbits(80) for _ in range(150)]
    values += [rng.getrandbits(1) << 79 | rng.randrange(1, 0x7FFF) << 64 | x87.F80_INT_BIT | rng.getrandbits(63)
               for _ in range(150)]
    values += [x87.f80_from_fp(v, 64)[0] for v in F64_VALUES]
    data = "\n".join(f"    .quad {v & ((1 << 64) - 1):#x}\n    .quad {v >> 64:#x}" for v in values)
    source = tmp_path / "ld.s"
    source.write_text(f".data\n.globl vals\nvals:\n{data}\n.text\n.globl _start\n_start:\n    hlt\n")
    for argv in (["as", "--32", "-o", str(tmp_path / "ld.o"), str(source)],
                 ["ld", "-m", "elf_i386", "-o", str(tmp_path / "ld"), str(tmp_path / "ld.o")]):
        proc = subprocess.run(argv, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    script = tmp_path / "cmds.gdb"
    script.write_text("".join(f"output *(long double *)((char *)&vals + {16 * i})\necho \\n\n"
                              for i in range(len(values))))
    proc = subprocess.run(["gdb", "-nx", "-batch", "-x", str(script), str(tmp_path / "ld")],
                          capture_output=True, text=True, timeout=60)
    lines = proc.stdout.splitlines()
    assert len(lines) == len(values), proc.stdout[-2000:] + proc.stderr[-2000:]
    bad = [f"{v:#022x}: gdb {line!r}, model {x87.f80_to_decimal_str(v)!r}"
           for v, line in zip(values, lines) if x87.f80_to_decimal_str(v) != line]
    assert not bad, f"{len(bad)} of {len(values)} differ from gdb:\n" + "\n".join(bad[:25])


def test_f80_tag() -> None:
    """SDM Vol. 1 8.1.7: valid, zero, special (NaN, infinity, denormal, unsupported)."""
    assert x87.f80_tag(x87.F80_ONE) == 0
    assert x87.f80_tag(x87.F80_ZERO) == 1 and x87.f80_tag(x87.f80_chs(x87.F80_ZERO)) == 1
    for special in (0x7FFF8000000000000000, x87.F80_INDEFINITE, 0x00000000000000000001,
                    0x00008000000000000000, 0x3FFF4000000000000000, 0x7FFF0000000000000000):
        assert x87.f80_tag(special) == 2, hex(special)
