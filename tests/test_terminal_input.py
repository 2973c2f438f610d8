"""A program that reads its standard input from a terminal gets each line as it is typed
(tmux types it), as the tty driver hands lines over in canonical mode, and Ctrl-D ends it."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROGRAM = r"""#include <stdio.h>
int main(void)
{
    char name[64];
    int a, b;
    printf("name? ");
    if (!fgets(name, sizeof name, stdin))
        return 1;
    printf("hello, %s", name);
    printf("two numbers? ");
    if (scanf("%d %d", &a, &b) != 2)
        return 2;
    printf("sum %d\n", a + b);
    while (getchar() != EOF)
        ;
    printf("end of input\n");
    return 0;
}
"""


def _screen(name: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True).stdout


def _wait_for(name: str, text: str, timeout: float = 60.0) -> str:
    end = time.time() + timeout
    while time.time() < end:
        screen = _screen(name)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear; screen:\n{_screen(name)}")


def test_a_program_reads_the_terminal_line_by_line(tmp_path: Path) -> None:
    assert shutil.which("tmux"), "tmux is required"
    src = tmp_path / "ask.c"
    src.write_text(PROGRAM)
    name = f"vmtty{os.getpid()}"
    cmd = (f"cd {tmp_path} && env PYTHONPATH={ROOT} {sys.executable} -m vmdebug record -o ask.vmlog ask.c; "
           "echo status=$?; sleep 30")
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "30", cmd], check=True)
    try:
        _wait_for(name, "name?")
        subprocess.run(["tmux", "send-keys", "-t", name, "Ada", "Enter"], check=True)
        _wait_for(name, "two numbers?")
        subprocess.run(["tmux", "send-keys", "-t", name, "20 22", "Enter"], check=True)
        _wait_for(name, "sum 42")
        subprocess.run(["tmux", "send-keys", "-t", name, "more", "Enter"], check=True)
        subprocess.run(["tmux", "send-keys", "-t", name, "C-d"], check=True)
        screen = _wait_for(name, "status=")
        assert "hello, Ada" in screen and "end of input" in screen and "status=0" in screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    replay = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-ex", "run", "ask.vmlog"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert "hello, Ada" in replay.stdout and "sum 42" in replay.stdout     # what was typed is in the session


def _vmdebug(cwd: Path, *argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vmdebug", *argv], cwd=cwd, input=stdin, capture_output=True,
                          text=True, timeout=180, env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_stdin_file_for_run_record_and_debug(tmp_path: Path) -> None:
    """--stdin FILE replaces what each command would give the program (its own stdin, or
    the terminal in the debugger), and each command's --help says so."""
    (tmp_path / "ask.c").write_text(PROGRAM)
    (tmp_path / "in.txt").write_text("Ada\n20 22\nrest\n")
    for command in ("run", "record", "debug"):
        shown = _vmdebug(tmp_path, command, "--help").stdout
        assert "--stdin FILE" in shown and "standard input" in shown, command
    ran = _vmdebug(tmp_path, "run", "--stdin", "in.txt", "ask.c", stdin="Bob\n1 1\n")
    assert ran.returncode == 0 and "hello, Ada" in ran.stdout and "sum 42" in ran.stdout
    _vmdebug(tmp_path, "record", "-o", "ask.vmlog", "--stdin", "in.txt", "ask.c")
    replay = _vmdebug(tmp_path, "debug", "-batch", "-ex", "run", "ask.vmlog")
    assert "hello, Ada" in replay.stdout and "end of input" in replay.stdout
    debug = _vmdebug(tmp_path, "debug", "-batch", "--stdin", "in.txt", "-ex", "show stdin", "-ex", "run", "ask.c")
    assert debug.stdout.splitlines()[0] == 'Standard input for future runs of program being debugged is "in.txt".'
    assert "sum 42" in debug.stdout and "[Inferior 1 (process 1000) exited normally]" in debug.stdout
    # In batch mode the program reads nothing unless told: vmdebug's own stdin is not its input.
    batch = _vmdebug(tmp_path, "debug", "-batch", "-ex", "run", "ask.c", stdin="Bob\n")
    assert "hello" not in batch.stdout and "exited with code 01" in batch.stdout
    for command in ("run", "debug"):
        bad = _vmdebug(tmp_path, command, "--stdin", "nothere.txt", "ask.c")
        assert bad.returncode != 0 and bad.stderr == "vmdebug: nothere.txt: No such file or directory\n"
