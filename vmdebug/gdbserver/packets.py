"""Framing of the GDB Remote Serial Protocol (gdb manual, "Overview" of Appendix E).

A packet is ``$payload#cc`` where ``cc`` is the modulo-256 sum of the payload
bytes in two lower-case hex digits.  The receiver answers ``+`` (good) or ``-``
(bad checksum: please retransmit) unless no-ack mode was negotiated with
``QStartNoAckMode``.  Outside packets, byte 0x03 is an interrupt request
(Ctrl-C).  Inside a payload ``}`` escapes the next byte (XOR 0x20) and ``*``
starts a run-length encoding; gdb only sends escapes (in binary ``X``
packets, which this stub refuses anyway) but both are decoded so a payload
is always read correctly.
"""
from __future__ import annotations

from events.record import Record

INTERRUPT = 0x03
#: Largest packet this stub accepts and advertises (qSupported PacketSize, in hex there).
PACKET_SIZE = 0x4000


def checksum(data: bytes) -> int:
    """Modulo-256 sum of the payload bytes, as the protocol defines it."""
    return sum(data) & 0xFF


def escape(data: bytes) -> bytes:
    """Escape ``$ # } *`` in a reply payload (``}`` then the byte XOR 0x20)."""
    out = bytearray()
    for b in data:
        if b in b"$#}*":
            out += bytes((0x7D, b ^ 0x20))
        else:
            out.append(b)
    return bytes(out)


def frame(payload: bytes | str) -> bytes:
    """``$payload#cc`` with the payload escaped."""
    raw = payload.encode("latin-1") if isinstance(payload, str) else payload
    body = escape(raw)
    return b"$" + body + b"#" + f"{checksum(body):02x}".encode()


def unescape(body: bytes) -> bytes:
    """Undo ``}`` escapes and expand ``X*n`` run-length encoding (repeat count = n - 29)."""
    out = bytearray()
    i = 0
    n = len(body)
    while i < n:
        b = body[i]
        if b == 0x7D and i + 1 < n:
            out.append(body[i + 1] ^ 0x20)
            i += 2
        elif b == 0x2A and out and i + 1 < n:
            out += bytes((out[-1],)) * max(body[i + 1] - 29, 0)
            i += 2
        else:
            out.append(b)
            i += 1
    return bytes(out)


class Event(Record):
    """One thing read from the stream: an ack, a nak, an interrupt or a packet."""

    def __init__(self, kind: str, payload: bytes = b"") -> None:
        self.kind = kind  # "ack", "nak", "interrupt", "packet", "bad" (checksum mismatch)
        self.payload = payload


class PacketReader:
    """Splits a byte stream into events; keeps partial packets across ``feed`` calls."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def feed(self, data: bytes) -> list[Event]:
        self.buf += data
        events: list[Event] = []
        while self.buf:
            b = self.buf[0]
            if b == ord("+"):
                events.append(Event("ack"))
                del self.buf[0]
            elif b == ord("-"):
                events.append(Event("nak"))
                del self.buf[0]
            elif b == INTERRUPT:
                events.append(Event("interrupt"))
                del self.buf[0]
            elif b == ord("$"):
                end = self._find_end()
                if end < 0:
                    if len(self.buf) > 4 * PACKET_SIZE:   # never a packet: drop it rather than grow forever
                        events.append(Event("bad"))
                        self.buf.clear()
                    break
                body = bytes(self.buf[1:end])
                cc = bytes(self.buf[end + 1:end + 3])
                del self.buf[:end + 3]
                try:
                    good = int(cc, 16) == checksum(body)
                except ValueError:
                    good = False
                events.append(Event("packet" if good else "bad", unescape(body) if good else b""))
            else:
                del self.buf[0]   # line noise between packets is ignored, as gdbserver does
        return events

    def _find_end(self) -> int:
        """Index of the ``#`` ending the packet at buf[0] when its two checksum digits arrived, else -1."""
        i = 1
        n = len(self.buf)
        while i < n:
            c = self.buf[i]
            if c == 0x7D:      # an escaped byte may be '#'
                i += 2
                continue
            if c == ord("#"):
                return i if i + 3 <= n else -1
            i += 1
        return -1
