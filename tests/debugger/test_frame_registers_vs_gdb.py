"""The registers of an outer frame, and the stop line at a pc of a non-statement row, against
the real gdb on the native build of the same C file at -O2.

``leaf`` saves ebx, esi, edi and ebp and uses them all; the breakpoint is on the first pc
of the line table's non-statement row for its ``return`` (gcc -O2 writes such rows), where
gdb prints the pc in the stop line (frame_show_address: not at a statement's start).  In
``main``'s frame, ``info registers`` gives the values ``leaf`` saved, as ``p $ebx`` does,
not the cursor's.  Stack addresses differ between the real machine and the simulated one
(0xffff.... against 0xbfff....), so they are compared as ``STACK``."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from dbgprogs import require_gdb

SOURCE = """\
__attribute__((noinline)) int leaf(int *p, int n)
{
    int a = 0, b = 1, c = 2, d = 3;
    for (int i = 0; i < n; i++) { a += p[i]; b ^= p[i] * 3; c += b; d -= a; }
    return a + b + c + d;
}

int main(void)
{
    int v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    int s = 0;
    for (int k = 0; k < 3; k++)
        s += leaf(v, k + 4) * k;
    return s & 1;
}
"""


def _norm(text: str) -> list[str]:
    out = []
    for line in text.split("\n"):
        m = re.match(r"(\w+ +)0x(ffff|bfff)[0-9a-f]{4}( +)\S+$", line)     # a register holding a stack address
        if m:
            line = f"{m.group(1)}STACK"
        line = re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", line)
        # the selectors: a 32-bit kernel's 0x73/0x7b in vmdebug's i386 layout, the x86-64
        # kernel's 0x23/0x2b for the native twin (vmdebug.machine.segments)
        line = re.sub(r"^(cs|ss|ds|es)( +)0x(23|2b|73|7b)( +)(35|43|115|123)$", r"\1 SELECTOR", line)
        if not re.match(r"(k[0-7]|pkru|fs_base|gs_base) ", line):          # the host's CPU, not the program's
            out.append(line)
    return out


def _non_stmt_row(exe: Path, line: int) -> int:
    """The first pc of a non-statement row of ``line`` (objdump's decoded line table)."""
    rows = subprocess.run(["objdump", "--dwarf=decodedline", str(exe)], capture_output=True, text=True,
                          check=True).stdout
    for row in rows.splitlines():
        cols = row.split()
        if len(cols) >= 3 and cols[0] == "leaf.c" and cols[1] == str(line) and cols[2].startswith("0x") \
                and not row.rstrip().endswith("x"):
            return int(cols[2], 16)
    raise AssertionError(f"no non-statement row for line {line}")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str]]:
    require_gdb()
    tmp = tmp_path_factory.mktemp("leaf")
    (tmp / "leaf.c").write_text(SOURCE)
    subprocess.run([sys.executable, "-m", "vmdebug", "cc", "--native", "-O", "2", "-o", "leaf", "leaf.c"],
                   cwd=tmp, check=True, capture_output=True)
    at = _non_stmt_row(tmp / "leaf", 5)
    script = [f"break *{at:#x}", "run", "continue", "info registers", "frame 1", "info registers",
              "p/x $ebx", "p/x $esi", "p/x $edi", "p $ebp", "p $sp", "p $pc", "frame 0", "p/x $ebx"]
    (tmp / "cmds.gdb").write_text("".join(f"echo =====\\n\n{line}\n" for line in script))
    gdb = subprocess.run(["gdb", "-nx", "-batch", "-x", "cmds.gdb", "./leaf"], cwd=tmp, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    ours = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-O2", "-x", "cmds.gdb", "leaf.c"],
                          cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300).stdout
    return _norm(gdb), _norm(ours)


def test_the_case_is_the_one_meant(outputs: tuple[list[str], list[str]]) -> None:
    gdb, _ours = outputs
    assert any(re.match(r"Breakpoint 1, 0x[0-9a-f]+ in leaf \(p=STACK, n=5\) at leaf.c:5", ln) for ln in gdb), gdb
    blocks = "\n".join(gdb).split("=====")
    inner, outer = blocks[4], blocks[6]
    ebx = [ln for ln in inner.split("\n") if ln.startswith("ebx")]
    assert ebx and ebx != [ln for ln in outer.split("\n") if ln.startswith("ebx")]   # leaf's ebx is not main's


def test_outer_frame_registers_and_the_stop_line_read_as_in_gdb(outputs: tuple[list[str], list[str]]) -> None:
    gdb, ours = outputs
    assert ours == gdb


CALLBACK = """\
struct node { int value; struct node *next; };
typedef int (*binop)(int, int);
static int add(int a, int b) { return a + b; }

__attribute__((noinline)) int use(struct node *head, binop op)
{
    int total = 0;
    for (struct node *n = head; n; n = n->next)
        total = op(total, n->value);
    return total;
}

int main(void)
{
    struct node b = {2, 0}, a = {1, &b};
    return use(&a, add);
}
"""


def test_finish_shows_the_caller_s_pc_only_mid_line_as_gdb(tmp_path: Path) -> None:
    """gcc -O2 puts the loop's next test at the call's return address, a statement row's
    start: gdb prints that frame without its pc after finish (print_stack_frame
    SRC_AND_LOC), and with it where the return lands mid-line (-O0)."""
    require_gdb()
    (tmp_path / "cb.c").write_text(CALLBACK)
    for opt in ("2", "0"):
        subprocess.run([sys.executable, "-m", "vmdebug", "cc", "--native", "-O", opt, "-o", "cb", "cb.c"],
                       cwd=tmp_path, check=True, capture_output=True)
        args = [a for c in ("break add", "run", "finish", "continue", "finish") for a in ("-ex", c)]
        gdb = subprocess.run(["gdb", "-nx", "-batch", *args, "./cb"], cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=120).stdout
        ours = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", f"-O{opt}", *args, "cb.c"],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=300).stdout
        assert gdb.count("Value returned is ") == 2, gdb
        assert _norm(ours) == _norm(gdb), opt
