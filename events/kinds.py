"""One descriptor per event kind: everything about a kind is written down here, once.

Each entry of :data:`KINDS` (indexed by code) says, for one compact code
``(code, a, b, c, d)``:

* ``name``: the public ``kind`` of its pydantic model; ``model``, that model's
  class name (``name`` in CamelCase); and ``fields``: the model's fields, written as
  annotations on the decorated class (with defaults as class attributes), and
  ``doc``, its docstring.  :mod:`events.schema` builds the models from these, so
  the recording loop and the fold never import pydantic;
* ``payload``: whether ``d`` indexes the log's extras list;
* ``unpack(a, b, c, d, extra)``: the model's fields;
* ``pack(model)``: ``((code, a, b, c, d), extra or None)``;
* ``apply(state, row, extras, forward)``: the fold, forward or undone;
* ``describe(code, a, b, c, d, extra)``: one line saying what it changed (the
  debugger's ``diff`` view);
* ``fold``: how a run of events folds it (see :data:`FOLDS`), and ``summary``:
  whether it moves what stored checkpoints are checked on (the break, the output
  count, the end, the page map).

The table is built by the :func:`kind` decorator, py65-style: a kind is one
decorated class.  ``tests/test_event_kinds.py`` fails when a kind lacks a part.
Adding a kind: its number in :mod:`events.codes`, one decorated class here (its
fields, and how it packs, applies and describes itself), and its sample in the test.
"""
from __future__ import annotations

import importlib
import typing
from typing import TYPE_CHECKING, Annotated, Any, Callable, Literal

from events import codes as C
from events.record import Frozen
from events.state import (PAGE, PAGE_SHIFT, PDE_TABLE, PTE_D, PTE_RW, ZERO_PAGE, FoldError, ProcessState, Row,
                          pte_value)

Apply = Callable[[ProcessState, Row, list[Any], bool], None]

# The field types of the public models.  annotated_types constraints are what pydantic
# validates, so the table stays free of pydantic.  The annotations stay strings until a
# kind's ``fields`` are first asked for (by events.schema, to build the models): recording
# and the fold neither evaluate them nor import annotated_types (issue #17: start-up).
if TYPE_CHECKING:
    from annotated_types import Ge, Le

    U32 = Annotated[int, Ge(0), Le(0xFFFFFFFF)]
    Nat = Annotated[int, Ge(0)]
Access = Literal["read", "write", "exec"]
#: A field: (name, annotation, default), the default being :data:`REQUIRED` when there is none.
REQUIRED: Any = Ellipsis
Field_ = tuple[str, Any, Any]


class Kind(Frozen):
    __slots__ = (
        "code",
        "name",
        "model",
        "payload",
        "unpack",
        "pack",
        "apply",
        "describe",
        "fold",      # how a run of events folds it: see FOLDS
        "summary",   # it moves the break, the output count, the end or the page map
        "owner",     # the decorated class: its annotations are the public model's fields
        "raw_doc",   # the public model's docstring as written (``doc`` cleans it)
    )

    def __init__(self, code: int, name: str, model: str, payload: bool,
                 unpack: Callable[[int, int, int, int, Any], dict[str, Any]],
                 pack: Callable[[Any], tuple[Row, Any]], apply: Apply,
                 describe: Callable[[int, int, int, int, int, Any], str], fold: str, summary: bool,
                 owner: type, raw_doc: str) -> None:
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "payload", payload)
        object.__setattr__(self, "unpack", unpack)
        object.__setattr__(self, "pack", pack)
        object.__setattr__(self, "apply", apply)
        object.__setattr__(self, "describe", describe)
        object.__setattr__(self, "fold", fold)
        object.__setattr__(self, "summary", summary)
        object.__setattr__(self, "owner", owner)
        object.__setattr__(self, "raw_doc", raw_doc)

    @property
    def doc(self) -> str:
        """The public model's docstring, cleaned as ``inspect.getdoc`` cleans one (``inspect``
        is imported here, by the schema's builder, not by every ``run``: 8 ms)."""
        import inspect
        return inspect.cleandoc(self.raw_doc)

    @property
    def fields(self) -> tuple[Field_, ...]:
        """The public model's fields, in order: (name, annotation, default)."""
        return _fields(self.owner)


_TABLE: dict[int, Kind] = {}


