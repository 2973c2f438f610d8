"""strtod, strtof, strtold and atof are correctly rounded and set errno and the end pointer as
glibc does: programs/fp_strtod.c (hard strings, random round trips, the exact halfway points
between doubles and just above and below them), built with the host's gcc and glibc, with
vmdebug's libc natively, and simulated."""
from __future__ import annotations

from pathlib import Path

import pytest

from fp_programs import PROGRAMS, first_difference, host_glibc, native, simulated

PROGRAM = PROGRAMS / "fp_strtod.c"


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fp_strtod")


@pytest.mark.parametrize("opt", ["0", "2"])
def test_strtod_matches_glibc_natively(work: Path, opt: str) -> None:
    expected = host_glibc(PROGRAM, work)
    assert "round trips: 0 bad" in expected and "long double round trips: 0 bad" in expected
    assert 'strtod("1.7976931348623159e308") = inf [7ff0000000000000] errno 34 used 22' in expected
    assert expected.count("halfway ") > 80
    got = native(PROGRAM, work, opt)
    assert got == expected, first_difference(got, expected)


def test_strtod_simulated_matches_glibc(work: Path) -> None:
    expected = host_glibc(PROGRAM, work, ["sim"])
    assert native(PROGRAM, work, "2", ["sim"]) == expected
    got, steps = simulated(PROGRAM, "2", ["sim"])
    assert got == expected, first_difference(got, expected)
    assert steps < 3_000_000
