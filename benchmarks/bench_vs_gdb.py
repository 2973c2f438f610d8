"""vmdebug against gdb's ``record full``, on the same C programs, in one run.

Run:  python benchmarks/bench_vs_gdb.py [PROGRAM.c ...]

For each program (default: benchmarks/programs/*.c) it builds the native twin
(``vmdebug cc --native -O1``) for gdb and records the same source with
vmdebug, then measures: recording throughput, reverse-continue across the
whole trace (back to a breakpoint at main), stepi and reverse-stepi latency
(all through the debugger's own commands, as a user runs them),
``record goto`` latency, bytes per step on disk against ``record save``, the
time to open a session, and peak RSS per million steps.  It prints a table of
ratios (ours against gdb's, > 1 means vmdebug is better).
"""
from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from events.log import EventLog  # noqa: E402
from events.session import SessionWriter  # noqa: E402
from vmdebug.debugger.session import open_debugger  # noqa: E402
from vmdebug.machine.process import DEFAULT_NFRAMES, Process  # noqa: E402
from vmdebug.program import load_program, session_header  # noqa: E402
from vmdebug.toolchain.native import build_native  # noqa: E402


def measure_gdb(exe: Path, tmp: Path) -> dict:
    out, save = tmp / "gdb.json", tmp / "gdb.rec"
    env = dict(os.environ, VMDBG_OUT=str(out), VMDBG_SAVE=str(save))
    subprocess.run(["gdb", "-nx", "-batch", "-x", str(HERE / "gdb_record.py"), str(exe)], env=env,
                   capture_output=True, timeout=3600, check=False)
    return json.loads(out.read_text())


def measure_vmdebug(src: Path, tmp: Path) -> dict:
    """Record with the simulator, then time the debugger's own commands on the saved session."""
    out: dict = {}
    path = tmp / "prog.vmlog"
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # the baseline: interpreter, numpy
    program = load_program(str(src), "1")
    writer = SessionWriter(path, session_header(str(src), [], program, b"", DEFAULT_NFRAMES, "i386", "1"))
    log = EventLog(sink=writer.write_chunk)
    proc = Process(program.spec, argv=[str(src)], log=log, on_output=lambda fd, data: None)
    t = time.perf_counter()
    proc.run(50_000_000)
    out["record_s"] = time.perf_counter() - t
    out["instructions"] = proc.steps
    log.seal()
    writer.close()
    out["peak_rss_kib"] = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0, 1)
    out["save_bytes"] = path.stat().st_size
    del proc, log
    sink: list[str] = []
    t = time.perf_counter()
    dbg = open_debugger(str(path), [], write=sink.append, error=sink.append, program_output=lambda fd, data: None)
    out["open_s"] = time.perf_counter() - t
    dbg.execute("set context off")
    last = dbg.tl.last

    def timed(command: str, repeat: int = 1) -> float:
        t0 = time.perf_counter()
        for _ in range(repeat):
            dbg.execute(command)
        return (time.perf_counter() - t0) / repeat

    dbg.execute("break main")
    dbg.execute(f"record goto {last}")
    out["reverse_continue_s"] = timed("reverse-continue")  # back to main, across the whole trace
    dbg.execute("delete")
    dbg.execute(f"record goto {last // 2}")
    out["stepi_ms"] = timed("stepi", 50) * 1e3
    out["reverse_stepi_ms"] = timed("reverse-stepi", 50) * 1e3
    rng = random.Random(1)
    targets = [rng.randrange(last + 1) for _ in range(9)]
    out["goto_ms"] = sum(timed(f"record goto {s}") for s in targets) / len(targets) * 1e3
    return out


def measure_vmdebug_in_child(src: Path, tmp: Path) -> dict:
    """A fresh process per program, so its peak RSS is its own."""
    out = tmp / "vmdebug.json"
    subprocess.run([sys.executable, __file__, "--vmdebug-only", str(src), str(out)], check=True, timeout=3600)
    return json.loads(out.read_text())


def main() -> None:
    if sys.argv[1:2] == ["--vmdebug-only"]:
        src, out = Path(sys.argv[2]), Path(sys.argv[3])
        with tempfile.TemporaryDirectory() as d:
            out.write_text(json.dumps(measure_vmdebug(src, Path(d))))
        return
    programs = [Path(p) for p in sys.argv[1:]] or sorted((HERE / "programs").glob("*.c"))
    rows = []
    for src in programs:
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            exe = build_native(src, tmp / src.stem, "1")
            g = measure_gdb(exe, tmp)
            v = measure_vmdebug_in_child(src, tmp)
        rows.append((src.name, g, v))
    print(f"{'program':<10} {'measure':<26} {'gdb record full':>16} {'vmdebug':>14} {'ratio':>9}")
    for name, g, v in rows:
        gi, vi = g["instructions"], v["instructions"]
        table = [
            ("recording (instr/s)", gi / g["record_s"], vi / v["record_s"], True),
            ("reverse-continue (instr/s)", gi / g["reverse_continue_s"], vi / v["reverse_continue_s"], True),
            ("stepi (ms)", g["stepi_ms"], v["stepi_ms"], False),
            ("reverse-stepi (ms)", g["reverse_stepi_ms"], v["reverse_stepi_ms"], False),
            ("record goto (ms)", g["goto_ms"], v["goto_ms"], False),
            ("bytes per step", g["save_bytes"] / gi, v["save_bytes"] / vi, False),
            ("peak RSS (MiB per M steps)", g["peak_rss_kib"] / 1024 / (gi / 1e6),
             v["peak_rss_kib"] / 1024 / (vi / 1e6), False),
        ]
        for label, a, b, higher_is_better in table:
            ratio = b / a if higher_is_better else a / b
            print(f"{name:<10} {label:<26} {a:>16.2f} {b:>14.2f} {ratio:>8.1f}x")
        print(f"{name:<10} {'open session (s)':<26} {'-':>16} {v['open_s']:>14.3f}")
        print(f"{name:<10} {'instructions':<26} {gi:>16} {vi:>14}")


if __name__ == "__main__":
    main()
