"""The machine's default limits, apart from the machine: commands that only open a session
name them in their options without importing the CPU and its instruction tables (issue #17)."""
from __future__ import annotations

DEFAULT_NFRAMES = 1 << 15  # 128 MiB of simulated RAM
DEFAULT_MAX_STEPS = 50_000_000  # ends runaway programs (run, record, debug and serve)
