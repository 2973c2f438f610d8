"""The event vocabulary as frozen pydantic models, discriminated by ``kind``.

These models are the public, validated form of an event: export, the public
API and validation of loaded files use them.  The hot recording loop never
builds them; it appends compact tuples (see :mod:`events.codes`).

Every event carries the value it replaces, so each one can be undone exactly.

Schema changes bump :data:`SCHEMA_VERSION` and add an explicit upcaster to
:data:`UPCASTERS` (``upcast_v1_v2`` style), so old session files stay readable.
"""
from __future__ import annotations

from typing import Annotated, Callable, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

SCHEMA_VERSION = 2     # 2: page_copied (copy-on-write, the zero page), kernel_mapped (the kernel half)

Access = Literal["read", "write", "exec"]
U32 = Annotated[int, Field(ge=0, le=0xFFFFFFFF)]


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_bytes="hex", val_json_bytes="hex")


class RegisterWritten(_Event):
    kind: Literal["register_written"] = "register_written"
    reg: str
    old: U32
    new: U32


class MemoryWritten(_Event):
    """A write to virtual memory; ``old`` and ``new`` have the same length."""

    kind: Literal["memory_written"] = "memory_written"
    address: U32
    old: bytes
    new: bytes


class PageMapped(_Event):
    """A PTE became present.  ``table_frame`` is non-zero when this mapping also
    created the page table (the PDE was not present before)."""

    kind: Literal["page_mapped"] = "page_mapped"
    page: U32
    frame: int = Field(ge=0)
    perms: str
    dirty: bool = False
    table_frame: int = Field(default=0, ge=0)


class PageUnmapped(_Event):
    """A PTE was cleared and its frame freed.  ``contents`` is what the frame held
    (the fold zeroes freed frames, so undoing restores it)."""

    kind: Literal["page_unmapped"] = "page_unmapped"
    page: U32
    frame: int = Field(ge=0)
    perms: str
    dirty: bool = False
    contents: bytes = b""


class PageProtected(_Event):
    kind: Literal["page_protected"] = "page_protected"
    page: U32
    frame: int = Field(ge=0)
    perms: str
    old_perms: str


class PageDirtied(_Event):
    """The MMU set the PTE's D bit on the first write to a page mapped clean
    (Intel SDM Vol. 3A, 4.8 "Accessed and Dirty Flags")."""

    kind: Literal["page_dirtied"] = "page_dirtied"
    page: U32
    frame: int = Field(ge=0)


class FramePushed(_Event):
    kind: Literal["frame_pushed"] = "frame_pushed"
    function: str
    call_site: U32
    return_address: U32
    frame_base: U32


class FramePopped(_Event):
    kind: Literal["frame_popped"] = "frame_popped"
    function: str
    call_site: U32
    return_address: U32
    frame_base: U32


class PageCopied(_Event):
    """Copy-on-write: a write to a page mapped read-only from a shared frame (the zero
    page, or a frame shared after fork) gave the page a frame of its own, with the old
    frame's contents (mm/memory.c do_wp_page / wp_page_copy)."""

    kind: Literal["page_copied"] = "page_copied"
    page: U32
    old_frame: int = Field(ge=0)
    new_frame: int = Field(ge=0)
    perms: str
    dirty: bool = True
    old_perms: str
    old_dirty: bool = False


class KernelMapped(_Event):
    """The kernel half: page directory entries that map physical memory at ``start`` in
    4 MiB pages, present but supervisor-only, the same in every process (i386 Linux's
    lowmem direct map, copied from swapper_pg_dir by pgd_ctor)."""

    kind: Literal["kernel_mapped"] = "kernel_mapped"
    start: U32
    pages: int = Field(ge=1, le=1024)
    physical: U32
    pde_flags: int = Field(ge=0, le=0xFFF)


class BreakMoved(_Event):
    kind: Literal["break_moved"] = "break_moved"
    old: U32
    new: U32


class Syscall(_Event):
    kind: Literal["syscall"] = "syscall"
    number: int
    name: str
    args: tuple[int, ...]
    result: int


class OutputWritten(_Event):
    kind: Literal["output_written"] = "output_written"
    fd: int
    data: bytes


class Segfault(_Event):
    kind: Literal["segfault"] = "segfault"
    eip: U32
    address: U32
    access: Access
    code: Literal["SEGV_MAPERR", "SEGV_ACCERR"]
    reason: str


class Fault(_Event):
    """Any other fatal signal (SIGILL, SIGFPE, SIGTRAP...): the segfault's shape plus the signal."""

    kind: Literal["fault"] = "fault"
    signal: int
    eip: U32
    address: U32
    access: Access
    code: str
    reason: str


class ProcessExited(_Event):
    """The process ended: ``status`` is the exit code, or 128+signal when killed by ``signal``."""

    kind: Literal["process_exited"] = "process_exited"
    status: int
    signal: int = 0


class VmaMapped(_Event):
    """A virtual memory area appeared (a line of /proc/PID/maps)."""

    kind: Literal["vma_mapped"] = "vma_mapped"
    start: U32
    end: int = Field(ge=0, le=1 << 32)
    perms: str
    name: str = ""


class VmaUnmapped(_Event):
    kind: Literal["vma_unmapped"] = "vma_unmapped"
    start: U32
    end: int = Field(ge=0, le=1 << 32)
    perms: str
    name: str = ""


Event = Annotated[
    Union[
        RegisterWritten, MemoryWritten, PageMapped, PageUnmapped, PageProtected, PageDirtied,
        FramePushed, FramePopped, BreakMoved, Syscall, OutputWritten, Segfault, Fault,
        ProcessExited, VmaMapped, VmaUnmapped, PageCopied, KernelMapped,
    ],
    Field(discriminator="kind"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

# version -> function turning a dict of that version into a dict of the next.
UPCASTERS: dict[int, Callable[[dict], dict]] = {}


def upcast_v1_v2(data: dict) -> dict:
    """Version 2 added page_copied and kernel_mapped; version 1 events are unchanged."""
    return data


UPCASTERS[1] = upcast_v1_v2


def upcast(data: dict, version: int) -> dict:
    """Bring an event dict written with schema ``version`` up to :data:`SCHEMA_VERSION`."""
    while version < SCHEMA_VERSION:
        data = UPCASTERS[version](data)
        version += 1
    return data


def parse_event(data: dict, version: int = SCHEMA_VERSION) -> Event:
    """Validate one event dict (e.g. from export or a file), upcasting it first."""
    return EVENT_ADAPTER.validate_python(upcast(dict(data), version))
