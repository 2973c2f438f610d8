"""IEEE 754 binary32/binary64 arithmetic as the SSE/SSE2 scalar instructions compute it.

The simulated CPU calls these for ``addsd``, ``sqrtss``, ``ucomisd``, ``cvtsd2si`` and friends.
Operands and results are integer *bit patterns* (a float32 as a 32-bit int, a float64 as a 64-bit
int), never Python floats, so that NaN payloads, signalling NaNs and the sign of zero survive the
interface exactly.  Every function takes the current MXCSR and returns the new one with the
exception flags it raised ORed in (they are sticky, SDM Vol. 1 10.2.3); the ``*_raised`` variants
return only the flags raised, which the caller needs to decide whether an *unmasked* exception
faults (SDM Vol. 1 11.5.1: the destination is then left unchanged and #XM is delivered; see
:func:`sse_fault_flags`).

Results are decided with exact integer arithmetic (the operands' significands as Python ints):
the exact sum, product, quotient (with a sticky remainder bit) or square root is rounded once
by :func:`round_pack`, which knows the four rounding modes, denormal results, overflow and the
underflow/inexact rules.  ``x87.py`` reuses the same rounding for stores to memory.  For the
common case (normal doubles, round to nearest) a fast path lets the host's IEEE double
arithmetic produce the result and checks exactness with integers only.

This module imports nothing from the rest of vmdebug.
"""
from __future__ import annotations

import math
import struct
from typing import Final

# ---------------------------------------------------------------------------------------------
# MXCSR (SDM Vol. 1 10.2.3, Figure 10-3)

IE: Final = 0x01    # invalid operation
DE: Final = 0x02    # denormal operand
ZE: Final = 0x04    # divide by zero
OE: Final = 0x08    # numeric overflow
UE: Final = 0x10    # numeric underflow
PE: Final = 0x20    # inexact result (precision)
DAZ: Final = 0x40   # denormals are zeros (10.2.3.4)
MASKS_SHIFT: Final = 7          # IM..PM are bits 7-12, in the same order as the flags
UM: Final = UE << MASKS_SHIFT
RC_SHIFT: Final = 13            # rounding control, bits 13-14 (Table 4-8)
RC_MASK: Final = 3 << RC_SHIFT
FZ: Final = 0x8000              # flush to zero (10.2.3.3)
MXCSR_DEFAULT: Final = 0x1F80   # all exceptions masked, round to nearest (power-up/reset value)

# Rounding-control values (SDM Vol. 1 Table 4-8), the same encoding in MXCSR.RC and x87 FCW.RC.
RN: Final = 0   # to nearest, ties to even
RD: Final = 1   # down, toward -inf
RU: Final = 2   # up, toward +inf
RZ: Final = 3   # toward zero (truncate)

# The 32-bit "integer indefinite" (SDM Vol. 1 4.2.2, Table 4-2): what an invalid conversion returns.
INT32_INDEFINITE: Final = 0x80000000


class Format:
    """One binary floating-point interchange format (SDM Vol. 1 4.2.2, Table 4-3).

    ``p`` is the precision in bits including the integer bit; ``explicit`` says whether the
    integer bit is stored (only the x87 double extended format stores it).  Every derived
    constant is computed once here: they sit on the hot path of each operation.
    """

    __slots__ = ("name", "ebits", "p", "explicit", "fbits", "mbits", "bias", "emin", "emax", "width",
                 "sign_bit", "exp_max", "quiet_bit", "frac_mask", "inf", "max_finite", "indefinite")

    def __init__(self, name: str, ebits: int, p: int, explicit: bool = False):
        self.name = name
        self.ebits = ebits
        self.p = p
        self.explicit = explicit
        self.fbits = p - 1                              # stored fraction bits, no integer bit
        self.mbits = p if explicit else p - 1           # the significand field's width
        self.bias = (1 << (ebits - 1)) - 1
        self.emin = 1 - self.bias
        self.emax = self.bias
        self.width = 1 + ebits + self.mbits
        self.sign_bit = 1 << (self.width - 1)
        self.exp_max = (1 << ebits) - 1
        # The most significant fraction bit: set in a QNaN, clear in an SNaN (SDM 4.8.3.4).
        self.quiet_bit = 1 << (self.fbits - 1)
        self.frac_mask = (1 << self.fbits) - 1
        top = (1 << self.fbits) if explicit else 0
        self.inf = (self.exp_max << self.mbits) | top
        self.max_finite = ((self.exp_max - 1) << self.mbits) | top | self.frac_mask
        # The default QNaN, "real indefinite": negative, quiet bit only (SDM Table 4-3).
        self.indefinite = self.sign_bit | self.inf | self.quiet_bit

    def __repr__(self) -> str:
        return f"Format({self.name})"


