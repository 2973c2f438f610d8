"""``ptype/o``: each member's offset and size, the holes and the padding, as gdb 13's
print_offset_data prints them (bit-fields, nested and anonymous structs and unions, an
array of anonymous structs, a typedef'd struct that is not expanded, a pointer to a
struct without the header), compared with the real gdb."""
from __future__ import annotations

from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
typedef struct { int a; char b; } pair_t;
struct inner { char c; short s; };
struct tree {
    int key;
    char tag;
    struct tree *left;
    double weight;
    unsigned flag : 1;
    unsigned mode : 3;
    struct inner in;
    union { int i; char b[6]; } u;
    char tail;
};
struct deep {
    char c;
    union {
        int i;
        struct { char x; int y; } s;
    };
    pair_t p;
    struct { short h; char k; } arr[2];
    unsigned long long big : 40;
    unsigned small : 5;
    char *name;
    long double ld;
    char end;
};
struct tree t;
union u2 { char a; long long b; } uu;
struct deep d, darr[2];
pair_t pr;
int main(void) { return t.key + uu.a + d.c + darr[1].c + pr.a; }
"""

SCRIPT = ["ptype/o struct tree", "ptype/o struct inner", "ptype/o union u2", "ptype/o t", "ptype/o int",
          "ptype /o struct deep", "ptype/o struct tree *", "whatis/o t", "ptype/o uu", "ptype/o darr",
          "ptype/o d.arr", "ptype/o pair_t", "ptype/o pr", "ptype/q t", "ptype/r t", "ptype/o 1"]


def test_ptype_offsets_read_as_gdbs(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "po", SOURCE, SCRIPT, "0")
    assert "/* XXX  4-bit hole       */" in gdb and "/* XXX  3-byte padding   */" in gdb, gdb
    assert ours == gdb
