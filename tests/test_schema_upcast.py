"""An old session stays readable: explicit upcasters run on load, and a missing one is a clear error."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import msgpack
import pytest

from eventgen import random_log
from events import codes as C
from events.schema import SCHEMA_VERSION
from events.session import MAGIC, SessionError, open_session, save_session


def with_schema(path: Path, schema: int) -> None:
    """Rewrite a file's header as if an older vmdebug had written it."""
    data = path.read_bytes()
    pos = len(MAGIC) + 4
    _, length, _ = struct.unpack_from("<2sII", data, pos)
    header = msgpack.unpackb(zlib.decompress(data[pos + 10:pos + 10 + length]), raw=False)
    header["schema"] = schema
    payload = zlib.compress(msgpack.packb(header, use_bin_type=True))
    rest = data[pos + 10 + length:]
    # the footer's offset moves with the header's size
    footer_at, magic = struct.unpack_from("<Q8s", rest, len(rest) - 16)
    shift = len(payload) - length
    rest = rest[:-16] + struct.pack("<Q8s", footer_at + shift, magic)
    path.write_bytes(data[:pos] + struct.pack("<2sII", b"HD", len(payload), zlib.crc32(payload)) + payload + rest)


def test_an_old_schema_is_upcast_on_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.vmlog"
    log = random_log(4, 200)
    save_session(path, {"program": "old"}, log)
    with_schema(path, SCHEMA_VERSION - 1)
    calls = []

    def upcast_previous(cols, extras):
        calls.append(len(cols))
        return cols, extras

    monkeypatch.setitem(C.COMPACT_UPCASTERS, SCHEMA_VERSION - 1, upcast_previous)
    session = open_session(path)
    assert session.warnings == []
    assert sum(calls) == len(log)
    assert session.log.nsteps == log.nsteps


def test_a_columns_only_upcaster_runs_as_chunks_are_decoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.vmlog"
    log = random_log(5, 3000, chunk_events=256)
    save_session(path, {"program": "old"}, log)
    with_schema(path, SCHEMA_VERSION - 1)
    calls = []

    def upcast_previous(cols, extras):
        calls.append(len(cols))
        return cols, extras
    upcast_previous.columns_only = True
    monkeypatch.setitem(C.COMPACT_UPCASTERS, SCHEMA_VERSION - 1, upcast_previous)
    session = open_session(path)
    assert len(calls) == 1                       # the last chunk, read on open
    assert session.log.event_cols(0, len(session.log)).tolist() == log.event_cols(0, len(log)).tolist()
    assert sum(calls) == len(log)


def test_a_schema_without_an_upgrade_path_is_refused_in_one_line(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.vmlog"
    save_session(path, {"program": "old"}, random_log(4, 20))
    with_schema(path, SCHEMA_VERSION - 1)
    monkeypatch.delitem(C.COMPACT_UPCASTERS, SCHEMA_VERSION - 1)
    with pytest.raises(SessionError, match="too old: no upgrade from version"):
        open_session(path)
