"""The compact form of events, used by the recording loop, the log and the fold.

An event is five unsigned 32-bit integers ``(code, a, b, c, d)``.  Rare events
with variable-size payloads (names, byte strings, syscall arguments) keep that
payload in the log's *extras* list and put its index in ``d``.  This table is
the single source of truth for how each kind maps to the compact form:
:func:`to_model` (export, the public API) and :func:`from_model` (appending a
model with :meth:`events.log.EventLog.add_model`) are its two directions.
"""
from __future__ import annotations

from typing import Any

from events import schema as S

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

KIND_NAMES = (
    "register_written", "memory_written", "memory_written", "memory_written", "memory_written",
    "page_mapped", "page_unmapped", "page_protected", "page_dirtied", "frame_pushed",
    "frame_popped", "break_moved", "syscall", "output_written", "segfault", "fault",
    "process_exited", "vma_mapped", "vma_unmapped",
)
NCODES = len(KIND_NAMES)
MEM_CODE_BY_SIZE = {1: MEM1, 2: MEM2, 4: MEM4}
MEM_SIZE_BY_CODE = {MEM1: 1, MEM2: 2, MEM4: 4}
#: Codes whose ``d`` column indexes the extras list.
EXTRA_CODES = frozenset({MEMN, PAGE_UNMAPPED, FRAME_PUSHED, FRAME_POPPED, SYSCALL, OUTPUT,
                         SEGFAULT, FAULT, VMA_MAPPED, VMA_UNMAPPED})

# ---- registers -------------------------------------------------------------
REG_NAMES = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags", "cr3")
REG_IDS = {name: i for i, name in enumerate(REG_NAMES)}
EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, EIP, EFLAGS, CR3 = range(11)
NREGS = len(REG_NAMES)

# ---- permissions -----------------------------------------------------------
PERM_R, PERM_W, PERM_X, PERM_SHARED = 1, 2, 4, 8
PAGE_DIRTY = 16
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


def to_model(code: int, a: int, b: int, c: int, d: int, extras: list[Any]) -> S.Event:
    """Build the public pydantic model of one compact event."""
    if code == REG:
        return S.RegisterWritten(reg=REG_NAMES[a], old=b, new=c)
    if code in MEM_SIZE_BY_CODE:
        n = MEM_SIZE_BY_CODE[code]
        return S.MemoryWritten(address=a, old=b.to_bytes(n, "little"), new=c.to_bytes(n, "little"))
    if code == MEMN:
        old, new = extras[d]
        return S.MemoryWritten(address=a, old=old, new=new)
    if code == PAGE_MAPPED:
        return S.PageMapped(page=a, frame=b, perms=perms_str(c), dirty=bool(c & PAGE_DIRTY), table_frame=d)
    if code == PAGE_UNMAPPED:
        return S.PageUnmapped(page=a, frame=b, perms=perms_str(c), dirty=bool(c & PAGE_DIRTY), contents=extras[d])
    if code == PAGE_PROTECTED:
        return S.PageProtected(page=a, frame=b, perms=perms_str(c), old_perms=perms_str(d))
    if code == PAGE_DIRTIED:
        return S.PageDirtied(page=a, frame=b)
    if code in (FRAME_PUSHED, FRAME_POPPED):
        cls = S.FramePushed if code == FRAME_PUSHED else S.FramePopped
        return cls(function=extras[d], call_site=c, return_address=b, frame_base=a)
    if code == BREAK_MOVED:
        return S.BreakMoved(old=a, new=b)
    if code == SYSCALL:
        name, args = extras[d]
        return S.Syscall(number=a, name=name, args=tuple(args), result=signed32(b))
    if code == OUTPUT:
        return S.OutputWritten(fd=a, data=extras[d])
    if code == SEGFAULT:
        return S.Segfault(eip=a, address=b, access=ACCESS_NAMES[c & 15], code=SEGV_CODES[c >> 4], reason=extras[d])
    if code == FAULT:
        sicode, reason = extras[d]
        return S.Fault(signal=c >> 4, eip=a, address=b, access=ACCESS_NAMES[c & 15], code=sicode, reason=reason)
    if code == EXITED:
        return S.ProcessExited(status=signed32(a), signal=b)
    if code in (VMA_MAPPED, VMA_UNMAPPED):
        cls = S.VmaMapped if code == VMA_MAPPED else S.VmaUnmapped
        return cls(start=a, end=b + 1, perms=perms_str(c, True), name=extras[d])
    raise ValueError(f"unknown event code {code}")


