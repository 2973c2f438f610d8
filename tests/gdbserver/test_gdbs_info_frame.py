"""``info frame`` against the real gdb 13 on the same recorded state (``vmdebug serve``):
frames with a frame pointer, frameless libc functions with and without a caller's %ebp, a
realigned ``main``, an inlined function, the outermost ``_start``, and every instruction of
a prologue and an epilogue, at -O0 and -O2.  The block each prints (stack level, eip, links, language,
arguments and locals, the caller's sp and the saved registers) must be the same, line for
line."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from gdbsutil import ServeProcess, gdb, vmdebug

PROGRAM = r"""#include <string.h>

static int used;

static inline __attribute__((always_inline)) int bump(int v)
{
    used += v;
    return v + 1;
}

__attribute__((noinline)) int leaf(int a, int b)
{
    int product = a * b;
    return product + used;
}

__attribute__((noinline)) int middle(const char *s, int k)
{
    int n = bump((int)strlen(s));
    return leaf(n, k) + 1;
}

int main(void)
{
    char buf[16];
    strcpy(buf, "hello");
    return middle(buf, 3) == 0;
}
"""

UP = ["info frame", "up", "info frame", "up", "info frame", "up", "info frame"]
#: At each breakpoint: the frame and its callers; then stepi through leaf's entry.
SCRIPT = (["break strcpy", "break strlen", "break bump", "break *leaf", "continue"] + UP
          + ["continue"] + UP + ["continue"] + UP + ["continue"] + UP
          + [c for _ in range(8) for c in ("stepi", "info frame")]
          + ["finish"] + UP + ["break _exit", "continue"] + UP)


def frame_blocks(text: str) -> list[list[str]]:
    """The blocks ``info frame`` printed: a "Stack level" line and the indented lines after it."""
    blocks: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("Stack level "):
            blocks.append([line])
        elif blocks and line.startswith(" ") and not blocks[-1][-1] == "":
            blocks[-1].append(line)
        elif blocks and blocks[-1][-1] != "":
            blocks[-1].append("")
    return [[ln for ln in b if ln] for b in blocks]


@pytest.fixture(scope="module", params=["0", "2"], ids=["O0", "O2"])
def outputs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    opt = request.param
    tmp: Path = tmp_path_factory.mktemp(f"infoframe{opt}")
    (tmp / "prog.c").write_text(PROGRAM)
    vmdebug(tmp, "elf", "-O", opt, "prog.c", "-o", "prog")
    server = ServeProcess(tmp, "prog.c", "-O", opt)
    try:
        theirs = gdb(tmp / "prog", server.port, *SCRIPT, cwd=tmp)
    finally:
        server.close()
    yield theirs, vmdebug_batch_opt(tmp, opt, SCRIPT)


def vmdebug_batch_opt(tmp: Path, opt: str, script: list[str]) -> str:
    """vmdebug's own debugger on the same program and level; its first ``continue`` is
    ``run`` (gdb attaches to a process already started)."""
    first = script.index("continue")
    commands = [("run" if i == first else c) for i, c in enumerate(script)]
    args = ["debug", "-O", opt, "-batch"]
    for c in commands:
        args += ["-ex", c]
    return vmdebug(tmp, *args, "prog.c", check=False).stdout


def test_info_frame_reads_as_gdbs(outputs: tuple[str, str]) -> None:
    theirs, ours = outputs
    gdb_blocks, our_blocks = frame_blocks(theirs), frame_blocks(ours)
    assert len(gdb_blocks) >= 15, theirs[-3000:]
    assert any("Saved registers:" in b for blk in gdb_blocks for b in blk)
    for k, (g, o) in enumerate(zip(gdb_blocks, our_blocks)):
        assert o == g, f"block {k}:\ngdb:\n" + "\n".join(g) + "\nvmdebug:\n" + "\n".join(o)
    assert len(our_blocks) == len(gdb_blocks)
