"""The session file (``.vmlog``): a program's whole recorded history, shareable.

Layout (all integers little-endian)::

    magic      8 bytes   b"\\x89VMLOG\\r\\n"
    version    u16       FORMAT_VERSION
    reserved   u16       0
    header     record    zlib-compressed msgpack map: program, argv, stdin, image, machine...
    chunk*     record    msgpack map: whole steps of events, compressed columns
    footer     record    msgpack map: chunk index, totals, how the run ended
    trailer    u64 footer offset, then b"VMLOGEND"

    record  := tag (2 bytes: b"HD", b"CK" or b"FT") + u32 length + u32 CRC32 + payload

Chunks are written while recording runs, so a crash loses at most the last
one.  The footer index lets ``log info`` answer without reading any event.
Reading never unpickles or evaluates anything: payloads are msgpack with size
limits, then checked field by field.  The bytes depend only on the program,
its arguments and its stdin (no timestamps, no hash-ordered containers).
"""
from __future__ import annotations

import os
import struct
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Iterator

import msgpack
import numpy as np

from events import codes as C
from events import kinds as K
from events.files import AtomicFile
from events.end import RunEnd
from events.header import header_problem
from events.log import FIELDS, Chunk, ChunkCache, DamagedLog, EventLog, Summary, kinds_mask, summarize
from events.schema import SCHEMA_VERSION

MAGIC = b"\x89VMLOG\r\n"
TRAILER_MAGIC = b"VMLOGEND"
FORMAT_VERSION = 1
_REC = struct.Struct("<2sII")
_TRAILER = struct.Struct("<Q8s")
MAX_RECORD = 256 << 20         # no honest record comes near this
MAX_CHUNK_EVENTS = 1 << 20    # the writer seals every 64k events; one step rarely adds many
MAX_CHUNK_STEPS = 1 << 28     # ... and every 64k steps; older writers made one chunk of a long
                              # spin (``jmp .``), and empty steps cost no memory once read
#: Event columns compress about 30x (planes of similar bytes); beyond this they are a bomb.
COLS_RATIO = 256
#: Headers (code, sources, DWARF) compress a few times at most.
HEADER_RATIO = 200
ZLIB_LEVEL = 6


class SessionError(Exception):
    """The file cannot be opened at all; the message is one line."""


@dataclass
class Session:
    header: dict[str, Any]
    log: EventLog
    footer: dict[str, Any] | None
    warnings: list[str] = field(default_factory=list)
    size: int = 0
    checkpoints: list[Any] | None = None  # stored state snapshots, see vmdebug.replay.history

    @property
    def end(self) -> RunEnd:
        """How the run ended, from the footer or, failing that, the last events."""
        if self.footer and isinstance(self.footer.get("end"), dict):
            return RunEnd.from_dict(self.footer["end"])
        return end_from_log(self.log)


def end_from_log(log: EventLog) -> RunEnd:
    """How the run ended, as its last step's events say."""
    if log.nsteps == 0:
        return RunEnd()
    tail = log.step(log.last_step)
    for code, a, b, c, d in reversed(tail.cols.tolist()):
        if code == C.EXITED:
            if b:
                return RunEnd("killed", C.signed32(a), b)
            return RunEnd("exited", C.signed32(a))
    return RunEnd()


# ---- encoding ----------------------------------------------------------------
def _pack(obj: Any) -> bytes:
    return msgpack.packb(obj, use_bin_type=True, strict_types=False)


#: Limits on what one record may unpack to: no honest record comes near them, and
#: they keep a small hostile file from becoming gigabytes of Python objects.
MAX_CONTAINER_LEN = 1 << 20
MAX_CONTAINERS = 1 << 21


