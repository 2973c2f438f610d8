"""A double's store is one write in `history` and `last-write`, though the log holds it as two
dword events (memory events are at most 4 bytes wide; vmdebug/machine/memory.py write_wide)."""
from __future__ import annotations

from pathlib import Path

from dbgprogs import outputs, session

PROGRAM = """volatile double total;

int main(void)
{
    for (int i = 1; i <= 3; i++)
        total += 0.5 * i;
    return 0;
}
"""


def test_a_double_store_is_one_eight_byte_write(tmp_path: Path) -> None:
    src = tmp_path / "sum.c"
    src.write_text(PROGRAM)
    dbg, cap = session(src)
    dbg.execute("break 7")
    dbg.execute("run")
    hist = outputs(dbg, cap, "history total")
    # The page's first touch (demand paging), then the three sums.
    assert hist[0].startswith("4 writes to 0x") and hist[0].endswith(" (8 bytes):"), hist
    assert "(page loaded on first touch: demand paging)" in hist[1]
    news = [line.rsplit(" -> ", 1)[1] for line in hist[2:]]
    # 0.5, 1.5, 3.0 as IEEE doubles, each one 8-byte write
    assert news == ["0x3fe0000000000000", "0x3ff8000000000000", "0x4008000000000000"], hist
    assert all("8 bytes]" in line for line in hist[2:])
    last = outputs(dbg, cap, "last-write total")
    assert "8 bytes] 0x3ff8000000000000 -> 0x4008000000000000" in last[0]
    assert outputs(dbg, cap, "print total") == ["$1 = 1.5"]
