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

from vmdebug.errors import UserError
from vmdebug.machine.layout import LAYOUTS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve a program or session to gdb (remote protocol, reverse execution)",
                       description="A GDB remote-protocol stub: gdb can step, continue, and run backward "
                                   "through the simulated process (target remote HOST:PORT).")
    p.add_argument("--gdb", required=True, metavar="HOST:PORT",
                   help="address to listen on (HOST defaults to 127.0.0.1; PORT 0 picks a free one)")
    p.add_argument("--once", action="store_true", help="exit when the first gdb disconnects")
    p.add_argument("--trace", action="store_true", help="log every packet on stderr")
    p.add_argument("-O", dest="opt", default="0", metavar="LEVEL", help="gcc optimisation level for .c files")
    p.add_argument("--layout", choices=sorted(LAYOUTS), default="i386", help="address-space layout")
    p.add_argument("--memory", type=int, default=128, metavar="MIB", help="simulated physical memory in MiB")
    p.add_argument("--max-steps", type=int, default=50_000_000, help="record at most this many instructions")
    p.add_argument("--stdin", metavar="FILE", help="file the program reads as its standard input")
    p.add_argument("program", metavar="PROG|SESSION", help=".s, .c, i386 ELF, or a .vmlog session")
    p.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS", help="arguments for the program")
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
    if not 1 <= args.memory <= 4096:
        raise UserError("--memory must be between 1 and 4096 MiB")
    if args.max_steps <= 0:
        raise UserError("--max-steps must be positive")
    stdin = b""
    if args.stdin:
        try:
            with open(args.stdin, "rb") as f:
                stdin = f.read()
        except OSError as exc:
            raise UserError(f"{args.stdin}: {exc.strerror}") from None
    dbg = open_debugger(args.program, list(args.args), stdin=stdin, layout=args.layout,
                        memory_mib=args.memory, opt=args.opt, max_steps=args.max_steps,
                        error=_log)
    target = Target(dbg, log=_log)
    try:
        server = Server(target, host, port, log=_log, trace=args.trace)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise UserError(f"cannot listen on {host}:{port}: {reason}") from None
    bound_host, bound_port = server.address
    _log(f"listening on {bound_host}:{bound_port} (gdb ELF -ex 'target remote {bound_host}:{bound_port}')")
    try:
        server.serve(once=args.once)
    except KeyboardInterrupt:
        _log("interrupted")
    finally:
        server.close()
    return 0
