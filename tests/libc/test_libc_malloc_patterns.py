"""malloc, free, realloc and calloc simulated against the native build with the same libc.

programs/malloc_patterns.c mixes random sizes (a fixed seed), realloc growing and
shrinking, calloc over freed data and frees in random order, checks its data and the
boundary tags itself, and prints the heap after each phase: the simulated run must print
the same bytes as the real CPU.  The debugger's `heap` view must show the coalescing the
program printed natively, and the instruction counts of benchmarks/bench_malloc.py must
stay within the issue's budget: 100k malloc/free pairs in under 10M instructions, whatever
the heap holds."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.bench_malloc import PAIRS, WORDS
from dbgprogs_path import outputs, session
from vmdebug.machine.process import Process
from vmdebug.program import load_program
from vmdebug.toolchain.native import build_native, run_native

PROGRAM = Path(__file__).parent / "programs" / "malloc_patterns.c"


def simulate(path: Path, opt: str, max_steps: int = 50_000_000) -> tuple[bytes, int]:
    """(stdout, instructions retired) of a simulated run, which must exit with status 0."""
    out = bytearray()
    proc = Process(load_program(str(path), opt).spec, argv=[path.stem], layout="compat",
                   on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
    assert proc.run(max_steps) == "exited" and proc.state.exited == (0, 0)
    return bytes(out), proc.steps


@pytest.mark.parametrize("opt", ["2"])
def test_patterns_simulated_as_natively(opt: str, tmp_path: Path) -> None:
    native = run_native(build_native(PROGRAM, tmp_path / "patterns", opt))
    assert (native.exit_status, native.signal) == (0, None), native.stderr
    text = native.stdout.decode()
    assert text.endswith("bad 0\n")
    assert "calloc sum 0\n" in text
    # Merging both ways, the split from a bin and the end in the top, as src/malloc.c says.
    assert "c merged after b: 0:21 32:40[-1,-1] 96:23 128:11\n" in text
    assert "a merged before b+c: 0:60[-1,-1] 96:23 128:11\n" in text
    assert "a again, split from a+b+c: 0:41 64:20[-1,-1] 96:23 128:11\n" in text
    assert re.search(r"^all freed: 0:([0-9a-f]+)\nall freed: 1 chunks, 1 free, 0 bytes in use, heap (\d+), bins 0+,",
                     text, re.M)
    stdout, _ = simulate(PROGRAM, opt)
    assert stdout == native.stdout


def test_heap_view_shows_what_the_program_walked(tmp_path: Path) -> None:
    """At the walk after free(c), the view's chunks are the ones the native run printed
    for the same point, b and c as one free chunk on bin 6's list, and nothing is amiss."""
    native = run_native(build_native(PROGRAM, tmp_path / "patterns", "0")).stdout.decode()
    walked = next(line for line in native.splitlines() if line.startswith("c merged after b: 0:"))
    line = next(n for n, text in enumerate(PROGRAM.read_text().splitlines(), 1)
                if 'walk("c merged after b", 1);' in text)
    dbg, cap = session(PROGRAM)
    dbg.execute(f"break {line}")
    dbg.execute("run")
    view = outputs(dbg, cap, "heap")
    start = int(view[0].split()[1], 16)
    rows = [row.split() for row in view[2:] if re.match(r"0x[0-9a-f]{8}  0x", row)]
    shown = " ".join(f"{int(r[0], 16) - start}:{int(r[1], 16):x}" for r in rows)
    assert "c merged after b: " + shown == re.sub(r"\[[-\d,]+\]", "", walked)
    free_row = next(row for row in view if row.startswith(f"{start + 32:#010x}"))
    assert free_row.endswith("free     " + f"{start + 36:#010x}" + "      60  bin 6, next none (last), prev none (first)")
    assert f"  bin 6 (64 bytes): {start + 32:#010x}" in view
    assert not [row for row in view if row.startswith("problem:")]


def test_heap_view_names_a_smashed_footer_and_list(tmp_path: Path) -> None:
    """A use-after-free write into a free chunk's links and footer: the view says so."""
    src = tmp_path / "uaf.c"
    src.write_text("#include <stdlib.h>\n#include <string.h>\n"
                   "int main(void)\n{\n    char *a = malloc(40), *b = malloc(40), *c = malloc(8);\n"
                   "    free(a);\n    memset(a, 'X', 44);\n    return b == c;\n}\n")
    dbg, cap = session(src)
    dbg.execute("break 8")
    dbg.execute("run")
    view = outputs(dbg, cap, "heap")
    start = int(view[0].split()[1], 16)
    problems = [row for row in view if row.startswith("problem:")]
    assert f"problem: {start:#010x}: footer 0x58585858 is not the chunk size 0x30" in problems
    assert f"problem: bin 4: {start:#010x} says its previous is 0x58585858, not 0x00000000" in problems


def test_100k_pairs_within_the_budget(tmp_path: Path) -> None:
    """The issue's budget: 100k malloc/free pairs under 10M instructions, here with 1,000
    chunks alive under them (the first malloc walked them all on every call)."""
    src = tmp_path / "pairs.c"
    src.write_text(PAIRS.format(live=1000, pairs=100_000))
    stdout, steps = simulate(src, "1", max_steps=12_000_000)
    assert stdout.startswith(b"100000 pairs on 1000 live chunks, sum 12742320,")
    assert steps < 10_000_000, steps


def test_a_pair_costs_the_same_on_a_small_and_a_large_heap(tmp_path: Path) -> None:
    """O(1), not O(heap): 2,000 pairs over 100 and over 5,000 live chunks cost the same."""
    cost = {}
    for live in (100, 5000):
        runs = []
        for pairs in (0, 2000):
            src = tmp_path / f"pairs{live}_{pairs}.c"
            src.write_text(PAIRS.format(live=live, pairs=pairs))
            runs.append(simulate(src, "1")[1])
        cost[live] = (runs[1] - runs[0]) / 2000
    assert cost[100] < 100 and abs(cost[5000] - cost[100]) < 1, cost


def test_3000_words_run_quickly_and_as_natively(tmp_path: Path) -> None:
    src = tmp_path / "words.c"
    src.write_text(WORDS.format(words=3000))
    native = run_native(build_native(src, tmp_path / "words", "1"))
    stdout, steps = simulate(src, "1")
    assert stdout == native.stdout and stdout.startswith(b"3000 words, ")
    assert steps < 2_500_000, steps
