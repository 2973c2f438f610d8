"""Benchmark of the event log: append, save, load and seek on a 1M-step log.

Run:  python benchmarks/bench_log.py [--steps N]

The synthetic trace looks like a loop in a real program: every step writes eip,
most write one general register and eflags, every third writes a stack word.
It prints events/s for append, save and load, bytes per step on disk, and the
time of ``state_at`` at random steps.  These are measurements, not tests.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from events import codes as C  # noqa: E402
from events.log import EventLog  # noqa: E402
from events.session import open_session, save_session  # noqa: E402
from vmdebug.replay.history import History  # noqa: E402


def record(nsteps: int) -> tuple[EventLog, float]:
    log = EventLog()
    emit, end = log.emit, log.end_step
    # step 0: a page directory, a page table and a stack page
    log.add(C.REG, C.CR3, 0, 1)
    log.add(C.PAGE_MAPPED, 0xBFFFF000, 3, C.PERM_R | C.PERM_W, 2)
    log.add(C.REG, C.ESP, 0, 0xBFFFFF00)
    end()
    eip, eax, flags = 0x08049000, 0, 0x202
    stack = [0] * 64
    t0 = time.perf_counter()
    for i in range(1, nsteps + 1):
        new = 0x08049000 + (i * 7) % 0x300
        emit((C.REG, C.EIP, eip, new, 0))
        eip = new
        if i % 4:
            emit((C.REG, C.EAX, eax, i & 0xFFFFFFFF, 0))
            eax = i
            nf = 0x202 | ((i & 1) << 6)
            emit((C.REG, C.EFLAGS, flags, nf, 0))
            flags = nf
        if i % 3 == 0:
            slot = i % 64
            emit((C.MEM4, 0xBFFFFE00 + slot * 4, stack[slot], i, 0))
            stack[slot] = i
        end()
    return log, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=" ".join(__doc__.split("\n\n")[1:]).replace("\n", " "))
    parser.add_argument("--steps", type=int, default=1_000_000, help="steps in the synthetic log (default 1000000)")
    parser.add_argument("--seeks", type=int, default=50, help="state_at calls at random steps (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random steps (default 1)")
    args = parser.parse_args()
    log, t_append = record(args.steps)
    n = len(log)
    print(f"log: {args.steps} steps, {n} events")
    print(f"append: {n / t_append / 1e6:.2f} M events/s (recording loop included)")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.vmlog")
        t0 = time.perf_counter()
        size = save_session(path, {"program": "bench"}, log)
        t_save = time.perf_counter() - t0
        t0 = time.perf_counter()
        session = open_session(path)
        t_load = time.perf_counter() - t0
    print(f"save: {n / t_save / 1e6:.2f} M events/s, {size} bytes, {size / args.steps:.2f} bytes/step")
    print(f"load: {n / t_load / 1e6:.2f} M events/s")
    history = History(session.log, nframes=16)
    t0 = time.perf_counter()
    history.state_at(session.log.last_step)
    print(f"first state_at(last) incl. building {len(history.checkpoints)} checkpoints: "
          f"{(time.perf_counter() - t0) * 1e3:.0f} ms")
    rng = random.Random(args.seed)
    times = []
    for _ in range(max(args.seeks, 1)):
        step = rng.randrange(session.log.nsteps)
        t0 = time.perf_counter()
        history.state_at(step)
        times.append(time.perf_counter() - t0)
    times.sort()
    print(f"state_at(random step): median {times[len(times) // 2] * 1e3:.1f} ms, max {times[-1] * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