F32: Final = Format("float32", 8, 24)
F64: Final = Format("float64", 11, 53)
F80: Final = Format("float80", 15, 64, explicit=True)
_FORMATS: Final = {32: F32, 64: F64}


def fmt_of(size: int) -> Format:
    """32 -> float32, 64 -> float64."""
    try:
        return _FORMATS[size]
    except KeyError:
        raise ValueError(f"size must be 32 or 64, not {size!r}") from None


# ---------------------------------------------------------------------------------------------
# Classification and decoding

ZERO: Final = 0
DENORMAL: Final = 1
NORMAL: Final = 2
INF: Final = 3
QNAN: Final = 4
SNAN: Final = 5
UNSUPPORTED: Final = 6   # x87 only: pseudo-NaN, pseudo-infinity, unnormal (SDM 8.2.2)


def classify(bits: int, fmt: Format) -> int:
    """The class of a binary32/binary64 pattern (for float80 see x87.classify80)."""
    exp = (bits >> fmt.mbits) & fmt.exp_max
    frac = bits & fmt.frac_mask
    if exp == 0:
        return ZERO if frac == 0 else DENORMAL
    if exp == fmt.exp_max:
        if frac == 0:
            return INF
        return QNAN if frac & fmt.quiet_bit else SNAN
    return NORMAL


def decode(bits: int, fmt: Format) -> tuple[int, int, int]:
    """(sign, significand, exponent) of a finite pattern: |value| = significand * 2**exponent."""
    sign = bits >> (fmt.width - 1) & 1
    exp = (bits >> fmt.mbits) & fmt.exp_max
    frac = bits & fmt.frac_mask
    if exp == 0:
        return sign, frac, fmt.emin - fmt.fbits
    return sign, frac | (1 << fmt.fbits), exp - fmt.bias - fmt.fbits


def quiet(bits: int, fmt: Format) -> int:
    """An SNaN made quiet: the quiet bit set, sign and the rest of the payload kept (SDM 4.8.3.4)."""
    return bits | fmt.quiet_bit


def is_nan(bits: int, fmt: Format) -> bool:
    return classify(bits, fmt) in (QNAN, SNAN)


# ---------------------------------------------------------------------------------------------
# Rounding (SDM Vol. 1 4.8.4, 4.9.1.4-4.9.1.6)


def _overflow_result(sign: int, fmt: Format, rc: int) -> tuple[int, bool]:
    """Masked overflow (SDM Table 4-10): infinity or the largest finite number, by rounding mode.

    Returns (bits, whether the magnitude was rounded up, i.e. to infinity).
    """
    to_inf = rc == RN or (rc == RU and not sign) or (rc == RD and sign)
    bits = fmt.inf if to_inf else fmt.max_finite
    return (fmt.sign_bit if sign else 0) | bits, to_inf