#: How :func:`vmdebug.replay.fold.apply_range` treats a kind in a run of events:
#: "simple" - register and small memory writes, folded at once with numpy;
#: "frame" - shadow-stack pushes and pops, folded at once;
#: "barrier" - changes how addresses translate (or writes many bytes): applied in order,
#: splitting the run around it; "aside" - touches neither memory nor frames: applied in order.
FOLDS = ("simple", "frame", "barrier", "aside")


_FIELDS: dict[type, tuple[Field_, ...]] = {}


def _fields(cls: type) -> tuple[Field_, ...]:
    """The annotated attributes of ``cls`` and its bases (bases first), with their defaults,
    the annotations evaluated (once per class)."""
    fields = _FIELDS.get(cls)
    if fields is None:
        from annotated_types import Ge, Le

        names = {"Ge": Ge, "Le": Le, "U32": Annotated[int, Ge(0), Le(0xFFFFFFFF)], "Nat": Annotated[int, Ge(0)]}
        hints = typing.get_type_hints(cls, localns=names, include_extras=True)
        fields = _FIELDS[cls] = tuple((n, t, getattr(cls, n, REQUIRED)) for n, t in hints.items())
    return fields


def _declared(cls: type) -> tuple[tuple[str, Any, Any], ...]:
    """The annotated attributes of ``cls`` and its bases (bases first) as written, unevaluated."""
    seen: dict[str, Any] = {}
    for base in reversed(cls.__mro__):
        for n, t in base.__dict__.get("__annotations__", {}).items():
            seen[n] = t
    return tuple((n, t, getattr(cls, n, REQUIRED)) for n, t in seen.items())


def _doc(cls: type) -> str:
    """The docstring ``cls`` has or inherits, as written (what ``inspect.getdoc`` finds)."""
    return next((base.__doc__ for base in cls.__mro__ if base is not object and base.__doc__), "")


def kind(*codes: int, name: str, payload: bool = False, fold: str = "aside",
         summary: bool = False) -> Callable[[type], type]:
    """Register a class holding the fields of ``name``'s model and ``unpack``, ``pack``,
    ``apply`` and ``describe`` for ``codes``."""
    if fold not in FOLDS:
        raise ValueError(f"unknown fold {fold!r}")
    model = "".join(part.capitalize() for part in name.split("_"))
    def register(cls: type) -> type:
        fields, doc = _declared(cls), _doc(cls)
        if not fields:
            raise ValueError(f"event kind {name} declares no fields")
        for code in codes:
            if code in _TABLE:
                raise ValueError(f"event code {code} registered twice")
            twin = next((k for k in _TABLE.values() if k.name == name), None)
            if twin is not None and (_declared(twin.owner), twin.raw_doc) != (fields, doc):
                raise ValueError(f"event kind {name}: codes {twin.code} and {code} declare different fields")
            unpack = getattr(cls, "unpack")
            _TABLE[code] = Kind(code, name, model, payload,
                                (lambda u, c: lambda a, b, cc, d, x: u(c, a, b, cc, d, x))(unpack, code),
                                getattr(cls, "pack"), getattr(cls, "apply"), getattr(cls, "describe"),
                                fold, summary, cls, doc)
        return cls
    return register


def _hex(data: bytes) -> str:
    return " ".join(f"{v:02x}" for v in data)


def _more(data: bytes) -> str:
    return "..." if len(data) > 16 else ""


def _perms_dirty(event: Any) -> int:
    return C.perms_bits(event.perms) | (C.PAGE_DIRTY if event.dirty else 0)


# ---- the kinds -----------------------------------------------------------------------
@kind(C.REG, name="register_written", fold="simple")
class _Register:
    """An instruction (or the kernel, at a syscall or exec) wrote a register."""
    reg: str
    old: U32
    new: U32

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return f"{C.REG_NAMES[a]:<8} {b:#010x} -> {c:#010x}"

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"reg": C.REG_NAMES[a], "old": b, "new": c}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        return (C.REG, C.REG_IDS[e.reg], e.old, e.new, 0), None

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        s.regs[r[1]] = r[3] if fwd else r[2]


