"""gdb's set args, run ARGS < FILE and set/unset/show environment record the program anew
with what they say; a session file's run stays as recorded."""
from __future__ import annotations

from pathlib import Path

import pytest

from dbgprogs import outputs, session

PROGRAM = r"""#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
    char line[100];
    const char *v = getenv("GREETING");
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    printf("GREETING=%s\n", v ? v : "(none)");
    while (fgets(line, sizeof line, stdin))
        printf("read: %s", line);
    return argc;
}
"""


def _program(tmp_path: Path) -> Path:
    src = tmp_path / "args.c"
    src.write_text(PROGRAM)
    (tmp_path / "in.txt").write_text("one\ntwo\n")
    return src


def test_run_with_arguments_and_input_records_anew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    dbg, cap = session(_program(tmp_path))
    shown = outputs(dbg, cap, "run")
    assert shown[-1] == "[Inferior 1 (process 1000) exited with code 01]"
    shown = outputs(dbg, cap, 'run a "b c" < in.txt')
    assert shown == ["argv[1]=a", "argv[2]=b c", "GREETING=(none)", "read: one", "read: two",
                     "[Inferior 1 (process 1000) exited with code 03]"]
    assert outputs(dbg, cap, "show args") == [
        'Argument list to give program being debugged when it is started is "a "b c" < in.txt".']
    assert dbg.header["argv"][1:] == ["a", "b c"]
    assert outputs(dbg, cap, "set environment GREETING = hello there") == []
    assert outputs(dbg, cap, "show environment GREETING") == ["GREETING = hello there"]
    assert outputs(dbg, cap, "show environment") == ["GREETING=hello there"]
    outputs(dbg, cap, "set args x")
    shown = outputs(dbg, cap, "run")
    assert shown == ["argv[1]=x", "GREETING=hello there", "[Inferior 1 (process 1000) exited with code 02]"]
    outputs(dbg, cap, "unset environment GREETING")
    assert outputs(dbg, cap, "show environment GREETING") == ['Environment variable "GREETING" not defined.']
    assert outputs(dbg, cap, "run")[-2] == "GREETING=(none)"
    assert any("not supported" in line for line in outputs(dbg, cap, "run x | cat"))
    assert any("not supported" in line for line in outputs(dbg, cap, "run > out.txt"))
    assert not (tmp_path / "out.txt").exists()
    assert any("nothere.txt" in line for line in outputs(dbg, cap, "run < nothere.txt"))


def test_a_recorded_session_keeps_its_arguments(tmp_path: Path) -> None:
    from vmdebug.debugger.commands.program_env import parse_run_args
    assert parse_run_args("a 'b c' <in.txt d") == (["a", "b c", "d"], "in.txt")
    dbg, cap = session(_program(tmp_path))
    outputs(dbg, cap, "run")
    path = tmp_path / "s.vmlog"
    outputs(dbg, cap, f"save {path}")
    replay, rcap = session(path)
    assert any("recorded session" in line for line in outputs(replay, rcap, "set args 1 2"))
    assert outputs(replay, rcap, "show args") == [
        'Argument list to give program being debugged when it is started is "".']


def test_set_stdin_gives_the_runs_to_come_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "other.txt").write_text("three\n")
    dbg, cap = session(_program(tmp_path))
    empty = "Standard input for future runs of program being debugged is empty (the program reads end of file)."
    assert outputs(dbg, cap, "show stdin") == [empty]
    assert outputs(dbg, cap, "set stdin in.txt") == []
    assert outputs(dbg, cap, "show stdin") == [
        'Standard input for future runs of program being debugged is "in.txt".']
    assert outputs(dbg, cap, "run") == ["GREETING=(none)", "read: one", "read: two",
                                        "[Inferior 1 (process 1000) exited with code 01]"]
    # A redirection in run's arguments wins over set stdin, as a shell's wins over gdb's tty.
    assert outputs(dbg, cap, "run < other.txt")[1] == "read: three"
    outputs(dbg, cap, "set stdin in.txt")
    assert outputs(dbg, cap, "show stdin")[0].endswith('is "other.txt".')
    assert outputs(dbg, cap, "run")[1] == "read: three"
    outputs(dbg, cap, "set args x")               # no redirection now: set stdin's file again
    assert outputs(dbg, cap, "run")[2] == "read: one"
    # No argument: the input vmdebug started with (here none).
    assert outputs(dbg, cap, "set stdin") == []
    assert outputs(dbg, cap, "show stdin") == [empty]
    assert outputs(dbg, cap, "run") == ["argv[1]=x", "GREETING=(none)",
                                        "[Inferior 1 (process 1000) exited with code 02]"]


def test_set_stdin_refuses_what_it_cannot_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    dbg, cap = session(_program(tmp_path))
    assert outputs(dbg, cap, "set stdin nothere.txt") == ["nothere.txt: No such file or directory."]
    assert outputs(dbg, cap, "set stdin in.txt more.txt") == ["Junk at end of arguments."]
    assert outputs(dbg, cap, "set stdin 'in.txt") == ["Cannot parse the file name: No closing quotation."]
    assert outputs(dbg, cap, "show stdin")[0].endswith("is empty (the program reads end of file).")
    path = tmp_path / "s.vmlog"
    outputs(dbg, cap, f"save {path}")
    replay, rcap = session(path)
    assert any("recorded session" in line for line in outputs(replay, rcap, "set stdin in.txt"))
    assert outputs(replay, rcap, "show stdin") == [
        "Standard input of the recorded run is in the session: the bytes the program read."]


def test_the_program_shares_the_debuggers_terminal(tmp_path: Path) -> None:
    """gdb's inferior-tty: the default (the debugger's own terminal) is the only one."""
    dbg, cap = session(_program(tmp_path))
    assert outputs(dbg, cap, "show inferior-tty") == ['Terminal for future runs of program being debugged is "".']
    assert outputs(dbg, cap, "tty") == [] and outputs(dbg, cap, "set inferior-tty") == []
    for command in ("tty /dev/pts/9", "set inferior-tty /dev/pts/9"):
        assert outputs(dbg, cap, command) == [
            "The program shares the debugger's terminal; it cannot have another "
            "(set stdin FILE gives it a file as its input)."]
