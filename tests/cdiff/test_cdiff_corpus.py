"""Differential tests: every corpus program, simulated and on the real CPU, at -O0, -O1 and -O2.

Normal programs must produce the same stdout, stderr and exit status byte for
byte.  Crashing programs (``crash_*.c``) must be killed by the same signal with
the same si_code, in the same function at the same instruction; si_addr must
agree too, except that a stack address is compared relative to esp, since the
stack's position depends on argv[0], the environment gdb passes and the vDSO's
auxv entries.

All native builds and runs happen once, in parallel, in a module-scoped
fixture; the tests then only simulate.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cdiff_harness import OPT_LEVELS, PROGRAMS, Outcome, is_crash, run_natively, run_simulated

@pytest.fixture(scope="module")
def native(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Outcome]:
    work = tmp_path_factory.mktemp("cdiff-native")
    jobs = [(p, opt) for opt in OPT_LEVELS for p in PROGRAMS]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda job: run_natively(job[0], job[1], work), jobs))
    return {(p.stem, opt): r for (p, opt), r in zip(jobs, results)}


def test_corpus_is_big_enough() -> None:
    crashes = [p for p in PROGRAMS if is_crash(p)]
    assert len(PROGRAMS) - len(crashes) >= 25
    assert len(crashes) >= 6


@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.stem)
def test_program_matches_the_real_machine(native: dict[tuple[str, str], Outcome], program: Path,
                                          opt: str) -> None:
    real = native[(program.stem, opt)]
    sim, proc = run_simulated(program, opt)
    assert sim.stdout == real.stdout
    assert sim.stderr == real.stderr
    assert (sim.exit_status, sim.signal) == (real.exit_status, real.signal)
    if not is_crash(program):
        assert real.signal is None, f"{program.name} crashed natively (signal {real.signal})"
        return
    assert real.signal is not None, f"{program.name} did not crash natively"
    want, got = real.fault, sim.fault
    assert want is not None and got is not None
    reason = proc.fault.reason
    assert (got.signal, got.si_code) == (want.signal, want.si_code), reason
    assert got.function == want.function, reason
    assert got.symbol == want.symbol, reason

    def in_stack(addr: int) -> bool:
        # find_vma: the first region ending above addr - the stack if addr is in
        # the stack or in the gap below it.
        vma = proc.kernel.find_vma(addr)
        return vma is not None and vma.growsdown

    checked = [("pc", got.pc, want.pc)]
    if want.si_code > 0:            # sent by the kernel; kill/tgkill's siginfo holds the sender's pid instead
        checked.append(("si_addr", got.si_addr, want.si_addr))
    for what, mine, theirs in checked:
        if in_stack(mine):
            assert mine - got.esp == theirs - want.esp, (what, hex(mine), hex(theirs), reason)
        else:
            assert mine == theirs, (what, hex(mine), hex(theirs), reason)
