"""vmdebug.debuginfo.skim reads the names of a unit's top-level DIEs from .debug_info's bytes
(pyelftools took 20-35 ms a session to parse those DIEs in full).  The names decide which
units ``break NAME`` reads, so they must be pyelftools' own: on every unit of the test
programs, and on damaged sections, where the skimmer either gives pyelftools' answer or
hands the unit to pyelftools."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vmdebug.debuginfo.reader import Reader, _str, dwarf_info, origin_chain
from vmdebug.debuginfo.skim import Unsupported, UnitSkimmer
from vmdebug.program import load_program

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = [("null_deref.c", "0"), ("recursion_frames.c", "2"), ("setjmp_unwind.c", "1"), ("malloc_free.c", "s")]


def reader(sections: dict[str, bytes]) -> Reader:
    r = Reader(dwarf_info(sections))
    r.read()
    return r


def by_pyelftools(sections: dict[str, bytes]) -> dict[int, set[str] | None]:
    r = reader(sections)
    return {u.offset: r.skim_unit(u) for u in r.units}


def names_by_die(r: Reader, unit_offset: int) -> tuple[list[tuple[int, str | None]], list[tuple[int, str | None]]]:
    """Each top-level subprogram or variable DIE of a unit with its name: as the skimmer
    reads it, and as pyelftools' DIEs and reader.origin_chain give it."""
    cu = r.dwarf.get_CU_at(unit_offset)
    skimmer = UnitSkimmer(r.dwarf, r.dwarf.info_data, cu)
    top = skimmer.die(skimmer.die_offset)
    ours = [(pos, skimmer.name(kept)) for pos, tag, kept in skimmer.children(top[3])
            if tag in ("DW_TAG_subprogram", "DW_TAG_variable")] if top[1] else []
    theirs = [(die.offset, _str(list(origin_chain(die, 9))[-1], "DW_AT_name"))
              for die in cu.get_top_DIE().iter_children() if die.tag in ("DW_TAG_subprogram", "DW_TAG_variable")]
    return ours, theirs


@pytest.fixture(scope="module")
def sections() -> list[dict[str, bytes]]:
    out = []
    for name, opt in PROGRAMS:
        if not (ROOT / "examples" / name).exists():
            continue
        image = load_program(str(ROOT / "examples" / name), opt).image
        out.append({k: bytes(v) for k, v in image["debug"].items()})
    assert len(out) >= 3
    return out


def test_every_unit_gives_the_names_pyelftools_gives(sections: list[dict[str, bytes]]) -> None:
    units = 0
    for secs in sections:
        r = reader(secs)
        expected = by_pyelftools(secs)
        for unit in r.units:
            got = UnitSkimmer(r.dwarf, r.dwarf.info_data, r.dwarf.get_CU_at(unit.offset)).names()  # no fallback
            assert got == expected[unit.offset], unit.name
            units += 1
        assert r.skim() == expected
    assert units > 30


def test_each_die_is_named_as_its_origin_chain_names_it(sections: list[dict[str, bytes]]) -> None:
    """Per DIE, not per unit: a concrete instance named through DW_AT_abstract_origin adds no
    name its abstract DIE does not add, so only this comparison sees the chain followed."""
    chained = 0
    for secs in sections:
        r = reader(secs)
        for unit in r.units:
            ours, theirs = names_by_die(r, unit.offset)
            assert ours == theirs, unit.name
            cu = r.dwarf.get_CU_at(unit.offset)
            chained += sum(1 for die in cu.get_top_DIE().iter_children()
                           if "DW_AT_abstract_origin" in die.attributes or "DW_AT_specification" in die.attributes)
    assert chained > 5


def test_a_reference_out_of_its_unit_ends_the_chain_as_pyelftools_ends_it(sections: list[dict[str, bytes]]) -> None:
    """pyelftools refuses a unit-relative reference outside the unit (get_DIE_from_refaddr):
    a concrete instance of each unit is pointed at the next unit's first function."""
    secs = dict(sections[1])
    r = reader(secs)
    checked = 0
    for unit, after in zip(r.units, r.units[1:]):
        cu = r.dwarf.get_CU_at(unit.offset)
        for die in cu.get_top_DIE().iter_children():
            attr = die.attributes.get("DW_AT_abstract_origin")
            if attr is None or attr.form != "DW_FORM_ref4":
                continue
            raw = bytearray(secs[".debug_info"])
            first = next(d for d in r.dwarf.get_CU_at(after.offset).get_top_DIE().iter_children()
                         if d.tag == "DW_TAG_subprogram")
            target = first.offset - unit.offset
            raw[attr.offset:attr.offset + 4] = target.to_bytes(4, "little")
            damaged = reader({**secs, ".debug_info": bytes(raw)})
            ours, theirs = names_by_die(damaged, unit.offset)
            assert ours == theirs
            checked += 1
            break
    assert checked >= 2


def test_the_names_include_functions_and_variables(sections: list[dict[str, bytes]]) -> None:
    names = set().union(*(n for n in reader(sections[1]).skim().values() if n))
    assert {"main", "printf", "malloc"} <= names


def test_a_form_it_does_not_read_hands_the_unit_to_pyelftools(sections: list[dict[str, bytes]]) -> None:
    """Names as DW_FORM_strx1 (a string offsets table the skimmer does not read): every
    (DW_AT_name, DW_FORM_strp) pair of the abbreviation tables rewritten."""
    secs = dict(sections[0])
    secs[".debug_abbrev"] = secs[".debug_abbrev"].replace(b"\x03\x0e", b"\x03\x25")
    r = reader(secs)
    unread = 0
    for unit in r.units:
        try:
            UnitSkimmer(r.dwarf, r.dwarf.info_data, r.dwarf.get_CU_at(unit.offset)).names()
        except Unsupported:
            unread += 1
    assert unread > 0
    assert r.skim() == by_pyelftools(secs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_info_gives_pyelftools_answer(sections: list[dict[str, bytes]], data: st.DataObject) -> None:
    secs = dict(data.draw(st.sampled_from(sections)))
    units = reader(secs).units
    unit = data.draw(st.sampled_from(units))
    raw = bytearray(secs[".debug_info"])
    start = unit.offset + 11                            # past the unit's header
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(start, min(len(raw) - 1, start + 3000)))
        raw[at] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[:data.draw(st.integers(start, len(raw)))]
    secs[".debug_info"] = bytes(raw)
    try:
        expected = by_pyelftools(secs)
    except Exception:                   # the unit headers themselves no longer read
        return
    assert reader(secs).skim() == expected
    if expected.get(unit.offset) is not None:       # pyelftools read the unit: so, DIE by DIE, does the skimmer
        try:
            ours, theirs = names_by_die(reader(secs), unit.offset)
        except Unsupported:
            return
        assert ours == theirs