def _unpack(data: bytes) -> Any:
    # unpackb bounds every string and bin by len(data) and refuses nesting deeper than
    # its fixed stack (StackError); arrays and maps are bounded here, one by one and in
    # total (an empty map is one byte on disk and ~64 in memory).
    budget = [MAX_CONTAINERS]

    def count(obj: Any) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise ValueError(f"more than {MAX_CONTAINERS} arrays and maps")
        return obj
    return msgpack.unpackb(data, raw=False, strict_map_key=False, use_list=True,
                           max_array_len=MAX_CONTAINER_LEN, max_map_len=MAX_CONTAINER_LEN,
                           list_hook=count, object_hook=count)


def _inflate(payload: bytes, limit: int) -> bytes:
    """zlib data that must not inflate past ``limit`` bytes (a small bomb is refused
    before it costs memory)."""
    inflater = zlib.decompressobj()
    raw = inflater.decompress(payload, limit)
    if inflater.unconsumed_tail:
        raise ValueError(f"inflates past {limit} bytes")
    return raw


def _limit(compressed: int, ratio: int) -> int:
    """How far ``compressed`` bytes of a kind of data may honestly inflate."""
    return min(MAX_RECORD, (1 << 20) + ratio * compressed)


def _record(tag: bytes, payload: bytes) -> bytes:
    return _REC.pack(tag, len(payload), zlib.crc32(payload)) + payload


class _RegTracker:
    """Register values across chunks: the file drops ``old`` of register writes
    (it always equals the previous ``new`` of the same register) and the reader
    puts it back."""

    def __init__(self) -> None:
        self.regs = np.zeros(C.NREGS, dtype=np.uint32)

    def strip(self, cols: np.ndarray) -> np.ndarray:
        out = cols.copy()
        regmask = cols[:, 0] == C.REG
        self._advance(cols, regmask)
        out[regmask, 2] = 0
        return out

    def restore(self, cols: np.ndarray) -> None:
        regmask = cols[:, 0] == C.REG
        ids = cols[regmask, 1]
        if len(ids) and int(ids.max()) >= C.NREGS:
            raise ValueError("bad register id")
        idx = np.flatnonzero(regmask)
        for r in range(C.NREGS):
            sel = idx[ids == r]
            if not len(sel):
                continue
            news = cols[sel, 3]
            cols[sel[1:], 2] = news[:-1]
            cols[sel[0], 2] = self.regs[r]
            self.regs[r] = news[-1]

    def _advance(self, cols: np.ndarray, regmask: np.ndarray) -> None:
        ids = cols[regmask, 1]
        news = cols[regmask, 3]
        for r in np.unique(ids).tolist():
            self.regs[r] = news[ids == r][-1]


def _encode_cols(cols: np.ndarray) -> bytes:
    """Codes as bytes, then each of a, b, c, d split into byte planes: values of
    one field change in their low bytes, so the planes compress well."""
    codes = cols[:, 0].astype(np.uint8)
    planes = np.ascontiguousarray(cols[:, 1:]).view(np.uint8).reshape(len(cols), 16).T
    return zlib.compress(codes.tobytes() + np.ascontiguousarray(planes).tobytes(), ZLIB_LEVEL)


def _decode_cols(data: bytes, n: int) -> np.ndarray:
    expect = n * (1 + 16)
    if expect > _limit(len(data), COLS_RATIO):
        raise ValueError(f"{n} events cannot come from {len(data)} bytes")
    raw = zlib.decompressobj().decompress(data, expect + 1)
    if len(raw) != expect:
        raise ValueError("column data has the wrong length")
    buf = np.frombuffer(raw, dtype=np.uint8)
    cols = np.empty((n, FIELDS), dtype=np.uint32)
    cols[:, 0] = buf[:n]
    planes = buf[n:].reshape(16, n)
    for k in range(4):      # each field from its four byte planes, little-endian
        p = planes[4 * k:4 * k + 4].astype(np.uint32)
        cols[:, 1 + k] = p[0] | (p[1] << 8) | (p[2] << 16) | (p[3] << 24)
    if n and int(cols[:, 0].max()) >= K.NCODES:
        raise ValueError("unknown event code")
    return cols


