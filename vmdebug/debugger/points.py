"""What a debugger session holds besides its timeline: the user's breakpoints
(watchpoints and catchpoints too) and displays, the settings ``set``/``show`` and
``handle`` change, the caches it keeps, and the last stop as gdb's thread remembers it.
Plain records, so the commands and the scan engine share them without importing the
session."""
from __future__ import annotations

from typing import Any

from events.record import Record
from vmdebug.debugger.values import Value


class Breakpoint(Record):
    def __init__(self, number: int, kind: str, address: int = 0, what: str = "", temporary: bool = False,
                 enabled: bool = True, condition: str = "", hits: int = 0, ignore: int = 0, node: Any = None,
                 old: Value | None = None, regs: frozenset[str] = frozenset(),
                 ranges: tuple[tuple[int, int], ...] = (), scope_cfa: int | None = None,
                 scope_depth: int | None = None, locations: list[Any] | None = None, spec: str = "") -> None:
        self.number = number
        self.kind = kind  # "breakpoint", "hw watchpoint" (write), "read watchpoint", "acc watchpoint", "catchpoint"
        self.address = address
        self.what = what  # location text, or the watched expression
        self.temporary = temporary
        self.enabled = enabled
        self.condition = condition
        self.hits = hits
        self.ignore = ignore
        self.node = node  # parsed watch expression
        self.old = old  # watched value at the cursor when last checked
        self.regs = regs
        self.ranges = ranges
        # A watchpoint on locals is bound to the frame it was set in (gdb: watchpoint_frame):
        # the frame's CFA and its depth in the recorded call stack.
        self.scope_cfa = scope_cfa
        self.scope_depth = scope_depth
        # Where a breakpoint stops (vmdebug.debugger.linespec.Location): one line or function
        # can be several places.  Empty for one set by address (the gdb server's Z0).
        self.locations = [] if locations is None else locations
        self.spec = spec  # the location as typed ("t.c:12"), for gdb's multi-location message
        #: The command list run when it stops the program (gdb's ``commands``), as typed.
        self.commands: list[str] = []
        #: ``enable once`` / ``enable count N``: stops left before it disables itself (0: none).
        self.disable_after = 0
        self.counted = False        # set by `enable count` (info breakpoints says how many)
        #: dprintf's ``"FORMAT",EXPR...``: printed each time it is passed; it never stops.
        self.dprintf = ""
        #: A watchpoint's locals that need no frame, as it found them (see Display.bound).
        self.bound: dict[str, Any] = {}
        #: A catchpoint's events (vmdebug.debugger.catchpoints.Catch).
        self.catch: Any = None

    @property
    def is_watch(self) -> bool:
        return self.kind not in ("breakpoint", "catchpoint")

    @property
    def is_code(self) -> bool:
        """A breakpoint on code (not a watchpoint, not a catchpoint)."""
        return self.kind == "breakpoint"

    def addresses(self) -> list[int]:
        """The enabled places this breakpoint stops at."""
        if not self.locations:
            return [self.address]
        return [loc.address for loc in self.locations if loc.enabled]

    def location_at(self, pc: int) -> Any:
        """The enabled location at ``pc`` (None if none; a bare address has no location)."""
        return next((loc for loc in self.locations if loc.enabled and loc.address == pc), None)


class Display(Record):
    def __init__(self, number: int, fmt: str, expr: str, enabled: bool = True, block: Any = None,
                 bound: dict[str, Any] | None = None) -> None:
        self.number = number
        self.fmt = fmt  # "" or "/x" etc. (x/FMT displays start with "x")
        self.expr = expr
        self.enabled = enabled
        self.block = block  # the innermost block of its locals: shown only inside it
        #: Its locals that need no frame, as it found them: read wherever it is shown.
        self.bound = {} if bound is None else bound


