"""printf's floating point conversions (%f %F %e %E %g %G %a %A, %lf, %Lf...) print digit for
digit what glibc prints: programs/fp_printf.c, built with the host's gcc and glibc, with
vmdebug's libc natively, and simulated."""
from __future__ import annotations

from pathlib import Path

import pytest

from fp_programs import PROGRAMS, first_difference, host_glibc, native, simulated

PROGRAM = PROGRAMS / "fp_printf.c"


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fp_printf")


@pytest.mark.parametrize("opt", ["0", "2"])
def test_printf_floating_point_matches_glibc_natively(work: Path, opt: str) -> None:
    expected = host_glibc(PROGRAM, work)
    assert expected.count("\n") > 5000
    # Sanity: the reference is glibc's exact conversion.
    assert "0.1000000000000000055511151231257827021181583404541015625" in expected
    assert "99999999999999991611392.000000 <%f>" in expected    # 1e23
    assert "0.12 <%.2f>" in expected and "2 <%.0f>" in expected
    got = native(PROGRAM, work, opt)
    assert got == expected, first_difference(got, expected)


def test_printf_floating_point_simulated_matches_native(work: Path) -> None:
    expected = host_glibc(PROGRAM, work, ["sim"])
    assert native(PROGRAM, work, "2", ["sim"]) == expected
    got, steps = simulated(PROGRAM, "2", ["sim"])
    assert got == expected, first_difference(got, expected)
    assert steps < 2_000_000
