"""The socket loop: one gdb at a time, as many one after another as come.

Each connection starts the process again at step 0 with no breakpoints
(:meth:`Target.reset`).  Packets are acknowledged (``+``), bad checksums
refused (``-``, gdb retransmits) and a ``-`` from gdb makes us resend the
last packet, until ``QStartNoAckMode`` turns acknowledgements off.

While a resume scans the history, a watcher thread reads the socket: a
0x03 byte (gdb's Ctrl-C) sets the timeline's ``interrupted`` flag, which the
scan and the recording loop check, so the resume ends with a SIGINT stop.
Anything else gdb sends meanwhile is kept for after the stop reply.  A
client that goes away mid-resume interrupts it too, and the server waits
for the next one.
"""
from __future__ import annotations

import select
import socket
import threading
from typing import Callable

from vmdebug.gdbserver.packets import PacketReader, frame
from vmdebug.gdbserver.target import Target


def _is_resume(payload: bytes) -> bool:
    if payload in (b"bc", b"bs"):
        return True
    return payload[:1] in (b"c", b"C", b"s", b"S") or payload.startswith(b"vCont;")


class _Watcher(threading.Thread):
    """Reads the socket during a resume, for Ctrl-C (and a client that hangs up)."""

    def __init__(self, conn: socket.socket, target: Target) -> None:
        super().__init__(daemon=True)
        self.conn = conn
        self.target = target
        self.done = threading.Event()
        self.kept = bytearray()
        self.closed = False

    def run(self) -> None:
        while not self.done.is_set():
            try:
                ready, _, _ = select.select([self.conn], [], [], 0.02)
                if not ready:
                    continue
                data = self.conn.recv(4096)
            except OSError:
                data = b""
            if not data:
                self.closed = True
                self.target.interrupt()
                return
            if 0x03 in data:
                self.target.interrupt()
                data = data.replace(b"\x03", b"")
            self.kept += data

    def finish(self) -> bytes:
        self.done.set()
        self.join()
        return bytes(self.kept)


class Server:
    """Listens on ``host:port`` and serves :class:`Target` to each client in turn."""

    #: A client must say something this soon after connecting: one that never speaks would
    #: otherwise keep every other client waiting.
    FIRST_PACKET_TIMEOUT = 10.0

    def __init__(self, target: Target, host: str = "127.0.0.1", port: int = 0,
                 log: Callable[[str], None] | None = None, trace: bool = False,
                 idle_timeout: float | None = None) -> None:
        self.target = target
        self.log = log or (lambda s: None)
        self.trace = trace
        self.idle_timeout = idle_timeout
        self.sock = socket.create_server((host, port), reuse_port=False)
        self.connections = 0

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.sock.getsockname()[:2]
        return host, port

    def close(self) -> None:
        self.sock.close()

    def serve(self, once: bool = False) -> None:
        """Accept clients forever (or just one with ``once``)."""
        while True:
            try:
                conn, peer = self.sock.accept()
            except OSError:
                if self.sock.fileno() < 0:       # closed by close(): stop serving
                    return
                raise
            self.connections += 1
            self.log(f"gdb connected from {peer[0]}:{peer[1]}")
            try:
                self.session(conn)
            except TimeoutError:
                self.log("the client sent nothing in time; connection dropped")
            except OSError as exc:
                self.log(f"connection lost: {exc}")
            except Exception as exc:  # a bug in the stub must not take the server down
                self.log(f"internal error, connection closed: {type(exc).__name__}: {exc}")
            finally:
                try:
                    conn.close()
                except OSError:
                    pass
            if once:                # --once: this was the one connection; say nothing of a next
                self.log("gdb disconnected")
                return
            self.log("gdb disconnected; waiting for the next connection")

    def session(self, conn: socket.socket) -> None:
        """Serve one client until it disconnects, detaches or kills."""
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        target = self.target
        target.reset()
        reader = PacketReader()
        noack = False
        last_sent = b""
        pending = b""
        conn.settimeout(self.FIRST_PACKET_TIMEOUT)
        while True:
            data = pending or conn.recv(65536)
            pending = b""
            if not data:
                return
            conn.settimeout(self.idle_timeout)
            for ev in reader.feed(data):
                if ev.kind == "ack":
                    continue
                if ev.kind == "nak":
                    if last_sent and not noack:
                        conn.sendall(last_sent)
                    continue
                if ev.kind == "interrupt":
                    continue        # not running: nothing to interrupt
                if ev.kind == "bad":
                    if not noack:
                        conn.sendall(b"-")
                    continue
                if not noack:
                    conn.sendall(b"+")
                if self.trace:
                    self.log(f"<- {ev.payload[:200]!r}")
                if _is_resume(ev.payload):
                    target.tl.interrupted = False
                    watcher = _Watcher(conn, target)
                    watcher.start()
                    try:
                        reply = target.handle(ev.payload)
                    finally:
                        pending += watcher.finish()
                        target.tl.interrupted = False
                    if watcher.closed:
                        return
                else:
                    reply = target.handle(ev.payload)
                for p in reply.packets:
                    last_sent = frame(p)
                    if self.trace:
                        self.log(f"-> {p[:200]!r}")
                    conn.sendall(last_sent)
                if reply.noack:
                    noack = True
                if reply.close:
                    return
