"""gdb's internal functions ($_strlen, $_streq, $_memeq, $_regex, $_as_string, $_isvoid,
$_caller_is & co) answer as gdb 13's do, errors included (Python's words where gdb's are
Python functions), in print, whatis, ptype, breakpoint conditions and displays."""
from __future__ import annotations

import re
from pathlib import Path

from dbgprogs import gdb_and_ours, gdb_reference

SOURCE = """\
#include <stdio.h>
struct person { const char *name; int age; };
enum color { RED, GREEN = 5, BLUE };
struct person people[3] = {{"ann", 20}, {"bob", 22}, {"cy", 30}};
unsigned char bytes[4] = {0xde, 0xad, 0xbe, 0xef};
int grid[2][3] = {{1, 2, 3}, {4, 5, 6}};

int greet(const struct person *p)
{
    return printf("hello %s\\n", p->name);
}

int visit(const struct person *p, int depth)
{
    return depth ? visit(p, depth - 1) : greet(p);
}

int main(void)
{
    enum color col = GREEN;
    float fl = 0.1f;
    for (int i = 0; i < 3; i++)
        visit(&people[i], i);
    return col + (int)fl;
}
"""

CALLS = ['p $_strlen("abc")', "p $_strlen(people[0].name)", 'p $_streq(people[1].name, "bob")',
         'p $_streq(people[1].name, "ann")', "p $_memeq(&people[0], &people[0], 8)", 'p $_memeq(bytes, "\\xde\\xad", 2)',
         'p $_memeq(people[0].name, "ann", 4)', 'p $_memeq(people[0].name, "anx", 3)', "p $_memeq(bytes, bytes, -1)",
         "p $_memeq(bytes, bytes, 0)", 'p $_regex(people[0].name, "^a.n$")', 'p $_regex(people[0].name, "n")',
         'p $_regex(people[0].name, "[")', "p $_as_string(col)", "p $_as_string(5)", "p $_as_string(people[0].name)",
         "p $_as_string(people[1])", "p $_as_string(fl)", "p $_as_string(main)", 'p $_as_string("ab")',
         "p $_as_string('a')", "p $_as_string(col)[1]", "p $_isvoid($nosuch)", "p $_isvoid(1)", "p $_isvoid($_streq)",
         "p $_streq", "whatis $_strlen", "ptype $_streq", 'whatis $_strlen("abc")', 'p sizeof($_strlen("abc"))',
         "whatis $_as_string(col)", 'p $_strlen("abc") + 1', "p $_strlen(bytes)", "p $_strlen(grid)", "p $_strlen(0)",
         "p $_strlen((char*)0)", "p $_strlen()", "p $_strlen(1, 2)", 'p $_streq("a")', "p $_memeq(1, 2)",
         'p $_regex("a")', "p $_as_string()", "p $_isvoid(1, 2)", "p $_isvoid()", "p $_nosuchfn(1)",
         'p $_caller_is("main")', 'p $_caller_is("main", 0)', 'p $_caller_is("main", -1)', 'p $_any_caller_is("main")',
         'p $_caller_matches("ma", 0)', 'p $_any_caller_matches("^m", 3)', "p $_caller_is()", "p $_any_caller_is(1)",
         "set $_strlen = 5", "p $_strlen"]


def test_internal_functions_answer_as_gdbs(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "fn", SOURCE, ["break 24", "run", *CALLS], "0")
    gdb = gdb_reference(gdb, "internal_functions")     # ($_memeq's literal buffers)
    assert "<internal function _streq>" in gdb and "_StrLen.invoke() missing 1 required positional argument" in gdb
    stack = lambda text: re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text)  # noqa: E731
    assert stack(ours) == stack(gdb)


def test_internal_functions_in_conditions_and_displays(tmp_path: Path) -> None:
    script = ['break greet if $_streq(p->name, "bob")', "run", "bt", "p p->name",
              'break greet if $_any_caller_is("visit", 3) && $_regex(p->name, "^c")', "continue", "bt",
              "display $_strlen(p->name)", "display $_as_string(*p)", "info display", "delete", "continue"]
    gdb, ours = gdb_and_ours(tmp_path, "fc", SOURCE, script, "0")
    assert "hello ann\n\nBreakpoint 1, greet" in gdb and '"bob"' in gdb    # the condition skipped ann
    assert re.sub(r"process \d+", "process N", ours) == re.sub(r"process \d+", "process N", gdb)
