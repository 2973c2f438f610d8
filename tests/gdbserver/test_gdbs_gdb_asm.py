"""The real gdb against ``vmdebug serve`` on assembly: a recorded session replayed, the end of a
run that exits (output, replaylog:end, the exit status), the beginning of history; and the CLI."""
from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from gdbsutil import ENV, EXIT_S, SPIN_S, ServeProcess, gdb, vmdebug, write_program

EXIT_LINE = EXIT_S.splitlines().index("    int 0x80", EXIT_S.splitlines().index("    mov ebx, 3")) + 1


class Env:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.src, self.elf = write_program(tmp, "exit.s", EXIT_S)
        res = vmdebug(tmp, "record", "-o", "exit.vmlog", "exit.s", check=False)
        assert res.returncode == 3, res.stderr                  # the program's own exit status
        self.live = ServeProcess(tmp, "exit.s")
        self.session = ServeProcess(tmp, "exit.vmlog")

    def close(self) -> None:
        self.live.close()
        self.session.close()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    e = Env(tmp_path_factory.mktemp("gdbasm"))
    yield e
    e.close()


def _hits(out: str) -> list[tuple[str, str]]:
    return re.findall(r"Hardware watchpoint \d+: \*\(int \*\)&counter\n\nOld value = (\d+)\nNew value = (\d+)", out)


@pytest.mark.parametrize("which", ["live", "session"])
def test_watch_both_ways_then_the_end_of_the_run(env: Env, which: str) -> None:
    server = env.live if which == "live" else env.session
    out = gdb(env.elf, server.port, "watch *(int *)&counter", "continue", "continue", "reverse-continue",
              "info registers eip", "delete", "continue", "p $pc", "x/i $pc", "continue", "info registers",
              cwd=env.tmp)
    assert _hits(out) == [("0", "1"), ("1", "2"), ("2", "1")]
    # The run ends with exit(3): first the end of history, just before the exit system call ...
    assert "ok\n" in out                                           # the program's output (gdb's stderr)
    assert f"\nNo more reverse-execution history.\n_start () at exit.s:{EXIT_LINE}\n{EXIT_LINE}\t    int 0x80" \
        in out
    assert re.search(r"=> 0x[0-9a-f]+ <_start\+\d+>:\tint    \$0x80", out)
    # ... then the exit itself, after which the process is gone for gdb.
    assert "[Inferior 1 (process 1000) exited with code 03]" in out
    assert "The program has no registers now." in out


def test_reverse_at_the_start_of_history(env: Env) -> None:
    out = gdb(env.elf, env.session.port, "reverse-stepi", "reverse-continue", "stepi", "p $pc", "reverse-stepi",
              "p $pc", "info threads", cwd=env.tmp)
    assert out.count("\nNo more reverse-execution history.\n_start () at exit.s:16\n") == 2
    pcs = [int(x, 16) for x in re.findall(r"\(\*\)\(\)\) (0x[0-9a-f]+) <", out)]
    assert pcs[0] == pcs[1] + 5                                   # mov ecx, 5 is 5 bytes long
    assert re.search(r"\* 1    Thread 1000\.1000 \(step 0\) _start \(\) at exit\.s:16", out)


def test_gdb_cannot_edit_history(env: Env) -> None:
    out = gdb(env.elf, env.live.port, "set var $eax = 5", "set var *(int *)&counter = 9", "p *(int *)&counter",
              "jump *0", cwd=env.tmp)
    assert 'Could not write register "eax"' in out
    assert "Cannot access memory at address 0x" in out
    assert "$1 = 0" in out


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    def serve(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "vmdebug", "serve", *args], capture_output=True, text=True,
                              cwd=tmp_path, env=ENV, timeout=60)
    res = serve("--gdb", "localhost:http", "x.s")
    assert res.returncode == 1 and res.stderr.startswith("vmdebug: --gdb localhost:http: expected HOST:PORT")
    assert len(res.stderr.splitlines()) == 1
    res = serve("--gdb", ":0", "missing.s")
    assert res.returncode == 1 and len(res.stderr.splitlines()) == 1 and "missing.s" in res.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        (tmp_path / "exit.s").write_text(EXIT_S)
        res = serve("--gdb", f"127.0.0.1:{port}", "exit.s")
    assert res.returncode == 1
    assert res.stderr == f"vmdebug: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_once_exits_after_the_first_client(env: Env) -> None:
    server = ServeProcess(env.tmp, "exit.vmlog", "--once")
    out = gdb(env.elf, server.port, "stepi", cwd=env.tmp)
    assert "_start" in out
    assert server.proc.wait(timeout=20) == 0