def encode_chunk(chunk: Chunk, tracker: _RegTracker) -> bytes:
    counts = chunk.step_counts.astype(np.uint32)
    regs_at_start = tracker.regs.tolist()
    summary = summarize(chunk.cols, regs_at_start)
    return _pack({
        "s": chunk.first_step, "e": chunk.first_event, "x": chunk.extras_base,
        "n": chunk.nevents, "k": chunk.nsteps,
        "cols": _encode_cols(tracker.strip(chunk.cols)),
        "counts": zlib.compress(counts.tobytes(), ZLIB_LEVEL),
        "extras": list(chunk.extras),
        # The registers as the chunk starts (to restore ``old`` of its register writes
        # without decoding the chunks before it) and the kinds of event it holds (so a
        # search for rare events skips it undecoded): both make reading lazy.
        "r": regs_at_start, "m": chunk.kinds,
        # What a scan for breakpoints needs, so it can pass the chunk undecoded.
        "ip": zlib.compress(summary.eips.astype("<u4").tobytes(), ZLIB_LEVEL), "dp": summary.depth,
    })


def _int(obj: dict, key: str, hi: int) -> int:
    v = obj.get(key)
    if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= hi:
        raise ValueError(f"bad field {key!r}")
    return v


def _freeze_extra(x: Any) -> Any:
    """Extras come back from msgpack as lists; give them their recorded shape."""
    return tuple(_freeze_extra(v) for v in x) if isinstance(x, list) else x


@dataclass
class _ChunkRecord:
    """A chunk record's fields, checked, with its events still compressed."""
    first_step: int
    first_event: int
    nsteps: int
    nevents: int
    extras_base: int
    extras: list[Any]
    cols: bytes
    counts: bytes
    regs: list[int] | None        # registers at the chunk's start (files before lazy reading lack it)
    kinds: int | None             # the kinds of event present, a bit per code (likewise)
    summary: Summary | None = None   # for scans that pass it undecoded (likewise)


def _chunk_record(payload: bytes) -> _ChunkRecord:
    obj = _unpack(payload)
    if not isinstance(obj, dict):
        raise ValueError("chunk is not a map")
    cols_data, counts_data, extras = obj.get("cols"), obj.get("counts"), obj.get("extras")
    if not isinstance(cols_data, bytes) or not isinstance(counts_data, bytes) or not isinstance(extras, list):
        raise ValueError("chunk fields have the wrong types")
    regs = obj.get("r")
    if regs is not None and (not isinstance(regs, list) or len(regs) != C.NREGS or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 0xFFFFFFFF for v in regs)):
        raise ValueError("bad field 'r'")
    kinds = _int(obj, "m", (1 << K.NCODES) - 1) if "m" in obj else None
    n = _int(obj, "n", MAX_CHUNK_EVENTS)
    summary = None
    if regs is not None and "ip" in obj:
        ip, depth = obj.get("ip"), obj.get("dp")
        if not isinstance(ip, bytes) or not isinstance(depth, int) or isinstance(depth, bool) or abs(depth) > n:
            raise ValueError("bad fields 'ip', 'dp'")
        raw = _inflate(ip, 4 * n + 64)
        eips = np.frombuffer(raw, dtype="<u4").astype(np.uint32) if len(raw) % 4 == 0 else None
        if eips is None or len(eips) > n or (len(eips) > 1 and not (np.diff(eips.astype(np.int64)) > 0).all()):
            raise ValueError("bad field 'ip'")
        summary = Summary(tuple(regs), eips, depth)
    return _ChunkRecord(_int(obj, "s", 1 << 40), _int(obj, "e", 1 << 48), _int(obj, "k", MAX_CHUNK_STEPS),
                        n, _int(obj, "x", 1 << 40),
                        [_freeze_extra(x) for x in extras], cols_data, counts_data, regs, kinds, summary)


