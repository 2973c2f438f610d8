"""``info auxv``: the auxiliary vector exec left above argv and envp, as gdb prints it.

The vector is read back from the initial stack (fs/binfmt_elf.c
create_elf_tables: argc, argv[], NULL, envp[], NULL, then (type, value) pairs
up to AT_NULL) in the state at step 0.  The names, descriptions and formats
are gdb 13's (gdb/auxv.c default_print_auxv_entry, fprint_auxv_entry).
"""
from __future__ import annotations

from typing import Callable

DEC, HEX, STR = "dec", "hex", "str"
#: type -> (name, description, format), for the types gdb 13 knows that Linux i386 gives.
TAGS = {
    0: ("AT_NULL", "End of vector", HEX), 1: ("AT_IGNORE", "Entry should be ignored", HEX),
    2: ("AT_EXECFD", "File descriptor of program", DEC), 3: ("AT_PHDR", "Program headers for program", HEX),
    4: ("AT_PHENT", "Size of program header entry", DEC), 5: ("AT_PHNUM", "Number of program headers", DEC),
    6: ("AT_PAGESZ", "System page size", DEC), 7: ("AT_BASE", "Base address of interpreter", HEX),
    8: ("AT_FLAGS", "Flags", HEX), 9: ("AT_ENTRY", "Entry point of program", HEX),
    10: ("AT_NOTELF", "Program is not ELF", DEC), 11: ("AT_UID", "Real user ID", DEC),
    12: ("AT_EUID", "Effective user ID", DEC), 13: ("AT_GID", "Real group ID", DEC),
    14: ("AT_EGID", "Effective group ID", DEC), 15: ("AT_PLATFORM", "String identifying platform", STR),
    16: ("AT_HWCAP", "Machine-dependent CPU capability hints", HEX), 17: ("AT_CLKTCK", "Frequency of times()", DEC),
    18: ("AT_FPUCW", "Used FPU control word", DEC), 23: ("AT_SECURE", "Boolean, was exec setuid-like?", DEC),
    24: ("AT_BASE_PLATFORM", "String identifying base platform", STR),
    25: ("AT_RANDOM", "Address of 16 random bytes", HEX), 26: ("AT_HWCAP2", "Extension of AT_HWCAP", HEX),
    31: ("AT_EXECFN", "File name of executable", STR), 32: ("AT_SYSINFO", "Special system info/entry points", HEX),
    33: ("AT_SYSINFO_EHDR", "System-supplied DSO's ELF header", HEX),
    51: ("AT_MINSIGSTKSZ", "Minimum stack size for signal delivery", HEX),
}
MAX_ENTRIES = 4096      # a stack that never reaches AT_NULL is not read forever


def read_auxv(read_u32: Callable[[int], int | None], esp: int) -> list[tuple[int, int]] | None:
    """The (type, value) pairs from the initial stack at ``esp``, AT_NULL included; None if
    the stack cannot be read as exec laid it out."""
    argc = read_u32(esp)
    if argc is None:
        return None
    p = esp + 4 * (argc + 2)                 # past argc, argv[] and its NULL
    for _ in range(MAX_ENTRIES):             # past envp[] and its NULL
        word = read_u32(p)
        p += 4
        if word is None:
            return None
        if word == 0:
            break
    out = []
    for _ in range(MAX_ENTRIES):
        t, v = read_u32(p), read_u32(p + 4)
        if t is None or v is None:
            return None
        out.append((t, v))
        p += 8
        if t == 0:
            return out
    return None


def auxv_bytes(pairs: list[tuple[int, int]]) -> bytes:
    """The vector as /proc/PID/auxv holds it (what a gdb client reads with qXfer:auxv:read)."""
    return b"".join(t.to_bytes(4, "little") + v.to_bytes(4, "little") for t, v in pairs)


def auxv_view(pairs: list[tuple[int, int]], c_string: Callable[[int], str]) -> list[str]:
    """gdb's lines; ``c_string(addr)`` is gdb's quoted string at an address."""
    out = []
    for t, v in pairs:
        name, description, fmt = TAGS.get(t, ("???", "", HEX))
        head = f"{t:<4} {name:<20} {description:<30} "
        if fmt == DEC:
            out.append(head + str(v))
        elif fmt == HEX:
            out.append(head + f"{v:#x}")
        else:
            out.append(head + f"{v:#x} {c_string(v)}")
    return out
