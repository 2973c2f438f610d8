"""``vmdebug web``: the session as pictures in the browser (issue #18).

    vmdebug web [--port N] [--host 127.0.0.1] [-o SESSION] PROG|SESSION.vmlog [ARGS...]

On a program it records first, as ``vmdebug record`` does (to ``-o SESSION``, or to a
temporary file removed at exit), then serves the page and its JSON API until Ctrl-C.  The
server listens on the loopback address unless another ``--host`` is asked for, and the page
then warns that anyone who can reach it can read the session.  starlette and uvicorn are
imported here, inside the command, never by ``vmdebug --help`` (issue #17).
"""
from __future__ import annotations

import argparse
import errno
import os
import shutil
import socket
import sys
import tempfile

from vmdebug.commands import help_line
from vmdebug.commands.options import add_program_options, is_loopback
from vmdebug.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("web", help=help_line("web"),
                       description="Serve a program (recorded first) or a session as pictures in the browser: "
                                   "timeline, source, registers, memory map, stack, heap, paging.")
    p.add_argument("--port", type=int, default=8018, help="port to listen on (0: any free port); default 8018")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on; default 127.0.0.1 (only this machine). Any other address lets "
                        "anyone who can reach it read the session")
    p.add_argument("-o", "--output", metavar="SESSION",
                   help="on a program: keep the recording in this session file (default: a temporary file)")
    add_program_options(p, sessions=True, stdin_default="run")
    p.set_defaults(func=cmd_web)


def _record(args: argparse.Namespace, path: str) -> None:
    """Record the program to ``path`` as ``vmdebug record -o path`` does (progress, Ctrl-C)."""
    from vmdebug.commands.run import execute
    args.output = path
    ran = execute(args)
    if ran.how == "interrupted":
        raise KeyboardInterrupt
    if ran.diagnosis:
        print(ran.diagnosis, file=sys.stderr)
    print(f"vmdebug: recorded {ran.proc.steps} steps to {path}", file=sys.stderr)


def _is_session(path: str) -> bool:
    from vmdebug.debugger.session import _is_session as sniff
    return path.endswith(".vmlog") or sniff(path)


def _bind(host: str, port: int) -> socket.socket:
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # IPPROTO_TCP named: asyncio sets TCP_NODELAY only on sockets that say so, and without
        # it a reply's body waits ~40 ms behind its headers (Nagle against delayed ACKs).
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(64)
    except (OSError, OverflowError) as exc:
        hint = " (--port 0 picks a free one)" if getattr(exc, "errno", None) == errno.EADDRINUSE else ""
        raise UserError(f"cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc}{hint}") from None
    sock.setblocking(False)
    return sock


def cmd_web(args: argparse.Namespace) -> int:
    public = not is_loopback(args.host)
    sock = _bind(args.host, args.port)        # before recording: a busy port is said at once
    tmpdir = None
    try:
        target = args.program
        if not _is_session(target):
            if args.output:
                path = args.output
            else:
                tmpdir = tempfile.mkdtemp(prefix="vmdebug-web-")
                path = os.path.join(tmpdir, os.path.splitext(os.path.basename(target))[0] + ".vmlog")
            _record(args, path)
            target = path
        elif args.args:
            raise UserError("a session's run is fixed: arguments go with a program, not a session")
        elif args.output:
            raise UserError(f"-o records a program; {target} is a session already")
        return _serve(args, target, sock, public)
    except KeyboardInterrupt:
        print("vmdebug: interrupted", file=sys.stderr)
        return 130
    finally:
        sock.close()
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)


def _serve(args: argparse.Namespace, session_path: str, sock: socket.socket, public: bool) -> int:
    import uvicorn

    from vmdebug.debugger.session import open_debugger
    from vmdebug.web.app import LOOPBACK_HOSTS, create_app
    from vmdebug.web.state import WebSession

    said: list[str] = []

    def warn(text: str) -> None:
        said.append(text)
        print(f"vmdebug: {text}", file=sys.stderr)
    # The replayed program's output is the page's to show, not the terminal's.
    dbg = open_debugger(session_path, [], write=lambda text: None, error=warn, program_output=lambda fd, data: None)
    name = str(dbg.header.get("program", os.path.basename(args.program)))
    # What opening the session warned about (a truncated file, refused checkpoints) the page says too.
    host, port = sock.getsockname()[:2]
    app = create_app(WebSession(dbg, name, public, warnings=said),
                     hosts=None if public else sorted({*LOOPBACK_HOSTS, args.host, host}))
    shown = f"[{host}]" if ":" in host else host
    print(f"vmdebug: serving {name} ({dbg.tl.last} steps) at http://{shown}:{port}/  (Ctrl-C stops)", flush=True)
    if public:
        print(f"vmdebug: listening on {host}, not the loopback address: anyone who can reach it can read "
              "the session", file=sys.stderr)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:       # uvicorn stops on Ctrl-C, then raises the signal again
        pass
    print("vmdebug: web server stopped", file=sys.stderr)
    return 0
