"""Signal handlers: signal and sigaction (with and without SA_SIGINFO) catch SIGSEGV, and a
handler may longjmp out of it; SIG_IGN ignores, SIG_DFL kills - as on the real kernel. In the
debugger, bt shows the trampoline as gdb does: `<signal handler called>`, then the
interrupted frame."""
from __future__ import annotations

from pathlib import Path

from dbgprogs_path import gdb_batch, outputs, session
from vmdebug.machine.process import Process
from vmdebug.program import load_program
from vmdebug.toolchain.native import build_native, run_native

PROGRAM = Path(__file__).parent / "programs" / "signal_handlers.c"


def test_handlers_run_as_on_the_real_kernel(tmp_path: Path) -> None:
    for opt in ("0", "2"):
        native = run_native(build_native(PROGRAM, tmp_path / f"sig{opt}", opt))
        assert native.signal == 10 and "caught 2 times" in native.stdout.decode()
        out = bytearray()
        proc = Process(load_program(str(PROGRAM), opt).spec, argv=["sig"],
                       on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
        proc.run(10_000_000)
        assert out.decode() == native.stdout.decode()
        assert proc.state.exited == (128 + 10, 10)


def test_a_handler_learns_who_sent_its_signal_as_on_the_real_kernel(tmp_path: Path) -> None:
    """si_pid of kill() and of a broken pipe's SIGPIPE is the sender; a handled SIGPIPE runs
    after write() returned -1, an ignored one leaves just EPIPE."""
    program = PROGRAM.parent / "siginfo_sender.c"
    for opt in ("0", "2"):
        native = run_native(build_native(program, tmp_path / f"sender{opt}", opt))
        assert native.exit_status == 0 and "pipe: signo 13, code 0, from me 1" in native.stdout.decode()
        assert "ignored: -1, EPIPE 1, signo 0" in native.stdout.decode()
        out = bytearray()
        proc = Process(load_program(str(program), opt).spec, argv=["sender"],
                       on_output=lambda fd, data: out.extend(data) if fd == 1 else None)
        proc.run(10_000_000)
        assert out.decode() == native.stdout.decode()
        assert proc.state.exited == (0, 0)


def test_bt_through_a_signal_handler_as_gdb_shows_it(tmp_path: Path) -> None:
    exe = build_native(PROGRAM, tmp_path / "sig", "0")
    commands = ["break on_segv", "run", "bt"]
    real = gdb_batch(exe, commands, PROGRAM.parent,
                     ["handle SIGSEGV nostop noprint pass", "handle SIGUSR1 nostop noprint pass"])
    dbg, cap = session(PROGRAM)
    assert outputs(dbg, cap, "handle SIGSEGV nostop noprint pass") == []
    outputs(dbg, cap, "handle SIGUSR1 nostop noprint pass")
    ours = [line for c in commands for line in outputs(dbg, cap, c)]
    want = [line for line in real.splitlines() if line.startswith(("#1", "#2"))]
    assert want[0] == "#1  <signal handler called>" and want[1].endswith(" in main () at signal_handlers.c:33")
    assert [line for line in ours if line.startswith(("#1", "#2"))] == want, (ours, real)
    assert outputs(dbg, cap, "frame 2")[-1].startswith("33\t")
    assert outputs(dbg, cap, "print p")[-1] == "$1 = (int *) 0x10"


def test_a_handled_signal_stops_first_as_in_gdb(tmp_path: Path) -> None:
    """gdb's default (handle SIG stop print pass): the debugger stops where the signal
    arrives, before the handler; continue then runs the handler."""
    exe = build_native(PROGRAM, tmp_path / "sig", "0")
    commands = ["break on_segv", "run", "continue", "continue"]
    real = gdb_batch(exe, commands, PROGRAM.parent)
    dbg, cap = session(PROGRAM)
    ours = "\n".join(line for c in commands for line in outputs(dbg, cap, c))

    def said(text: str) -> list[str]:
        return [ln for ln in text.splitlines() if ln.startswith(("Program received", "Breakpoint 1,"))]
    ours_said = [ln.split(" (")[0] for ln in said(ours)]      # the handler's pointer arguments differ
    assert ours_said == [ln.split(" (")[0] for ln in said(real)], (ours, real)
    assert ours_said[:2] == ["Program received signal SIGUSR1, User defined signal 1.",
                             "Program received signal SIGSEGV, Segmentation fault."]


def test_an_argument_past_the_trampoline_is_read_from_its_own_frame(tmp_path: Path) -> None:
    """Frame 2 (check, inlined in kill) keeps its argument in eax: the interrupted eax, 0
    (kill returned 0), not the handler's (the signal number), as gdb reads it."""
    exe = build_native(PROGRAM, tmp_path / "sig", "0")
    commands = ["break on_usr1", "run", "bt"]
    real = gdb_batch(exe, commands, PROGRAM.parent, ["handle SIGUSR1 nostop noprint pass"])
    dbg, cap = session(PROGRAM)
    outputs(dbg, cap, "handle SIGUSR1 nostop noprint pass")
    ours = [line for c in commands for line in outputs(dbg, cap, c)]
    want = next(line for line in real.splitlines() if line.startswith("#2"))
    assert want == "#2  check (ret=0) at /vmdebug/libc/src/sys.h:50"
    assert want in ours, ours
