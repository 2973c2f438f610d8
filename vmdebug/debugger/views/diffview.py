"""What one step changed, from that step's events (the log says it exactly)."""
from __future__ import annotations

from typing import Any, Callable

from events.kinds import describe


def diff_view(step: int, rows: list[tuple[int, int, int, int, int]], extras: list[Any],
              insn: str, label: Callable[[int], str]) -> list[str]:
    if step == 0:
        head = "step 0: exec (the initial mappings, stack and registers)"
    else:
        head = f"step {step}: {insn}"
    out = [head]
    if not rows:
        out.append("  (nothing changed)")
    out.extend(f"  {describe(row, extras)}" for row in rows)
    return out