def round_pack(sign: int, m: int, e: int, sticky: bool, fmt: Format, rc: int, *,
               tiny_after: bool = True, um_masked: bool = True,
               flush_to_zero: bool = False) -> tuple[int, int, bool]:
    """Rounds the exact value ``(-1)**sign * (m + f) * 2**e`` to ``fmt``, where ``0 <= f < 1``
    and ``f > 0`` exactly when ``sticky``.

    Callers that pass ``sticky`` must give ``m`` at least ``fmt.p + 2`` bits, so that the lost
    fraction is below the rounding bit.  Returns ``(bits, flags, rounded_up)``: flags among PE,
    UE and OE, and whether the magnitude grew (the x87's C1 "round-up" bit, SDM 8.5.6).

    Tininess (SDM 4.9.1.5): a non-zero result is tiny when it is below the smallest normal
    number; ``tiny_after`` selects whether that is judged on the result rounded to the format's
    precision with an unbounded exponent (what the SDM says for SSE: 11.5.2.5) or on the exact
    value.  With underflow masked, UE is reported only for a result both tiny and inexact; with
    it unmasked, for any tiny result.  ``flush_to_zero`` (MXCSR.FZ with UM set, 10.2.3.3)
    returns a zero of the result's sign with UE and PE for a tiny result.
    """
    signbits = fmt.sign_bit if sign else 0
    if m == 0 and not sticky:
        return signbits, 0, False
    p = fmt.p
    n = m.bit_length()
    top = e + n - 1                     # exponent of the leading bit (unbounded)
    if sticky:
        assert n >= p + 2, "round_pack needs p + 2 bits of significand with a sticky bit"
    flags = 0
    tiny = False
    if top < fmt.emin:
        tiny = True
        if tiny_after and top == fmt.emin - 1:
            # Round to p bits with an unbounded exponent: a carry out makes it 2**emin, not tiny.
            r, _, _ = _round_int(sign, m, top - p + 1 - e, sticky, rc)
            if r >> p:
                tiny = False
    if tiny and flush_to_zero:
        return signbits, UE | PE, False
    q = max(top - p + 1, fmt.emin - p + 1)   # exponent of the last kept bit (denormals keep fewer)
    r, inexact, up = _round_int(sign, m, q - e, sticky, rc)
    if r >> p:                          # carried out of the significand: renormalize
        r >>= 1
        q += 1
    if r and q + r.bit_length() - 1 > fmt.emax:
        bits, up = _overflow_result(sign, fmt, rc)
        return bits, OE | PE, up
    if inexact:
        flags |= PE
        if tiny:
            flags |= UE
    elif tiny and not um_masked:
        flags |= UE
    if r >> (p - 1):                    # normal
        biased = q + p - 1 + fmt.bias
        frac = r if fmt.explicit else r & fmt.frac_mask
        return signbits | (biased << fmt.mbits) | frac, flags, up
    return signbits | r, flags, up      # denormal or zero: biased exponent 0


def _round_int(sign: int, m: int, shift: int, sticky: bool, rc: int) -> tuple[int, bool, bool]:
    """The magnitude ``(m + f) / 2**shift`` rounded to an integer by ``rc`` (f the sticky
    fraction, ``sign`` the value's sign); returns (r, inexact, whether it was rounded up)."""
    if shift <= 0:
        assert not sticky, "a sticky fraction below a kept bit"
        return m << -shift, False, False
    r = m >> shift
    rem = m & ((1 << shift) - 1)
    if not rem and not sticky:
        return r, False, False
    if rc == RN:
        half = 1 << (shift - 1)
        up = rem > half or (rem == half and (sticky or bool(r & 1)))
    elif rc == RU:
        up = not sign
    elif rc == RD:
        up = bool(sign)
    else:
        up = False
    return r + up, True, up


# ---------------------------------------------------------------------------------------------
# Operands


def _rc(mxcsr: int) -> int:
    return (mxcsr >> RC_SHIFT) & 3


def _operand(bits: int, fmt: Format, mxcsr: int) -> tuple[int, int, int]:
    """(class, bits, DE flag) of a source operand, after denormals-are-zeros (SDM 10.2.3.4).

    With DAZ a denormal source is replaced by a zero of its sign before any computation, and
    no denormal-operand exception is reported; without it a denormal source reports DE.
    """
    cls = classify(bits, fmt)
    if cls == DENORMAL:
        if mxcsr & DAZ:
            return ZERO, bits & fmt.sign_bit, 0
        return DENORMAL, bits, DE
    return cls, bits, 0


