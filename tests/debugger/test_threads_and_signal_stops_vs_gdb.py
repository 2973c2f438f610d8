"""``info threads``, and the registers a signal leaves at a system call, against gdb 13 on
the native build.

``info threads``: a stopped process is one thread with
its frame (the innermost, whatever frame is selected), and a process that exited has none.
The thread's name is the executable's (gdb reads the task's comm), which differs by
construction here (``prog`` natively, ``prog.c`` simulated): it is compared as NAME.

The abort() stop also checks the registers the signal leaves: kill(2) has returned 0 in
eax when its signal is delivered (on the way out of the system call)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from dbgprogs import gdb_and_ours, require_gdb

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = ["break main", "run", "info threads", "continue", "info threads", "frame 2", "info threads",
          "info registers eax", "p $eax"]


def test_info_threads_reads_as_gdbs(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "prog", (ROOT / "examples" / "heap_overflow.c").read_text(), SCRIPT)

    def norm(text: str) -> list[str]:
        text = re.sub(r'process \d+ "[^"]*"', "process N NAME", text)
        text = re.sub(r"pid=\d+", "pid=N", text)
        text = re.sub(r"Target Id +Frame", "Target Id Frame", text)       # its width follows the name
        return [ln for ln in text.splitlines() if not ln.startswith(("156\t", "40\t"))]   # source lines
    assert "* 1    process" in gdb and "Program received signal SIGABRT" in gdb, gdb
    assert norm(ours) == norm(gdb)
    assert "No threads." in subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-ex", "run", "-ex",
                                            "info threads", str(ROOT / "examples" / "hello.s")],
                                           cwd=tmp_path, capture_output=True, text=True, timeout=300).stdout


PIPE_C = """\
#include <unistd.h>
int main(void)
{
    int fds[2];
    pipe(fds);
    close(fds[0]);
    write(fds[1], "x", 1);
    return 0;
}
"""


def test_a_write_to_a_closed_pipe_dies_with_its_minus_epipe_in_eax_as_in_gdb(tmp_path: Path) -> None:
    """SIGPIPE is delivered on the way out of write(2), which returned -EPIPE."""
    require_gdb()
    (tmp_path / "pipe.c").write_text(PIPE_C)
    subprocess.run([sys.executable, "-m", "vmdebug", "cc", "--native", "-o", "pipe", "pipe.c"], cwd=tmp_path,
                   check=True, capture_output=True)
    args = ["-ex", "run", "-ex", "info registers eax", "-ex", "p $_siginfo.si_signo"]
    gdb = subprocess.run(["gdb", "-nx", "-batch", *args, "./pipe"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120).stdout
    ours = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", *args, "pipe.c"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300).stdout
    assert "Program received signal SIGPIPE, Broken pipe." in gdb, gdb
    assert [ln for ln in ours.splitlines() if ln.startswith(("eax", "$1"))] == \
           [ln for ln in gdb.splitlines() if ln.startswith(("eax", "$1"))] == ["eax            0xffffffe0          -32",
                                                                               "$1 = 13"]


FLAGS_C = r"""#include <string.h>
int main(int argc, char **argv)
{
    if (argc > 2)
        __asm__ volatile("xor eax,eax\n\tud2" ::: "eax");
    if (argc > 1 && !strcmp(argv[1], "div"))
        __asm__ volatile("xor edx,edx\n\tmov eax,1\n\txor ecx,ecx\n\tdiv ecx" ::: "eax", "ecx", "edx");
    if (argc > 1 && !strcmp(argv[1], "trap"))
        __asm__ volatile("xor eax,eax\n\tint3" ::: "eax");
    __asm__ volatile("xor eax,eax\n\tmov eax,[eax]" ::: "eax");
    return 0;
}
"""


def test_a_fault_leaves_rf_set_and_a_trap_eip_past_it_as_in_gdb(tmp_path: Path) -> None:
    """A fault-class exception (#PF, #DE, #UD) pushes eflags with RF set, which the dead
    process keeps (SDM vol. 3A, 17.3.1.1); int3 is a trap: no RF, and eip is past it.  The
    flags come from an `xor` just before, so they do not depend on stack addresses."""
    require_gdb()
    (tmp_path / "flags.c").write_text(FLAGS_C)
    subprocess.run([sys.executable, "-m", "vmdebug", "cc", "--native", "-o", "flags", "flags.c"], cwd=tmp_path,
                   check=True, capture_output=True)
    for args in ("", "div", "trap", "ud x"):
        cmds = ["-ex", f"run {args}".strip(), "-ex", "info registers eflags", "-ex", "p $pc", "-ex", "p $_siginfo.si_signo"]
        gdb = subprocess.run(["gdb", "-nx", "-batch", *cmds, "./flags"], cwd=tmp_path, capture_output=True, text=True,
                             timeout=120).stdout
        ours = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", *cmds, "flags.c"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300).stdout
        pick = lambda text: [ln for ln in text.splitlines() if ln.startswith(("eflags", "$"))]  # noqa: E731
        assert len(pick(gdb)) == 3 and ("RF" in pick(gdb)[0]) == (args != "trap"), gdb
        assert pick(ours) == pick(gdb), args


QUIET_C = r"""#include <signal.h>
#include <stdio.h>
static volatile int got;
static void on(int sig) { got = sig; }
int main(void)
{
    signal(SIGALRM, on);
    signal(SIGUSR1, on);
    raise(SIGALRM);
    printf("after alarm %d\n", got);
    raise(SIGUSR1);
    printf("after usr1 %d\n", got);
    return 0;
}
"""


def test_signals_gdb_leaves_quiet_do_not_stop_and_info_signals_says_so(tmp_path: Path) -> None:
    """gdb stops at no SIGALRM, SIGCHLD, SIGWINCH... by default (they are not errors); a
    handled SIGALRM runs unannounced, a SIGUSR1 stops before its handler."""
    script = ["info signals SIGALRM", "info signals SIGCHLD", "info signals SIGUSR1", "info signals SIGINT",
              "info handle SIGTRAP", "info signals 11", "info signals 99", "info signals SIGFOO",
              "info sharedlibrary", "run", "continue",
              "handle SIGALRM stop print", "info signals SIGALRM"]
    gdb, ours = gdb_and_ours(tmp_path, "quiet", QUIET_C, script)
    assert "SIGALRM       No\tNo\tYes\t\tAlarm clock" in gdb and "Program received signal SIGUSR1" in gdb, gdb
    assert "Program received signal SIGALRM" not in gdb
    norm = lambda text: [ln for ln in re.sub(r"(process |pid=)\d+", r"\1N", text).splitlines()  # noqa: E731
                         if not ln.startswith("156\t")]       # the libc's source line (not shipped natively)
    assert norm(ours) == norm(gdb)
