"""A simulated process: exec, then one retired instruction per step, every effect an event.

The process owns the live :class:`~events.state.ProcessState` and the event
log.  Rare events (page tables, VMAs, frames, syscalls) go through
:meth:`Process.event`, which appends *and* applies them with the fold, so the
state can only change the way replaying the log changes it.  The hot paths
(register and memory writes in :mod:`vmdebug.machine.operands` and
:mod:`vmdebug.machine.memory`) inline the same two actions.
"""
from __future__ import annotations

import bisect
import os
from typing import Any, BinaryIO, Callable

from events.record import Record
from events import codes as C
from events.log import EventLog, pack_row
from events.kinds import apply, revert
from events.state import ProcessState
from vmdebug.isa.decoder import DecodeError, TruncatedInstruction, decode
from vmdebug.machine import alu, control, fpu, sse  # noqa: F401  (register their semantics)
from vmdebug.machine import segments
from vmdebug.machine.cpu import SEMANTICS
from vmdebug.machine.faults import EXEC, CpuFault
from vmdebug.machine.kernel import Kernel, page_align
from vmdebug.machine.layout import LAYOUTS, PAGE, STACK_INITIAL_EXPAND, build_initial_stack
from vmdebug.machine.memory import Memory
from vmdebug.machine.scheduler import Scheduler
from vmdebug.machine.tasks import QUANTUM, Blocked
from vmdebug.machine.translate import BLOCK_KEY, translate
from vmdebug.machine.stdin import InputPending, Stdin
from vmdebug.machine.vma import Vma
from vmdebug.errors import UserError
from vmdebug.signals import SIGILL, SIGKILL, SIGSEGV, SIGTRAP

from vmdebug.machine.limits import DEFAULT_MAX_STEPS, DEFAULT_NFRAMES  # noqa: F401  (named here too)


def translation_default() -> bool:
    """Whether :meth:`Process.run` uses basic-block translation: on unless the environment
    says ``VMDEBUG_INTERPRET=1`` (the interpreter alone, the reference; docs/performance.md)."""
    return os.environ.get("VMDEBUG_INTERPRET", "") != "1"
FLOAT_OPCODES = set(range(0xD8, 0xE0))
#: An eip is translated once execution has reached it this many times from a block boundary.
HOT = 50


EFLAGS_RF = 1 << 16      # the resume flag


def program_path(path: str) -> str:
    """The program's name as the process sees it (argv[0], its mappings in /proc/PID/maps,
    AT_EXECFN): the path as typed, but only the file's name when the path is absolute.  A
    shell would pass the absolute path; a session must not carry the recording machine's
    directories (the same program gives the same bytes anywhere), and ``run`` behaves as
    ``record`` does, since argv[0]'s length moves the stack."""
    return os.path.basename(path) if os.path.isabs(path) else path


class Segment(Record):
    """A PT_LOAD segment: ``data`` is its file image, ``memsz`` its size in memory.

    The kernel maps a segment's file pages whole (fs/binfmt_elf.c elf_map: from the page
    of ``p_offset`` for ``p_filesz`` plus the offset in the page, rounded up to pages), so
    its first page shows the file's bytes before it (``lead``) and its last page the
    file's bytes after it (``tail``) - unless the segment has bss, whose start
    elf_load's padzero clears to the end of that page (``tail`` empty: zeros)."""

    def __init__(self, vaddr: int, data: bytes, memsz: int, perms: int, lead: bytes = b"",
                 tail: bytes = b"") -> None:
        self.vaddr = vaddr
        self.data = data
        self.memsz = memsz
        self.perms = perms  # events.codes PERM_R | PERM_W | PERM_X
        self.lead = lead
        self.tail = tail