def _order_key(bits: int, fmt: Format) -> int:
    """An integer that orders non-NaN patterns as their values (both zeros equal)."""
    mag = bits & (fmt.sign_bit - 1)
    return -mag if bits & fmt.sign_bit else mag


def _propagate_nan(a: int, ca: int, b: int, cb: int, fmt: Format) -> tuple[int, int]:
    """SSE NaN propagation, SDM Vol. 1 Table 4-7: the first source if it is a NaN, else the
    second, made quiet; IE if either is an SNaN."""
    flags = IE if SNAN in (ca, cb) else 0
    nan = a if ca in (QNAN, SNAN) else b
    return quiet(nan, fmt), flags


_PACK_Q = struct.Struct("<Q")
_PACK_D = struct.Struct("<d")
_TINY_LIMIT = 2.0 ** -1021      # results below this leave the fast path (tininess, FZ)
_F64_EXP = 0x7FF << 52


def _to_float(bits: int) -> float:
    return _PACK_D.unpack(_PACK_Q.pack(bits))[0]


def _to_bits(x: float) -> int:
    return _PACK_Q.unpack(_PACK_D.pack(x))[0]


def _odd_part(m: int) -> tuple[int, int]:
    """m = odd * 2**tz for m > 0; returns (odd, tz)."""
    tz = (m & -m).bit_length() - 1
    return m >> tz, tz


def _fast_f64(op: str, a: int, b: int) -> tuple[int, int] | None:
    """Normal doubles, round to nearest: the host's IEEE double arithmetic is correctly rounded
    in this mode, so only the inexact flag needs deciding, with exact integer checks.  Returns
    None to leave anything unusual (tiny or infinite results) to the exact path."""
    fa = _to_float(a)
    fb = _to_float(b)
    if op == "add" or op == "sub":
        if op == "sub":
            fb = -fb
        r = fa + fb
        if not _TINY_LIMIT <= abs(r) < math.inf:
            return None
        bb = r - fa         # TwoSum (Knuth): the exact rounding error, valid without overflow
        err = (fa - (r - bb)) + (fb - bb)
        return _to_bits(r), PE if err != 0.0 else 0
    if op == "mul":
        r = fa * fb
        if not _TINY_LIMIT <= abs(r) < math.inf:
            return None
        prod = ((a & F64.frac_mask) | (1 << 52)) * ((b & F64.frac_mask) | (1 << 52))
        return _to_bits(r), PE if _odd_part(prod)[0].bit_length() > 53 else 0
    if op == "div":
        r = fa / fb
        if not _TINY_LIMIT <= abs(r) < math.inf:
            return None
        rb = _to_bits(r)
        _, mr, er = decode(rb, F64)
        _, ma, ea = decode(a, F64)
        _, mb, eb = decode(b, F64)
        d = ea - er - eb                 # exact iff ma * 2**ea == mr * mb * 2**(er + eb)
        exact = (ma << d) == mr * mb if d >= 0 else ma == (mr * mb) << -d
        return rb, 0 if exact else PE
    return None


def sse_fault_flags(raised: int, mxcsr: int) -> int | None:
    """Whether the flags an operation raised include an unmasked one, and what MXCSR records.

    Returns None when every raised exception is masked (the result is written as computed).
    Otherwise the instruction delivers #XM and leaves its destination unchanged (SDM Vol. 1
    11.5.1); the flags returned are those to OR into MXCSR: a pre-computation exception (IE, DE,
    ZE) that is unmasked stops the operation before a result exists, so only those are
    recorded; an unmasked post-computation one (OE, UE, PE) keeps every flag raised.  This
    follows the SDM's text; the CPU test runs with every exception masked.
    """
    unmasked = raised & ~(mxcsr >> MASKS_SHIFT) & 0x3F
    if not unmasked:
        return None
    pre = raised & (IE | DE | ZE)
    return pre if pre & unmasked else raised


