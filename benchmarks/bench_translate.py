"""Recording speed, interpreter against basic-block translation, in one run.

Run:  python benchmarks/bench_translate.py [--iterations N] [--repeat R]

Records bench_record.py's loop-and-call program (every event kept) with the
interpreter alone (``Process(translate=False)``, what ``VMDEBUG_INTERPRET=1``
gives) and with translated blocks (the default), checks that both logs are
identical, and reports instructions/s of each by wall clock and by CPU time
(the CPU time is the fairer figure on a shared machine).  It also times the
floor that the event log sets: what a translated block does at the least for
each instruction, one EIP event (a packed ``bytes`` constant added to the
log's buffer) and the step's close, with the log settled (chunks sealed) as
the block chain settles it.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

from bench_record import build_loop  # noqa: E402
from events.log import EventLog, pack_row  # noqa: E402
from vmdebug.machine.elf import load_elf  # noqa: E402
from vmdebug.machine.process import Process  # noqa: E402


def record(exe: str, translate: bool) -> tuple[float, float, Process]:
    proc = Process(load_elf(exe), translate=translate)
    w0, c0 = time.perf_counter(), time.process_time()
    proc.run(10**9)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    proc.log.seal()
    return wall, cpu, proc


def log_floor(steps: int) -> float:
    """CPU seconds for ``steps`` steps of one EIP event and a step's close each, as a
    translated block makes them (vmdebug.machine.translate), settled every 64 steps."""
    log = EventLog()
    buf, close_step, settle = log.buffer, log.close_step, log.settle
    row = pack_row(0, 8, 0x8049000, 0x8049002, 0)
    c0 = time.process_time()
    for i in range(steps):
        buf += row
        close_step(len(buf))
        if not i & 63:
            settle()
    log.seal()
    return time.process_time() - c0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=300_000, help="loop iterations (15 instructions each)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each mode; the best is reported")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        exe = build_loop(tmp, args.iterations)
        best: dict[bool, tuple[float, float]] = {}
        logs = {}
        for _ in range(args.repeat):
            for translate in (False, True):
                wall, cpu, proc = record(exe, translate)
                steps = proc.steps
                old = best.get(translate)
                best[translate] = (min(wall, old[0]), min(cpu, old[1])) if old else (wall, cpu)
                logs[translate] = np.concatenate([c.cols for c in proc.log.chunks])
    same = logs[False].shape == logs[True].shape and bool(np.array_equal(logs[False], logs[True]))
    print(f"recorded {steps} instructions, {len(logs[True])} events; logs identical: {same}")
    for translate, name in ((False, "interpreter"), (True, "translated ")):
        wall, cpu = best[translate]
        print(f"{name}: {steps / wall / 1e3:6.0f}k instructions/s wall, {steps / cpu / 1e3:6.0f}k CPU")
    floor = log_floor(steps)
    print(f"log floor (an EIP event and a step's close per step, nothing else): {steps / floor / 1e3:.0f}k steps/s CPU")


if __name__ == "__main__":
    main()
