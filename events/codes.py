"""The compact form of events, used by the recording loop, the log and the fold.

An event is five unsigned 32-bit integers ``(code, a, b, c, d)``.  Rare events
with variable-size payloads (names, byte strings, syscall arguments) keep that
payload in the log's *extras* list and put its index in ``d``.  This table is
the numbering; everything else about each kind (its model, its payload, how
it packs and how the fold applies it) is its descriptor in :mod:`events.kinds`.
"""
from __future__ import annotations

from typing import Any

#: The event schema's version: bumped with an upcaster here and one in
#: :data:`events.schema.UPCASTERS` whenever what an event means changes.
SCHEMA_VERSION = 4     # 2: page_copied, kernel_mapped; 3: task_forked, task_switched, page_unmapped's kept, page_mapped's shared; 4: the FPU and SSE registers

# ---- codes ---------------------------------------------------------------
REG = 0          # a=reg id, b=old, c=new
MEM1 = 1         # a=address, b=old, c=new (little-endian value of the bytes)
MEM2 = 2
MEM4 = 3
MEMN = 4         # a=address, d=extra -> (old: bytes, new: bytes)
PAGE_MAPPED = 5  # a=page, b=frame, c=perms|dirty, d=table frame
PAGE_UNMAPPED = 6  # a=page, b=frame, c=perms|dirty, d=extra -> contents
PAGE_PROTECTED = 7  # a=page, b=frame, c=new perms, d=old perms
PAGE_DIRTIED = 8  # a=page, b=frame
FRAME_PUSHED = 9  # a=frame base, b=return address, c=call site, d=extra -> function
FRAME_POPPED = 10
BREAK_MOVED = 11  # a=old, b=new
SYSCALL = 12     # a=number, b=result (u32), d=extra -> (name, args)
OUTPUT = 13      # a=fd, d=extra -> data
SEGFAULT = 14    # a=eip, b=address, c=access | code<<4, d=extra -> reason
FAULT = 15       # a=eip, b=address, c=access | signal<<4, d=extra -> (code, reason)
EXITED = 16      # a=status (u32), b=signal
VMA_MAPPED = 17  # a=start, b=end-1, c=perms, d=extra -> name
VMA_UNMAPPED = 18
PAGE_COPIED = 19  # a=page, b=old frame, c=new frame, d=new perms|dirty | old perms|dirty << 8
KERNEL_MAPPED = 20  # a=first virtual address, b=4 MiB pages, c=first physical address, d=PDE flag bits
TASK_FORKED = 21  # a=child pid, b=parent pid, c=child's page directory frame, d=extra -> (eip, [[pde, table]...])
TASK_SWITCHED = 22  # a=pid now running, b=pid that ran before

MEM_CODE_BY_SIZE = {1: MEM1, 2: MEM2, 4: MEM4}
MEM_SIZE_BY_CODE = {MEM1: 1, MEM2: 2, MEM4: 4}

# ---- registers -------------------------------------------------------------
# A register write is 32 bits wide, so wider registers are several ids:
# * xmm0-xmm7 (SDM Vol. 1 10.2.2) are four dwords each, ``xmm3_0`` the lowest;
# * the x87's eight *physical* data registers R0-R7 (SDM Vol. 1 8.1.2) are three
#   ids each: ``fpr5_lo`` and ``fpr5_hi`` the 64-bit significand, ``fpr5_exp`` the
#   sign and exponent (16 bits).  ST(i) is R[(TOP + i) mod 8], TOP being bits 11-13
#   of ``fstat``: a push or pop changes TOP, not the registers.
# * ``ftag`` is the abridged tag word FXSAVE keeps (SDM Vol. 1 10.5.1.1: bit i set
#   when Ri is not empty); ``fioff``/``fooff``/``fop`` the last x87 instruction's
#   address, its memory operand's address and its opcode (SDM Vol. 1 8.1.8-8.1.9).
GPR_NAMES = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags", "cr3")
XMM_BASE = len(GPR_NAMES)
XMM_NAMES = tuple(f"xmm{n}_{k}" for n in range(8) for k in range(4))
FPR_BASE = XMM_BASE + len(XMM_NAMES)
FPR_NAMES = tuple(f"fpr{n}_{part}" for n in range(8) for part in ("lo", "hi", "exp"))
FPU_CONTROL_NAMES = ("fctrl", "fstat", "ftag", "fioff", "fooff", "fop", "mxcsr")
REG_NAMES = GPR_NAMES + XMM_NAMES + FPR_NAMES + FPU_CONTROL_NAMES
REG_IDS = {name: i for i, name in enumerate(REG_NAMES)}
EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, EIP, EFLAGS, CR3 = range(11)
FCTRL, FSTAT, FTAG, FIOFF, FOOFF, FOP, MXCSR = (REG_IDS[n] for n in FPU_CONTROL_NAMES)
NREGS = len(REG_NAMES)
#: Registers a session of schema 3 or older holds: the FPU and SSE ones came with schema 4.
#: An older file's register lists are widened with the FPU state exec gives (:func:`widen_regs`):
#: nothing in such a run touched them, and the fold of its log starts from it too.
NREGS_V3 = len(GPR_NAMES)
#: The FPU state exec gives a process (the kernel's fpstate_init: FCW 0x37f, MXCSR 0x1f80).
FCW_INITIAL, MXCSR_INITIAL = 0x037F, 0x1F80


