"""events.record: value classes written out in full behave as the ``@dataclass`` classes they
replaced (issue #17: building a dataclass costs 0.7-1.4 ms at import).  Each behaviour is
checked against a real dataclass declared the same way."""
from __future__ import annotations

import copy
import dataclasses
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from events.record import Frozen, FrozenInstanceError, Record, replace

ROOT = Path(__file__).resolve().parents[1]


class Point(Record):
    __slots__ = ("x", "y", "tags")

    def __init__(self, x: int, y: int = 0, tags: list[str] | None = None) -> None:
        self.x = x
        self.y = y
        self.tags = [] if tags is None else tags


@dataclasses.dataclass(slots=True)
class PointDC:
    x: int
    y: int = 0
    tags: list[str] = dataclasses.field(default_factory=list)


class Key(Frozen):
    __slots__ = ("name", "size", "note")
    _repr_skip = ("note",)
    _eq_skip = ("note",)

    def __init__(self, name: str, size: int, note: str = "") -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "note", note)


@dataclasses.dataclass(frozen=True, slots=True)
class KeyDC:
    name: str
    size: int
    note: str = dataclasses.field(default="", repr=False, compare=False)


class Other(Frozen):
    __slots__ = ("name", "size", "note")

    def __init__(self, name: str, size: int, note: str = "") -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "note", note)


class Node(Record, eq=False):
    def __init__(self, label: str) -> None:
        self.label = label


class Child(Point):
    __slots__ = ("z",)

    def __init__(self, x: int, y: int = 0, tags: list[str] | None = None, z: int = 0) -> None:
        super().__init__(x, y, tags)
        self.z = z


def test_the_fields_are_the_init_parameters_in_order() -> None:
    assert Point._record_fields == ("x", "y", "tags")
    assert Child._record_fields == ("x", "y", "tags", "z")
    assert Point.__match_args__ == PointDC.__match_args__


def test_a_record_prints_as_the_dataclass_prints_less_its_name() -> None:
    assert repr(Point(1, 2, ["a"])) == repr(PointDC(1, 2, ["a"])).replace("PointDC", "Point")
    assert repr(Key("eax", 32, "hidden")) == repr(KeyDC("eax", 32, "hidden")).replace("KeyDC", "Key")


def test_records_are_equal_by_fields_and_only_within_one_class() -> None:
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(1, 3)
    assert Key("eax", 32) != Other("eax", 32)          # same values, another class
    assert Point(1) != Child(1)
    assert Key("eax", 32, "a") == Key("eax", 32, "b")   # a field left out of equality
    assert (Key("eax", 32, "a") == Key("eax", 32, "b")) == (KeyDC("eax", 32, "a") == KeyDC("eax", 32, "b"))


def test_default_factories_give_each_object_its_own_value() -> None:
    a, b = Point(1), Point(2)
    a.tags.append("x")
    assert b.tags == [] and PointDC(1).tags is not PointDC(2).tags


def test_a_mutable_record_is_unhashable_and_a_frozen_one_hashes_its_compared_fields() -> None:
    with pytest.raises(TypeError):
        hash(Point(1))
    with pytest.raises(TypeError):
        hash(PointDC(1))
    assert hash(Key("eax", 32, "a")) == hash(Key("eax", 32, "b"))
    assert len({Key("eax", 32), Key("eax", 32), Key("ecx", 32)}) == 2


def test_identity_equality_when_asked_for() -> None:
    a, b = Node("n"), Node("n")
    assert a != b and a == a
    assert len({a, b}) == 2


def test_a_frozen_record_refuses_changes_as_a_frozen_dataclass_does() -> None:
    k = Key("eax", 32)
    for change in (lambda: setattr(k, "size", 16), lambda: delattr(k, "size"), lambda: setattr(k, "new", 1)):
        with pytest.raises(FrozenInstanceError):
            change()
    assert issubclass(FrozenInstanceError, AttributeError)
    assert k.size == 32


@pytest.mark.parametrize("obj", [Point(1, 2, ["t"]), Key("eax", 32, "n"), Child(1, 2, ["t"], 3)],
                         ids=["record", "frozen", "subclass"])
def test_records_pickle_and_copy(obj: Record) -> None:
    for twin in (pickle.loads(pickle.dumps(obj)), copy.copy(obj), copy.deepcopy(obj)):
        assert type(twin) is type(obj)
        assert [getattr(twin, n) for n in obj._record_fields] == [getattr(obj, n) for n in obj._record_fields]


def test_replace_makes_a_changed_copy_through_init() -> None:
    k = Key("eax", 32, "n")
    r = replace(k, size=16)
    assert (r.name, r.size, r.note) == ("eax", 16, "n") and k.size == 32
    p = replace(Point(1, 2, ["t"]), x=5)
    assert (p.x, p.y, p.tags) == (5, 2, ["t"])
    with pytest.raises(TypeError):
        replace(k, colour="red")


def test_no_module_builds_a_dataclass() -> None:
    """The convention this module exists for: a ``@dataclass`` in vmdebug or events would
    build its methods with exec at every import again."""
    used = re.compile(r"^\s*(@dataclass|from dataclasses import|import dataclasses)", re.M)
    offenders = [str(p.relative_to(ROOT)) for pkg in ("vmdebug", "events") for p in (ROOT / pkg).rglob("*.py")
                 if used.search(p.read_text())]
    assert offenders == []


@pytest.mark.parametrize("args", [("run", "examples/hello.s"), ("--version",)], ids=["run", "version"])
def test_a_short_run_imports_neither_dataclasses_nor_inspect(args: tuple[str, ...]) -> None:
    """``inspect`` alone is 8 ms to import; ``dataclasses`` imports it."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "vmdebug", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    loaded = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "vmdebug" in loaded
    assert not loaded & {"dataclasses", "inspect"}, sorted(loaded & {"dataclasses", "inspect"})