def _decode_body(rec: _ChunkRecord, tracker: _RegTracker) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A chunk's events and step index, checked; ``tracker`` holds the registers at its
    start and is left at its end."""
    cols = _decode_cols(rec.cols, rec.nevents)
    busy, ends = _decode_counts(rec.counts, rec.nsteps, rec.nevents)
    extra_refs = cols[np.isin(cols[:, 0], list(K.EXTRA_CODES)), 4].astype(np.int64)
    if len(extra_refs) and (extra_refs.min() < rec.extras_base or
                            extra_refs.max() >= rec.extras_base + len(rec.extras)):
        raise ValueError("event refers to a missing payload")
    if rec.kinds is not None and kinds_mask(cols[:, 0]) != rec.kinds:
        raise ValueError("the chunk's list of event kinds does not match its events")
    if rec.summary is not None:
        found = summarize(cols, rec.summary.regs)
        if found.depth != rec.summary.depth or not np.array_equal(found.eips, rec.summary.eips):
            raise ValueError("the chunk's summary does not match its events")
    tracker.restore(cols)
    at = np.flatnonzero(cols[:, 0] == C.EXITED)
    if len(at) and rec.nsteps and int(at[0]) < _last_step_start(busy, ends, rec.nsteps):
        raise ValueError("steps follow the end of the run")
    return cols, busy, ends


def _last_step_start(busy: np.ndarray, ends: np.ndarray, nsteps: int) -> int:
    before = int(np.searchsorted(busy, nsteps - 1, side="left"))
    return int(ends[before - 1]) if before else 0


def decode_chunk(payload: bytes, tracker: _RegTracker) -> Chunk:
    """A whole chunk, decoded now."""
    rec = _chunk_record(payload)
    cols, busy, ends = _decode_body(rec, tracker)
    return Chunk(rec.first_step, rec.first_event, cols, rec.nsteps, busy, ends, rec.extras_base, rec.extras)


def _lazy_chunk(rec: _ChunkRecord, pos: int, cache: ChunkCache) -> Chunk:
    """A chunk decoded when first read (see :class:`events.log.Chunk`)."""
    assert rec.regs is not None and rec.kinds is not None
    regs = np.array(rec.regs, dtype=np.uint32)

    def load() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        tracker = _RegTracker()
        tracker.regs = regs.copy()
        try:
            return _decode_body(rec, tracker)
        except Exception as exc:     # zlib, numpy or our own checks: the file lies or is damaged
            last = rec.first_step + rec.nsteps - 1
            raise DamagedLog(f"corrupt chunk at byte offset {pos} ({exc or type(exc).__name__}): "
                             f"the events of steps {rec.first_step}..{last} cannot be read") from None
    return Chunk.lazy(rec.first_step, rec.first_event, rec.nsteps, rec.nevents, rec.extras_base, rec.extras,
                      rec.kinds, load, cache, rec.summary)


def _decode_counts(data: bytes, nsteps: int, nevents: int) -> tuple[np.ndarray, np.ndarray]:
    """The sparse step index (see :class:`events.log.Chunk`) of ``nsteps`` compressed
    uint32 counts that must add up to ``nevents``.  Inflated a piece at a time, so a
    chunk of millions of empty steps needs neither their 4 bytes each nor a second pass."""
    piece = 1 << 22
    inflate = zlib.decompressobj()
    busy_parts: list[np.ndarray] = []
    ends_parts: list[np.ndarray] = []
    pending, steps, events = b"", 0, 0
    while True:
        raw = inflate.decompress(data, piece)
        data = inflate.unconsumed_tail
        if not raw:
            break
        pending += raw
        whole = len(pending) - len(pending) % 4
        counts = np.frombuffer(pending[:whole], dtype=np.uint32)
        pending = pending[whole:]
        if steps + len(counts) > nsteps:
            raise ValueError("step counts have the wrong length")
        nz = np.flatnonzero(counts)
        ends = np.cumsum(counts[nz], dtype=np.uint64) + np.uint64(events)
        if len(ends) and int(ends[-1]) > nevents:
            raise ValueError("step counts do not add up")
        busy_parts.append((nz + steps).astype(np.uint32))
        ends_parts.append(ends.astype(np.uint32))
        steps += len(counts)
        events = int(ends[-1]) if len(ends) else events
    if pending or steps != nsteps or inflate.unused_data:
        raise ValueError("step counts have the wrong length")
    if events != nevents:
        raise ValueError("step counts do not add up")
    empty = np.zeros(0, dtype=np.uint32)
    return (np.concatenate(busy_parts) if busy_parts else empty,
            np.concatenate(ends_parts) if ends_parts else empty)


# ---- writing -------------------------------------------------------------------
class SessionWriter:
    """Streams a session to disk: header now, chunks as the log seals them, footer at close.

    Use it as the log's sink: ``EventLog(sink=writer.write_chunk)``.
    """

    def __init__(self, path: str | os.PathLike[str], header: dict[str, Any]) -> None:
        # Written under a temporary name and renamed into place at close() (events.files):
        # a failed or interrupted write leaves any old file there intact.
        self._out = AtomicFile(path)
        self._f: BinaryIO = self._out.f
        self._tracker = _RegTracker()
        self._index: list[list[int]] = []
        with self._writing():
            self._f.write(MAGIC + struct.pack("<HH", FORMAT_VERSION, 0))
            hdr = dict(header)
            hdr.setdefault("schema", SCHEMA_VERSION)
            self._f.write(_record(b"HD", zlib.compress(_pack(hdr), ZLIB_LEVEL)))
        self._steps = 0
        self._events = 0
        self._checkpoints: list[int] = []   # offsets of the CP records, for the footer

    def write_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        """Store one state snapshot (see vmdebug.replay.history) as its own record, as soon as it
        is taken: recording keeps none of them in memory."""
        offset = self._f.tell()
        with self._writing():
            self._f.write(_record(b"CP", zlib.compress(_pack(checkpoint), ZLIB_LEVEL)))
        self._checkpoints.append(offset)

    def write_chunk(self, chunk: Chunk) -> None:
        offset = self._f.tell()
        with self._writing():
            self._f.write(_record(b"CK", encode_chunk(chunk, self._tracker)))
            self._f.flush()
        self._index.append([offset, chunk.first_step, chunk.nsteps, chunk.first_event, chunk.nevents])
        self._steps += chunk.nsteps
        self._events += chunk.nevents

    def close(self, end: RunEnd | None = None, checkpoints: list[Any] | None = None) -> int:
        """Write any further checkpoints, the footer and the trailer; returns the file size."""
        for checkpoint in checkpoints or ():
            self.write_checkpoint(checkpoint)
        footer = {"steps": self._steps, "events": self._events, "chunks": self._index,
                  "end": (end or RunEnd()).to_dict()}
        if self._checkpoints:
            footer["checkpoints"] = self._checkpoints
        with self._writing():
            offset = self._f.tell()
            self._f.write(_record(b"FT", _pack(footer)))
            self._f.write(_TRAILER.pack(offset, TRAILER_MAGIC))
            size = self._f.tell()
            self._out.commit()
        return size

    def abort(self) -> None:
        """Give up: the temporary file goes, the target is untouched."""
        self._out.abort()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Any failure abandons the file; a file-system error names it."""
        try:
            yield
        except BaseException as exc:
            self.abort()
            if isinstance(exc, OSError):
                raise self._out.error(exc) from None
            raise


