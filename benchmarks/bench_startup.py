"""Start-up: whole commands timed as a user waits for them (issue #17's targets).

Each command runs as a process of its own, ``--repeat`` times; the table gives the
median and the best wall time and the median CPU time (user + system, which a busy
machine disturbs less than the wall clock).  The commands:

* ``python -c pass``: the interpreter's own start, for scale;
* ``vmdebug --version`` and ``vmdebug --help`` (target: under 100 ms);
* ``vmdebug run examples/hello.s`` (target: under 150 ms);
* ``vmdebug run -O LEVEL PROGRAM.c`` (default ``examples/recursion_frames.c``) with
  the caches warm (``$XDG_CACHE_HOME`` pointed at a directory one earlier run
  filled: the libc's assembled objects and this program linked), with the libc's
  objects cached but the program not (as after an edit: its linked program is
  removed before each run), and with an empty cache (cold: a fresh directory each
  time); target: under 250 ms plus gcc's own time;
* ``vmdebug debug -batch -ex 'break main' -ex run PROGRAM.c``, the start of a
  debugging session, the program linked (cached) and edited (not);
* gcc's own time: ``gcc -S`` of the same file with the same flags
  (``vmdebug.toolchain.gcc.gcc_command``), output to /dev/null.

``vmdebug`` is the console script installed next to this interpreter (a
version manager's shim in front of it, such as pyenv's, adds its own time: give
``--vmdebug vmdebug`` to time what ``PATH`` finds).  ``--root DIR`` times another
checkout instead (its code first on ``PYTHONPATH``, its examples): the before and
after of a change, in one run.  The commands run as a user's do:
with bytecode written (``PYTHONDONTWRITEBYTECODE`` is dropped, and the sources
are compiled once before timing).

Run:  python benchmarks/bench_startup.py [--repeat 15] [--program examples/x.c] [-O 0] [--format markdown]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def default_vmdebug() -> list[str]:
    script = Path(sys.executable).parent / "vmdebug"
    return [str(script)] if script.exists() else [sys.executable, "-m", "vmdebug"]


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """(wall s, CPU s, exit status) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    parser.add_argument("--repeat", type=int, default=15, help="runs of each command (default 15)")
    parser.add_argument("--program", type=Path, default=ROOT / "examples" / "recursion_frames.c",
                        help="the small C program (default examples/recursion_frames.c)")
    parser.add_argument("-O", dest="opt", default="0", help="gcc -O level for the C program (default 0)")
    parser.add_argument("--vmdebug", default=None,
                        help="the command that starts vmdebug (default: the console script next to "
                             "this interpreter)")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the checkout to time (default this one), put first on PYTHONPATH")
    parser.add_argument("--cold-repeat", type=int, default=3,
                        help="runs with an empty libc cache (each assembles the libc; default 3; 0: none)")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    vm = shlex.split(args.vmdebug) if args.vmdebug else default_vmdebug()
    from vmdebug.toolchain.gcc import compile_place, gcc_command

    plain = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    plain["PYTHONPATH"] = os.pathsep.join([str(root), *filter(None, [os.environ.get("PYTHONPATH")])])
    subprocess.run([sys.executable, "-m", "compileall", "-q", "vmdebug", "events"], cwd=root, env=plain,
                   stdout=subprocess.DEVNULL, check=False)
    if args.program == parser.get_default("program"):
        args.program = root / "examples" / "recursion_frames.c"
    program = args.program.resolve()
    gcc = gcc_command(program, args.opt, ("-S",))
    gcc[-1:-1] = ["-o", os.devnull]
    results: list[dict] = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        warm = dict(plain, XDG_CACHE_HOME=str(tmp / "warm"))
        for command in ("run", "debug"):                 # fill the warm cache (debug: the linked DWARF too)
            subprocess.run([*vm, command, *(["-batch"] if command == "debug" else []), f"-O{args.opt}",
                            str(program)], cwd=root, env=warm, check=True, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL)
        jobs = [
            ("python -c pass", [sys.executable, "-c", "pass"], None, root, None),
            ("vmdebug --version", [*vm, "--version"], 0.100, root, None),
            ("vmdebug --help", [*vm, "--help"], 0.100, root, None),
            ("vmdebug run examples/hello.s", [*vm, "run", "examples/hello.s"], 0.150, root, None),
            (f"gcc -S -O{args.opt} {program.name} (gcc alone)", gcc, None, compile_place(program).cwd, None),
            (f"vmdebug run -O{args.opt} {program.name}, caches warm",
             [*vm, "run", f"-O{args.opt}", str(program)], "gcc", root, warm),
            (f"vmdebug run -O{args.opt} {program.name}, edited (libc cache warm)",
             [*vm, "run", f"-O{args.opt}", str(program)], "gcc", root, "edited"),
            (f"vmdebug debug -batch -ex 'break main' -ex run {program.name}, caches warm",
             [*vm, "debug", "-batch", f"-O{args.opt}", "-ex", "break main", "-ex", "run", str(program)],
             None, root, warm),
            (f"vmdebug debug -batch -ex 'break main' -ex run {program.name}, edited",
             [*vm, "debug", "-batch", f"-O{args.opt}", "-ex", "break main", "-ex", "run", str(program)],
             None, root, "edited"),
            (f"vmdebug run -O{args.opt} {program.name}, libc cache cold",
             [*vm, "run", f"-O{args.opt}", str(program)], "gcc", root, "cold"),
        ]
        gcc_median = 0.0
        for name, cmd, target, cwd, env in jobs:
            if env == "cold" and args.cold_repeat <= 0:
                continue
            walls, cpus = [], []
            for i in range(args.cold_repeat if env == "cold" else args.repeat):
                if env == "cold":
                    run_env = dict(plain, XDG_CACHE_HOME=str(tmp / f"cold{i}"))
                elif env == "edited":     # the libc's objects cached, this program not
                    for linked in (tmp / "warm" / "vmdebug").glob("prog-*.pickle"):
                        linked.unlink()
                    run_env = warm
                else:
                    run_env = env or plain
                wall, cpu, status = timed(cmd, cwd, run_env)
                if status != 0:
                    raise SystemExit(f"{name}: exit status {status}")
                walls.append(wall)
                cpus.append(cpu)
            row = {"command": name, "median_ms": statistics.median(walls) * 1e3, "best_ms": min(walls) * 1e3,
                   "cpu_ms": statistics.median(cpus) * 1e3}
            if name.startswith("gcc"):
                gcc_median = row["median_ms"]
            if target == "gcc":
                row["target_ms"] = 250 + gcc_median
                row["target"] = f"< 250 ms + gcc = {250 + gcc_median:.0f} ms"
            elif target is not None:
                row["target_ms"] = target * 1e3
                row["target"] = f"< {target * 1e3:.0f} ms"
            if "target_ms" in row:
                row["met"] = row["median_ms"] < row["target_ms"]
            results.append(row)
    if args.format == "json":
        print(json.dumps({"vmdebug": vm, "root": str(root), "repeat": args.repeat, "results": results,
                          "loadavg": os.getloadavg()}, indent=1))
        return
    if args.format == "markdown":
        print("| command | median wall (ms) | best (ms) | CPU (ms) | target | met |")
        print("| --- | ---: | ---: | ---: | --- | --- |")
        for r in results:
            met = "" if "met" not in r else ("yes" if r["met"] else "no")
            print(f"| `{r['command']}` | {r['median_ms']:.0f} | {r['best_ms']:.0f} | {r['cpu_ms']:.0f} | "
                  f"{r.get('target', '')} | {met} |")
    else:
        print(f"{'command':<56} {'median':>8} {'best':>8} {'CPU':>8}  target")
        for r in results:
            met = "" if "met" not in r else (" (met)" if r["met"] else " (NOT met)")
            print(f"{r['command']:<56} {r['median_ms']:>6.0f}ms {r['best_ms']:>6.0f}ms {r['cpu_ms']:>6.0f}ms  "
                  f"{r.get('target', '')}{met}")
    load = os.getloadavg()
    print(f"\n{args.repeat} runs each ({args.cold_repeat} cold); vmdebug = {' '.join(vm)} in {root}; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
