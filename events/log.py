"""The append-only event log, kept in compact numpy columns.

Events are five uint32 columns ``(code, a, b, c, d)`` (see :mod:`events.codes`),
grouped into steps: ``offset(s)`` is the index of step ``s``'s first event.
Step 0 holds exec's effects (the initial mappings, stack and registers); step
``k`` for ``k >= 1`` holds the effects of the k-th retired instruction.

Recording appends packed rows to a ``bytearray``: each event is five little-endian
uint32 fields (:data:`ROW` bytes), packed by a ``struct`` as it is emitted, and the
log seals the buffer into a numpy chunk every ``chunk_events`` events, at a step
boundary, so a chunk always holds whole steps.  Sealing is then one copy of the
bytes (``numpy.frombuffer``), not a conversion per field: a flat list of ints,
appended with ``list.extend``, cost as much again to convert (``array('I', list)``,
8 ns a field) as it had cost to append, and a quarter of a recording's time went
there (issue #17).  A row whose fields are all known in advance (a translated
block's EIP event) is a ``bytes`` constant, appended without packing at all.
Sealed chunks are handed to an optional *sink* (the session writer),
so a crash loses at most the last chunk.  Nothing here changes or removes a
past event.
"""
from __future__ import annotations

import bisect
from array import array
from collections import OrderedDict
from struct import Struct, error as StructError
from typing import TYPE_CHECKING, Any, Callable, Iterator

from events.record import Frozen
from events.lazy import np, unique

from events import codes as C
from events import kinds as K

if TYPE_CHECKING:       # the models are for export and validation: pydantic stays off the hot path
    from events.schema import Event

FIELDS = 5
#: Bytes of one event in the open buffer: five uint32 fields, little-endian.  Marks and step
#: ends in the buffer (:meth:`EventLog.mark`, ``close_step``) count bytes.
ROW = FIELDS * 4
#: ``pack_row(code, a, b, c, d)``: one event's bytes, for :attr:`EventLog.write`.
pack_row = Struct("<5I").pack
_unpack_row = Struct("<5I").unpack_from


class _Packers(dict):  # type: ignore[type-arg]
    """``struct.Struct(f"<{n}I").pack`` for any ``n``: the packer of a run of ``n // 5`` events."""

    def __missing__(self, n: int) -> Callable[..., bytes]:
        pack = self[n] = Struct(f"<{n}I").pack
        return pack


#: ``packers[n](*fields)``: the bytes of ``n`` fields (whole events) in one call.
packers = _Packers()


class DamagedLog(Exception):
    """Events of a session file that cannot be read: found when a chunk is first decoded
    (decoding is lazy, see :class:`Chunk`).  The message is one line."""