def save_session(path: str | os.PathLike[str], header: dict[str, Any], log: EventLog,
                 end: RunEnd | None = None, checkpoints: list[Any] | None = None) -> int:
    """Write a whole in-memory log (sealing its tail first); returns the file size."""
    log.seal()
    writer = SessionWriter(path, header)
    for chunk in log.chunks:
        writer.write_chunk(chunk)
    return writer.close(end if end is not None else end_from_log(log), checkpoints)


# ---- reading -------------------------------------------------------------------
def _skip_record(data: bytes, pos: int) -> int | None:
    """Where the record at ``pos`` ends, if its length is plausible and inside the file."""
    if pos + _REC.size > len(data):
        return None
    _tag, length, _crc = _REC.unpack_from(data, pos)
    end = pos + _REC.size + length
    return end if length <= MAX_RECORD and end <= len(data) else None


def _read_record(data: bytes, pos: int, tag: bytes) -> tuple[bytes | None, int, str | None]:
    """``(payload, next_pos, problem)``; problem is None, "truncated" or a description."""
    if pos + _REC.size > len(data):
        return None, pos, "truncated"
    got, length, crc = _REC.unpack_from(data, pos)
    if got != tag:
        return None, pos, f"bad record tag {got!r}"
    if length > MAX_RECORD:
        return None, pos, f"record length {length} is implausibly large"
    end = pos + _REC.size + length
    if end > len(data):
        return None, pos, "truncated"
    payload = data[pos + _REC.size:end]
    if zlib.crc32(payload) != crc:
        return None, pos, "CRC mismatch"
    return payload, end, None


