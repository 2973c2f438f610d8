"""Signal handlers: rt_sigaction, rt_sigprocmask, the signal frame, sigreturn.

A signal whose action is a handler does not end the process: the kernel pushes a signal
frame on the user stack - the return address (the handler returns into ``sa_restorer``,
which calls sigreturn), the signal number, and the interrupted registers as a ``struct
sigcontext`` - and starts the handler (arch/x86/kernel/signal.c, setup_frame and
setup_rt_frame for i386; arch/x86/include/uapi/asm/sigcontext.h).  ``sigreturn`` (119,
after the restorer's ``pop eax``) and ``rt_sigreturn`` (173) restore those registers.  A
handler that returns from a fault runs the faulting instruction again, as on Linux.

The frames are the kernel's layout without the FPU state (there is none to save):

    sigframe     +0 pretcode, +4 sig, +8 sigcontext (88 bytes), +96 extramask, +100 retcode
    rt_sigframe  +0 pretcode, +4 sig, +8 &info, +12 &uc, +16 siginfo (128),
                 +144 ucontext: flags, link, stack (12), +164 sigcontext (88), +252 sigmask (8);
                 +260 retcode

A mixin of :class:`vmdebug.machine.kernel.Kernel`.
"""
from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from events import codes as C
from vmdebug.machine import syscalls as S
from vmdebug.machine.faults import READ, SI_CODES, WRITE, CpuFault

if TYPE_CHECKING:
    from vmdebug.machine.process import Process
    from vmdebug.machine.tasks import Task

SIG_DFL, SIG_IGN = 0, 1
SA_SIGINFO, SA_RESTORER, SA_NODEFER, SA_RESETHAND = 4, 0x04000000, 0x40000000, 0x80000000
SIGKILL, SIGSTOP = 9, 19
FRAME_SIZE, RT_FRAME_SIZE = 108, 268
SC_AT = {False: 8, True: 164}          # where the sigcontext is in each frame
#: What the restorers are, byte for byte, as gdb recognises them (i386-linux-tdep.c):
#: ``pop eax; mov eax, 119; int 0x80`` and ``mov eax, 173; int 0x80``.
SIGRETURN_CODE = bytes.fromhex("58b877000000cd80")
RT_SIGRETURN_CODE = bytes.fromhex("b8ad000000cd80")
# sigcontext_32 order: gs fs es ds di si bp sp bx dx cx ax trapno err ip cs flags sp_at_signal ss
# fpstate oldmask cr2 (register ids below; None: not a register).
SC_REGS = (None, None, None, None, C.EDI, C.ESI, C.EBP, C.ESP, C.EBX, C.EDX, C.ECX, C.EAX)
SC_EIP, SC_ESP = 56, 28              # offsets of ip and sp in the sigcontext


