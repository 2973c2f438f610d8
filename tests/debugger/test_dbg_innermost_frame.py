"""A stop unwinds frame 0 alone (Debugger.innermost_frame): it must be the frame the whole
unwind gives, at every kind of step - inlined calls at -O2, a signal handler, libc code."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from vmdebug.debugger.session import open_debugger

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("example,opt", [("recursion_frames.c", "2"), ("catch_segv.c", "0"),
                                         ("setjmp_unwind.c", "2"), ("average.c", "0")])
def test_frame_0_alone_is_frame_0_of_the_whole_unwind(example: str, opt: str) -> None:
    out: list[str] = []
    dbg = open_debugger(str(ROOT / "examples" / example), [], write=out.append, error=out.append, opt=opt)
    tl = dbg.tl
    tl.record_all()
    rng = random.Random(3)
    steps = sorted({0, tl.last, *(rng.randrange(tl.last + 1) for _ in range(150))})
    for step in steps:
        tl.goto(step)
        alone = dbg.innermost_frame()
        assert dbg.selected_frame() is alone
        whole = dbg.frames()
        assert alone == whole[0], step
        assert dbg.innermost_frame() is whole[0]