#: Signals gdb neither stops at nor prints by default, as not errors (infrun.c
#: _initialize_infrun): SIGALRM, SIGURG, SIGIO (SIGPOLL), SIGVTALRM, SIGPROF, SIGCHLD, SIGWINCH.
QUIET_SIGNALS = frozenset({14, 23, 29, 26, 27, 17, 28})


class Settings(Record):
    def __init__(self, context: bool = True, color: bool = False, listsize: int = 10, confirm: bool = False,
                 follow_fork_mode: str = "parent", stop_on_signals: bool = True,
                 signal_stop: dict[int, bool] | None = None, signal_print: dict[int, bool] | None = None,
                 detach_on_fork: bool = True, print_options: Any = None, disassembly_flavor: str = "att",
                 frame_options: Any = None) -> None:
        self.context = context
        self.color = color
        self.listsize = listsize
        self.confirm = confirm
        self.follow_fork_mode = follow_fork_mode  # gdb: which process the debugger follows after fork
        self.stop_on_signals = stop_on_signals  # gdb's "handle SIG stop" for every signal the program handles
        # gdb's handle SIG stop|nostop, by signal
        self.signal_stop = {} if signal_stop is None else signal_stop
        # gdb's handle SIG print|noprint, by signal
        self.signal_print = {} if signal_print is None else signal_print
        self.detach_on_fork = detach_on_fork  # gdb: the other process runs free (no stops in it)
        for sig in QUIET_SIGNALS:               # gdb's defaults, which handle changes
            self.signal_stop.setdefault(sig, False)
            self.signal_print.setdefault(sig, False)
        if print_options is None:
            from vmdebug.debuginfo.valprint import PrintOptions
            print_options = PrintOptions()
        self.print_options = print_options  # set print elements / repeats / pretty / ...
        if frame_options is None:
            from vmdebug.debugger.print_settings import FrameOptions
            frame_options = FrameOptions()
        # set print frame-arguments / entry-values / frame-info, set backtrace past-main / past-entry
        self.frame_options = frame_options
        # gdb's set disassembly-flavor: att (its default, objdump -d) or intel (objdump -M intel)
        self.disassembly_flavor = disassembly_flavor


class Caches(Record):
    """What a debugger computes once and keeps; each says when it goes stale."""

    def __init__(self, symbolizer: Any = None, setup_end: dict[int, int | None] | None = None,
                 entries: Any = None, read_scanner: Any = None, map_context: Any = None,
                 restorers: Any = None, call_sites: dict[int, Any] | None = None,
                 inline_maps: dict[int, Any] | None = None) -> None:
        self.symbolizer = symbolizer  # ``<sym+off>`` after addresses: the program never changes
        self.setup_end = {} if setup_end is None else setup_end  # function -> end of `push ebp; mov ebp,esp`
        self.entries = entries  # where `step` enters functions: stale when the skip list changes
        self.read_scanner = read_scanner  # decoded memory reads, for rwatch/awatch
        self.map_context = map_context  # vmmap's names for the regions, from step 0
        self.restorers = restorers  # the libc's signal restorers: a frame returning there is a handler
        self.call_sites = {} if call_sites is None else call_sites  # function DIE -> its DW_TAG_call_sites
        #: id(function) -> its inlined blocks by pc (vmdebug.debugger.inline_steps): the program never changes
        self.inline_maps = {} if inline_maps is None else inline_maps


class LastStop(Record):
    """A stop as gdb's thread keeps it (stop_pc, stop_step, stop_bpstat, stop_signal)."""

    def __init__(self, step: int, reason: str, command: str, breakpoints: tuple[Any, ...] = (),
                 signal: int = 0) -> None:
        self.step = step
        self.reason = reason  # motion.Stop's: done, bp, watch, end, start, signal, interrupt, limit
        self.command = command  # the command that stopped there (a stepping one sets gdb's stop_step)
        self.breakpoints = breakpoints  # the breakpoints and watchpoints that stopped it
        self.signal = signal