# ---------------------------------------------------------------------------------------------
# Arithmetic: ADDSD/SUBSD/MULSD/DIVSD/MINSD/MAXSD and their SS forms (SDM Vol. 2)

_ARITH_OPS: Final = ("add", "sub", "mul", "div", "min", "max")


def sse_arith_raised(op: str, a: int, b: int, size: int, mxcsr: int) -> tuple[int, int]:
    """Like :func:`sse_arith` but returns (result bits, the flags this operation raised)."""
    if (size == 64 and not mxcsr & RC_MASK and 0 < (a & _F64_EXP) < _F64_EXP
            and 0 < (b & _F64_EXP) < _F64_EXP):
        fast = _fast_f64(op, a, b)
        if fast is not None:
            return fast
    fmt = fmt_of(size)
    ca, a, fa = _operand(a, fmt, mxcsr)
    cb, b, fb = _operand(b, fmt, mxcsr)
    nan_a = ca >= QNAN
    nan_b = cb >= QNAN
    if op == "min" or op == "max":
        # MINSD/MAXSD: any NaN (even a QNaN) is invalid and the SECOND operand is returned
        # unchanged; so it is for two zeros of either sign, and for equal values.
        if nan_a or nan_b:
            return b, IE                            # a NaN operand hides DE (checked on the CPU)
        ka, kb = _order_key(a, fmt), _order_key(b, fmt)
        pick_a = ka < kb if op == "min" else ka > kb
        return (a if pick_a else b), fa | fb
    if nan_a or nan_b:
        return _propagate_nan(a, ca, b, cb, fmt)
    denormal = fa | fb
    rc = _rc(mxcsr)
    sa = a >> (fmt.width - 1)
    sb = b >> (fmt.width - 1)
    if op == "sub":
        sb ^= 1
    elif op not in _ARITH_OPS:
        raise ValueError(f"unknown SSE arithmetic operation {op!r}")
    signbit = fmt.sign_bit
    if op == "add" or op == "sub":
        if ca == INF or cb == INF:
            if ca == INF and cb == INF and sa != sb:
                return fmt.indefinite, IE           # inf - inf (SDM 4.9.1.2)
            s = sa if ca == INF else sb
            return (signbit if s else 0) | fmt.inf, denormal
        _, ma, ea = decode(a, fmt)
        _, mb, eb = decode(b, fmt)
        e = min(ea, eb)
        m = (-ma if sa else ma) << (ea - e)
        m += (-mb if sb else mb) << (eb - e)
        if m == 0:
            # An exact zero sum is +0 in every mode but round down (IEEE 754 6.3), unless both
            # addends are zeros of the same sign.
            if ca == ZERO and cb == ZERO and sa == sb:
                return (signbit if sa else 0), denormal
            return (signbit if rc == RD else 0), denormal
        sign = 1 if m < 0 else 0
        return _finish(sign, abs(m), e, False, fmt, mxcsr, denormal)
    sign = sa ^ sb
    sbits = signbit if sign else 0
    if op == "mul":
        if ca == INF or cb == INF:
            if ca == ZERO or cb == ZERO:
                return fmt.indefinite, IE           # 0 * inf
            return sbits | fmt.inf, denormal        # a denormal times inf still reports DE
        if ca == ZERO or cb == ZERO:
            return sbits, denormal
        _, ma, ea = decode(a, fmt)
        _, mb, eb = decode(b, fmt)
        return _finish(sign, ma * mb, ea + eb, False, fmt, mxcsr, denormal)
    # div
    if ca == INF:
        if cb == INF:
            return fmt.indefinite, IE               # inf / inf
        return sbits | fmt.inf, denormal
    if cb == INF:
        return sbits, denormal
    if cb == ZERO:
        if ca == ZERO:
            return fmt.indefinite, IE               # 0 / 0
        # x / 0 (SDM 4.9.1.3): ZE outranks DE (SDM 4.9.2 precedence), a denormal x reports ZE only.
        return sbits | fmt.inf, ZE
    if ca == ZERO:
        return sbits, denormal
    _, ma, ea = decode(a, fmt)
    _, mb, eb = decode(b, fmt)
    k = max(0, fmt.p + 3 + mb.bit_length() - ma.bit_length())
    q, r = divmod(ma << k, mb)
    return _finish(sign, q, ea - eb - k, r != 0, fmt, mxcsr, denormal)


