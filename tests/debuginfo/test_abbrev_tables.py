"""vmdebug.debuginfo.abbrev decodes .debug_abbrev itself (pyelftools' construct structs took
15 ms a session): every table must give the declarations pyelftools' own parser gives, and
damaged bytes must fail where pyelftools fails, never decode to something else."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elftools.common.utils import struct_parse
from elftools.dwarf.abbrevtable import AbbrevDecl
from vmdebug.debuginfo.abbrev import AbbrevError, decode_table
from vmdebug.debuginfo.reader import dwarf_info
from vmdebug.program import load_program

ROOT = Path(__file__).resolve().parents[2]


def shown(decls: dict[int, Any]) -> list[tuple[Any, ...]]:
    return [(code, d["tag"], d["children_flag"], [(s.name, s.form, s.value) for s in d["attr_spec"]])
            for code, d in sorted(decls.items())]


def pyelftools_table(dwarf: Any, data: bytes, offset: int) -> dict[int, Any]:
    """The table as pyelftools' construct structs decode it (AbbrevTable's own loop)."""
    stream = io.BytesIO(data)
    stream.seek(offset)
    out = {}
    while True:
        code = struct_parse(dwarf.structs.the_Dwarf_uleb128, stream)
        if code == 0:
            return out
        out[code] = AbbrevDecl(code, struct_parse(dwarf.structs.Dwarf_abbrev_declaration, stream))


@pytest.fixture(scope="module")
def sections() -> list[dict[str, bytes]]:
    out = []
    for name, opt in [("null_deref.c", "0"), ("recursion_frames.c", "2"), ("setjmp_unwind.c", "1")]:
        image = load_program(str(ROOT / "examples" / name), opt).image
        out.append({k: bytes(v) for k, v in image["debug"].items()})
    return out


def test_every_table_decodes_as_pyelftools_decodes_it(sections: list[dict[str, bytes]]) -> None:
    tables = 0
    for secs in sections:
        dwarf = dwarf_info(secs)
        data = secs[".debug_abbrev"]
        for cu in dwarf.iter_CUs():
            offset = cu["debug_abbrev_offset"]
            assert shown(decode_table(data, offset)) == shown(pyelftools_table(dwarf, data, offset))
            tables += 1
    assert tables > 20


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_damaged_tables_fail_or_decode_as_pyelftools(sections: list[dict[str, bytes]], data: st.DataObject) -> None:
    secs = data.draw(st.sampled_from(sections))
    dwarf = dwarf_info(secs)
    raw = bytearray(secs[".debug_abbrev"])
    offsets = [cu["debug_abbrev_offset"] for cu in dwarf.iter_CUs()]
    offset = data.draw(st.sampled_from(offsets))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(offset, min(len(raw) - 1, offset + 400)))
        raw[at] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[:data.draw(st.integers(offset, len(raw)))]
    damaged = bytes(raw)
    try:
        expected = shown(pyelftools_table(dwarf, damaged, offset))
    except Exception:
        expected = None
    try:
        got = shown(decode_table(damaged, offset))
    except AbbrevError:
        got = None
    assert got == expected
