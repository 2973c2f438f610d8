"""What folding the event log produces: the state of the processes at a step.

The state holds what a debugger shows at a step: registers, physical memory
(page directory and page tables included, in their frames as the MMU reads
them), the program break, the VMAs, the shadow call stack and how the process
ended.  Each event kind's apply and unapply on it is in :mod:`events.kinds`.

Physical memory is one for all processes.  The rest is the *current* process's
(``pid``); the others' wait in ``tasks``, as a kernel keeps a task's context
while another runs.  A ``task_switched`` event swaps them, so every event
between two switches is the current process's, and the fold of any prefix says
which process ran each step.
"""
from __future__ import annotations

import mmap
from typing import Any

from events.lazy import np

from events import codes as C
from events.record import Record

PAGE = 4096
PAGE_SHIFT = 12
ZERO_PAGE = bytes(PAGE)
# PTE/PDE bits, Intel SDM Vol. 3A, 4.3 "32-bit paging", Table 4-6 (PDE) and 4-6/4-8 (PTE).
PTE_P, PTE_RW, PTE_US, PTE_A, PTE_D = 0x1, 0x2, 0x4, 0x20, 0x40
# Linux installs page tables with _PAGE_TABLE = P|RW|USER|ACCESSED|DIRTY
# (arch/x86/include/asm/pgtable_types.h).
PDE_TABLE = PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D
#: The first process's id (getpid() of the program as exec'd); the ids after it count up.
FIRST_PID = 1000


class FoldError(Exception):
    """The log asks for something impossible (a write to an unmapped page...)."""


def anonymous_memory(size: int) -> mmap.mmap:
    """``size`` zero bytes that cost nothing until written: a private anonymous mapping
    (a plain anonymous ``mmap`` where the platform has no such flags, as on Windows)."""
    flags = getattr(mmap, "MAP_PRIVATE", None)
    anon = getattr(mmap, "MAP_ANONYMOUS", None)
    if flags is None or anon is None:
        return mmap.mmap(-1, size)
    return mmap.mmap(-1, size, flags=flags | anon)


def pte_value(frame: int, perms: int) -> int:
    """The PTE Linux would install: present, user, accessed (``pte_mkyoung`` at fault time)."""
    value = (frame << PAGE_SHIFT) | PTE_P | PTE_US | PTE_A
    if perms & C.PERM_W:
        value |= PTE_RW
    if perms & C.PAGE_DIRTY:
        value |= PTE_D
    return value


