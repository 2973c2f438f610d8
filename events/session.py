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

A chunk record's contents are :mod:`events.chunks`; the framing of records and
reading them within bounds, :mod:`events.records`.
"""
from __future__ import annotations

import os
import pickle
import struct
import zlib
from collections import deque
from contextlib import contextmanager
from typing import Any, BinaryIO, Callable, Iterator

from events.record import Record
from events import codes as C
from events.chunks import (_chunk_record, _decode_body, _lazy_chunk, _RegTracker, chunk_job, chunk_payload,  # noqa: F401
                           decode_chunk, encode_chunk)
from events.end import RunEnd
from events.files import AtomicFile
from events.log import Chunk, DamagedLog, EventLog
from events.records import (_REC, _TRAILER, CHUNK, DEFLATE, HEADER_RATIO, MAX_RECORD, ZLIB_LEVEL,  # noqa: F401
                            DeflateProcess, _deflate, _inflate, _limit, _pack, _record, _unpack)
from events.codes import SCHEMA_VERSION

MAGIC = b"\x89VMLOG\r\n"
TRAILER_MAGIC = b"VMLOGEND"
FORMAT_VERSION = 1


class SessionError(Exception):
    """The file cannot be opened at all; the message is one line."""


class Session(Record):
    def __init__(self, header: dict[str, Any], log: EventLog, footer: dict[str, Any] | None,
                 warnings: list[str] | None = None, size: int = 0,
                 checkpoints: list[Any] | None = None) -> None:
        self.header = header
        self.log = log
        self.footer = footer
        self.warnings = [] if warnings is None else warnings
        self.size = size
        self.checkpoints = checkpoints  # stored state snapshots, see vmdebug.replay.history

    @property
    def files(self) -> tuple[dict[str, bytes], dict[str, bytes]]:
        """The files the program was given (the header's) and those it created or changed (the
        footer's), each as name -> contents; what a file may say is not trusted beyond that."""
        def clean(value: Any) -> dict[str, bytes]:
            if not isinstance(value, dict):
                return {}
            return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, bytes)}
        return clean(self.header.get("files")), clean((self.footer or {}).get("files"))

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


