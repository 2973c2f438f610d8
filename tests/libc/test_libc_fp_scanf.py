"""scanf, sscanf and fscanf with %f %e %g %a (float, l double, L long double) read fields as
glibc's scanf does and convert them exactly: programs/fp_scanf.c, built with the host's gcc
and glibc, with vmdebug's libc natively, and simulated."""
from __future__ import annotations

from pathlib import Path

import pytest

from fp_programs import PROGRAMS, first_difference, host_glibc, native, simulated

PROGRAM = PROGRAMS / "fp_scanf.c"
STDIN = b"3.5 -2e3 0x1.8p1\n  0.1 0.2 1e-3   .5\n12.25 stop 7.5 8\n"


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = host_glibc(PROGRAM, tmp_path_factory.mktemp("fp_scanf"), stdin=STDIN)
    assert '"1e+x": r=2 d=0x1p+0 c=3 rest=x' in out and 'stopped at "stop"' in out
    return out


@pytest.mark.parametrize("opt", ["0", "2"])
def test_scanf_floating_point_matches_glibc_natively(expected: str, opt: str, tmp_path: Path) -> None:
    got = native(PROGRAM, tmp_path, opt, stdin=STDIN)
    assert got == expected, first_difference(got, expected)


def test_scanf_floating_point_simulated_matches_glibc(expected: str) -> None:
    got, steps = simulated(PROGRAM, "2", stdin=STDIN)
    assert got == expected, first_difference(got, expected)
    assert steps < 3_000_000
