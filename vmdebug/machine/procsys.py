"""The system calls of processes and files: fork, wait4, exit, kill, pipe, close, dup.

A mixin of :class:`vmdebug.machine.kernel.Kernel`.  Rules follow kernel/fork.c
(copy_process, dup_mm), mm/memory.c (copy_present_pte: a private writable page is
write-protected in parent and child, and its frame gains a reference), kernel/exit.c
(do_exit, exit_mm, forget_original_parent, do_wait) and fs/pipe.c.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from events import codes as C
from events.state import FIRST_PID, PTE_P
from vmdebug.machine import syscalls as S
from vmdebug.machine.faults import READ, CpuFault
from vmdebug.machine.tasks import PIPE_SIZE, Blocked, Pipe, PipeEnd, Task, Tty, hold, release
from vmdebug.signals import signal_name

if TYPE_CHECKING:
    from vmdebug.machine.process import Process
    from vmdebug.machine.vma import Vma

PIPE_BUF = 4096              # writes up to this size are atomic (include/uapi/linux/limits.h)
WNOHANG, WUNTRACED, WCONTINUED = 1, 2, 8
SIGPIPE = 13
PDE_PS = 0x80                # a 4 MiB page (the kernel half), not a page table


class ProcessCalls:
    """Needs from the kernel: ``proc``, ``refs`` (frame -> mappings), ``vmas``, ``alloc_frame``,
    ``unmap_page``, ``remove_vma``, ``warnings``."""

    proc: "Process"
    refs: dict[int, int]
    warnings: list[str]
    vmas: list["Vma"]
    _backing: dict[int, Any]
    start_brk: int
    alloc_frame: Callable[[], int | None]
    unmap_page: Callable[[int], None]
    handler_for: Callable[..., tuple[int, int, int, int] | None]     # vmdebug.machine.sigframes
    ignores: Callable[..., bool]
    deliver: Callable[..., bool]
    send_on_return: Callable[[CpuFault], None]
    remove_vma: Callable[["Vma"], None]
    free_frames: list[int]
    pipes: int

    @property
    def task(self) -> Task:
        return self.proc.sched.current

    # ---- identity ----------------------------------------------------------------
    def sys_getpid(self) -> int:
        return self.proc.state.pid

    def sys_gettid(self) -> int:
        return self.proc.state.pid

    def sys_getppid(self) -> int:
        """The first process's parent is the shell that started it: pid 999 in every run."""
        return self.task.ppid

    # ---- fork --------------------------------------------------------------------
    def sys_fork(self) -> int:
        proc = self.proc
        state, sched = proc.state, proc.sched
        pd = self.alloc_frame()
        tables: list[list[int]] = []
        for index in range(1024):
            pde = state.pde(index)
            if pde & PTE_P and not pde & PDE_PS:
                frame = self.alloc_frame() if pd is not None else None
                if frame is None:
                    break
                tables.append([index, frame])
        if pd is None or len(tables) < sum(1 for i in range(1024) if state.pde(i) & PTE_P
                                           and not state.pde(i) & PDE_PS):
            for f in [pd] + [t[1] for t in tables]:       # give back what was taken: -ENOMEM
                if f is not None:
                    self.free_frames.append(f)
            self.free_frames.sort()
            return -S.ENOMEM
        # copy_present_pte: a private writable page becomes read-only in the parent (and so
        # in the copy), so the first write by either faults and copies (is_cow_mapping).
        vmas = self.vmas
        for vpn, frame in sorted(state.pagemap.items()):
            page = vpn << 12
            vma = next((v for v in vmas if v.start <= page < v.end), None)
            if frame != 0:
                self.refs[frame] = self.refs.get(frame, 1) + 1
            if vma is None or vma.perms & C.PERM_SHARED or not vma.perms & C.PERM_W:
                continue
            pte_addr = state._pte_addr(page)
            if state.mem[pte_addr] & 2:
                perms = vma.perms & (C.PERM_R | C.PERM_W | C.PERM_X)
                proc.event((C.PAGE_PROTECTED, page, frame, perms & ~C.PERM_W, perms))
        child = sched.next_pid
        sched.next_pid += 1
        eip = (state.regs[C.EIP] + 2) & 0xFFFFFFFF        # past `int 0x80`, where fork returns
        proc.event((C.TASK_FORKED, child, state.pid, pd, 0), (eip, tables))
        me = self.task
        fds = dict(me.fds)
        for f in fds.values():
            hold(f)
        sched.tasks[child] = Task(child, state.pid, fds, dict(self._backing), self.start_brk, dict(proc.code),
                                  {vpn: set(eips) for vpn, eips in proc.memory.code_pages.items()},
                                  actions=dict(me.actions), blocked=me.blocked)
        proc.memory.flush_tlb()
        sched.multi = True
        return child

    def sys_vfork(self) -> int:
        """vfork acts as fork: the parent goes on at once instead of waiting for the child's
        exec or exit (allowed by POSIX; there is no exec here)."""
        return self.sys_fork()

    # ---- exit and wait -----------------------------------------------------------------
    def end_task(self, status: int, signal: int) -> None:
        """do_exit: a process other than the first gives back its memory (exit_mm: the frames
        no one else maps are freed), closes its files, and becomes a zombie for its parent;
        its children go to init.  The first process keeps its memory for the debugger: the
        run ends with it."""
        proc = self.proc
        sched = proc.sched
        task = sched.current
        if task.pid != FIRST_PID:
            for vma in self.vmas:
                for vpn in [v for v in sorted(proc.state.pagemap) if vma.start <= v << 12 < vma.end]:
                    self.unmap_page(vpn << 12)
                self.remove_vma(vma)
        task.close_all()
        for t in sched.tasks.values():
            if t.ppid == task.pid and t.status != "reaped":
                t.ppid = 1
                if t.status == "zombie":
                    t.status = "reaped"                 # init reaps orphaned zombies
        proc.event((C.EXITED, status & 0xFFFFFFFF, signal, 0, 0))
        task.status, task.exit_code, task.waiting = "zombie", (status, signal), None
        if task.ppid == 1:
            task.status = "reaped"
        if task.pid == FIRST_PID:
            proc.ended = True
        if task.pid == FIRST_PID and sched.orphans():
            self.warnings.append(
                "pid " + ", ".join(str(p) for p in sched.orphans()) + " still running when pid "
                f"{FIRST_PID} exited: a shell would leave orphans running; vmdebug stops with the first process")

    def sys_wait4(self, pid: int, status_ptr: int, options: int, rusage: int = 0) -> int:
        """kernel/exit.c do_wait: reap a zombie child (oldest first), or sleep until one is."""
        if options & ~(WNOHANG | WUNTRACED | WCONTINUED | 0x40000000 | 0x20000000 | 0x80000000):
            return -S.EINVAL
        me = self.proc.state.pid
        target = C.signed32(pid)
        tasks = self.proc.sched.tasks
        kids = [t for _, t in sorted(tasks.items()) if t.ppid == me and t.status != "reaped"
                and (target <= 0 or t.pid == target)]       # one process group: 0 and -PGID are any child
        if not kids:
            return -S.ECHILD
        zombie = next((t for t in kids if t.status == "zombie"), None)
        if zombie is None:
            if options & WNOHANG:
                return 0
            raise Blocked(lambda: any(t.status == "zombie" for t in kids), "wait4")
        code, sig = zombie.exit_code
        word = (sig & 0x7F) if sig else (code & 0xFF) << 8
        if status_ptr:
            try:
                self.proc.memory.write_bytes(status_ptr, word.to_bytes(4, "little"))
            except CpuFault:
                return -S.EFAULT
        if rusage:
            self.warnings.append("wait4: struct rusage is not filled in (no CPU time is simulated)")
        zombie.status = "reaped"
        return zombie.pid

    def sys_waitpid(self, pid: int, status_ptr: int, options: int) -> int:
        return self.sys_wait4(pid, status_ptr, options, 0)

    # ---- signals to other processes ---------------------------------------------------
    def signal_other(self, target: Task, sig: int) -> int:
        """kill(2) of another process: the default action of a fatal signal ends it."""
        if target.status != "running" or sig == 0 or sig in S.IGNORED_BY_DEFAULT:
            return 0
        if sig != 9 and self.ignores(sig, target):
            return 0
        if sig in S.STOPPING:
            self.warnings.append(f"kill: stopping a process ({signal_name(sig)}) is not simulated; ignored")
            return 0
        sender = self.proc.state.pid
        if self.handler_for(sig, target) is not None:
            with self.proc.sched.as_task(target.pid):
                fault = CpuFault(sig, "SI_USER", 0, READ, f"pid {sender} sent it {signal_name(sig)} with kill()",
                                 sender=sender)
                if self.deliver(fault, self.proc.state.regs[C.EIP]):   # asleep: it retries its call after
                    target.waiting = None
                    return 0
        with self.proc.sched.as_task(target.pid):
            eip = self.proc.state.regs[C.EIP]
            self.proc.die(CpuFault(sig, "SI_USER", 0, READ, f"pid {sender} sent it {signal_name(sig)} with kill()",
                                   sender=sender), eip)
        return 0

    # ---- files -------------------------------------------------------------------------
    def _lowest_fd(self, start: int = 0) -> int:
        fds = self.task.fds
        fd = start
        while fd in fds:
            fd += 1
        return fd

    def sys_pipe(self, fds_ptr: int) -> int:
        return self.sys_pipe2(fds_ptr, 0)

    def sys_pipe2(self, fds_ptr: int, flags: int) -> int:
        if flags & ~0x80000:                 # O_CLOEXEC means nothing without exec; O_NONBLOCK is not simulated
            return -S.EINVAL
        fds = self.task.fds
        if len(fds) >= 1022:
            return -24                       # EMFILE (RLIMIT_NOFILE 1024)
        r = self._lowest_fd()
        w = r + 1
        while w in fds:
            w += 1
        try:
            self.proc.memory.write_bytes(fds_ptr, r.to_bytes(4, "little") + w.to_bytes(4, "little"))
        except CpuFault:
            return -S.EFAULT
        self.pipes += 1
        pipe = Pipe(number=self.pipes)
        fds[r], fds[w] = PipeEnd(pipe, False), PipeEnd(pipe, True)
        hold(fds[r])
        hold(fds[w])
        return 0

    def sys_close(self, fd: int) -> int:
        f = self.task.fds.pop(fd, None)
        if f is None:
            return -S.EBADF
        release(f)
        return 0

    def sys_dup(self, fd: int) -> int:
        f = self.task.fds.get(fd)
        if f is None:
            return -S.EBADF
        new = self._lowest_fd()
        self.task.fds[new] = f
        hold(f)
        return new

    def sys_dup2(self, fd: int, new: int) -> int:
        fds = self.task.fds
        f = fds.get(fd)
        if f is None or new >= 1024:
            return -S.EBADF
        if new != fd:
            if new in fds:
                release(fds[new])
            fds[new] = f
            hold(f)
        return new

    def pipe_read(self, pipe: Pipe, buf: int, count: int) -> int:
        if count == 0:
            return 0
        if not pipe.data:
            if pipe.writers == 0:
                return 0                     # every write end is closed: end of file
            raise Blocked(lambda: bool(pipe.data) or pipe.writers == 0, "read from a pipe")
        data = bytes(pipe.data[:min(count, len(pipe.data))])
        try:
            self.proc.memory.write_bytes(buf, data)
        except CpuFault:
            return -S.EFAULT
        del pipe.data[:len(data)]
        return len(data)

    def pipe_write(self, pipe: Pipe, buf: int, count: int) -> int | None:
        task = self.task
        if pipe.readers == 0:
            task.written = 0
            return self.broken_pipe(buf, count)
        left = count - task.written
        room = PIPE_SIZE - len(pipe.data)
        if left and (room == 0 or (left <= PIPE_BUF and room < left)):
            need = min(left, PIPE_BUF)
            raise Blocked(lambda: PIPE_SIZE - len(pipe.data) >= need or pipe.readers == 0, "write to a pipe")
        n = min(left, room)
        try:
            data = self.proc.memory.read_bytes((buf + task.written) & 0xFFFFFFFF, n)
        except CpuFault:
            done, task.written = task.written, 0
            return done or -S.EFAULT
        pipe.data += data
        task.written += n
        if task.written < count:
            raise Blocked(lambda: len(pipe.data) < PIPE_SIZE or pipe.readers == 0, "write to a pipe")
        done, task.written = task.written, 0
        return done

    def broken_pipe(self, buf: int, count: int) -> int | None:
        """A write with no reader: -EPIPE, and SIGPIPE (fs/pipe.c pipe_write:
        send_sig(SIGPIPE, current, 0), so si_code SI_USER and si_pid the writer's own).
        Ignored, the write just fails; handled, the handler runs on the way back to user
        mode, after the write has returned -EPIPE; by default it ends the writer."""
        proc = self.proc
        if self.ignores(SIGPIPE):
            return -S.EPIPE
        fault = CpuFault(SIGPIPE, "SI_USER", 0, READ, "write to a pipe with no reader (SIGPIPE)",
                         sender=proc.state.pid)
        if self.handler_for(SIGPIPE) is not None:
            self.send_on_return(fault)
            return -S.EPIPE
        regs = proc.state.regs
        args = [regs[C.EBX], buf, count]
        proc.event((C.SYSCALL, 4, (-S.EPIPE) & 0xFFFFFFFF, 0, 0), ("write", args))
        # Delivered on the way out of the call, which has returned -EPIPE in eax.
        proc.set_reg(C.EAX, (-S.EPIPE) & 0xFFFFFFFF)
        eip = (regs[C.EIP] + 2) & 0xFFFFFFFF
        proc.set_reg(C.EIP, eip)
        proc.die(fault, eip)
        return None

    def fd_file(self, fd: int) -> Any:
        return self.task.fds.get(fd)


__all__ = ["ProcessCalls", "Tty", "PipeEnd"]
