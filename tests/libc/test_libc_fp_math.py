"""math.h against the host's glibc (its libm): programs/fp_math.c prints every function's result
bits on hard and random inputs; each must be within the function's documented error of glibc's
(docs/libc.md: 0 for the exact ones; the others are below 1 ulp, as glibc's are, so the two
differ by at most 1 ulp), with a NaN of the same sign (printf shows -nan for a negative one).
The simulated run must print exactly what the native one prints."""
from __future__ import annotations

from pathlib import Path

import pytest

from fp_programs import PROGRAMS, first_difference, host_glibc, native, simulated

PROGRAM = PROGRAMS / "fp_math.c"

#: Largest distance from glibc's result, in units in the last place.
BOUNDS = {
    "sqrt": 0, "fabs": 0, "floor": 0, "ceil": 0, "round": 0, "trunc": 0, "fmod": 0, "copysign": 0,
    "fmin": 0, "fmax": 0, "exp": 1, "exp2": 1, "log": 1, "log2": 1, "log10": 1, "pow": 1, "sin": 1,
    "cos": 1, "tan": 1, "atan": 1, "asin": 1, "acos": 1, "atan2": 1, "hypot": 1,
    "sqrtf": 0, "fabsf": 0, "floorf": 0, "ceilf": 0, "roundf": 0, "truncf": 0, "fmodf": 0, "copysignf": 0,
    "hypotf": 1, "expf": 1, "logf": 1, "log2f": 1, "log10f": 1, "powf": 1, "sinf": 1, "cosf": 1, "tanf": 1,
    "asinf": 1, "acosf": 1, "atanf": 1, "atan2f": 1,
}


def ordered(text: str) -> tuple[bool, int, int]:
    """(is NaN, sign, the value's position on the line of doubles or floats) of a result field."""
    wide = not text.startswith("f")
    bits = int(text if wide else text[1:], 16)
    top = 63 if wide else 31
    magnitude = bits & ((1 << top) - 1)
    sign = bits >> top
    nan = magnitude > (0x7FF0000000000000 if wide else 0x7F800000)
    return nan, sign, -magnitude if sign else magnitude


def distances(got: str, expected: str) -> dict[str, tuple[int, int, int]]:
    """Per function: (results, results that differ, largest distance in ulps); exact lines ('=') must
    be equal."""
    out: dict[str, list[int]] = {}
    got_lines, exp_lines = got.splitlines(), expected.splitlines()
    assert len(got_lines) == len(exp_lines)
    for g, e in zip(got_lines, exp_lines):
        if e.startswith("="):
            assert g == e
            continue
        name, rest = e.split(": ", 1)
        assert g.split("->")[0] == e.split("->")[0], (g, e)
        gn, gs, gv = ordered(g.split("-> ")[1])
        en, es, ev = ordered(e.split("-> ")[1])
        if gn or en:
            d = 0 if (gn and en and gs == es) else 1 << 60
        else:
            d = abs(gv - ev)
        st = out.setdefault(name, [0, 0, 0])
        st[0] += 1
        st[1] += d != 0
        st[2] = max(st[2], d)
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fp_math")


@pytest.mark.parametrize("opt", ["0", "2"])
def test_math_functions_are_within_their_bounds_of_glibc(work: Path, opt: str) -> None:
    expected = host_glibc(PROGRAM, work)
    got = native(PROGRAM, work, opt)
    stats = distances(got, expected)
    assert set(stats) == set(BOUNDS)
    too_far = {name: st for name, st in stats.items() if st[2] > BOUNDS[name]}
    assert not too_far
    # Most results are glibc's to the bit.
    total = sum(st[0] for st in stats.values())
    differ = sum(st[1] for st in stats.values())
    assert total > 10000 and differ < total // 50, (total, differ)


def test_math_simulated_matches_native(work: Path) -> None:
    expected = native(PROGRAM, work, "2", ["sim"])
    got, steps = simulated(PROGRAM, "2", ["sim"])
    assert got == expected, first_difference(got, expected)
    assert steps < 5_000_000
