"""How the debugger starts a program it records: the arguments, environment and standard
input that gdb's ``set args``, ``set environment`` and ``run ARGS < FILE`` (and vmdebug's
``set stdin``) change.  A change makes the next ``run`` record the program anew.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vmdebug.replay.timeline import Timeline


@dataclass(frozen=True)
class Input:
    """Where a recorded program's standard input comes from: a file's bytes (none: end of
    file at once), or the terminal, read line by line as the program asks."""
    source: Any = b""          # bytes, or the terminal's binary stream
    name: str = ""             # the file it was read from ("" for none, or the terminal)

    @property
    def terminal(self) -> bool:
        return not isinstance(self.source, (bytes, bytearray))

    def describe(self) -> str:
        """For ``show stdin``: the terminal, "FILE", or empty."""
        if self.terminal:
            return "the terminal"
        return f'"{self.name}"' if self.name else "empty (the program reads end of file)"


@dataclass
class Launch:
    """How a program the debugger records is started: gdb's ``set args``, ``set environment``
    and ``run ARGS < FILE`` (and vmdebug's ``set stdin``) change it, and the next ``run``
    records it anew."""
    target: str
    program: Any
    args: list[str]
    env: list[str]
    stdin: Any                          # Input (bytes are taken as a file's contents)
    layout: str
    nframes: int
    max_steps: int
    opt: str
    files: dict[str, bytes] = field(default_factory=dict)    # --file: what the program can open
    recorded: tuple[Any, ...] = ()      # what the current recording was started with
    args_text: str = ""                 # the arguments as typed (show args)
    base_stdin: Input = Input()         # set stdin, or how vmdebug started: when no < FILE is given
    initial_stdin: Input = Input()      # how vmdebug started (--stdin FILE, the terminal or nothing)
    redirected: bool = False            # the arguments hold `< FILE`, which wins over set stdin

    def __post_init__(self) -> None:
        import shlex
        self.args_text = self.args_text or shlex.join(self.args)
        if not isinstance(self.stdin, Input):
            self.stdin = Input(self.stdin)
        self.base_stdin = self.initial_stdin = self.stdin

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
