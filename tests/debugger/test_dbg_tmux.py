"""End to end in a real terminal: tmux runs ``vmdebug debug`` on an example,
keys are typed with send-keys and the screen is read with capture-pane."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def _screen(name: str) -> str:
    return _tmux("capture-pane", "-p", "-t", name)


def _wait_for(name: str, text: str, timeout: float = 60.0, after: int = 0) -> str:
    end = time.time() + timeout
    screen = ""
    while time.time() < end:
        screen = _screen(name)
        if screen.count(text) > after:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear; screen:\n{screen}")


def test_segfault_then_step_back_in_a_terminal(tmp_path: Path) -> None:
    assert shutil.which("tmux"), "tmux is required"
    name = f"vmdbg{os.getpid()}"
    env = f"VMDEBUG_HISTORY={tmp_path / 'hist'} PYTHONPATH={ROOT}"
    cmd = f"cd {ROOT} && env {env} {sys.executable} -m vmdebug debug examples/null_deref.c"
    _tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "50", cmd)
    try:
        _wait_for(name, "(vmdebug)")
        _tmux("send-keys", "-t", name, "set context off", "Enter")
        _wait_for(name, "(vmdebug)", after=1)
        _tmux("send-keys", "-t", name, "continue", "Enter")
        screen = _wait_for(name, "Program received signal SIGSEGV, Segmentation fault.")
        assert "looking for 99..." in screen
        assert "main () at examples/null_deref.c:52" in screen or "in main () at examples/null_deref.c:52" in screen
        assert "killed by SIGSEGV" in screen          # the bottom toolbar
        _tmux("send-keys", "-t", name, "reverse-stepi", "Enter")
        _wait_for(name, "(vmdebug)", after=3)
        _tmux("send-keys", "-t", name, "bt", "Enter")
        screen = _wait_for(name, "#0  ")
        assert "in main () at examples/null_deref.c:52" in screen  # mid-line: gdb prints the address
        _tmux("send-keys", "-t", name, "explain", "Enter")
        screen = _wait_for(name, "region hit")
        assert "NULL pointer dereference" in screen
        last = [line for line in screen.splitlines() if "| main |" in line]
        assert last and "step" in last[-1]
        step, total = last[-1].split("step ")[1].split(" ")[0].split("/")
        assert int(step) == int(total) - 2          # back over the fault to the instruction before it
        _tmux("send-keys", "-t", name, "quit", "Enter")
        end = time.time() + 20
        while time.time() < end:
            if subprocess.run(["tmux", "has-session", "-t", name], capture_output=True).returncode != 0:
                break
            time.sleep(0.2)
        assert subprocess.run(["tmux", "has-session", "-t", name], capture_output=True).returncode != 0
        assert "continue" in (tmp_path / "hist").read_text()
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def test_following_a_fork_in_a_terminal(tmp_path: Path) -> None:
    assert shutil.which("tmux"), "tmux is required"
    name = f"vmfork{os.getpid()}"
    env = f"VMDEBUG_HISTORY={tmp_path / 'hist'} PYTHONPATH={ROOT}"
    cmd = f"cd {ROOT} && env {env} {sys.executable} -m vmdebug debug examples/fork_cow.c"
    _tmux("new-session", "-d", "-s", name, "-x", "160", "-y", "50", cmd)
    try:
        _wait_for(name, "(vmdebug)")
        for n, line in enumerate(["set context off", "set follow-fork-mode child", "break child"], 1):
            _tmux("send-keys", "-t", name, line, "Enter")
            _wait_for(name, "(vmdebug)", after=n)
        _tmux("send-keys", "-t", name, "run", "Enter")
        screen = _wait_for(name, "[Attaching after process 1000 fork to child process 1001]")
        screen = _wait_for(name, "Breakpoint 1, child () at examples/fork_cow.c")
        assert "pid 1001 of 2" in screen                      # the toolbar names the process
        _tmux("send-keys", "-t", name, "info inferiors", "Enter")
        screen = _wait_for(name, "* 2    process 1001")
        _tmux("send-keys", "-t", name, "inferior 1", "Enter")
        screen = _wait_for(name, "[Switching to inferior 1 [process 1000] (fork_cow.c)]")
        screen = _wait_for(name, "pid 1000 of 2")
        _tmux("send-keys", "-t", name, "quit", "Enter")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


ASK = r"""#include <stdio.h>
int main(void)
{
    char name[64];
    int n;
    printf("name? ");
    if (!fgets(name, sizeof name, stdin))
        return 1;
    printf("hello, %s", name);
    printf("number? ");
    if (scanf("%d", &n) != 1)
        return 2;
    printf("twice %d\n", 2 * n);
    return 0;
}
"""


def test_the_program_reads_the_terminal_in_the_debugger(tmp_path: Path) -> None:
    """gdb's inferior shares the terminal: run, the program's prompt, a typed line, and the
    run goes on; what was typed is in the recording (back in time, and in a saved session)."""
    assert shutil.which("tmux"), "tmux is required"
    (tmp_path / "ask.c").write_text(ASK)
    name = f"vmask{os.getpid()}"
    env = f"VMDEBUG_HISTORY={tmp_path / 'hist'} PYTHONPATH={ROOT}"
    cmd = f"cd {tmp_path} && env {env} {sys.executable} -m vmdebug debug ask.c; echo status=$?; sleep 30"
    _tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "60", cmd)

    prompts = [1]

    def command(line: str) -> str:
        """Type a debugger command and wait for the next prompt."""
        _tmux("send-keys", "-t", name, line, "Enter")
        return prompt()

    def prompt() -> str:
        prompts[0] += 1
        return _wait_for(name, "(vmdebug)", after=prompts[0] - 1)

    def typed(line: str, then: str) -> str:
        """Type a line for the program and wait for what it prints."""
        _tmux("send-keys", "-t", name, line, "Enter")
        return _wait_for(name, then)
    try:
        _wait_for(name, "(vmdebug)")
        command("set context off")
        command("break 9")
        _tmux("send-keys", "-t", name, "run", "Enter")
        screen = _wait_for(name, "name?")
        assert "Breakpoint 1," not in screen           # the program waits for its line first
        typed("Ada", "Breakpoint 1, main () at ask.c:9")
        prompt()
        _tmux("send-keys", "-t", name, "continue", "Enter")
        screen = _wait_for(name, "number?")
        assert "hello, Ada" in screen
        _tmux("send-keys", "-t", name, "C-c")          # Ctrl-C while the program waits for input
        _wait_for(name, "Program received signal SIGINT, Interrupt.")
        prompt()
        _tmux("send-keys", "-t", name, "continue", "Enter")
        _wait_for(name, "(vmdebug) continue", after=1)
        screen = typed("20", "[Inferior 1 (process 1000) exited normally]")
        assert "twice 40" in screen
        prompt()
        screen = command("reverse-continue")
        assert screen.count("Breakpoint 1, main () at ask.c:9") == 2
        screen = command("print name")
        assert '$1 = "Ada\\n", ' in screen            # the typed bytes are in the recording
        command("save ask.vmlog")
        # run again: the program reads the terminal again, and Ctrl-D is end of file.
        command("delete 1")
        _tmux("send-keys", "-t", name, "run", "Enter")
        _wait_for(name, "name?", after=1)
        _tmux("send-keys", "-t", name, "C-d")
        _wait_for(name, "[Inferior 1 (process 1000) exited with code 01]")
        prompt()
        _tmux("send-keys", "-t", name, "quit", "Enter")
        screen = _wait_for(name, "status=0")
        assert "Traceback" not in screen and "internal error" not in screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    replay = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-ex", "run", "ask.vmlog"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert "hello, Ada" in replay.stdout and "twice 40" in replay.stdout
