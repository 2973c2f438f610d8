"""Signal numbers and names of i386 Linux (arch/x86/include/uapi/asm/signal.h)."""
from __future__ import annotations

SIGNALS = {4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL",
           11: "SIGSEGV", 13: "SIGPIPE", 15: "SIGTERM", 2: "SIGINT"}
SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGKILL, SIGSEGV = 4, 5, 6, 8, 9, 11


def signal_name(number: int) -> str:
    return SIGNALS.get(number, f"signal {number}")