class SignalCalls:
    proc: "Process"
    resume_at: int | None

    def _actions(self) -> dict[int, tuple[int, int, int, int]]:
        return self.proc.sched.current.actions

    def sys_rt_sigaction(self, sig: int, act: int, oact: int, size: int) -> int:
        """kernel/signal.c do_sigaction: struct {handler, flags, restorer, mask[2]}."""
        if size != 8:
            return -S.EINVAL
        if not 1 <= sig <= 64 or (act and sig in (SIGKILL, SIGSTOP)):
            return -S.EINVAL
        actions = self._actions()
        old = actions.get(sig, (SIG_DFL, 0, 0, 0))
        if act:
            try:
                handler, flags, restorer, mask_lo, mask_hi = struct.unpack(
                    "<5I", self.proc.memory.read_bytes(act, 20))
            except CpuFault:
                return -S.EFAULT
        if oact:
            try:
                self.proc.memory.write_bytes(oact, struct.pack("<5I", old[0], old[1], old[2], old[3], 0))
            except CpuFault:
                return -S.EFAULT
        if act:
            if handler == SIG_DFL:
                actions.pop(sig, None)
            else:
                actions[sig] = (handler, flags, restorer, mask_lo)
        return 0

    def sys_rt_sigprocmask(self, how: int, new: int, old: int, size: int) -> int:
        """The blocked set is kept and reported; blocking delays nothing here (no signal is
        ever pending: every one vmdebug raises is synchronous)."""
        if size != 8 or how not in (0, 1, 2):
            return -S.EINVAL
        task = self.proc.sched.current
        try:
            if old:
                self.proc.memory.write_bytes(old, struct.pack("<Q", task.blocked))
            if new:
                value = struct.unpack("<Q", self.proc.memory.read_bytes(new, 8))[0]
                value &= ~((1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1)))
                task.blocked = value if how == 2 else task.blocked | value if how == 0 else task.blocked & ~value
        except CpuFault:
            return -S.EFAULT
        return 0

    def handler_for(self, sig: int, task: Task | None = None) -> tuple[int, int, int, int] | None:
        """The handler action of ``sig`` in ``task`` (the current process by default), or None
        for the default action and for SIG_IGN."""
        act = (task or self.proc.sched.current).actions.get(sig)
        if act is None or act[0] == SIG_IGN:
            return None
        return act

    def ignores(self, sig: int, task: Task | None = None) -> bool:
        """``sig``'s action in ``task`` (the current process by default) is SIG_IGN."""
        act = (task or self.proc.sched.current).actions.get(sig)
        return act is not None and act[0] == SIG_IGN

    def send_on_return(self, fault: CpuFault) -> None:
        """Make ``fault`` pending for the current process: its handler starts on the way
        back to user mode, after the system call has returned (as gdb then shows it, past
        the ``int 0x80``)."""
        self.proc.sched.current.pending = fault
        self.proc.sched.pending_any = True

    def deliver(self, fault: CpuFault, resume: int, from_syscall: bool = False) -> bool:
        """Start the handler of ``fault.signal`` if there is one: the frame, the registers,
        and a call-stack frame for the handler.  ``resume`` is where the interrupted code
        goes on.  False (nothing done) when the signal's action is the default.  On the way
        out of a system call the ``int 0x80`` goes to the handler (``resume_at``); after a
        fault, eip is set here."""
        act = self.handler_for(fault.signal)
        if act is None or not act[1] & SA_RESTORER:
            return False
        handler, flags, restorer, mask = act
        proc = self.proc
        regs = proc.state.regs
        rt = bool(flags & SA_SIGINFO)
        size = RT_FRAME_SIZE if rt else FRAME_SIZE
        frame = (((regs[C.ESP] - size) + 4) & ~15) - 4       # align_sigframe: (sp + 4) is 16-aligned
        code = SI_CODES.get(fault.code, 0)
        access_err = 4 | (2 if fault.access == WRITE else 0) | (1 if fault.code == "SEGV_ACCERR" else 0)
        if fault.signal == 11 and fault.code == "SI_KERNEL":
            # exc_general_protection: trap_nr X86_TRAP_GP (13), the error code 0 (arch/x86/kernel/traps.c)
            sc = self._sigcontext(resume, 13, 0, 0)
        else:
            # exc_page_fault: X86_TRAP_PF (14), the page-fault error code and cr2 (arch/x86/mm/fault.c)
            sc = self._sigcontext(resume, 14 if fault.signal == 11 else 0, access_err if fault.signal == 11 else 0,
                                  fault.address if fault.signal == 11 else 0)
        if rt:
            # siginfo_t (include/uapi/asm-generic/siginfo.h): signo, errno, code, then the union:
            # _kill {si_pid, si_uid} for a signal a process sent, _sigfault {si_addr} for a fault.
            # si_uid is 0: the simulated process runs as root (AT_UID 0).
            tail = struct.pack("<iI", fault.sender, 0) if fault.sender is not None else struct.pack("<I", fault.address)
            info = (struct.pack("<iii", fault.signal, 0, code) + tail).ljust(128, b"\0")
            # ucontext: uc_flags, uc_link, uc_stack (ss_sp, ss_flags = SS_DISABLE, ss_size)
            uc = struct.pack("<II", 0, 0) + struct.pack("<III", 0, 2, 0) + sc + struct.pack("<Q", 0)
            body = struct.pack("<IiII", restorer, fault.signal, frame + 16, frame + 144) + info + uc \
                + RT_SIGRETURN_CODE.ljust(8, b"\0")
        else:
            body = struct.pack("<Ii", restorer, fault.signal) + sc + struct.pack("<I", 0) \
                + SIGRETURN_CODE
        try:
            proc.memory.write_bytes(frame, body)
        except CpuFault:
            return False        # no room for the frame: the kernel forces SIGSEGV (default action)
        proc.set_reg(C.ESP, frame)
        proc.set_reg(C.EAX, fault.signal)
        if rt:
            proc.set_reg(C.EDX, frame + 16)
            proc.set_reg(C.ECX, frame + 144)
        if from_syscall:
            self.resume_at = handler
        else:
            proc.set_reg(C.EIP, handler)
        proc.set_reg(C.EFLAGS, regs[C.EFLAGS] & ~0x400 & ~0x100)   # DF and TF clear for the handler
        proc.push_frame(handler, resume, restorer, frame)
        if flags & SA_RESETHAND:
            self._actions().pop(fault.signal, None)
        return True

    def _sigcontext(self, eip: int, trapno: int, err: int, cr2: int) -> bytes:
        regs = self.proc.state.regs
        user_cs, user_ds = (0x73, 0x7B) if self.proc.layout.name == "i386" else (0x23, 0x2B)
        words = [0, 0, user_ds, user_ds] + [regs[r] for r in SC_REGS[4:]]
        words += [trapno, err, eip, user_cs, regs[C.EFLAGS], regs[C.ESP], user_ds, 0, 0, cr2]
        return struct.pack("<22I", *[w & 0xFFFFFFFF for w in words])

    def _restore(self, sc_addr: int) -> int | None:
        proc = self.proc
        try:
            words = struct.unpack("<22I", proc.memory.read_bytes(sc_addr, 88))
        except CpuFault:
            return None
        for i, r in enumerate(SC_REGS):
            if r is not None and r != C.EAX:
                proc.set_reg(r, words[i])
        flags = proc.state.regs[C.EFLAGS]
        proc.set_reg(C.EFLAGS, (flags & ~0x40DD5) | (words[16] & 0x40DD5))   # FIX_EFLAGS
        proc.drop_abandoned(words[7], words[14])
        self.resume_at = words[14]
        return words[11]            # eax: what the "system call" returns

    def sys_sigreturn(self) -> int:
        """After the restorer's ``pop eax``, esp is 8 bytes into the frame: the sigcontext."""
        eax = self._restore(self.proc.state.regs[C.ESP])
        if eax is None:
            raise CpuFault(11, "SI_KERNEL", 0, READ, "sigreturn: the signal frame cannot be read")
        return C.signed32(eax)

    def sys_rt_sigreturn(self) -> int:
        """The handler's ``ret`` popped pretcode: esp is 4 bytes into the rt frame."""
        eax = self._restore(self.proc.state.regs[C.ESP] - 4 + SC_AT[True])
        if eax is None:
            raise CpuFault(11, "SI_KERNEL", 0, READ, "rt_sigreturn: the signal frame cannot be read")
        return C.signed32(eax)
