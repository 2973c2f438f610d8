"""getpid, kill and raise, and abort() raising SIGABRT, on the real kernel and the simulated one.

The simulated kernel has one process and no handlers: a signal whose default action
ends a process ends it (kernel/signal.c), the ignored ones do nothing, and any other
pid is ESRCH - what the real kernel does for the same program, which has no children.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from vmdebug.machine.process import Process
from vmdebug.program import load_program
from vmdebug.toolchain.native import build_native, run_native

PROGRAM = r'''#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int me = getpid(), r;
    printf("kill 0: %d\n", kill(me, 0));
    r = kill(999999, SIGTERM);
    printf("kill nobody: %d errno=%d\n", r, errno);
    printf("raise SIGCHLD: %d\n", raise(17));
    r = kill(me, 99);
    printf("bad signal: %d errno=%d\n", r, errno);
    fflush(stdout);
    if (argv[1][0] == 'a')
        abort();
    if (argv[1][0] == 't')
        raise(SIGTERM);
    return 3;
}
'''


def simulate(path: Path, arg: str) -> tuple[bytes, int, int]:
    program = load_program(str(path), "0")
    out = bytearray()
    proc = Process(program.spec, argv=[str(path), arg], layout="compat",
                   on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
    proc.run(5_000_000)
    status, signal = proc.state.exited or (-1, -1)
    return bytes(out), status, signal


@pytest.mark.parametrize("arg, signal", [("a", 6), ("t", 15), ("x", 0)])
def test_signals_to_oneself_as_on_the_real_kernel(tmp_path: Path, arg: str, signal: int) -> None:
    src = tmp_path / "sig.c"
    src.write_text(PROGRAM)
    native = run_native(build_native(src, tmp_path / "sig", "0"), [arg])
    stdout, status, sim_signal = simulate(src, arg)
    assert (native.signal or 0) == sim_signal == signal
    assert stdout == native.stdout
    assert native.stdout.decode().splitlines()[:4] == ["kill 0: 0", "kill nobody: -1 errno=3", "raise SIGCHLD: 0",
                                                       "bad signal: -1 errno=22"]
    if not signal:
        assert status == native.exit_status == 3


def test_abort_is_reported_as_sigabrt(tmp_path: Path) -> None:
    (tmp_path / "ab.c").write_text('#include <stdlib.h>\nint main(void) { abort(); }\n')
    run = subprocess.run([sys.executable, "-m", "vmdebug", "run", "ab.c"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120)
    assert run.returncode == 134
    assert run.stderr.splitlines()[0].startswith("vmdebug: program received SIGABRT (SI_USER) at step ")
    dbg = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-ex", "run", "-ex", "explain",
                          "ab.c"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert "Program received signal SIGABRT, Aborted." in dbg.stdout
    assert "  cause: the program sent itself SIGABRT with kill() (abort() raises it)" in dbg.stdout
