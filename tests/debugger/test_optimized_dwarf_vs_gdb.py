"""What gcc -O2's DWARF says about variables it optimised, against gdb 13 on the native build:
a pointer to a local that lives only in registers (DW_OP_implicit_pointer, DWARF 5
2.6.1.1.4) prints as ``<synthetic pointer>`` and dereferences to the local; a struct whose
members are computed on a typed DWARF stack (DW_OP_convert, DW_OP_stack_value pieces)
prints its values; ``&`` of a variable that is not in memory says so in
address_of_variable's words; ``X@entry`` and the frame lines' ``n=n@entry=5`` come from
the caller's DW_TAG_call_site_parameter records, or say which link is missing."""
from __future__ import annotations

from pathlib import Path

from dbgprogs import gdb_and_ours

POINTERS = """\
#include <stdio.h>
struct pt { int x, y; };
struct span { long long lo; int mid; char tag; };
volatile int seed = 1;

__attribute__((noinline)) int use(int v) { printf("%d\\n", v); return v + 1; }

__attribute__((noinline)) int work(int a, int b) {
    struct pt p = {a, b};
    struct pt *pp = &p;
    struct span s = {a * 1000000007LL, b, 'k'};
    int arr[3] = {a, b, a + b};
    int k = use(pp->x + pp->y);
    k += use(arr[2] * 2);
    k += use((int)(s.lo >> 3) + s.mid + s.tag);
    return k + a;
}

int main(void) {
    return work(seed + 2, seed * 7) & 1;
}
"""


def test_implicit_pointers_and_typed_stack_values_as_gdb(tmp_path: Path) -> None:
    script = ["break 15", "run", "info locals", "p pp", "p *pp", "p pp->x", "p pp->y", "p pp[0]", "p pp+1",
              "p pp == 0", "p/x pp", "output pp", "p &*pp", "p &pp->x", "whatis *pp", "ptype pp", "p s",
              "p s.lo", "p s.tag", "p/x s", "p &p", "p &pp", "p &s", "p &s.lo", "whatis &p", "p sizeof(&p)",
              "p *&p", "p &arr", "p &k", "bt full"]
    gdb, ours = gdb_and_ours(tmp_path, "synth", POINTERS, script, "2")
    assert "$1 = (struct pt *) <synthetic pointer>" in gdb and "pp = <synthetic pointer>" in gdb, gdb
    assert "s = {lo = 3000000021, mid = 7, tag = 107 'k'}" in gdb, gdb
    assert "Can't take address of \"p\" which isn't an lvalue." in gdb, gdb
    assert ours.splitlines() == gdb.splitlines()


ADDRESSES = """\
#include <stdio.h>
struct pt { int x, y; };
volatile int seed = 3;
int main(void) {
    struct pt p = {seed, seed * 2};
    int arr[2] = {seed, 4};
    register int r = seed + 1;
    printf("%d %d %d\\n", p.x + p.y, arr[0] + arr[1], r);
    return 0;
}
"""


def test_address_of_variables_at_O0_as_gdb(tmp_path: Path) -> None:
    script = ["break 8", "run", "p &p == &p", "p *&p", "p (&arr)[0]", "p &*&p.y == &p.y", "whatis &p",
              "whatis &r", "p &*5", "p &seed == &seed"]
    gdb, ours = gdb_and_ours(tmp_path, "addr0", ADDRESSES, script, "0")
    assert ours.splitlines() == gdb.splitlines()


ENTRY = """\
#include <stdio.h>
static int sink;
volatile int seed = 1;
__attribute__((noinline)) static int leaf(int n, int m) {
    n = n * 7 + sink;
    sink += n;
    printf("%d\\n", n);
    return sink + m;
}
__attribute__((noinline)) static int gone(int n) {
    printf("x\\n");
    return 3;
}
__attribute__((noinline)) static int rec(int d) {
    if (d > 0)
        return rec(d - 1) + 1;
    printf("bottom\\n");
    return 0;
}
__attribute__((noinline)) int onstack(int a, int b) {
    printf("%d\\n", a + b);
    return a * b;
}
__attribute__((noinline)) int input(void) { return seed; }
int main(void) {
    int s = input();
    int r = leaf(s + 4, s);
    int k = 5;
    r += gone(s);
    r += rec(s + 1);
    r += onstack(s + 2, s * 7);
    return (r + k) & 1;
}
"""


def test_entry_values_as_gdb(tmp_path: Path) -> None:
    script = ["break 7", "break 11", "break 17", "break onstack", "run", "bt", "p n@entry",
              "p n", "p m@entry", "p n @entry", "p n@ entry", "whatis n@entry", "p n@entry + 1", "p sink@entry",
              "p zz@entry", "p n@entry2", "continue", "bt", "p n@entry", "p n", "continue", "bt", "p d@entry",
              "up", "p d@entry", "continue", "p a@entry", "p b@entry", "info args", "up", "p k@entry"]
    gdb, ours = gdb_and_ours(tmp_path, "entry", ENTRY, script, "2")
    assert "leaf (n=35, n@entry=5, m=m@entry=1)" in gdb and "gone (n=1)" in gdb, gdb
    assert "Cannot find matching parameter at DW_TAG_call_site" in gdb, gdb
    assert ours.splitlines() == gdb.splitlines()
