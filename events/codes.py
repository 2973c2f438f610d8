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
SCHEMA_VERSION = 3     # 2: page_copied, kernel_mapped; 3: task_forked, task_switched, page_unmapped's kept, page_mapped's shared

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
REG_NAMES = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags", "cr3")
REG_IDS = {name: i for i, name in enumerate(REG_NAMES)}
EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, EIP, EFLAGS, CR3 = range(11)
NREGS = len(REG_NAMES)

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
