"""The debugger's commands; importing this package registers all of them."""
from __future__ import annotations

from vmdebug.debugger.commands import (  # noqa: F401
    beyond, breakpoints, data, files, running, stack, status, support,
)
