"""Packet framing: checksums, escapes, run-length decoding, splitting a stream (gdb manual, E.1)."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from vmdebug.gdbserver.packets import PacketReader, checksum, escape, frame, unescape


def test_checksum_and_frame_match_the_manual() -> None:
    # "$g#67": the sum of 'g' (0x67) modulo 256.
    assert frame("g") == b"$g#67"
    assert frame("OK") == b"$OK#9a"
    assert frame("") == b"$#00"
    assert checksum(b"qSupported") == sum(b"qSupported") % 256


def test_reply_bytes_that_need_escaping() -> None:
    # '$', '#', '}' and '*' are sent as '}' followed by the byte XOR 0x20.
    assert escape(b"a$b#c}d*e") == b"a}\x04b}\x03c}]d}\ne"
    assert frame(b"#") == b"$}\x03#" + f"{(0x7D + 0x03) & 0xFF:02x}".encode()


@given(st.binary(max_size=300))
def test_escape_round_trip(data: bytes) -> None:
    assert unescape(escape(data)) == data


def test_run_length_encoding_is_expanded() -> None:
    # "0* " means '0' repeated 1 + (' ' - 29) = 4 times in all (manual: "Run-Length Encoding").
    assert unescape(b"0* ") == b"0000"
    assert unescape(b"x*#y") == b"x" + b"x" * (ord("#") - 29) + b"y"


def test_reader_splits_a_stream_across_feeds() -> None:
    r = PacketReader()
    stream = b"+" + frame("qSupported:multiprocess+") + b"-\x03" + frame("g")
    events = []
    for i in range(len(stream)):             # one byte at a time: partial packets are kept
        events += r.feed(stream[i:i + 1])
    assert [(e.kind, e.payload) for e in events] == [
        ("ack", b""), ("packet", b"qSupported:multiprocess+"), ("nak", b""), ("interrupt", b""),
        ("packet", b"g")]


def test_bad_checksum_and_garbage() -> None:
    r = PacketReader()
    events = r.feed(b"junk$g#00$m0,4#zz" + frame("?"))
    assert [(e.kind, e.payload) for e in events] == [("bad", b""), ("bad", b""), ("packet", b"?")]


def test_escaped_hash_inside_a_packet_does_not_end_it() -> None:
    body = escape(b"X1,1:#")
    events = PacketReader().feed(b"$" + body + b"#" + f"{checksum(body):02x}".encode())
    assert [(e.kind, e.payload) for e in events] == [("packet", b"X1,1:#")]
