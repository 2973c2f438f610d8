"""The debugger session: a timeline, what is known about the program, and the
user's breakpoints, displays and value history.  :meth:`Debugger.execute`
runs one command line and never lets an exception escape: every failure is
one gdb-style line and the session goes on.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any, Callable

from events import codes as C
from vmdebug.debugger import expressions as E
from vmdebug.debugger import values as V
from vmdebug.debugger.formatting import natural, reg_value
from vmdebug.debugger.frames import Frame, build_frames
from vmdebug.debugger.memory import MemoryReader
from vmdebug.debugger.program_info import LineIndex, ProgramInfo, Sym
from vmdebug.debugger.registry import resolve
from vmdebug.debugger.timeline import Timeline
from vmdebug.debugger.values import DebugError, QuitRequest, Value
from vmdebug.machine.process import DEFAULT_MAX_STEPS, DEFAULT_NFRAMES

#: The pid gdb's messages name ("[Inferior 1 (process N) exited normally]"); the
#: simulated process has no real one, so it is fixed for reproducible output.
PID = 1000


@dataclass
class Breakpoint:
    number: int
    kind: str                  # "breakpoint", "watchpoint" (write), "read watchpoint", "acc watchpoint"
    address: int = 0
    what: str = ""             # location text, or the watched expression
    temporary: bool = False
    enabled: bool = True
    condition: str = ""
    hits: int = 0
    ignore: int = 0
    node: Any = None           # parsed watch expression
    old: Value | None = None   # watched value at the cursor when last checked
    regs: frozenset[str] = frozenset()
    ranges: tuple[tuple[int, int], ...] = ()

    @property
    def is_watch(self) -> bool:
        return self.kind != "breakpoint"


@dataclass
class Display:
    number: int
    fmt: str                   # "" or "/x" etc. (x/FMT displays start with "x")
    expr: str
    enabled: bool = True


@dataclass
class Settings:
    context: bool = True
    color: bool = False
    listsize: int = 10
    confirm: bool = False


class Debugger:
    """One debugging session over a timeline."""

    def __init__(self, timeline: Timeline, info: ProgramInfo, header: dict[str, Any] | None = None,
                 write: Callable[[str], None] | None = None, error: Callable[[str], None] | None = None,
                 program_output: Callable[[int, bytes], None] | None = None) -> None:
        from vmdebug import libc
        from vmdebug.debugger import commands  # noqa: F401  (registers every command)
        self.tl = timeline
        self.info = info
        self.header = header or {}
        self._write = write or (lambda s: sys.stdout.write(s + "\n"))
        self._error = error or (lambda s: sys.stderr.write(s + "\n"))
        self.program_output = program_output or _default_output
        timeline.on_output = lambda fd, data: self.program_output(fd, data)
        self.memory = MemoryReader(lambda: self.tl.state, info.segments)
        self.lines = LineIndex(info, str(libc.LIBC_DIR))
        from vmdebug.debugger.program_info import parse_structs
        from vmdebug.debugger.program_info import parse_globals
        defs: dict[str, list[tuple[str, str, int]]] = {}
        self.globals: dict[str, tuple[str, int]] = {}
        for fname, text in info.sources.items():
            if fname.endswith(".c") and not fname.startswith(str(libc.LIBC_DIR)):
                defs.update(parse_structs(text))
                self.globals.update(parse_globals(text))
        V.define_structs(defs)
        self.breakpoints: list[Breakpoint] = []
        self.next_bp = 1
        self.displays: list[Display] = []
        self.next_display = 1
        self.values: list[Value] = []
        self.frame_level = 0
        self.settings = Settings()
        self.x_state: tuple[str, int, int | None] = ("x", 4, None)   # fmt, size, next address
        self.list_pos: tuple[str, int] | None = None                  # file, last line listed
        self.last_command = ""
        self.failed = False
        self._frames: tuple[int, list[Frame]] | None = None
        self.on_stop: Callable[[], None] | None = None                # REPL context display
        self.interactive = False                                      # commands come from a terminal

    # ---- output ------------------------------------------------------------------
    def write(self, text: str = "") -> None:
        self._write(text)

    def lines_out(self, lines: list[str]) -> None:
        for line in lines:
            self._write(line)

    def error(self, text: str) -> None:
        self._error(text)

    # ---- running commands ------------------------------------------------------------
    def execute(self, line: str) -> bool:
        """Run one command line; False if it failed (the message was printed)."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        try:
            cmd, arg = resolve(text)
            cmd.handler(self, arg)
            self.failed = False
            return True
        except DebugError as exc:
            self.error(str(exc))
        except QuitRequest:
            raise
        except KeyboardInterrupt:
            self.error("Quit")
        except Exception as exc:  # a bug: still one line, and the session goes on
            self.error(f"internal error: {type(exc).__name__}: {exc}")
        self.failed = True
        return False

    # ---- state at the cursor -------------------------------------------------------------
    @property
    def regs(self) -> list[int]:
        return self.tl.state.regs

    @property
    def pc(self) -> int:
        return self.tl.state.regs[C.EIP]

    def frames(self) -> list[Frame]:
        key = self.tl.cursor
        if self._frames is None or self._frames[0] != key:
            self._frames = (key, build_frames(self))
        return self._frames[1]

    def selected_frame(self) -> Frame:
        frames = self.frames()
        return frames[min(self.frame_level, len(frames) - 1)]

    def label(self, addr: int) -> str:
        return self.info.addr_label(addr)

    def code_label(self, addr: int) -> str:
        return self.info.addr_label(addr) if self.info.in_text(addr) else ""

    def frame_setup_end(self, sym: Sym) -> int | None:
        """Address right after the function's ``push ebp; mov ebp,esp`` (None if it has none).

        gcc puts it first, except in a main that realigns the stack
        (``lea ecx,[esp+4]; and esp,-16; push [ecx-4]`` come before it)."""
        cache = self.__dict__.setdefault("_setup_end", {})
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

    def locals_for(self, func: str) -> list[Any]:
        """The C locals of a function with their ebp offsets (see :mod:`.locals`), cached."""
        cache = self.__dict__.setdefault("_locals", {})
        cf = self.info.cfunction(func)
        if cf is None:
            return []
        if cf.file not in cache:
            from vmdebug.debugger.locals import find_locals, function_bodies
            text = self.info.sources.get(cf.file, "")
            funcs = {k: v.line for k, v in self.info.cfuncs.items() if v.file == cf.file}
            cache[cf.file] = find_locals(text, cf.file, function_bodies(text, funcs),
                                         str(self.header.get("opt", "0"))) if text else {}
        return cache[cf.file].get(func, [])

    def frame_locals(self, frame: Frame) -> list[tuple[str, str, int]]:
        """(name, C type, address) of the locals of a frame whose ebp is known."""
        if frame.base is None or frame.cfunc is None or (frame.level == 0 and not self.prologue_done(frame)):
            return []
        return [(v.name, v.ctype, frame.base + v.offset) for v in self.locals_for(frame.name)]

    # ---- expressions ---------------------------------------------------------------------
    def context(self) -> E.EvalContext:
        frame = self.selected_frame()
        regs = list(self.regs)
        if frame.level > 0:
            regs[C.EIP] = frame.pc
            if frame.base is not None:
                regs[C.EBP] = frame.base
            regs[C.ESP] = frame.sp

        def read_reg(name: str) -> Value | None:
            return reg_value(regs, name)

        def lookup(name: str) -> Value | None:
            if frame.cfunc is not None and frame.args_at is not None:
                addr = frame.args_at
                for p in frame.cfunc.params:
                    if p.name == name:
                        t = V.parse_ctype(p.ctype)
                        return ctx.load(t, addr)
                    addr += p.size
            for lname, ltype, laddr in self.frame_locals(frame):
                if lname == name:
                    try:
                        t = V.parse_ctype(ltype)
                    except DebugError:
                        t = V.INT
                    return ctx.load(t, laddr)
            sym = self.info.lookup(name)
            if sym is None:
                return None
            if sym.kind == "func":
                return Value(V.NODEBUG_TEXT, sym.address, sym.address, name)
            if name in self.globals:  # typed from its declaration in the C source
                ctype, count = self.globals[name]
                try:
                    t = V.parse_ctype(ctype)
                except DebugError:
                    t = None
                if t is not None:
                    return ctx.load(V.array_of(t, count) if count else t, sym.address)
            return Value(V.NODEBUG, 0, sym.address, name)

        ctx = E.EvalContext(read_reg, self.memory.read, lookup, self.values)
        return ctx

    def evaluate(self, text: str) -> Value:
        return E.evaluate(E.parse(text), self.context())

    def eval_int(self, text: str) -> int:
        v = self.evaluate(text)
        if v.type.name == "nodebug":
            return v.address or 0
        if v.type.name in ("func", "nodebug_text"):
            return v.value
        return v.unsigned

    def record_value(self, v: Value) -> int:
        self.values.append(v)
        return len(self.values)

    def show_value(self, v: Value, fmt: str = "") -> str:
        from vmdebug.debugger.formatting import formatted
        def read(a: int, n: int) -> bytes | None:
            data, bad = self.memory.try_read(a, n)
            return None if bad is not None else data
        return formatted(v, fmt, self.label, self.memory.read_string, read)

    def format_typed(self, ctype: str, addr: int) -> str:
        """A C-typed value in memory, as gdb prints arguments (``n=5``, ``p=0x804c008``)."""
        try:
            t = V.parse_ctype(ctype)
        except DebugError:
            t = V.INT
        t = V.resolve_struct(t)
        if t.is_struct or t.is_array:
            return self.show_value(Value(t, addr, addr))
        if t.size <= 0:
            t = V.INT
        data, bad = self.memory.try_read(addr, t.size)
        if bad is not None:
            return f"<error: Cannot access memory at address {bad:#x}>"
        v = Value(t, V.wrap(int.from_bytes(data, "little"), t), addr)
        if t.is_ptr:
            return f"{v.unsigned:#x}" if not (t.target and t.target.name in ("char", "unsigned char")) else \
                natural(v, self.label, self.memory.read_string)
        return natural(v, self.label, self.memory.read_string)

    # ---- locations -----------------------------------------------------------------------
    def frame_line(self, frame: Frame, force_addr: bool = False) -> str:
        """``factorial (n=5) at rf.c:41`` / ``0x080490a8 in main () at rf.c:50`` / ``0x08049003 in f ()``."""
        from vmdebug.debugger.frames import frame_args
        loc = self.info.line_for(frame.pc)
        args = ", ".join(f"{n}={v}" for n, v in frame_args(self, frame))
        head = f"{frame.name} ({args})"
        show_addr = force_addr or frame.level > 0 or loc is None or not self.info.is_line_start(frame.pc)
        text = (f"{frame.pc:#010x} in " if show_addr else "") + head
        if loc is not None:
            text += f" at {self.info.short_file(loc[0])}:{loc[1]}"
        return text

    def source_line(self, pc: int, with_addr: bool = False) -> str | None:
        loc = self.info.line_for(pc)
        if loc is None:
            return None
        text = self.info.source_text(loc[0])
        body = text[loc[1] - 1] if text is not None and 0 < loc[1] <= len(text) else ""
        self.list_pos = (loc[0], loc[1])
        prefix = f"{pc:#010x}\t" if with_addr else ""
        return f"{prefix}{loc[1]}\t{body}"

    def print_location(self, src_and_loc: bool = True) -> None:
        """What gdb prints after a stop: the frame line and/or the source line."""
        frame = self.frames()[0]
        line = self.source_line(frame.pc)
        if line is None:
            self.write(self.frame_line(frame, True))
            return
        if src_and_loc:
            self.write(self.frame_line(frame))
            self.write(line)
        else:
            self.write(self.source_line(frame.pc, not self.info.is_line_start(frame.pc)) or line)

    def after_stop(self) -> None:
        """Displays, then the REPL's context (if any)."""
        self.frame_level = 0
        from vmdebug.debugger.commands.data import show_displays
        show_displays(self)
        if self.on_stop is not None:
            self.on_stop()

    # ---- the end of the run ------------------------------------------------------------
    def end_text(self) -> str:
        end = self.tl.end()
        how = end.get("how")
        if how == "exited":
            st = int(end.get("status", 0)) & 0xFF
            return "exited normally" if st == 0 else f"exited with code {st:02o}"
        if how == "killed":
            from vmdebug.signals import signal_name
            return f"killed by {signal_name(int(end.get('signal', 0)))}"
        if how == "running":
            return "running"
        return str(how or "unknown")


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
                  stdin: bytes = b"", layout: str = "i386", memory_mib: int = DEFAULT_NFRAMES // 256,
                  opt: str = "0", max_steps: int = DEFAULT_MAX_STEPS) -> Debugger:
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
        dbg = Debugger(tl, info, header, write, error, program_output)
        for w in sess.warnings:
            dbg.error(f"warning: {w}")
        return dbg
    from events.log import EventLog
    from vmdebug.machine.process import Process
    from vmdebug.program import load_program, session_header
    program = load_program(target, opt)
    nframes = memory_mib * 256
    log = EventLog()
    proc = Process(program.spec, argv=[target, *args], stdin=stdin, layout=layout, nframes=nframes, log=log)
    header = session_header(target, args, program, stdin, nframes, layout, opt)
    tl = Timeline(log, nframes, process=proc, max_steps=max_steps)
    info = ProgramInfo(program.image, os.path.basename(target))
    return Debugger(tl, info, header, write, error, program_output)


def _is_session(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(8) == b"\x89VMLOG\r\n"
    except OSError:
        return False
