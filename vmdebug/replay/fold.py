"""Folding runs of events into a state, forward or backward, vectorised.

Runs of plain register and memory writes - nearly all events - are folded
with numpy in one go (last write per register / per byte wins); frame pushes
and pops are folded as a whole too; the rarer events (page table changes,
syscalls, the break...) go through :func:`events.kinds.apply` one by one, in
order.  Going backwards is the mirror image: the *first* write in the run
supplies each location's old value.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from events import codes as C
from events.kinds import FOLD_CODES, apply, revert
from events.state import PAGE_SHIFT, FoldError, ProcessState

_SIMPLE = np.array(FOLD_CODES["simple"], dtype=np.uint32)
_VECTOR_MIN = 32  # shorter runs are cheaper one by one


def _apply_simple_run(state: ProcessState, cols: np.ndarray, forward: bool) -> None:
    """Fold a run of REG/MEM1/MEM2/MEM4 events at once."""
    code = cols[:, 0]
    value_col = 3 if forward else 2
    # Registers: forward, the last write wins; backward, the first write's old value.
    regs = cols[code == C.REG]
    if len(regs):
        ids = regs[:, 1]
        vals = regs[:, value_col]
        if forward:
            ids, vals = ids[::-1], vals[::-1]
        uniq, first = np.unique(ids, return_index=True)
        for r, v in zip(uniq.tolist(), vals[first].tolist()):
            state.regs[r] = v
    mem = cols[code != C.REG]
    if not len(mem):
        return
    sizes = np.where(mem[:, 0] == C.MEM1, 1, np.where(mem[:, 0] == C.MEM2, 2, 4)).astype(np.int64)
    total = int(sizes.sum())
    row = np.repeat(np.arange(len(mem)), sizes)
    starts = np.cumsum(sizes) - sizes
    k = np.arange(total) - np.repeat(starts, sizes)
    vaddr = (mem[row, 1].astype(np.int64) + k) & 0xFFFFFFFF
    byte = ((mem[row, value_col].astype(np.int64) >> (8 * k)) & 0xFF).astype(np.uint8)
    if forward:
        vaddr, byte = vaddr[::-1], byte[::-1]
    uniq, first = np.unique(vaddr, return_index=True)
    byte = byte[first]
    vpn = uniq >> PAGE_SHIFT
    pages, inverse = np.unique(vpn, return_inverse=True)
    frames = np.empty(len(pages), dtype=np.int64)
    for i, p in enumerate(pages.tolist()):
        f = state.pagemap.get(p)
        if f is None:
            raise FoldError(f"write to unmapped page {p << PAGE_SHIFT:#010x}")
        frames[i] = f
        state.touched.add(f)
    phys = (frames[inverse] << PAGE_SHIFT) | (uniq & 0xFFF)
    state.phys[phys] = byte


_BARRIER = np.array(FOLD_CODES["barrier"], dtype=np.uint32)


def _sequential(state: ProcessState, rows: list, extras: list[Any], forward: bool) -> None:
    if forward:
        for r in rows:
            apply(state, r, extras)
    else:
        for r in reversed(rows):
            revert(state, r, extras)


def apply_range(state: ProcessState, cols: np.ndarray, extras: list[Any], forward: bool = True) -> None:
    """Fold events ``cols`` into ``state`` (forward), or undo them (backward).

    Page-table events and multi-byte writes are barriers: they change how later
    addresses translate, so the events between two barriers form a segment.
    In a segment, register and memory writes are folded at once with numpy and
    the other events (frames, syscalls, the break, VMAs...), which touch
    neither registers nor memory, are applied one by one in their own order.
    """
    n = len(cols)
    if n == 0:
        return
    barrier = np.flatnonzero(np.isin(cols[:, 0], _BARRIER))
    bounds = [0]
    for i in barrier.tolist():
        bounds += [i, i + 1]
    bounds.append(n)
    barrier_set = set(barrier.tolist())
    pieces = [(lo, hi, lo in barrier_set) for lo, hi in zip(bounds[:-1], bounds[1:]) if lo < hi]
    if not forward:
        pieces.reverse()
    for lo, hi, is_barrier in pieces:
        seg = cols[lo:hi]
        if is_barrier or hi - lo < _VECTOR_MIN:
            _sequential(state, seg.tolist(), extras, forward)
            continue
        simple = np.isin(seg[:, 0], _SIMPLE)
        if simple.all():
            _apply_simple_run(state, seg, forward)
            continue
        _apply_simple_run(state, seg[simple], forward)
        rest = seg[~simple]
        is_frame = np.isin(rest[:, 0], _FRAMES)
        if is_frame.any():
            _apply_frames(state, rest[is_frame], extras, forward)
            rest = rest[~is_frame]
        # the others (syscalls, the break, output, VMAs...) touch neither memory nor frames
        _sequential(state, rest.tolist(), extras, forward)


_FRAMES = np.array(FOLD_CODES["frame"], dtype=np.uint32)


def _apply_frames(state: ProcessState, rows: np.ndarray, extras: list[Any], forward: bool) -> None:
    """Fold a run of frame pushes and pops at once: what :func:`events.kinds.apply` does one
    by one.  Pops remove the deepest frames; a push survives unless a later pop takes it
    back (the running depth falls below the depth it made)."""
    if not forward:
        rows = rows[::-1]
    push = (rows[:, 0] == C.FRAME_PUSHED) == forward
    depth = np.cumsum(np.where(push, 1, -1))
    lowest = int(depth.min())
    if lowest < -len(state.stack):      # pops past the bottom are no-ops one by one: do that
        _sequential(state, (rows[::-1] if not forward else rows).tolist(), extras, forward)
        return
    later_min = np.append(np.minimum.accumulate(depth[::-1])[::-1][1:], np.iinfo(np.int64).max)
    keep = np.flatnonzero(push & (later_min >= depth))
    if lowest < 0:
        del state.stack[lowest:]
    for code, a, b, c, d in rows[keep].tolist():
        state.stack.append((extras[d], c, b, a))
