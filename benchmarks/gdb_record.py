"""Runs inside gdb (``gdb -batch -x gdb_record.py PROG``): measures gdb's ``record full``.

Not a script of its own (``bench_vs_gdb.py`` runs it; ``--help`` is that script's).
Reads its parameters from the environment (VMDBG_OUT: where to write JSON,
VMDBG_SAVE: where ``record save`` writes) and reports the same measures
vmdebug's harness takes.  ``recorded_at`` is the wall clock (``time.time()``)
when the recording reached the end of the program, so the harness gets the
whole command (gdb's start, ``run`` to main, ``record full`` to the end) from
its own launch time; ``record_rss_kib`` is gdb's peak RSS at that moment.
"""
import json
import os
import re
import time

try:
    import gdb  # provided by gdb
except ImportError:             # run by hand: say how it is run
    import argparse

    argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                            epilog="Run by benchmarks/bench_vs_gdb.py, or: VMDBG_OUT=out.json VMDBG_SAVE=prog.rec "
                                   "gdb -nx -batch -x benchmarks/gdb_record.py PROG").parse_args()
    raise SystemExit("gdb_record.py runs inside gdb: gdb -nx -batch -x benchmarks/gdb_record.py PROG")

out = {}
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("break main")
gdb.execute("run")
gdb.execute("record full")
gdb.execute("set record full insn-number-max unlimited")
gdb.execute("catch syscall exit_group")
t = time.perf_counter()
gdb.execute("continue")
out["record_s"] = time.perf_counter() - t
out["recorded_at"] = time.time()
with open("/proc/self/status") as f:
    out["record_rss_kib"] = int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1))
info = gdb.execute("info record", to_string=True)
m = re.search(r"Log contains (\d+) instructions", info)
out["instructions"] = int(m.group(1)) if m else 0
t = time.perf_counter()
gdb.execute("reverse-continue")           # back to the breakpoint at main, across the whole trace
out["reverse_continue_s"] = time.perf_counter() - t
t = time.perf_counter()
for _ in range(50):
    gdb.execute("stepi", to_string=True)
out["stepi_ms"] = (time.perf_counter() - t) / 50 * 1e3
t = time.perf_counter()
for _ in range(50):
    gdb.execute("reverse-stepi", to_string=True)
out["reverse_stepi_ms"] = (time.perf_counter() - t) / 50 * 1e3
t = time.perf_counter()
targets = [out["instructions"] * k // 10 for k in range(1, 10)]
first = int(re.search(r"Lowest recorded instruction number is (\d+)", info).group(1)) if "Lowest" in info else 1
for n in targets:
    gdb.execute(f"record goto {first + n}", to_string=True)
out["goto_ms"] = (time.perf_counter() - t) / len(targets) * 1e3
gdb.execute("record goto end", to_string=True)
t = time.perf_counter()
gdb.execute(f"record save {os.environ['VMDBG_SAVE']}", to_string=True)
out["save_s"] = time.perf_counter() - t
out["save_bytes"] = os.path.getsize(os.environ["VMDBG_SAVE"])
with open("/proc/self/status") as f:
    out["peak_rss_kib"] = int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1))
with open(os.environ["VMDBG_OUT"], "w") as f:
    json.dump(out, f)
gdb.execute("kill")
