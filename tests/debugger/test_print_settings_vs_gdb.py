"""``set print elements|repeats|pretty`` and their ``show``, against gdb 13 on the native build:
a struct a member a line (nested ones indented, arrays of structs inline), strings and arrays
cut at the limit (``x/s`` too, the next string starting where the cut one stopped), runs of
equal elements folded at the threshold, gdb's errors for bad values."""
from __future__ import annotations

from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
struct inner { int x, y; };
union u { int i; char c[4]; };
struct outer { int a; struct inner in; struct inner arr[2]; char name[6]; union u un; int *p; };
struct outer g = {1, {2, 3}, {{4, 5}, {6, 7}}, "hey", {65}, 0};
int big[300];
char text[300];
int main(void)
{
    struct outer local = g;
    for (int i = 0; i < 300; i++) { big[i] = i < 20 ? 7 : i; text[i] = 'a' + i % 26; }
    text[299] = 0;
    return local.a + g.a;
}
"""

SCRIPT = ["break 11", "run", "show print pretty", "p g", "set print pretty on", "show print pretty", "p g",
          "p g.in", "p g.arr", "p/x g", "p &g", "info locals", "set print pretty off", "set print elements 4",
          "show print elements", "p big", "p text", "p g", "set print elements 0", "show print elements",
          "set print repeats 3", "show print repeats", "p big", "set print repeats unlimited",
          "show print repeats", "set print elements 200", "p big", "set print pretty", "show print pretty",
          "set print pretty maybe", "set print elements -1", "set print elements nosuch", "set print elem 7",
          "show print elem", "x/2s text", "x/s g.name", "set print elements 3", "x/2s g.name",
          "set print elements 200", "x/2s text"]


def test_print_settings_read_as_gdbs(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "pp", SOURCE, SCRIPT)
    assert "  in = {\n    x = 2,\n    y = 3\n  }," in gdb and "{7 <repeats 20 times>...}" in gdb, gdb
    assert "Pretty formatting of structures is on." in gdb and '"on" or "off" expected.' in gdb
    assert ours.splitlines() == gdb.splitlines()
