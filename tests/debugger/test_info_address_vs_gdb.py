"""``info address`` against gdb 13 on the native build of the same C file, at -O0 and -O2:
globals (static storage), functions, a function-static, parameters and locals (DWARF
expressions at -O0; registers, constants and location lists at -O2), an enumerator, a
typedef, a symbol only the ELF symbol table knows, a name nothing knows, no name at all."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dbgprogs import gdb_and_ours

SOURCE = """\
#include <stdio.h>
typedef struct { int a, b; } pair_t;
enum mode { OFF, ON };
static int hidden = 3;
int counter = 7;
short shorts[5] = {1, -2, 3, -4, 5};

__attribute__((noinline)) int tick(void) { static int count; return ++count + hidden; }

__attribute__((noinline)) int use(pair_t p, enum mode m, int *q)
{
    int k = p.a * 2;
    pair_t local = p;
    for (int i = 0; i < 3; i++)
        k += i * *q + tick();
    return k + local.b + (m == ON);
}

int main(int argc, char **argv)
{
    int v = 5;
    pair_t pr = {1, 2};
    unsigned long long big = 0x123456789abcdefULL;
    printf("%d %llu %s\\n", use(pr, ON, &v), big, argv[argc - 1]);
    return 0;
}
"""

SCRIPT = ["break tick", "run", "up", "info address p", "info address m", "info address q", "info address k",
          "info address local", "info address i", "info address pair_t", "info address ON", "info address hidden",
          "info address counter", "info address shorts", "info address count", "info address tick",
          "info address use", "info address printf", "info address _start", "info address nosuch",
          "info address", "up", "info address v", "info address pr", "info address big", "info address argc",
          "info address argv"]


@pytest.mark.parametrize("opt", ["0", "2"])
def test_info_address_reads_as_gdbs(tmp_path: Path, opt: str) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "where", SOURCE, SCRIPT, opt)
    assert 'Symbol "counter" is static storage at address ' in gdb, gdb
    assert 'Symbol "pair_t" is a typedef.' in gdb and "in a file compiled without debugging." in gdb
    assert ("multi-location:" in gdb) == (opt == "2") and ("complex DWARF expression" in gdb)
    stack = lambda text: re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text).splitlines()  # noqa: E731
    assert stack(ours) == stack(gdb)
