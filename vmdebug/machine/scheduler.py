"""Which process runs each step: a fixed round-robin, so a program gives the same session
every time.

One global step counter orders all processes; each step retires one instruction of
the process current at it.  The current process keeps the CPU for :data:`QUANTUM`
steps, or until it sleeps in a system call (``wait4``, a pipe) or ends; then the
next runnable process in pid order gets it (after ``fork`` the parent goes on, as
Linux does with ``sched_child_runs_first`` = 0).  A switch is a ``task_switched``
event, the first of the step in which the new process runs.

The run ends when the first process (the one vmdebug started) ends.  Processes still
running then are orphans that a shell would leave running; vmdebug stops there and
says so.  When every process sleeps, none can wake: the run stops as deadlocked.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from contextlib import contextmanager

from events import codes as C
from events.state import FIRST_PID
from vmdebug.machine.tasks import QUANTUM, Blocked, Task, Tty

if TYPE_CHECKING:
    from vmdebug.machine.process import Process


class Scheduler:
    def __init__(self, proc: "Process") -> None:
        self.proc = proc
        self.tasks: dict[int, Task] = {FIRST_PID: Task(FIRST_PID, FIRST_PID - 1, {0: Tty(0), 1: Tty(1), 2: Tty(2)})}
        self.next_pid = FIRST_PID + 1
        self.ran = 0                 # steps the current process has run since it got the CPU
        self.deadlock = ""           # why the run stopped with every process asleep
        self.switched_at = 0         # proc.steps when the current process got the CPU
        self.multi = False           # a fork happened: there is scheduling to do
        self.pending_any = False     # some process has a signal to start its handler for

    @property
    def current(self) -> Task:
        return self.tasks[self.proc.state.pid]

    def single(self) -> bool:
        """One process has ever existed (nothing to schedule)."""
        return len(self.tasks) == 1

    def due(self) -> bool:
        """The current process must give up the CPU before the next step."""
        cur = self.current
        if cur.status != "running" or cur.waiting is not None:
            return True
        return self.ran >= QUANTUM and any(t.runnable() for t in self.tasks.values() if t is not cur)

    def pick(self) -> int | None:
        """The next runnable process after the current one, in pid order (round-robin)."""
        pids = sorted(self.tasks)
        me = self.proc.state.pid
        order = [p for p in pids if p > me] + [p for p in pids if p <= me]
        for pid in order:
            t = self.tasks[pid]
            if t.runnable():
                t.waiting = None
                return pid
        return None

    def cpu_steps(self) -> int:
        """The steps the current process has run (its CPU time)."""
        return self.current.steps + self.proc.steps - self.switched_at

    def others_runnable(self) -> bool:
        cur = self.current
        return any(t.runnable() for t in self.tasks.values() if t is not cur)

    def schedule(self) -> bool:
        """Before a step: switch if the current process must give way.  False when no
        process can run (the run has ended, or deadlocked).  When every process sleeps and
        some sleep in nanosleep, the virtual clock jumps to the earliest wake-up."""
        if not self.due():
            return True
        pid = self.pick()
        if pid is None:
            timed = [t.wake_at for t in self.tasks.values() if t.status == "running" and t.wake_at is not None]
            kernel = self.proc.kernel
            if timed and min(timed) > kernel.now_ns():
                kernel.slept_ns += min(timed) - kernel.now_ns()
                pid = self.pick()
        if pid is None:
            asleep = [f"pid {t.pid} in {t.what}" for t in self.tasks.values() if t.status == "running"]
            self.deadlock = "deadlock: every process is asleep (" + ", ".join(asleep) + ")"
            self.proc.ended = True
            return False
        self.switch(pid)
        return True

    def switch(self, pid: int) -> None:
        """Give the CPU to ``pid``: the event, then the CPU's caches (a cr3 load flushes
        the TLB; the decoded code is kept per process, as its text may differ)."""
        proc = self.proc
        self.ran = 0
        old = proc.state.pid
        if pid == old:
            return
        prev, new = self.tasks[old], self.tasks[pid]
        prev.steps += proc.steps - self.switched_at      # its CPU time
        self.switched_at = proc.steps
        mem, kernel = proc.memory, proc.kernel
        prev.code, prev.code_pages, prev.backing, prev.start_brk = proc.code, mem.code_pages, kernel._backing, \
            kernel.start_brk
        proc.event((C.TASK_SWITCHED, pid, old, 0, 0))
        proc.code, mem.code_pages, kernel._backing, kernel.start_brk = new.code, new.code_pages, new.backing, \
            new.start_brk
        mem.flush_tlb()

    def sleep(self, blocked: Blocked) -> None:
        cur = self.current
        cur.waiting, cur.what = blocked.until, blocked.what

    @contextmanager
    def as_task(self, pid: int) -> Iterator[None]:
        """Run kernel work in another process's context (kill's teardown of its target):
        switched to it and back within the step, so each event is its process's."""
        me = self.proc.state.pid
        ran = self.ran
        self.switch(pid)
        try:
            yield
        finally:
            self.switch(me)
            self.ran = ran

    def orphans(self) -> list[int]:
        return [t.pid for t in self.tasks.values() if t.status == "running" and t.pid != FIRST_PID]
