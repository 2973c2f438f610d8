"""The one syscall table: i386 numbers (arch/x86/entry/syscalls/syscall_32.tbl).

``IMPLEMENTED`` maps a number to (name, number of arguments); the kernel looks
up its handler as ``sys_<name>``.  ``NAMES`` (from :mod:`.syscall_names`) names every
number, so the warning for an unimplemented call can name it.
"""
from __future__ import annotations

from vmdebug.machine.syscall_names import BY_NUMBER

IMPLEMENTED: dict[int, tuple[str, int]] = {
    1: ("exit", 1),
    3: ("read", 3),
    4: ("write", 3),
    45: ("brk", 1),
    90: ("mmap", 1),        # old_mmap: one pointer to a struct mmap_arg_struct
    91: ("munmap", 2),
    125: ("mprotect", 3),
    192: ("mmap2", 6),
    252: ("exit_group", 1),
    20: ("getpid", 0),
    224: ("gettid", 0),
    37: ("kill", 2),
    270: ("tgkill", 3),
    2: ("fork", 0),
    190: ("vfork", 0),
    7: ("waitpid", 3),
    114: ("wait4", 4),
    64: ("getppid", 0),
    42: ("pipe", 1),
    331: ("pipe2", 2),
    6: ("close", 1),
    41: ("dup", 1),
    63: ("dup2", 2),
    13: ("time", 1),
    78: ("gettimeofday", 2),
    265: ("clock_gettime", 2),
    403: ("clock_gettime64", 2),
    162: ("nanosleep", 2),
    5: ("open", 3),
    295: ("openat", 4),
    8: ("creat", 2),
    10: ("unlink", 1),
    19: ("lseek", 3),
    140: ("_llseek", 5),
    174: ("rt_sigaction", 4),
    175: ("rt_sigprocmask", 4),
    119: ("sigreturn", 0),
    173: ("rt_sigreturn", 0),
}

#: Every i386 number's name (the kernel's syscall_32.tbl, as gdb's catch syscall knows it).
NAMES: dict[int, str] = BY_NUMBER

# errno values (include/uapi/asm-generic/errno-base.h, errno.h)
EPERM, ENOENT, ESRCH, EBADF, ECHILD, ENOMEM, EFAULT, EINVAL, EPIPE, ENOSYS = 1, 2, 3, 9, 10, 12, 14, 22, 32, 38

# Signals whose default action is not to end the process (kernel/signal.c, sig_kernel_ignore
# and sig_kernel_stop): SIGCHLD SIGCONT SIGURG SIGWINCH are ignored; the stop signals are not
# simulated.
IGNORED_BY_DEFAULT = frozenset({17, 18, 23, 28})
STOPPING = frozenset({19, 20, 21, 22})

# mmap constants (include/uapi/asm-generic/mman-common.h, arch x86 same)
PROT_READ, PROT_WRITE, PROT_EXEC = 1, 2, 4
MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS = 0x01, 0x02, 0x10, 0x20
MAP_GROWSDOWN, MAP_NORESERVE, MAP_FIXED_NOREPLACE = 0x100, 0x4000, 0x100000


def name_of(number: int) -> str:
    return NAMES.get(number, f"syscall_{number}")