@kind(C.MEM1, C.MEM2, C.MEM4, name="memory_written", fold="simple")
class _Memory:
    """A write to virtual memory; ``old`` and ``new`` have the same length."""
    # 1, 2 and 4 bytes are stored inline, as their little-endian value.
    address: U32
    old: bytes
    new: bytes

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return (f"mem      {a:#010x} [{C.MEM_SIZE_BY_CODE[code]}]  "
                f"{_hex(b.to_bytes(C.MEM_SIZE_BY_CODE[code], 'little'))} -> "
                f"{_hex(c.to_bytes(C.MEM_SIZE_BY_CODE[code], 'little'))}")

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        n = C.MEM_SIZE_BY_CODE[code]
        return {"address": a, "old": b.to_bytes(n, "little"), "new": c.to_bytes(n, "little")}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        n = len(e.new)
        if len(e.old) != n:
            raise ValueError("memory_written old and new differ in length")
        if n not in C.MEM_CODE_BY_SIZE:
            return (C.MEMN, e.address, 0, 0, 0), (bytes(e.old), bytes(e.new))
        return (C.MEM_CODE_BY_SIZE[n], e.address, int.from_bytes(e.old, "little"),
                int.from_bytes(e.new, "little"), 0), None

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        s._write_virtual(r[1], (r[3] if fwd else r[2]).to_bytes(C.MEM_SIZE_BY_CODE[r[0]], "little"))


@kind(C.MEMN, name="memory_written", payload=True, fold="barrier")
class _MemoryBytes(_Memory):
    # Any other length: the old and new bytes in the payload.

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return f"mem      {a:#010x} [{len(x[1])}]  {_hex(x[0][:16])}{_more(x[1])} -> {_hex(x[1][:16])}{_more(x[1])}"

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"address": a, "old": x[0], "new": x[1]}

    pack = _Memory.pack

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        old, new = x[r[4]]
        s._write_virtual(r[1], new if fwd else old)


@kind(C.PAGE_MAPPED, name="page_mapped", fold="barrier", summary=True)
class _PageMapped:
    """A PTE became present.  ``table_frame`` is non-zero when this mapping also
    created the page table (the PDE was not present before).  ``shared``: the frame was
    already in memory, kept by a memory object (the program file's page cache, or a
    shared mapping's), so nothing was read or zeroed."""
    page: U32
    frame: Nat
    perms: str
    dirty: bool = False
    table_frame: Nat = 0
    shared: bool = False

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return (f"page     {a:#010x} mapped to frame {b:#x} ({C.perms_str(c)})"
                + (", already in memory (shared)" if c & C.PAGE_KEPT else "")
                + (f", new page table in frame {d:#x}" if d else ""))

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"page": a, "frame": b, "perms": C.perms_str(c), "dirty": bool(c & C.PAGE_DIRTY), "table_frame": d,
                "shared": bool(c & C.PAGE_KEPT)}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        return (C.PAGE_MAPPED, e.page, e.frame, _perms_dirty(e) | (C.PAGE_KEPT if e.shared else 0),
                e.table_frame), None

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        _, page, frame, perms, table = r
        pde_addr = (s.regs[C.CR3] << PAGE_SHIFT) + (page >> 22) * 4
        if fwd:
            if table:
                s._write_word(pde_addr, (table << PAGE_SHIFT) | PDE_TABLE)
            s._write_word(s._pte_addr(page), pte_value(frame, perms))
            s.pagemap[page >> PAGE_SHIFT] = frame
        else:
            s._write_word(s._pte_addr(page), 0)
            if table:
                s._write_word(pde_addr, 0)
            s.pagemap.pop(page >> PAGE_SHIFT, None)


@kind(C.PAGE_UNMAPPED, name="page_unmapped", payload=True, fold="barrier", summary=True)
class _PageUnmapped:
    """A PTE was cleared and its frame freed.  ``contents`` is what the frame held
    (the fold zeroes freed frames, so undoing restores it).  When ``kept``, another
    process still maps the frame (fork shares frames): it is neither freed nor zeroed."""
    page: U32
    frame: Nat
    perms: str
    dirty: bool = False
    contents: bytes = b""
    kept: bool = False

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return (f"page     {a:#010x} unmapped (frame {b:#x} "
                + ("still mapped by another process)" if c & C.PAGE_KEPT else "freed)"))

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"page": a, "frame": b, "perms": C.perms_str(c), "dirty": bool(c & C.PAGE_DIRTY), "contents": x,
                "kept": bool(c & C.PAGE_KEPT)}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        kept = C.PAGE_KEPT if e.kept else 0
        return (C.PAGE_UNMAPPED, e.page, e.frame, _perms_dirty(e) | kept, 0), bytes(e.contents)

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        _, page, frame, perms, d = r
        lo = frame << PAGE_SHIFT
        if fwd:
            s._write_word(s._pte_addr(page), 0)
            s.pagemap.pop(page >> PAGE_SHIFT, None)
            if not perms & C.PAGE_KEPT:
                s.mem[lo:lo + PAGE] = ZERO_PAGE  # freed frames read as zero, so the next owner starts clean
        else:
            s._write_word(s._pte_addr(page), pte_value(frame, perms))
            s.pagemap[page >> PAGE_SHIFT] = frame
            if not perms & C.PAGE_KEPT:
                s.mem[lo:lo + PAGE] = x[d].ljust(PAGE, b"\0")
        s.touched.add(frame)


