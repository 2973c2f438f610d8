"""64-bit division helpers (__divdi3, __udivdi3, __moddi3, __umoddi3 and the
combined __divmoddi4/__udivmoddi4 gcc emits when both / and % are used),
checked natively against Python's exact integer arithmetic."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from vmdebug.toolchain.native import build_native, run_native

MASK = 2**64 - 1


def c_div(a: int, b: int) -> tuple[int, int]:
    """C99 semantics: quotient truncated toward zero, remainder sign of a."""
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    return q, a - q * b


def to_signed(v: int) -> int:
    v &= MASK
    return v - 2**64 if v >> 63 else v


def pairs() -> list[tuple[int, int]]:
    rng = random.Random(5)
    special = [0, 1, -1, 2, -2, 3, 7, 10, 2**31 - 1, -(2**31), 2**31, 2**32 - 1, 2**32, 2**32 + 1,
               2**63 - 1, -(2**63), 10**18, -(10**18), 12345678901234, 0xFFFFFFFF00000000]
    special = [to_signed(v) for v in special]
    out = [(a, b) for a in special for b in special if b != 0]
    for _ in range(300):
        bits_a = rng.choice([8, 31, 32, 33, 48, 63, 64])
        bits_b = rng.choice([1, 4, 16, 31, 32, 33, 40, 63, 64])
        a = rng.getrandbits(bits_a)
        b = rng.getrandbits(bits_b) or 1
        out.append((to_signed(a), to_signed(b)))
    return out


SOURCE = r'''
#include <stdio.h>
struct pair { unsigned long long a, b; };
struct pair pairs[] = {
%s
};
int main(void)
{
    unsigned i;
    for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        long long sa = (long long)pairs[i].a, sb = (long long)pairs[i].b;
        unsigned long long ua = pairs[i].a, ub = pairs[i].b;
        long long sq = sa / sb;
        long long sr = sa %% sb;
        printf("%%lld %%lld %%llu %%llu\n", sq, sr, ua / ub, ua %% ub);
    }
    return 0;
}
'''


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    all_pairs = pairs()
    rows = ",\n".join(f"    {{0x{a & MASK:x}ull, 0x{b & MASK:x}ull}}" for a, b in all_pairs)
    path = tmp_path_factory.mktemp("div64") / "div64.c"
    path.write_text(SOURCE % rows)
    lines = []
    for a, b in all_pairs:
        if a == -(2**63) and b == -1:
            sq, sr = -(2**63), 0  # overflow wraps, as with libgcc (no trap)
        else:
            sq, sr = c_div(a, b)
        ua, ub = a & MASK, b & MASK
        lines.append(f"{sq} {sr} {ua // ub} {ua % ub}\n")
    return path, "".join(lines)


@pytest.mark.parametrize("opt", ["0", "1", "2"])
def test_64bit_division_matches_python(program: tuple[Path, str], opt: str, tmp_path: Path) -> None:
    path, expected = program
    exe = build_native(path, tmp_path / "div64", opt)
    # The helpers really are called (gcc cannot divide 64-bit values inline on i386).
    import subprocess
    syms = subprocess.run(["nm", str(exe)], capture_output=True, text=True, check=True).stdout
    assert " T __udivmoddi4" in syms and " T __divdi3" in syms
    result = run_native(exe)
    assert (result.exit_status, result.signal) == (0, None)
    got = result.stdout.decode()
    for i, (g, e) in enumerate(zip(got.splitlines(), expected.splitlines())):
        assert g == e, f"pair {i}: {pairs()[i]}"
    assert got == expected


def test_64bit_division_by_zero_raises_sigfpe(tmp_path: Path) -> None:
    src = tmp_path / "divzero.c"
    src.write_text(
        "#include <stdio.h>\n"
        "int main(int argc, char **argv)\n{\n"
        "    unsigned long long big = 1ull << 40;\n"
        "    printf(\"before\\n\");\n"
        "    printf(\"%llu\\n\", big / (unsigned long long)(argc - 1));\n"
        "    return 0;\n}\n"
    )
    result = run_native(build_native(src, tmp_path / "divzero", "2"))
    assert result.stdout == b"before\n"
    assert result.signal_name == "SIGFPE"