# ---- writing -------------------------------------------------------------------
class SessionWriter:
    """Streams a session to disk: header now, chunks as the log seals them, footer at close.

    Use it as the log's sink: ``EventLog(sink=writer.write_chunk)``.  With ``background``
    (``vmdebug record``: True, or a :class:`events.records.DeflateProcess` started earlier)
    a helper process deflates the checkpoints and makes the chunks' records
    while the run goes on; each record is written here, in order, when the next one is
    handed over (or at :meth:`close`), so the file's bytes are the same.  Then
    :meth:`close` or :meth:`abort` must end the helper.  If it cannot start or fails, what
    it had not answered is done here.
    """

    def __init__(self, path: str | os.PathLike[str], header: dict[str, Any],
                 background: bool | DeflateProcess = False) -> None:
        self._helper: DeflateProcess | None = background if isinstance(background, DeflateProcess) else None
        try:
            # Written under a temporary name and renamed into place at close() (events.files):
            # a failed or interrupted write leaves any old file there intact.
            self._out = AtomicFile(path)
        except BaseException:
            self._stop_helper()
            raise
        self._f: BinaryIO = self._out.f
        self._tracker = _RegTracker()
        self._index: list[list[int]] = []
        self._steps = 0
        self._events = 0
        self._checkpoints: list[int] = []   # offsets of the CP records, for the footer
        if background is True:
            try:
                self._helper = DeflateProcess()
            except OSError:
                pass
        #: Jobs handed to the helper whose records are not written yet, in file order:
        #: (kind, data, write(answer) writes the record).
        self._pending: deque[tuple[int, Any, Callable[[bytes], None]]] = deque()
        hdr = dict(header)
        hdr.setdefault("schema", SCHEMA_VERSION)
        # The header is deflated here: the helper may still be starting, and a short run
        # would wait for it (a few ms of zlib against the helper's numpy import).
        with self._writing():
            deflated = _deflate(_pack(hdr))
        self._write_header(deflated)

    @staticmethod
    def _do(kind: int, data: Any) -> bytes:
        """A job done here: what the helper answers."""
        return _deflate(data) if kind == DEFLATE else chunk_payload(*data)

    def _put(self, kind: int, data: Any, write: Callable[[bytes], None]) -> None:
        """Write a record of a job's answer (``data``: bytes to deflate, or a chunk_job): now,
        or (with the helper) once the record after it is handed over, or at close."""
        self._write_pending()       # answered long ago: the helper is idle again
        if self._helper is not None:
            try:
                self._helper.submit(kind, data if kind == DEFLATE else
                                    pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
                self._pending.append((kind, data, write))
                return
            except (OSError, EOFError):
                self._stop_helper()
        with self._writing():
            answer = self._do(kind, data)
        write(answer)

    def _write_pending(self) -> None:
        """Write every record handed to the helper, in order (doing here what it cannot)."""
        while self._pending:
            kind, data, write = self._pending[0]
            answer = None
            if self._helper is not None:
                try:
                    answer = self._helper.result()
                except (OSError, EOFError):
                    self._stop_helper()
            if answer is None:
                with self._writing():
                    answer = self._do(kind, data)
            self._pending.popleft()
            write(answer)

    def _stop_helper(self) -> None:
        if self._helper is not None:
            helper, self._helper = self._helper, None
            helper.kill()

    def _write_header(self, deflated: bytes) -> None:
        with self._writing():
            self._f.write(MAGIC + struct.pack("<HH", FORMAT_VERSION, 0))
            self._f.write(_record(b"HD", deflated))

    def write_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        """Store one state snapshot (see vmdebug.replay.history) as its own record, as soon as it
        is taken: recording keeps none of them in memory."""
        self._put(DEFLATE, _pack(checkpoint), self._write_checkpoint)

    def _write_checkpoint(self, deflated: bytes) -> None:
        offset = self._f.tell()
        with self._writing():
            self._f.write(_record(b"CP", deflated))
        self._checkpoints.append(offset)

    def write_chunk(self, chunk: Chunk) -> None:
        with self._writing():
            job = chunk_job(chunk, self._tracker)
        extent = [chunk.first_step, chunk.nsteps, chunk.first_event, chunk.nevents]
        self._put(CHUNK, job, lambda payload: self._write_chunk(payload, extent))

    def _write_chunk(self, payload: bytes, extent: list[int]) -> None:
        offset = self._f.tell()
        with self._writing():
            self._f.write(_record(b"CK", payload))
            self._f.flush()
        self._index.append([offset, *extent])
        self._steps += extent[1]
        self._events += extent[3]

    def close(self, end: RunEnd | None = None, checkpoints: list[Any] | None = None,
              files: dict[str, bytes] | None = None) -> int:
        """Write any further checkpoints, the footer and the trailer; returns the file size.
        ``files``: the files the program created or changed, as it left them."""
        if self._helper is not None and self._pending and not self._helper.answered():
            # At the end of a short run the helper may still be starting (importing numpy):
            # what it has not answered is done here rather than waited for (the same bytes).
            self._stop_helper()
        for checkpoint in checkpoints or ():
            self.write_checkpoint(checkpoint)
        try:
            self._write_pending()
            if self._helper is not None:
                self._helper.close()
                self._helper = None
        except BaseException:       # Ctrl-C while waiting for the helper, or a failure: no file
            self.abort()
            raise
        footer = {"steps": self._steps, "events": self._events, "chunks": self._index,
                  "end": (end or RunEnd()).to_dict()}
        if files:
            footer["files"] = files
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
        """Give up: the temporary file goes, the target is untouched (and the helper, if
        any, is ended)."""
        self._pending.clear()
        self._stop_helper()
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
                 end: RunEnd | None = None, checkpoints: list[Any] | None = None,
                 files: dict[str, bytes] | None = None) -> int:
    """Write a whole in-memory log (sealing its tail first); returns the file size."""
    log.seal()
    writer = SessionWriter(path, header)
    for chunk in log.chunks:
        writer.write_chunk(chunk)
    return writer.close(end if end is not None else end_from_log(log), checkpoints, files)


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
    # Validated where a header is read, not imported by the writer (issue #17: start-up).
    from events.header import header_problem
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
    # Older event codes are upgraded as chunks are decoded, when every upcaster on the way
    # rewrites columns only (``columns_only``); otherwise chunks are decoded here, in order.
    upcasters = [C.COMPACT_UPCASTERS[v] for v in range(header.get("schema", SCHEMA_VERSION), SCHEMA_VERSION)]
    lazy = all(getattr(up, "columns_only", False) for up in upcasters)
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
                chunk = _lazy_chunk(rec, pos, session.log.cache, upcasters)
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
