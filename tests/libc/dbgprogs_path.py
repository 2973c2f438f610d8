"""The debugger test helpers, for the libc tests that look at a program in the debugger."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "debugger"))

from dbgprogs import gdb_batch, outputs, session  # noqa: E402,F401
