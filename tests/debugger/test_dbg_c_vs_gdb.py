"""Source-level stepping against the real gdb 13: the same C file built natively
with debug info (``vmdebug cc --native``: gcc -g, as, ld) and debugged by gdb,
and simulated by vmdebug (its own toolchain, same addresses).  break, run,
continue, bt, next, step, stepi, nexti, finish, up/down, info frame, list,
tbreak, info breakpoints, print and the exit message must read the same
(stack addresses and the pid normalised)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dbgprogs import run

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """\
break factorial
run
bt
continue
bt
next
next
step
bt
stepi
nexti
finish
p n
p $eax
up
info frame
down
list
tbreak add3
info breakpoints
delete
break 49
run
step
p a + b
p c
finish
next
next
continue
"""


def _norm(text: str) -> list[str]:
    text = re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "0xSTACK", text)
    text = re.sub(r"process \d+", "process N", text)
    return [line for line in text.split("\n") if not line.startswith("warning: Error disabling")]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str]]:
    tmp = tmp_path_factory.mktemp("cvsgdb")
    shutil.copy(ROOT / "examples" / "recursion_frames.c", tmp / "rf.c")
    subprocess.run(["python", "-m", "vmdebug", "cc", "--native", "-o", "rf", "rf.c"], cwd=tmp, check=True,
                   capture_output=True)
    script = "".join(f"echo =====\\n\n{line}\n" for line in SCRIPT.splitlines())
    (tmp / "cmds.gdb").write_text(script)
    gdb = subprocess.run(["gdb", "-nx", "-batch", "-x", "cmds.gdb", "./rf"], cwd=tmp, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=60).stdout
    ours = subprocess.run(["python", "-m", "vmdebug", "debug", "-batch", "-x", "cmds.gdb", "rf.c"], cwd=tmp,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    return _norm(gdb), _norm(ours)


def test_stepping_session_reads_like_gdb(outputs: tuple[list[str], list[str]]) -> None:
    gdb, ours = outputs
    assert "Breakpoint 1, factorial (n=5) at rf.c:41" in gdb
    assert ours == gdb


def test_batch_in_process_matches_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(ROOT / "examples" / "recursion_frames.c", tmp_path / "rf.c")
    monkeypatch.chdir(tmp_path)
    text, cap, dbg = run("rf.c", ["break add3", "run", "bt", "p a", "p b + c", "finish"], layout="i386")
    assert text.split("\n") == [
        "Breakpoint 1 at 0x804902c: file rf.c, line 35.", "",
        "Breakpoint 1, add3 (a=1, b=2, c=3) at rf.c:35", "35\t    return a + b + c;",
        "#0  add3 (a=1, b=2, c=3) at rf.c:35", "#1  0x0804908a in main () at rf.c:49",
        "$1 = 1", "$2 = 5",
        "0x0804908a in main () at rf.c:49", '49\t    printf("add3(1, 2, 3) = %d\\n", add3(1, 2, 3));',
        "Value returned is $3 = 6"]


STRUCT_SCRIPT = """\
break 48
run
p *acct
p acct->name
p acct->name[1]
p &acct->balance
p/x acct->balance
whatis acct->name
info locals
p msg
next
next
next
p msg
p *msg@4
p *acct
bt full
"""


def test_structs_globals_and_locals_read_like_gdb(tmp_path: Path) -> None:
    shutil.copy(ROOT / "examples" / "use_after_free.c", tmp_path / "uaf.c")
    subprocess.run(["python", "-m", "vmdebug", "cc", "--native", "-o", "uaf", "uaf.c"], cwd=tmp_path, check=True,
                   capture_output=True)
    (tmp_path / "cmds.gdb").write_text(STRUCT_SCRIPT)
    gdb = subprocess.run(["gdb", "-nx", "-batch", "-x", "cmds.gdb", "./uaf"], cwd=tmp_path, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=60).stdout
    ours = subprocess.run(["python", "-m", "vmdebug", "debug", "-batch", "-x", "cmds.gdb", "uaf.c"], cwd=tmp_path,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    assert '$1 = {name = "alice\\000\\000\\000\\000\\000\\000", balance = 100}' in gdb
    assert _norm(ours) == _norm(gdb)


WATCH_C = """\
int total;
static void add(int *p, int v) { *p += v; }
int main(void) {
    int local = 0;
    for (int i = 0; i < 8; i++) {
        add(&total, i);
        local += 2;
    }
    return total + local;
}
"""

WATCH_SCRIPT = """\
break main
run
watch 0x1234
watch total if total > 3
watch -l local
continue
continue
info watchpoints
delete 3
continue
info watchpoints
delete
break add
continue
watch v
continue
continue
watch *p if *p > 20
continue
continue
"""


def test_watchpoints_read_like_gdb(tmp_path: Path) -> None:
    """watch -l, watch EXPR if COND, gdb's refusal of a constant, a watched parameter
    deleted when its frame returns, info watchpoints - against gdb's hardware
    watchpoints on the native build."""
    (tmp_path / "w.c").write_text(WATCH_C)
    subprocess.run(["python", "-m", "vmdebug", "cc", "--native", "-o", "w", "w.c"], cwd=tmp_path, check=True,
                   capture_output=True)
    ex = [a for line in WATCH_SCRIPT.splitlines() for a in ("-ex", line)]   # -x would stop at the error
    gdb = subprocess.run(["gdb", "-nx", "-batch", "-ex", "set startup-with-shell off", *ex, "./w"],
                         cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         timeout=60).stdout
    ours = subprocess.run(["python", "-m", "vmdebug", "debug", "-batch", *ex, "w.c"], cwd=tmp_path,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    assert "Cannot watch constant value `0x1234'." in gdb
    assert "Watchpoint 5 deleted because the program has left the block in" in gdb
    assert _norm(ours) == _norm(gdb)


DISPLAY_SCRIPT = """\
break add
run
display v
display/x *p
display total
info display
next
continue
finish
info display
next
step
undisplay 2
continue
info display
"""

STEP_OUT_SCRIPT = """\
break add3
run
step
step
step
step
next
next
next
"""


def _native_vs_ours(tmp_path: Path, source: str, name: str, script: str) -> tuple[list[str], list[str]]:
    """The same -ex commands in batch mode: gdb on the native build with the libc skipped
    as vmdebug skips it by default, and vmdebug on the simulated run."""
    (tmp_path / f"{name}.c").write_text(source)
    subprocess.run(["python", "-m", "vmdebug", "cc", "--native", "-o", name, f"{name}.c"], cwd=tmp_path, check=True,
                   capture_output=True)
    ex = [a for line in script.splitlines() for a in ("-ex", line)]
    gdb = subprocess.run(["gdb", "-nx", "-batch", "-ex", "set startup-with-shell off",
                          "-ex", "skip -gfile /vmdebug/libc/src/*", *ex, f"./{name}"],
                         cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         timeout=60).stdout
    assert gdb.startswith("File(s) /vmdebug/libc/src/* will be skipped when stepping.\n"), gdb
    gdb = gdb.split("\n", 1)[1]
    ours = subprocess.run(["python", "-m", "vmdebug", "debug", "-batch", *ex, f"{name}.c"], cwd=tmp_path,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    return _norm(gdb), _norm(ours)


def test_displays_follow_scope_like_gdb(tmp_path: Path) -> None:
    """A display of a local shows only inside its block, info display says when it cannot
    be evaluated, and in batch mode a new display waits for the next stop (from_tty 0)."""
    gdb, ours = _native_vs_ours(tmp_path, WATCH_C, "w", DISPLAY_SCRIPT)
    assert "1:   y  v (cannot be evaluated in the current context)" in gdb
    assert ours == gdb


def test_stepping_out_of_a_function_reads_like_gdb(tmp_path: Path) -> None:
    """step/next off the end of a function return into the middle of the caller's line
    and go on to the next line (over the libc, which is skipped), naming the frame."""
    gdb, ours = _native_vs_ours(tmp_path, (ROOT / "examples" / "recursion_frames.c").read_text(), "rf",
                                STEP_OUT_SCRIPT)
    assert "main () at rf.c:51" in gdb
    assert ours == gdb


COUNTS_SCRIPT = """\
break add
run
stepi -5
next 0
step -1
up -1
down -1
up 5
down 3
up
down
down
continue -1
"""


def test_counts_of_zero_or_less_read_like_gdb(tmp_path: Path) -> None:
    """step/next/stepi with N <= 0 do not move and say where the program is; up/down with
    an explicit count go as far as they can; only bare ones complain at the end."""
    gdb, ours = _native_vs_ours(tmp_path, WATCH_C, "w", COUNTS_SCRIPT)
    assert "Bottom (innermost) frame selected; you cannot go down." in gdb
    assert ours == gdb
