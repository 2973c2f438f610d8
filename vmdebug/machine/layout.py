"""Where things go in a 32-bit Linux address space, and the initial stack.

Two layouts, both with ASLR off (``setarch -R``):

* ``i386``: a 32-bit kernel with the 3G/1G split.  TASK_SIZE is 0xC0000000 and
  the stack top sits right there (arch/x86/include/asm/page_32_types.h).
* ``compat``: a 32-bit process under an x86-64 kernel, as on this machine.
  The stack top is IA32_PAGE_OFFSET = 0xFFFFE000
  (arch/x86/include/asm/processor.h).

mmap_base is top-down: TASK_SIZE - max(RLIMIT_STACK + stack guard gap, 128 MiB)
(arch/x86/mm/mmap.c ``mmap_base``), which is 0xB8000000 for i386 with an
8 MiB stack limit.
"""
from __future__ import annotations

from typing import Any

from events.record import Frozen
from events.lazy import np

PAGE = 4096
RLIMIT_STACK = 8 << 20
STACK_GUARD_GAP = 256 * PAGE        # mm/mmap.c stack_guard_gap
MIN_GAP = 128 << 20                  # arch/x86/mm/mmap.c
STACK_INITIAL_EXPAND = 128 << 10     # fs/exec.c setup_arg_pages: stack_expand = 131072


class Layout(Frozen):
    __slots__ = (
        "name",
        "task_size",
        "stack_top",
        "word",       # sizeof(void *) in the *kernel*: fs/exec.c leaves one at the top of the stack
        #: Special mappings placed at exec: (start, end, perms bits, name).  The compat layout
        #: reserves where this machine's x86-64 kernel (6.18) puts the 32-bit vvar and vDSO, so
        #: mmap returns the same addresses as natively.  vmdebug's vDSO pages are empty.
        "special",
        #: AT_SYSINFO (the vDSO's __kernel_vsyscall) and AT_SYSINFO_EHDR, when there is a vDSO.
        "sysinfo",
    )

    def __init__(self, name: str, task_size: int, stack_top: int, word: int,
                 special: tuple[tuple[int, int, int, str], ...] = (),
                 sysinfo: tuple[int, int] | None = None) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "task_size", task_size)
        object.__setattr__(self, "stack_top", stack_top)
        object.__setattr__(self, "word", word)
        object.__setattr__(self, "special", special)
        object.__setattr__(self, "sysinfo", sysinfo)

    @property
    def mmap_base(self) -> int:
        gap = max(RLIMIT_STACK + STACK_GUARD_GAP, MIN_GAP)
        return (self.task_size - gap) & ~(PAGE - 1)


LAYOUTS = {
    "i386": Layout("i386", 0xC0000000, 0xC0000000, 4),
    "compat": Layout("compat", 0xFFFFE000, 0xFFFFE000, 8,
                     special=((0xF7FF6000, 0xF7FFA000, 1, "[vvar]"), (0xF7FFA000, 0xF7FFC000, 1, "[vvar_vclock]"),
                              (0xF7FFC000, 0xF7FFE000, 5, "[vdso]")),
                     sysinfo=(0xF7FFC5E0, 0xF7FFC000)),
}