class LoadSpec(Record):
    """What exec needs from a linked program."""

    def __init__(self, name: str, segments: list[Segment], entry: int, symbols: dict[str, int] | None = None,
                 phdr: int = 0x08048034, phnum: int = 3, gnu_stack: bool = True,
                 sections: list[tuple[str, int, int]] | None = None, symbolizer: Any = None) -> None:
        self.name = name
        self.segments = segments
        self.entry = entry
        self.symbols = {} if symbols is None else symbols  # function name -> address
        self.phdr = phdr
        self.phnum = phnum
        self.gnu_stack = gnu_stack  # PT_GNU_STACK present and not executable
        self.sections = [] if sections is None else sections  # (name, start, end)
        #: The program's one symbolizer (gdb's minimal symbols: vmdebug.debuginfo.valprint_symbols),
        #: which names the frames of call events; None names them from ``symbols`` alone.
        self.symbolizer = symbolizer


class Process:
    def __init__(self, spec: LoadSpec, argv: list[str] | None = None, envp: list[str] | None = None,
                 stdin: bytes | BinaryIO = b"", layout: str = "i386", nframes: int = DEFAULT_NFRAMES,
                 log: EventLog | None = None, on_output: Callable[[int, bytes], None] | None = None,
                 files: dict[str, bytes] | None = None, translate: bool | None = None) -> None:
        self.spec = spec
        #: run() executes translated blocks (vmdebug.machine.translate); step() always interprets.
        self.translate = translation_default() if translate is None else translate
        self.layout = LAYOUTS[layout]
        self.state = ProcessState(nframes)
        self.log = log if log is not None else EventLog()
        self.emit = self.log.emit
        #: the hot paths' append: ``write(pack_row(code, a, b, c, d))`` (events.log)
        self.write = self.log.write
        self.memory = Memory(self)
        self.memory.on_code_write = self._invalidate_code
        self.kernel = Kernel(self)
        self.kernel.files = {name: bytearray(data) for name, data in (files or {}).items()}
        self.sched = Scheduler(self)
        #: The run has ended (kept as a flag: the hot loop reads it every step).
        self.ended = False
        self.read_implies_exec = not spec.gnu_stack
        self.stdin = Stdin(stdin)
        self.on_output = on_output
        self._names: dict[str, int] = {}
        #: The extras index of each function name whose frame events the open chunk holds
        #: (what :meth:`_name_index` returned since the last seal; cleared at each seal):
        #: a translated block's call and ret make their frame events with it without a call.
        self.frame_index: dict[str, int] = {}
        self.log.on_seal.append(self.frame_index.clear)
        self.code: dict[int, Callable[[], int]] = {}
        #: Bumped whenever cached code is dropped: a translated block stops when it moves.
        self.code_epoch = [0]
        self._frame_names: dict[int, str] = {}
        self.heat: dict[int, int] = {}     # entries into untranslated eips
        #: Translate an eip once execution has reached it this many times (tests say 1).
        self.hot_after = HOT
        self.steps = 0
        self._step_kernel_rows: list[int] = []
        funcs = sorted((addr, name) for name, addr in spec.symbols.items())
        self._sym_addrs = [a for a, _ in funcs]
        self._sym_names = [n for _, n in funcs]
        self._text_end = max((sg.vaddr + sg.memsz for sg in spec.segments if sg.perms & C.PERM_X), default=0)
        self.argv = argv if argv is not None else [spec.name]
        self.envp = envp if envp is not None else []
        self._exec()

    # ---- events ------------------------------------------------------------
    def event(self, row: tuple[int, int, int, int, int], extra: Any = None) -> None:
        """Append a (rare) event and apply it with the fold."""
        if extra is not None:
            row = (row[0], row[1], row[2], row[3], self.log.add_extra(extra))
        self._step_kernel_rows.append(self.log.mark())
        self.log.add(*row)
        apply(self.state, row, self.log.extras)

    def set_reg(self, r: int, value: int) -> None:
        old = self.state.regs[r]
        if old != value:
            self.state.regs[r] = value
            self.write(pack_row(C.REG, r, old, value, 0))

    def output(self, fd: int, data: bytes) -> None:
        if self.on_output is not None:
            self.on_output(fd, data)

    @property
    def exited(self) -> bool:
        """The run has ended: the first process ended (its process_exited event is the last
        in the log), or every process sleeps (:attr:`deadlock` says why)."""
        return self.ended

    @property
    def deadlock(self) -> str:
        return self.sched.deadlock

    # ---- symbols and frames ----------------------------------------------------
    def symbol_for(self, addr: int) -> str | None:
        """``name`` or ``name+0xoff`` of the code symbol holding ``addr`` (gdb's minimal
        symbol, as ``info symbol`` finds it), or None outside the program's code."""
        if addr >= self._text_end:
            return None
        sym = self.spec.symbolizer
        if sym is not None:
            m = sym.msymbol(addr)
            if m is None or m.type not in ("text", "file_text"):
                return None
            name, start = m.name, m.address
        else:
            i = bisect.bisect_right(self._sym_addrs, addr) - 1
            if i < 0:
                return None
            name, start = self._sym_names[i], self._sym_addrs[i]
        off = addr - start
        return name if off == 0 else f"{name}+{off:#x}"

    def section_at(self, addr: int) -> str | None:
        for name, start, end in self.spec.sections:
            if start <= addr < end:
                return name
        return None

    def _name_index(self, name: str) -> int:
        """The extras index of a function name, shared by the frame events of one chunk
        (a chunk must carry its own payloads, so the cache starts over at each seal).
        A translated block closes steps without sealing (``close_step``): what it owes is
        sealed first, so the chunk the cached index belongs to is known."""
        log = self.log
        log.settle()
        idx = self._names.get(name)
        if idx is None or idx < log.extras_sealed:
            idx = self._names[name] = log.add_extra(name)
        self.frame_index[name] = idx       # settled: no seal is due, the open chunk holds it
        return idx

    def frame_name(self, target: int) -> str:
        """The function name a frame event of a call to ``target`` carries."""
        name = self._frame_names.get(target)
        if name is None:        # the symbols never change: one lookup per call target
            name = self._frame_names[target] = self.symbol_for(target) or f"{target:#010x}"
        return name

    def push_frame(self, target: int, site: int, ret: int, base: int) -> None:
        """A ``call``'s frame event.  Called once per call by the CPU and by translated blocks,
        so it does by hand what :meth:`event` does through calls (the row, its kernel-row mark,
        then the fold's apply for a frame push: :class:`events.kinds._Frame`): this was a
        tenth of a call-heavy recording's time."""
        stack = self.state.stack
        if stack and stack[-1][3] <= base:
            self._drop_abandoned(base, True)
        name = self.frame_name(target)
        log = self.log
        idx = self._name_index(name)
        self._step_kernel_rows.append(log.mark())
        log.write(pack_row(C.FRAME_PUSHED, base, ret, site, idx))
        stack.append((name, site, ret, base))

    def pop_frame(self, target: int, sp: int) -> None:
        """A ``ret``'s frame event, by hand as :meth:`push_frame` (the fold pops the entry)."""
        stack = self.state.stack
        if stack and stack[-1][3] < sp:
            self._drop_abandoned(sp, False)
        if stack:
            # The shadow stack remembers what `call` pushed; a `ret` elsewhere (a smashed
            # return address) is found in these events by vmdebug.replay.query.smashed_in.
            name, site, ret, base = stack[-1]
            log = self.log
            idx = self._name_index(name)
            self._step_kernel_rows.append(log.mark())
            log.write(pack_row(C.FRAME_POPPED, base, ret, site, idx))
            stack.pop()

    def drop_abandoned(self, sp: int, target: int | None = None) -> None:
        """The frames whose return slots are below ``sp`` were left without a ``ret``; with
        ``target`` (where a jump lands), so were the frames above the innermost one of the
        function it lands in: their return slots may lie above ``sp`` (in that function's
        outgoing-argument area), yet execution is back in the function that called them."""
        self._drop_abandoned(sp, False)
        if target is None:
            return
        name = (self.symbol_for(target) or "").split("+")[0]
        stack = self.state.stack
        if name and any(entry[0] == name for entry in stack):
            while stack and stack[-1][0] != name:
                f, site, ret, base = stack[-1]
                self.event((C.FRAME_POPPED, base, ret, site, self._name_index(f)))

    def _drop_abandoned(self, sp: int, calling: bool) -> None:
        """Pop the frames the stack pointer has left behind without a ``ret`` (longjmp, or any
        jump that resets esp): their return address slots are below ``sp`` (at or below it for
        a new call, which overwrites that slot).  The stack grows down."""
        stack = self.state.stack
        while stack and (stack[-1][3] <= sp if calling else stack[-1][3] < sp):
            name, site, ret, base = stack[-1]
            self.event((C.FRAME_POPPED, base, ret, site, self._name_index(name)))

    # ---- exec (step 0) -------------------------------------------------------------
    def _refuse_bad_segments(self, stack_bottom: int) -> None:
        """The kernel's checks on PT_LOAD segments (fs/binfmt_elf.c load_elf_binary): a
        segment must lie below TASK_SIZE (-EINVAL, then SIGSEGV past the point of no
        return), and elf_map's MAP_FIXED_NOREPLACE will not map over the stack, which
        setup_arg_pages placed first (-EEXIST)."""
        task_size = self.layout.task_size
        for n, seg in enumerate(self.spec.segments):
            end = seg.vaddr + max(seg.memsz, len(seg.data))
            where = f"segment {n} ({seg.vaddr:#010x}-{end:#010x})"
            if len(seg.data) > seg.memsz:
                raise UserError(f"{self.spec.name}: exec refused: {where} has more file bytes than memory (EINVAL)")
            if end > task_size:
                raise UserError(f"{self.spec.name}: exec refused: {where} ends past the user address space, "
                                f"which ends at {task_size:#010x} ({self.layout.name} layout; EINVAL)")
            if seg.vaddr < self.layout.stack_top and end > stack_bottom:
                raise UserError(f"{self.spec.name}: exec refused: {where} overlaps the stack at "
                                f"{stack_bottom:#010x}-{self.layout.stack_top:#010x} (EEXIST)")

    def _exec(self) -> None:
        k, spec = self.kernel, self.spec
        stack = build_initial_stack(self.layout, [a.encode() for a in self.argv], [e.encode() for e in self.envp],
                                    self.argv[0].encode() if self.argv else spec.name.encode(),
                                    spec.entry, spec.phdr, spec.phnum)
        self._refuse_bad_segments(stack.base - STACK_INITIAL_EXPAND)
        pd = k.alloc_frame()
        self.set_reg(C.CR3, pd)  # type: ignore[arg-type]
        k.map_kernel_half()
        brk = 0
        for seg in spec.segments:
            start = seg.vaddr & ~(PAGE - 1)
            file_end = page_align(seg.vaddr + len(seg.data))
            perms = seg.perms | (C.PERM_X if self.read_implies_exec and seg.perms & C.PERM_R else 0)
            if file_end > start:
                k.add_vma(Vma(start, file_end, perms, program_path(spec.name), seg.lead + seg.data + seg.tail,
                              seg.vaddr - len(seg.lead)))
            mem_end = page_align(seg.vaddr + seg.memsz)
            if mem_end > file_end:  # bss beyond the file's last page: anonymous (vm_brk_flags)
                k.add_vma(Vma(file_end, mem_end, perms, ""))
            brk = max(brk, seg.vaddr + seg.memsz)
        for start, end, perms, name in self.layout.special:
            k.add_vma(Vma(start, end, perms, name))
        k.start_brk = page_align(brk)
        self.event((C.BREAK_MOVED, 0, k.start_brk, 0, 0))
        top = self.layout.stack_top
        sperms = C.PERM_R | C.PERM_W | (C.PERM_X if self.read_implies_exec else 0)
        k.add_vma(Vma(stack.base - STACK_INITIAL_EXPAND, top, sperms, "[stack]", growsdown=True))
        for page in range(stack.base, top, PAGE):
            k.map_page(page, sperms, True, stack.data[page - stack.base:page - stack.base + PAGE])
        self.set_reg(C.ESP, stack.esp)
        self.set_reg(C.EFLAGS, 0x202)  # IF and the always-one bit 1
        self.set_reg(C.FCTRL, C.FCW_INITIAL)   # fpstate_init (arch/x86/kernel/fpu/core.c)
        self.set_reg(C.MXCSR, C.MXCSR_INITIAL)
        self.set_reg(C.EIP, spec.entry)
        self.initial_stack = stack
        self.log.end_step()
        self._step_kernel_rows = []

    # ---- instruction fetch -------------------------------------------------------------
    def _invalidate_code(self, vpn: int) -> None:
        self.code_epoch[0] += 1
        for eip in self.memory.code_pages.pop(vpn, ()):
            self.code.pop(eip, None)

    def _compile(self, eip: int) -> Callable[[], int]:
        mem = self.memory
        room = 0x1000 - (eip & 0xFFF)
        data = mem.fetch_bytes(eip, min(15, room))
        try:
            try:
                insn = decode(data, eip)
            except TruncatedInstruction:
                data += mem.fetch_bytes((eip + room) & 0xFFFFFFFF, 15 - room)
                insn = decode(data, eip)
        except DecodeError:
            raise self._illegal(eip, data) from None
        builder = SEMANTICS.get(insn.mnemonic)
        if builder is None:
            raise CpuFault(SIGILL, "ILL_ILLOPN", eip, EXEC, f"instruction `{insn.mnemonic}` is not simulated")
        gp = segments.access_fault(self, insn)
        if gp is not None:
            def fn() -> int:
                raise gp
        else:
            fn = builder(self, insn)
        self.code[eip] = fn
        mem.code_pages.setdefault(eip >> 12, set()).add(eip)
        last = (eip + insn.length - 1) >> 12
        if last != eip >> 12:
            mem.code_pages.setdefault(last, set()).add(eip)
        return fn

    def _illegal(self, eip: int, data: bytes) -> CpuFault:
        raw = data[:4].hex(" ")
        if data and (data[0] in FLOAT_OPCODES or (data[0] == 0x0F and len(data) > 1 and 0x10 <= data[1] <= 0x7F)):
            return CpuFault(SIGILL, "ILL_ILLOPN", eip, EXEC,
                            f"x87/SSE instructions are not simulated (bytes {raw} at {eip:#010x})")
        return CpuFault(SIGILL, "ILL_ILLOPN", eip, EXEC, f"invalid instruction (bytes {raw}) at {eip:#010x}")

    # ---- running -------------------------------------------------------------------
    def step(self) -> bool:
        """Retire one instruction (one step) of the current process.  Returns False once the
        run has ended."""
        if self.ended:
            return False
        state, sched = self.state, self.sched
        regs = state.regs
        start = self.log.mark()
        self._step_kernel_rows = []
        if sched.multi and not sched.schedule():
            return False                    # every process sleeps: nothing can run
        if sched.pending_any and sched.current.pending is not None:   # a signal on the way back from a call
            pending = sched.current.pending
            sched.current.pending = None
            sched.pending_any = any(t.pending is not None for t in sched.tasks.values())
            if not self.kernel.deliver(pending, regs[C.EIP]):
                self.die(pending, regs[C.EIP])
            sched.ran += 1
            self.steps += 1
            self.log.end_step()
            return not self.exited
        while True:
            eip = regs[C.EIP]
            try:
                fn = self.code.get(eip)
                if fn is None:
                    fn = self._compile(eip)
                new = fn()
                if new != eip and state.exited is None:
                    regs[C.EIP] = new
                    self.write(pack_row(C.REG, C.EIP, eip, new, 0))
            except Blocked as blocked:      # it sleeps in a system call: another one runs this step
                self._rollback(start)
                sched.sleep(blocked)
                if not sched.schedule():
                    break
                continue
            except CpuFault as fault:
                self._rollback(start)
                if fault.after is not None:     # a trap: the process goes on (or dies) past it
                    eip = fault.after
                    self.set_reg(C.EIP, eip)
                self.die(fault, eip)
            except InputPending:            # the terminal read was not made: no step taken
                self._rollback(start)
                raise
            break
        sched.ran += 1
        self.steps += 1
        self.log.end_step()
        return not self.exited

    def run(self, max_steps: int, progress: Callable[[int], None] | None = None) -> str:
        """Run until exit, a fatal signal or ``max_steps``; returns "exited", "killed", "limit" or
        "deadlock" (every process asleep).

        ``progress(steps)`` is called every 65536 steps (for a status line).
        """
        step = self.step
        left = max_steps
        while left > 0 and not self.exited:
            block = min(left, 65536)
            if self.translate:
                self._run_blocks(block)
            else:
                for _ in range(block):
                    if not step():
                        break
            left -= block
            if progress is not None:
                progress(self.steps)
        if self.deadlock:
            return "deadlock"
        if not self.exited:
            return "limit"
        return "killed" if self.state.exited and self.state.exited[1] else "exited"

    def _run_blocks(self, n: int) -> None:
        """Run up to ``n`` steps (fewer if the run ends), as translated blocks where one fits:
        all of its steps before ``n`` and before the scheduler's quantum runs out, with no
        signal waiting to start its handler.  Anything else is one interpreted step.  A block
        retires its instructions as separate steps with the interpreter's events; a fault in
        one leaves the retired steps closed and the faulting step with no CPU event (see
        vmdebug.machine.translate), which this ends as step() does.

        With one process and no signal pending, blocks run back to back in a tighter loop
        (:meth:`_chain`): only a system call (an interpreted step) or a fault (which ends the
        chain) can fork, make a signal pending or end the run, and a block holds neither."""
        regs, sched, log, step, heat, hot_after = \
            self.state.regs, self.sched, self.log, self.step, self.heat, self.hot_after
        # A block closes its steps with close_step (no Python frame); settle() then seals the
        # chunks end_step would have sealed at those steps (events/log.py).
        buf, close_step, settle = log.buffer, log.close_step, log.settle
        done = 0
        while done < n and not self.ended:
            eip = regs[C.EIP]
            code = self.code
            blk = code.get(eip + BLOCK_KEY)
            if blk is None:
                hot = heat.get(eip, 0) + 1      # compile() costs ~100 steps: cold code is interpreted
                if hot < hot_after:
                    heat[eip] = hot
                    step()
                    done += 1
                    continue
                blk = translate(self, eip)
                if blk is not None:
                    code[eip + BLOCK_KEY] = blk
            if blk is None or not blk.n or blk.n > n - done or sched.pending_any or \
                    (sched.multi and (sched.ran + blk.n > QUANTUM or sched.due())):
                step()
                done += 1
                continue
            if not sched.multi:
                done += self._chain(blk, n - done)
                continue
            krows = self._step_kernel_rows = []
            try:
                k = blk.run(buf, close_step, self.memory.code_pages, krows, blk.n, 0, 0)
            except CpuFault as fault:
                done += self._fault(blk, fault)
                continue
            except BaseException:
                k = blk.retired[0]
                self.steps += k
                sched.ran += k
                settle()
                raise
            settle()
            self.steps += k
            sched.ran += k
            done += k

    def _chain(self, blk: Any, left: int) -> int:
        """Run ``blk`` and the translated blocks that follow it, back to back, while the next
        one fits in ``left`` steps; returns the steps taken (a faulting one included).

        For one process with no signal pending (the caller checks): nothing a block does can
        change that - forking, sending a signal and exiting are system calls, which are never
        in a block, and a fault ends the chain - nor replace ``self.code`` or ``code_pages``
        (only a task switch does).  The log is settled only when a chunk is full (the limits
        :meth:`EventLog.end_step` compares), which seals the same chunks at the same steps
        as settling after every block, and before returning, so the progress callback
        (checkpoints in the session) sees what it saw."""
        regs, log, sched = self.state.regs, self.log, self.sched
        buf, close_step, settle, mark = log.buffer, log.close_step, log.settle, log.mark
        ends, seal_fields, seal_steps = log.seal_limits()
        code_get, cp = self.code.get, self.memory.code_pages
        # The kernel rows a faulting interpreted instruction keeps: the block clears the list
        # before each such instruction, so one list serves the whole chain.
        krows = self._step_kernel_rows = []
        ran = 0
        fault = None
        try:
            while True:
                try:
                    k = blk.run(buf, close_step, cp, krows, left - ran, seal_fields, seal_steps)
                except CpuFault as exc:
                    fault = exc
                    break
                except BaseException:
                    ran += blk.retired[0]
                    settle()
                    raise
                ran += k
                if mark() >= seal_fields or len(ends) >= seal_steps:
                    settle()
                blk = code_get(regs[C.EIP] + BLOCK_KEY)
                if blk is None or not 0 < blk.n <= left - ran:
                    break
        finally:
            self.steps += ran
            sched.ran += ran
        if fault is not None:       # (not settled first: the faulting step's mark is a buffer index)
            return ran + self._fault(blk, fault)
        settle()
        return ran

    def _fault(self, blk: Any, fault: CpuFault) -> int:
        """End the step in which ``blk`` faulted as :meth:`step` does; returns the steps taken
        (those it retired before, and the faulting one)."""
        sched = self.sched
        k, mark = blk.retired
        self.steps += k
        sched.ran += k
        if mark >= 0:           # an interpreted instruction's own writes are undone
            self._rollback(mark)
        self.die(fault, self.state.regs[C.EIP])
        sched.ran += 1
        self.steps += 1
        self.log.end_step()
        return k + 1

    def _rollback(self, start: int) -> None:
        """Undo the CPU's own writes in a faulting step; the kernel's work (pages it mapped) stays."""
        kernel = {i for i in self._step_kernel_rows if i >= start}
        rows = self.log.rows_since(start)
        if all(at in kernel for at, _ in rows):
            return
        for at, row in reversed(rows):
            if at not in kernel:
                revert(self.state, row, self.log.extras)
        self.log.rollback(start, [row for at, row in rows if at in kernel])
        self.memory.flush()

    def die(self, fault: CpuFault, eip: int) -> None:
        """End the process by a fatal signal: the fault's event, then the exit - unless the
        program installed a handler for it, which then runs (vmdebug.machine.sigframes)."""
        if fault.signal != SIGKILL and self.kernel.deliver(fault, eip):
            return
        if fault.signal not in (SIGKILL, SIGTRAP) and fault.code not in ("SI_USER", "SI_TKILL"):
            # A fault-class exception (#PF, #GP, #DE, #UD...; int3 is a trap) pushes the EFLAGS
            # image with RF set (Intel SDM vol. 3A, 17.3.1.1), and that is the process's eflags
            # when it dies (what ptrace then reads).  Not done where a handler runs: sigreturn
            # would bring RF back, which the CPU clears after one instruction and vmdebug does not.
            flags = self.state.regs[C.EFLAGS]
            if not flags & EFLAGS_RF:
                self.set_reg(C.EFLAGS, flags | EFLAGS_RF)
        access = fault.access
        if fault.signal == SIGSEGV and fault.code in ("SEGV_MAPERR", "SEGV_ACCERR"):
            code = 0 if fault.code == "SEGV_MAPERR" else 1
            self.event((C.SEGFAULT, eip, fault.address, access | (code << 4), 0), fault.reason)
        else:
            self.event((C.FAULT, eip, fault.address, access | (fault.signal << 4), 0), (fault.code, fault.reason))
        self.fault = fault
        self.kernel.end_task(128 + fault.signal, fault.signal)
