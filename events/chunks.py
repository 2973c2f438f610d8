"""A chunk record of a session file: its events packed in byte planes, and read back
lazily.

Writing strips what can be rebuilt (the ``old`` of register writes) and adds what
lets a reader go without decoding (the registers at the chunk's start, the kinds
of event it holds, a summary for breakpoint scans).  Reading checks the record's
small fields at once and its events when they are first needed; anything wrong
is a ``ValueError`` at once or a :class:`~events.log.DamagedLog` later, never a
wrong event.
"""
from __future__ import annotations

import zlib
from typing import Any, Callable, Sequence

from events.record import Record
from events.lazy import np

from events import codes as C
from events import kinds as K
from events.log import FIELDS, Chunk, ChunkCache, DamagedLog, Summary, kinds_mask, summarize
from events.records import COLS_RATIO, MAX_CHUNK_EVENTS, MAX_CHUNK_STEPS, _deflate, _inflate, _limit, _pack, _unpack


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
        ids = cols[regmask, 1].astype(np.intp)
        if len(ids):            # each register's last write (where it was written at all)
            last = np.full(C.NREGS, -1, dtype=np.intp)
            np.maximum.at(last, ids, np.arange(len(ids)))
            written = np.flatnonzero(last >= 0)
            self.regs[written] = cols[regmask, 3][last[written]]


def _encode_cols(cols: np.ndarray) -> bytes:
    """Codes as bytes, then each of a, b, c, d split into byte planes: values of
    one field change in their low bytes, so the planes compress well."""
    codes = cols[:, 0].astype(np.uint8)
    # The rows' bytes, fields a-d only, read column-wise: one copy (a transposed view's tobytes).
    planes = np.ascontiguousarray(cols, dtype=np.uint32).view(np.uint8).reshape(len(cols), 4 * FIELDS)[:, 4:].T
    return _deflate(codes.tobytes() + planes.tobytes())


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
    return chunk_payload(*chunk_job(chunk, tracker))


def chunk_job(chunk: Chunk, tracker: _RegTracker) -> tuple[dict[str, Any], bytes, bytes]:
    """What :func:`chunk_payload` makes a chunk's record of, taken from the chunk and from the
    registers ``tracker`` holds as it starts (the tracker is then moved past it): plain
    values and bytes, so another process can make the record (events.session's helper)."""
    cols = np.ascontiguousarray(chunk.cols, dtype=np.uint32)
    regs_at_start = tracker.regs.tolist()
    tracker._advance(cols, cols[:, 0] == C.REG)
    fields = {"s": chunk.first_step, "e": chunk.first_event, "x": chunk.extras_base,
              "n": chunk.nevents, "k": chunk.nsteps, "extras": list(chunk.extras),
              "r": regs_at_start, "m": chunk.kinds}
    return fields, cols.tobytes(), chunk.step_counts.astype(np.uint32).tobytes()


def chunk_payload(fields: dict[str, Any], cols_bytes: bytes, counts: bytes) -> bytes:
    """A chunk record's payload from :func:`chunk_job`'s values."""
    cols = np.frombuffer(cols_bytes, dtype=np.uint32).reshape(-1, FIELDS)
    extras, base = fields["extras"], fields["x"]
    summary = summarize(cols, fields["r"], lambda d: extras[d - base])
    stripped = cols.copy()          # (what _RegTracker.strip gives)
    stripped[cols[:, 0] == C.REG, 2] = 0
    return _pack({
        "s": fields["s"], "e": fields["e"], "x": base, "n": fields["n"], "k": fields["k"],
        "cols": _encode_cols(stripped),
        "counts": _deflate(counts),
        "extras": extras,
        # The registers as the chunk starts (to restore ``old`` of its register writes
        # without decoding the chunks before it) and the kinds of event it holds (so a
        # search for rare events skips it undecoded): both make reading lazy.
        "r": fields["r"], "m": fields["m"],
        # What a scan for breakpoints needs, so it can pass the chunk undecoded.
        "ip": _deflate(summary.eips.astype("<u4").tobytes()), "dp": summary.depth,
        "pw": _deflate(summary.pages.astype("<u4").tobytes()),
    })


def _int(obj: dict, key: str, hi: int) -> int:
    v = obj.get(key)
    if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= hi:
        raise ValueError(f"bad field {key!r}")
    return v


def _freeze_extra(x: Any) -> Any:
    """Extras come back from msgpack as lists; give them their recorded shape."""
    return tuple(_freeze_extra(v) for v in x) if isinstance(x, list) else x


