"""The prompt_toolkit REPL, driven through a pipe (no terminal needed)."""
from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from dbgprogs import PROG_S, build, session
from vmdebug.debugger.repl import DebugCompleter, Repl, context_lines, history_path, toolbar_text

SPIN_S = """\
.intel_syntax noprefix
.globl _start
.text
_start:
    inc eax
    jmp _start
"""


@pytest.fixture(scope="module")
def prog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("repl"), PROG_S, "prog")


def drive(dbg, keys: str, hist: Path, color: bool = False) -> Repl:  # type: ignore[no-untyped-def]
    with create_pipe_input() as inp:
        inp.send_text(keys)
        repl = Repl(dbg, input=inp, output=DummyOutput(), history_file=str(hist), color=color)
        repl.loop()
    return repl


def test_commands_history_file_and_enter_repeats(prog: Path, tmp_path: Path) -> None:
    dbg, cap = session(prog)
    hist = tmp_path / "hist"
    drive(dbg, "break f\rrun\rset context off\rsi\r\rp $eax\r\x04", hist)
    assert cap.lines == ["Breakpoint 1 at 0x8049003", f"Starting program: {prog} ", "",
                         "Breakpoint 1, 0x08049003 in f ()"] + \
        cap.lines[4:cap.lines.index("0x08049006 in f ()")] + \
        ["0x08049006 in f ()", "0x08049008 in f ()", "$1 = 6", "quit"]
    assert dbg.tl.cursor == 7
    saved = [line[1:] for line in hist.read_text().splitlines() if line.startswith("+")]
    assert saved == ["break f", "run", "set context off", "si", "p $eax"]
    # A new session sees the old history (Up arrow = previous command).
    dbg2, cap2 = session(prog)
    drive(dbg2, "\x1b[A\r\x04", hist)
    assert cap2.lines[0] == "$1 = 0"   # "p $eax" again, at step 0


def test_context_after_stop_highlights_changed_registers(prog: Path, tmp_path: Path) -> None:
    dbg, cap = session(prog)
    drive(dbg, "break f\rrun\rsi\r\x04", tmp_path / "h", color=True)
    text = "\n".join(cap.lines)
    assert "── registers" in text and "── code" in text and "── stack" in text
    last = text[text.rindex("0x08049006 in f ()"):]
    assert "\x1b[31m\x1b[1meax    0x00000003\x1b[0m" in last      # eax changed: 5 -> 3
    assert "ecx    0x00000000" in last and "\x1b[31m\x1b[1mecx" not in last
    assert "=> 0x08049006 <f+6>" in last


def test_context_off_and_on(prog: Path, tmp_path: Path) -> None:
    dbg, cap = session(prog)
    drive(dbg, "set context off\rsi\rshow context\r\x04", tmp_path / "h")
    assert cap.lines == ["0x08049014 in _start ()", "Context display after each stop is off.", "quit"]


def test_errors_keep_the_session(prog: Path, tmp_path: Path) -> None:
    dbg, cap = session(prog)
    drive(dbg, "nosuch\rp 1 +\rx/xw 0\rrsi\rp 2\r\x04", tmp_path / "h")
    assert cap.lines[:3] == ['Undefined command: "nosuch".  Try "help".', "A syntax error in expression, near `'.",
                             "0x0:\tCannot access memory at address 0x0"]
    assert cap.lines[3:5] == ["", "No more reverse-execution history."]
    assert "$1 = 2" in cap.lines


def test_completion(prog: Path) -> None:
    dbg, _ = session(prog)
    comp = DebugCompleter(dbg)

    def complete(text: str) -> list[str]:
        return [c.text for c in comp.get_completions(Document(text), CompleteEvent())]
    assert complete("disas") == ["disassemble"]
    assert "reverse-continue" in complete("reverse-c")
    assert complete("info reg") == ["registers"]
    assert complete("p $ea") == ["$eax"]
    assert complete("break _st") == ["_start"]
    assert complete("x/4xw &va") == ["val"]
    for line in ("alias myprint = print", "alias -a myp = print", "alias info regs2 = info registers"):
        dbg.execute(line)
    assert complete("mypr") == ["myprint"] and complete("myp") == ["myprint"]   # -a: not completed
    assert complete("info reg") == ["registers", "regs2"]


