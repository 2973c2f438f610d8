"""Helpers for the gdb-server tests: programs, a ``vmdebug serve`` subprocess,
the real gdb in batch mode, vmdebug's own batch debugger, and a raw RSP client."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

from vmdebug.libc import LIBC_DEBUG_ROOT, LIBC_DIR

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "DEBUGINFOD_URLS": ""}

C_PROGRAM = r"""#include <stdio.h>
#include <stdlib.h>

int counter;
int *cells;

int fact(int n)
{
    counter = counter + 1;          /* COUNT */
    if (n <= 1)
        return 1;                   /* BASE */
    return n * fact(n - 1);         /* RECURSE */
}

int main(void)
{
    int i;
    cells = malloc(4 * sizeof(int));
    for (i = 0; i < 4; i++)
        cells[i] = 0x1111 * (i + 1);    /* FILL */
    printf("fact=%d\n", fact(5));       /* CALL */
    int *p = 0;
    return *p + cells[0];               /* CRASH */
}
"""

# Counts to 5 in a global, prints "ok\n" and exits with status 3.
EXIT_S = """\
.intel_syntax noprefix
.globl _start
.data
counter: .long 0
text: .ascii "ok\\n"
.text
bump:
    push ebp
    mov ebp, esp
    mov eax, [counter]
    inc eax
    mov [counter], eax
    pop ebp
    ret
_start:
    mov ecx, 5
again:
    push ecx
    call bump
    pop ecx
    dec ecx
    jnz again
    mov eax, 4
    mov ebx, 1
    mov ecx, offset text
    mov edx, 3
    int 0x80
    mov eax, 1
    mov ebx, 3
    int 0x80
"""

# Never ends (for Ctrl-C).
SPIN_S = """\
.intel_syntax noprefix
.globl _start
.text
_start:
    xor eax, eax
spin:
    inc eax
    jmp spin
"""


def line_of(marker: str, text: str = C_PROGRAM) -> int:
    return next(k + 1 for k, line in enumerate(text.splitlines()) if f"/* {marker} */" in line)


def vmdebug(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    res = subprocess.run([sys.executable, "-m", "vmdebug", *args], capture_output=True, text=True, cwd=cwd,
                         env=ENV, timeout=120)
    if check and res.returncode != 0:
        raise AssertionError(f"vmdebug {' '.join(args)} failed: {res.stderr}")
    return res


def write_program(tmp: Path, name: str, source: str) -> tuple[Path, Path]:
    """The source file and the ELF ``vmdebug elf`` writes for it (gdb's symbols and lines)."""
    src = tmp / name
    src.write_text(source)
    elf = tmp / src.stem
    vmdebug(tmp, "elf", src.name, "-o", elf.name)
    return src, elf


class ServeProcess:
    """``vmdebug serve --gdb 127.0.0.1:0 PROG`` in a subprocess; the port is read from its log."""

    def __init__(self, cwd: Path, program: str, *extra: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "vmdebug", "serve", "--gdb", "127.0.0.1:0",
                                      *extra, program], cwd=cwd, env=ENV, stderr=subprocess.PIPE, text=True)
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline()
        m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if m is None:
            self.proc.kill()
            raise AssertionError(f"vmdebug serve did not start: {line}{self.proc.stderr.read()}")
        self.port = int(m.group(1))

    def close(self) -> str:
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err


def gdb(elf: Path, port: int, *commands: str, cwd: Path, extended: bool = False) -> str:
    """The real gdb in batch mode attached to the server; stdout and stderr together."""
    target = "extended-remote" if extended else "remote"
    argv = ["gdb", "-nx", "-batch", "-ex", "set debuginfod enabled off", "-ex", "set confirm off",
            "-ex", f"set substitute-path {LIBC_DEBUG_ROOT} {LIBC_DIR}",   # the libc's sources, here
            "-ex", f"target {target} 127.0.0.1:{port}"]
    for c in commands:
        argv += ["-ex", c]
    res = subprocess.run([*argv, str(elf)], capture_output=True, text=True, cwd=cwd, timeout=60, env=ENV)
    return res.stdout + res.stderr


def vmdebug_batch(cwd: Path, program: str, *commands: str) -> str:
    """vmdebug's own debugger in batch mode (the REPL's commands) on the same program."""
    args = ["debug", "-batch"]
    for c in commands:
        args += ["-ex", c]
    return vmdebug(cwd, *args, program, check=False).stdout


def section(text: str, start: str, end: str) -> list[str]:
    """The lines printed between a line starting with ``start`` and the next one starting with ``end``."""
    lines = text.splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith(start))
    j = next(k for k in range(i + 1, len(lines)) if lines[k].startswith(end))
    return lines[i:j]


def checksum(payload: bytes) -> bytes:
    return f"{sum(payload) & 0xFF:02x}".encode()


class RawClient:
    """A minimal RSP client over a socket, for what gdb never sends (bad checksums, garbage...)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.buf = b""

    def close(self) -> None:
        self.sock.close()

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("server closed the connection")
        self.buf += data

    def read_byte(self) -> bytes:
        while not self.buf:
            self._fill()
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def read_packet(self, ack: bool = True) -> bytes:
        """The next ``$...#cc`` packet's payload (checksum verified); acks it."""
        while True:
            while b"#" not in self.buf or len(self.buf) < self.buf.index(b"#") + 3:
                self._fill()
            start = self.buf.index(b"$")
            end = self.buf.index(b"#", start)
            body, cc = self.buf[start + 1:end], self.buf[end + 1:end + 3]
            self.buf = self.buf[end + 3:]
            assert cc == checksum(body), (body, cc)
            if ack:
                self.sock.sendall(b"+")
            return body

    def request(self, payload: bytes, noack: bool = False) -> bytes:
        """Send a packet; expect ``+`` (unless no-ack mode) and return the reply payload."""
        self.send_raw(b"$" + payload + b"#" + checksum(payload))
        if not noack:
            assert self.read_byte() == b"+"
        reply = self.read_packet(ack=not noack)
        while reply.startswith(b"O") and reply != b"OK":   # program output before a stop reply
            reply = self.read_packet(ack=not noack)
        return reply

