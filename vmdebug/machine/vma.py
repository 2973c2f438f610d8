"""Virtual memory areas: the kernel's list of what is mapped where (mm->mmap)."""
from __future__ import annotations

from events.record import Frozen, replace
from events import codes as C


class Vma(Frozen):
    """``[start, end)`` with r/w/x(/shared) bits.  File-backed areas read their
    page contents from ``file`` (the bytes that belong at ``file_start``)."""

    __slots__ = (
        "start",
        "end",
        "perms",
        "name",
        "file",
        "file_start",
        "growsdown",
        #: A shared anonymous mapping's memory object (shmem): page index from ``file_start``
        #: -> frame, the same dict in every process that maps it, so a page faulted in by one
        #: after fork is the page the other sees.
        "shm",
    )

    _eq_skip = ("shm",)

    def __init__(self, start: int, end: int, perms: int, name: str = "", file: bytes | None = None,
                 file_start: int = 0, growsdown: bool = False, shm: dict[int, int] | None = None) -> None:
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "perms", perms)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "file", file)
        object.__setattr__(self, "file_start", file_start)
        object.__setattr__(self, "growsdown", growsdown)
        object.__setattr__(self, "shm", shm)

    def contains(self, addr: int) -> bool:
        return self.start <= addr < self.end

    def page_contents(self, page: int) -> bytes | None:
        """File bytes for the page at ``page`` (None for anonymous memory)."""
        if self.file is None:
            return None
        lo = page - self.file_start
        hi = lo + 4096
        if hi <= 0 or lo >= len(self.file):
            return None
        data = self.file[max(lo, 0):min(hi, len(self.file))]
        if lo < 0:
            data = b"\0" * (-lo) + data
        return data.ljust(4096, b"\0")

    def slice(self, start: int, end: int) -> "Vma":
        return replace(self, start=start, end=end)

    def maps_perms(self) -> str:
        return C.perms_str(self.perms, True)