# Auxiliary vector types (include/uapi/linux/auxvec.h, arch/x86/include/uapi/asm/auxvec.h).
AT_NULL, AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE, AT_FLAGS, AT_ENTRY = 0, 3, 4, 5, 6, 7, 8, 9
AT_UID, AT_EUID, AT_GID, AT_EGID, AT_PLATFORM, AT_HWCAP, AT_CLKTCK = 11, 12, 13, 14, 15, 16, 17
AT_SECURE, AT_RANDOM, AT_HWCAP2, AT_RSEQ_FEATURE_SIZE, AT_RSEQ_ALIGN, AT_EXECFN = 23, 25, 26, 27, 28, 31
AT_MINSIGSTKSZ, AT_SYSINFO, AT_SYSINFO_EHDR = 51, 32, 33
AUX_NAMES = {
    AT_NULL: "AT_NULL", AT_PHDR: "AT_PHDR", AT_PHENT: "AT_PHENT", AT_PHNUM: "AT_PHNUM",
    AT_PAGESZ: "AT_PAGESZ", AT_BASE: "AT_BASE", AT_FLAGS: "AT_FLAGS", AT_ENTRY: "AT_ENTRY",
    AT_UID: "AT_UID", AT_EUID: "AT_EUID", AT_GID: "AT_GID", AT_EGID: "AT_EGID",
    AT_PLATFORM: "AT_PLATFORM", AT_HWCAP: "AT_HWCAP", AT_CLKTCK: "AT_CLKTCK", AT_SECURE: "AT_SECURE",
    AT_RANDOM: "AT_RANDOM", AT_HWCAP2: "AT_HWCAP2", AT_RSEQ_FEATURE_SIZE: "AT_RSEQ_FEATURE_SIZE",
    AT_RSEQ_ALIGN: "AT_RSEQ_ALIGN", AT_EXECFN: "AT_EXECFN", AT_MINSIGSTKSZ: "AT_MINSIGSTKSZ", AT_SYSINFO: "AT_SYSINFO",
    AT_SYSINFO_EHDR: "AT_SYSINFO_EHDR",
}
PLATFORM = b"i686\0"                 # ELF_PLATFORM for i386 and ia32 compat
# Deterministic stand-in for the 16 random bytes (the real kernel uses get_random_bytes).
RANDOM_BYTES = bytes(range(0xA0, 0xB0))
# Values read off this machine's kernel (`info auxv` in gdb) so the auxv looks real.
HWCAP, HWCAP2, MINSIGSTKSZ = 0x178BFBFF, 0x2, 0xD30


class InitialStack(Frozen):
    """The bytes exec writes at the top of the stack, and where things landed."""

    __slots__ = (
        "base",  # lowest address written (page-aligned start of the bytes below)
        "data",  # the contents of [base, layout.stack_top)
        "esp",   # points at argc
        "argv",
        "envp",
        "auxv",
    )

    def __init__(self, base: int, data: bytes, esp: int, argv: tuple[int, ...], envp: tuple[int, ...],
                 auxv: tuple[tuple[int, int], ...]) -> None:
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "esp", esp)
        object.__setattr__(self, "argv", argv)
        object.__setattr__(self, "envp", envp)
        object.__setattr__(self, "auxv", auxv)


def build_initial_stack(layout: Layout, argv: list[bytes], envp: list[bytes], execfn: bytes,
                        entry: int, phdr: int, phnum: int) -> InitialStack:
    """Lay out argc/argv/envp/auxv and their strings as Linux does.

    fs/exec.c: ``bprm->p = vma->vm_end - sizeof(void *)``, then the file name,
    the environment strings and the argument strings are copied downwards
    (``copy_strings`` copies the last string first).  fs/binfmt_elf.c
    ``create_elf_tables`` then aligns p to 16 (``arch_align_stack``), pushes the
    platform string and 16 random bytes, and places argc, argv[], NULL,
    envp[], NULL and the auxv so that esp is 16-byte aligned (``STACK_ROUND``).
    """
    top = layout.stack_top
    mem: dict[int, int] = {}

    def put(addr: int, data: bytes) -> None:
        for i, b in enumerate(data):
            mem[addr + i] = b

    p = top - layout.word
    put(p, b"\0" * layout.word)
    p -= len(execfn) + 1
    put(p, execfn + b"\0")
    u_execfn = p
    env_addrs: list[int] = []
    for s in reversed(envp):
        p -= len(s) + 1
        put(p, s + b"\0")
        env_addrs.append(p)
    env_addrs.reverse()
    arg_addrs: list[int] = []
    for s in reversed(argv):
        p -= len(s) + 1
        put(p, s + b"\0")
        arg_addrs.append(p)
    arg_addrs.reverse()
    p &= ~0xF
    p -= len(PLATFORM)
    put(p, PLATFORM)
    u_platform = p
    p -= len(RANDOM_BYTES)
    put(p, RANDOM_BYTES)
    u_random = p
    auxv = [(AT_SYSINFO, layout.sysinfo[0]), (AT_SYSINFO_EHDR, layout.sysinfo[1])] if layout.sysinfo else []
    auxv += [
        (AT_MINSIGSTKSZ, MINSIGSTKSZ), (AT_HWCAP, HWCAP), (AT_PAGESZ, PAGE), (AT_CLKTCK, 100),
        (AT_PHDR, phdr), (AT_PHENT, 32), (AT_PHNUM, phnum), (AT_BASE, 0), (AT_FLAGS, 0),
        (AT_ENTRY, entry), (AT_UID, 0), (AT_EUID, 0), (AT_GID, 0), (AT_EGID, 0), (AT_SECURE, 0),
        (AT_RANDOM, u_random), (AT_HWCAP2, HWCAP2), (AT_EXECFN, u_execfn), (AT_PLATFORM, u_platform),
        (AT_RSEQ_FEATURE_SIZE, 0x1C), (AT_RSEQ_ALIGN, 0x20), (AT_NULL, 0),
    ]
    sp = p - len(auxv) * 8
    items = (len(argv) + 1) + (len(envp) + 1) + 1
    sp = (sp - items * 4) & ~0xF
    words = [len(argv), *arg_addrs, 0, *env_addrs, 0]
    for t, v in auxv:
        words += [t, v]
    put(sp, b"".join(w.to_bytes(4, "little") for w in words))
    base = sp & ~(PAGE - 1)
    data = bytes(mem.get(a, 0) for a in range(base, top))
    return InitialStack(base, data, sp, tuple(arg_addrs), tuple(env_addrs), tuple(auxv))