def read_header(data: bytes) -> tuple[dict[str, Any], int]:
    if len(data) < len(MAGIC) + 4 or not data.startswith(MAGIC):
        raise SessionError("not a vmdebug session file (bad magic number)")
    version, _ = struct.unpack_from("<HH", data, len(MAGIC))
    if version > FORMAT_VERSION:
        raise SessionError(f"session format version {version} is newer than this vmdebug supports "
                           f"({FORMAT_VERSION}); upgrade vmdebug")
    if version < 1:
        raise SessionError(f"unknown session format version {version}")
    payload, pos, problem = _read_record(data, len(MAGIC) + 4, b"HD")
    if payload is None:
        raise SessionError(f"bad session header: {problem}")
    try:
        header = _unpack(_inflate(payload, _limit(len(payload), HEADER_RATIO)))
    except Exception as exc:  # zlib or msgpack errors; msgpack raises StackError on deep nesting
        raise SessionError(f"bad session header: {exc or type(exc).__name__}") from None
    if not isinstance(header, dict):
        raise SessionError("bad session header: not a map")
    schema = header.get("schema", 1)
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise SessionError(f"event schema version {schema} is newer than this vmdebug supports")
    missing = [v for v in range(schema, SCHEMA_VERSION) if v not in C.COMPACT_UPCASTERS]
    if missing:
        raise SessionError(f"event schema version {schema} is too old: no upgrade from version {missing[0]}")
    problem = header_problem(header)
    if problem:
        raise SessionError(f"bad session header: {problem}")
    return header, pos


def read_footer(data: bytes) -> dict[str, Any] | None:
    if len(data) < _TRAILER.size:
        return None
    offset, magic = _TRAILER.unpack_from(data, len(data) - _TRAILER.size)
    if magic != TRAILER_MAGIC or offset >= len(data):
        return None
    payload, _, problem = _read_record(data[:len(data) - _TRAILER.size], offset, b"FT")
    if payload is None:
        return None
    try:
        footer = _unpack(payload)
    except Exception:
        return None
    if not isinstance(footer, dict) or not isinstance(footer.get("chunks"), list):
        return None
    return footer


