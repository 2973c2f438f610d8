"""The session header's quick check (events/header.py ``surely_valid``) is sound: whatever it
passes, pydantic-core accepts, on real headers and on headers damaged at any one value.  And
real headers do pass it, so opening a sound session never imports pydantic-core."""
from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import SchemaValidator, ValidationError

from events.header import SESSION_HEADER, header_problem, surely_valid
from events.session import read_header

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR = SchemaValidator(SESSION_HEADER)


def pydantic_accepts(header: Any) -> bool:
    try:
        VALIDATOR.validate_python(header)
    except ValidationError:
        return False
    return True


@pytest.fixture(scope="module")
def headers(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """Headers vmdebug writes: of a C program (with DWARF and its ELF) and of assembly."""
    tmp = tmp_path_factory.mktemp("headers")
    out = []
    for example in ("recursion_frames.c", "hello.s"):
        session = tmp / (example + ".vmlog")
        subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", str(session),
                        str(ROOT / "examples" / example)], capture_output=True, cwd=tmp, timeout=300, check=True)
        out.append(read_header(session.read_bytes())[0])
    return out


def test_real_headers_pass_the_quick_check(headers: list[dict[str, Any]]) -> None:
    for header in headers:
        assert surely_valid(SESSION_HEADER, header)
        assert pydantic_accepts(header)
        assert header_problem(header) is None


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path to every value inside ``value`` (maps, lists and tuples walked)."""
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += leaves(v, path + (k,))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value[:4]):
            out += leaves(v, path + (i,))
    return out


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, tuple):
        return tuple(replaced(v, rest, new) if i == head else v for i, v in enumerate(value))
    value = copy.copy(value)
    value[head] = replaced(value[head], rest, new)
    return value


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(1 << 40), max_value=1 << 40), st.floats(allow_nan=True),
    st.text(max_size=5), st.binary(max_size=60), st.lists(st.integers(), max_size=3),
    st.tuples(st.integers(), st.text(max_size=2)), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from([0, 16, 0xFFFFFFFF, 1 << 32, 1 << 20, (1 << 20) + 1, 15, -1, "i386", "compat", b"\x7fELF"]))


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_a_damaged_header_is_passed_only_if_pydantic_accepts_it(headers: list[dict[str, Any]],
                                                                 data: st.DataObject) -> None:
    header = data.draw(st.sampled_from(headers))
    path = data.draw(st.sampled_from(leaves(header)))
    damaged = replaced(header, path, data.draw(ODD_VALUES))
    if surely_valid(SESSION_HEADER, damaged):
        assert pydantic_accepts(damaged), path
    assert (header_problem(damaged) is None) == pydantic_accepts(damaged), path


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_header_missing_a_value_is_judged_by_pydantic(headers: list[dict[str, Any]], data: st.DataObject) -> None:
    header = data.draw(st.sampled_from(headers))
    path = data.draw(st.sampled_from([p for p in leaves(header) if p and isinstance(p[-1], str)]))
    damaged = copy.deepcopy(header)
    holder = damaged
    for key in path[:-1]:
        holder = holder[key]
    if isinstance(holder, tuple):
        return
    del holder[path[-1]]
    if surely_valid(SESSION_HEADER, damaged):
        assert pydantic_accepts(damaged), path
    assert (header_problem(damaged) is None) == pydantic_accepts(damaged), path