# ---- naming addresses ------------------------------------------------------------
Area = tuple[int, int, str, str]  # start, end, perms (``rw-p``), name: a line of /proc/PID/maps


def areas(state: Any) -> list[Area]:
    """The VMAs of a (folded) process state, sorted: what /proc/PID/maps shows."""
    return sorted((start, end, perms, name) for start, (end, perms, name) in state.vmas.items())


KERNEL_HALF = "the kernel half, present but supervisor-only (U/S=0): a user access always faults"


def kernel_half(state: Any) -> tuple[int, int, int] | None:
    """The kernel half of a (folded) state's page directory: (start, end, end of the physical
    memory mapped) of the entries that map 4 MiB pages (present and PS), which only the
    kernel's direct map uses; None if there are none."""
    directory = state.entries(state.regs[10])          # CR3
    big = np.flatnonzero((directory & 0x81) == 0x81)
    if not len(big):
        return None
    first, last = int(big[0]), int(big[-1])
    return first << 22, (last + 1) << 22, (int(directory[last]) & ~0x3FFFFF) + (1 << 22)


def kernel_start(state: Any) -> int | None:
    """Where the kernel half begins (see :func:`kernel_half`), or None."""
    half = kernel_half(state)
    return None if half is None else half[0]


def region_name(vmas: list[Area], brk: int, addr: int, kernel: int | None = None) -> str:
    """Where an address is, in the course's terms: the words of the kernel's segfault
    reasons and of every diagnosis (live or replayed).  ``kernel`` is where the kernel half
    begins, if the address space has one (see :func:`kernel_start`).  The heap starts at start_brk,
    which is where its VMA starts (fs/binfmt_elf.c page-aligns it); the stack may grow
    down to RLIMIT_STACK, never into the guard gap (mm/mmap.c expand_downwards)."""
    for start, end, _perms, name in vmas:
        if start <= addr < end:
            return name or "an anonymous mapping"
    if addr < PAGE * 16:
        return "the NULL page (nothing is mapped near address 0)"
    if kernel is not None and addr >= kernel:
        return KERNEL_HALF
    heap = next((a for a in vmas if a[3] == "[heap]"), None)
    start_brk = heap[0] if heap is not None else brk
    top = (brk + PAGE - 1) & ~(PAGE - 1)
    if start_brk <= addr < start_brk + (64 << 20) and addr >= top:
        return (f"above the program break: the heap ends at {brk:#010x} "
                f"(mapped up to the page boundary {top:#010x})")
    stack = next((a for a in vmas if a[3] == "[stack]"), None)
    if stack is not None and stack[1] - RLIMIT_STACK - STACK_GUARD_GAP <= addr < stack[0]:
        return "the stack guard gap below the stack"
    return "unmapped memory"