class ChunkCache:
    """The decoded bodies of lazily read chunks, least recently used first out.

    Opening a session keeps each chunk compressed (its events take about 1/30 of
    their decoded size); a chunk is decoded when a step in it is first needed and
    dropped again when ``budget`` bytes of newer bodies push it out.  So memory is
    bounded whatever the length of the run, and a whole-log scan costs time, not RAM.
    """

    def __init__(self, budget: int = 64 << 20) -> None:
        self.budget = budget
        self._bodies: OrderedDict[Any, tuple[np.ndarray, np.ndarray, np.ndarray]] = OrderedDict()
        self._bytes = 0

    def get(self, key: Any, load: Callable[[], tuple[np.ndarray, np.ndarray, np.ndarray]]
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        body = self._bodies.get(key)
        if body is not None:
            self._bodies.move_to_end(key)
            return body
        body = load()
        for arr in body:
            arr.setflags(write=False)
        self._bodies[key] = body
        self._bytes += sum(a.nbytes for a in body)
        while self._bytes > self.budget and len(self._bodies) > 1:
            _, old = self._bodies.popitem(last=False)
            self._bytes -= sum(a.nbytes for a in old)
        return body

    @property
    def nbytes(self) -> int:
        return self._bytes

    def holds(self, key: Any) -> bool:
        return key in self._bodies


class Chunk:
    """Whole steps ``[first_step, first_step + nsteps)`` and their events.

    Steps are indexed sparsely: ``busy`` lists the steps (relative to
    ``first_step``) that hold at least one event and ``ends`` the number of
    the chunk's events up to the end of each of them.  A step with no events
    (``jmp .`` spinning) then costs no memory, so a file of millions of empty
    steps cannot inflate past a small multiple of its own size.

    A chunk read from a file is *lazy*: it knows its extent and which kinds of
    event it holds (``kinds``, a bit per code) but decodes ``cols``, ``busy`` and
    ``ends`` only when they are read, through a shared :class:`ChunkCache`.
    Queries for rare events skip the chunks whose ``kinds`` lack them.
    """

    __slots__ = ("first_step", "first_event", "nsteps", "nevents", "extras_base", "extras", "kinds",
                 "summary", "_body", "_load", "_cache")

    def __init__(self, first_step: int, first_event: int, cols: np.ndarray, nsteps: int, busy: np.ndarray,
                 ends: np.ndarray, extras_base: int, extras: list[Any]) -> None:
        self.first_step = first_step
        self.first_event = first_event
        self.nsteps = nsteps
        self.nevents = len(cols)
        self.extras_base = extras_base
        self.extras = extras
        self.kinds = kinds_mask(cols[:, 0])
        self.summary: Summary | None = None
        self._body: tuple[np.ndarray, np.ndarray, np.ndarray] | None = (cols, busy, ends)
        self._load: Callable[[], tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None
        self._cache: ChunkCache | None = None

    @classmethod
    def lazy(cls, first_step: int, first_event: int, nsteps: int, nevents: int, extras_base: int,
             extras: list[Any], kinds: int, load: Callable[[], tuple[np.ndarray, np.ndarray, np.ndarray]],
             cache: ChunkCache, summary: "Summary | None" = None) -> "Chunk":
        """A chunk whose body ``load()`` decodes on first use (it raises :class:`DamagedLog`)."""
        self = cls.__new__(cls)
        self.first_step, self.first_event, self.nsteps, self.nevents = first_step, first_event, nsteps, nevents
        self.extras_base, self.extras, self.kinds, self.summary = extras_base, extras, kinds, summary
        self._body, self._load, self._cache = None, load, cache
        return self

    @property
    def decoded(self) -> bool:
        """Its events are in memory now (held, or in the cache)."""
        return self._body is not None or (self._cache is not None and self._cache.holds(self))

    @classmethod
    def from_counts(cls, first_step: int, first_event: int, cols: np.ndarray, counts: np.ndarray,
                    extras_base: int, extras: list[Any]) -> "Chunk":
        """A chunk from its events per step (the session file's form)."""
        busy = np.flatnonzero(counts).astype(np.uint32)
        ends = np.cumsum(counts[busy], dtype=np.uint64).astype(np.uint32)
        return cls(first_step, first_event, cols, len(counts), busy, ends, extras_base, extras)

    def _get(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._body is not None:
            return self._body
        assert self._cache is not None and self._load is not None
        return self._cache.get(self, self._load)

    @property
    def cols(self) -> np.ndarray:
        """Events, shape (n, 5), uint32."""
        return self._get()[0]

    @property
    def busy(self) -> np.ndarray:
        """The steps holding events (relative), increasing uint32."""
        return self._get()[1]

    @property
    def ends(self) -> np.ndarray:
        """Events up to the end of each busy step, increasing uint32 (``ends[-1] == nevents``)."""
        return self._get()[2]

    def has(self, codes: int) -> bool:
        """Whether the chunk may hold an event of the kinds in the bit set ``codes``."""
        return bool(self.kinds & codes)

    def seal(self) -> None:
        """Make a held body read-only: sealed means sealed."""
        if self._body is not None:
            for arr in self._body:
                arr.setflags(write=False)

    @property
    def step_counts(self) -> np.ndarray:
        """Events per step, dense (built on demand, for writing)."""
        _, busy, ends = self._get()
        counts = np.zeros(self.nsteps, dtype=np.uint32)
        counts[busy] = np.diff(ends, prepend=np.uint32(0))
        return counts

    def offsets(self, lo: int, hi: int) -> np.ndarray:
        """Chunk-relative index of the first event of each step ``lo..hi`` (relative, inclusive;
        ``hi`` may be ``nsteps``)."""
        _, busy, ends = self._get()
        rel = np.arange(lo, hi + 1, dtype=np.int64)
        before = np.searchsorted(busy, rel, side="left")     # busy steps before each
        ends0 = np.concatenate((np.zeros(1, dtype=np.int64), ends.astype(np.int64)))
        return ends0[before]

    def with_events(self, cols: np.ndarray, extras: list[Any]) -> "Chunk":
        """The same steps with upgraded events (an upcaster keeps the number per step)."""
        return Chunk(self.first_step, self.first_event, cols, self.nsteps, self.busy, self.ends,
                     self.extras_base, extras)


class Summary(Frozen):
    """What scans need of a chunk, known without decoding it: the registers as it starts,
    every eip its steps went to and every page its events wrote or (un)mapped (both sorted,
    unique), and how many more frames it pushed than it popped.  Stored with each chunk of a
    session file."""

    __slots__ = (
        "regs",
        "eips",
        "depth",
        "pages",       # page numbers (address >> 12); None: not known
        #: Or the pages still compressed, read when first asked (a file's chunks keep them so,
        #: so opening costs no more than the file): a function giving them, or None if unreadable.
        "load_pages",
    )

    def __init__(self, regs: tuple[int, ...], eips: np.ndarray, depth: int, pages: np.ndarray | None = None,
                 load_pages: Callable[[], np.ndarray | None] | None = None) -> None:
        object.__setattr__(self, "regs", regs)
        object.__setattr__(self, "eips", eips)
        object.__setattr__(self, "depth", depth)
        object.__setattr__(self, "pages", pages)
        object.__setattr__(self, "load_pages", load_pages)

    def written_pages(self) -> np.ndarray | None:
        if self.pages is None and self.load_pages is not None:
            return self.load_pages()
        return self.pages

    def may_touch(self, lo: int, hi: int) -> bool:
        """Whether an event of the chunk may write or (un)map a byte of ``[lo, hi)``."""
        pages = self.written_pages()
        if pages is None:
            return True
        i = int(np.searchsorted(pages, lo >> 12))
        return hi > lo and i < len(pages) and int(pages[i]) <= (hi - 1) >> 12


def summarize(cols: np.ndarray, regs: Any, extra: Callable[[int], Any]) -> Summary:
    """The :class:`Summary` of the events ``cols``, starting with registers ``regs``;
    ``extra(d)`` is payload ``d`` (a multi-byte write's bytes say how many pages it spans)."""
    code = cols[:, 0]
    eips = unique(cols[(code == C.REG) & (cols[:, 1] == C.EIP), 3])
    depth = int(np.count_nonzero(code == C.FRAME_PUSHED)) - int(np.count_nonzero(code == C.FRAME_POPPED))
    addr = cols[:, 1].astype(np.int64)
    one = np.isin(code, [C.MEM1, C.MEM2, C.MEM4])
    size = np.where(code == C.MEM1, 1, np.where(code == C.MEM2, 2, 4))
    pages = [addr[one] >> 12, (addr[one] + size[one] - 1) >> 12,
             addr[np.isin(code, [C.PAGE_MAPPED, C.PAGE_UNMAPPED, C.PAGE_COPIED])] >> 12]
    for i in np.flatnonzero(code == C.MEMN).tolist():
        n = max(len(extra(int(cols[i, 4]))[1]), 1)
        pages.append(np.arange(addr[i] >> 12, ((addr[i] + n - 1) >> 12) + 1))
    return Summary(tuple(int(r) for r in regs), eips.astype(np.uint32), depth,
                   unique(np.concatenate(pages) & 0xFFFFF).astype(np.uint32))


def kinds_mask(codes: np.ndarray) -> int:
    """The bit set of event codes present in ``codes``."""
    if not len(codes):
        return 0
    present = np.flatnonzero(np.bincount(codes, minlength=K.NCODES))
    return int(np.bitwise_or.reduce(np.left_shift(1, present.astype(np.int64)))) if len(present) else 0


def code_bits(*codes: int) -> int:
    """The bit set of ``codes``, to test against :attr:`Chunk.kinds`."""
    bits = 0
    for c in codes:
        bits |= 1 << c
    return bits


class EventSlice:
    """A contiguous run of events, as columns, with access to their extras."""

    __slots__ = ("cols", "extras", "first_event")

    def __init__(self, cols: np.ndarray, extras: list[Any], first_event: int) -> None:
        self.cols = cols
        self.extras = extras
        self.first_event = first_event

    def __len__(self) -> int:
        return len(self.cols)

    def models(self) -> Iterator[Event]:
        for code, a, b, c, d in self.cols.tolist():
            yield K.to_model(code, a, b, c, d, self.extras)


def _emitter(write: Callable[[bytes], None]) -> Callable[[tuple[int, ...]], None]:
    """``emit(fields)``: pack a tuple of whole events' fields and ``write`` them.  The
    hottest emitters (the interpreter's register and memory writes, translated blocks)
    write packed rows themselves, without this Python frame."""
    def emit(row: tuple[int, ...], _packers: dict[int, Callable[..., bytes]] = packers) -> None:
        try:
            write(_packers[len(row)](*row))
        except StructError:     # a negative or >32-bit value: a bug in the caller
            raise ValueError(f"event field out of uint32 range: {row}") from None
    return emit


class EventLog:
    """Append-only, step-indexed log of compact events."""

    def __init__(self, chunk_events: int = 1 << 16, sink: Callable[[Chunk], None] | None = None,
                 retain: bool = True) -> None:
        self.chunk_events = chunk_events      # (a property: it sets the two limits end_step reads)
        self.sink = sink
        #: Keep sealed chunks for reading.  A plain ``vmdebug run`` never reads its past, so
        #: it keeps only the last sealed chunk (its end may be the step a diagnosis reads)
        #: and runs in constant memory, its output included.
        self.retain = retain
        self.chunks: list[Chunk] = []
        self._chunk_first_events: list[int] = []
        self._chunk_first_steps: list[int] = []
        self._sealed_events = 0
        self._sealed_steps = 0
        self._buf = bytearray()
        #: ``len(_buf)`` at the end of each closed step there (bytes, not events: end_step
        #: then appends ``len(_buf)`` as it is, and the open step starts at ``_ends[-1]``).
        self._ends = array("I")
        self.extras: list[Any] = []
        self._extras_sealed = 0
        #: Called after each chunk is sealed or loaded: caches of extras indices of the open
        #: chunk (a frame event's function name) start over there.
        self.on_seal: list[Callable[[], None]] = []
        #: Decoded bodies of the lazy chunks a session file gives (see :class:`Chunk`).
        self.cache = ChunkCache()
        #: The hot-loop append of packed rows: ``write(pack_row(code, a, b, c, d))``, or the
        #: bytes of several rows at once (``packers[10](...)``, a ``bytes`` constant).
        self.write: Callable[[bytes], None] = self._buf.extend
        #: ``emit((code, a, b, c, d))``, or a tuple of several rows' fields: packs and writes.
        self.emit: Callable[[tuple[int, ...]], None] = _emitter(self.write)
        #: :meth:`mark`, called every step: the buffer's own ``__len__`` (no Python frame).
        #: ``_buf`` is never replaced, only cut (``del``), so both stay bound to it.
        self.mark: Callable[[], int] = self._buf.__len__
        #: ``close_step(mark())`` closes the open step as :meth:`end_step` does, but seals
        #: nothing: whoever closes steps this way calls :meth:`settle` after a run of them
        #: (a translated block after its last instruction).  ``_ends`` too is never replaced.
        self.close_step: Callable[[int], None] = self._ends.append

    @property
    def buffer(self) -> bytearray:
        """The open buffer, for code that appends packed rows to it in place (``buf +=
        pack_row(...)``, ``len(buf)`` as :meth:`mark`; a translated block).  Append only:
        nothing else may change it, and it is never replaced."""
        return self._buf

    @property
    def chunk_events(self) -> int:
        """A chunk is sealed at the first step end with at least this many events, or steps."""
        return self._chunk_events

    @chunk_events.setter
    def chunk_events(self, n: int) -> None:
        self._chunk_events = n
        self._seal_fields = n * ROW         # what end_step compares (buffer bytes), precomputed
        self._seal_steps = n

    # ---- appending ---------------------------------------------------------
    def add(self, code: int, a: int = 0, b: int = 0, c: int = 0, d: int = 0) -> None:
        self._buf.extend(pack_row(code, a, b, c, d))

    def add_extra(self, payload: Any) -> int:
        """Store a variable-size payload; returns the index to put in column ``d``."""
        self.extras.append(payload)
        return len(self.extras) - 1

    def add_model(self, event: Event) -> None:
        row, extra = K.from_model(event)
        if extra is not None:
            row = row[:4] + (self.add_extra(extra),)
        self.add(*row)

    def end_step(self) -> None:
        """Close the current step.  Seals a chunk when the buffer is full.

        Called once per step: it appends and compares, nothing else (the open step's start
        is ``_ends[-1]``, the limits are precomputed)."""
        n = len(self._buf)
        ends = self._ends
        ends.append(n)
        # Sealed by events, and by steps: a program spinning with no events per step
        # must not make one chunk of millions of steps.
        if n >= self._seal_fields or len(ends) >= self._seal_steps:
            self.settle()

    def settle(self) -> None:
        """Seal every chunk that the closed steps have filled, each at the first step end where
        :meth:`end_step` would have sealed it.  Code that closes a run of steps with
        :attr:`close_step` (``close_step(mark())``: two C calls, no Python frame) calls this
        once after the run; the chunks are then those ``end_step`` makes."""
        ends = self._ends
        while ends and (ends[-1] >= self._seal_fields or len(ends) >= self._seal_steps):
            # the first step end where the chunk is full, by events or by steps
            k = min(bisect.bisect_left(ends, self._seal_fields) + 1, self._seal_steps)
            self._seal(k)

    def seal_limits(self) -> tuple[Any, int, int]:
        """What :meth:`end_step` compares, for a caller that closes steps with
        :attr:`close_step` and settles only when a chunk is full: the closed steps' ends (the
        array ``close_step`` appends to; read it, never change it), and the buffer bytes (as
        :meth:`mark` counts them) and the steps that fill a chunk."""
        return self._ends, self._seal_fields, self._seal_steps

    @property
    def _open_start(self) -> int:
        """``len(_buf)`` at the start of the open step."""
        return self._ends[-1] if self._ends else 0

    def seal(self) -> None:
        """Turn the closed steps in the buffer into chunks (and hand each to the sink): those
        :meth:`settle` owes first, then one of whatever steps remain closed."""
        self.settle()
        if self._ends:
            self._seal(len(self._ends))

    def _seal(self, k: int) -> None:
        """Seal the first ``k`` closed steps of the buffer as one chunk.

        The packed rows become uint32 columns in one copy (the fields were checked and
        converted when they were packed).  The copy leaves no view of the bytearray behind,
        which could then not be resized."""
        buf, ends = self._buf, self._ends
        end = ends[k - 1]
        cols = np.frombuffer(buf, dtype="<u4", count=end // 4).astype(np.uint32).reshape(-1, FIELDS)
        # Events per step; a step ends where the next begins (in bytes, hence // ROW).
        counts = np.diff(np.array(ends[:k], dtype=np.uint32) // ROW, prepend=np.uint32(0))
        del buf[:end]       # (a bytearray drops its head in place: no copy of the rest)
        # ``_ends`` and ``_buf`` are cut in place, never replaced: close_step, mark and emit
        # are bound to them.  The steps after the k-th (closed or open) now start at 0.
        del ends[:k]
        for i in range(len(ends)):
            ends[i] -= end
        extras_hi = len(self.extras)
        if buf:  # events of the steps after these may already reference extras
            pending = np.frombuffer(bytes(buf), dtype="<u4").reshape(-1, FIELDS)
            refs = pending[np.isin(pending[:, 0], list(K.EXTRA_CODES)), 4]
            if len(refs):
                extras_hi = int(refs.min())
        chunk = Chunk.from_counts(self._sealed_steps, self._sealed_events, cols, counts,
                                  self._extras_sealed, self.extras[self._extras_sealed:extras_hi])
        if not self.retain and self.chunks:         # the chunk before this one goes, payloads too
            gone = self.chunks.pop()
            self._chunk_first_events.pop()
            self._chunk_first_steps.pop()
            self.extras[gone.extras_base:gone.extras_base + len(gone.extras)] = [None] * len(gone.extras)
        self._append_chunk(chunk)
        self._extras_sealed = extras_hi
        if self.sink is not None:
            self.sink(chunk)

    @property
    def sealed_events(self) -> int:
        """Events in sealed chunks (kept or let go): the open steps' events come after."""
        return self._sealed_events

    @property
    def extras_sealed(self) -> int:
        """Payloads before this index belong to sealed chunks: a new chunk cannot refer to them."""
        return self._extras_sealed

    # ---- undoing the open step ----------------------------------------------
    def mark(self) -> int:
        """A place in the open step to come back to (see :meth:`rollback`).  (Each log binds
        ``mark`` to its buffer's ``__len__`` in ``__init__``, which gives the same.)"""
        return len(self._buf)

    def rows_since(self, mark: int) -> list[tuple[int, tuple[int, int, int, int, int]]]:
        """The events appended since ``mark``, each with the mark just before it."""
        buf = self._buf
        return [(i, _unpack_row(buf, i)) for i in range(mark, len(buf), ROW)]  # type: ignore[misc]

    def rollback(self, mark: int, keep: list[tuple[int, int, int, int, int]] = ()) -> None:  # type: ignore[assignment]
        """Forget the events after ``mark``, then append ``keep`` again.  Only the open step
        can be undone (a faulting instruction's own writes): closed steps never change."""
        if not self._open_start <= mark <= len(self._buf):
            raise ValueError("only the open step can be rolled back")
        del self._buf[mark:]
        for row in keep:
            self._buf.extend(pack_row(*row))

    def _append_chunk(self, chunk: Chunk) -> None:
        chunk.seal()
        self.chunks.append(chunk)
        self._chunk_first_events.append(chunk.first_event)
        self._chunk_first_steps.append(chunk.first_step)
        self._sealed_events += chunk.nevents
        self._sealed_steps += chunk.nsteps
        for hook in self.on_seal:
            hook()

    def load_chunk(self, chunk: Chunk) -> None:
        """Append a chunk read from a file (used by the session reader)."""
        if chunk.first_step != self._sealed_steps or chunk.first_event != self._sealed_events:
            raise ValueError("chunk out of order")
        if chunk.extras_base != len(self.extras):
            raise ValueError("chunk extras out of order")
        if self._buf or self._ends:
            raise ValueError("chunk loaded after recorded steps")
        self.extras.extend(chunk.extras)
        self._extras_sealed = len(self.extras)
        self._append_chunk(chunk)

    # ---- reading -----------------------------------------------------------
    @property
    def nsteps(self) -> int:
        """Number of closed steps (step 0 included)."""
        return self._sealed_steps + len(self._ends)

    @property
    def last_step(self) -> int:
        return self.nsteps - 1

    def __len__(self) -> int:
        """Number of events in closed steps."""
        return self._sealed_events + (self._ends[-1] // ROW if self._ends else 0)

    def offset(self, step: int) -> int:
        """Index of the first event of ``step`` (``len(self)`` for ``nsteps``)."""
        if not 0 <= step <= self.nsteps:
            raise IndexError(f"step {step} out of range")
        if step >= self._sealed_steps:
            rel = step - self._sealed_steps
            return self._sealed_events + (self._ends[rel - 1] // ROW if rel else 0)
        ch = self.chunk_at(step)
        if ch is None:
            raise ValueError(f"this log no longer keeps step {step}")
        if step == ch.first_step:                 # known without decoding the chunk
            return ch.first_event
        before = int(np.searchsorted(ch.busy, step - ch.first_step, side="left"))
        return ch.first_event + (int(ch.ends[before - 1]) if before else 0)

    def chunk_at(self, step: int) -> Chunk | None:
        """The sealed chunk holding ``step`` (None for a step not sealed yet, or dropped).
        A scan that ends its windows at chunk edges decodes no chunk just to find where a
        step's events start."""
        if step >= self._sealed_steps or not self.chunks or step < self._chunk_first_steps[0]:
            return None
        return self.chunks[bisect.bisect_right(self._chunk_first_steps, step) - 1]

    def chunk_span(self, step: int) -> tuple[int, int]:
        """The events ``[lo, hi)`` of the chunk holding ``step`` (or of the unsealed steps)."""
        if step >= self._sealed_steps:
            return self._sealed_events, len(self)
        ch = self.chunks[bisect.bisect_right(self._chunk_first_steps, step) - 1]
        return ch.first_event, ch.first_event + ch.nevents

    def offsets(self, lo: int, hi: int) -> np.ndarray:
        """``offset(s)`` for every step ``lo..hi`` inclusive (``hi`` may be ``nsteps``), as int64."""
        if not 0 <= lo <= hi <= self.nsteps:
            raise IndexError(f"steps {lo}..{hi} out of range")
        if lo < self._sealed_steps and (not self.chunks or lo < self._chunk_first_steps[0]):
            raise ValueError(f"this log no longer keeps step {lo}")
        parts = []
        i = max(0, bisect.bisect_right(self._chunk_first_steps, lo) - 1)
        s = lo
        while s <= hi and i < len(self.chunks) and s < self._sealed_steps:
            ch = self.chunks[i]
            e = min(hi, ch.first_step + ch.nsteps - 1)
            if s <= e:
                parts.append(ch.offsets(s - ch.first_step, e - ch.first_step) + ch.first_event)
                s = e + 1
            i += 1
        if s <= hi:  # the buffered steps (and nsteps itself)
            ends0 = np.concatenate((np.zeros(1, dtype=np.int64),
                                    np.array(self._ends, dtype=np.int64) // ROW))
            parts.append(ends0[s - self._sealed_steps:hi - self._sealed_steps + 1] + self._sealed_events)
        return np.concatenate(parts) if len(parts) > 1 else parts[0]

    def step_of_events(self, events: np.ndarray) -> np.ndarray:
        """The step each event index in ``events`` (sorted) belongs to, as int64."""
        events = np.asarray(events, dtype=np.int64)
        out = np.empty(len(events), dtype=np.int64)
        if not len(events):
            return out
        firsts = np.asarray(self._chunk_first_events + [self._sealed_events], dtype=np.int64)
        which = np.searchsorted(firsts, events, side="right") - 1
        for i in unique(which).tolist():
            sel = which == i
            if i < len(self.chunks):
                ch = self.chunks[i]
                rel = events[sel] - ch.first_event
                # the step holding event rel: the first busy step whose end is past it
                out[sel] = ch.first_step + ch.busy[np.searchsorted(ch.ends, rel, side="right")].astype(np.int64)
            else:
                rel = events[sel] - self._sealed_events
                ends = np.array(self._ends, dtype=np.int64) // ROW
                out[sel] = self._sealed_steps + np.searchsorted(ends, rel, side="right")
        return out

    def pieces(self, lo: int, hi: int) -> Iterator[tuple[int, int, int]]:
        """``(chunk index, s, e)`` for each chunk holding events of ``[lo, hi)``, with the
        chunk-relative range; the unsealed steps come last with index ``len(chunks)`` and
        ``s, e`` relative to the first event after the sealed ones.  Nothing is decoded."""
        hi = min(hi, len(self))
        if lo < min(hi, self._sealed_events) and (not self.chunks or lo < self._chunk_first_events[0]):
            raise ValueError(f"this log no longer keeps event {lo}")
        i = max(0, bisect.bisect_right(self._chunk_first_events, lo) - 1)
        pos = lo
        while pos < hi and i < len(self.chunks):
            ch = self.chunks[i]
            s, e = pos - ch.first_event, min(hi - ch.first_event, ch.nevents)
            if s < e:
                yield i, s, e
            pos = max(pos, ch.first_event + e)
            i += 1
        if pos < hi:
            yield len(self.chunks), pos - self._sealed_events, hi - self._sealed_events

    def piece_cols(self, i: int, s: int, e: int) -> np.ndarray:
        """The events of one piece from :meth:`pieces` (a view of a chunk's columns)."""
        if i < len(self.chunks):
            return self.chunks[i].cols[s:e]
        return np.frombuffer(self._buf, dtype="<u4", count=(e - s) * FIELDS, offset=s * ROW) \
            .astype(np.uint32).reshape(-1, FIELDS)     # a copy: a view would pin the bytearray

    def iter_cols(self, lo: int, hi: int) -> Iterator[np.ndarray]:
        """Columns of events ``[lo, hi)``, chunk by chunk, as views (no copy)."""
        for i, s, e in self.pieces(lo, hi):
            yield self.piece_cols(i, s, e)

    def scan(self, lo: int, hi: int, having: int = 0) -> Iterator[tuple[int, np.ndarray]]:
        """``(first event index, columns)`` of the events ``[lo, hi)`` chunk by chunk, skipping
        the chunks that hold no event of the kinds in the bit set ``having`` (see
        :func:`code_bits`; 0 skips none).  A search for rare events then decodes only the
        chunks that hold them."""
        for i, s, e in self.pieces(lo, hi):
            if i < len(self.chunks):
                ch = self.chunks[i]
                if having and not ch.has(having):
                    continue
                yield ch.first_event + s, ch.cols[s:e]
            else:
                yield self._sealed_events + s, self.piece_cols(i, s, e)

    def find(self, having: int, lo: int = 0, hi: int | None = None) -> np.ndarray:
        """Indices of the events in ``[lo, hi)`` of the kinds in the bit set ``having``, as int64."""
        parts = [np.flatnonzero((np.left_shift(1, cols[:, 0].astype(np.int64)) & having) != 0) + start
                 for start, cols in self.scan(lo, len(self) if hi is None else hi, having)]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def event_cols(self, lo: int, hi: int) -> np.ndarray:
        """Columns of events ``[lo, hi)`` (a view when they sit in one chunk)."""
        parts = list(self.iter_cols(lo, hi))
        if not parts:
            return np.zeros((0, FIELDS), dtype=np.uint32)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def steps(self, first: int, last: int) -> EventSlice:
        """Events of steps ``first..last`` inclusive."""
        lo = self.offset(first)
        hi = self.offset(min(last, self.last_step) + 1)
        return EventSlice(self.event_cols(lo, hi), self.extras, lo)

    def step(self, step: int) -> EventSlice:
        return self.steps(step, step)

    def iter_models(self) -> Iterator[tuple[int, Event]]:
        """Every event as ``(step, model)``: for export and validation, not the hot path."""
        batch = 1 << 14
        for lo in range(0, len(self), batch):
            hi = min(lo + batch, len(self))
            steps = self.step_of_events(np.arange(lo, hi)).tolist()
            for step, model in zip(steps, EventSlice(self.event_cols(lo, hi), self.extras, lo).models()):
                yield step, model
