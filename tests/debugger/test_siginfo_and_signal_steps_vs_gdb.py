"""``$_siginfo`` at stops for signals whose handler is a plain one or the default action,
after a step from such a stop, and stepping at and back across a signal's delivery,
against gdb 13 on the native build (vmdebug.debugger.siginfo, signal_steps).

The outputs are compared whole, with what differs by construction normalized: the process
id (gdb's real one, vmdebug's 1000, also inside the siginfo's ``_kill`` and as an
address), the stack's addresses, and the text of the libc's source lines (gdb has no
source for the native build's libc)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dbgprogs import gdb_and_ours

SIGS_C = """\
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

volatile int hits;
volatile int zero;

void on_sig(int sig)
{
    hits += sig;
    if (sig == SIGSEGV || sig == SIGFPE)
        _exit(hits);
}

int main(int argc, char **argv)
{
    int which = argv[1][0] - '0';
    if (argc > 2)
        signal(which == 1 ? SIGSEGV : which == 2 ? SIGFPE : which == 3 ? SIGABRT : SIGUSR1, on_sig);
    if (which == 1)
        *(volatile int *)0 = 1;
    if (which == 2)
        hits = 10 / zero;
    if (which == 3)
        abort();
    if (which == 4)
        raise(SIGUSR1);
    if (which == 5)
        kill(getpid(), SIGUSR1);
    return hits;
}
"""

AT_SIGNAL = ["run", "info program", "p $_siginfo", "p $_siginfo.si_signo", "p $_siginfo.si_code",
             "p $_siginfo._sifields._sigfault.si_addr", "ptype $_siginfo"]
AFTER_STEPI = ["stepi", "p $_siginfo", "p $_siginfo.si_signo", "stepi", "p $_siginfo", "info program"]
LIBC_AT = re.compile(r" at (syscall\.c|stdio\.c|/vmdebug/libc/[^:]+):(\d+)$")


def _norm(text: str) -> list[str]:
    """What differs by construction: the pid, stack addresses, libc source text."""
    found = re.search(r"child process (\d+)\.", text)
    if found is not None:
        pid = int(found.group(1))
        text = re.sub(rf"\b{pid}\b", "PID", text).replace(f"{pid:#x}", "0xPID")
    text = re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "0xSTACK", text)
    out: list[str] = []
    for line in text.splitlines():
        m = LIBC_AT.search(out[-1]) if out else None
        if m is not None and line.startswith(m.group(2) + "\t"):
            line = m.group(2) + "\t<libc source>"
        out.append(line)
    return out


def _compare(tmp: Path, name: str, script: list[str], args: list[str]) -> tuple[list[str], list[str]]:
    gdb, ours = gdb_and_ours(tmp, name, SIGS_C, script, "0", extra=args)
    return _norm(gdb), _norm(ours)


@pytest.mark.parametrize("which, signal, code", [
    ("1", 11, "si_code = 1"),       # SEGV_MAPERR at 0
    ("2", 8, "si_code = 1"),        # FPE_INTDIV at the idiv
    ("3", 6, "si_code = 0"),        # abort(): kill, SI_USER
    ("5", 10, "si_code = 0"),       # kill(getpid(), SIGUSR1)
])
def test_siginfo_at_a_plain_handlers_signal_and_after_stepping_into_it_as_gdb(
        tmp_path: Path, which: str, signal: int, code: str) -> None:
    """At the stop, the kernel's siginfo of the signal; one stepi later, in the handler,
    ptrace_notify's SIGTRAP (si_code 5, the process's pid); one more, the single-step trap."""
    gdb, ours = _compare(tmp_path, f"plain{which}", AT_SIGNAL + AFTER_STEPI, [which, "h"])
    text = "\n".join(gdb)
    assert f"$1 = {{si_signo = {signal}, si_errno = 0, {code}, " in text, text
    assert "$5 = {si_signo = 5, si_errno = 0, si_code = 5, _sifields = {_pad = {PID, " in text, text
    assert "int _pad __attribute__ ((vector_size(29)));" in text
    assert ours == gdb


@pytest.mark.parametrize("which", ["1", "2", "3", "4"])
def test_siginfo_at_a_fatal_signal_and_once_the_process_is_gone_as_gdb(tmp_path: Path, which: str) -> None:
    gdb, ours = _compare(tmp_path, f"fatal{which}", AT_SIGNAL + ["stepi", "p $_siginfo", "info program"], [which])
    text = "\n".join(gdb)
    assert "The program no longer exists." in text and "$5 = void" in text, text
    assert "The program being debugged is not being run." in text
    assert ours == gdb


@pytest.mark.parametrize("command", ["next", "step"])
def test_step_and_next_at_a_signal_stop_stop_at_the_handlers_first_instruction_as_gdb(
        tmp_path: Path, command: str) -> None:
    script = ["run", "info program", command, "bt", "p $_siginfo.si_code", "info program", "next", "bt"]
    gdb, ours = _compare(tmp_path, f"into{command}", script, ["1", "h"])
    assert "on_sig (sig=11) at into" + command + ".c:9" in "\n".join(gdb), gdb
    assert ours == gdb


def test_reverse_stepi_back_to_a_signal_reports_it_as_gdbs_replay(tmp_path: Path) -> None:
    """record full's replay stops on the log entry that holds the signal, and says so.
    There gdb's $_siginfo is the live process's (where the recording ends: the SIGTRAP of
    the step into the handler); vmdebug's is the signal's, the one the position had."""
    script = ["break main", "run", "record full", "continue", "stepi", "p $_siginfo.si_signo",
              "reverse-stepi", "bt", "info program", "p $_siginfo.si_signo", "p $_siginfo.si_code"]
    gdb, ours = _compare(tmp_path, "back", script, ["1", "h"])
    text = "\n".join(gdb)
    assert text.count("Program received signal SIGSEGV, Segmentation fault.") == 2, text
    assert gdb[-3:] == ["$2 = 5", "=====", "$3 = 5"], gdb
    assert ours[-3:] == ["$2 = 11", "=====", "$3 = 1"], ours
    assert ours[:-3] == gdb[:-3]


def test_reverse_next_runs_back_into_the_signals_stop_as_gdb(tmp_path: Path) -> None:
    script = ["break main", "run", "record full", "continue", "next", "next", "reverse-next", "bt",
              "info program"]
    gdb, ours = _compare(tmp_path, "backn", script, ["5", "h"])
    assert "\n".join(gdb).count("Program received signal SIGUSR1") == 2, gdb
    assert ours == gdb