@kind(C.PAGE_PROTECTED, name="page_protected", fold="barrier")
class _PageProtected:
    """mprotect changed a present page's permissions."""
    page: U32
    frame: Nat
    perms: str
    old_perms: str

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return f"page     {a:#010x} protection {C.perms_str(d)} -> {C.perms_str(c)}"

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"page": a, "frame": b, "perms": C.perms_str(c), "old_perms": C.perms_str(d)}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        return (C.PAGE_PROTECTED, e.page, e.frame, C.perms_bits(e.perms), C.perms_bits(e.old_perms)), None

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        _, page, frame, new, old = r
        addr = s._pte_addr(page)
        pte = int.from_bytes(s.mem[addr:addr + 4], "little")
        perms = new if fwd else old
        s._write_word(addr, (pte | PTE_RW) if perms & C.PERM_W else (pte & ~PTE_RW))


@kind(C.PAGE_DIRTIED, name="page_dirtied", fold="barrier")
class _PageDirtied:
    """The MMU set the PTE's D bit on the first write to a page mapped clean
    (Intel SDM Vol. 3A, 4.8 "Accessed and Dirty Flags")."""
    page: U32
    frame: Nat

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return f"page     {a:#010x} dirtied (PTE D bit set)"

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"page": a, "frame": b}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        return (C.PAGE_DIRTIED, e.page, e.frame, 0, 0), None

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        addr = s._pte_addr(r[1])
        pte = int.from_bytes(s.mem[addr:addr + 4], "little")
        s._write_word(addr, (pte | PTE_D) if fwd else (pte & ~PTE_D))


class _Frame:
    """The shadow call stack: pushed by ``call``, popped by ``ret``."""
    function: str
    call_site: U32
    return_address: U32
    frame_base: U32

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return (f"call     {x} from {c:#010x}, return address {b:#010x} stored at {a:#010x}"
                if code == C.FRAME_PUSHED else f"return   from {x} to {b:#010x}")

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"function": x, "call_site": c, "return_address": b, "frame_base": a}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        code = C.FRAME_PUSHED if e.kind == "frame_pushed" else C.FRAME_POPPED
        return (code, e.frame_base, e.return_address, e.call_site, 0), e.function

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        entry = (x[r[4]], r[3], r[2], r[1])
        if (r[0] == C.FRAME_PUSHED) == fwd:
            s.stack.append(entry)
        elif s.stack:
            s.stack.pop()


kind(C.FRAME_PUSHED, name="frame_pushed", payload=True, fold="frame")(type("_FramePushed", (_Frame,), {}))
kind(C.FRAME_POPPED, name="frame_popped", payload=True, fold="frame")(type("_FramePopped", (_Frame,), {}))


@kind(C.BREAK_MOVED, name="break_moved", summary=True)
class _BreakMoved:
    """brk moved the program break."""
    old: U32
    new: U32

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return f"brk      {a:#010x} -> {b:#010x}"

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"old": a, "new": b}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        return (C.BREAK_MOVED, e.old, e.new, 0, 0), None

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        s.brk = r[2] if fwd else r[1]


@kind(C.SYSCALL, name="syscall", payload=True)
class _Syscall:
    """A system call returned ``result`` (its effects are their own events)."""
    number: int
    name: str
    args: tuple[int, ...]
    result: int

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return f"syscall  {x[0]}({', '.join(hex(v) for v in x[1])}) = {C.signed32(b)}"

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        name, args = x
        return {"number": a, "name": name, "args": tuple(args), "result": C.signed32(b)}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        return (C.SYSCALL, e.number, e.result & 0xFFFFFFFF, 0, 0), (e.name, list(e.args))

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        pass  # its effects are their own events


