"""Time on a virtual clock: time, gettimeofday, clock_gettime, nanosleep.

A recorded program must give the same session every time, so it cannot read the
host's clock.  Its clock starts at :data:`BOOT` (2026-01-01 00:00:00 UTC) and
advances one nanosecond per step, as a 1 GHz CPU retiring one instruction per
cycle would; a process's CPU time is its own steps.  ``nanosleep`` moves the
clock: a process that sleeps while others can run waits for them to advance it;
when nothing else can run, the clock jumps to the earliest wake-up (so
``sleep(5)`` costs one step, not five billion).

A mixin of :class:`vmdebug.machine.kernel.Kernel`.  Rules: kernel/time/hrtimer.c
(nanosleep, -EINVAL for a bad timespec), kernel/time/posix-timers.c (clock ids).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from vmdebug.machine import syscalls as S
from vmdebug.machine.faults import CpuFault
from vmdebug.machine.tasks import Blocked

if TYPE_CHECKING:
    from vmdebug.machine.process import Process

BOOT = 1_767_225_600                 # 2026-01-01 00:00:00 UTC, in seconds since the epoch
NS_PER_STEP = 1
CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID = 0, 1, 2, 3
CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME = 4, 5, 6, 7
NSEC = 1_000_000_000


class TimeCalls:
    proc: "Process"
    slept_ns: int

    def now_ns(self) -> int:
        """Nanoseconds since boot."""
        return self.proc.steps * NS_PER_STEP + self.slept_ns

    def _clock(self, clk: int) -> int | None:
        if clk in (CLOCK_REALTIME, CLOCK_REALTIME_COARSE):
            return BOOT * NSEC + self.now_ns()
        if clk in (CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME):
            return self.now_ns()
        if clk in (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID):
            return self.proc.sched.cpu_steps() * NS_PER_STEP
        return None

    def _put(self, addr: int, data: bytes) -> bool:
        try:
            self.proc.memory.write_bytes(addr, data)
        except CpuFault:
            return False
        return True

    def sys_time(self, tloc: int) -> int:
        now = (BOOT * NSEC + self.now_ns()) // NSEC
        if tloc and not self._put(tloc, (now & 0xFFFFFFFF).to_bytes(4, "little")):
            return -S.EFAULT
        return now

    def sys_gettimeofday(self, tv: int, tz: int) -> int:
        ns = BOOT * NSEC + self.now_ns()
        if tv and not self._put(tv, (ns // NSEC).to_bytes(4, "little") + (ns % NSEC // 1000).to_bytes(4, "little")):
            return -S.EFAULT
        if tz and not self._put(tz, bytes(8)):         # struct timezone: UTC, no DST
            return -S.EFAULT
        return 0

    def sys_clock_gettime(self, clk: int, ts: int) -> int:
        ns = self._clock(clk)
        if ns is None:
            return -S.EINVAL
        if not self._put(ts, (ns // NSEC).to_bytes(4, "little") + (ns % NSEC).to_bytes(4, "little")):
            return -S.EFAULT
        return 0

    def sys_clock_gettime64(self, clk: int, ts: int) -> int:
        ns = self._clock(clk)
        if ns is None:
            return -S.EINVAL
        if not self._put(ts, (ns // NSEC).to_bytes(8, "little") + (ns % NSEC).to_bytes(8, "little")):
            return -S.EFAULT
        return 0

    def sys_nanosleep(self, req: int, rem: int) -> int:
        task = self.proc.sched.current
        if task.wake_at is None:
            try:
                raw = self.proc.memory.read_bytes(req, 8)
            except CpuFault:
                return -S.EFAULT
            sec = int.from_bytes(raw[:4], "little", signed=True)
            nsec = int.from_bytes(raw[4:], "little", signed=True)
            if sec < 0 or not 0 <= nsec < NSEC:
                return -S.EINVAL
            task.wake_at = self.now_ns() + sec * NSEC + nsec
        wake = task.wake_at
        if self.now_ns() < wake:
            if self.proc.sched.others_runnable():
                raise Blocked(lambda: self.now_ns() >= wake, "nanosleep")
            self.slept_ns += wake - self.now_ns()     # nothing else can run: the clock jumps
        task.wake_at = None
        return 0
