"""Debugger latency on a ~1M-step session: the #6 targets, measured (not timed tests).

Run:  python benchmarks/bench_debugger.py [--iterations N] [--repeat N] [--jumps N]

Records a loop program of about 1.2M instructions, saves it, then through the
debugger's own command interpreter measures: opening the session, stepi and
reverse-stepi, reverse-continue to a breakpoint across the whole run, record
goto to random steps, and rendering each view.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from benchmarks.bench_record import SOURCE  # noqa: E402
from vmdebug.debugger.session import open_debugger  # noqa: E402


def timed(dbg, command: str, repeat: int = 1) -> float:
    t = time.perf_counter()
    for _ in range(repeat):
        dbg.execute(command)
    return (time.perf_counter() - t) / repeat * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog=" ".join(__doc__.split("\n\n")[2:]).replace("\n", " "))
    parser.add_argument("--iterations", type=int, default=80_000,
                        help="iterations of bench_record.py's loop (default 80000: about 1.2M instructions)")
    parser.add_argument("--repeat", type=int, default=200, help="stepi and reverse-stepi each (default 200)")
    parser.add_argument("--jumps", type=int, default=20, help="record goto to random steps (default 20)")
    parser.add_argument("--views", type=int, default=5, help="renders of each view (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "loop.s")
        with open(src, "w") as f:
            f.write(SOURCE.format(n=args.iterations))
        session = os.path.join(tmp, "loop.vmlog")
        subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", session, src], check=True,
                       capture_output=True)
        sink: list[str] = []
        t = time.perf_counter()
        dbg = open_debugger(session, [], write=sink.append, error=sink.append)
        open_ms = (time.perf_counter() - t) * 1e3
        last = dbg.tl.last
        dbg.execute("set context off")
        rows = [("open session", open_ms)]
        dbg.execute(f"record goto {last // 2}")
        rows.append(("stepi", timed(dbg, "stepi", args.repeat)))
        rows.append(("reverse-stepi", timed(dbg, "reverse-stepi", args.repeat)))
        dbg.execute("break *0x08049000")
        dbg.execute(f"record goto {last}")
        rows.append(("reverse-continue across the run", timed(dbg, "reverse-continue")))
        rng = random.Random(1)
        t = time.perf_counter()
        jumps = max(args.jumps, 1)
        for _ in range(jumps):
            dbg.execute(f"record goto {rng.randrange(last + 1)}")
        rows.append(("record goto (random step)", (time.perf_counter() - t) / jumps * 1e3))
        for view in ("vmmap", "stack", "heap", "pagewalk $esp", "diff", "bt", "info registers", "x/16xw $esp"):
            rows.append((f"view: {view}", timed(dbg, view, args.views)))
    print(f"session: {last} steps")
    for label, ms in rows:
        print(f"{label:<34} {ms:8.2f} ms")


if __name__ == "__main__":
    main()
