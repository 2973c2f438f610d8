"""The call frame information, read one FDE at a time (vmdebug.debuginfo.unwind).

An unwind parses the FDE it reaches with its CIE alone, cut out of
``.debug_frame``; pyelftools' parse of the whole section is the reference:
every FDE's range and every row of rules must come out the same, on real
programs gcc compiled at -O0 and -O2 (main's realigned CFA, the libc's).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from vmdebug.debuginfo import DebugInfo
from vmdebug.debuginfo.unwind import CallFrames, Fde, fde_spans
from vmdebug.program import load_program

ROOT = Path(__file__).resolve().parents[2]


def whole_section(info: DebugInfo) -> list[Fde]:
    entries = [e for e in info.dwarf.CFI_entries() if "initial_location" in getattr(e, "header", {})]
    fdes = [Fde(e.header["initial_location"], e.header["initial_location"] + e.header["address_range"], e)
            for e in entries]
    return sorted(fdes, key=lambda f: f.low)


@pytest.mark.parametrize("opt", ["0", "2"])
@pytest.mark.parametrize("name", ["null_deref.c", "recursion_frames.c"])
def test_each_fde_parsed_alone_gives_the_rows_of_the_whole_section(name: str, opt: str) -> None:
    image = load_program(str(ROOT / "examples" / name), opt).image
    info = DebugInfo.from_image(image)
    assert info is not None
    one_by_one, whole = info.frames.fdes, whole_section(info)
    assert len(one_by_one) == len(whole) > 10
    for a, b in zip(one_by_one, whole):
        assert (a.low, a.high) == (b.low, b.high)
        assert a.rows and repr(a.rows) == repr(b.rows)


def test_a_section_the_scan_does_not_take_is_read_whole() -> None:
    image = load_program(str(ROOT / "examples" / "null_deref.c"), "0").image
    frame = bytes(image["debug"][".debug_frame"])
    assert fde_spans(frame) is not None
    assert fde_spans(frame[:-3]) is None                        # cut inside an entry
    assert fde_spans(b"\xff\xff\xff\xff" + frame[4:]) is None   # a 64-bit entry
    damaged = dict(image, debug=dict(image["debug"], **{".debug_frame": frame[:-3]}))
    info = DebugInfo.from_image(damaged)
    assert info is not None and isinstance(info.frames, CallFrames)
    info.frames.fdes                                             # pyelftools' reading: no exception
