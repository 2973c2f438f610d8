"""The memory map as the course draws it: high addresses on top, every region
with its live bounds, the gaps between them, and esp / ebp / brk / eip marked.

Regions are named the way the course does: the program file's executable
mapping is *text*, its writable one *data* (with .bss after the file bytes),
the anonymous mapping right after it *bss*, ``[heap]`` runs from start_brk to
the page-aligned break, anonymous mappings elsewhere form the *mmap area*, and
the top of ``[stack]`` holds the argument and environment strings
(fs/exec.c copies them there before the first instruction).
"""
from __future__ import annotations

from events.record import Record
from events import codes as C
from vmdebug.machine.layout import kernel_half
from events.state import ProcessState

WIDTH = 34


class MapContext(Record):
    def __init__(self, program: str, start_brk: int, args_start: int | None,
                 sections: list[tuple[str, int, int]], task_size: int = 0xC0000000) -> None:
        self.program = program  # the VMA name of the program's own mappings
        self.start_brk = start_brk
        self.args_start = args_start  # lowest address of the argv/env strings (top of the stack)
        self.sections = sections  # (name, start, end) of the program's sections
        self.task_size = task_size


def _kind(start: int, end: int, perms: str, name: str, ctx: MapContext, prev_prog_rw: bool) -> str:
    if name == "[stack]":
        return "stack"
    if name == "[heap]":
        return "heap"
    if name.startswith("["):
        return name.strip("[]")
    if name == ctx.program or (name and not name.startswith("[")):
        return "text" if "x" in perms and "w" not in perms else ("data" if "w" in perms else "rodata")
    if prev_prog_rw:
        return "bss"
    return "mmap"


def region_kinds(state: ProcessState, ctx: MapContext) -> dict[int, str]:
    """Each mapping's kind in the course's words (stack, heap, text, data, rodata, bss, mmap...),
    by its start address."""
    kinds: dict[int, str] = {}
    prev_rw_end = -1
    for s, (e, p, n) in sorted(state.vmas.items()):
        # bss beyond the file's last page is an anonymous mapping right after the data
        kinds[s] = _kind(s, e, p, n, ctx, prev_rw_end == s)
        prev_rw_end = e if kinds[s] == "data" else -1
    return kinds


def region_label(kind: str, start: int, end: int, ctx: MapContext) -> str:
    """The name a region's box carries: its kind, with the program's sections in it for the
    file's own mappings (the browser view draws the same words)."""
    if kind == "stack":
        return "stack (grows down)"
    if kind == "heap":
        return "heap (grows up)"
    if kind in ("text", "data", "rodata"):
        secs = [name for name, a, b in ctx.sections if a < end and b > start and name]
        if kind == "rodata" and not secs:
            return "ELF and program headers"
        return kind + (f" ({' '.join(secs)})" if secs else "")
    return kind + " area" if kind == "mmap" else kind


def _box(label: str) -> str:
    return "|" + label[:WIDTH - 2].center(WIDTH - 2) + "|"


def vmmap(state: ProcessState, ctx: MapContext) -> list[str]:
    regs = state.regs
    esp, ebp, eip = regs[C.ESP], regs[C.EBP], regs[C.EIP]
    vmas = sorted(((s, e, p, n) for s, (e, p, n) in state.vmas.items()), reverse=True)
    border = "+" + "-" * (WIDTH - 2) + "+"
    pad = " " * 12
    out = [f"{'address':>10}  {'':<{WIDTH}}  region / notes"]
    top = max([ctx.task_size] + [e for _, e, _, _ in vmas])
    kernel = kernel_half(state)
    if kernel is not None and kernel[0] == top:
        start, end, phys_end = kernel
        out.append(f"{0xFFFFFFFF:#010x}  {border}")
        out.append(f"{pad}{_box('kernel half')}  {(1 << 32) - start >> 20} MiB, in every process, "
                   f"supervisor-only (U/S=0)")
        out.append(f"{pad}{_box('')}  physical memory 0x00000000-{phys_end - 1:#010x} mapped at "
                   f"{start:#010x}-{end - 1:#010x} (4 MiB pages)")
    out.append(f"{top:#010x}  {border}  top of user space")
    kinds = region_kinds(state, ctx)
    prev_start = top
    for s, e, p, n in vmas:
        if e < prev_start:
            gap = prev_start - e
            what = "unmapped gap"
            if kinds.get(s) == "heap" or (prev_start > state.brk > e):
                what = "unmapped (the heap grows up into this)"
            out.append(f"{pad}{_box('...')}  {what}: {gap // 1024} KiB")
            out.append(f"{e:#010x}  {border}")
        kind = kinds[s]
        notes = [f"{p} {n}".strip(), f"{(e - s) // 1024} KiB" if e - s >= 1024 else f"{e - s} bytes"]
        marks = []
        if kind == "stack":
            if ctx.args_start is not None and s <= ctx.args_start < e:
                out.append(f"{pad}{_box('argv/env strings, auxv')}  from {ctx.args_start:#010x}")
            out.append(f"{pad}{_box(region_label(kind, s, e, ctx))}  {'  '.join(notes)}")
            if s <= esp < e:
                marks.append(f"<- esp {esp:#010x}")
            if s <= ebp < e:
                marks.append(f"<- ebp {ebp:#010x}")
        elif kind == "heap":
            out.append(f"{pad}{_box(region_label(kind, s, e, ctx))}  {'  '.join(notes)}")
            marks.append(f"<- brk {state.brk:#010x} (page-aligned end {e:#010x})")
            marks.append(f"   start_brk {ctx.start_brk:#010x}")
        elif kind in ("text", "data", "rodata"):
            out.append(f"{pad}{_box(region_label(kind, s, e, ctx))}  {'  '.join(notes)}")
            if s <= eip < e:
                marks.append(f"<- eip {eip:#010x}")
        else:
            out.append(f"{pad}{_box(region_label(kind, s, e, ctx))}  {'  '.join(notes)}")
            if s <= eip < e:
                marks.append(f"<- eip {eip:#010x}")
        for m in marks:
            out.append(f"{pad}{_box('')}  {m}")
        out.append(f"{s:#010x}  {border}")
        prev_start = s
    if prev_start > 0:
        out.append(f"{pad}{_box('...')}  unmapped (page 0 and the low {prev_start // 1024} KiB: NULL pointers land here)")
        out.append(f"{0:#010x}  {border}")
    if not (ctx.start_brk <= state.brk) or not any(n == "[heap]" for _, _, _, n in vmas):
        out.append(f"program break: {state.brk:#010x} (no [heap] mapping yet: start_brk {ctx.start_brk:#010x})")
    return out
