"""vmdebug against gdb 13's ``record full``, on the same C programs, in one run.

Both ratios are measured, on the same programs, in the same run:

* the inner loop: the recording loop alone (``Process.run`` inside ``vmdebug
  record``) against gdb's ``continue`` under ``record full``; the
  ``reverse-continue`` command alone, across the whole trace, in each debugger;
* the whole command, as a user waits for it: ``vmdebug record -O1 -o S prog.c``
  as a process (gcc's compile included) against a gdb process from its launch
  through ``break main``, ``run``, ``record full`` and ``continue`` to the
  program's end; ``vmdebug debug -batch`` as a process that opens the saved
  session, goes to its end and reverse-continues to ``main``, against gdb
  opening its saved recording (``target core``, ``record full restore``,
  ``record goto end``) plus the reverse-continue gdb took in its live session.
  gdb 13.1 cannot reverse-execute a restored recording (any reverse command
  aborts with ``internal-error: find_inferior_pid: Assertion `pid != 0'``), so
  that gdb figure is a lower bound: it favours gdb.

Peak RSS is each whole process's own (``/usr/bin/time``'s maximum resident set
size, which for a fresh exec is the child's alone), shown raw and minus the same
style of baseline on each side: a bare ``python -c pass`` for vmdebug, a bare
``gdb -nx -batch`` for gdb.

The programs: ``benchmarks/programs/sort.c`` with its array resized so the run
takes about each of ``--sizes`` million instructions at ``-O1`` (the count is
quadratic in N; the real counts are printed), plus any C files given.  Ratios
are gdb's figure over vmdebug's (> 1 means vmdebug is better).

Run:  python benchmarks/bench_vs_gdb.py [--sizes 0.4,1,2] [--repeat 1] [--format markdown] [PROGRAM.c ...]
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

#: sort.c's instructions at -O1 are about SORT_B * N**2 (287,017 at N=400, 1,150,214 at N=800).
SORT_B = 1.798
#: The environment of the commands: a user's Python writes bytecode, so they run with it written;
#: PYTHONPATH names this checkout, so a copy of the repository measures its own code.
PLAIN = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PLAIN["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])


def vmdebug_argv() -> list[str]:
    """The installed console script of this interpreter (what a user's ``vmdebug`` runs, less any
    version-manager shim in front of it), else ``python -m vmdebug``."""
    script = Path(sys.executable).parent / "vmdebug"
    return [str(script)] if script.exists() else [sys.executable, "-m", "vmdebug"]


def run_process(argv: list[str], cwd: Path, env: dict[str, str] | None = None,
                timeout: float = 7200) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MiB, exit status) of one command, as a process of its own."""
    env = PLAIN if env is None else env
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        t0 = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, *argv], cwd=cwd, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
        wall = time.perf_counter() - t0
        text = Path(rss.name).read_text()
    m = re.findall(r"^(\d+)\s*$", text, re.M)
    return wall, (int(m[-1]) / 1024 if m else float("nan")), proc.returncode


def repeated(argv: list[str], cwd: Path, repeat: int, env: dict[str, str] | None = None) -> dict:
    runs = [run_process(argv, cwd, env) for _ in range(repeat)]
    return {"wall_s": statistics.median(r[0] for r in runs), "rss_mib": max(r[1] for r in runs),
            "status": runs[-1][2]}


# ----------------------------------------------------------------------------------------------
# gdb


def measure_gdb(exe: Path, tmp: Path, repeat: int) -> dict:
    """gdb's record full on ``exe``: the in-session measures (gdb_record.py), the whole recording
    command from gdb's launch, and a process that opens the saved recording."""
    out, save = tmp / "gdb.json", tmp / "gdb.rec"
    env = dict(PLAIN, VMDBG_OUT=str(out), VMDBG_SAVE=str(save))
    launched = time.time()
    wall, rss, _ = run_process(["gdb", "-nx", "-batch", "-x", str(HERE / "gdb_record.py"), str(exe)], tmp, env)
    g = json.loads(out.read_text())
    g["record_whole_s"] = g["recorded_at"] - launched
    g["record_rss_mib"] = g["record_rss_kib"] / 1024   # gdb's own peak when the recording ended
    g["session_wall_s"], g["session_rss_mib"] = wall, rss
    reopen = repeated(["gdb", "-nx", "-batch", "-ex", "set pagination off", "-ex", f"target core {save}",
                       "-ex", f"record full restore {save}", "-ex", "record goto end", str(exe)], tmp, repeat)
    g["reopen_s"], g["reopen_rss_mib"] = reopen["wall_s"], reopen["rss_mib"]
    g["back_whole_s"] = g["reopen_s"] + g["reverse_continue_s"]    # a lower bound (see the docstring)
    return g


