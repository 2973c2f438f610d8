"""The debugger's state is its own: two debuggers in one process share no types or
caches, and its words go through one declared sink that can be captured and restored."""
from __future__ import annotations

from pathlib import Path

from dbgprogs import outputs, session

PROG_A = """\
struct point { int x; int y; };
struct point p = { 1, 2 };
int main(void) { struct point *q = &p; return q->y - 2; }
"""

PROG_B = """\
struct point { char tag; long long x; short y; };
struct point p = { 'b', 7, 9 };
int main(void) { struct point *q = &p; return (int)q->y - 9; }
"""


def test_two_debuggers_in_one_process_keep_their_own_struct_definitions(tmp_path: Path) -> None:
    (tmp_path / "a.c").write_text(PROG_A)
    (tmp_path / "b.c").write_text(PROG_B)
    a, cap_a = session(tmp_path / "a.c")
    b, cap_b = session(tmp_path / "b.c")
    for _ in range(2):        # interleaved, so a type made for one cannot serve the other
        assert outputs(a, cap_a, "print p")[-1].endswith(" = {x = 1, y = 2}")
        assert outputs(b, cap_b, "print p")[-1].endswith(" = {tag = 98 'b', x = 7, y = 9}")
        assert outputs(a, cap_a, "print *&p")[-1].endswith(" = {x = 1, y = 2}")
        assert outputs(b, cap_b, "print (&p)->x")[-1].endswith(" = 7")
        assert outputs(a, cap_a, "ptype p")[-3:] == ["    int x;", "    int y;", "}"]
        assert outputs(b, cap_b, "ptype p")[-4:] == ["    char tag;", "    long long x;", "    short y;", "}"]
        assert outputs(b, cap_b, "print sizeof(p)")[-1].endswith("= 16")
        assert outputs(a, cap_a, "print sizeof(p)")[-1].endswith("= 8")


def test_a_captured_command_prints_nothing_elsewhere_and_the_sink_comes_back(tmp_path: Path) -> None:
    (tmp_path / "a.c").write_text(PROG_A)
    dbg, cap = session(tmp_path / "a.c")
    with dbg.out.captured() as said:
        dbg.execute("print p.y")
        dbg.execute("print nosuch")
    assert said == ["$1 = 2", 'No symbol "nosuch" in current context.']
    assert cap.lines == []
    dbg.execute("print p.x")
    assert cap.lines == ["$2 = 1"]
