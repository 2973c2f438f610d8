"""Stepping around calls gcc -O2 inlined, against gdb 13 on the native build: where
execution enters an inlined body gdb's next stops at the call site when it is on another
line (infrun.c process_event_stop_test, "stepped into inlined function") and step shows
the inlined frame (step_into_inline_frame); stepi and nexti hide no inlined frame
(handle_signal_stop skips them only when step_range_end != 1); stepping out of an inlined
body lands on the rest of the caller's line (set_step_info); next goes through an inlined
body with a loop ("stepping through inlined function")."""
from __future__ import annotations

from pathlib import Path

from dbgprogs import gdb_and_ours

SQUARE_LOOP = """\
#include <stdio.h>
int g;
int square(int x)
{
    int r = x * x;
    g += r;
    return r;
}
int main(void)
{
    int i, sum = 0;
    for (i = 0; i < 5; i++)
        sum += square(i);
    printf("%d %d\\n", sum, g);
    return 0;
}
"""

APPLY = """\
#include <stdio.h>
int g;
int square(int x)
{
    int r = x * x;
    g += r;
    return r;
}
int apply(int (*f)(int), int v)
{
    return f(v);
}
int main(void)
{
    printf("a\\n");
    int s = apply(square, 3);
    printf("%d %d\\n", s, g);
    return 0;
}
"""

SUM_LOOP = """\
#include <stdio.h>
int sum(int *v, int n)
{
    int s = 0;
    int i;
    for (i = 0; i < n; i++)
        s += v[i] * v[i];
    return s;
}
int main(void)
{
    int v[4] = {1, 2, 3, 4};
    int k;
    for (k = 1; k < 4; k++) {
        int r = sum(v, k);
        printf("%d\\n", r);
    }
    return 0;
}
"""


def test_next_stops_at_an_inlined_call_site_and_stepi_enters_it_as_gdb(tmp_path: Path) -> None:
    script = ["break main", "run", "next", "next", "bt", "stepi", "bt"]
    gdb, ours = gdb_and_ours(tmp_path, "sqloop", SQUARE_LOOP, script, "2")
    assert "13\t        sum += square(i);" in gdb, gdb
    assert ours.splitlines() == gdb.splitlines()


def test_step_into_an_inlined_call_as_gdb(tmp_path: Path) -> None:
    script = ["break main", "run", "step", "bt", "step", "bt", "step", "bt", "info frame"]
    gdb, ours = gdb_and_ours(tmp_path, "sqstep", SQUARE_LOOP, script, "2")
    assert "0x08049011 in square (x=<optimized out>) at sqstep.c:6" in gdb, gdb
    # info frame: all but the stack's addresses (the native stack is elsewhere)
    cut = gdb.index("Stack level 0")
    assert ours[:cut] == gdb[:cut]
    assert " eip = 0x804901e in main (sqstep.c:14); saved eip = " in ours, ours


def test_stepi_through_nested_inlined_calls_as_gdb(tmp_path: Path) -> None:
    script = ["break 16", "run", "bt", "stepi", "bt", "stepi", "bt", "stepi", "bt", "stepi", "bt"]
    gdb, ours = gdb_and_ours(tmp_path, "apply", APPLY, script, "2")
    assert "0x08049023 in square (x=3) at apply.c:6" in gdb, gdb
    assert ours.splitlines() == gdb.splitlines()


def test_next_out_of_an_inlined_call_to_the_callers_line_as_gdb(tmp_path: Path) -> None:
    script = ["break 16", "run", "next", "bt", "next", "next", "bt"]
    gdb, ours = gdb_and_ours(tmp_path, "applyn", APPLY, script, "2")
    assert "=====\n16\t    int s = apply(square, 3);\n" in gdb, gdb
    assert ours.splitlines() == gdb.splitlines()


def test_next_over_an_inlined_call_with_a_loop_as_gdb(tmp_path: Path) -> None:
    script = ["break main", "run", "next", "next", "next", "bt", "next", "bt", "next", "next", "step", "bt"]
    gdb, ours = gdb_and_ours(tmp_path, "sumloop", SUM_LOOP, script, "2")
    assert "=====\n15\t        int r = sum(v, k);\n=====\n16\t" in gdb, gdb
    assert ours.splitlines() == gdb.splitlines()


def test_the_same_steps_at_O0_are_unchanged(tmp_path: Path) -> None:
    script = ["break main", "run", "next", "step", "bt", "step", "bt", "next", "next", "next", "next", "bt",
              "stepi", "nexti", "bt"]
    gdb, ours = gdb_and_ours(tmp_path, "apply0", APPLY, script, "0")
    assert "square (x=3) at apply0.c:5" in gdb, gdb
    assert ours.splitlines() == gdb.splitlines()


# Nested inlined calls (main -> mid -> leaf in the loop, main -> outer -> mid -> leaf and a
# real call after it), with record full's reverse commands (gdb: break main, run, record full).
NESTED = """\
#include <stdio.h>
int g;
volatile int n = 3;
static int leaf(int x)
{
    g += x;
    return x * 3;
}
static int mid(int x)
{
    int r = leaf(x + 1);
    return r + g;
}
__attribute__((noinline)) int real(int v)
{
    printf("%d\\n", v);
    return v;
}
static int outer(int x)
{
    int m = mid(x);
    return real(m);
}
int main(void)
{
    int i, s = 0;
    for (i = 0; i < n; i++) {
        s += i;
        s += mid(i);
    }
    s += outer(s);
    printf("%d %d\\n", s, g);
    return 0;
}
"""
FORWARD = ["break main", "run", "record full"] + ["next"] * 10


def test_reverse_step_and_next_through_nested_inlined_calls_as_gdb(tmp_path: Path) -> None:
    """reverse-step where inlined calls start at the pc shows them one at a time
    (prepare_one_step), stops in an inlined call entered mid-block going back ("stepping
    through inlined function"), prints the frame where it is another inlined frame;
    reverse-next goes through them, to the call site's line."""
    script = FORWARD + ["bt"] + ["reverse-step", "bt"] * 7 + ["reverse-next", "bt"] * 4
    gdb, ours = gdb_and_ours(tmp_path, "rnest", NESTED, script, "2")
    assert "=====\n0x08049032 in mid (x=<optimized out>) at rnest.c:12\n" in gdb, gdb
    assert "=====\nmid (x=31) at rnest.c:11\n" in gdb, gdb
    assert ours.splitlines() == gdb.splitlines()


def test_reverse_finish_out_of_inlined_calls_as_gdb(tmp_path: Path) -> None:
    """reverse-finish from an inlined frame steps back in its caller: to where the call was
    entered, or, already there, to the start of the caller's previous line."""
    script = FORWARD + ["step"] * 5 + ["bt"] + ["reverse-step", "bt"] * 3 + ["reverse-finish", "bt", "step",
                                                                             "step", "bt", "reverse-finish",
                                                                             "bt", "reverse-next", "bt"]
    gdb, ours = gdb_and_ours(tmp_path, "rfin", NESTED, script, "2")
    assert "=====\nreverse-finish" not in gdb and gdb.count("=====\nmain () at rfin.c:27\n") == 2, gdb
    assert ours.splitlines() == gdb.splitlines()
