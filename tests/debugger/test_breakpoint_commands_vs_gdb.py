"""Breakpoint command lists (``commands`` ... ``end``) run as gdb 13 runs them, from a
command file and after ``-ex`` (where gdb reads the list from stdin): ``silent`` keeps a
stop quiet (its displays too), a command that moves ends the list and the next stop's
list runs, an error drops the rest, ``info breakpoints`` lists them, a number that does
not exist reads no list, and ``end`` alone is an error."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from dbgprogs import require_gdb

SOURCE = """\
#include <stdio.h>
int counter;

int push(int v)
{
    counter += v;
    return counter;
}

int sum(int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += push(i);
    return s;
}

int main(void)
{
    int total = sum(4);
    printf("total %d\\n", total);
    return 0;
}
"""

SCRIPTS = {
    "silent_and_continue": """\
break push
commands
silent
printf "push %d -> %d\\n", v, counter
continue
end
break sum
commands 2
bt
p n
end
display counter
run
p 1
continue
info breakpoints
""",
    "errors_and_moves": """\
break sum
commands 5
commands 1
p 2
end
display counter
tbreak push
commands
silent
p v
next
p counter
end
run
info breakpoints
continue
watch counter
commands
p counter * 10
end
continue
continue
info breakpoints
commands 1-3
end
info breakpoints
""",
    "an_error_ends_the_list_and_the_file": """\
break sum
commands
p 1
p nosuch
p 2
end
run
p 3
""",
}


def _run(argv: list[str], cwd: Path) -> str:
    return subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=300).stdout


def _build(tmp: Path) -> None:
    (tmp / "bc.c").write_text(SOURCE)
    subprocess.run([sys.executable, "-m", "vmdebug", "cc", "--native", "-O", "0", "-o", "bc", "bc.c"],
                   cwd=tmp, check=True, capture_output=True)


def _same(gdb: str, ours: str) -> None:
    stack = lambda text: re.sub(r"process \d+", "process N",  # noqa: E731
                                re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text))
    assert stack(ours) == stack(gdb)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_command_lists_from_a_file_run_as_gdbs(tmp_path: Path, name: str) -> None:
    require_gdb()
    _build(tmp_path)
    (tmp_path / "cmds.gdb").write_text(SCRIPTS[name])
    gdb = _run(["gdb", "-nx", "-batch", "-x", "cmds.gdb", "./bc"], tmp_path)
    ours = _run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-O0", "-x", "cmds.gdb", "bc.c"], tmp_path)
    assert "\nBreakpoint " in gdb, gdb
    _same(gdb, ours)


def test_a_list_after_ex_is_read_from_stdin_as_gdb_reads_it(tmp_path: Path) -> None:
    require_gdb()
    _build(tmp_path)
    ex = ["-ex", "break sum", "-ex", "commands 1", "-ex", "p 5", "-ex", "end", "-ex", "run"]
    gdb = _run(["gdb", "-nx", "-batch", *ex, "./bc"], tmp_path)
    ours = _run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-O0", *ex, "bc.c"], tmp_path)
    assert "This command cannot be used at the top level." in gdb, gdb
    assert gdb.startswith("Breakpoint 1 at 0x") and ">$1 = 5\n" in gdb, gdb     # the list is empty
    _same(gdb, ours)


def test_commands_with_no_breakpoint_yet_is_gdbs_error(tmp_path: Path) -> None:
    require_gdb()
    _build(tmp_path)
    ex = ["-ex", "commands", "-ex", "p 1"]
    gdb = _run(["gdb", "-nx", "-batch", *ex, "./bc"], tmp_path)
    ours = _run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-O0", *ex, "bc.c"], tmp_path)
    assert gdb == "Argument required (one or more breakpoint numbers).\n$1 = 1\n", gdb
    assert ours == gdb


def test_dprintf_prints_and_goes_on_as_gdbs(tmp_path: Path) -> None:
    from dbgprogs import gdb_and_ours
    script = ['dprintf push,"push %d -> %d\\n", v, counter', 'dprintf bc.c:14, "i=%d s=%d\\n", i, s',
              "info breakpoints", "break main", "run", "next", "info breakpoints", "continue", "info breakpoints",
              "dprintf", "dprintf push", "dprintf push,", 'dprintf push,"x"', "dprintf push,x", "p $bpnum"]
    gdb, ours = gdb_and_ours(tmp_path, "bc", SOURCE, script, "0")
    assert "push 3 -> 3" in gdb and "dprintf        keep y" in gdb, gdb
    _same(gdb, ours)


@pytest.mark.parametrize("opt", ["0", "2"])
def test_rbreak_sets_one_breakpoint_a_function_as_gdbs(tmp_path: Path, opt: str) -> None:
    """rbreak: search_symbols' order (file, globals before statics, name), each function's
    own code (FILE:'NAME', not its inlined copies), then its declaration."""
    from dbgprogs import gdb_and_ours
    script = ["rbreak ^pu", "rbreak su.", "rbreak bc.c:ma", "info breakpoints", "rbreak nomatch_zz", "run"]
    gdb, ours = gdb_and_ours(tmp_path, "bc", SOURCE, script, opt)
    assert "int push(int);" in gdb and "static void put(" in gdb, gdb
    _same(gdb, ours)