@kind(C.OUTPUT, name="output_written", payload=True, summary=True)
class _Output:
    """The program wrote ``data`` to ``fd`` (stdout or stderr)."""
    fd: int
    data: bytes

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return f"output   fd {a}: {bytes(x)[:60]!r}"

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"fd": a, "data": x}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        return (C.OUTPUT, e.fd, 0, 0, 0), bytes(e.data)

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        s.outputs += 1 if fwd else -1


@kind(C.SEGFAULT, name="segfault", payload=True)
class _Segfault:
    """SIGSEGV: a user access the page tables did not allow."""
    eip: U32
    address: U32
    access: Access
    code: Literal["SEGV_MAPERR", "SEGV_ACCERR"]
    reason: str

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return f"SIGSEGV  at eip {a:#010x}, address {b:#010x}: {x}"

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"eip": a, "address": b, "access": C.ACCESS_NAMES[c & 15], "code": C.SEGV_CODES[c >> 4], "reason": x}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        c = C.ACCESS_NAMES.index(e.access) | (C.SEGV_CODES.index(e.code) << 4)
        return (C.SEGFAULT, e.eip, e.address, c, 0), e.reason

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        s.fault = r if fwd else None


@kind(C.FAULT, name="fault", payload=True)
class _Fault:
    """Any other fatal signal (SIGILL, SIGFPE, SIGTRAP...): the segfault's shape plus the signal."""
    signal: int
    eip: U32
    address: U32
    access: Access
    code: str
    reason: str

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return f"signal {c >> 4} at eip {a:#010x}: {x[1]}"

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        sicode, reason = x
        return {"signal": c >> 4, "eip": a, "address": b, "access": C.ACCESS_NAMES[c & 15], "code": sicode,
                "reason": reason}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        c = C.ACCESS_NAMES.index(e.access) | (e.signal << 4)
        return (C.FAULT, e.eip, e.address, c, 0), (e.code, e.reason)

    apply = _Segfault.apply


@kind(C.EXITED, name="process_exited", summary=True)
class _Exited:
    """The process ended: ``status`` is the exit code, or 128+signal when killed by ``signal``."""
    status: int
    signal: int = 0

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return f"exited   status {C.signed32(a)}" + (f", signal {b}" if b else "")

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"status": C.signed32(a), "signal": b}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        return (C.EXITED, e.status & 0xFFFFFFFF, e.signal, 0, 0), None

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        s.exited = (C.signed32(r[1]), r[2]) if fwd else None


class _Vma:
    """A virtual memory area appeared or went (a line of /proc/PID/maps)."""
    # b is the last byte: end - 1 fits in 32 bits.
    start: U32
    end: Annotated[int, Ge(0), Le(1 << 32)]
    perms: str
    name: str = ""

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return (f"vma      {a:#010x}-{b + 1:#010x} {C.perms_str(c, True)} {x} "
                f"{'mapped' if code == C.VMA_MAPPED else 'unmapped'}").rstrip()

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"start": a, "end": b + 1, "perms": C.perms_str(c, True), "name": x}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        code = C.VMA_MAPPED if e.kind == "vma_mapped" else C.VMA_UNMAPPED
        return (code, e.start, e.end - 1, C.perms_bits(e.perms), 0), e.name

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        _, start, last, perms, d = r
        if (r[0] == C.VMA_MAPPED) == fwd:
            s.vmas[start] = (last + 1, C.perms_str(perms, True), x[d])
        else:
            s.vmas.pop(start, None)


kind(C.VMA_MAPPED, name="vma_mapped", payload=True)(type("_VmaMapped", (_Vma,), {}))
kind(C.VMA_UNMAPPED, name="vma_unmapped", payload=True)(type("_VmaUnmapped", (_Vma,), {}))


