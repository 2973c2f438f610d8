"""Which zlib level a session file should be written at: speed against size, on real sessions.

Run:  python benchmarks/bench_zlib_levels.py [--loop N] [--repeat N] [programs...]

Records each program with ``vmdebug record`` (by default benchmarks/programs/*.c,
examples/*.c and *.s, and the loop of bench_record.py at ``--loop`` iterations),
takes apart every zlib stream the session holds - the header (``HD``), the
chunks' event columns and their small fields (``CK``: ``cols``, ``counts``,
``ip``, ``pw``), the checkpoints (``CP``) - and compresses the same bytes again
at levels 1-9.  It reports, per level and summed over the sessions, the
compressed size, the time to compress (the writer's whole cost that depends on
the level) and the time to decompress (what reading pays), the best of
``--repeat`` runs each, in CPU time.  These are measurements, not tests.
"""
from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import tempfile
import time
import zlib
from collections import defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from events.records import _REC, _TRAILER, ZLIB_LEVEL, _unpack  # noqa: E402
from events.session import MAGIC  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
LOOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_record.py")


def record(program: str, out: str, extra: list[str]) -> None:
    subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", out, *extra, program], cwd=ROOT,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=3600)


def loop_program(tmp: str, iterations: int) -> str:
    """bench_record.py's loop-and-call program, linked with GNU as/ld."""
    sys.path.insert(0, os.path.dirname(LOOP))
    from bench_record import build_loop
    return build_loop(tmp, iterations)


def streams(data: bytes) -> tuple[list[tuple[str, bytes]], int, int]:
    """Every zlib stream of a session, inflated, by kind; the bytes the streams take in the
    file; the number of steps."""
    out: list[tuple[str, bytes]] = []
    stored = 0
    pos = len(MAGIC) + 4
    end = len(data) - _TRAILER.size
    steps = 0
    while pos < end:
        tag, length, _crc = _REC.unpack_from(data, pos)
        payload = data[pos + _REC.size:pos + _REC.size + length]
        pos += _REC.size + length
        if tag in (b"HD", b"CP"):
            out.append((tag.decode(), zlib.decompress(payload)))
            stored += len(payload)
        elif tag == b"CK":
            obj = _unpack(payload)
            steps += obj["k"]
            for key in ("cols", "counts", "ip", "pw"):
                if isinstance(obj.get(key), bytes):
                    out.append(("CK" if key == "cols" else "CK small", zlib.decompress(obj[key])))
                    stored += len(obj[key])
    return out, stored, steps


def best(fn, repeat: int) -> float:
    """CPU seconds of ``fn()``, the best of ``repeat`` (CPU time: other processes on the
    machine disturb it less than the wall clock)."""
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("programs", nargs="*", help="C or assembly programs to record (default: the benchmark "
                                                    "programs and the examples)")
    parser.add_argument("--loop", type=int, default=100_000, help="iterations of bench_record.py's loop "
                                                                  "(0: leave it out)")
    parser.add_argument("--repeat", type=int, default=3, help="timings per level (the best is kept)")
    args = parser.parse_args()
    programs = args.programs or sorted(glob.glob(os.path.join(ROOT, "benchmarks", "programs", "*.c")) +
                                       glob.glob(os.path.join(ROOT, "examples", "*.c")) +
                                       glob.glob(os.path.join(ROOT, "examples", "*.s")))
    blobs: list[tuple[str, bytes]] = []
    file_bytes = stored_bytes = steps = 0
    with tempfile.TemporaryDirectory() as tmp:
        if args.loop:
            programs = [*programs, loop_program(tmp, args.loop)]
        for i, prog in enumerate(programs):
            out = os.path.join(tmp, f"{i}.vmlog")
            extra = ["--file", os.path.join(ROOT, "examples", "numbers.txt")] if prog.endswith("average.c") else []
            record(prog, out, extra)
            if not os.path.exists(out):
                print(f"skipped {prog}: no session", file=sys.stderr)
                continue
            with open(out, "rb") as f:
                data = f.read()
            found, stored, n = streams(data)
            blobs += found
            file_bytes += len(data)
            stored_bytes += stored
            steps += n
    raw = defaultdict(int)
    for kind, blob in blobs:
        raw[kind] += len(blob)
    other = file_bytes - stored_bytes          # framing, msgpack, extras: the same at every level
    kinds = sorted(raw)
    print(f"{len(programs)} sessions, {steps} steps, {file_bytes} bytes at level {ZLIB_LEVEL} "
          f"({other} of them outside zlib streams); inflated: " +
          ", ".join(f"{k} {raw[k]}" for k in kinds))
    print(f"zlib {zlib.ZLIB_RUNTIME_VERSION}; times are the best of {args.repeat}")
    by_kind = {k: [blob for kind, blob in blobs if kind == k] for k in kinds}
    rows = []
    for level in range(1, 10):
        size = {k: sum(len(zlib.compress(b, level)) for b in by_kind[k]) for k in kinds}
        t_comp = {k: best(lambda: [zlib.compress(b, level) for b in by_kind[k]], args.repeat) for k in kinds}
        packed = [zlib.compress(b, level) for _, b in blobs]
        t_dec = best(lambda: [zlib.decompress(p) for p in packed], args.repeat)
        rows.append((level, other + sum(size.values()), size, t_comp, t_dec))
    ref = rows[ZLIB_LEVEL - 1]
    print("\nsizes in bytes (the file: every stream, plus what is not compressed)")
    print("| level | file | vs " + str(ZLIB_LEVEL) + " | " + " | ".join(kinds) + " |")
    print("|---" * (len(kinds) + 3) + "|")
    for level, total, size, _, _ in rows:
        print(f"| {level} | {total} | {total / ref[1]:.3f} | " + " | ".join(str(size[k]) for k in kinds) + " |")
    print("\ntimes in seconds (compress: the writer's cost that depends on the level)")
    print("| level | compress | vs " + str(ZLIB_LEVEL) + " | µs/step | " +
          " | ".join(f"{k} compress" for k in kinds) + " | decompress all |")
    print("|---" * (len(kinds) + 5) + "|")
    for level, _, _, t_comp, t_dec in rows:
        total = sum(t_comp.values())
        print(f"| {level} | {total:.3f} | {total / sum(ref[3].values()):.2f} | "
              f"{total / max(steps, 1) * 1e6:.3f} | " + " | ".join(f"{t_comp[k]:.3f}" for k in kinds) +
              f" | {t_dec:.3f} |")

if __name__ == "__main__":
    main()