def _finish(sign: int, m: int, e: int, sticky: bool, fmt: Format, mxcsr: int,
            flags: int) -> tuple[int, int]:
    """Rounds an SSE result under MXCSR (RC, FZ, UM); SSE detects tininess after rounding
    (SDM Vol. 1 11.5.2.5)."""
    um_masked = bool(mxcsr & UM)
    bits, raised, _ = round_pack(sign, m, e, sticky, fmt, _rc(mxcsr), tiny_after=True,
                                 um_masked=um_masked, flush_to_zero=bool(mxcsr & FZ) and um_masked)
    return bits, flags | raised


def sse_arith(op: str, a: int, b: int, size: int, mxcsr: int) -> tuple[int, int]:
    """ADDSD/SUBSD/MULSD/DIVSD/MINSD/MAXSD (size 64) and the SS forms (size 32).

    ``op`` is 'add', 'sub', 'mul', 'div', 'min' or 'max'; ``a`` is the destination (first
    source), ``b`` the second source.  Returns (result bits, new MXCSR with the raised exception
    flags ORed in).  NaNs follow SDM Vol. 1 Table 4-7; MIN/MAX return the second operand when
    either is a NaN or both are zeros (SDM Vol. 2 MINSD).
    """
    bits, raised = sse_arith_raised(op, a, b, size, mxcsr)
    return bits, mxcsr | raised


# ---------------------------------------------------------------------------------------------
# SQRTSD/SQRTSS


