"""The debugger's commands; importing this package registers all of them."""
from __future__ import annotations

from vmdebug.debugger.commands import (  # noqa: F401
    alias, backward, beyond, breakpoints, data, files, frame_apply, program_env, running, shell, signal_handling, skip,
    stack, status, support, symbols,
)

from vmdebug.debugger import catchpoints  # noqa: F401,E402 (registers catch and tcatch)
from vmdebug.debugger.registry import COMMANDS as _COMMANDS

# gdb's fixed abbreviations of the prefix commands.
_COMMANDS["info"].aliases = ("i", "inf")
_COMMANDS["info"].category = "status"
