"""A small Linux i386 kernel: exec, demand paging, the stack, brk, mmap, syscalls.

Rules follow mm/memory.c (handle_mm_fault), mm/mmap.c (brk, expand_stack,
get_unmapped_area top-down), mm/mprotect.c and fs/binfmt_elf.c.  Every change
it makes is an event applied through :meth:`Process.event`.
"""
from __future__ import annotations

import heapq
from bisect import bisect_right
from typing import TYPE_CHECKING

from events import codes as C
from events.record import replace
from vmdebug.machine import syscalls as S
from vmdebug.machine.faults import EXEC, READ, WRITE, CpuFault, segv
from events.state import FIRST_PID
from vmdebug.machine.layout import (KERNEL_HALF, PAGE, RLIMIT_STACK, STACK_GUARD_GAP, areas, kernel_start,
                                    region_name)
from vmdebug.machine.clock import TimeCalls
from vmdebug.machine.files import FileCalls, FileDesc
from vmdebug.machine.procsys import ProcessCalls
from vmdebug.machine.sigframes import SignalCalls
from vmdebug.machine.tasks import PipeEnd, Tty
from vmdebug.machine.vma import Vma
from vmdebug.signals import SIGKILL, signal_name

if TYPE_CHECKING:
    from vmdebug.machine.process import Process

MASK = 0xFFFFFFFF
PID = FIRST_PID  # the first process's id: what the debugger and gdb server show for it
#: The zero page: one frame of zeros that every untouched private anonymous page maps
#: read-only when it is read (Linux's empty_zero_page).  Frame 0 is never allocated.
ZERO_FRAME = 0
#: The kernel half's direct map (i386): lowmem ends at 896 MiB; its entries are 4 MiB pages,
#: present, writable, accessed, dirty, global, supervisor-only (_PAGE_KERNEL_LARGE = 0x1e3).
LOWMEM = 896 << 20
KERNEL_PDE = 0x1E3


def page_align(x: int) -> int:
    return (x + PAGE - 1) & ~(PAGE - 1)


