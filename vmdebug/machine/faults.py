"""How an instruction can fail: the signal the kernel would deliver."""
from __future__ import annotations

from vmdebug.signals import SIGFPE, SIGILL, SIGSEGV, SIGTRAP

READ, WRITE, EXEC = 0, 1, 2
ACCESS_NAMES = ("read", "write", "exec")
SEGV_MAPERR, SEGV_ACCERR = 1, 2  # include/uapi/asm-generic/siginfo.h


class CpuFault(Exception):
    """A synchronous fault that, with no handler installed, kills the process.

    ``code`` is the si_code name (SEGV_MAPERR, SEGV_ACCERR, ILL_ILLOPN,
    FPE_INTDIV, SI_KERNEL...), ``address`` is si_addr.  ``sender`` is the pid of the
    process that sent a signal with kill() or the kernel's send_sig (si_pid).
    """

    def __init__(self, signal: int, code: str, address: int, access: int, reason: str,
                 sender: int | None = None, after: int | None = None) -> None:
        super().__init__(reason)
        self.signal = signal
        self.code = code
        self.address = address & 0xFFFFFFFF
        self.access = access
        self.reason = reason
        self.sender = sender
        #: A trap's saved eip: the instruction after the one that trapped (a fault's is the
        #: faulting instruction's own, which runs again).
        self.after = after


def segv(address: int, access: int, mapped: bool, reason: str) -> CpuFault:
    return CpuFault(SIGSEGV, "SEGV_ACCERR" if mapped else "SEGV_MAPERR", address, access, reason)


def sigill(eip: int, reason: str) -> CpuFault:
    # arch/x86/kernel/traps.c do_error_trap(... ILL_ILLOPN, error_get_trap_addr)
    return CpuFault(SIGILL, "ILL_ILLOPN", eip, EXEC, reason)


def sigfpe(eip: int, reason: str) -> CpuFault:
    # arch/x86/kernel/traps.c exc_divide_error: SIGFPE, FPE_INTDIV, si_addr = ip
    return CpuFault(SIGFPE, "FPE_INTDIV", eip, EXEC, reason)


def sigtrap(eip: int, reason: str, after: int | None = None) -> CpuFault:
    # int3 with no debugger: do_int3_user -> do_trap(X86_TRAP_BP, SIGTRAP, ...) si_code SI_KERNEL;
    # #BP is a trap: the saved eip is past the int3 (Intel SDM vol. 3A, 6.5)
    return CpuFault(SIGTRAP, "SI_KERNEL", 0, EXEC, reason, after=after)

#: si_code numbers (include/uapi/asm-generic/siginfo.h), as gdb's $_siginfo shows them.
SI_CODES = {"SEGV_MAPERR": 1, "SEGV_ACCERR": 2, "ILL_ILLOPC": 1, "ILL_ILLOPN": 2, "ILL_PRVOPC": 5,
            "FPE_INTDIV": 1, "FPE_INTOVF": 2, "FPE_FLTDIV": 3, "FPE_FLTOVF": 4, "FPE_FLTUND": 5, "FPE_FLTRES": 6,
            "FPE_FLTINV": 7, "TRAP_BRKPT": 1, "TRAP_TRACE": 2, "BUS_ADRALN": 1, "SI_KERNEL": 0x80,
            "SI_USER": 0, "SI_TKILL": -6}     # sent by kill(2) / tgkill(2) (include/uapi/asm-generic/siginfo.h)