@kind(C.PAGE_COPIED, name="page_copied", fold="barrier", summary=True)
class _PageCopied:
    """Copy-on-write: a write to a page mapped read-only from a shared frame (the zero
    page, or a frame shared after fork) gave the page a frame of its own, with the old
    frame's contents (mm/memory.c do_wp_page / wp_page_copy)."""
    # Undone, the PTE points at the old frame again and the new frame is free (zero).
    page: U32
    old_frame: Nat
    new_frame: Nat
    perms: str
    dirty: bool = True
    old_perms: str
    old_dirty: bool = False

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return f"page     {a:#010x} copy-on-write: copied from frame {b:#x} to frame {c:#x} ({C.perms_str(d & 0xFF)})"

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"page": a, "old_frame": b, "new_frame": c, "perms": C.perms_str(d & 7),
                "dirty": bool(d & C.PAGE_DIRTY), "old_perms": C.perms_str(d >> 8 & 7),
                "old_dirty": bool(d >> 8 & C.PAGE_DIRTY)}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        new = C.perms_bits(e.perms) | (C.PAGE_DIRTY if e.dirty else 0)
        old = C.perms_bits(e.old_perms) | (C.PAGE_DIRTY if e.old_dirty else 0)
        return (C.PAGE_COPIED, e.page, e.old_frame, e.new_frame, new | old << 8), None

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        _, page, old, new, d = r
        s.touched.add(new)
        if fwd:
            s.mem[new << PAGE_SHIFT:(new + 1) << PAGE_SHIFT] = s.mem[old << PAGE_SHIFT:(old + 1) << PAGE_SHIFT]
            s._write_word(s._pte_addr(page), pte_value(new, d & 0xFF))
            s.pagemap[page >> PAGE_SHIFT] = new
        else:
            s._write_word(s._pte_addr(page), pte_value(old, d >> 8))
            s.pagemap[page >> PAGE_SHIFT] = old
            s.mem[new << PAGE_SHIFT:(new + 1) << PAGE_SHIFT] = ZERO_PAGE   # free again: freed frames read as zero


@kind(C.KERNEL_MAPPED, name="kernel_mapped", fold="barrier")
class _KernelMapped:
    """The kernel half: page directory entries that map physical memory at ``start`` in
    4 MiB pages, present but supervisor-only, the same in every process (i386 Linux's
    lowmem direct map, copied from swapper_pg_dir by pgd_ctor)."""
    # Undone, the entries are empty again.
    start: U32
    pages: Annotated[int, Ge(1), Le(1024)]
    physical: U32
    pde_flags: Annotated[int, Ge(0), Le(0xFFF)]

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return (f"kernel   {a:#010x}-{a + (b << 22) - 1:#010x} mapped to physical {c:#010x}-{c + (b << 22) - 1:#010x} "
                f"in {b} 4 MiB pages (supervisor only)")

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"start": a, "pages": b, "physical": c, "pde_flags": d}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        return (C.KERNEL_MAPPED, e.start, e.pages, e.physical, e.pde_flags), None

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        _, start, pages, phys, flags = r
        base = (s.regs[C.CR3] << PAGE_SHIFT) + (start >> 22) * 4
        for i in range(pages):
            s._write_word(base + 4 * i, ((phys + (i << 22)) | flags) if fwd else 0)


@kind(C.TASK_FORKED, name="task_forked", payload=True, fold="barrier", summary=True)
class _TaskForked:
    """fork: a new process, ``pid``, whose page directory (in frame ``page_directory``) is
    a copy of its parent's, with a copy of each of the parent's page tables (in the frames
    ``tables`` names, by directory index), so both map the same frames (kernel/fork.c
    dup_mm, mm/memory.c copy_page_range).  Its registers are the parent's, except eax (0:
    fork returns 0 in the child), eip (``eip``, after the system call) and cr3.  The
    parent's writable private pages were made read-only first (page_protected events), so
    the first write by either copies the frame."""
    pid: U32
    parent: U32
    page_directory: Nat
    eip: U32
    tables: tuple[tuple[Nat, Nat], ...] = ()

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return (f"fork     pid {a} from pid {b}: page directory in frame {c:#x}, "
                f"{len(x[1])} page table{'s' if len(x[1]) != 1 else ''} copied")

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        eip, tables = x
        return {"pid": a, "parent": b, "page_directory": c, "eip": eip, "tables": tuple(tuple(t) for t in tables)}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        return (C.TASK_FORKED, e.pid, e.parent, e.page_directory, 0), (e.eip, [list(t) for t in e.tables])

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        _, child, parent, pd, d = r
        eip, tables = x[d]
        lo = pd << PAGE_SHIFT
        if not fwd:
            s.mem[lo:lo + PAGE] = ZERO_PAGE
            for _, frame in tables:
                s.mem[frame << PAGE_SHIFT:(frame + 1) << PAGE_SHIFT] = ZERO_PAGE
                s.touched.add(frame)
            s.touched.add(pd)
            s.tasks.pop(child, None)
            s.parents.pop(child, None)
            return
        if child == s.pid or child in s.tasks:
            raise FoldError(f"fork of a process that exists: {child}")
        parent_pd = s.regs[C.CR3] << PAGE_SHIFT
        s.mem[lo:lo + PAGE] = s.mem[parent_pd:parent_pd + PAGE]
        s.touched.add(pd)
        for index, frame in tables:
            old = s.pde(index)
            src = (old >> PAGE_SHIFT) << PAGE_SHIFT
            s.mem[frame << PAGE_SHIFT:(frame + 1) << PAGE_SHIFT] = s.mem[src:src + PAGE]
            s.touched.add(frame)
            s._write_word(lo + index * 4, (frame << PAGE_SHIFT) | (old & 0xFFF))
        regs = list(s.regs)
        regs[C.EAX], regs[C.EIP], regs[C.CR3] = 0, eip, pd
        s.tasks[child] = (tuple(regs), s.brk, dict(s.vmas), tuple(s.stack), dict(s.pagemap), None, None)
        s.parents[child] = parent


