"""setjmp/longjmp: the program behaves as on the real CPU, and `next` over longjmp stops
where gdb stops, at the longjmp target in the middle of setjmp's line; `bt` then no longer
shows the frames it jumped over."""
from __future__ import annotations

from pathlib import Path

from dbgprogs import gdb_batch, outputs, session
from vmdebug.toolchain.native import build_native, run_native

PROGRAM = Path(__file__).resolve().parents[1] / "libc" / "programs" / "setjmp_dive.c"
EXPECTED = "setjmp returned 0 (try 1, depth 0)\nsetjmp returned 50 (try 2, depth 5)\n" \
           "setjmp returned 1 (try 3, depth 0)\ndone\n"


def test_setjmp_and_longjmp_run_as_on_the_real_cpu(tmp_path: Path) -> None:
    for opt in ("0", "2"):
        assert run_native(build_native(PROGRAM, tmp_path / f"p{opt}", opt)).stdout.decode() == EXPECTED
    dbg, cap = session(PROGRAM)
    outputs(dbg, cap, "run")
    assert "\n".join(cap.lines).count("setjmp returned") == 3 and dbg.tl.end().how == "exited"


def test_next_over_longjmp_stops_where_gdb_does(tmp_path: Path) -> None:
    exe = build_native(PROGRAM, tmp_path / "dive", "0")
    commands = ["break 11", "run", "next", "bt", "next"]
    real = gdb_batch(exe, commands, PROGRAM.parent).splitlines()
    dbg, cap = session(PROGRAM)
    ours = [line for c in commands for line in outputs(dbg, cap, c)]
    def keep(lines: list[str]) -> list[str]:
        return [ln for ln in lines if ln.startswith(("0x", "#", "19\t", "20\t", "11\t"))]
    assert keep(ours) == keep(real), (ours, real)
    landing = keep(real)
    assert landing[1].endswith(" in main () at setjmp_dive.c:19") and landing[-1] == "20\t    tries++;", landing