# ----------------------------------------------------------------------------------------------
# vmdebug


def inner_vmdebug(src: Path, session: Path, opt: str, out: Path) -> None:
    """In a child process: ``vmdebug record`` through the CLI with ``Process.run`` timed (the
    recording loop alone), then the debugger's own commands on the saved session."""
    from vmdebug.cli import main as vmdebug_main
    from vmdebug.debugger.session import open_debugger
    from vmdebug.machine.process import Process

    res: dict = {}
    original = Process.run

    def timed_run(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            res["record_loop_s"] = time.perf_counter() - t0
            res["instructions"] = self.steps

    Process.run = timed_run
    saved = sys.stdout
    sys.stdout = open(os.devnull, "w")
    try:
        status = vmdebug_main(["record", f"-O{opt}", "-o", str(session), str(src)])
    finally:
        sys.stdout.close()
        sys.stdout = saved
        Process.run = original
    res["record_status"] = status
    res["save_bytes"] = session.stat().st_size
    sink: list[str] = []
    t0 = time.perf_counter()
    dbg = open_debugger(str(session), [], write=sink.append, error=sink.append,
                        program_output=lambda fd, data: None)
    res["open_s"] = time.perf_counter() - t0
    dbg.execute("set context off")
    last = dbg.tl.last

    def timed(command: str, repeat: int = 1) -> float:
        t1 = time.perf_counter()
        for _ in range(repeat):
            dbg.execute(command)
        return (time.perf_counter() - t1) / repeat

    dbg.execute("break main")
    dbg.execute("record goto end")
    res["reverse_continue_s"] = timed("reverse-continue")   # back to main, across the whole trace
    dbg.execute("delete")
    dbg.execute(f"record goto {last // 2}")
    res["stepi_ms"] = timed("stepi", 50) * 1e3
    res["reverse_stepi_ms"] = timed("reverse-stepi", 50) * 1e3
    rng = random.Random(1)
    targets = [rng.randrange(last + 1) for _ in range(9)]
    res["goto_ms"] = sum(timed(f"record goto {s}") for s in targets) / len(targets) * 1e3
    out.write_text(json.dumps(res))


def measure_vmdebug(src: Path, tmp: Path, opt: str, repeat: int) -> dict:
    vm = vmdebug_argv()
    session = tmp / "prog.vmlog"
    whole = repeated([*vm, "record", f"-O{opt}", "-o", str(session), src.name], tmp, repeat)
    back = repeated([*vm, "debug", "-batch", "-ex", "break main", "-ex", "record goto end",
                     "-ex", "reverse-continue", str(session)], tmp, repeat)
    out = tmp / "vmdebug.json"
    subprocess.run([sys.executable, __file__, "--inner", str(src), str(tmp / "inner.vmlog"), opt, str(out)],
                   check=True, timeout=7200, cwd=tmp, env=PLAIN, stderr=subprocess.DEVNULL)
    v = json.loads(out.read_text())
    v["record_whole_s"], v["record_rss_mib"] = whole["wall_s"], whole["rss_mib"]
    v["back_whole_s"], v["back_rss_mib"] = back["wall_s"], back["rss_mib"]
    # gcc's own share of the whole record command (vmdebug compiles; gdb was given the executable)
    from vmdebug.toolchain.gcc import compile_place, gcc_command
    argv = gcc_command(src, opt, ("-S",))
    argv[-1:-1] = ["-o", os.devnull]
    v["gcc_s"] = repeated(argv, compile_place(src).cwd, repeat)["wall_s"]
    return v


def baselines(tmp: Path, repeat: int) -> dict:
    py = repeated([sys.executable, "-c", "pass"], tmp, max(repeat, 3))
    gdb = repeated(["gdb", "-nx", "-batch"], tmp, max(repeat, 3))
    return {"python_s": py["wall_s"], "python_mib": py["rss_mib"], "gdb_s": gdb["wall_s"], "gdb_mib": gdb["rss_mib"]}


# ----------------------------------------------------------------------------------------------
# report


def sized_sort(millions: float, tmp: Path) -> Path:
    n = max(16, round(math.sqrt(millions * 1e6 / SORT_B)))
    text = (HERE / "programs" / "sort.c").read_text()
    assert "#define N 400" in text
    path = tmp / f"sort_{n}.c"
    path.write_text(text.replace("#define N 400", f"#define N {n}"))
    return path


def rows_for(name: str, g: dict, v: dict, base: dict) -> list[tuple[str, str, float, float, str]]:
    """(program, measure, gdb, vmdebug, ratio text): the ratio is gdb over vmdebug for times and
    sizes, vmdebug over gdb for rates."""
    gi, vi = g["instructions"], v["instructions"]

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.1f}x" if b > 0 and a > 0 else "-"

    gdb_rec_net = g["record_rss_mib"] - base["gdb_mib"]
    vm_rec_net = v["record_rss_mib"] - base["python_mib"]
    gdb_back_net = g["reopen_rss_mib"] - base["gdb_mib"]
    vm_back_net = v["back_rss_mib"] - base["python_mib"]
    return [
        (name, "record: inner loop (instructions/s)", gi / g["record_s"], vi / v["record_loop_s"],
         ratio(vi / v["record_loop_s"], gi / g["record_s"])),
        (name, "record: whole command (s)", g["record_whole_s"], v["record_whole_s"],
         ratio(g["record_whole_s"], v["record_whole_s"])),
        (name, "  of which gcc -S (s)", float("nan"), v["gcc_s"], ""),
        (name, "reverse-continue: command alone (s)", g["reverse_continue_s"], v["reverse_continue_s"],
         ratio(g["reverse_continue_s"], v["reverse_continue_s"])),
        (name, "reverse-continue: whole command (s)", g["back_whole_s"], v["back_whole_s"],
         ratio(g["back_whole_s"], v["back_whole_s"])),
        (name, "  gdb: open the saved recording (s)", g["reopen_s"], float("nan"), ""),
        (name, "stepi (ms)", g["stepi_ms"], v["stepi_ms"], ratio(g["stepi_ms"], v["stepi_ms"])),
        (name, "reverse-stepi (ms)", g["reverse_stepi_ms"], v["reverse_stepi_ms"],
         ratio(g["reverse_stepi_ms"], v["reverse_stepi_ms"])),
        (name, "record goto (ms)", g["goto_ms"], v["goto_ms"], ratio(g["goto_ms"], v["goto_ms"])),
        (name, "bytes per step on disk", g["save_bytes"] / gi, v["save_bytes"] / vi,
         ratio(g["save_bytes"] / gi, v["save_bytes"] / vi)),
        (name, "record: peak RSS, raw (MiB)", g["record_rss_mib"], v["record_rss_mib"], ""),
        (name, "record: peak RSS - baseline (MiB)", gdb_rec_net, vm_rec_net, ratio(gdb_rec_net, vm_rec_net)),
        (name, "reverse-continue: peak RSS, raw (MiB)", g["reopen_rss_mib"], v["back_rss_mib"], ""),
        (name, "reverse-continue: peak RSS - baseline (MiB)", gdb_back_net, vm_back_net,
         ratio(gdb_back_net, vm_back_net)),
    ]