def open_session(path: str | os.PathLike[str], *, events: bool = True,
                 progress: Callable[[int], None] | None = None) -> Session:
    """Open a session file.  Raises :class:`SessionError` (one line) when it cannot.

    A truncated file, or one with a corrupt chunk, opens with a warning and every
    complete chunk before the damage.  With ``events=False`` only the header and
    footer are read (enough for ``log info`` on an intact file).  ``progress(steps)``
    is called after each chunk.
    """
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise SessionError(f"cannot read {os.fspath(path)}: {exc.strerror}") from None
    header, pos = read_header(data)
    footer = read_footer(data)
    session = Session(header, EventLog(), footer, size=len(data))
    if footer is None:
        session.warnings.append("no footer: the file is truncated or was not closed; reading chunks one by one")
    if not events and footer is not None:
        if _footer_holds(data, footer, header):
            return session
        # Otherwise read the chunks: the checks below say what is wrong and the chunks win.
    tracker = _RegTracker()
    # Chunks stay compressed until read when they say how they start (files written since
    # lazy reading); older files, and older event codes, are decoded here.
    lazy = header.get("schema", SCHEMA_VERSION) == SCHEMA_VERSION
    index: list[list[int]] = []         # what the chunks say of themselves, to check the footer's copy
    ended = False                       # a chunk held the run's end: nothing may follow it
    while pos < len(data):
        if data[pos:pos + 2] == b"FT":
            break
        if data[pos:pos + 2] == b"CP":
            # A checkpoint between chunks (its CRC is checked when the footer's list is read).
            nxt = _skip_record(data, pos)
            if nxt is None:
                break
            pos = nxt
            continue
        payload, nxt, problem = _read_record(data, pos, b"CK")
        if payload is None:
            if problem == "truncated":
                session.warnings.append(f"file truncated at byte offset {pos}: kept {session.log.nsteps} complete steps")
            else:
                session.warnings.append(f"corrupt chunk at byte offset {pos} ({problem}): "
                                        f"kept {session.log.nsteps} steps before it")
            break
        if ended:
            session.warnings.append(f"chunk at byte offset {pos} comes after the end of the run: "
                                    f"kept {session.log.nsteps} steps before it")
            break
        try:
            rec = _chunk_record(payload)
            index.append([pos, rec.first_step, rec.nsteps, rec.first_event, rec.nevents])
            if lazy and rec.regs is not None and rec.kinds is not None:
                chunk = _lazy_chunk(rec, pos, session.log.cache)
                ended = bool(rec.kinds & (1 << C.EXITED))
            else:   # an older file, or older event codes: decoded now, in order
                cols, busy, ends = _decode_body(rec, tracker)
                chunk = Chunk(rec.first_step, rec.first_event, cols, rec.nsteps, busy, ends, rec.extras_base,
                              rec.extras)
                for version in range(header.get("schema", SCHEMA_VERSION), SCHEMA_VERSION):
                    cols, extras = C.COMPACT_UPCASTERS[version](chunk.cols, chunk.extras)
                    chunk = chunk.with_events(cols, extras)
                ended = bool(chunk.kinds & (1 << C.EXITED))
            session.log.load_chunk(chunk)
            if progress is not None:
                progress(session.log.nsteps)
        except Exception as exc:
            session.warnings.append(f"corrupt chunk at byte offset {pos} ({type(exc).__name__}: {exc}): "
                                    f"kept {session.log.nsteps} steps before it")
            break
        pos = nxt
    _check_last_chunk(session)
    if footer is not None and session.log.nsteps != footer.get("steps"):
        # Its totals describe events that are not there: the chunks win.
        if not session.warnings:
            session.warnings.append(f"the footer says {footer.get('steps')} steps but the chunks hold "
                                    f"{session.log.nsteps}; believing the chunks")
        session.footer = None
    elif footer is not None:
        events_stored = sum(entry[4] for entry in index)
        if footer.get("chunks") != index or footer.get("events") != events_stored:
            session.warnings.append("the footer's index of chunks does not match the chunks; believing the chunks")
            session.footer = footer = dict(footer, chunks=index, events=events_stored)
        problem = _end_disagrees(footer.get("end"), end_from_log(session.log))
        if problem:
            session.warnings.append(f"{problem}; believing the recorded events")
            session.footer = dict(footer, end=end_from_log(session.log).to_dict())
        if footer.get("checkpoints") is not None:
            session.checkpoints = _read_checkpoints(data, footer["checkpoints"], session.warnings)
    return session


