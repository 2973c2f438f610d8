"""A tiny, consistent random event source for property tests of the log and fold.

It keeps its own shadow of the process so every event's ``old`` value is true,
memory writes only hit mapped pages, and unmapping carries the frame's bytes.
"""
from __future__ import annotations

import random

from events import codes as C
from events.log import EventLog

PAGE = 4096


class Shadow:
    def __init__(self, rng: random.Random, log: EventLog, nframes: int = 64) -> None:
        self.rng, self.log, self.nframes = rng, log, nframes
        self.regs = [0] * C.NREGS
        self.pages: dict[int, tuple[int, int, bytearray]] = {}  # vpn -> (frame, perms, bytes)
        self.tables: set[int] = set()
        self.free = list(range(nframes - 1, 1, -1))  # frame 0 unused, 1 = page directory
        self.stack: list[tuple[str, int, int, int]] = []
        self.brk = 0
        self.vmas: dict[int, tuple[int, int, str]] = {}
        self.exited = False

    def reg(self, r: int, value: int) -> None:
        self.log.add(C.REG, r, self.regs[r], value)
        self.regs[r] = value

    def map(self, vpn: int) -> None:
        if vpn in self.pages or len(self.free) < 2:
            return
        table = 0
        if vpn >> 10 not in self.tables:
            table = self.free.pop()
            self.tables.add(vpn >> 10)
        frame = self.free.pop()
        perms = self.rng.choice([1, 3, 5, 7]) | (C.PAGE_DIRTY if self.rng.random() < 0.5 else 0)
        self.log.add(C.PAGE_MAPPED, vpn << 12, frame, perms, table)
        self.pages[vpn] = (frame, perms, bytearray(PAGE))

    def unmap(self, vpn: int) -> None:
        frame, perms, data = self.pages.pop(vpn)
        self.log.add(C.PAGE_UNMAPPED, vpn << 12, frame, perms, self.log.add_extra(bytes(data)))
        self.free.append(frame)

    def write(self, addr: int, new: bytes) -> None:
        old = bytearray()
        for i, byte in enumerate(new):
            a = addr + i
            frame, perms, data = self.pages[a >> 12]
            old.append(data[a & 0xFFF])
            data[a & 0xFFF] = byte
        n = len(new)
        if n in C.MEM_CODE_BY_SIZE:  # the canonical form, as the machine writes it
            self.log.add(C.MEM_CODE_BY_SIZE[n], addr, int.from_bytes(old, "little"), int.from_bytes(new, "little"))
        else:
            self.log.add(C.MEMN, addr, 0, 0, self.log.add_extra((bytes(old), new)))

    def mapped_run(self, size: int) -> int | None:
        """An address where ``size`` bytes are all mapped (possibly across two pages)."""
        if not self.pages:
            return None
        vpn = self.rng.choice(sorted(self.pages))
        off = self.rng.choice([0, self.rng.randrange(PAGE), PAGE - size, PAGE - 1])
        addr = (vpn << 12) + max(0, off)
        if all(((addr + i) >> 12) in self.pages for i in range(size)):
            return addr
        return None

    def step(self) -> None:
        rng = self.rng
        self.reg(C.EIP, (self.regs[C.EIP] + rng.randrange(1, 8)) & 0xFFFFFFFF)
        for _ in range(rng.randrange(0, 4)):
            roll = rng.random()
            if roll < 0.35:
                self.reg(rng.randrange(C.CR3), rng.getrandbits(32))  # not cr3: it moves the page tables
            elif roll < 0.7:
                size = rng.choice([1, 2, 4, 4, 4, 3, 16])
                addr = self.mapped_run(size)
                if addr is not None:
                    self.write(addr, bytes(rng.getrandbits(8) for _ in range(size)))
            elif roll < 0.76:
                self.map(rng.choice([0x08048, 0x08049, 0x0804A, 0xBFFFF, 0xBFFFE, rng.randrange(1 << 20)]))
            elif roll < 0.79 and self.pages:
                self.unmap(rng.choice(sorted(self.pages)))
            elif roll < 0.82 and self.pages:
                vpn = rng.choice(sorted(self.pages))
                frame, perms, data = self.pages[vpn]
                new = rng.choice([1, 3, 5, 7]) | (perms & C.PAGE_DIRTY)
                # page_protected carries permissions only: the dirty bit is not part of them.
                self.log.add(C.PAGE_PROTECTED, vpn << 12, frame, new & 7, perms & 7)
                self.pages[vpn] = (frame, new, data)
            elif roll < 0.84 and self.pages:
                vpn = rng.choice(sorted(self.pages))
                frame, perms, data = self.pages[vpn]
                if not perms & C.PAGE_DIRTY:
                    self.log.add(C.PAGE_DIRTIED, vpn << 12, frame)
                    self.pages[vpn] = (frame, perms | C.PAGE_DIRTY, data)
            elif roll < 0.88:
                entry = (rng.choice(["main", "f", "g"]), rng.getrandbits(32), rng.getrandbits(32), rng.getrandbits(32))
                self.stack.append(entry)
                self.log.add(C.FRAME_PUSHED, entry[3], entry[2], entry[1], self.log.add_extra(entry[0]))
            elif roll < 0.91 and self.stack:
                f, cs, ret, base = self.stack.pop()
                self.log.add(C.FRAME_POPPED, base, ret, cs, self.log.add_extra(f))
            elif roll < 0.93:
                new = self.brk + rng.randrange(-4096, 8192)
                self.log.add(C.BREAK_MOVED, self.brk, new & 0xFFFFFFFF)
                self.brk = new & 0xFFFFFFFF
            elif roll < 0.95:
                args = [rng.getrandbits(32) for _ in range(6)]
                self.log.add(C.SYSCALL, 4, rng.getrandbits(32), 0, self.log.add_extra(("write", args)))
                self.log.add(C.OUTPUT, 1, 0, 0, self.log.add_extra(bytes(rng.getrandbits(8) for _ in range(rng.randrange(5)))))
            elif roll < 0.97:
                start = rng.randrange(1 << 20) << 12
                if start not in self.vmas:
                    end = start + PAGE * rng.randrange(1, 4)
                    perms = rng.randrange(16)
                    name = rng.choice(["", "[heap]", "[stack]", "prog"])
                    self.vmas[start] = (end, perms, name)
                    self.log.add(C.VMA_MAPPED, start, end - 1, perms, self.log.add_extra(name))
            elif self.vmas:
                start = rng.choice(sorted(self.vmas))
                end, perms, name = self.vmas.pop(start)
                self.log.add(C.VMA_UNMAPPED, start, end - 1, perms, self.log.add_extra(name))
        self.log.end_step()

    def start(self) -> None:
        """Step 0: exec's effects."""
        self.reg(C.CR3, 1)
        self.reg(C.ESP, 0xBFFFF000)
        self.reg(C.EIP, 0x08049000)
        self.map(0x08049)
        self.map(0xBFFFE)
        self.log.add(C.BREAK_MOVED, 0, 0x0804C000)
        self.brk = 0x0804C000
        self.log.end_step()

    def finish(self, status: int = 0, signal: int = 0) -> None:
        self.reg(C.EIP, self.regs[C.EIP] + 2)
        if signal == 11:
            self.log.add(C.SEGFAULT, self.regs[C.EIP], 0, 1 | (0 << 4), self.log.add_extra("NULL pointer write"))
        self.log.add(C.EXITED, status & 0xFFFFFFFF, signal)
        self.log.end_step()


def random_log(seed: int, nsteps: int, chunk_events: int = 64, sink=None, end_signal: int = 0) -> EventLog:
    log = EventLog(chunk_events=chunk_events, sink=sink)
    sh = Shadow(random.Random(seed), log)
    sh.start()
    for _ in range(nsteps):
        sh.step()
    sh.finish(128 + end_signal if end_signal else 0, end_signal)
    return log