def test_toolbar(prog: Path) -> None:
    dbg, _ = session(prog)
    assert toolbar_text(dbg) == " step 0/0+ | _start | 0x0804900f | running "
    dbg.execute("continue")
    assert toolbar_text(dbg) == " step 13/13 | _start | 0x08049023 | killed by SIGSEGV "


def test_history_path_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VMDEBUG_HISTORY", str(tmp_path / "x"))
    assert history_path() == str(tmp_path / "x")
    monkeypatch.delenv("VMDEBUG_HISTORY")
    assert history_path() == os.path.join(os.path.expanduser("~"), ".vmdebug_history")


def test_ctrl_c_interrupts_a_long_continue(tmp_path: Path) -> None:
    exe = build(tmp_path, SPIN_S, "spin")
    dbg, cap = session(exe)
    with create_pipe_input() as inp:
        repl = Repl(dbg, input=inp, output=DummyOutput(), history_file=str(tmp_path / "h"), color=False)
        dbg.settings.context = False
        timer = threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT))
        timer.start()
        assert repl.run_line("continue")
        timer.join()
    assert cap.lines[:3] == ["Continuing.", "", "Program received signal SIGINT, Interrupt."]
    steps = dbg.tl.cursor
    assert steps > 1000
    assert repl.run_line("p $eax")
    assert cap.lines[-1] == f"$1 = {(steps + 1) // 2}"
    assert repl.run_line("rsi")
    assert dbg.tl.cursor == steps - 1


def test_context_lines_without_color(prog: Path) -> None:
    dbg, _ = session(prog)
    lines = context_lines(dbg, None, color=False)
    assert lines[1] == "eax    0x00000000  ecx    0x00000000  edx    0x00000000  ebx    0x00000000"
    assert lines[5] == "=> 0x0804900f <_start>       mov    $0x5,%eax"


def test_ctrl_r_searches_saved_history(prog: Path, tmp_path: Path) -> None:
    hist = tmp_path / "hist"
    hist.write_text("\n# 1\n+p 11\n\n# 2\n+p 22\n\n# 3\n+info registers eip\n")
    dbg, cap = session(prog)
    drive(dbg, "\x12p 1\r\x04", hist)       # Ctrl-R "p 1": Enter runs the line found, as readline does
    assert cap.lines == ["$1 = 11", "quit"]
    dbg, cap = session(prog)
    drive(dbg, "\x12info\r\r\x04", hist)     # the second Enter repeats it, as any Enter after a command
    assert cap.lines[0].startswith("eip ") and cap.lines[1] == cap.lines[0] and cap.lines[2] == "quit"


def test_commands_from_a_pipe_without_terminal(prog: Path) -> None:
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-m", "vmdebug", "debug", str(prog)], input="break f\nrun\np $eax\n",
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    # Commands from stdin are from_tty for gdb, even through a pipe: run says what it starts.
    assert out.stdout == f"Breakpoint 1 at 0x8049003\nStarting program: {prog} \n\nBreakpoint 1, 0x08049003 in f ()\n$1 = 5\n"


def test_enter_after_x_continues(prog: Path, tmp_path: Path) -> None:
    dbg, cap = session(prog)
    drive(dbg, "set context off\rx/2xw &val\r\r\x04", tmp_path / "h")
    assert cap.lines == ["0x804a000:\t0x00000007\t0x74206968", "0x804a008:\t0x65726568\t0x00000000", "quit"]


ROOT = Path(__file__).resolve().parents[2]