def xmm_id(n: int, lane: int = 0) -> int:
    """The register id of dword ``lane`` (0 lowest) of xmm``n``."""
    return XMM_BASE + 4 * n + lane


def fpr_id(n: int) -> int:
    """The register id of physical x87 register R``n``'s low significand dword (then hi, exp)."""
    return FPR_BASE + 3 * n


def st_register(regs: Any, i: int) -> int:
    """The 80-bit pattern of x87 ST(i): physical register (TOP + i) mod 8, TOP being bits
    11-13 of the status word (SDM Vol. 1 8.1.2)."""
    n = ((int(regs[FSTAT]) >> 11) + i) & 7
    r = fpr_id(n)
    return int(regs[r]) | int(regs[r + 1]) << 32 | int(regs[r + 2]) << 64


def initial_regs() -> list[int]:
    """The registers before step 0, where every fold starts: zeros, and the FPU state a new
    task has (the kernel's fpstate_init: the FPU control word and MXCSR).  A file of schema 3
    or older has no event that sets those (its machine had no FPU), so they stay so all
    through its run; exec sets them to the same values in a newer file."""
    regs = [0] * NREGS
    regs[FCTRL], regs[MXCSR] = FCW_INITIAL, MXCSR_INITIAL
    return regs


def digest_regs(regs: Any, narrow: bool = False) -> tuple[int, ...]:
    """Registers as a checkpoint's digest covers them: the first :data:`NREGS_V3` alone for a
    checkpoint read from a file of schema 3 or older (``narrow``: its digest was taken over
    those), and without the FPU and SSE ones while they are all zero."""
    values = tuple(int(r) for r in regs)
    return values[:NREGS_V3] if narrow or not any(values[NREGS_V3:]) else values


def widen_regs(regs: Any) -> list[int]:
    """A register list read from a file, at today's width: an old file's shorter list
    (schema 3 and before) gains the FPU and SSE registers as exec left them
    (:func:`initial_regs`: nothing in such a run touched them).  Raises ValueError for any
    other length."""
    values = [int(r) for r in regs]
    if len(values) == NREGS_V3:
        values += initial_regs()[NREGS_V3:]
    if len(values) != NREGS:
        raise ValueError("wrong number of registers")
    return values

# ---- permissions -----------------------------------------------------------
PERM_R, PERM_W, PERM_X, PERM_SHARED = 1, 2, 4, 8
PAGE_DIRTY = 16
PAGE_KEPT = 32      # page_unmapped: the frame stays, still mapped elsewhere; page_mapped: it was in memory already
ACCESS_NAMES = ("read", "write", "exec")
SEGV_CODES = ("SEGV_MAPERR", "SEGV_ACCERR")


def perms_str(bits: int, with_sharing: bool = False) -> str:
    """``rwx`` bits as /proc/PID/maps spells them (``r-xp``)."""
    s = ("r" if bits & PERM_R else "-") + ("w" if bits & PERM_W else "-") + ("x" if bits & PERM_X else "-")
    if with_sharing:
        s += "s" if bits & PERM_SHARED else "p"
    return s


def perms_bits(text: str) -> int:
    bits = 0
    if "r" in text:
        bits |= PERM_R
    if "w" in text:
        bits |= PERM_W
    if "x" in text:
        bits |= PERM_X
    if text.endswith("s"):
        bits |= PERM_SHARED
    return bits


def signed32(value: int) -> int:
    return value - (1 << 32) if value & 0x80000000 else value


#: version -> function upgrading one chunk's ``(cols, extras)`` from that event schema
#: version to the next, e.g. ``upcast_compact_v1_v2``.  The compact twin of
#: :data:`events.schema.UPCASTERS`; both change together when the schema does.
COMPACT_UPCASTERS: dict[int, Any] = {}


def upcast_compact_v1_v2(cols: Any, extras: Any) -> tuple[Any, Any]:
    """Version 2 added page_copied (copy-on-write) and kernel_mapped (the kernel half);
    version 1 events mean what they meant."""
    return cols, extras


upcast_compact_v1_v2.columns_only = True      # type: ignore[attr-defined]  # lazy reading may apply it
COMPACT_UPCASTERS[1] = upcast_compact_v1_v2


def upcast_compact_v2_v3(cols: Any, extras: Any) -> tuple[Any, Any]:
    """Version 3 added processes (task_forked, task_switched) and page_unmapped's kept bit;
    a version 2 session is one process, pid 1000, whose events mean what they meant."""
    return cols, extras


upcast_compact_v2_v3.columns_only = True      # type: ignore[attr-defined]
COMPACT_UPCASTERS[2] = upcast_compact_v2_v3


def upcast_compact_v3_v4(cols: Any, extras: Any) -> tuple[Any, Any]:
    """Version 4 added the FPU and SSE registers (ids past cr3); the events of a version 3
    session keep their meaning, and its register lists are widened where they are read
    (:func:`widen_regs`)."""
    return cols, extras


upcast_compact_v3_v4.columns_only = True      # type: ignore[attr-defined]
COMPACT_UPCASTERS[3] = upcast_compact_v3_v4
