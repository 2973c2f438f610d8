"""Disassembly in gdb 13's default AT&T flavor and, after ``set disassembly-flavor intel``, in
Intel: ``x/i``, ``display/i $pc`` while stepping, ``disassemble`` (a function, a range), and
the setting's own words (``show``, its errors).  Against gdb on the native build of the same C
file, line for line; the program is picked to reach suffixed memory forms (``movl``,
``addl``), ``movzbl``/``movsbl``, ``cwtl``, ``cltd``/``idiv``, shifts by ``%cl``, SSE conversions,
x87 loads and stores of a long double, and a struct copy with ``rep movsl``."""
from __future__ import annotations

from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
struct pt { int x; short y; unsigned char c; };
struct big { int a[100]; };
static struct pt pts[4];
static struct big boxes[2];
long long wide = 0x123456789LL;
double ratio = 2.5;
long double ext = 1.25L;
signed char tiny = -3;
unsigned short half = 40000;
short low = -5;

int scale(int v, int k)
{
    pts[v & 3].x = v * k;
    pts[v & 3].y = (short)(v >> 2);
    pts[v & 3].c = (unsigned char)v;
    return pts[v & 3].x / (k | 1) + (int)(ratio * v) + tiny + half + low;
}

long double mix(long double a, int n)
{
    boxes[1] = boxes[0];
    return a * n + ext;
}

int main(void)
{
    int total = 0;
    for (int i = 0; i < 5; i++)
        total += scale(i, 7);
    wide <<= total & 7;
    ext = mix(ext, total);
    return total & 0x7f;
}
"""

SCRIPT = ["show disassembly-flavor", "break scale", "run", "x/3i $pc", "display/i $pc", "stepi", "si", "si 3",
          "disassemble", "undisplay 1", "x/40i main", "disassemble mix", "disassemble main,+12", "x/2i",
          "set disassembly-flavor intel", "show disassembly-flavor", "x/3i $pc", "display/i $pc", "stepi",
          "disassemble", "disassemble mix", "undisplay 2", "set disassembly-flavor a", "show disassembly",
          "x/2i $pc", "set disassembly-flavor foo", "set disassembly-flavor", "set disassembly-flavor att x",
          "show disassembly-flavor"]


def test_disassembly_reads_as_gdbs_in_both_flavors(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "flavor", SOURCE, SCRIPT)
    # The comparison means something: both flavors and the forms named above are there.
    for text in ('The disassembly flavor is "att".', 'The disassembly flavor is "intel".', "movl   $0x",
                 "cltd", "movzbl", "movsbl", "cwtl", "fldt", "rep movsl", "cvtsi2sd", "%cl,", "DWORD PTR [ebp",
                 "=> 0x", "1: x/i $pc", "<main+0>:", 'Undefined item: "foo".',
                 "Requires an argument. Valid arguments are att, intel.", 'Junk after item "att": x'):
        assert text in gdb, (text, gdb)
    assert ours.splitlines() == gdb.splitlines()