@kind(C.TASK_SWITCHED, name="task_switched", fold="barrier", summary=True)
class _TaskSwitched:
    """The scheduler ran another process: ``pid`` runs from this step on, ``previous``
    waits.  Its registers, page directory (cr3), break, areas and frames become current."""
    pid: U32
    previous: U32

    @staticmethod
    def describe(code: int, a: int, b: int, c: int, d: int, x: Any) -> str:
        return f"switch   pid {b} -> pid {a}"

    @staticmethod
    def unpack(code: int, a: int, b: int, c: int, d: int, x: Any) -> dict[str, Any]:
        return {"pid": a, "previous": b}

    @staticmethod
    def pack(e: Any) -> tuple[Row, Any]:
        return (C.TASK_SWITCHED, e.pid, e.previous, 0, 0), None

    @staticmethod
    def apply(s: ProcessState, r: Row, x: list[Any], fwd: bool) -> None:
        s.switch_to(r[1] if fwd else r[2])


# ---- derived views of the table -----------------------------------------------------
if sorted(_TABLE) != list(range(len(_TABLE))):
    raise ImportError("event codes must be 0..N-1 without gaps")
KINDS: tuple[Kind, ...] = tuple(_TABLE[code] for code in range(len(_TABLE)))
NCODES = len(KINDS)
KIND_NAMES = tuple(k.name for k in KINDS)
#: Codes whose ``d`` column indexes the extras list.
EXTRA_CODES = frozenset(k.code for k in KINDS if k.payload)
#: Codes by how the fold treats them (see FOLDS), and those behind the folded state's summary.
FOLD_CODES = {f: tuple(k.code for k in KINDS if k.fold == f) for f in FOLDS}
SUMMARY_CODES = tuple(k.code for k in KINDS if k.summary)
_APPLY: tuple[Apply, ...] = tuple(k.apply for k in KINDS)
#: The kind that packs each model (the memory model's packer picks its own code).
_PACKER = {k.model: k.pack for k in reversed(KINDS)}


def apply(state: ProcessState, row: Row, extras: list[Any]) -> None:
    """Apply one event going forward."""
    _APPLY[row[0]](state, row, extras, True)


def revert(state: ProcessState, row: Row, extras: list[Any]) -> None:
    """Undo one event (its exact inverse: every event carries the value it replaces)."""
    _APPLY[row[0]](state, row, extras, False)


def describe(row: Row, extras: list[Any]) -> str:
    """One line saying what the event changed."""
    code, a, b, c, d = row
    k = KINDS[code]
    return k.describe(code, a, b, c, d, extras[d] if k.payload else None)


def to_model(code: int, a: int, b: int, c: int, d: int, extras: list[Any]) -> Any:
    """The public pydantic model of one compact event."""
    if not 0 <= code < NCODES:
        raise ValueError(f"unknown event code {code}")
    k = KINDS[code]
    model = getattr(importlib.import_module("events.schema"), k.model)
    return model(**k.unpack(a, b, c, d, extras[d] if k.payload else None))


def from_model(event: Any) -> tuple[Row, Any]:
    """The compact form of a model: ``((code, a, b, c, d), extra or None)``; when ``extra``
    is not None the caller stores it and puts its index in ``d``."""
    pack = _PACKER.get(type(event).__name__)
    if pack is None:
        raise ValueError(f"unknown event kind {getattr(event, 'kind', event)!r}")
    return pack(event)
