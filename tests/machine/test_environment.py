"""The program's environment: empty unless ``--env NAME=VALUE`` adds to it, laid out on the
stack exactly as the real kernel lays it out (the same strings at the same addresses as the
native twin run with the same environment and no ASLR)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv, char **envp)
{
    for (char **e = envp; *e; e++)
        printf("%p %s\n", (void *)*e, *e);
    printf("envp at %p, COURSE = %s\n", (void *)envp, getenv("COURSE") ? getenv("COURSE") : "(unset)");
    return 0;
}
"""


def vmdebug(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def test_the_environment_is_where_the_real_kernel_puts_it(tmp_path: Path) -> None:
    (tmp_path / "envp.c").write_text(PROGRAM)
    assert vmdebug(tmp_path, "cc", "--native", "-o", "envp", "envp.c").returncode == 0
    native = subprocess.run(["setarch", "-R", "./envp"], cwd=tmp_path, env={"COURSE": "os", "A": "1"},
                            capture_output=True, text=True, timeout=60)
    assert native.returncode == 0
    sim = vmdebug(tmp_path, "run", "--layout", "compat", "--env", "COURSE=os", "--env", "A=1", "./envp")
    assert sim.returncode == 0, sim.stderr
    assert sim.stdout == native.stdout
    assert "COURSE = os" in sim.stdout


def test_the_environment_is_empty_by_default_and_the_same_everywhere(tmp_path: Path) -> None:
    (tmp_path / "envp.c").write_text(PROGRAM)
    plain = vmdebug(tmp_path, "run", "envp.c")
    assert plain.stdout.endswith("COURSE = (unset)\n") and plain.stdout.count("\n") == 1
    assert vmdebug(tmp_path, "run", "-i", "envp.c").stdout == plain.stdout
    later = vmdebug(tmp_path, "run", "--env", "COURSE=a", "--env", "COURSE=b", "envp.c").stdout
    assert later.splitlines()[1:] == ["envp at " + later.split("envp at ")[1].split(",")[0] + ", COURSE = b"]
    rec = vmdebug(tmp_path, "record", "-o", "s.vmlog", "--env", "COURSE=b", "envp.c")
    assert rec.returncode == 0 and rec.stdout == later
    replay = vmdebug(tmp_path, "debug", "-batch", "-ex", "continue", "s.vmlog")
    assert replay.stdout.startswith(later)
    debug = vmdebug(tmp_path, "debug", "-batch", "--env", "COURSE=b", "-ex", "run", "envp.c")
    assert debug.stdout.startswith(later)
    bad = vmdebug(tmp_path, "run", "--env", "NOVALUE", "envp.c")
    assert bad.returncode == 1 and bad.stderr == "vmdebug: --env 'NOVALUE': expected NAME=VALUE\n"