class ProcessState(Record):
    """Everything the fold of a log prefix determines."""

    def __init__(self, nframes: int, regs: list[int] | None = None, brk: int = 0,
                 vmas: dict[int, tuple[int, int, str]] | None = None,
                 stack: list[tuple[str, int, int, int]] | None = None, pagemap: dict[int, int] | None = None,
                 exited: tuple[int, int] | None = None, fault: tuple[int, ...] | None = None,
                 outputs: int = 0, touched: set[int] | None = None, pid: int = FIRST_PID,
                 tasks: dict[int, Task] | None = None, parents: dict[int, int] | None = None) -> None:
        self.nframes = nframes
        #: Before step 0: zeros, and the FPU as a new task has it (C.initial_regs).
        self.regs = C.initial_regs() if regs is None else regs
        #: Physical memory as bytes: an anonymous private mapping, so frames never touched cost
        #: nothing, read as zeros, and need no numpy (``vmdebug run`` of a short program never
        #: imports it: issue #17).  :attr:`phys` is the same memory as a numpy array.
        self.mem: mmap.mmap = anonymous_memory(nframes * PAGE)
        self._phys: Any = None
        self.brk = brk
        self.vmas = {} if vmas is None else vmas  # start -> (end, perms, name)
        self.stack = [] if stack is None else stack  # (function, call_site, ret, base)
        self.pagemap = {} if pagemap is None else pagemap  # virtual page number -> frame (mirror of the PTEs)
        self.exited = exited  # (status, signal)
        self.fault = fault  # (code, a, b, c, d) of the fatal event
        self.outputs = outputs  # output_written events so far
        self.touched = set() if touched is None else touched  # frames written since the last checkpoint
        self.pid = pid  # the current process
        #: The other processes: pid -> (regs, brk, vmas, stack, pagemap, exited, fault).
        self.tasks = {} if tasks is None else tasks
        self.parents = {} if parents is None else parents  # pid -> its parent's pid (fork)

    @property
    def phys(self) -> np.ndarray:
        """Physical memory as a writable uint8 array over :attr:`mem` (no copy), for the
        vectorised fold and checkpoint digests."""
        arr = self._phys
        if arr is None:
            arr = self._phys = np.frombuffer(self.mem, dtype=np.uint8)
        return arr

    # ---- reading -----------------------------------------------------------
    def translate(self, address: int) -> int | None:
        """Physical address of a virtual one, or None if its page is not present."""
        frame = self.pagemap.get(address >> PAGE_SHIFT)
        return None if frame is None else (frame << PAGE_SHIFT) | (address & 0xFFF)

    def read(self, address: int, size: int) -> bytes | None:
        """Bytes at a virtual address, or None if any of them is unmapped."""
        out = bytearray()
        while size > 0:
            pa = self.translate(address)
            if pa is None:
                return None
            n = min(size, PAGE - (address & 0xFFF))
            out += self.mem[pa:pa + n]
            address = (address + n) & 0xFFFFFFFF
            size -= n
        return bytes(out)

    def read_u32(self, address: int) -> int | None:
        data = self.read(address, 4)
        return None if data is None else int.from_bytes(data, "little")

    def pde(self, index: int) -> int:
        base = self.regs[C.CR3] << PAGE_SHIFT
        return int.from_bytes(self.mem[base + index * 4: base + index * 4 + 4], "little")

    def entries(self, frame: int) -> np.ndarray:
        """The 1024 entries of a page directory or page table held in ``frame`` (a copy)."""
        return np.frombuffer(self.mem[frame << PAGE_SHIFT:(frame + 1) << PAGE_SHIFT], dtype="<u4")

    def pte(self, table_frame: int, index: int) -> int:
        base = table_frame << PAGE_SHIFT
        return int.from_bytes(self.mem[base + index * 4: base + index * 4 + 4], "little")

    # ---- low-level writes used by apply/revert -------------------------------
    def _write_virtual(self, address: int, data: bytes) -> None:
        size = len(data)
        pos = 0
        while pos < size:
            frame = self.pagemap.get(address >> PAGE_SHIFT)
            if frame is None:
                raise FoldError(f"write to unmapped page {address & ~0xFFF:#010x}")
            off = address & 0xFFF
            n = min(size - pos, PAGE - off)
            pa = (frame << PAGE_SHIFT) | off
            self.mem[pa:pa + n] = memoryview(data)[pos:pos + n]
            self.touched.add(frame)
            address = (address + n) & 0xFFFFFFFF
            pos += n

    def _write_word(self, phys_addr: int, value: int) -> None:
        self.mem[phys_addr:phys_addr + 4] = value.to_bytes(4, "little")
        self.touched.add(phys_addr >> PAGE_SHIFT)

    def _pte_addr(self, page: int) -> int:
        pde = self.pde(page >> 22)
        if not pde & PTE_P:
            raise FoldError(f"no page table for {page:#010x}")
        return ((pde >> PAGE_SHIFT) << PAGE_SHIFT) + ((page >> PAGE_SHIFT) & 0x3FF) * 4

    # ---- processes -----------------------------------------------------------
    def context(self) -> "Task":
        """The current process's context, as ``tasks`` keeps the others' (copies)."""
        return (tuple(self.regs), self.brk, dict(self.vmas), tuple(self.stack), dict(self.pagemap),
                self.exited, self.fault)

    def switch_to(self, pid: int) -> None:
        """Make ``pid`` current, keeping the current context in ``tasks``.  The registers
        change in place: the CPU's compiled instructions hold this very list."""
        if pid == self.pid:
            return
        ctx = self.tasks.pop(pid, None)
        if ctx is None:
            raise FoldError(f"switch to unknown process {pid}")
        self.tasks[self.pid] = (tuple(self.regs), self.brk, self.vmas, tuple(self.stack), self.pagemap,
                                self.exited, self.fault)
        regs, self.brk, self.vmas, stack, self.pagemap, self.exited, self.fault = ctx
        self.regs[:] = regs
        self.stack = list(stack)
        self.pid = pid

    def processes(self) -> dict[int, "Task"]:
        """Every process's context by pid, the current one's included (sorted by pid)."""
        out = dict(self.tasks)
        out[self.pid] = self.context()
        return dict(sorted(out.items()))

    def procs_data(self) -> list[Any] | None:
        """The processes other than the current one, as plain data for a stored checkpoint:
        ``[pid, [[pid, regs, brk, vmas, stack, pagemap, exited, fault]...], [[child, parent]...]]``,
        or None while there is one process (so one-process checkpoints keep their old shape)."""
        if self.pid == FIRST_PID and not self.tasks and not self.parents:
            return None
        tasks = [[pid, list(t[0]), t[1], [[k, *v] for k, v in sorted(t[2].items())], [list(f) for f in t[3]],
                  sorted([k, v] for k, v in t[4].items()), list(t[5]) if t[5] else None,
                  list(t[6]) if t[6] else None] for pid, t in sorted(self.tasks.items())]
        return [self.pid, tasks, sorted([c, p] for c, p in self.parents.items())]

    def set_procs(self, data: Any) -> None:
        """Adopt :meth:`procs_data`'s form (from a file that may lie: ValueError if malformed)."""
        if data is None:
            return
        try:
            pid, tasks, parents = data
            self.pid = int(pid)
            self.tasks = {}
            for t in tasks:
                regs = tuple(C.widen_regs(t[1]))
                self.tasks[int(t[0])] = (
                    regs, int(t[2]), {int(v[0]): (int(v[1]), str(v[2]), str(v[3])) for v in t[3]},
                    tuple((str(f[0]), int(f[1]), int(f[2]), int(f[3])) for f in t[4]),
                    {int(k): int(v) for k, v in t[5]}, tuple(int(v) for v in t[6]) if t[6] else None,
                    tuple(t[7]) if t[7] else None)
            self.parents = {int(c): int(p) for c, p in parents}
        except (TypeError, ValueError, IndexError, KeyError) as exc:
            raise ValueError(f"malformed processes: {exc}") from None
        if self.pid in self.tasks:
            raise ValueError("the current process is also waiting")

    def copy(self) -> "ProcessState":
        new = ProcessState.__new__(ProcessState)
        new.__dict__.update(self.__dict__)
        new.regs = list(self.regs)
        new.mem = anonymous_memory(len(self.mem))
        new.mem[:] = self.mem
        new._phys = None
        new.vmas = dict(self.vmas)
        new.stack = list(self.stack)
        new.pagemap = dict(self.pagemap)
        new.touched = set()
        new.tasks = {pid: (t[0], t[1], dict(t[2]), t[3], dict(t[4]), t[5], t[6]) for pid, t in self.tasks.items()}
        new.parents = dict(self.parents)
        return new


Row = tuple[int, int, int, int, int]
#: A waiting process's context: (regs, brk, vmas, shadow stack, page map, exited, fault).
Task = tuple
