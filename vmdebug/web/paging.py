"""Paging as data for the page: the walk of one address (the ``pagewalk`` view's lines and the
entries it reads), the page directory and that address's page table as grids of entries,
and the physical frames by owner (the ``frames`` view's walk of every process's tables).

Intel SDM Vol. 3A, 4.3 "32-bit paging": bits 31-22 index the directory, 21-12 the table.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from events.state import PAGE_SHIFT

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

P, RW, US, PS = 0x1, 0x2, 0x4, 0x80


def _grid(entries: Any) -> str:
    """One character per entry: '.' not present, 'r' present read-only, 'w' present
    writable, 'K' a supervisor-only 4 MiB page (the kernel half)."""
    out = []
    for v in entries.tolist():
        if not v & P:
            out.append(".")
        elif v & PS:
            out.append("K" if not v & US else "L")
        else:
            out.append("w" if v & RW else "r")
    return "".join(out)


def walk(dbg: "Debugger", addr: int) -> dict[str, Any]:
    """The walk of ``addr`` at the cursor: the ``pagewalk`` command's lines, the indices and
    entries it went through, and the directory and table it read as grids."""
    from vmdebug.debugger.views.pagewalk import pagewalk
    state = dbg.tl.state
    addr &= 0xFFFFFFFF
    di, ti, off = addr >> 22, (addr >> 12) & 0x3FF, addr & 0xFFF
    cr3 = int(state.regs[10])
    pde = state.pde(di)
    out: dict[str, Any] = {
        "address": addr, "dir_index": di, "table_index": ti, "offset": off, "cr3_frame": cr3,
        "pde": pde, "directory": _grid(state.entries(cr3)),
        "lines": pagewalk(state, addr, dbg.memory.vma_at(addr)),
        "table_frame": None, "pte": None, "table": None, "frame": None, "physical": None, "large": False,
    }
    if pde & P and pde & PS:
        out["large"] = True
        out["physical"] = (pde & 0xFFC00000) | (addr & 0x3FFFFF)
    elif pde & P:
        table = pde >> PAGE_SHIFT
        pte = state.pte(table, ti)
        out.update(table_frame=table, pte=pte, table=_grid(state.entries(table)))
        if pte & P:
            out.update(frame=pte >> PAGE_SHIFT, physical=((pte >> PAGE_SHIFT) << PAGE_SHIFT) | off)
    return out


def physical_frames(dbg: "Debugger") -> dict[str, Any]:
    """Every frame in use, with what holds it and for which process and region, from the
    page tables themselves (the ``frames`` command's walk)."""
    from vmdebug.debugger.commands.beyond import map_context
    from vmdebug.debugger.views.frames import all_frame_uses
    from vmdebug.debugger.views.vmmap import region_kinds
    state = dbg.tl.state
    kinds = region_kinds(state, map_context(dbg))
    vmas = sorted((s, e) for s, (e, _p, _n) in state.vmas.items())
    current = state.pid

    def kind_of(pid: int, vaddr: int) -> str:
        if pid != current:
            return "other"
        for s, e in vmas:
            if s <= vaddr < e:
                return kinds.get(s, "mmap")
        return "none"
    uses = []
    for u in all_frame_uses(state):
        what = u.what if u.what != "page" else kind_of(u.pid, u.vaddr)
        uses.append([u.frame, u.pid, what, u.vaddr])
    return {"nframes": dbg.tl.nframes, "uses": uses, "pid": current}
