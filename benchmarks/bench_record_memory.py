"""Peak memory and wall time of whole commands, as a user waits for them.

Runs ``vmdebug record``, ``vmdebug run`` and ``vmdebug debug -batch`` (open the
session, go to its end, reverse-continue to a breakpoint) on the loop of
``bench_record.py``, each in its own process, and reports each one's peak RSS
(VmHWM, polled from /proc: a child's getrusage keeps its parent's peak) and wall
time.  Usage: ``python benchmarks/bench_record_memory.py [--iterations N]``
(670k iterations is about 10M instructions).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.bench_record import SOURCE  # noqa: E402


def measure(argv: list[str], cwd: str) -> tuple[float, float, int]:
    """(seconds, peak MiB, exit status) of one command."""
    t0 = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}   # as a user's Python runs
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])  # this copy
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.05)
    return time.perf_counter() - t0, peak / 1024, proc.returncode


PROBE = """
import random, sys, time
from events.session import open_session
from vmdebug.replay.timeline import Timeline
t = time.perf_counter()
s = open_session(sys.argv[1])
tl = Timeline(s.log, int(s.header["machine"]["nframes"]), end=s.end, checkpoints=s.checkpoints)
opened = time.perf_counter() - t
rnd, times = random.Random(1), []
for _ in range(int(sys.argv[2])):
    step = rnd.randrange(s.log.nsteps)
    t = time.perf_counter()
    tl.goto(step)
    times.append(time.perf_counter() - t)
times.sort()
print(f"{opened * 1000:.0f} {times[len(times) // 2] * 1000:.0f} {times[-1] * 1000:.0f}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=" ".join(__doc__.split("\n\n")[1:]).replace("\n", " "))
    parser.add_argument("--iterations", type=int, default=670_000,
                        help="iterations of bench_record.py's loop (default 670000: about 10M instructions)")
    parser.add_argument("--jumps", type=int, default=50, help="record goto to random steps, in-process (default 50)")
    args = parser.parse_args()
    vm = [sys.executable, "-m", "vmdebug"]
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "loop.s").write_text(SOURCE.format(n=args.iterations))
        rows = [
            ("vmdebug run loop.s", [*vm, "run", "loop.s"]),
            ("vmdebug record -o loop.vmlog loop.s", [*vm, "record", "-o", "loop.vmlog", "loop.s"]),
            ("vmdebug debug -batch: open, end, reverse-continue",
             [*vm, "debug", "-batch", "-ex", "break f", "-ex", "record goto end", "-ex", "reverse-continue",
              "loop.vmlog"]),
            ("vmdebug debug -batch: open only", [*vm, "debug", "-batch", "-ex", "info program", "loop.vmlog"]),
        ]
        print("| command | wall time (s) | peak RSS (MiB) |")
        print("| --- | ---: | ---: |")
        for name, argv in rows:
            secs, mib, status = measure(argv, tmp)
            print(f"| `{name}` | {secs:.2f} | {mib:.0f} |" + ("" if status in (0, 1) else f" (exit {status})"))
        size = os.path.getsize(os.path.join(tmp, "loop.vmlog"))
        print(f"\nsession: {size / 1e6:.1f} MB")
        # Inside the process, as a command waits for them: opening (the file and the
        # timeline over it), then --jumps jumps to random steps.
        probe = subprocess.run([sys.executable, "-c", PROBE, "loop.vmlog", str(max(args.jumps, 1))], cwd=tmp,
                               capture_output=True,
                               text=True, check=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        opened, median, worst = probe.stdout.split()
        print(f"open the session: {opened} ms; `record goto` a random step: median {median} ms, worst {worst} ms")


if __name__ == "__main__":
    main()
