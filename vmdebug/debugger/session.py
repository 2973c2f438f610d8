"""The debugger session: a timeline, what is known about the program, and the
user's breakpoints, displays and value history.  :meth:`Debugger.execute`
runs one command line and never lets an exception escape: every failure is
one gdb-style line and the session goes on.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator

from events import codes as C
from events.log import DamagedLog
from vmdebug.debugger import evaluate as EV
from vmdebug.debugger import expressions as E
from vmdebug.debugger.frames import Frame, build_frames
# How a program recorded here starts (its arguments, environment and input).
from vmdebug.debugger.memory import MemoryReader
from vmdebug.debugger.output import Output
from vmdebug.safetext import safe_bytes
from vmdebug.debugger.program_info import LineIndex, ProgramInfo, Sym
from vmdebug.debugger.registry import resolve
from vmdebug.replay.timeline import Timeline
from vmdebug.debugger.values import DebugError, QuitRequest, Value
from vmdebug.debuginfo import DebugInfo
# PID: the pid gdb's messages name ("[Inferior 1 (process N) exited normally]"), the one
# getpid() returns: fixed, for reproducible output.
from events.state import FIRST_PID as PID  # the first process's id (vmdebug.machine.kernel.PID)
from vmdebug.machine.limits import DEFAULT_MAX_STEPS, DEFAULT_NFRAMES

# The user's breakpoints and displays, the settings and the last stop are records of
# their own module (.points); they are named here too, where the commands import them.
from vmdebug.debugger.points import (  # noqa: F401
    QUIET_SIGNALS, Breakpoint, Caches, Display, LastStop, Settings,
)

if TYPE_CHECKING:
    from vmdebug.debugger.launch import Input, Launch


class Debugger:
    """One debugging session over a timeline."""

    def __init__(self, timeline: Timeline, info: ProgramInfo, header: dict[str, Any] | None = None,
                 write: Callable[[str], None] | None = None, error: Callable[[str], None] | None = None,
                 program_output: Callable[[int, bytes], None] | None = None) -> None:
        from vmdebug.debugger import commands  # noqa: F401  (registers every command)
        self.tl = timeline
        self.info = info
        self.header = header or {}
        #: Where results and errors go (see :class:`vmdebug.debugger.output.Output`).
        self.out = Output(write, error)
        self.cache = Caches()
        self.listed: tuple[str, int, int, int] | None = None   # last `list`: file, first, last, at step
        self.skip_high = 0                                     # highest `skip` number given so far
        self.program_output = program_output or _default_output
        timeline.on_output = lambda fd, data: self.program_output(fd, data)
        self._live_memory = MemoryReader(lambda: self.tl.state, info.file_maps)
        self._file_memory: MemoryReader | None = None
        #: The step at which gdb would have no process any more: the end of a run that
        #: exited, a process killed by a signal once that is said, or `kill` (see ``gone``).
        self.gone_at: int | None = None
        #: gdb's $_exitcode / $_exitsignal: set when an exit or a death is reported, kept
        #: until the next one (infrun.c clear_exit_convenience_vars), also across run and kill.
        self.exit_vars: dict[str, int] = {}
        #: The child of the fork a fork catchpoint is stopping at, and its notice, said at
        #: the next resume (vmdebug.debugger.motion._held).
        self.fork_hold: int | None = None
        self.held_notices: list[str] = []
        #: gdb's ``record``: the step where it started (going back stops there, "No more
        #: reverse-execution history."), and whether ``record stop`` ended it (no going back).
        self.record_floor: int | None = None
        self.record_stopped = False
        #: A stop has shown where it is: gdb then has a default breakpoint location
        #: (set_current_sal_from_frame), which the exit does not clear.
        self.shown_stop = False
        # gcc's DWARF, as linked into the image (None for assembly or older sessions:
        # commands then fall back to ELF symbols and the line table, as gdb does).
        self.debug: DebugInfo | None = DebugInfo.from_image(self.header.get("image"))
        info.attach_debug(self.debug)
        self._lines: LineIndex | None = None          # built by the first motion that steps by lines
        self.convenience: dict[str, Value] = {}
        #: The user's aliases (``alias``), by their words ("spe", "info reg2").
        self.aliases: dict[str, Any] = {}
        #: The line typed before this one (the REPL's), which ``pipe`` without a command runs.
        self.previous_command = ""
        from vmdebug.debugger.skips import default_skips
        self.skips = default_skips()
        self.breakpoints: list[Breakpoint] = []
        self.next_bp = 1
        self.displays: list[Display] = []
        self.next_display = 1
        self.values: list[Value] = []
        self.values_shown = 1           # where `show values +` goes on
        self.frame_level = 0
        self.bp_stop: tuple[int, tuple[Any, ...]] | None = None       # the step and symbols of a breakpoint stop
        #: (step, N): at that step frame 0 hides at most N inlined calls starting there, as a
        #: stepping command left gdb's inline_state (see vmdebug.debugger.inline_steps).
        self.inline_skip: tuple[int, int] | None = None
        #: The process the last stop was reported in: a stop in another one says so first.
        self.shown_pid = PID
        self.scan_from: tuple[int, int, bool] | None = None           # (step, pid, forward) of the last scan
        self.forks_said: set[int] = set()     # children the last scan announced as the output went past
        self.exit_said: int | None = None    # the followed child whose exit it announced so
        self.settings = Settings()
        # x's last format letter ("": by type), size letter and next address, and its last
        # count (printcmd.c last_format, last_size, next_address, last_count)
        self.x_state: tuple[str, str, int | None] = ("", "w", None)
        self.x_count = 0
        self.fail_header = ""            # printed before a failing command's message (run_script)
        self.x_armed = False            # printcmd.c next_gdbarch: x, display/i or set_next_address gave one
        self.list_pos: tuple[str, int] | None = None                  # file, last line listed
        #: gdb's last_line_listed (the first line the last listing printed: search starts
        #: after it) and the last search's regular expression.
        self.search_line: tuple[str, int] | None = None
        self.search_regexp = ""
        self.last_command = ""          # the command running (until LOCATION is "advance", as gdb runs it)
        #: Why the cursor last stopped (for info program and $_siginfo): set by every report.
        self.last_stop: LastStop | None = None
        self.failed = False
        self._frames: tuple[int, list[Frame]] | None = None
        self._frame0: tuple[Any, Frame] | None = None      # innermost_frame's, when unwound alone
        self.on_stop: Callable[[], None] | None = None                # REPL context display
        #: How a program recorded here starts (None for a session file: its run is fixed).
        self.launch: Launch | None = None
        self.interactive = False                                      # commands come from a terminal
        #: The next line of the input the current command came from (None at its end), for
        #: commands that read lines of their own (``commands``); None: there is no more.
        self.read_line: Callable[[str], str | None] | None = None
        self._acting = False                  # running a breakpoint's commands
        self._acted: LastStop | None = None   # the stop whose commands ran

    @property
    def gone(self) -> bool:
        """No process exists here, for gdb: the cursor is where the run ended by exiting
        (or where ``kill`` left it).  Frames and registers are then gdb's "No stack." and
        "No registers.", and memory is the program file's (:class:`FileMemory`).  Moving
        the cursor anywhere else brings the recorded process back."""
        return self.gone_at is not None and self.gone_at == self.tl.cursor

    @property
    def segment_selectors(self) -> dict[str, int]:
        """The segment registers' selectors in this session's layout: what the program reads
        with ``mov eax, ds`` (vmdebug.machine.segments)."""
        from vmdebug.machine.segments import USER_SELECTORS
        return USER_SELECTORS[self.header.get("machine", {}).get("layout", "i386")]

    @property
    def has_process(self) -> bool:
        """A thread exists for gdb (``thread``, ``$_thread``, ``info files``): a stop has been
        reported and the process has not gone since (see ``gone``)."""
        return not self.gone and self.last_stop is not None

    @property
    def memory(self) -> MemoryReader:
        if not self.gone:
            return self._live_memory
        if self._file_memory is None:
            from vmdebug.debugger.memory import FileMemory
            alloc = [(r.start, r.end) for r in self.info.regions if "a" in r.flags and r.end > r.start]
            self._file_memory = FileMemory(alloc, self.info.segments)
        return self._file_memory

    @property
    def history_floor(self) -> int:
        """The first step going back may reach: where gdb's ``record`` started, else 0."""
        return self.record_floor if self.record_floor is not None else 0

    # ---- output ------------------------------------------------------------------
    def write(self, text: str = "") -> None:
        self.out.write(text)

    def lines_out(self, lines: list[str]) -> None:
        for line in lines:
            self.out.write(line)

    def error(self, text: str) -> None:
        self.out.error(text)

    # ---- running commands ------------------------------------------------------------
    def execute(self, line: str) -> bool:
        """Run one command line; False if it failed (the message was printed)."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        try:
            self.run_command(text)
            self.failed = False
            if not self._acting:
                return self.breakpoint_actions()
            return True
        except (DebugError, DamagedLog) as exc:
            self._failed(str(exc))
        except (QuitRequest, BrokenPipeError):   # quitting, or nobody reads the output any more
            raise
        except KeyboardInterrupt:
            self._failed("Quit")
        except Exception as exc:  # a bug: still one line, and the session goes on
            self._failed(f"internal error: {type(exc).__name__}: {exc}")
        finally:
            for w in self.tl.take_warnings():
                self.error(f"warning: {w}")
        self.failed = True
        return False

    def _failed(self, message: str) -> None:
        """The message of a command that failed, after ``fail_header`` the first time (a
        command file's "FILE:N: Error in sourced command file:", also when the failing
        command is one of a breakpoint's that the file's command ran); what the command
        said before it failed has already been printed, in order."""
        if self.fail_header:
            self.error(self.fail_header)
            self.fail_header = ""
        self.error(message)

    def run_command(self, text: str) -> None:
        """Run one command, its errors raised (``execute`` prints them; ``pipe`` lets
        them out of the redirection first, as gdb's execute_command_to_ui_file does)."""
        cmd, arg = resolve(text, self.aliases)
        self.last_command = "advance" if cmd.name == "until" and arg.strip() else cmd.name
        if cmd.needs and self.gone:
            from vmdebug.debugger.registry import NO_PROCESS
            raise DebugError(NO_PROCESS[cmd.needs])
        cmd.handler(self, arg)

    def breakpoint_actions(self) -> bool:
        """Run the command lists of the breakpoints the last stop hit, as gdb's
        bpstat_do_actions does after each command: a command that moves the cursor ends
        its list, and the commands of the stop it made run next.  They run as from a
        script (gdb's from_tty 0); False if one failed (the rest are dropped)."""
        self._acting = True
        saved = self.interactive
        self.interactive = False
        try:
            while True:
                stop = self.last_stop
                if stop is None or stop is self._acted or stop.step != self.tl.cursor:
                    return True
                self._acted = stop
                lists = [b.commands for b in stop.breakpoints if b.commands]
                moved = False
                for lines in lists:
                    for line in lines[1:] if lines[0].strip() == "silent" else lines:
                        if not self.execute(line):
                            return False
                        if self.last_stop is not stop:
                            moved = True
                            break
                    if moved:
                        break
                if not moved:
                    return True
        finally:
            self._acting = False
            self.interactive = saved

    # ---- state at the cursor -------------------------------------------------------------
    @property
    def regs(self) -> list[int]:
        return self.tl.state.regs

    @property
    def pc(self) -> int:
        return self.tl.state.regs[C.EIP]

    def frames(self) -> list[Frame]:
        key = self._frames_key()
        if self._frames is None or self._frames[0] != key:
            self._frames = (key, build_frames(self))
        return self._frames[1]

    def innermost_frame(self) -> Frame:
        """``frames()[0]``, without unwinding the callers while the whole list is not needed
        (gdb unwinds a caller only when asked for it: get_prev_frame).  A stop shows frame 0
        alone, and unwinding a caller reads its unit's DWARF."""
        key = self._frames_key()
        if self._frames is not None and self._frames[0] == key:
            return self._frames[1][0]
        if self._frame0 is None or self._frame0[0] != key:
            self._frame0 = (key, build_frames(self, limit=1)[0])
        return self._frame0[1]

    @contextmanager
    def innermost_frames(self, frames: list[Frame]) -> Iterator[None]:
        """Within the block, :meth:`frames` at the cursor is ``frames``: the innermost ones
        only (``build_frames(dbg, limit)``), for a view that draws a step of a deep recursion
        without unwinding all of it (printing a value asks for the selected frame).  The
        full list comes back after, so a motion from this step sees every frame."""
        saved = self._frames
        self._frames = (self._frames_key(), frames)
        try:
            yield
        finally:
            self._frames = saved

    def _frames_key(self) -> tuple[int, bool, int | None, bool]:
        return (self.tl.cursor, self.stop_symbols() is not None, self.skip_limit(),
                self.settings.frame_options.past_main)

    def skip_limit(self) -> int | None:
        """How many inlined calls starting at the pc frame 0 may hide (gdb's inline_state
        skipped_frames, as the last stepping command left it); None: as many as start there
        (skip_inline_frames at any other stop)."""
        skip = self.inline_skip
        if skip is None or skip[0] != self.tl.cursor:
            return None
        return skip[1]

    def stop_symbols(self) -> tuple[Any, ...] | None:
        """At a stop by user breakpoints, the function block of each location hit (see
        frames.build_frames); None anywhere else."""
        stop = self.bp_stop
        if stop is None or stop[0] != self.tl.cursor:
            return None
        return stop[1]

    def selected_frame(self) -> Frame:
        if self.frame_level == 0:
            return self.innermost_frame()
        frames = self.frames()
        return frames[min(self.frame_level, len(frames) - 1)]

    @property
    def symbolizer(self) -> Any:
        """The program's one symbolizer: gdb's minimal symbols and DWARF functions
        (:class:`vmdebug.debuginfo.valprint_symbols.AddressSymbolizer`)."""
        sym = self.cache.symbolizer
        if sym is None:
            from vmdebug.debuginfo.valprint_symbols import AddressSymbolizer
            functions = self.debug.functions() if self.debug is not None else []
            sym = self.cache.symbolizer = AddressSymbolizer(self.info.symbol_rows, self.info.section_rows,
                                                            functions)
        return sym

    def symbolize(self, addr: int, demangle: bool = True) -> str:
        """gdb's ``<sym+off>`` after an address that points into a symbol ("" if none)."""
        return self.symbolizer(addr, demangle)

    def label(self, addr: int) -> str:
        return self.symbolizer(addr)

    def code_label(self, addr: int) -> str:
        return self.symbolizer(addr) if self.info.in_text(addr) else ""

    def frame_setup_end(self, sym: Sym) -> int | None:
        """Address right after the function's ``push ebp; mov ebp,esp`` (None if it has none).

        gcc puts it first, except in a main that realigns the stack
        (``lea ecx,[esp+4]; and esp,-16; push [ecx-4]`` come before it)."""
        cache = self.cache.setup_end
        if sym.address not in cache:
            code = self.memory.try_read(sym.address, 32)[0]
            found = None
            for seq in (b"\x55\x89\xe5", b"\x55\x8b\xec"):
                k = code.find(seq)
                if k >= 0 and (found is None or k < found):
                    found = k
            cache[sym.address] = None if found is None else sym.address + found + 3
        return cache[sym.address]

    def prologue_done(self, frame: Frame) -> bool:
        """Frame 0's ebp is its own (the ``mov ebp,esp`` ran) - or it does not use ebp at all."""
        if frame.func is None or frame.level > 0:
            return True
        end = self.frame_setup_end(frame.func)
        if end is None:
            return frame.pc != frame.func.address
        return frame.pc >= end

    def uses_frame_pointer(self, sym: Sym) -> bool:
        return self.frame_setup_end(sym) is not None

    # ---- stepping ----------------------------------------------------------------------
    def function_name_at(self, addr: int) -> str | None:
        if self.debug is not None:
            fn = self.debug.function_at(addr)
            if fn is not None:
                return fn.name
        sym = self.info.function_at(addr)
        return sym.name if sym is not None else None

    def relaunch(self) -> bool:
        """Before ``run``: record the program anew if its arguments, environment or input
        changed since this recording started, or if it read the terminal (breakpoints and
        settings stay).  True if it did."""
        launch = self.launch
        if launch is None:
            return False
        # What was typed at the terminal is typed again, as gdb's inferior reads it again.
        proc = self.tl.process
        typed = proc is not None and proc.stdin.tty and proc.stdin.consumed > 0
        if launch.key() == launch.recorded and not typed:
            return False
        progress = self.tl.progress
        self.tl, self.header = launch.start()
        self.tl.on_output = lambda fd, data: self.program_output(fd, data)
        self.tl.progress = progress
        self.cache = Caches(symbolizer=self.cache.symbolizer, setup_end=self.cache.setup_end,
                            entries=self.cache.entries)
        self._frames = None
        self._frame0 = None
        self.shown_pid = PID
        return True

    @property
    def lines(self) -> LineIndex:
        """The program's lines as ``step``, ``next`` and ``until`` see them, with the skip list
        applied: built on first need (a session opened to run to a breakpoint never needs it)."""
        if self._lines is None:
            from vmdebug import libc
            self._lines = LineIndex(self.info, str(libc.LIBC_DIR))
            self._skip_lines(self._lines)
        return self._lines

    def apply_skips(self) -> None:
        """Recompute where ``step`` may stop after the skip list changed."""
        if self._lines is not None:
            self._skip_lines(self._lines)
        self.cache.entries = None

    def _skip_lines(self, lines: LineIndex) -> None:
        # Only a function entry asks for the name (finding it reads the unit's DWARF).
        by_name = any(e.enabled and e.function for e in self.skips)

        def skipped(file: str, addr: int) -> bool:
            if self.debug is None and "/vmdebug/libc/" in file:
                return True      # an older session: the libc's assembly, named by its install path
            name = self.function_name_at(addr) if by_name else None
            return any(e.skips(file, name) for e in self.skips)
        lines.set_skips(skipped)

    # ---- variables ---------------------------------------------------------------------
    def variable_value(self, var: Any, frame: Frame) -> Value:
        """A DWARF variable's value in ``frame`` (see :mod:`vmdebug.debugger.variables`)."""
        from vmdebug.debugger.variables import variable_value
        return variable_value(self, var, frame)

    def frame_args(self, frame: Frame) -> list[tuple[str, Value]]:
        from vmdebug.debugger.variables import frame_args
        return frame_args(self, frame)

    def frame_locals(self, frame: Frame) -> list[tuple[str, Value]]:
        from vmdebug.debugger.variables import frame_locals
        return frame_locals(self, frame)

    # ---- expressions ---------------------------------------------------------------------
    def type_scope(self, frame: Frame | None = None) -> E.TypeScope:
        """Type names for the parser: the program's typedefs and tags, nearest unit first."""
        ctx: list[EV.EvalContext] = []

        def known(name: str) -> bool:
            if frame is None:
                return True
            if not ctx:
                ctx.append(self.context(frame))
            return ctx[0].lookup(name) is not None
        debug = self.debug
        if debug is None:
            return E.TypeScope(symbol=known)
        unit = None
        if frame is not None and frame.function is not None:
            unit = frame.function.unit
        return E.TypeScope(lambda name: debug.lookup_typedef(name, unit),
                           lambda kind, name: debug.lookup_tag(kind, name, unit), known)

    def parse(self, text: str) -> Any:
        return E.parse(text, self.type_scope(self.selected_frame()))

    def parse_at(self, text: str, pc: int) -> Any:
        """Parse ``text`` in the scope of the code at ``pc`` (a breakpoint condition)."""
        from vmdebug.debugger.variables import known_at
        debug = self.debug
        unit = debug.unit_at(pc) if debug is not None else None
        if debug is None:
            return E.parse(text, E.TypeScope(symbol=lambda name: known_at(self, pc, name)))
        return E.parse(text, E.TypeScope(lambda name: debug.lookup_typedef(name, unit),
                                         lambda kind, name: debug.lookup_tag(kind, name, unit),
                                         lambda name: known_at(self, pc, name)))

    def context(self, frame: Frame | None = None) -> EV.EvalContext:
        from vmdebug.debugger.variables import make_context
        return make_context(self, frame or self.selected_frame())

    def evaluate(self, text: str, bound: dict[str, Any] | None = None) -> Value:
        """``text``'s value in the selected frame; ``bound``: names already bound to variables
        that need no frame (a display's, as gdb keeps the symbols its expression was parsed with)."""
        frame = self.selected_frame()
        ctx = self.context(frame)
        scope = self.type_scope(frame)
        if bound:
            from vmdebug.debugger.variables import bind
            bind(self, ctx, frame, bound)
            known = scope.symbol
            scope.symbol = lambda name: name in bound or known is None or known(name)
        return EV.evaluate(E.parse(text, scope), ctx)

    def eval_int(self, text: str) -> int:
        v = self.evaluate(text)
        ctx = self.context()
        t = v.type.strip()
        if t.kind == "error":
            return v.address or 0
        if t.kind == "void":            # $nosuch: gdb's unpack_long refuses it
            raise DebugError("Value can't be converted to integer.")
        if t.kind == "func":
            return v.code_address if v.code_address is not None else v.address or 0
        if t.kind == "array":
            v = EV.coerce_array(ctx, v)
        EV.fetch(ctx, v)
        return EV.as_int(v) & 0xFFFFFFFF

    def eval_long(self, text: str) -> int:
        """An expression as gdb's parse_and_eval_long reads a count: signed as its type
        says (``-5`` is -5, not an address)."""
        v = self.evaluate(text)
        t = v.type.strip()
        if t.kind not in ("int", "enum", "bool", "pointer"):
            return self.eval_int(text)
        ctx = self.context()
        EV.fetch(ctx, v)
        return EV.as_int(v)

    def truth(self, text: str) -> bool:
        """A condition's truth in the selected frame (C: nonzero)."""
        frame = self.selected_frame()
        ctx = self.context(frame)
        return EV.truth(ctx, EV.evaluate(E.parse(text, self.type_scope(frame)), ctx))

    def record_value(self, v: Value) -> int:
        if v.data is None and not v.optimized_out and v.type.strip().kind not in ("func", "error"):
            try:
                EV.fetch(self.context(), v)          # the history keeps the value as printed
            except DebugError:
                pass
        self.values.append(v)
        return len(self.values)

    def show_value(self, v: Value, fmt: str = "", top_level: bool = True, strict: bool = False) -> str:
        """A value as gdb prints it after ``$N = `` (or inside a frame line when not top level)."""
        from vmdebug.debugger.variables import show_value
        return show_value(self, v, fmt, top_level, strict)

    # ---- locations -----------------------------------------------------------------------
    def frame_arg_text(self, v: Value) -> str:
        """An argument as a frame line shows it (scalars only, ``...`` otherwise)."""
        from vmdebug.debugger.variables import arg_text
        return arg_text(self, v)

    def frame_line(self, frame: Frame, force_addr: bool = False) -> str:
        """``factorial (n=5) at rf.c:41`` / ``0x080490a8 in main () at rf.c:50`` / ``0x08049003 in f ()``."""
        from vmdebug.debugger.variables import frame_line
        return frame_line(self, frame, force_addr)

    def source_line(self, pc: int, with_addr: bool = False) -> str | None:
        loc = self.info.line_for(pc)
        if loc is None:
            return None
        text = self.info.source_text(loc[0])
        body = text[loc[1] - 1] if text is not None and 0 < loc[1] <= len(text) else ""
        self.list_pos = (loc[0], loc[1])
        self.search_line = (loc[0], 0)      # gdb: a stop's or frame's line leaves last_line_listed 0
        self.listed = None          # gdb: the next `list` centres on the line just shown
        prefix = f"{pc:#010x}\t" if with_addr else ""
        return f"{prefix}{loc[1]}\t{body}"

    def frame_source_line(self, frame: Frame) -> str | None:
        """``LINE<TAB>TEXT`` of a frame's position as gdb's print_frame_info shows it
        (find_frame_sal: a caller's call line, an inlined call's call site)."""
        from vmdebug.debugger.variables import frame_sal
        loc, _show = frame_sal(self, frame)
        return None if loc is None else self.source_text_line(loc[0], loc[1])

    def print_location(self, src_and_loc: bool = True) -> None:
        """What gdb prints after a stop (print_stop_event): the frame line and/or the
        source line of the frame's position - the call site when an inlined call is
        about to start there (gdb's skip_inline_frames)."""
        from vmdebug.debugger.variables import frame_sal
        self.shown_stop = True
        frame = self.innermost_frame()
        loc, show_addr = frame_sal(self, frame)
        if loc is None:
            self.write(self.frame_line(frame, True))
            return
        line = self.source_text_line(loc[0], loc[1])
        if src_and_loc:
            self.write(self.frame_line(frame))
            self.write(line)
        else:
            self.write((f"{frame.pc:#010x}\t" if show_addr else "") + line)

    def source_text_line(self, file: str, line: int) -> str:
        """``LINE<TAB>TEXT`` for a stop, remembered as the place ``list`` continues from."""
        text = self.info.source_text(file)
        body = text[line - 1] if text is not None and 0 < line <= len(text) else ""
        self.list_pos = (file, line)
        self.search_line = (file, 0)        # gdb: a stop's or frame's line leaves last_line_listed 0
        self.listed = None          # gdb: the next `list` centres on the line just shown
        return f"{line}\t{body}"

    def after_stop(self, displays: bool = True) -> None:
        """Displays, then the REPL's context (if any)."""
        self.frame_level = 0
        if displays:
            from vmdebug.debugger.commands.data import show_displays
            show_displays(self)
        if self.on_stop is not None:
            self.on_stop()

    # ---- the end of the run ------------------------------------------------------------
    def end_text(self) -> str:
        end = self.tl.end()
        if end.how == "exited":
            return exit_text(end.status)
        if end.how == "killed":
            from vmdebug.signals import signal_name
            return f"killed by {signal_name(end.signal)}"
        return end.how


def exit_text(status: int) -> str:
    """gdb's words for a process's exit status (infrun.c print_exited_reason)."""
    st = status & 0xFF
    return "exited normally" if st == 0 else f"exited with code 0{st:o}"


def _default_output(fd: int, data: bytes) -> None:
    stream = sys.stdout if fd == 1 else sys.stderr
    stream.flush()
    try:
        stream.buffer.write(data)
        stream.buffer.flush()
    except (AttributeError, ValueError):
        stream.write(data.decode(errors="replace"))


def open_debugger(target: str, args: list[str], write: Callable[[str], None] | None = None,
                  error: Callable[[str], None] | None = None,
                  program_output: Callable[[int, bytes], None] | None = None,
                  stdin: "Input | bytes" = b"", layout: str = "i386", memory_mib: int = DEFAULT_NFRAMES // 256,
                  opt: str = "0", max_steps: int = DEFAULT_MAX_STEPS, env: list[str] | None = None,
                  files: dict[str, bytes] | None = None) -> Debugger:
    """A debugger on a program (recorded as it runs) or on a ``.vmlog`` session (replayed)."""
    from vmdebug.errors import UserError
    if target.endswith(".vmlog") or _is_session(target):
        from events.session import SessionError, open_session
        try:
            sess = open_session(target)
        except SessionError as exc:
            raise UserError(f"{target}: {exc}") from None
        if sess.log.nsteps == 0:
            raise UserError(f"{target}: the session holds no steps")
        header = sess.header
        nframes = int(header.get("machine", {}).get("nframes", memory_mib * 256))
        tl = Timeline(sess.log, nframes, end=sess.end, checkpoints=sess.checkpoints)
        info = ProgramInfo(header.get("image"), str(header.get("program", target)))
        # Replayed output was written by a program nobody ran here: escaped for the terminal.
        shown = program_output or _default_output
        dbg = Debugger(tl, info, header, write, error, lambda fd, data: shown(fd, safe_bytes(data)))
        for w in sess.warnings + tl.take_warnings() + info.warnings:
            dbg.error(f"warning: {w}")
        return dbg
    from vmdebug.debugger.launch import Launch
    from vmdebug.program import load_program
    program = load_program(target, opt)
    launch = Launch(target, program, list(args), list(env or []), stdin, layout, memory_mib * 256, max_steps, opt,
                    dict(files or {}))
    tl, header = launch.start()
    info = ProgramInfo(program.image, os.path.basename(target))
    dbg = Debugger(tl, info, header, write, error, program_output)
    dbg.launch = launch
    for w in info.warnings:
        dbg.error(f"warning: {w}")
    return dbg


def _is_session(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(8) == b"\x89VMLOG\r\n"
    except OSError:
        return False
