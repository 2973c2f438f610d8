"""Why a run ended, from the folded state and the log: one diagnosis for every reader.

``vmdebug run`` prints it as a short paragraph when the program dies, ``explain``
spells it out in the course's terms, and both read the same :class:`Diagnosis`,
built by :func:`diagnose` from what any replay has: the state at the last step,
the fatal signal's event, how the run ended and the frame events.  So a session
replayed anywhere says what ``run`` said when it was recorded.

The rules behind the words are the kernel's: an address with no VMA is
SEGV_MAPERR (arch/x86/mm/fault.c ``bad_area``), one whose VMA forbids the access
is SEGV_ACCERR (``bad_area_access_error``); the stack grows only within
RLIMIT_STACK and never into the guard gap (mm/mmap.c ``expand_downwards``).
"""
from __future__ import annotations

from typing import Any

from events.record import Frozen
from events.end import RunEnd
from events.state import ProcessState
from vmdebug.machine.layout import Area, areas, kernel_start, region_name
from vmdebug.replay.query import Fatal

ALLOCATOR = ("malloc", "free", "realloc", "calloc")


class Diagnosis(Frozen):
    """What ended the run and what the state says about it."""

    __slots__ = (
        "step",
        "end",
        "fatal",
        "eip",
        "mapping",  # the VMA holding the fault address
        "region",   # where the address is, when no VMA holds it
        "nearby",   # areas around it, with where they are
        "smashed",  # (function, pushed, taken, slot) of a smashed `ret`
        "callers",  # the call stack at the end, innermost first
    )

    def __init__(self, step: int, end: RunEnd, fatal: Fatal | None, eip: int, mapping: Area | None = None,
                 region: str = "", nearby: list[tuple[Area, str]] | None = None,
                 smashed: tuple[str, int, int, int] | None = None, callers: tuple[str, ...] = ()) -> None:
        object.__setattr__(self, "step", step)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "fatal", fatal)
        object.__setattr__(self, "eip", eip)
        object.__setattr__(self, "mapping", mapping)
        object.__setattr__(self, "region", region)
        object.__setattr__(self, "nearby", [] if nearby is None else nearby)
        object.__setattr__(self, "smashed", smashed)
        object.__setattr__(self, "callers", callers)

    @property
    def segv(self) -> bool:
        return self.fatal is not None and self.fatal.signal == 11 and self.fatal.si_code.startswith("SEGV_")

    def notes(self) -> list[str]:
        """What the run's end means beyond the signal: the same words from run and explain."""
        out = []
        if self.smashed is not None:
            out.append(smash_note(*self.smashed))
        if self.end.signal == 6 and "abort" in self.callers:
            chain = [f for f in self.callers[self.callers.index("abort") + 1:] if f != "abort"]
            allocator = next((f for f in chain if f in ALLOCATOR), None)
            if allocator is not None:
                out.append(f"{allocator} found the heap damaged and called abort() (its message on stderr "
                           f"says how: a corrupted chunk header, a double free, a pointer not from malloc); "
                           f"`heap` shows the chunks")
            elif chain:
                out.append(f"abort() was called by {chain[0]}")
        return out


def smash_note(function: str, expected: int, actual: int, slot: int) -> str:
    """A ``ret`` that went elsewhere than its ``call`` said."""
    return (f"{function} returned to {actual:#010x}, but its caller pushed {expected:#010x}: "
            f"the return address at {slot:#010x} was overwritten (stack buffer overflow?)")


def diagnose(state: ProcessState, end: RunEnd, fatal: Fatal | None, step: int,
             smashed: tuple[str, int, int, int] | None) -> Diagnosis:
    """The diagnosis of a run whose folded state at its last step is ``state``."""
    callers = tuple(frame[0] for frame in reversed(state.stack))
    eip = state.regs[8]
    if fatal is None:
        return Diagnosis(step, end, None, eip, smashed=smashed, callers=callers)
    vmas = areas(state)
    addr = fatal.address
    mapping = next((a for a in vmas if a[0] <= addr < a[1]), None)
    nearby = []
    below = [a for a in vmas if a[1] <= addr][-1:]
    above = [a for a in vmas if a[0] > addr][:1]
    for a in below + above:
        start, end_, _perms, _name = a
        dist = addr - end_ if end_ <= addr else start - addr
        rel = "below" if end_ <= addr else "above"
        where = f"{dist:#x} bytes {rel} the address" if dist else f"ends right {rel} the address"
        if dist == 0 and rel == "above":
            where = "starts right above the address"
        nearby.append((a, where))
    region = "" if mapping is not None else region_name(vmas, state.brk, addr, kernel_start(state))
    return Diagnosis(step, end, fatal, fatal.eip, mapping, region, nearby, smashed, callers)


def run_paragraph(d: Diagnosis, label: Any) -> str:
    """What ``vmdebug run`` prints when the program dies; ``label(eip)`` is ``<sym+0x..>`` or ""."""
    if d.fatal is None:
        return "vmdebug: the program was killed"
    f = d.fatal
    sym = label(d.eip)
    lines = [f"vmdebug: program received {_signame(f.signal)} ({f.si_code}) at step {d.step}",
             f"  eip:     {d.eip:#010x}" + (f" {sym}" if sym else "")]
    if d.segv:
        lines.append(f"  address: {f.address:#010x} ({f.access})")
        if d.mapping is not None:
            start, end, perms, name = d.mapping
            lines.append(f"  mapping: {start:08x}-{end:08x} {perms} {name}".rstrip())
        else:
            lines.append(f"  mapping: none ({d.region})")
    lines.append(f"  cause:   {f.reason}")
    lines.extend(f"  note:    {n}" for n in d.notes())
    return "\n".join(lines)


def _signame(sig: int) -> str:
    from vmdebug.signals import signal_name
    return signal_name(sig)