class _ChunkRecord(Record):
    """A chunk record's fields, checked, with its events still compressed."""

    def __init__(self, first_step: int, first_event: int, nsteps: int, nevents: int, extras_base: int,
                 extras: list[Any], cols: bytes, counts: bytes, regs: list[int] | None, kinds: int | None,
                 summary: Summary | None = None) -> None:
        self.first_step = first_step
        self.first_event = first_event
        self.nsteps = nsteps
        self.nevents = nevents
        self.extras_base = extras_base
        self.extras = extras
        self.cols = cols
        self.counts = counts
        self.regs = regs  # registers at the chunk's start (files before lazy reading lack it)
        self.kinds = kinds  # the kinds of event present, a bit per code (likewise)
        self.summary = summary  # for scans that pass it undecoded (likewise)


def _chunk_record(payload: bytes) -> _ChunkRecord:
    obj = _unpack(payload)
    if not isinstance(obj, dict):
        raise ValueError("chunk is not a map")
    cols_data, counts_data, extras = obj.get("cols"), obj.get("counts"), obj.get("extras")
    if not isinstance(cols_data, bytes) or not isinstance(counts_data, bytes) or not isinstance(extras, list):
        raise ValueError("chunk fields have the wrong types")
    regs = obj.get("r")
    if regs is not None and (not isinstance(regs, list) or len(regs) not in (C.NREGS, C.NREGS_V3) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 0xFFFFFFFF for v in regs)):
        raise ValueError("bad field 'r'")
    if regs is not None:
        regs = C.widen_regs(regs)
    kinds = _int(obj, "m", (1 << K.NCODES) - 1) if "m" in obj else None
    n = _int(obj, "n", MAX_CHUNK_EVENTS)
    summary = None
    if regs is not None and "ip" in obj:
        ip, depth = obj.get("ip"), obj.get("dp")
        if not isinstance(ip, bytes) or not isinstance(depth, int) or isinstance(depth, bool) or abs(depth) > n:
            raise ValueError("bad fields 'ip', 'dp'")
        eips = _sorted_u32(ip, n, "ip")
        pw = obj.get("pw")
        if pw is not None and not isinstance(pw, bytes):
            raise ValueError("bad field 'pw'")
        summary = Summary(tuple(regs), eips, depth, None, None if pw is None else lambda: _pages(pw))
    return _ChunkRecord(_int(obj, "s", 1 << 40), _int(obj, "e", 1 << 48), _int(obj, "k", MAX_CHUNK_STEPS),
                        n, _int(obj, "x", 1 << 40),
                        [_freeze_extra(x) for x in extras], cols_data, counts_data, regs, kinds, summary)


def _sorted_u32(data: Any, most: int, key: str) -> np.ndarray:
    """A field of at most ``most`` increasing u32 values, zlib-compressed."""
    if not isinstance(data, bytes):
        raise ValueError(f"bad field {key!r}")
    raw = _inflate(data, 4 * most + 64)
    values = np.frombuffer(raw, dtype="<u4").astype(np.uint32) if len(raw) % 4 == 0 else None
    if values is None or len(values) > most or (len(values) > 1 and not (np.diff(values.astype(np.int64)) > 0).all()):
        raise ValueError(f"bad field {key!r}")
    return values


def _pages(data: bytes) -> np.ndarray | None:
    """The written pages of a chunk record (``pw``), or None if they cannot be read (the
    chunk is then read whole, and its own checks say what is wrong)."""
    try:
        return _sorted_u32(data, min(1 << 20, _limit(len(data), COLS_RATIO) // 4), "pw")
    except Exception:
        return None


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
        found = summarize(cols, rec.summary.regs, lambda d: rec.extras[d - rec.extras_base])
        stored_pages = rec.summary.written_pages()
        if found.depth != rec.summary.depth or not np.array_equal(found.eips, rec.summary.eips) or (
                rec.summary.load_pages is not None and (stored_pages is None or
                                                        not np.array_equal(found.pages, stored_pages))):
            raise ValueError("the chunk's summary does not match its events")
    tracker.restore(cols)
    # The run ends with the first process: any other process's exit is followed at once by
    # the switch to a process that goes on (vmdebug.machine.scheduler).
    at = np.flatnonzero(cols[:, 0] == C.EXITED)
    if len(at) and rec.nsteps:
        last = _last_step_start(busy, ends, rec.nsteps)
        for i in at.tolist():
            if i < last and (i + 1 >= len(cols) or int(cols[i + 1, 0]) != C.TASK_SWITCHED):
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


def _lazy_chunk(rec: _ChunkRecord, pos: int, cache: ChunkCache,
                upcasters: Sequence[Callable[[np.ndarray, list[Any]], tuple[np.ndarray, list[Any]]]] = ()) -> Chunk:
    """A chunk decoded when first read (see :class:`events.log.Chunk`); ``upcasters`` (which
    rewrite columns only) bring older event codes up to date as it is decoded."""
    assert rec.regs is not None and rec.kinds is not None
    regs = np.array(rec.regs, dtype=np.uint32)

    def load() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        tracker = _RegTracker()
        tracker.regs = regs.copy()
        try:
            cols, busy, ends = _decode_body(rec, tracker)
            for up in upcasters:
                cols, _ = up(cols, rec.extras)
            return cols, busy, ends
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
