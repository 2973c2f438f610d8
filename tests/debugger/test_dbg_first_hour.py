"""What a gdb user tries in the first hour (issue #19), against the real gdb where gdb has it:
deep backtraces, info program, $_siginfo and $_exitcode, info record's last line, run's
"Starting program:" line, history of an unknown name, and cc --help."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from dbgprogs import outputs, require_gdb, session

ROOT = Path(__file__).resolve().parents[2]

DEEP_C = """\
#include <stdio.h>

int depth(int n)
{
    if (n == 0)
        return *(volatile int *)0;
    return depth(n - 1) + 1;
}

int main(void)
{
    printf("%d\\n", depth(120));
    return 0;
}
"""

CALLS_C = """\
int g(int x) { return x * 2; }
int main(int argc, char **argv) { int a = g(1); a += g(2); return a + argc; }
"""

DEEP_SCRIPT = """\
run
bt -3
bt 2
frame 105
up
info program
p $_siginfo
p $_siginfo.si_signo
p $_siginfo.si_code
p $_siginfo._sifields._sigfault.si_addr
p/x $_siginfo._sifields._pad[0]
p $_exitcode
"""

CALLS_SCRIPT = """\
break g
run a b
info program
finish
info program
next
info program
stepi
info program
advance 2
info program
continue
p $_exitcode
info program
p $_siginfo
p $_siginfo.si_signo
"""


def _norm(text: str) -> list[str]:
    text = re.sub(r"process \d+", "process N", text)
    text = re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "0xSTACK", text)
    return [line for line in text.split("\n") if not line.startswith("warning: Error disabling")]


def _both(tmp: Path, name: str, source: str, script: str) -> tuple[list[str], list[str]]:
    """gdb on the native build and vmdebug on the source, the same command file."""
    require_gdb()
    (tmp / f"{name}.c").write_text(source)
    subprocess.run([sys.executable, "-m", "vmdebug", "cc", "--native", "-o", name, f"{name}.c"], cwd=tmp, check=True,
                   capture_output=True)
    (tmp / "cmds.gdb").write_text("".join(f"echo =====\\n\n{line}\n" for line in script.splitlines()))
    gdb = subprocess.run(["gdb", "-nx", "-batch", "-x", "cmds.gdb", f"./{name}"], cwd=tmp, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    ours = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-x", "cmds.gdb", f"{name}.c"],
                          cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300).stdout
    return _norm(gdb), _norm(ours)


def test_deep_backtrace_siginfo_and_info_program_as_gdb(tmp_path: Path) -> None:
    gdb, ours = _both(tmp_path, "deep", DEEP_C, DEEP_SCRIPT)
    assert "#119 0x0804904d in depth (n=119) at deep.c:7" in gdb
    assert "$2 = 11" in gdb and "$4 = (void *) 0x0" in gdb
    assert ours == gdb


def test_info_program_after_each_kind_of_stop_and_exitcode_as_gdb(tmp_path: Path) -> None:
    gdb, ours = _both(tmp_path, "calls", CALLS_C, CALLS_SCRIPT)
    assert "It stopped at a breakpoint that has since been deleted." in gdb
    assert "It stopped after being stepped." in gdb and "$2 = 9" in gdb
    assert ours == gdb


@pytest.fixture(autouse=False)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_info_record_says_how_the_run_ended(in_repo: None) -> None:
    dbg, cap = session("examples/null_deref.c", layout="i386")
    dbg.execute("continue")
    assert outputs(dbg, cap, "info record")[-1] == "The program was killed by SIGSEGV."
    dbg, cap = session("examples/hello.s", layout="i386")
    assert outputs(dbg, cap, "info record")[-1] == "The program has not ended yet: going forward records more."
    dbg.execute("continue")
    assert outputs(dbg, cap, "info record")[-1] == "The program exited normally."


def test_siginfo_of_a_handled_signal_is_what_the_handler_gets(in_repo: None) -> None:
    dbg, cap = session("examples/catch_segv.c", layout="i386")
    dbg.execute("break main")
    dbg.execute("run")
    # at a breakpoint gdb reads the SIGTRAP of its int3 (SI_KERNEL): as in gdb, checked
    # against it in test_scope_and_convenience_vs_gdb
    assert outputs(dbg, cap, "p $_siginfo.si_code")[0] == "$1 = 128"
    assert outputs(dbg, cap, "continue")[1] == "Program received signal SIGSEGV, Segmentation fault."
    assert outputs(dbg, cap, "info program")[1:] == ["Program stopped at 0x804905a.",
                                                     "It stopped with signal SIGSEGV, Segmentation fault."]
    assert outputs(dbg, cap, "p $_siginfo.si_code") == ["$2 = 1"]
    dbg.execute("break on_segv")
    dbg.execute("continue")
    assert outputs(dbg, cap, "p *info") [0].startswith("$3 = {si_signo = 11, si_errno = 0, si_code = 1, ")
    dbg.execute("continue")
    assert outputs(dbg, cap, "p $_siginfo._sifields._sigfault.si_addr") == ["$4 = (void *) 0x8048000"]
    assert outputs(dbg, cap, "p $_siginfo.si_code") == ["$5 = 2"]


def test_cc_help_names_the_default_output_and_takes_g(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "vmdebug", "cc", "--help"], capture_output=True, text=True,
                         cwd=ROOT, timeout=60).stdout
    assert "``" not in out and "-g" in out
    assert "without its suffix" in out and "prog.c gives prog or prog.s" in out
    (tmp_path / "p.c").write_text("int main(void) { return 0; }\n")
    done = subprocess.run([sys.executable, "-m", "vmdebug", "cc", "-g", "p.c"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "p.s").exists()


def test_history_of_an_unknown_name_is_an_error_not_address_0(in_repo: None) -> None:
    dbg, cap = session("examples/recursion_frames.c", layout="i386")
    dbg.execute("break add3")
    dbg.execute("run")
    assert outputs(dbg, cap, "history $nosuch") == ["Invalid register `nosuch'"]
    assert outputs(dbg, cap, "last-write $nosuch") == ["Invalid register `nosuch'"]
    assert outputs(dbg, cap, "history nosuch") == ['No symbol "nosuch" in current context.']
    assert outputs(dbg, cap, "history $ax")[0].startswith("The history of $ax is not kept: history and last-write "
                                                         "follow memory and the registers $eax, ")
    # gdb's x and every other command that takes an address: a void value is no address
    assert outputs(dbg, cap, "x/x $nosuch") == ["Value can't be converted to integer."]
    assert outputs(dbg, cap, "pagewalk $nosuch") == ["Value can't be converted to integer."]
    assert outputs(dbg, cap, "history $pc")[0].endswith(" writes to eip:")
    dbg.execute("set $p = &a")
    assert outputs(dbg, cap, "history $p")[0] == "4 writes to 0xbffffea4 (4 bytes):"


def test_serve_once_does_not_promise_a_next_connection(tmp_path: Path) -> None:
    import socket
    (tmp_path / "exit.s").write_text(".intel_syntax noprefix\n.globl _start\n_start:\n    mov eax, 1\n"
                                     "    mov ebx, 3\n    int 0x80\n")
    proc = subprocess.Popen([sys.executable, "-m", "vmdebug", "serve", "--gdb", "127.0.0.1:0", "--once", "exit.s"],
                            cwd=tmp_path, stderr=subprocess.PIPE, text=True,
                            env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        port = int(re.search(r"listening on 127\.0\.0\.1:(\d+)", first).group(1))   # type: ignore[union-attr]
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            conn.sendall(b"+$D#44")                     # gdb's detach
            got = b""
            while b"#" not in got or len(got) < got.index(b"#") + 3:
                more = conn.recv(64)
                assert more, got
                got += more
            assert got.startswith(b"+$OK#9a"), got
        rest = proc.communicate(timeout=60)[1]
    finally:
        proc.kill()
    assert proc.returncode == 0
    said = rest.splitlines()
    assert len(said) == 2 and said[0].startswith("vmdebug serve: gdb connected from 127.0.0.1:")
    assert said[1] == "vmdebug serve: gdb disconnected"
    assert "waiting for the next connection" not in rest


SMASH_SCRIPT = """\
break greet
run
continue
finish
info program
"""


def test_finish_out_of_a_smashed_frame_reports_the_sigsegv_as_gdb(tmp_path: Path) -> None:
    """The return address is overwritten while finish runs: gdb's momentary breakpoint at the
    caller is never reached, and the SIGSEGV at 0x41414141 is what stops it."""
    gdb, ours = _both(tmp_path, "smash", (ROOT / "examples" / "stack_smash.c").read_text(), SMASH_SCRIPT)
    assert "Program received signal SIGSEGV, Segmentation fault." in gdb and "0x41414141 in ?? ()" in gdb
    assert ours == gdb


def test_after_main_returned_bt_and_reverse_finish_agree_on_start(in_repo: None) -> None:
    """_start's `call exit` is its last instruction: the return address is the next symbol's
    first byte (add3), and gdb names the caller at pc - 1 (get_frame_address_in_block)."""
    dbg, cap = session("examples/recursion_frames.c", layout="i386")
    dbg.execute("break exit")
    dbg.execute("run")
    assert outputs(dbg, cap, "bt") == ["#0  exit (status=0) at exit.c:26",
                                       "#1  0x08049029 in _start () at /vmdebug/libc/crt0.s:32"]
    assert outputs(dbg, cap, "info symbol 0x08049029") == ["add3 in section .text"]
    assert outputs(dbg, cap, "reverse-finish") == ["_start () at /vmdebug/libc/crt0.s:32", "32\t\tcall\texit"]
    assert outputs(dbg, cap, "bt") == ["#0  _start () at /vmdebug/libc/crt0.s:32"]


def test_siginfo_exitcode_and_info_program_on_a_session_file(tmp_path: Path) -> None:
    (tmp_path / "deep.c").write_text(DEEP_C)
    (tmp_path / "calls.c").write_text(CALLS_C)
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    for name in ("deep", "calls"):
        subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", f"{name}.vmlog", f"{name}.c", "a"],
                       cwd=tmp_path, capture_output=True, timeout=300, env=env)

    def batch(session: str, *commands: str) -> list[str]:
        argv = [sys.executable, "-m", "vmdebug", "debug", "-batch"]
        for c in commands:
            argv += ["-ex", c]
        return subprocess.run([*argv, session], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=300, env=env).stdout.splitlines()
    out = batch("deep.vmlog", "continue", "info program", "p $_siginfo.si_signo", "p $_siginfo.si_code",
                "p $_siginfo._sifields._sigfault.si_addr", "p $_exitcode", "info record")
    k = out.index("\tUsing the running image of child process 1000.")
    assert out[k + 1:k + 7] == ["Program stopped at 0x804903a.", "It stopped with signal SIGSEGV, Segmentation fault.",
                                "$1 = 11", "$2 = 1", "$3 = (void *) 0x0", "$4 = void"]
    assert out[-1] == "The program was killed by SIGSEGV."
    out = batch("calls.vmlog", "info program", "continue", "p $_exitcode", "info program", "p $_siginfo",
                "info record")
    assert out[:2] == ["\tUsing the running image of child process 1000.", "Program stopped at 0x8049000."]
    assert out[2:6] == ["[Inferior 1 (process 1000) exited with code 010]", "$1 = 8",
                        "The program being debugged is not being run.", "$2 = void"]
    assert out[-1] == "The program exited with code 010."


HANDLE_SCRIPT = """\
handle SIGSEGV nostop
break main
run
continue
"""


def test_handle_nostop_still_prints_the_signal_as_gdb(tmp_path: Path) -> None:
    """nostop keeps print: gdb says "Program received signal" and passes it to the handler."""
    gdb, ours = _both(tmp_path, "cs", (ROOT / "examples" / "catch_segv.c").read_text(), HANDLE_SCRIPT)
    assert gdb.count("Program received signal SIGSEGV, Segmentation fault.") == 2
    assert ours == gdb


def test_handle_table_keeps_stop_and_print_apart(in_repo: None) -> None:
    dbg, cap = session("examples/catch_segv.c", layout="i386")
    dbg.interactive = True
    rows = [outputs(dbg, cap, f"handle SIGSEGV {w}")[1] for w in ("nostop", "noprint", "print", "stop")]
    assert rows == ["SIGSEGV       No\tYes\tYes\t\tSegmentation fault", "SIGSEGV       No\tNo\tYes\t\tSegmentation fault",
                    "SIGSEGV       No\tYes\tYes\t\tSegmentation fault", "SIGSEGV       Yes\tYes\tYes\t\tSegmentation fault"]


def test_run_stops_at_a_handled_signal_without_any_breakpoint(tmp_path: Path) -> None:
    gdb, ours = _both(tmp_path, "cs", (ROOT / "examples" / "catch_segv.c").read_text(), "run\ninfo program\nc\nc\n")
    assert gdb.count("Program received signal SIGSEGV, Segmentation fault.") == 2
    assert ours == gdb


def test_siginfo_of_abort_names_the_sender(in_repo: None) -> None:
    """abort() is kill(getpid(), SIGABRT): SI_USER, and _kill holds the sender (the process
    itself, uid 0 as AT_UID says), as the real kernel fills it in (gdb shows the same fields)."""
    dbg, cap = session("examples/heap_overflow.c", layout="i386")
    dbg.execute("continue")
    assert outputs(dbg, cap, "p $_siginfo.si_signo") == ["$1 = 6"]
    assert outputs(dbg, cap, "p $_siginfo.si_code") == ["$2 = 0"]
    assert outputs(dbg, cap, "p $_siginfo._sifields._kill") == ["$3 = {si_pid = 1000, si_uid = 0}"]


@pytest.mark.parametrize("example", ["shared_pipe", "fork_cow"])
def test_fork_notices_come_when_the_fork_happens_as_gdb(tmp_path: Path, example: str) -> None:
    """The notice comes between what the program wrote before the fork and after it."""
    gdb, ours = _both(tmp_path, example, (ROOT / "examples" / f"{example}.c").read_text(), "run\n")
    assert gdb[:2] == ["=====", "[Detaching after fork from child process N]"]
    assert ours == gdb


FORK_EXIT_C = r"""#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>
int main(void)
{
    int status = 0;
    if (fork() == 0) {
        printf("child\n");
        return 3;
    }
    wait(&status);
    printf("parent %d\n", WEXITSTATUS(status));
    return 0;
}
"""


@pytest.mark.parametrize("mode, notice", [("child", "[Inferior 2 (process N) exited with code 03]"),
                                          ("parent", "[Inferior 1 (process N) exited normally]")])
def test_the_exit_notice_is_the_followed_process_s_as_gdb(tmp_path: Path, mode: str, notice: str) -> None:
    """Following the child, gdb reports the child's exit (the detached parent runs on);
    following the parent, the parent's.  (The detached parent writes while gdb reports, even
    into the middle of its line: its output is taken out, and only the notices compared.)"""
    gdb, ours = _both(tmp_path, "forkexit", FORK_EXIT_C, f"set follow-fork-mode {mode}\nrun\n")
    gdb, ours = (["\n".join(lines).replace("parent 3\n", "").split("\n") for lines in (gdb, ours)] if mode == "child"
                 else (gdb, ours))
    assert notice in gdb, "\n".join(gdb)
    assert [ln for ln in ours if ln.startswith("[Inferior")] == [ln for ln in gdb if ln.startswith("[Inferior")]


def test_fork_notices_in_order_following_the_child(in_repo: None) -> None:
    """The child's exit is reported when it happens, before what the parent writes after it
    waited for the child, and once.  (gdb's own order here depends on when the detached
    parent runs: not compared.)"""
    dbg, cap = session("examples/fork_cow.c", layout="i386")
    dbg.execute("set follow-fork-mode child")
    assert outputs(dbg, cap, "run") == [
        "[Attaching after process 1000 fork to child process 1001]", "[New inferior 2 (process 1001)]",
        "[Detaching after fork from parent process 1000]", "[Inferior 1 (process 1000) detached]",
        "child sees 1, writes 2", "[Inferior 2 (process 1001) exited with code 03]",
        "parent sees 100, child exited with 3"]


FRAME_SELECTORS_SCRIPT = """break factorial
run
continue 3
frame function main
frame level 2
frame address $sp
frame function nosuch
frame function add3
frame f
frame address 0
info frame level 1
info frame function main
info frame
frame lev 1
select-frame 3
frame
frame 2+1
select-frame function factorial
frame
"""


def test_frame_level_address_and_function_select_as_gdb(tmp_path: Path) -> None:
    """gdb 13's frame selectors (frame_command_helper), for frame, info frame (which then
    says "Stack frame at", not "Stack level") and select-frame, with their errors."""
    require_gdb()
    (tmp_path / "recursion.c").write_text((ROOT / "examples" / "recursion_frames.c").read_text())
    subprocess.run([sys.executable, "-m", "vmdebug", "cc", "--native", "-o", "recursion", "recursion.c"],
                   cwd=tmp_path, check=True, capture_output=True)
    args = []                   # -ex each: an error does not end the commands, as it ends a -x file
    for line in FRAME_SELECTORS_SCRIPT.splitlines():
        args += ["-ex", "echo =====\\n", "-ex", line]
    gdb = _norm(subprocess.run(["gdb", "-nx", "-batch", *args, "./recursion"], cwd=tmp_path, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, timeout=120).stdout)
    ours = _norm(subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", *args, "recursion.c"],
                                cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                timeout=300).stdout)
    assert any(ln.startswith("#4 ") and " in main () " in ln for ln in gdb), gdb
    assert 'No frame for function "add3".' in gdb and "Missing function name argument" in gdb, gdb
    assert "No frame at address 0." in gdb and any(ln.startswith("Stack frame at ") for ln in gdb), gdb
    assert ours == gdb


def test_commands_that_would_change_the_past_are_refused_in_a_sentence(in_repo: None) -> None:
    """gdb's return, jump and signal change what the program does next; a recorded history
    cannot, so each says why instead of "Undefined command"."""
    dbg, cap = session("examples/recursion_frames.c", layout="i386")
    dbg.execute("break add3")
    dbg.execute("run")
    for cmd in ("return", "jump 50", "signal SIGINT"):
        cap.lines.clear()
        assert not dbg.execute(cmd)
        assert len(cap.lines) == 1 and "replays a recorded history and does not change it" in cap.lines[0], cmd
