"""vmdebug's time-travel debugger: gdb's commands over a recorded (or recording) history.

Layout:

* :mod:`.timeline` - the cursor over the event log and the state at it;
  :mod:`.series` - per-step register/depth columns computed with numpy, so
  scans (breakpoints, watchpoints, stepping) never fold step by step.
* :mod:`.program_info` - symbols, line table, sources, C parameter names.
* :mod:`.expressions` / :mod:`.values` - gdb's C-like expressions and value printing.
* :mod:`.formatting` - ``info registers`` and ``x`` output shapes.
* :mod:`.registry` - the one table of commands (name, aliases, category, help).
* :mod:`.session` - the :class:`Debugger` that runs command lines.
* :mod:`.commands` - the commands; :mod:`.views` - pure views (state -> lines).
* :mod:`.repl` - the prompt_toolkit front end.
"""
from __future__ import annotations
