"""How the debugger starts a program it records: the arguments, environment and standard
input that gdb's ``set args``, ``set environment`` and ``run ARGS < FILE`` (and vmdebug's
``set stdin``) change.  A change makes the next ``run`` record the program anew.
"""
from __future__ import annotations

from typing import Any

from events.record import Frozen, Record
from vmdebug.replay.timeline import Timeline


class Input(Frozen):
    """Where a recorded program's standard input comes from: a file's bytes (none: end of
    file at once), or the terminal, read line by line as the program asks."""

    __slots__ = (
        "source",  # bytes, or the terminal's binary stream
        "name",    # the file it was read from ("" for none, or the terminal)
    )

    def __init__(self, source: Any = b"", name: str = "") -> None:
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "name", name)

    @property
    def terminal(self) -> bool:
        return not isinstance(self.source, (bytes, bytearray))

    def describe(self) -> str:
        """For ``show stdin``: the terminal, "FILE", or empty."""
        if self.terminal:
            return "the terminal"
        return f'"{self.name}"' if self.name else "empty (the program reads end of file)"


class Launch(Record):
    """How a program the debugger records is started: gdb's ``set args``, ``set environment``
    and ``run ARGS < FILE`` (and vmdebug's ``set stdin``) change it, and the next ``run``
    records it anew."""

    def __init__(self, target: str, program: Any, args: list[str], env: list[str], stdin: Any, layout: str,
                 nframes: int, max_steps: int, opt: str, files: dict[str, bytes] | None = None,
                 recorded: tuple[Any, ...] = (), args_text: str = "", redirected: bool = False) -> None:
        self.target = target
        self.program = program
        self.args = args
        self.env = env
        self.stdin = stdin if isinstance(stdin, Input) else Input(stdin)  # bytes: a file's contents
        self.layout = layout
        self.nframes = nframes
        self.max_steps = max_steps
        self.opt = opt
        self.files = {} if files is None else files  # --file: what the program can open
        self.recorded = recorded  # what the current recording was started with
        if not args_text:
            import shlex
            args_text = shlex.join(args)
        self.args_text = args_text  # the arguments as typed (show args)
        self.base_stdin = self.stdin  # set stdin, or how vmdebug started: when no < FILE is given
        self.initial_stdin = self.stdin  # how vmdebug started (--stdin FILE, the terminal or nothing)
        self.redirected = redirected  # the arguments hold `< FILE`, which wins over set stdin

    def key(self) -> tuple[Any, ...]:
        return (tuple(self.args), tuple(self.env), self.stdin.source)

    def start(self) -> tuple[Timeline, dict[str, Any]]:
        """A new live recording with the current arguments, environment and input."""
        from events.log import EventLog
        from vmdebug.machine.process import Process, program_path
        from vmdebug.program import session_header
        log = EventLog()
        proc = Process(self.program.spec, argv=[program_path(self.target), *self.args], envp=list(self.env),
                       stdin=self.stdin.source, layout=self.layout, nframes=self.nframes, log=log,
                       files=self.files)
        header = session_header(self.target, self.args, self.program, self.nframes, self.layout, self.opt,
                                self.files)
        self.recorded = self.key()
        return Timeline(log, self.nframes, process=proc, max_steps=self.max_steps), header
