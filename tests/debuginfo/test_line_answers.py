"""One pc's line is :meth:`ProgramInfo.sal` itself, read from the unit holding it; the
segments built for scans over every unit (step, next, until) must give the same answers,
for C at -O0 and -O2 and for hand-written assembly."""
from __future__ import annotations

import bisect
from pathlib import Path

import pytest

from vmdebug.debugger.program_info import ProgramInfo
from vmdebug.debuginfo import DebugInfo
from vmdebug.program import load_program

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name,opt", [("null_deref.c", "0"), ("recursion_frames.c", "2"), ("hello.s", "0")])
def test_a_pc_has_the_same_line_alone_and_in_the_segments(name: str, opt: str) -> None:
    image = load_program(str(ROOT / "examples" / name), opt).image
    info = ProgramInfo(image, name)
    info.attach_debug(DebugInfo.from_image(image))
    starts, keys, firsts, _stmts = info.line_segments()
    text = [s for s in image["sections"] if s["name"] == ".text"][0]
    assert len(starts) > 5
    for pc in range(text["address"], text["address"] + text["size"]):
        k = bisect.bisect_right(starts, pc) - 1
        assert info.line_for(pc) == (keys[k] if k >= 0 else None), hex(pc)
        assert info.is_line_start(pc) == (k >= 0 and keys[k] is not None and firsts[k] == pc), hex(pc)


def test_a_pc_decodes_only_its_own_units_line_program() -> None:
    image = load_program(str(ROOT / "examples" / "null_deref.c"), "0").image
    debug = DebugInfo.from_image(image)
    info = ProgramInfo(image, "null_deref.c")
    info.attach_debug(debug)
    tables = info.gdb_lines.units
    assert len(tables) > 3 and not any(t.decoded for t in tables)
    main = info.lookup("main")
    file, line = info.line_for(main.address)
    assert file.endswith("null_deref.c") and line > 0
    assert [t.decoded for t in tables].count(True) == 1
    whole = DebugInfo.from_image(image).line_tables
    assert info.line_segments()[0] and all(t.decoded for t in tables)
    assert [[(s.path, [(r.pc, r.line, r.is_stmt) for r in s.rows]) for s in t.subfiles] for t in tables] == \
           [[(s.path, [(r.pc, r.line, r.is_stmt) for r in s.rows]) for s in t.subfiles] for t in whole.units]
