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


#: In catch_segv's handler: the handler, the signal trampoline, the interrupted frame and
#: main, each with ``info frame``; the interrupted frame's registers come from the sigcontext
#: (its eflags is word 16 of the sigcontext, 20 bytes into the ucontext ``context``).
HANDLER_SCRIPT = ["break on_segv", "continue", "continue", "p/x ((unsigned *)context)[5 + 16]", "info frame",
                  "up", "info frame", "info registers", "up", "info frame", "info registers", "up", "info frame"]


@pytest.fixture(scope="module")
def handler_outputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    tmp: Path = tmp_path_factory.mktemp("sigtramp")
    (tmp / "prog.c").write_text((Path(__file__).resolve().parents[2] / "examples" / "catch_segv.c").read_text())
    vmdebug(tmp, "elf", "-O", "0", "prog.c", "-o", "prog")
    server = ServeProcess(tmp, "prog.c", "-O", "0")
    try:
        theirs = gdb(tmp / "prog", server.port, *HANDLER_SCRIPT, cwd=tmp)
    finally:
        server.close()
    yield theirs, vmdebug_batch_opt(tmp, "0", HANDLER_SCRIPT)


def register_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln[:3] in ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                                                        "eip", "efl")]


def test_info_frame_of_a_signal_trampoline_and_the_frame_it_interrupted_read_as_gdbs(
        handler_outputs: tuple[str, str]) -> None:
    theirs, ours = handler_outputs
    gdb_blocks, our_blocks = frame_blocks(theirs), frame_blocks(ours)
    assert len(gdb_blocks) == 4, theirs[-3000:]
    assert gdb_blocks[1][1].startswith(" eip = ") and "Previous frame's sp at " in "\n".join(gdb_blocks[1])
    assert our_blocks == gdb_blocks
    # gdb makes up the interrupted frame's eflags: the trampoline frame's own, its direction
    # flag cleared (i386_frame_prev_register, "FIXME: kettenis/20030316").  vmdebug gives the
    # value the kernel saved, which the program gets back from sigreturn.
    mine, gdbs = register_lines(ours), register_lines(theirs)
    assert len(gdbs) == 20
    assert mine[:19] == gdbs[:19]
    saved = next(ln for ln in ours.splitlines() if ln.startswith("$1 = "))[5:]
    assert mine[19].split()[:2] == ["eflags", saved]
    assert int(gdbs[19].split()[1], 16) == int(gdbs[9].split()[1], 16) & ~0x400     # frame 1's, DF cleared