class Kernel(ProcessCalls, TimeCalls, FileCalls, SignalCalls):
    def __init__(self, proc: "Process") -> None:
        self.proc = proc
        # What the kernel knows of an area beyond what its vma_mapped event says (the file
        # behind it, whether it grows down), by start.  The areas themselves are the folded
        # state's (see :attr:`vmas`): one list, changed only by events.
        self._backing: dict[int, tuple[bytes | None, int, bool, dict[int, int] | None]] = {}
        self.next_frame = 1           # frame 0 is never handed out
        self.free_frames: list[int] = []
        self.start_brk = 0
        self.warnings: list[str] = []
        #: How many page tables map each frame (mm's page mapcount), for frames mapped more
        #: than once or ever shared; a frame not here is mapped once.  The zero page is not counted.
        self.refs: dict[int, int] = {}
        #: The program file's pages in memory, by segment and page: they outlive a process.
        self.page_cache: dict[int, dict[int, int]] = {}
        self.pipes = 0
        self.slept_ns = 0             # how far nanosleep moved the virtual clock (vmdebug.machine.clock)
        self.files: dict[str, bytearray] = {}     # the file system (vmdebug.machine.files)
        self.written: set[str] = set()            # the files the program created, changed or removed
        #: Where ``int 0x80`` goes on instead of the next instruction (a handler, sigreturn).
        self.resume_at: int | None = None

    @property
    def brk(self) -> int:
        """The program break: the folded state's, moved only by break_moved events."""
        return self.proc.state.brk

    # ---- frames ------------------------------------------------------------
    def alloc_frame(self) -> int | None:
        if self.free_frames:
            return heapq.heappop(self.free_frames)
        if self.next_frame >= self.proc.state.nframes:
            return None
        self.next_frame += 1
        return self.next_frame - 1

    # ---- VMAs --------------------------------------------------------------
    @property
    def vmas(self) -> list[Vma]:
        """mm->mmap, sorted: the areas of the folded state, with their backing."""
        out = []
        for start, (end, perms, name) in sorted(self.proc.state.vmas.items()):
            file, file_start, growsdown, shm = self._backing.get(start, (None, 0, False, None))
            out.append(Vma(start, end, C.perms_bits(perms), name, file, file_start, growsdown, shm))
        return out

    def find_vma(self, addr: int) -> Vma | None:
        """The first VMA with end > addr (mm/mmap.c find_vma)."""
        vmas = self.vmas
        i = bisect_right([v.end for v in vmas], addr)
        return vmas[i] if i < len(vmas) else None

    def vma_at(self, addr: int) -> Vma | None:
        v = self.find_vma(addr)
        return v if v is not None and v.start <= addr else None

    def prev_vma(self, addr: int) -> Vma | None:
        prev = None
        for v in self.vmas:
            if v.end <= addr:
                prev = v
        return prev

    def add_vma(self, vma: Vma) -> None:
        self._backing[vma.start] = (vma.file, vma.file_start, vma.growsdown, vma.shm)
        self.proc.event((C.VMA_MAPPED, vma.start, vma.end - 1, vma.perms, 0), vma.name)

    def remove_vma(self, vma: Vma) -> None:
        self._backing.pop(vma.start, None)
        self.proc.event((C.VMA_UNMAPPED, vma.start, vma.end - 1, vma.perms, 0), vma.name)

    # ---- pages -------------------------------------------------------------
    def map_page(self, page: int, perms: int, dirty: bool, contents: bytes | None,
                 cache: dict[int, int] | None = None, index: int = 0) -> int:
        """Install a PTE for ``page`` on a fresh frame; returns the frame.  With ``cache``, the
        page is page ``index`` of a memory object that keeps its frames: the frame is the
        object's if any process touched that page before, and the object keeps a reference
        (a shared anonymous mapping's shmem object, mm/shmem.c shmem_fault; or the program
        file's page cache, mm/filemap.c filemap_fault)."""
        state = self.proc.state
        table = 0
        if not state.pde(page >> 22) & 1:
            table = self.alloc_frame()
            if table is None:
                raise self.oom(page)
        bits = (perms & (C.PERM_R | C.PERM_W | C.PERM_X)) | (C.PAGE_DIRTY if dirty else 0)
        if cache is not None and index in cache:
            frame = cache[index]
            self.refs[frame] = self.refs.get(frame, 1) + 1
            self.proc.event((C.PAGE_MAPPED, page, frame, bits | C.PAGE_KEPT, table))
            return frame
        frame = self.alloc_frame()
        if frame is None:
            raise self.oom(page)
        self.refs.pop(frame, None)
        if cache is not None:
            cache[index] = frame               # the memory object holds a reference of its own
            self.refs[frame] = 2
        self.proc.event((C.PAGE_MAPPED, page, frame, bits, table))
        if contents is not None and contents.strip(b"\0"):
            self.proc.event((C.MEMN, page, 0, 0, 0), (bytes(PAGE), contents))
        return frame

    def object_of(self, vma: Vma) -> dict[int, int] | None:
        """The memory object whose frames a VMA's pages share, if any: a shared anonymous
        mapping's, or the program file's page cache for a mapping that cannot be written
        (text, read-only data: every process running the program maps the same frames).
        A writable private file mapping gets a private copy of each page it touches."""
        if vma.shm is not None:
            return vma.shm
        if vma.file is not None and not vma.perms & C.PERM_W:
            return self.page_cache.setdefault(id(vma.file), {})
        return None

    def oom(self, addr: int) -> CpuFault:
        # mm/memory.c: VM_FAULT_OOM -> pagefault_out_of_memory() -> the OOM killer picks us.
        return CpuFault(SIGKILL, "SI_KERNEL", addr, READ,
                        f"out of physical memory: no free frame for the page at {addr & ~0xFFF:#010x} "
                        f"({self.proc.state.nframes} frames in all); the OOM killer ended the process")

    def unmap_page(self, page: int) -> None:
        state = self.proc.state
        frame = state.pagemap.get(page >> 12)
        if frame is None:
            return
        perms = self._pte_perms(page)
        vma = self.vma_at(page)
        if vma is not None:
            perms |= vma.perms & C.PERM_X
        refs = self.refs.get(frame, 1)
        if frame != ZERO_FRAME and refs > 1:      # another process maps it still: it stays
            self.refs[frame] = refs - 1
            self.proc.event((C.PAGE_UNMAPPED, page, frame, perms | C.PAGE_KEPT, 0), b"")
            self.proc.memory.invalidate(page >> 12)
            return
        self.refs.pop(frame, None)
        contents = state.mem[frame << 12:(frame + 1) << 12]
        self.proc.event((C.PAGE_UNMAPPED, page, frame, perms, 0), contents)
        self.proc.memory.invalidate(page >> 12)
        if frame != ZERO_FRAME:          # the zero page is never freed
            heapq.heappush(self.free_frames, frame)

    def _pte_perms(self, page: int) -> int:
        """What the present PTE of ``page`` allows, as event perms: read, write if RW, dirty if D."""
        state = self.proc.state
        pte_addr = state._pte_addr(page)
        pte = int.from_bytes(state.mem[pte_addr:pte_addr + 4], "little")
        return C.PERM_R | (C.PERM_W if pte & 2 else 0) | (C.PAGE_DIRTY if pte & 0x40 else 0)

    def map_kernel_half(self) -> None:
        """On the i386 layout the top 1 GiB of every address space is the kernel's: its page
        directory entries (768-1023) are the same in every process (arch/x86/mm/pgtable.c
        pgd_ctor copies them from swapper_pg_dir).  Physical memory is mapped there directly
        in 4 MiB pages, up to 896 MiB (lowmem), present and writable but supervisor-only, so a
        user access faults.  The rest of the kernel half (vmalloc, fixmap) maps nothing yet."""
        layout = self.proc.layout
        if layout.name != "i386":
            return            # compat: a 64-bit kernel leaves the whole 4 GiB to the process
        pages = min(self.proc.state.nframes * PAGE, LOWMEM) >> 22
        if pages:
            self.proc.event((C.KERNEL_MAPPED, layout.task_size, pages, 0, KERNEL_PDE))

    def map_zero_page(self, page: int, perms: int) -> int:
        """A read of an untouched private anonymous page maps the shared zero page read-only
        (mm/memory.c do_anonymous_page: ``my_zero_pfn``); it costs no memory until written."""
        table = 0
        if not self.proc.state.pde(page >> 22) & 1:
            table = self.alloc_frame()
            if table is None:
                raise self.oom(page)
        self.proc.event((C.PAGE_MAPPED, page, ZERO_FRAME, perms & (C.PERM_R | C.PERM_X), table))
        return ZERO_FRAME

    def copy_on_write(self, page: int, frame: int, perms: int) -> int:
        """A write to a page mapped read-only from a shared frame: a frame of its own with a
        copy of the old one's bytes, mapped writable and dirty (mm/memory.c do_wp_page,
        wp_page_copy; the zero page's copy is a zeroed page).  When no other process maps
        the frame any more, it is just made writable again (wp_page_reuse)."""
        refs = self.refs.get(frame, 1)
        if frame != ZERO_FRAME and refs <= 1:
            self.refs.pop(frame, None)
            rwx = perms & (C.PERM_R | C.PERM_W | C.PERM_X)
            self.proc.event((C.PAGE_PROTECTED, page, frame, rwx, rwx & ~C.PERM_W))
            self.proc.memory.invalidate(page >> 12)
            return frame
        new = self.alloc_frame()
        if new is None:
            raise self.oom(page)
        if frame != ZERO_FRAME:
            self.refs[frame] = refs - 1
            if refs - 1 <= 1:
                self.refs.pop(frame)
        old = self._pte_perms(page) | (perms & C.PERM_X)
        new_bits = (perms & (C.PERM_R | C.PERM_W | C.PERM_X)) | C.PAGE_DIRTY
        self.refs.pop(new, None)
        self.proc.event((C.PAGE_COPIED, page, frame, new, new_bits | old << 8))
        self.proc.memory.invalidate(page >> 12)
        return new

    def page_fault(self, addr: int, access: int) -> int:
        """Handle a TLB miss or fault at ``addr``; returns the page's physical base.

        Raises the signal the kernel would send when the access is not allowed.
        """
        addr &= MASK
        vpn = addr >> 12
        vma = self.vma_at(addr)
        if vma is None:
            vma = self.expand_stack(addr, access)
        if access == WRITE and not vma.perms & C.PERM_W:
            raise segv(addr, access, True, self.explain(addr, access, vma))
        if access == EXEC and not vma.perms & C.PERM_X:
            raise segv(addr, access, True, self.explain(addr, access, vma))
        if not vma.perms & (C.PERM_R | C.PERM_W | C.PERM_X):
            raise segv(addr, access, True, self.explain(addr, access, vma))
        state = self.proc.state
        frame = state.pagemap.get(vpn)
        page = vpn << 12
        if frame is None:
            contents = vma.page_contents(page)
            if access != WRITE and contents is None and not vma.perms & C.PERM_SHARED:
                frame = self.map_zero_page(page, vma.perms)
            else:
                frame = self.map_page(page, vma.perms, access == WRITE, contents, self.object_of(vma),
                                      (page - vma.file_start) >> 12)
        elif access == WRITE and (frame == ZERO_FRAME or not state.mem[state._pte_addr(page)] & 2):
            # read-only in the PTE, writable in the VMA: the zero page, or a frame shared
            # since fork (mm/memory.c do_wp_page)
            frame = self.copy_on_write(page, frame, vma.perms)
            if not state.mem[state._pte_addr(page)] & 0x40:
                self.proc.event((C.PAGE_DIRTIED, page, frame, 0, 0))
        elif access == WRITE:
            pte_addr = state._pte_addr(page)
            if not state.mem[pte_addr] & 0x40:
                self.proc.event((C.PAGE_DIRTIED, page, frame, 0, 0))
        base = frame << 12
        mem = self.proc.memory
        mem.rtlb[vpn] = base
        if vma.perms & C.PERM_X:
            mem.xtlb.add(vpn)
        pte = state.mem[state._pte_addr(page)]
        if pte & 2 and pte & 0x40:        # writable and already dirty: a write needs nothing more
            mem.wtlb[vpn] = base
        return base

    def expand_stack(self, addr: int, access: int) -> Vma:
        """Grow the stack down to ``addr`` (mm/mmap.c expand_downwards / acct_stack_growth)."""
        nxt = self.find_vma(addr)
        if nxt is None or not nxt.growsdown:
            raise segv(addr, access, False, self.explain(addr, access, None))
        new_start = addr & ~(PAGE - 1)
        size = nxt.end - new_start
        prev = self.prev_vma(new_start)
        if size > RLIMIT_STACK and addr < nxt.end - RLIMIT_STACK - STACK_GUARD_GAP:
            raise segv(addr, access, False, self.explain(addr, access, None))  # nowhere near the stack
        if size > RLIMIT_STACK:
            raise segv(addr, access, False,
                       f"stack overflow: growing the stack to {addr:#010x} would make it {size >> 10} KiB, "
                       f"past RLIMIT_STACK ({RLIMIT_STACK >> 20} MiB)")
        if prev is not None and new_start - prev.end < STACK_GUARD_GAP:
            raise segv(addr, access, False,
                       f"stack overflow: {addr:#010x} is inside the stack guard gap "
                       f"({STACK_GUARD_GAP // PAGE} pages above {prev.name or 'a mapping'} at {prev.end:#010x})")
        self.remove_vma(nxt)
        grown = nxt.slice(new_start, nxt.end)
        self.add_vma(grown)
        return grown

    def region_name(self, addr: int) -> str:
        """Where an address is, in the course's terms (the words a replay's diagnosis uses too)."""
        return region_name(areas(self.proc.state), self.brk, addr, kernel_start(self.proc.state))

    def explain(self, addr: int, access: int, vma: Vma | None) -> str:
        verb = ("read from", "write to", "execute at")[access]
        if vma is None:
            if addr < PAGE:
                return f"{verb} {addr:#010x}: NULL pointer dereference (page 0 is never mapped)"
            region = self.region_name(addr)
            if region == KERNEL_HALF:
                return f"{verb} {addr:#010x}: {region}"
            return f"{verb} {addr:#010x}: no mapping there ({region})"
        what = vma.name or "anonymous mapping"
        section = self.proc.section_at(addr)
        if section is not None:
            what += f" ({section})"
        if access == WRITE and section in (".text", ".rodata"):
            kind = "code" if section == ".text" else "read-only data such as string literals"
            return (f"{verb} {addr:#010x} in {section}: it holds {kind}, mapped without write permission "
                    f"[{vma.start:#010x}-{vma.end:#010x} {vma.maps_perms()}]")
        rule = {WRITE: "it is not writable", EXEC: "it is not executable (NX)", READ: "it has no access"}[access]
        return f"{verb} {addr:#010x} in {what} [{vma.start:#010x}-{vma.end:#010x} {vma.maps_perms()}]: {rule}"

    # ---- syscalls ------------------------------------------------------------
    def syscall(self) -> None:
        """``int 0x80``: eax = number, ebx ecx edx esi edi ebp = arguments (i386 ABI)."""
        regs = self.proc.state.regs
        number = regs[C.EAX]
        args = [regs[C.EBX], regs[C.ECX], regs[C.EDX], regs[C.ESI], regs[C.EDI], regs[C.EBP]]
        entry = S.IMPLEMENTED.get(number)
        if entry is None:
            name = S.name_of(number)
            self.warnings.append(f"syscall {number} ({name}) is not implemented: returned -ENOSYS")
            result = -S.ENOSYS
            nargs = 6
        else:
            name, nargs = entry
            result = getattr(self, f"sys_{name}")(*args[:nargs])
        if result is None:  # exit: the event was emitted by the handler
            return
        self.proc.event((C.SYSCALL, number, result & MASK, 0, 0), (name, args[:nargs]))
        self.proc.set_reg(C.EAX, result & MASK)


    def _exit(self, name: str, number: int, status: int) -> None:
        self.proc.event((C.SYSCALL, number, 0, 0, 0), (name, [status]))
        self.end_task(status & 0xFF, 0)

    def sys_kill(self, pid: int, sig: int) -> int | None:
        """kernel/signal.c kill(2): a signal whose default action ends a process ends it, as
        ``raise``/``abort`` rely on.  Every process is in one process group, so 0 and -1
        name the caller here (the others are not signalled: noted in docs/processes.md)."""
        target = C.signed32(pid)
        other = self.proc.sched.tasks.get(target)
        if other is not None and target != self.proc.state.pid:
            if not 0 <= sig <= 64:
                return -S.EINVAL
            return self.signal_other(other, sig)
        return self._signal_self("kill", 37, [pid, sig], target in (self.sys_getpid(), 0, -1), sig,
                                 "SI_USER")

    def sys_tgkill(self, tgid: int, tid: int, sig: int) -> int | None:
        me = self.sys_getpid()
        return self._signal_self("tgkill", 270, [tgid, tid, sig], tgid == me and tid == me, sig, "SI_TKILL")

    def _signal_self(self, name: str, number: int, args: list[int], to_me: bool, sig: int, code: str) -> int | None:
        if not 0 <= sig <= 64:
            return -S.EINVAL
        if not to_me:
            return -S.ESRCH
        if sig == 0 or sig in S.IGNORED_BY_DEFAULT:
            return 0
        if sig in S.STOPPING:
            self.warnings.append(f"{name}: stopping the process ({signal_name(sig)}) is not simulated; ignored")
            return 0
        if self.handler_for(sig) is not None and sig != SIGKILL:
            self.send_on_return(CpuFault(sig, code, 0, READ, f"the program sent itself {signal_name(sig)}",
                                         sender=self.sys_getpid()))
            return 0
        if self.ignores(sig):
            return 0
        self.proc.event((C.SYSCALL, number, 0, 0, 0), (name, args))
        # The signal is delivered on the way out of the system call (exit_to_user_mode_loop ->
        # arch_do_signal_or_restart): the call has returned 0 in eax, and eip is past `int 0x80`.
        self.proc.set_reg(C.EAX, 0)
        eip = (self.proc.state.regs[C.EIP] + 2) & MASK
        self.proc.set_reg(C.EIP, eip)
        self.proc.die(CpuFault(sig, code, 0, READ, f"the program sent itself {signal_name(sig)} with {name}()"
                               + (" (abort() raises it)" if sig == 6 else ""), sender=self.sys_getpid()), eip)
        return None

    def sys_exit(self, status: int) -> None:
        self._exit("exit", 1, status)

    def sys_exit_group(self, status: int) -> None:
        self._exit("exit_group", 252, status)

    def sys_write(self, fd: int, buf: int, count: int) -> int | None:
        f = self.fd_file(fd)
        if isinstance(f, PipeEnd):
            return self.pipe_write(f.pipe, buf, count) if f.write else -S.EBADF
        if isinstance(f, FileDesc):
            return self.file_write(f, buf, count)
        if not isinstance(f, Tty) or f.fd == 0:
            return -S.EBADF
        fd = f.fd
        if count == 0:
            return 0
        if count > 1 << 24:
            count = 1 << 24
        try:
            data = self.proc.memory.read_bytes(buf, count)
        except CpuFault:
            return -S.EFAULT
        self.proc.event((C.OUTPUT, fd, 0, 0, 0), data)
        self.proc.output(fd, data)
        return count

    def sys_read(self, fd: int, buf: int, count: int) -> int:
        f = self.fd_file(fd)
        if isinstance(f, PipeEnd):
            return self.pipe_read(f.pipe, buf, count) if not f.write else -S.EBADF
        if isinstance(f, FileDesc):
            return self.file_read(f, buf, count)
        if f != Tty(0):
            return -S.EBADF
        data = self.proc.stdin.read(min(count, 1 << 20))
        if not data:
            return 0
        try:
            self.proc.memory.write_bytes(buf, data)
        except CpuFault:
            self._partial_copy_to_user(buf, data)
            self.proc.stdin.unread(data)
            return -S.EFAULT
        return len(data)

    def _partial_copy_to_user(self, buf: int, data: bytes) -> None:
        """What a pipe read leaves behind when the buffer runs into a bad page
        (fs/pipe.c pipe_read): copy_page_to_iter has already stored the bytes
        before the fault, yet the call returns -EFAULT and the pipe keeps the
        data.  Faults are page-granular here, so the prefix is whole pages."""
        pos = 0
        while pos < len(data):
            n = min(len(data) - pos, 0x1000 - ((buf + pos) & 0xFFF))
            try:
                self.proc.memory.write_bytes((buf + pos) & MASK, data[pos:pos + n])
            except CpuFault:
                return
            pos += n

    def sys_brk(self, brk: int) -> int:
        """mm/mmap.c SYSCALL_DEFINE1(brk): the new break, or the unchanged one on failure."""
        if brk < self.start_brk:
            return self.brk
        newbrk, oldbrk = page_align(brk), page_align(self.brk)
        if newbrk != oldbrk:
            if brk <= self.brk:
                self.unmap_range(newbrk, oldbrk)
            else:
                nxt = self.find_vma(oldbrk)
                if nxt is not None and newbrk + PAGE > nxt.start - (STACK_GUARD_GAP if nxt.growsdown else 0):
                    return self.brk
                if (newbrk - oldbrk) // PAGE > self.proc.state.nframes:
                    return self.brk  # __vm_enough_memory: more than all of RAM
                self.set_heap(newbrk)
        self.proc.event((C.BREAK_MOVED, self.brk, brk, 0, 0))
        return brk

    def set_heap(self, end: int) -> None:
        """Make the [heap] VMA cover [start_brk, end)."""
        heap = next((v for v in self.vmas if v.name == "[heap]"), None)
        if heap is not None:
            self.remove_vma(heap)
        if end > self.start_brk:
            self.add_vma(Vma(self.start_brk, end, C.PERM_R | C.PERM_W | self.implied_exec(), "[heap]"))

    def implied_exec(self) -> int:
        """READ_IMPLIES_EXEC: an i386 binary without PT_GNU_STACK gets executable data."""
        return C.PERM_X if self.proc.read_implies_exec else 0

    def sys_mmap(self, argp: int) -> int:
        """old_mmap (90): the six arguments are in memory (struct mmap_arg_struct)."""
        try:
            words = self.proc.memory.read_bytes(argp, 24)
        except CpuFault:
            return -S.EFAULT
        addr, length, prot, flags, fd, offset = (int.from_bytes(words[i:i + 4], "little") for i in range(0, 24, 4))
        if offset & (PAGE - 1):
            return -S.EINVAL
        return self.sys_mmap2(addr, length, prot, flags, fd, offset >> 12)

    def sys_mmap2(self, addr: int, length: int, prot: int, flags: int, fd: int, pgoff: int) -> int:
        if not flags & S.MAP_ANONYMOUS:
            return -S.EBADF  # there are no files in this process
        if length == 0 or not flags & (S.MAP_SHARED | S.MAP_PRIVATE):
            return -S.EINVAL
        length = page_align(length)
        if length == 0 or length > self.proc.layout.task_size:
            return -S.ENOMEM
        if length // PAGE > self.proc.state.nframes and not flags & S.MAP_NORESERVE:
            return -S.ENOMEM
        fixed = flags & (S.MAP_FIXED | S.MAP_FIXED_NOREPLACE)
        if fixed:
            if addr & (PAGE - 1) or addr + length > self.proc.layout.task_size:
                return -S.EINVAL
            if flags & S.MAP_FIXED_NOREPLACE and self.overlaps(addr, addr + length):
                return -17  # EEXIST
            self.unmap_range(addr, addr + length)
            start = addr
        else:
            start = self.unmapped_area(page_align(addr) if addr else 0, length)
            if start is None:
                return -S.ENOMEM
        perms = self.prot_bits(prot) | (C.PERM_SHARED if flags & S.MAP_SHARED else 0)
        shm: dict[int, int] | None = {} if flags & S.MAP_SHARED else None
        self.add_vma(Vma(start, start + length, perms, "", None, start, False, shm))
        return start

    def prot_bits(self, prot: int) -> int:
        bits = (C.PERM_R if prot & S.PROT_READ else 0) | (C.PERM_W if prot & S.PROT_WRITE else 0) \
            | (C.PERM_X if prot & S.PROT_EXEC else 0)
        if bits & C.PERM_R and self.proc.read_implies_exec:
            bits |= C.PERM_X
        return bits

    def overlaps(self, start: int, end: int) -> bool:
        return any(v.start < end and start < v.end for v in self.vmas)

    def unmapped_area(self, hint: int, length: int) -> int | None:
        """mm/mmap.c generic_get_unmapped_area_topdown with ASLR off: the highest
        gap below mmap_base that fits (a free hint is taken as is)."""
        if hint and hint + length <= self.proc.layout.task_size and not self.overlaps(hint, hint + length):
            return hint
        high = self.proc.layout.mmap_base
        for v in sorted(self.vmas, key=lambda v: v.start, reverse=True):
            if v.start >= high:
                continue
            if v.end <= high - length:
                return high - length
            high = v.start
        low = PAGE * 16  # mmap_min_addr (65536)
        return high - length if high - length >= low else None

    def unmap_range(self, start: int, end: int) -> None:
        """Remove [start, end) from every VMA it touches, freeing present pages."""
        for v in [v for v in self.vmas if v.start < end and start < v.end]:
            self.remove_vma(v)
            if v.start < start:
                self.add_vma(v.slice(v.start, start))
            if end < v.end:
                self.add_vma(v.slice(end, v.end))
            for page in range(max(v.start, start), min(v.end, end), PAGE):
                self.unmap_page(page)

    def sys_munmap(self, addr: int, length: int) -> int:
        if addr & (PAGE - 1) or length == 0 or addr + length > self.proc.layout.task_size:
            return -S.EINVAL
        self.unmap_range(addr, addr + page_align(length))
        return 0

    def sys_mprotect(self, addr: int, length: int, prot: int) -> int:
        """mm/mprotect.c: the whole range must be mapped, else ENOMEM."""
        if addr & (PAGE - 1):
            return -S.EINVAL
        end = addr + page_align(length)
        if end == addr:
            return 0
        pos = addr
        for v in sorted(self.vmas, key=lambda v: v.start):
            if v.end <= pos:
                continue
            if v.start > pos:
                break
            pos = v.end
            if pos >= end:
                break
        if pos < end:
            return -S.ENOMEM
        new_perms = self.prot_bits(prot)
        state = self.proc.state
        for v in [v for v in self.vmas if v.start < end and addr < v.end]:
            self.remove_vma(v)
            lo, hi = max(v.start, addr), min(v.end, end)
            if v.start < lo:
                self.add_vma(v.slice(v.start, lo))
            self.add_vma(replace(v.slice(lo, hi), perms=new_perms | (v.perms & C.PERM_SHARED)))
            if hi < v.end:
                self.add_vma(v.slice(hi, v.end))
            for page in range(lo, hi, PAGE):
                frame = state.pagemap.get(page >> 12)
                if frame is not None:
                    old, perms = v.perms & 7, new_perms & 7
                    if frame == ZERO_FRAME or (old & C.PERM_W and not state.mem[state._pte_addr(page)] & 2):
                        # the zero page and frames shared since fork stay read-only: a write copies them
                        old, perms = old & ~C.PERM_W, perms & ~C.PERM_W
                    if old != perms:
                        self.proc.event((C.PAGE_PROTECTED, page, frame, perms, old))
                    self.proc.memory.invalidate(page >> 12)
        return 0
