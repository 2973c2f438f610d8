"""Signal numbers of i386 Linux (arch/x86/include/uapi/asm/signal.h), with their names and the
words gdb prints for them (strsignal-style)."""
from __future__ import annotations

SIGNALS: dict[int, tuple[str, str]] = {       # gdb's texts: gdb/signals.def
    1: ("SIGHUP", "Hangup"), 2: ("SIGINT", "Interrupt"), 3: ("SIGQUIT", "Quit"),
    4: ("SIGILL", "Illegal instruction"), 5: ("SIGTRAP", "Trace/breakpoint trap"),
    6: ("SIGABRT", "Aborted"), 7: ("SIGBUS", "Bus error"), 8: ("SIGFPE", "Arithmetic exception"),
    9: ("SIGKILL", "Killed"), 10: ("SIGUSR1", "User defined signal 1"), 11: ("SIGSEGV", "Segmentation fault"),
    12: ("SIGUSR2", "User defined signal 2"), 13: ("SIGPIPE", "Broken pipe"), 14: ("SIGALRM", "Alarm clock"),
    15: ("SIGTERM", "Terminated"), 16: ("SIGSTKFLT", "Stack fault"), 17: ("SIGCHLD", "Child status changed"),
    18: ("SIGCONT", "Continued"), 19: ("SIGSTOP", "Stopped (signal)"), 20: ("SIGTSTP", "Stopped (user)"),
    21: ("SIGTTIN", "Stopped (tty input)"), 22: ("SIGTTOU", "Stopped (tty output)"),
    23: ("SIGURG", "Urgent I/O condition"), 24: ("SIGXCPU", "CPU time limit exceeded"),
    25: ("SIGXFSZ", "File size limit exceeded"), 26: ("SIGVTALRM", "Virtual timer expired"),
    27: ("SIGPROF", "Profiling timer expired"), 28: ("SIGWINCH", "Window size changed"),
    29: ("SIGIO", "I/O possible"), 30: ("SIGPWR", "Power fail/restart"), 31: ("SIGSYS", "Bad system call"),
}
SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGKILL, SIGSEGV = 4, 5, 6, 8, 9, 11
#: Each signal's number by its name ("SIGSEGV" -> 11).
SIGNAL_NUMBERS: dict[str, int] = {name: n for n, (name, _) in SIGNALS.items()}


def signal_name(number: int) -> str:
    entry = SIGNALS.get(number)
    return entry[0] if entry else f"signal {number}"


def signal_text(number: int) -> str:
    """gdb's description, as in ``Program received signal SIGSEGV, Segmentation fault.``"""
    entry = SIGNALS.get(number)
    return entry[1] if entry else "Killed"