def sse_sqrt_raised(b: int, size: int, mxcsr: int) -> tuple[int, int]:
    """Like :func:`sse_sqrt` but returns (result bits, the flags raised)."""
    fmt = fmt_of(size)
    cb, b, fb = _operand(b, fmt, mxcsr)
    if cb >= QNAN:
        return quiet(b, fmt), IE if cb == SNAN else 0
    sign = b >> (fmt.width - 1)
    if cb == ZERO:
        return b, 0                                 # sqrt(-0) = -0 (IEEE 754 5.4.1)
    if sign:
        return fmt.indefinite, IE                   # negative non-zero, -inf included
    if cb == INF:
        return b, 0
    _, m, e = decode(b, fmt)
    if size == 64 and not mxcsr & RC_MASK and cb == NORMAL:
        r = math.sqrt(_to_float(b))                 # correctly rounded to nearest by the host
        rb = _to_bits(r)
        _, mr, er = decode(rb, F64)
        d = e - 2 * er                              # exact iff m * 2**e == mr**2 * 2**(2 er)
        exact = (m << d) == mr * mr if d >= 0 else m == (mr * mr) << -d
        return rb, 0 if exact else PE
    if e & 1:
        m <<= 1
        e -= 1
    k = max(0, fmt.p + 3 - m.bit_length() // 2)
    big = m << (2 * k)
    s = math.isqrt(big)
    return _finish(0, s, (e >> 1) - k, s * s != big, fmt, mxcsr, fb)


def sse_sqrt(b: int, size: int, mxcsr: int) -> tuple[int, int]:
    """SQRTSD/SQRTSS of the source ``b``: (result bits, new MXCSR).  Negative non-zero operands
    are invalid (real indefinite); -0 gives -0; NaNs are returned quiet."""
    bits, raised = sse_sqrt_raised(b, size, mxcsr)
    return bits, mxcsr | raised


# ---------------------------------------------------------------------------------------------
# Comparisons: UCOMISD/COMISD, CMPSD (SDM Vol. 2)


def sse_comi_raised(a: int, b: int, size: int, signaling: bool,
                    mxcsr: int) -> tuple[int, int, int, int]:
    """Like :func:`sse_comi` but the last item is the flags raised."""
    fmt = fmt_of(size)
    ca, a, fa = _operand(a, fmt, mxcsr)
    cb, b, fb = _operand(b, fmt, mxcsr)
    if ca >= QNAN or cb >= QNAN:
        invalid = signaling or SNAN in (ca, cb)
        return 1, 1, 1, IE if invalid else 0
    ka, kb = _order_key(a, fmt), _order_key(b, fmt)
    flags = fa | fb
    if ka > kb:
        return 0, 0, 0, flags
    if ka < kb:
        return 0, 0, 1, flags
    return 1, 0, 0, flags


def sse_comi(a: int, b: int, size: int, signaling: bool, mxcsr: int) -> tuple[int, int, int, int]:
    """UCOMISD/UCOMISS (``signaling=False``: IE only for an SNaN) and COMISD/COMISS
    (``signaling=True``: IE for any NaN).  Returns (ZF, PF, CF, new MXCSR): greater 0,0,0;
    less 0,0,1; equal 1,0,0; unordered 1,1,1.  The CPU also clears OF, SF and AF."""
    zf, pf, cf, raised = sse_comi_raised(a, b, size, signaling, mxcsr)
    return zf, pf, cf, mxcsr | raised


CMP_PREDICATES: Final = ("eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord")
# Which predicates signal invalid on a QNaN operand (SDM Vol. 2 CMPSD, Table 3-1): LT, LE and
# their negations; EQ, UNORD, NEQ and ORD are quiet (IE only for an SNaN).
_CMP_SIGNALING: Final = (False, True, True, False, False, True, True, False)


def sse_cmp_raised(a: int, b: int, size: int, predicate: int, mxcsr: int) -> tuple[bool, int]:
    """Like :func:`sse_cmp` but returns (result, the flags raised)."""
    if not 0 <= predicate <= 7:
        raise ValueError(f"CMPSD predicate must be 0..7, not {predicate!r}")
    fmt = fmt_of(size)
    ca, a, fa = _operand(a, fmt, mxcsr)
    cb, b, fb = _operand(b, fmt, mxcsr)
    if ca >= QNAN or cb >= QNAN:
        invalid = _CMP_SIGNALING[predicate] or SNAN in (ca, cb)
        return predicate in (3, 4, 5, 6), IE if invalid else 0
    ka, kb = _order_key(a, fmt), _order_key(b, fmt)
    result = (ka == kb, ka < kb, ka <= kb, False, ka != kb, not ka < kb, not ka <= kb, True)
    return result[predicate], fa | fb


def sse_cmp(a: int, b: int, size: int, predicate: int, mxcsr: int) -> tuple[bool, int]:
    """CMPSD/CMPSS with predicate 0..7 (EQ, LT, LE, UNORD, NEQ, NLT, NLE, ORD): (whether the
    predicate holds, new MXCSR).  The caller writes all ones or all zeros to the destination."""
    result, raised = sse_cmp_raised(a, b, size, predicate, mxcsr)
    return result, mxcsr | raised


# ---------------------------------------------------------------------------------------------
# Conversions: CVTSI2SD/SS, CVT(T)SD2SI/SS2SI, CVTSD2SS, CVTSS2SD (SDM Vol. 2)


def cvt_int_to_fp_raised(value: int, size: int, mxcsr: int) -> tuple[int, int]:
    """Like :func:`cvt_int_to_fp` but returns (bits, the flags raised)."""
    fmt = fmt_of(size)
    if value == 0:
        return 0, 0
    sign = 1 if value < 0 else 0
    m = abs(value)
    # An int32 has at most 32 bits, which round_pack needs no sticky bit for.
    return _finish(sign, m, 0, False, fmt, mxcsr, 0)


def cvt_int_to_fp(value: int, size: int, mxcsr: int) -> tuple[int, int]:
    """CVTSI2SD (exact) and CVTSI2SS (rounded by MXCSR.RC, PE when inexact) of a signed 32-bit
    integer given as a Python int: (bits, new MXCSR)."""
    if not -(1 << 31) <= value < (1 << 31):
        raise ValueError(f"not a signed 32-bit integer: {value!r}")
    bits, raised = cvt_int_to_fp_raised(value, size, mxcsr)
    return bits, mxcsr | raised


def to_integer(sign: int, m: int, e: int, rc: int, width: int) -> tuple[int | None, bool, bool]:
    """The value ``(-1)**sign * m * 2**e`` rounded to an integer by ``rc``: (the integer as a
    ``width``-bit two's complement pattern or None when it does not fit, inexact, rounded up).
    Shared by the SSE and x87 conversions."""
    r, inexact, up = _round_int(sign, m, -e, False, rc) if e < 0 else (m << e, False, False)
    value = -r if sign else r
    if not -(1 << (width - 1)) <= value < (1 << (width - 1)):
        return None, inexact, up
    return value & ((1 << width) - 1), inexact, up


def cvt_fp_to_int_raised(bits: int, size: int, truncate: bool, mxcsr: int) -> tuple[int, int]:
    """Like :func:`cvt_fp_to_int` but returns (result, the flags raised)."""
    fmt = fmt_of(size)
    cls, bits, _ = _operand(bits, fmt, mxcsr)   # CVTSD2SI reports no denormal exception
    if cls >= INF:
        return INT32_INDEFINITE, IE
    if cls == ZERO:
        return 0, 0
    sign, m, e = decode(bits, fmt)
    value, inexact, _ = to_integer(sign, m, e, RZ if truncate else _rc(mxcsr), 32)
    if value is None:
        return INT32_INDEFINITE, IE
    return value, PE if inexact else 0


def cvt_fp_to_int(bits: int, size: int, truncate: bool, mxcsr: int) -> tuple[int, int]:
    """CVTSD2SI/CVTSS2SI (``truncate=False``: rounded by MXCSR.RC) and CVTTSD2SI/CVTTSS2SI
    (toward zero) to a signed 32-bit integer, returned as its unsigned 32-bit pattern with the
    new MXCSR.  NaN, infinity and out-of-range values give the integer indefinite 0x80000000
    with IE (SDM Vol. 2 CVTSD2SI); inexact results set PE."""
    value, raised = cvt_fp_to_int_raised(bits, size, truncate, mxcsr)
    return value, mxcsr | raised


def convert_nan(bits: int, src: Format, dst: Format) -> int:
    """A NaN carried to another format: quiet, the sign kept, the fraction's top bits kept
    (widened with zeros, or narrowed by dropping the low bits) - SDM Vol. 1 4.8.3.7."""
    sign = dst.sign_bit if bits & src.sign_bit else 0
    frac = bits & src.frac_mask
    shift = dst.fbits - src.fbits
    frac = frac << shift if shift >= 0 else frac >> -shift
    return sign | dst.inf | frac | dst.quiet_bit


def cvt_fp_to_fp_raised(bits: int, from_size: int, to_size: int, mxcsr: int) -> tuple[int, int]:
    """Like :func:`cvt_fp_to_fp` but returns (bits, the flags raised)."""
    src, dst = fmt_of(from_size), fmt_of(to_size)
    cls, bits, fde = _operand(bits, src, mxcsr)
    sbits = dst.sign_bit if bits & src.sign_bit else 0
    if cls >= QNAN:
        return convert_nan(bits, src, dst), IE if cls == SNAN else 0
    if cls == INF:
        return sbits | dst.inf, 0
    if cls == ZERO:
        return sbits, 0
    sign, m, e = decode(bits, src)
    return _finish(sign, m, e, False, dst, mxcsr, fde)


def cvt_fp_to_fp(bits: int, from_size: int, to_size: int, mxcsr: int) -> tuple[int, int]:
    """CVTSD2SS (64 -> 32: rounded by MXCSR.RC, with OE/UE/PE and FZ) and CVTSS2SD (32 -> 64:
    exact).  SNaNs are made quiet with IE; a denormal source reports DE unless DAZ."""
    out, raised = cvt_fp_to_fp_raised(bits, from_size, to_size, mxcsr)
    return out, mxcsr | raised
