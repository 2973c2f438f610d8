"""Catchpoints (vmdebug.debugger.catchpoints) against gdb 13: what catch and tcatch say,
their info breakpoints rows, and the return and fork stops, which show the same state as
gdb's; the call stop is the state before the ``int $0x80`` (gdb's is inside the call,
which a one-step system call does not have), and going back stops at them in reverse."""
from __future__ import annotations

import re
from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

int main(void)
{
    pid_t child = fork();
    if (child == 0) {
        printf("child\\n");
        return 3;
    }
    int status;
    waitpid(child, &status, 0);
    char *p = malloc(100);
    printf("parent, child said %d\\n", WEXITSTATUS(status));
    free(p);
    return 0;
}
"""


def _same(text: str) -> str:
    return re.sub(r"process \d+", "process N", re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text))


def test_catch_commands_and_their_rows(tmp_path: Path) -> None:
    script = ["catch syscall write", "catch syscall brk write", "catch syscall", "catch syscall 4 45",
              "catch syscall nosuch", "catch syscall 9999", "catch syscall group:memory", "catch syscall g:process",
              "catch syscall group:nosuch", "catch fork", "catch vfork", "catch exec", "tcatch syscall brk",
              "catch nosuch", "catch syscall write if $eax == 4", "info breakpoints", "disable 2", "delete 3",
              "info breakpoints 1-4"]
    gdb, ours = gdb_and_ours(tmp_path, "cc", SOURCE, script, "0")
    assert "Catchpoint 6 (syscalls 'break' [17] 'brk' [45]" in gdb
    assert ours == gdb


def test_return_and_fork_stops_show_gdbs_state(tmp_path: Path) -> None:
    script = ["catch fork", "run", "bt", "info breakpoints", "delete", "catch syscall brk", "continue", "continue",
              "p $eax", "delete", "catch syscall write", "continue", "continue", "p $eax", "info program",
              "info breakpoints", "delete", "continue"]
    gdb, ours = gdb_and_ours(tmp_path, "cs", SOURCE, script, "0")

    def blocks(text: str) -> list[str]:
        """By design: the libc's sources are in the session (gdb has none), and at the fork
        gdb is inside the call (eax -ENOSYS) where vmdebug is after it (the child's pid)."""
        text = re.sub(r"(?m)^(\d+)\t(/vmdebug/libc/src/\S+: No such file or directory\.|in /vmdebug/libc/\S+|.*)$",
                      lambda m: m.group(1) + "\tSOURCE" if m.group(0).count("\t") == 1 else m.group(0), text)
        return re.sub(r"check \(ret=-?\d+\)", "check (ret=R)", _same(text)).split("=====\n")
    g, o = blocks(gdb), blocks(ours)
    assert "Catchpoint 1 (forked process N), check" in g[2] and "returned from syscall brk" in g[8]
    # the call stops (blocks 7 and 12) are the state before the int $0x80: not gdb's
    for k in (7, 12):
        assert "(call to syscall" in o[k] and "(call to syscall" in g[k]
        g[k] = o[k] = ""
    assert o == g


def test_catchpoints_stop_going_backward(tmp_path: Path) -> None:
    """gdb's record-full reports no catchpoint when replaying; vmdebug's history does."""
    import subprocess
    import sys
    (tmp_path / "cb.c").write_text(SOURCE)
    cmds = ["break 17", "run", "catch syscall brk", "reverse-continue", "p $eax", "reverse-continue", "x/i $pc",
            "p $eax", "reverse-continue", "continue", "info breakpoints"]
    args = [a for c in cmds for a in ("-ex", c)]
    out = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-O0", *args, "cb.c"], cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300).stdout
    stops = re.findall(r"Catchpoint 2 \((call to|returned from) syscall brk\)", out)
    assert stops == ["returned from", "call to", "returned from", "call to"], out
    assert "int    $0x80" in out and "catchpoint already hit 4 times" in out


SIGNALS = """\
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
static volatile int got;
static void on_usr1(int sig) { got = sig; }
int main(void)
{
    signal(SIGUSR1, on_usr1);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    printf("got %d\\n", got);
    int *p = 0;
    return *p;
}
"""


def _sources(text: str) -> str:
    """By design vmdebug shows the libc's source lines, where gdb has no file."""
    text = re.sub(r"(?m)^(\d+)\t(syscall\.c: No such file or directory\.|in syscall\.c|    return \(int\)check.*)$",
                  r"\1\tLIBC", text)
    return re.sub(r"pid=\d+", "pid=P", _same(text))


def test_signal_catchpoints_stop_where_gdbs_do(tmp_path: Path) -> None:
    """Before a handler runs, also when handle says nostop, and where a signal kills the
    program (info program then names the catchpoint)."""
    script = ["catch signal", "catch signal SIGSEGV SIGINT", "catch signal all", "catch signal 11", "catch signal 20",
              "catch signal nosuch", "catch signal all SIGSEGV", "info breakpoints", "delete", "catch signal SIGUSR1",
              "catch signal SIGSEGV", "run", "bt", "handle SIGUSR1 nostop noprint", "continue", "continue", "bt",
              "info program", "info breakpoints", "continue"]
    gdb, ours = gdb_and_ours(tmp_path, "sg", SIGNALS, script, "0")
    assert "Only signals 1-15 are valid as numeric signals." in gdb and "Catchpoint 6 (signal SIGSEGV), " in gdb
    assert _sources(ours) == _sources(gdb)
