"""``frames`` and ``info pagefaults``: physical memory as the page tables say, at any step,
backward as well as forward."""
from __future__ import annotations

import re
from pathlib import Path

from dbgprogs import outputs, session

ROOT = Path(__file__).resolve().parents[2]


def _pages(lines: list[str]) -> dict[int, int]:
    """virtual page -> frame, from the page lines of ``frames``."""
    out = {}
    for line in lines:
        m = re.match(r"(0x[0-9a-f]+)\s+0x[0-9a-f]{8}\s+\d+\s+pid \d+ page (0x[0-9a-f]{8})", line)
        if m:
            out[int(m.group(2), 16)] = int(m.group(1), 16)
    return out


def test_every_page_frames_lists_is_where_the_page_walk_ends(tmp_path: Path) -> None:
    dbg, cap = session(ROOT / "examples" / "demand_paging.c")
    outputs(dbg, cap, "break main")
    outputs(dbg, cap, "run")
    for _ in range(6):
        outputs(dbg, cap, "next")
    shown = outputs(dbg, cap, "frames")
    assert shown[0].startswith("Physical memory: 32768 frames of 4 KiB (128 MiB): ")
    in_use = int(re.search(r"(\d+) in use", shown[0]).group(1))
    assert in_use == sum(1 for line in shown if re.match(r"0x[0-9a-f]+\s+0x[0-9a-f]{8}\s+\d", line))
    assert "(frame 0 is the zero page)" in shown[0]
    pages = _pages(shown)
    assert pages and set(pages) == {p << 12 for p in dbg.tl.state.pagemap}
    for vaddr, frame in pages.items():
        walk = outputs(dbg, cap, f"pagewalk {vaddr:#x}")
        assert f"    -> frame {frame:#x}" in walk, walk
    own = [line for line in shown[1:] if "free (" not in line and not re.match(r"0x0\s+0x00000000  0 ", line)]
    assert outputs(dbg, cap, "frames 1000") == own
    assert outputs(dbg, cap, "frames 4") == ["No process 4."]


def test_frames_and_page_faults_go_back_in_time(tmp_path: Path) -> None:
    dbg, cap = session(ROOT / "examples" / "demand_paging.c")
    outputs(dbg, cap, "break main")
    outputs(dbg, cap, "run")
    before = _pages(outputs(dbg, cap, "frames"))
    faults_before = outputs(dbg, cap, "info pagefaults")
    outputs(dbg, cap, "continue")
    after = _pages(outputs(dbg, cap, "frames"))
    assert len(after) > len(before)
    faults = outputs(dbg, cap, "info pagefaults")
    total = int(re.search(r": (\d+) page faults", faults[0]).group(1))
    counts = [int(line.split()[0]) for line in faults[1:]]
    assert total == sum(counts)
    zero_filled, zero_page = counts[1], counts[2]
    assert zero_filled >= 4              # the four pages the program writes in its 64 MiB mapping
    assert zero_page >= 1                # and the untouched one it reads
    outputs(dbg, cap, "reverse-continue")
    assert _pages(outputs(dbg, cap, "frames")) == before
    assert outputs(dbg, cap, "info pagefaults") == faults_before
