"""``vmdebug serve --gdb HOST:PORT PROG|SESSION``: let the real gdb debug the simulated process.

    vmdebug elf prog.c -o prog                  # the ELF gdb loads (symbols, lines)
    vmdebug serve --gdb :1234 prog.c &          # the stub, on 127.0.0.1:1234
    gdb prog -ex 'target remote :1234'          # then stepi, reverse-stepi, reverse-continue...

On a program the run is recorded as gdb moves forward; on a ``.vmlog``
session it is replayed.  Each gdb connection starts at step 0; the server
keeps serving connections until it is interrupted (or after one with
``--once``).  Port 0 picks a free port; the address is printed on stderr.
"""
from __future__ import annotations

import argparse
import os
import sys

from vmdebug.commands import help_line
from vmdebug.errors import UserError
from vmdebug.commands.options import (add_program_options, check_program_options, environment, files_from_args,
                                      is_loopback, stdin_from_file)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help=help_line("serve"),
                       description="A GDB remote-protocol stub: gdb can step, continue, and run backward "
                                   "through the simulated process (target remote HOST:PORT).")
    p.add_argument("--gdb", required=True, metavar="HOST:PORT",
                   help="address to listen on (HOST defaults to 127.0.0.1; PORT 0 picks a free one)")
    p.add_argument("--once", action="store_true", help="exit when the first gdb disconnects")
    p.add_argument("--allow-remote", action="store_true",
                   help="listen on an address other machines can reach (the default is loopback only)")
    p.add_argument("--idle-timeout", type=float, default=0, metavar="SECONDS",
                   help="drop a client that sends nothing for this long (default: never, once it has "
                        "spoken; a client silent for its first 10 s is always dropped)")
    p.add_argument("--trace", action="store_true", help="log every packet on stderr")
    add_program_options(p, sessions=True, stdin_default="serve")
    p.set_defaults(func=cmd_serve)


def parse_address(text: str) -> tuple[str, int]:
    """``HOST:PORT``, ``:PORT`` or ``PORT`` -> (host, port); the host defaults to loopback."""
    host, sep, port_text = text.rpartition(":")
    if not sep:
        host, port_text = "", text
    host = host.strip("[]") or "127.0.0.1"
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise UserError(f"--gdb {text}: expected HOST:PORT with a port from 0 to 65535")
    return host, int(port_text)


def _log(text: str) -> None:
    sys.stderr.write(f"vmdebug serve: {text}\n")
    sys.stderr.flush()


def cmd_serve(args: argparse.Namespace) -> int:
    from vmdebug.debugger.session import open_debugger
    from vmdebug.gdbserver.server import Server
    from vmdebug.gdbserver.target import Target
    host, port = parse_address(args.gdb)
    if not is_loopback(host):
        if not args.allow_remote:
            raise UserError(f"--gdb {args.gdb}: other machines could connect and read the whole session; "
                            "listen on 127.0.0.1, or add --allow-remote")
        _log(f"warning: listening on {host}, reachable from other machines (--allow-remote)")
    if args.idle_timeout < 0:
        raise UserError("--idle-timeout: expected a number of seconds >= 0")
    check_program_options(args)
    dbg = open_debugger(args.program, list(args.args), stdin=stdin_from_file(args), layout=args.layout,
                        memory_mib=args.memory, opt=args.opt, max_steps=args.max_steps,
                        error=_log, env=environment(args), files=files_from_args(args))
    target = Target(dbg, log=_log)
    try:
        server = Server(target, host, port, log=_log, trace=args.trace, idle_timeout=args.idle_timeout or None)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise UserError(f"cannot listen on {host}:{port}: {reason}") from None
    bound_host, bound_port = server.address
    from vmdebug.libc import LIBC_DEBUG_ROOT, LIBC_DIR
    _log(f"listening on {bound_host}:{bound_port} (gdb ELF -ex 'set substitute-path {LIBC_DEBUG_ROOT} "
         f"{LIBC_DIR}' -ex 'target remote {bound_host}:{bound_port}')")
    try:
        server.serve(once=args.once)
    except KeyboardInterrupt:
        _log("interrupted")
    finally:
        server.close()
    return 0
