"""The event-kind table is complete: every code has every part, every public model
has a kind, and each kind packs, unpacks, applies and undoes as one.

Adding a kind without its sample here fails the first test: a new kind comes with tests.
"""
from __future__ import annotations

import typing

import numpy as np
import pytest

from events import codes as C
from events import kinds as K
from events import schema as S
from events.state import ProcessState

SAMPLES: dict[int, S.Event] = {
    C.REG: S.RegisterWritten(reg="ebx", old=0, new=0xFFFFFFFF),
    C.MEM1: S.MemoryWritten(address=0x1004, old=b"\x09", new=b"\x7f"),
    C.MEM2: S.MemoryWritten(address=0x1006, old=b"\x09\x09", new=b"\x01\x02"),
    C.MEM4: S.MemoryWritten(address=0x1008, old=b"\x09" * 4, new=b"\x01\x02\x03\x04"),
    C.MEMN: S.MemoryWritten(address=0x1ffe, old=b"\x09\x09\x00", new=b"abc"),
    C.PAGE_MAPPED: S.PageMapped(page=0x3000, frame=5, perms="rw-", dirty=True),
    C.PAGE_UNMAPPED: S.PageUnmapped(page=0x1000, frame=3, perms="rw-", contents=b"\x09" * 4096),
    C.PAGE_PROTECTED: S.PageProtected(page=0x1000, frame=3, perms="r--", old_perms="rw-"),
    C.PAGE_DIRTIED: S.PageDirtied(page=0x1000, frame=3),
    C.FRAME_PUSHED: S.FramePushed(function="f", call_site=0x8049000, return_address=0x8049005,
                                  frame_base=0xbffff000),
    C.FRAME_POPPED: S.FramePopped(function="main", call_site=0x1, return_address=0x2, frame_base=0x3),
    C.BREAK_MOVED: S.BreakMoved(old=0, new=0x806d000),
    C.SYSCALL: S.Syscall(number=4, name="write", args=(1, 0x1000, 3), result=-14),
    C.OUTPUT: S.OutputWritten(fd=1, data=b"hi\n"),
    C.SEGFAULT: S.Segfault(eip=0x8049000, address=0, access="write", code="SEGV_MAPERR", reason="NULL"),
    C.FAULT: S.Fault(signal=8, eip=0x8049000, address=0x8049000, access="exec", code="FPE_INTDIV",
                     reason="divide error"),
    C.EXITED: S.ProcessExited(status=-1, signal=0),
    C.VMA_MAPPED: S.VmaMapped(start=0x1000, end=0x100000000, perms="rw-p", name="[heap]"),
    C.VMA_UNMAPPED: S.VmaUnmapped(start=0x2000, end=0x3000, perms="r--s", name="x"),
    C.PAGE_COPIED: S.PageCopied(page=0x1000, old_frame=3, new_frame=7, perms="rw-", old_perms="rw-"),
    C.KERNEL_MAPPED: S.KernelMapped(start=0xC0000000, pages=2, physical=0, pde_flags=0x1E3),
    C.TASK_FORKED: S.TaskForked(pid=1001, parent=1000, page_directory=8, eip=0x8049005, tables=((0, 9),)),
    C.TASK_SWITCHED: S.TaskSwitched(pid=1005, previous=1000),
}


def test_every_code_has_a_kind_a_model_and_a_sample() -> None:
    assert [k.code for k in K.KINDS] == list(range(K.NCODES))
    union = set(typing.get_args(typing.get_args(S.Event)[0]))
    for k in K.KINDS:
        model = getattr(S, k.model)
        assert model in union, k
        assert model.model_fields["kind"].default == k.name, k
        assert callable(k.pack) and callable(k.unpack) and callable(k.apply) and callable(k.describe), k
        assert k.code in SAMPLES, f"kind {k.name} (code {k.code}) has no sample in this test"
    assert {getattr(S, k.model) for k in K.KINDS} == union, "a public model without a kind"


def test_the_public_models_are_built_from_the_descriptors_fields() -> None:
    for k in K.KINDS:
        model = S.MODELS[k.model]
        assert list(model.model_fields) == ["kind"] + [name for name, _, _ in k.fields], k.name
        assert model.__doc__ == k.doc and k.doc, k.name
        assert k.model == "".join(p.capitalize() for p in k.name.split("_"))


