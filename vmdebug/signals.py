"""Signal numbers of i386 Linux (arch/x86/include/uapi/asm/signal.h), with their names and the
words gdb prints for them (strsignal-style)."""
from __future__ import annotations

SIGNALS: dict[int, tuple[str, str]] = {
    2: ("SIGINT", "Interrupt"), 4: ("SIGILL", "Illegal instruction"), 5: ("SIGTRAP", "Trace/breakpoint trap"),
    6: ("SIGABRT", "Aborted"), 7: ("SIGBUS", "Bus error"), 8: ("SIGFPE", "Arithmetic exception"),
    9: ("SIGKILL", "Killed"), 11: ("SIGSEGV", "Segmentation fault"), 13: ("SIGPIPE", "Broken pipe"),
    15: ("SIGTERM", "Terminated"),
}
SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGKILL, SIGSEGV = 4, 5, 6, 8, 9, 11


def signal_name(number: int) -> str:
    entry = SIGNALS.get(number)
    return entry[0] if entry else f"signal {number}"


def signal_text(number: int) -> str:
    """gdb's description, as in ``Program received signal SIGSEGV, Segmentation fault.``"""
    entry = SIGNALS.get(number)
    return entry[1] if entry else "Killed"