def test_ctrl_c_interrupts_gdbs_continue(tmp_path: Path) -> None:
    """gdb's own SIGINT handling (sent to gdb after a second) becomes 0x03 on the wire."""
    _, elf = write_program(tmp_path, "spin.s", SPIN_S)
    server = ServeProcess(tmp_path, "spin.s")
    try:
        out = gdb(elf, server.port, "python import threading, os, signal; threading.Timer(1.0, lambda: "
                  "os.kill(os.getpid(), signal.SIGINT)).start()", "continue", "p $eax", "stepi", "stepi", "p $eax",
                  "reverse-stepi", "reverse-stepi", "p $eax", "info threads", cwd=tmp_path)
    finally:
        server.close()
    assert "\nProgram received signal SIGINT, Interrupt.\n_start () at spin.s:" in out
    values = [int(v) for v in re.findall(r"^\$\d+ = (\d+)$", out, re.M)]
    assert values[0] > 1000                                        # it ran a while before Ctrl-C
    assert values[1] == values[0] + 1 and values[2] == values[0]   # one inc forward, undone backward
    assert re.search(r"\(step \d{4,}\) _start \(\) at spin\.s:", out)


def test_the_real_gdb_after_hostile_clients(env: Env) -> None:
    """Garbage, bad checksums, an oversized packet, a file-writing monitor command and a
    client that hangs up mid-packet leave the server serving the real gdb as before."""
    from gdbsutil import RawClient, checksum
    victim = env.tmp / "victim.txt"
    victim.write_text("keep me\n")
    c = RawClient(env.session.port)
    c.send_raw(b"garbage\x00\xff$qC#00")                            # bad checksum: nakked
    assert c.read_byte() == b"-"
    c.send_raw(b"$" + b"z" * 70000)                                  # never terminated
    assert c.read_byte() == b"-"
    cmd = f"save {victim}".encode().hex().encode()
    c.send_raw(b"$qRcmd," + cmd + b"#" + checksum(b"qRcmd," + cmd))
    while c.read_packet() != b"OK":
        pass
    c.send_raw(b"$vCont;c")                                          # hangs up mid-packet
    c.close()
    assert victim.read_text() == "keep me\n"
    out = gdb(env.elf, env.session.port, "break bump", "continue", "print (int) counter", "reverse-continue",
              cwd=env.tmp)
    assert "Breakpoint 1, bump ()" in out and "$1 = 0" in out and "No more reverse-execution history." in out


@pytest.mark.parametrize("which", ["live", "session"])
def test_info_auxv_says_what_gdb_reads_through_the_server(env: Env, which: str) -> None:
    """gdb reads the auxiliary vector with qXfer:auxv:read and prints it itself: the same
    lines as vmdebug's own ``info auxv`` (gdb 13's names, descriptions and formats)."""
    from gdbsutil import vmdebug_batch
    server = env.live if which == "live" else env.session
    out = gdb(env.elf, server.port, "info auxv", cwd=env.tmp)
    ours = vmdebug_batch(env.tmp, "exit.s", "info auxv").splitlines()
    assert len(ours) > 15 and ours[-1].startswith("0    AT_NULL ")
    theirs = [line for line in out.splitlines() if re.match(r"\d+\s+(AT_|\?\?\?)", line)]
    assert theirs == ours