def test_two_codes_of_one_kind_must_declare_the_same_fields() -> None:
    class _Other:
        """Not the memory model's fields."""
        address: int

    with pytest.raises(ValueError, match="declare different fields"):
        K.kind(K.NCODES + 7, name="memory_written")(_Other)
    assert K.NCODES + 7 not in K._TABLE


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_each_kind_packs_and_unpacks_as_one(code: int) -> None:
    model = SAMPLES[code]
    row, extra = K.from_model(model)
    assert row[0] == code
    assert (extra is not None) == K.KINDS[code].payload
    extras = [extra] if extra is not None else []
    if extra is not None:
        row = row[:4] + (0,)
    assert K.to_model(*row, extras) == model


def _base() -> ProcessState:
    """A state where every sample applies, and whose values the samples' ``old`` fields
    hold (an event carries the value it replaces): pages 0x1000 (frame 3, all 9s) and
    0x2000 (frame 4) mapped, a VMA, a frame on the shadow stack."""
    s = ProcessState(16)
    s.regs[C.CR3] = 1
    K.apply(s, (C.PAGE_MAPPED, 0x1000, 3, C.PERM_R | C.PERM_W, 2), [])
    K.apply(s, (C.PAGE_MAPPED, 0x2000, 4, C.PERM_R | C.PERM_W, 0), [])
    K.apply(s, (C.VMA_MAPPED, 0x2000, 0x2fff, C.PERM_R | C.PERM_SHARED, 0), ["x"])
    K.apply(s, (C.FRAME_PUSHED, 3, 2, 1, 0), ["main"])
    s.phys[3 << 12:(3 << 12) + 4096] = 9
    K.apply(s, (C.TASK_FORKED, 1005, 1000, 10, 0), [(0x8049000, [[0, 11]])])   # a second process
    return s


def _snapshot(s: ProcessState) -> tuple:
    return (list(s.regs), s.phys.tobytes(), s.brk, dict(s.vmas), list(s.stack), dict(s.pagemap), s.exited,
            s.fault, s.outputs, s.pid, dict(s.tasks), dict(s.parents))


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_each_kind_applies_and_undoes_exactly(code: int) -> None:
    row, extra = K.from_model(SAMPLES[code])
    extras = [extra] if extra is not None else []
    if extra is not None:
        row = row[:4] + (0,)
    state = _base()
    before = _snapshot(state)
    phys = state.phys.copy()
    state.touched = set()
    K.apply(state, row, extras)
    assert _snapshot(state) != before or code == C.SYSCALL    # a syscall's effects are their own events
    changed = set((np.flatnonzero(state.phys != phys) >> 12).tolist())
    assert changed <= state.touched, "checkpoints copy only touched frames: every frame written must be touched"
    phys, state.touched = state.phys.copy(), set()
    K.revert(state, row, extras)
    assert set((np.flatnonzero(state.phys != phys) >> 12).tolist()) <= state.touched
    assert _snapshot(state) == before


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown event code"):
        K.to_model(K.NCODES, 0, 0, 0, 0, [])
    assert np.all(np.array([k.code for k in K.KINDS]) < K.NCODES)


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_each_kind_says_in_one_line_what_it_changed(code: int) -> None:
    row, extra = K.from_model(SAMPLES[code])
    text = K.describe(row[:4] + (0,), [extra])
    assert text.strip() and "\n" not in text
    assert text.split()[0] in ("ebx", "mem", "page", "call", "return", "brk", "syscall", "output", "SIGSEGV",
                               "signal", "exited", "vma", "kernel", "fork", "switch")


def test_a_forked_process_maps_its_parents_frames_and_a_switch_makes_it_current() -> None:
    s = _base()
    K.apply(s, (C.TASK_SWITCHED, 1005, 1000, 0, 0), [])
    assert s.pid == 1005 and s.regs[C.CR3] == 10 and s.regs[C.EIP] == 0x8049000 and s.regs[C.EAX] == 0
    assert s.translate(0x1000) == 3 << 12 and s.read(0x1000, 2) == b"\x09\x09"   # the same frame as the parent
    assert s.pde(0) >> 12 == 11 and s.stack == [("main", 1, 2, 3)]
    K.revert(s, (C.TASK_SWITCHED, 1005, 1000, 0, 0), [])
    assert s.pid == 1000 and s.regs[C.CR3] == 1 and set(s.tasks) == {1005} and s.parents == {1005: 1000}
