"""time, clock, clock_gettime, gettimeofday, nanosleep, sleep and usleep: what any clock
guarantees holds natively and simulated, and the simulated clock is the virtual one -
the same values in every run, a jump when every process sleeps."""
from __future__ import annotations

import re
from pathlib import Path

from vmdebug.machine.process import Process
from vmdebug.program import load_program
from vmdebug.toolchain.native import build_native, run_native

PROGRAM = Path(__file__).parent / "programs" / "clock_functions.c"


def simulate(args: list[str]) -> str:
    out = bytearray()
    proc = Process(load_program(str(PROGRAM), "0").spec, argv=["clock_functions", *args],
                   on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
    proc.run(20_000_000)
    assert proc.state.exited == (0, 0)
    return out.decode()


def test_the_clock_keeps_its_promises_natively_and_simulated(tmp_path: Path) -> None:
    native = run_native(build_native(PROGRAM, tmp_path / "clock", "0"), timeout=60).stdout.decode()
    expected = ("slept enough: 1, cpu grew: 1, after 2026: 1, tv ok: 1\n"
                "a sleep of 2 s: 1\n"
                "bad timespec: -1 Invalid argument\n"
                "bad clock: -1 Invalid argument\n"
                "child slept 1 s: 1, status 4\n")
    assert native == expected
    assert simulate([]) == expected


def test_the_virtual_clock_reads_the_same_in_every_run() -> None:
    first, second = simulate(["raw"]), simulate(["raw"])
    assert first == second
    raw = re.search(r"raw: (\d+) (\d+)\.(\d{9}) cpu (\d+)\.(\d{9}) clock (\d+)", first)
    assert raw is not None
    t0, mono_s, mono_ns, cpu_s, cpu_ns, clock = (int(g) for g in raw.groups())
    assert t0 == 1767225600                       # 2026-01-01 00:00:00 UTC, the boot of the virtual clock
    assert 3_001_500_000 <= mono_s * 10**9 + mono_ns < 3_100_000_000    # 2 s + 1.5 ms + 1 s slept, and steps
    assert cpu_s == 0 and 0 < cpu_ns < 10**8 and 0 < clock < 10**5  # one nanosecond per step
