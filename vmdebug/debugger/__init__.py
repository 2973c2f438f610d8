"""vmdebug's time-travel debugger: gdb's commands over a recorded (or recording) history.

Layout:

* :mod:`vmdebug.replay` (below it) - the cursor over the event log, the state at
  it, and the one query layer over the columns (per-step register and depth
  columns with numpy, so scans never fold step by step).
* :mod:`.output` - where the debugger's words go, and how they are captured.
* :mod:`.program_info` - symbols, line table, sources, C parameter names.
* :mod:`.expressions` / :mod:`.values` - gdb's C-like expressions and value printing.
* :mod:`.formatting` - ``info registers`` and ``x`` output shapes.
* :mod:`.registry` - the one table of commands (name, aliases, category, help).
* :mod:`.session` - the :class:`Debugger` that runs command lines.
* :mod:`.commands` - the commands; :mod:`.views` - pure views (state -> lines).
* :mod:`.repl` - the prompt_toolkit front end.
"""
from __future__ import annotations
