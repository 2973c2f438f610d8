"""The zero page and copy-on-write, as Linux does them (mm/memory.c do_anonymous_page,
do_wp_page): a first read of anonymous memory maps the shared zero frame read-only, the
first write gives the page a zeroed frame of its own, and both go backward too."""
from __future__ import annotations

import re
from pathlib import Path

from dbgprogs import outputs, session

PROGRAM = """\
#include <stdio.h>
#include <sys/mman.h>

static char big[3 * 4096];

int main(void)
{
    char *p = mmap(0, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int sum = p[0] + p[4096] + big[4096];      /* three first reads: the zero page */
    p[4096] = 7;                                /* a first write after a read: copy-on-write */
    printf("%d %d\\n", sum, p[4096] + p[0]);
    return 0;
}
"""


def _line(name: str, marker: str) -> int:
    return next(i for i, text in enumerate(PROGRAM.splitlines(), 1) if marker in text)


def test_reads_share_the_zero_page_and_a_write_copies_it(tmp_path: Path) -> None:
    src = tmp_path / "zero.c"
    src.write_text(PROGRAM)
    dbg, cap = session(src)
    outputs(dbg, cap, f"break {_line('zero.c', 'p[4096] = 7')}")
    outputs(dbg, cap, "run")
    p = int(re.search(r"= (0x[0-9a-f]+)", outputs(dbg, cap, "print p")[-1]).group(1), 16)
    shown = outputs(dbg, cap, "frames")
    zero = next(line for line in shown if line.startswith("0x0 "))
    assert re.match(r"0x0\s+0x00000000  3\s+the zero page \(all zeros, read-only\): read but never written", zero)
    assert f"{p:#010x}" in zero and f"{p + 4096:#010x}" in zero
    walk = outputs(dbg, cap, f"pagewalk {p + 4096:#x}")
    assert "    -> frame 0x0" in walk and any("user access: read-only" in line for line in walk)
    faults = outputs(dbg, cap, "info pagefaults")
    assert "  3 mapped the zero page on a first read (read-only, no new memory)" in faults
    assert "  0 copy-on-write (a write to a page that was mapped read-only from a shared frame)" in faults

    outputs(dbg, cap, "next")
    shown = outputs(dbg, cap, "frames")
    assert re.match(r"0x0\s+0x00000000  2\s", next(line for line in shown if line.startswith("0x0 ")))
    own = [line for line in shown if f"page {p + 4096:#010x} (rw, dirty)" in line]
    assert len(own) == 1 and not own[0].startswith("0x0 ")
    assert "  1 copy-on-write (a write to a page that was mapped read-only from a shared frame)" in \
        outputs(dbg, cap, "info pagefaults")
    history = outputs(dbg, cap, f"history *(char *){p + 4096:#x}")
    assert any(re.search(rf"copy-on-write: page {p + 4096:#010x} of pid 1000 copied from the zero page, "
                         r"frame 0x0 to frame 0x[0-9a-f]+", line) for line in history), history
    assert any("0x00 -> 0x07" in line for line in history), history

    outputs(dbg, cap, "reverse-next")
    assert re.match(r"0x0\s+0x00000000  3\s", next(line for line in outputs(dbg, cap, "frames")
                                                   if line.startswith("0x0 ")))
    assert outputs(dbg, cap, "continue")[:1] == ["0 7"]
