"""The machine's default limits and the names of its layouts, apart from the machine: commands
that only open a session name them in their options without importing the CPU, its
instruction tables or the layouts themselves (issue #17)."""
from __future__ import annotations

DEFAULT_NFRAMES = 1 << 15  # 128 MiB of simulated RAM
DEFAULT_MAX_STEPS = 50_000_000  # ends runaway programs (run, record, debug and serve)
#: The keys of vmdebug.machine.layout.LAYOUTS (tests/test_startup_imports.py checks they agree).
LAYOUT_NAMES = ("compat", "i386")