def test_completion_of_c_names_members_files_and_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    dbg, _ = session("examples/use_after_free.c", layout="i386")
    dbg.execute("break 48")
    dbg.execute("run")
    comp = DebugCompleter(dbg)

    def complete(text: str) -> list[str]:
        return [c.text for c in comp.get_completions(Document(text), CompleteEvent())]
    assert complete("p acct->") == ["name", "balance"]                 # members after ->
    assert complete("p acct->ba") == ["balance"]
    assert complete("p acct[0].na") == ["name"]                        # after .
    assert complete("p ms") == ["msg"]                                 # a local
    assert "acct" in complete("output acc")                            # a global
    assert complete("p $_si") == ["$_siginfo"] and "$xmm0" in complete("p $xm")
    assert complete("set cont") == ["context"] and complete("show detach") == ["detach-on-fork"]
    assert complete("show disas") == ["disassembly-flavor"] and complete("set disassembly-f") == ["disassembly-flavor"]
    assert complete("info brea") == ["breakpoints"]
    assert "use_after_free.c" in complete("list use_")                 # a file after list
    assert complete("break use_after_free.c:ma") == ["use_after_free.c:main"]
    assert "malloc" in complete("break mal")                           # a function
    assert complete("p acct->nosuch.") == []                           # nothing, and no error


def test_tab_completes_at_the_prompt(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import time
    monkeypatch.chdir(ROOT)
    dbg, cap = session("examples/use_after_free.c", layout="i386")
    with create_pipe_input() as inp:
        repl = Repl(dbg, input=inp, output=DummyOutput(), history_file=str(tmp_path / "h"), color=False)

        def typist() -> None:     # completion runs between keys: Enter once Tab has completed
            inp.send_text("set context off\rbreak 48\rrun\rp acct->ba\t")
            deadline = time.monotonic() + 60
            while repl.session.default_buffer.text != "p acct->balance" and time.monotonic() < deadline:
                time.sleep(0.05)
            inp.send_text("\r\x04")
        threading.Thread(target=typist, daemon=True).start()
        repl.loop()
    assert "$1 = 100" in cap.lines, cap.lines        # the line ran was "p acct->balance"


def test_messages_at_the_prompt_are_gdbs_from_a_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """What gdb prints only for a command typed at a terminal (from_tty): the program run,
    Continuing. and the ignore counts of continue N, the frame finish leaves, the note after
    bt N and info program's hint; and what a first hour hits: finish out of a smashed frame
    reports the SIGSEGV, info record after the crash, $_siginfo."""
    monkeypatch.chdir(ROOT)
    dbg, cap = session("examples/stack_smash.c", layout="i386")
    drive(dbg, "set context off\rbreak greet\rrun\rcontinue\rbt 1\rfinish\rinfo program\rinfo record\r"
               "p $_siginfo._sifields._sigfault.si_addr\rp $_siginfo.si_code\rreverse-continue\rc 3\r"
               "reverse-continue\rc 2\rdelete\rc 5\r\x04", tmp_path / "h")
    text = cap.lines
    assert text[1] == f"Starting program: {ROOT / 'examples' / 'stack_smash.c'} "
    k = text.index("(More stack frames follow...)")
    assert text[k - 1].startswith("#0  greet (name=0x")
    assert text[k + 1].startswith("Run till exit from #0  greet (name=0x")
    assert text[k + 2:k + 5] == ["hello, AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "",
                                 "Program received signal SIGSEGV, Segmentation fault."]
    assert text[k + 5] == "0x41414141 in ?? ()"
    assert "It stopped with signal SIGSEGV, Segmentation fault." in text
    assert 'Type "info stack" or "info registers" for more information.' in text
    assert "The program was killed by SIGSEGV." in text
    assert "$1 = (void *) 0x41414141" in text and "$2 = 1" in text
    said = [line for line in text if "Continuing." in line]
    assert said == ["Continuing.",                                          # continue
                    "Continuing.",                                          # reverse-continue
                    "Will ignore next 2 crossings of breakpoint 1.  Continuing.",
                    "Continuing.",      # reverse-continue: both crossings ignored, back to step 0
                    "Continuing.",      # c 2 there: no breakpoint stopped it
                    "Continuing."]      # c 5 after delete
    assert text.count("Not stopped at any breakpoint; argument ignored.") == 2