def _check_last_chunk(session: Session) -> None:
    """Decode the last chunk now: how the run ended is read from it at once, and if it is
    damaged the session is the chunks before it, as with any chunk found damaged on open."""
    log = session.log
    if not log.chunks:
        return
    try:
        log.chunks[-1].cols
    except DamagedLog as exc:
        session.warnings.append(f"{exc}: kept {log.chunks[-1].first_step} steps before it")
        kept = EventLog()
        kept.cache = log.cache
        for chunk in log.chunks[:-1]:
            kept.load_chunk(chunk)
        session.log = kept


def _end_disagrees(stored: Any, recorded: RunEnd) -> str:
    """Why the footer's end of the run cannot be believed ("" if it can)."""
    claimed = RunEnd.from_dict(stored)
    if claimed.how == "unknown" and not (isinstance(stored, dict) and stored.get("how") == "unknown"):
        return "the footer's end of the run is malformed"
    if recorded.ended:
        if (claimed.how, claimed.status, claimed.signal if claimed.how == "killed" else 0) != \
                (recorded.how, recorded.status, recorded.signal):
            return f"the footer says the run {claimed.words()}, but the events say it {recorded.words()}"
    elif claimed.ended:
        return f"the footer says the run {claimed.words()}, but no end is recorded"
    return ""


def _footer_holds(data: bytes, footer: dict[str, Any], header: dict[str, Any]) -> bool:
    """For a summary without decoding events: every chunk the footer lists is where it
    says, passes its CRC and follows the one before, the totals add up, and the last
    chunk's events end the run as the footer says."""
    pos_expected = None
    steps = events = 0
    last_payload = None
    try:
        for entry in footer["chunks"]:
            offset, first_step, nsteps, first_event, nevents = (int(v) for v in entry)
            while pos_expected is not None and pos_expected < offset and data[pos_expected:pos_expected + 2] == b"CP":
                pos_expected = _skip_record(data, pos_expected)      # checkpoints between chunks
                if pos_expected is None:
                    return False
            if first_step != steps or first_event != events or (pos_expected is not None and
                                                                   offset != pos_expected):
                return False
            payload, nxt, problem = _read_record(data, offset, b"CK")
            if payload is None:
                return False
            pos_expected, last_payload = nxt, payload
            steps += nsteps
            events += nevents
        if steps != footer.get("steps") or events != footer.get("events"):
            return False
        if last_payload is None:
            return steps == 0
        if header.get("schema", SCHEMA_VERSION) != SCHEMA_VERSION:
            return True                  # older event codes: the full read upgrades and checks them
        chunk = decode_chunk(last_payload, _RegTracker())
        if chunk.nsteps != nsteps or chunk.nevents != nevents:
            return False
        tail = EventLog()
        tail.load_chunk(Chunk(0, 0, chunk.cols, chunk.nsteps, chunk.busy, chunk.ends, 0, chunk.extras))
        return not _end_disagrees(footer.get("end"), end_from_log(tail))
    except (TypeError, ValueError, KeyError):
        return False


def _read_checkpoints(data: bytes, where: Any, warnings: list[str]) -> list[Any] | None:
    """The stored checkpoints: one CP record each (``where`` lists their offsets), or in
    files of an earlier layout one record holding them all (``where`` is its offset)."""
    offsets = where if isinstance(where, list) else [where]
    out: list[Any] = []
    for pos in offsets:
        try:
            if not isinstance(pos, int) or not 0 <= pos < len(data):
                raise ValueError("bad offset")
            payload, _, problem = _read_record(data, pos, b"CP")
            if payload is None:
                raise ValueError(problem)
            cps = _unpack(_inflate(payload, MAX_RECORD))
            if isinstance(where, list) and isinstance(cps, dict):
                cps = [cps]
            if not isinstance(cps, list):
                raise ValueError("not a list")
            out.extend(cps)
        except Exception as exc:
            warnings.append(f"stored checkpoints at byte offset {pos} are unreadable ({exc}); they will be rebuilt")
            return None
    return out
