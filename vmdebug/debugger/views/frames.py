"""``frames``: physical memory frame by frame, read from the page tables themselves.

A frame holds a page directory (the one CR3 names), a page table (a present
PDE names it) or a page of a process (a present PTE names it); every other
frame is free.  The reference count is how many entries name the frame: two
processes sharing memory, or sharing a page after fork until one of them writes
(copy-on-write), give counts above 1; frame 0 is the zero page, which every page
that was read but never written maps read-only.  Intel SDM Vol. 3A, 4.3 "32-bit paging".
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from events.record import Frozen
from events.state import PAGE_SHIFT, ProcessState
from vmdebug.machine.layout import Area, kernel_half

PTE_P, PTE_RW, PTE_D, PDE_PS = 0x1, 0x2, 0x40, 0x80
ZERO_FRAME = 0      # Linux's empty_zero_page: see vmdebug.machine.kernel


class FrameUse(Frozen):
    __slots__ = (
        "frame",
        "what",   # "page directory", "page table" or "page"
        "pid",
        "vaddr",  # the page's address, or the first address a page table maps
        "entry",  # the PTE naming a page (0 for the others)
    )

    def __init__(self, frame: int, what: str, pid: int, vaddr: int, entry: int) -> None:
        object.__setattr__(self, "frame", frame)
        object.__setattr__(self, "what", what)
        object.__setattr__(self, "pid", pid)
        object.__setattr__(self, "vaddr", vaddr)
        object.__setattr__(self, "entry", entry)


def frame_uses(state: ProcessState, pid: int, cr3: int | None = None) -> list[FrameUse]:
    """Every frame one process's page tables use, walked from its CR3 (the current
    process's unless ``cr3`` is given)."""
    cr3 = state.regs[10] if cr3 is None else cr3
    out = [FrameUse(cr3, "page directory", pid, 0, 0)]
    directory = state.entries(cr3)
    for di in np.flatnonzero(((directory & PTE_P) != 0) & ((directory & PDE_PS) == 0)).tolist():   # PS: no table
        table = int(directory[di]) >> PAGE_SHIFT
        out.append(FrameUse(table, "page table", pid, di << 22, 0))
        entries = state.entries(table)
        for ti in np.flatnonzero(entries & PTE_P).tolist():
            pte = int(entries[ti])
            out.append(FrameUse(pte >> PAGE_SHIFT, "page", pid, (di << 22) | (ti << 12), pte))
    return out


def all_frame_uses(state: ProcessState) -> list[FrameUse]:
    """The frames of every process (the waiting and the exited ones too), walked from each
    one's CR3."""
    out = []
    for pid, ctx in state.processes().items():
        out += frame_uses(state, pid, ctx[0][10])
    return out


def frames_view(state: ProcessState, pid: int | None, nframes: int, whole: bool) -> list[str]:
    """The frames in use, in frame order, with what each holds; with ``whole``, the free
    ones too (as ranges) and a line on all of physical memory.  ``pid`` shows only that
    process's frames (their reference counts still count every process)."""
    every = all_frame_uses(state)
    refs = Counter(u.frame for u in every)
    procs = state.processes()
    uses = sorted((u for u in every if pid is None or u.pid == pid), key=lambda u: (u.frame, u.pid, u.vaddr))
    vmas = {p: sorted((start, end, perms, name) for start, (end, perms, name) in ctx[2].items())
            for p, ctx in procs.items()}
    ended = {p for p, ctx in procs.items() if ctx[5] is not None}
    out = []
    if whole:
        used = len(set(refs) | {ZERO_FRAME})       # frame 0 is the zero page, never handed out
        out.append(f"Physical memory: {nframes} frames of 4 KiB ({nframes * 4096 >> 20} MiB): "
                   f"{used} in use (frame 0 is the zero page), {nframes - used} free.")
        if len(procs) > 1:
            out.append("Processes: " + ", ".join(
                f"{p}{' (exited)' if p in ended else ''}{' (current)' if p == state.pid else ''}" for p in procs) + ".")
    kernel = kernel_half(state)
    if whole and kernel is not None:
        start, end, phys_end = kernel
        out.append(f"The kernel half maps physical memory 0x00000000-{phys_end - 1:#010x} at "
                   f"{start:#010x}-{end - 1:#010x} in 4 MiB pages, in every process, supervisor-only.")
    out.append(f"{'frame':<10}{'physical':<12}{'refs':<6}holds")
    zero = [u for u in uses if u.frame == ZERO_FRAME]
    if whole or zero:
        pages = ", ".join(f"pid {u.pid} {u.vaddr:#010x}" if len(procs) > 1 else f"{u.vaddr:#010x}"
                          for u in zero[:4]) + (", ..." if len(zero) > 4 else "")
        who = f" by pid {pid}" if pid is not None and len(procs) == 1 else ""
        out.append(f"{ZERO_FRAME:<#10x}{0:#010x}  {refs[ZERO_FRAME]:<6}the zero page (all zeros, read-only)"
                   + (f": read but never written{who} at {pages}" if zero else ""))
    last = 0
    shown = set()
    for u in uses:
        if u.frame == ZERO_FRAME:
            continue
        if whole and u.frame > last + 1:
            out.append(_free(last + 1, u.frame - 1))
        last = max(last, u.frame)
        mark = "  shared" if refs[u.frame] > 1 else ""
        head = (f"{u.frame:<#10x}{u.frame << PAGE_SHIFT:#010x}  {refs[u.frame]:<6}" if u.frame not in shown
                else f"{'':<22}")           # a shared frame's other users: one line each, below it
        shown.add(u.frame)
        gone = " (exited)" if u.pid in ended else ""
        if u.what == "page directory":
            out.append(f"{head}page directory of pid {u.pid}{gone}" + (" (CR3)" if u.pid == state.pid else "")
                       + mark)
        elif u.what == "page table":
            out.append(f"{head}page table of pid {u.pid}{gone}: {u.vaddr:#010x}-{u.vaddr + (1 << 22) - 1:#010x}"
                       f"{mark}")
        else:
            rights = "rw" if u.entry & PTE_RW else "r-"
            dirty = ", dirty" if u.entry & PTE_D else ""
            area = _find(vmas.get(u.pid, []), u.vaddr)
            if area is not None and "w" in area[2] and area[2].endswith("p") and not u.entry & PTE_RW:
                mark += "  copy-on-write" if refs[u.frame] > 1 else "  copy-on-write (no other user: a write reuses it)"
            out.append(f"{head}pid {u.pid} page {u.vaddr:#010x} ({rights}{dirty}) {_area(area)}{mark}")
    if whole and last + 1 < nframes:
        out.append(_free(last + 1, nframes - 1))
    return out


def _free(lo: int, hi: int) -> str:
    n = hi - lo + 1
    where = f"{lo:#x}" if n == 1 else f"{lo:#x}-{hi:#x}"
    return f"{where:<28}free ({n} frame{'s' if n > 1 else ''})"


def _find(vmas: list[Area], vaddr: int) -> Area | None:
    for area in vmas:
        if area[0] <= vaddr < area[1]:
            return area
    return None


def _area(area: Area | None) -> str:
    if area is None:
        return "outside every mapping"
    return f"in {area[3] or 'an anonymous mapping'} [{area[2]}]"
