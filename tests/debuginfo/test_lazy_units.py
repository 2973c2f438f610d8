"""The DWARF's units are read when first asked for (vmdebug.debuginfo), as gdb expands a
unit from its partial symbols: the answers are those of reading everything, and a
damaged unit costs only its own symbols."""
from __future__ import annotations

from pathlib import Path

from vmdebug.debuginfo import DebugInfo
from vmdebug.program import load_program

ROOT = Path(__file__).resolve().parents[2]


def image(name: str = "null_deref.c", opt: str = "0") -> dict:
    return load_program(str(ROOT / "examples" / name), opt).image


def everything(info: DebugInfo) -> list[tuple[str, str, tuple, list[str]]]:
    return [(u.name, fn.name, tuple(fn.ranges), [v.name for v in fn.variables])
            for u in info.units for fn in u.functions]


def test_opening_reads_no_unit_and_a_pc_reads_only_its_own() -> None:
    info = DebugInfo.from_image(image())
    assert info is not None and len(info.units) > 3
    assert not any(u.expanded for u in info.units)
    main = [u for u in info.units if u.name.endswith("null_deref.c")][0]
    fn = info.functions_named("main")
    assert [f.name for f in fn] == ["main"] and fn[0].unit is main
    assert [u for u in info.units if u.expanded] == [main]
    assert info.function_at(fn[0].entry_pc) is fn[0]
    assert [u for u in info.units if u.expanded] == [main]


def test_the_answers_are_those_of_reading_every_unit() -> None:
    lazy, whole = DebugInfo.from_image(image(opt="2")), DebugInfo.from_image(image(opt="2"))
    assert lazy is not None and whole is not None
    whole.reader.expand_all()
    for fn in whole.functions():
        for lo, _hi in fn.ranges:
            found = lazy.function_at(lo)
            assert found is not None and (found.name, found.ranges) == (fn.name, fn.ranges)
        assert [f.ranges for f in lazy.functions_named(fn.name)] == \
               [f.ranges for f in whole.functions() if f.name == fn.name]
    for unit in whole.units:
        for v in unit.variables:
            a, b = lazy.lookup_static(v.name, None), whole.lookup_static(v.name, None)
            assert (a.name, a.unit.name) == (b.name, b.unit.name)
    assert everything(lazy) == everything(whole)


def test_a_damaged_unit_declares_nothing_and_the_others_still_answer() -> None:
    img = image()
    info = DebugInfo.from_image(img)
    assert info is not None
    victim = [u for u in info.units if u.name == "stdio.c"][0]
    nxt = min((u.offset for u in info.units if u.offset > victim.offset), default=None)
    data = bytearray(img["debug"][".debug_info"])
    end = nxt if nxt is not None else len(data)
    data[victim.offset + 40:end] = b"\xff" * (end - victim.offset - 40)   # its DIEs, not its header
    damaged = DebugInfo.from_image(dict(img, debug=dict(img["debug"], **{".debug_info": bytes(data)})))
    assert damaged is not None
    assert [f.name for f in damaged.functions_named("main")] == ["main"]
    broken = [u for u in damaged.units if u.name == "stdio.c"][0]
    assert broken.functions == [] and broken.variables == []
    assert len(damaged.functions()) > 0


def shape(block) -> tuple:
    """A block as the debugger reads it: ranges, variables (name, type, location), inline
    calls and the blocks inside it, recursively."""
    inline = block.inlined
    return (tuple(block.ranges), [(v.name, str(v.type), v.expr, v.ranges, v.is_param) for v in block.variables],
            None if inline is None else (inline.function.name, inline.call_line),
            [shape(b) for b in block.blocks])


def test_a_function_found_by_address_is_read_alone_and_is_the_units_own() -> None:
    """function_at reads the function at the pc, not the rest of its unit (the libc's
    ``_exit`` when ``record goto end`` shows where the run ended); reading the unit later
    keeps that very function, and the function is the one a full read makes."""
    for opt in ("0", "2"):
        img = image("setjmp_unwind.c", opt)
        lazy, whole = DebugInfo.from_image(img), DebugInfo.from_image(img)
        assert lazy is not None and whole is not None
        whole.reader.expand_all()
        for fn in whole.functions():
            fresh = DebugInfo.from_image(img)
            found = fresh.function_at(fn.ranges[0][0])
            assert found is not None and found.name == fn.name
            assert not any(u.expanded for u in fresh.units), fn.name
            assert shape(found) == shape(fn) and str(found.type) == str(fn.type)
            assert found.unit.functions[[f.die for f in found.unit.functions].index(found.die)] is found
            assert lazy.function_at(fn.ranges[-1][1] - 1) is lazy.function_at(fn.ranges[-1][0])
        assert everything(lazy) == everything(whole)