def from_model(event: S.Event) -> tuple[tuple[int, int, int, int, int], Any]:
    """The compact form of a model: ``((code, a, b, c, d), extra or None)``.

    When ``extra`` is not None the caller stores it and puts its index in ``d``.
    """
    k = event.kind
    if isinstance(event, S.RegisterWritten):
        return (REG, REG_IDS[event.reg], event.old, event.new, 0), None
    if isinstance(event, S.MemoryWritten):
        n = len(event.new)
        if len(event.old) != n:
            raise ValueError("memory_written old and new differ in length")
        if n in MEM_CODE_BY_SIZE:
            return (MEM_CODE_BY_SIZE[n], event.address, int.from_bytes(event.old, "little"),
                    int.from_bytes(event.new, "little"), 0), None
        return (MEMN, event.address, 0, 0, 0), (bytes(event.old), bytes(event.new))
    if isinstance(event, S.PageMapped):
        return (PAGE_MAPPED, event.page, event.frame, perms_bits(event.perms) | (PAGE_DIRTY if event.dirty else 0),
                event.table_frame), None
    if isinstance(event, S.PageUnmapped):
        return (PAGE_UNMAPPED, event.page, event.frame,
                perms_bits(event.perms) | (PAGE_DIRTY if event.dirty else 0), 0), bytes(event.contents)
    if isinstance(event, S.PageProtected):
        return (PAGE_PROTECTED, event.page, event.frame, perms_bits(event.perms), perms_bits(event.old_perms)), None
    if isinstance(event, S.PageDirtied):
        return (PAGE_DIRTIED, event.page, event.frame, 0, 0), None
    if isinstance(event, (S.FramePushed, S.FramePopped)):
        code = FRAME_PUSHED if k == "frame_pushed" else FRAME_POPPED
        return (code, event.frame_base, event.return_address, event.call_site, 0), event.function
    if isinstance(event, S.BreakMoved):
        return (BREAK_MOVED, event.old, event.new, 0, 0), None
    if isinstance(event, S.Syscall):
        return (SYSCALL, event.number, event.result & 0xFFFFFFFF, 0, 0), (event.name, list(event.args))
    if isinstance(event, S.OutputWritten):
        return (OUTPUT, event.fd, 0, 0, 0), bytes(event.data)
    if isinstance(event, S.Segfault):
        c = ACCESS_NAMES.index(event.access) | (SEGV_CODES.index(event.code) << 4)
        return (SEGFAULT, event.eip, event.address, c, 0), event.reason
    if isinstance(event, S.Fault):
        c = ACCESS_NAMES.index(event.access) | (event.signal << 4)
        return (FAULT, event.eip, event.address, c, 0), (event.code, event.reason)
    if isinstance(event, S.ProcessExited):
        return (EXITED, event.status & 0xFFFFFFFF, event.signal, 0, 0), None
    if isinstance(event, (S.VmaMapped, S.VmaUnmapped)):
        code = VMA_MAPPED if k == "vma_mapped" else VMA_UNMAPPED
        return (code, event.start, event.end - 1, perms_bits(event.perms), 0), event.name
    raise ValueError(f"unknown event kind {k}")


#: version -> function upgrading one chunk's ``(cols, extras)`` from that event schema
#: version to the next, e.g. ``upcast_compact_v1_v2``.  The compact twin of
#: :data:`events.schema.UPCASTERS`; both change together when the schema does.
COMPACT_UPCASTERS: dict[int, Any] = {}