def fmt(x: float) -> str:
    if x != x:      # nan
        return "-"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}" if abs(x) < 1 else f"{x:.2f}"


def report(results: list[tuple[str, dict, dict]], base: dict, form: str) -> None:
    if form == "json":
        print(json.dumps({"baselines": base, "programs": [{"program": n, "gdb": g, "vmdebug": v}
                                                          for n, g, v in results]}, indent=1))
        return
    table = [r for n, g, v in results for r in rows_for(n, g, v, base)]
    if form == "readme":        # one column a program: "gdb -> vmdebug (ratio)"
        names = [n for n, _, _ in results]
        labels = list(dict.fromkeys(label for _, label, _, _, _ in table if not label.startswith("  ")))
        cells = {(n, label): (a, b, r) for n, label, a, b, r in table}
        targets = {"record: whole command (s)": ">= 100x at 1M", "reverse-continue: whole command (s)": ">= 30x"}
        print("| measure: gdb -> vmdebug (ratio) | " + " | ".join(names) + " | target |")
        print("| --- | " + " | ".join("---" for _ in names) + " | --- |")
        for label in labels:
            row = []
            for n in names:
                a, b, r = cells[(n, label)]
                row.append(f"{fmt(a)} -> {fmt(b)}" + (f" ({r})" if r else ""))
            print(f"| {label} | " + " | ".join(row) + f" | {targets.get(label, '')} |")
        print("\n| gcc -S in vmdebug's whole record (s) | gdb: open the saved recording (s) |")
        print("| --- | --- |")
        for n, g, v in results:
            print(f"| {n}: {fmt(v['gcc_s'])} | {fmt(g['reopen_s'])} |")
    elif form == "markdown":
        print("| program | measure | gdb record full | vmdebug | ratio |")
        print("| --- | --- | ---: | ---: | ---: |")
        for name, label, a, b, r in table:
            print(f"| {name} | {label.strip()} | {fmt(a)} | {fmt(b)} | {r} |")
    else:
        print(f"{'program':<24} {'measure':<44} {'gdb':>12} {'vmdebug':>12} {'ratio':>8}")
        for name, label, a, b, r in table:
            print(f"{name:<24} {label:<44} {fmt(a):>12} {fmt(b):>12} {r:>8}")
    print(f"\nbaselines: python -c pass {base['python_s'] * 1e3:.0f} ms, {base['python_mib']:.1f} MiB; "
          f"gdb -nx -batch {base['gdb_s'] * 1e3:.0f} ms, {base['gdb_mib']:.1f} MiB")
    for name, g, v in results:
        print(f"{name}: in-process open of the session {v['open_s']:.3f} s; gdb's whole session process "
              f"(record, then the in-session measures and record save) {g['session_wall_s']:.1f} s")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--inner"]:            # internal: the in-process half, in a fresh process
        src, session, opt, out = argv[1:5]
        inner_vmdebug(Path(src), Path(session), opt, Path(out))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    parser.add_argument("programs", nargs="*", type=Path, help="more C files to measure as they are")
    parser.add_argument("--sizes", default="0.4,1,2",
                        help="sort.c sized to about these millions of instructions (comma-separated; "
                             "'' for none; default 0.4,1,2)")
    parser.add_argument("-O", dest="opt", default="1", help="gcc -O level for both sides (default 1)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each whole command on both sides, median reported (default 1; "
                             "gdb's recording session runs once: at ~10k instructions/s it is the long part)")
    parser.add_argument("--format", choices=("text", "markdown", "readme", "json"), default="text",
                        help="text; markdown: a row a measure and program; readme: a column a program; json")
    parser.add_argument("--save", type=Path, help="also write the raw measures to this JSON file")
    parser.add_argument("--load", type=Path, help="measure nothing: print the table of a --save file")
    args = parser.parse_args(argv)
    if args.load:
        data = json.loads(args.load.read_text())
        report([(r["program"], r["gdb"], r["vmdebug"]) for r in data["programs"]], data["baselines"], args.format)
        return
    if shutil.which("gdb") is None:
        parser.error("gdb is not on PATH")
    from vmdebug.toolchain.native import build_native

    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    subprocess.run([sys.executable, "-m", "compileall", "-q", "vmdebug", "events"], cwd=ROOT, env=PLAIN,
                   stdout=subprocess.DEVNULL, check=False)
    results = []
    with tempfile.TemporaryDirectory() as d:
        base = baselines(Path(d), args.repeat)
    for job in [*sizes, *args.programs]:
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            if isinstance(job, float):
                src = sized_sort(job, tmp)
            else:
                src = tmp / job.name
                shutil.copyfile(job, src)
            exe = build_native(src, tmp / src.stem, args.opt)
            g = measure_gdb(exe, tmp, args.repeat)
            v = measure_vmdebug(src, tmp, args.opt, args.repeat)
        name = f"{src.name} ({v['instructions'] / 1e6:.2f}M)"
        if abs(g["instructions"] - v["instructions"]) > 0.005 * v["instructions"]:
            name += f" [gdb: {g['instructions'] / 1e6:.2f}M]"   # the same program should retire the same
        results.append((name, g, v))
        print(f"measured {name}", file=sys.stderr, flush=True)
    if args.save:
        args.save.write_text(json.dumps({"baselines": base, "loadavg": os.getloadavg(), "programs": [
            {"program": n, "gdb": g, "vmdebug": v} for n, g, v in results]}, indent=1))
    report(results, base, args.format)


if __name__ == "__main__":
    main()
