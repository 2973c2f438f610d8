"""``vmdebug run`` and ``vmdebug record``: run a program on the simulated process."""
from __future__ import annotations

import argparse
import signal
import sys
from contextlib import contextmanager
from typing import Any, Iterator, NamedTuple

from events.log import EventLog
from vmdebug.commands import help_line
from vmdebug.commands.options import (add_program_options, check_program_options, environment, files_from_args,
                                      open_stdin)
from vmdebug.machine.process import Process, program_path
from vmdebug.program import load_program, session_header
from vmdebug.progress import Progress
from vmdebug.replay.query import SmashWatch
from vmdebug.report import diagnosis, end_of_run



def register(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help=help_line("run"))
    add_program_options(run)
    run.set_defaults(func=cmd_run)
    rec = sub.add_parser("record", help=help_line("record"))
    rec.add_argument("-o", "--output", required=True, metavar="SESSION", help="session file to write (.vmlog)")
    add_program_options(rec)
    rec.set_defaults(func=cmd_record)


def _write_out(fd: int, data: bytes) -> None:
    stream = sys.stdout if fd == 1 else sys.stderr
    stream.flush()
    try:
        stream.buffer.write(data)
        stream.buffer.flush()
    except (BrokenPipeError, ValueError):
        pass


class _CtrlC:
    """Ctrl-C stops the run at once, except in the middle of writing a record to the
    session: there it waits for the record to be whole (a half record would end the file)."""

    def __init__(self) -> None:
        self.depth = 0
        self.pending = False

    def _handler(self, signum: int, frame: Any) -> None:
        if self.depth:
            self.pending = True
        else:
            raise KeyboardInterrupt

    @contextmanager
    def installed(self) -> Iterator[None]:
        previous = signal.signal(signal.SIGINT, self._handler)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        if not self.depth and self.pending:
            self.pending = False
            raise KeyboardInterrupt


class Ran(NamedTuple):
    proc: Process
    how: str             # what Process.run returned, or "interrupted"
    diagnosis: str       # the paragraph for a fatal signal ("" otherwise)


def execute(args: argparse.Namespace) -> Ran:
    """Run (and with ``-o``, record) the program; the process, how the run ended and what
    to say about it."""
    check_program_options(args)
    helper = writer = None
    if getattr(args, "output", None):
        # The session's records are deflated and made by a helper process while the run goes
        # on (the same bytes), started now so that it has imported numpy by the first chunk;
        # the writer owns it, and every way out of here ends it, with close() or abort().
        from events.records import DeflateProcess
        try:
            helper = DeflateProcess()
        except OSError:
            pass
    try:
        program = load_program(args.program, args.opt, debug=bool(getattr(args, "output", None)))
        # Read as the program asks (vmdebug.machine.stdin): a file or pipe in whole reads, a
        # terminal a line at a time; what the program read is in the session's memory writes.
        stdin = open_stdin(args)
        nframes = args.memory * 256
        files = files_from_args(args)
        if getattr(args, "output", None):
            # Only record writes a session: run does not import the writer at all (issue #17).
            from events.session import SessionWriter
            writer = SessionWriter(args.output, session_header(args.program, args.args, program, nframes,
                                                               args.layout, args.opt, files),
                                   background=helper or False)
    except BaseException:
        if helper is not None and writer is None:
            helper.kill()
        raise
    # Neither run nor record reads its past: sealed chunks go to the file (or nowhere) and
    # are let go, and record takes its checkpoints from the live state, so memory stays flat.
    ctrl_c = _CtrlC()
    smash = SmashWatch()      # the diagnosis's stack-smash note, from each chunk as it goes

    def sink(chunk: Any) -> None:
        smash.chunk(chunk)
        if writer is not None:
            with ctrl_c.deferred():
                writer.write_chunk(chunk)
    log = EventLog(sink=sink, retain=False)
    # The status line is erased before any of the program's output, so the two never mix.
    status = Progress("recording" if writer else "running")
    try:
        proc = Process(program.spec, argv=[program_path(args.program), *args.args], envp=environment(args),
                       files=files,
                       stdin=stdin, layout=args.layout, nframes=nframes, log=log,
                       on_output=lambda fd, data: (status.clear(), _write_out(fd, data)))
    except BaseException:             # exec refused the program, or Ctrl-C before the first step
        if writer is not None:
            writer.abort()
        raise
    proc.stdin.before_wait = status.clear      # no status line while the program waits for the terminal
    on_block = status.update
    if writer is not None:
        from vmdebug.replay.checkpoints import LiveCheckpoints
        live = LiveCheckpoints(proc.state, lambda: proc.kernel.next_frame, writer.write_checkpoint)

        def on_block(steps: int) -> None:
            status.update(steps)
            with ctrl_c.deferred():
                live.at(steps)
    try:
        with ctrl_c.installed():
            how = proc.run(args.max_steps, progress=on_block)
    except KeyboardInterrupt:
        how = "interrupted"
    except BaseException:
        if writer is not None:
            writer.abort()            # nothing half-written replaces an old session
        raise
    finally:
        status.clear()
    try:
        for warning in proc.kernel.warnings:
            print(f"vmdebug: warning: {warning}", file=sys.stderr)
        end = end_of_run(proc, how, args.max_steps)
        said = diagnosis(proc, end, smash.result(log)) if end.how == "killed" else ""
        if writer is not None:
            log.seal()
            writer.close(end, files=proc.kernel.files_out())
    except BaseException:
        if writer is not None:
            writer.abort()            # (after a failed close it does nothing more)
        raise
    return Ran(proc, how, said)


def exit_code(ran: Ran, max_steps: int) -> int:
    proc, how = ran.proc, ran.how
    if how == "limit":
        print(f"vmdebug: stopped after {max_steps} steps (--max-steps); the program may be stuck in a loop",
              file=sys.stderr)
        return 124
    if how == "deadlock":
        print(f"vmdebug: stopped after {proc.steps} steps: {proc.deadlock}", file=sys.stderr)
        return 124
    if how == "interrupted":
        print(f"vmdebug: interrupted after {proc.steps} steps", file=sys.stderr)
        return 130
    status, signal = proc.state.exited or (0, 0)
    if signal:
        print(ran.diagnosis, file=sys.stderr)
        return 128 + signal
    return status


def cmd_run(args: argparse.Namespace) -> int:
    return exit_code(execute(args), args.max_steps)


def cmd_record(args: argparse.Namespace) -> int:
    ran = execute(args)
    code = exit_code(ran, args.max_steps)
    print(f"vmdebug: recorded {ran.proc.steps} steps, {len(ran.proc.log)} events to {args.output}",
          file=sys.stderr)
    return code
