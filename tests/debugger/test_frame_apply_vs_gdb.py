"""``frame apply all|COUNT|-COUNT|level L... [-q] [-c] [-s] CMD`` and ``faas`` print what
gdb 13 prints: each frame's line, then the command's output; -q without the lines, -c going
on after an error, -s skipping the frames where it fails, an error otherwise ending it."""
from __future__ import annotations

from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
int fill(int n)
{
    if (n > 0)
        return fill(n - 1) + n;
    return 0;
}
int main(void)
{
    return fill(2);
}
"""

SCRIPT = ["break 5", "run", "frame apply 2 p n", "frame apply all -q p n", "frame apply level 1 p n",
          "frame apply all -c p nosuch", "frame apply all -s p nosuch", "frame apply", "frame apply all",
          "faas p n", "frame apply -1 p 1", "frame apply level 1-2 p n", "frame", "frame apply all p n", "p 99",
          "frame apply 1 bt 1"]


def test_frame_apply_reads_as_gdbs(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "fa", SOURCE, SCRIPT, "0")
    assert "#3  0x" in gdb and "Missing COUNT argument." in gdb, gdb
    assert ours == gdb
