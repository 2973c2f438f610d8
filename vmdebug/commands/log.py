"""``vmdebug log info|export|files FILE``: look inside a session file without the debugger."""
from __future__ import annotations

import argparse
import json
import sys

from events.end import RunEnd
from events.session import Session, SessionError, open_session
from vmdebug.commands import help_line
from vmdebug.errors import UserError
from vmdebug.safetext import safe_line
from vmdebug.progress import Progress
from vmdebug.signals import signal_name


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("log", help=help_line("log"))
    lsub = p.add_subparsers(dest="log_command", metavar="ACTION", required=True)
    info = lsub.add_parser("info", help="summary: steps, events, bytes, program, how it ended")
    info.add_argument("file")
    info.set_defaults(func=run_info)
    export = lsub.add_parser("export", help="every event as JSON Lines")
    export.add_argument("file")
    export.add_argument("-o", "--output", help="write to this file instead of stdout")
    export.set_defaults(func=run_export)
    files = lsub.add_parser("files", help="the files the program was given and those it wrote; --extract DIR "
                                          "copies them out")
    files.add_argument("file")
    files.add_argument("--extract", metavar="DIR", help="write them under DIR (given/ and written/)")
    files.set_defaults(func=run_files)


def load(path: str, events: bool = True) -> Session:
    try:
        with Progress("opening") as status:
            session = open_session(path, events=events, progress=status.update)
    except SessionError as exc:
        raise UserError(f"{path}: {exc}") from None
    for warning in session.warnings:
        print(f"vmdebug: warning: {path}: {warning}", file=sys.stderr)
    return session


def describe_end(end: RunEnd) -> str:
    how = end.how
    if how == "exited":
        return f"exited with status {end.status}"
    if how == "killed":
        text = f"killed by {signal_name(end.signal)}"
        if end.reason:
            text += f" ({end.reason})"
        return text
    if how == "limit":
        if end.reason.startswith("deadlock"):
            return f"stopped: {end.reason}"
        return f"stopped at the step limit ({end.reason})".rstrip(" ()")
    if how == "interrupted":
        return "interrupted"
    return "unknown (the recording did not finish)"


def run_files(args: argparse.Namespace) -> int:
    """List the session's files; with --extract, write them out.  The names come from a file
    anyone may have written: one that would leave DIR (absolute, or with ``..``) is refused."""
    import os
    from vmdebug.machine.files import normalize
    session = load(args.file, events=False)
    given, written = session.files
    if not given and not written:
        print("no files: the program was given none (--file) and wrote none")
        return 0
    for kind, files in (("given", given), ("written", written)):
        for name, data in sorted(files.items()):
            print(f"{kind:<8} {len(data):>10}  {safe_line(name)}")
    if args.extract:
        for kind, files in (("given", given), ("written", written)):
            for name, data in sorted(files.items()):
                rel = normalize(name)
                if rel is None or "\0" in rel:
                    raise UserError(f"{args.file}: refusing to extract {safe_line(name)!r}: it would leave {args.extract}")
                target = os.path.join(args.extract, kind, *rel.split("/"))
                try:
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "wb") as f:
                        f.write(data)
                except OSError as exc:
                    raise UserError(f"{target}: {exc.strerror}") from None
    return 0


def run_info(args: argparse.Namespace) -> int:
    session = load(args.file, events=False)
    if session.footer is not None:
        steps = int(session.footer["steps"]) - 1
        events = int(session.footer["events"])
    else:
        steps, events = session.log.last_step, len(session.log)
    header = session.header
    print(f"program: {safe_line(str(header.get('program', '?')))}")
    argv = header.get("argv")
    if isinstance(argv, list):
        print("argv: " + " ".join(safe_line(str(a)) for a in argv))
    print(f"steps: {max(steps, 0)}")
    print(f"events: {events}")
    print(f"bytes: {session.size}")
    if steps > 0:
        print(f"bytes per step: {session.size / steps:.2f}")
    print(f"ended: {safe_line(describe_end(session.end))}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    session = load(args.file)
    out = open(args.output, "w") if args.output else sys.stdout
    try:
        dumps = json.JSONEncoder(separators=(",", ":")).encode
        status = Progress("exporting", total=session.log.nsteps)
        shown = -1
        for step, model in session.log.iter_models():
            if step - shown >= 0x1000:
                status.update(step)
                shown = step
            row = {"step": step}
            row.update(model.model_dump(mode="json"))
            out.write(dumps(row) + "\n")
    finally:
        status.clear()
        if out is not sys.stdout:
            out.close()
    return 0
