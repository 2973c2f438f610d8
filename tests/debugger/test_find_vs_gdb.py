"""``find`` as gdb 13 runs it (findcmd.c, gdbsupport/search.cc): size letters and a
count, in either order; +LENGTH and inclusive END ranges; values whose size is their
type's (an int, a char, a cast, a variable, an array, a struct, a string with its NUL,
``{char[5]}"hello"`` without it); matches printed ``0x... <sym+off>``; ``$_`` and
``$numfound``; gdb's errors; and on memory the process has not mapped, gdb's warning
for the 16000-byte chunk it could not read - which hides even a match before the hole."""
from __future__ import annotations

import re
from pathlib import Path

from dbgprogs import gdb_and_ours, gdb_reference

SOURCE = """\
#include <string.h>
#include <stdlib.h>
char buf[64] = "hello world, hello gdb, hello";
short shorts[8] = {1, 2, 3, 1, 2, 3, 0x4142, 7};
int ints[6] = {5, 6, 7, 5, 6, 7};
long long big = 0x1122334455667788LL;
struct pt { int x, y; } pts[3] = {{1, 2}, {3, 4}, {1, 2}};
int main(void)
{
    char *heap = malloc(32);
    strcpy(heap, "heap hello");
    return heap[0] == 'h' ? 0 : 1;
}
"""

SCRIPT = [
    "break 12", "run",
    'find &buf[0], +sizeof(buf), "hello"', "p $_", "p $numfound", "p $_ - 1", "whatis $_",
    "find &buf[0], +sizeof(buf), 'h', 'e'", "find /b &buf[0], +sizeof(buf), 'h', 'e'",
    "find /2b &buf[0], +sizeof(buf), 'h'", "find /b2 buf, buf+63, 'l'", "find /b /3 buf, +64, 104",
    'find &buf, +64, {char[5]}"hello"', "find shorts, +16, (short)1", "find /h shorts, +16, 1, 2",
    "find /h shorts, +16, 0x4142", "find /w ints, +24, 5", "find ints, +24, 7", "find /hw buf, +64, 0x6c6c6568",
    "find /g &big, +8, 0x1122334455667788", "find &big, +8, big", "find pts, +24, pts[0]",
    "find &buf[0], &shorts[8], (short)3", "find /b main, +100, 0x55", "find heap, +32, \"hello\"",
    'find buf, +64, "nothere"', "p $numfound", "p $_",
    "find /1 buf, +64, 'h'", "find /0 buf, +64, 'h'", "find buf, +64, $nosuch", "find buf, +64, 104,",
    # gdb's errors
    "find", "find /x buf, +4, 1", "find /b, buf, +64, 1", "find buf", "find buf,", "find buf, +0, 1",
    "find buf, +-1, 1", "find buf+10, buf, 1", "find buf +64, 1", "find buf, +64", "find buf, +64, ",
    "find buf, +2, 5", "find buf, +64, 1,,2", "find /b buf, +64, pts[0]", "find buf, +64, nosuch",
    # the addresses are value_as_address's: a struct refused (x would take its address)
    "find pts[0], +8, 1", "find pts, pts[1], 1", "find buf, +pts, 1", "find buf, +2.9, (char)104",
    "find 1.5, +4, 1", "find -1, +4, 1", "find -8, -1, 1", "find (char*)-8, +4, 1", "find &main, +4, 1",
    # unreadable memory: gdb reads 16000 bytes (plus the pattern less one) at a time
    "find 0, +100, 1", "find 0, 100, 1", "find 0xffffff00, +0x200, 1", "find /b buf, +0x100000, 'h'",
    "find buf, +0x100000000, 1", "find /w 0x8048000, +0x20000, 0x12345678",
    "p $numfound",
    # after the exit: the program file's sections
    "continue", 'find buf, +64, "hello"', "find &buf[0], &shorts[8], (short)3",
]


def test_find_reads_as_gdbs(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "fnd", SOURCE, SCRIPT, "0")
    gdb = gdb_reference(gdb, "find")     # (a string pattern is put in the inferior's memory)
    # the comparison is worth something only if gdb itself found, missed and warned
    assert re.search(r"<buf\+24>\n1 pattern found\.", gdb), gdb
    assert "3 patterns found." in gdb and "Pattern not found." in gdb, gdb
    assert "warning: Unable to access 16000 bytes of target memory at" in gdb, gdb
    assert "Empty search range." in gdb and "Invalid size granularity." in gdb, gdb
    pid = lambda text: re.sub(r"process \d+", "process N", text)  # noqa: E731
    assert pid(ours) == pid(gdb)


def test_find_sets_numfound_and_keeps_dollar_underscore(tmp_path: Path) -> None:
    """A search that finds nothing sets $numfound to 0 and leaves $_ at the last match."""
    script = ["break 12", "run", "find /b buf, +64, 'w'", "find /b buf, +64, 'Q'", "output $numfound",
              "output $_"]
    gdb, ours = gdb_and_ours(tmp_path, "fnd2", SOURCE, script, "0")
    assert re.search(r"=====\n0=====\n\(void \*\) 0x[0-9a-f]+ <buf\+6>", gdb), gdb
    assert ours == gdb
