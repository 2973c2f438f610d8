"""exec's initial stack, byte for byte against the real kernel (compat layout, ASLR off)."""
from __future__ import annotations

from pathlib import Path

import struct

from native import build, run_native, run_sim
from vmdebug.machine.layout import (AT_HWCAP, AT_HWCAP2, AT_MINSIGSTKSZ, LAYOUTS, RANDOM_BYTES,
                                    build_initial_stack)

# Values the kernel takes from the CPU it runs on (cpuid feature bits, the xsave
# area size behind AT_MINSIGSTKSZ): vmdebug fixes them so that sessions are the
# same on every machine, so only their presence and position are compared.
CPU_DEPENDENT = (AT_HWCAP, AT_HWCAP2, AT_MINSIGSTKSZ)

DUMP = """.intel_syntax noprefix
.globl _start
.text
_start:
  mov ecx, esp
  mov edx, 0xffffe000
  sub edx, esp
  mov eax, 4
  mov ebx, 1
  int 0x80
  mov eax, 1
  xor ebx, ebx
  int 0x80
.section .note.GNU-stack,"",@progbits
"""


def test_initial_stack_matches_create_elf_tables(tmp_path: Path) -> None:
    exe = build(tmp_path, DUMP)
    args = ["one", "two words", ""]
    native = run_native(exe, args)
    sim, proc = run_sim(exe, args)
    assert len(native.stdout) == len(sim.stdout)
    # AT_RANDOM's 16 bytes are random on the real kernel and fixed in vmdebug.
    at = sim.stdout.index(RANDOM_BYTES)
    a = _mask_cpu_values(native.stdout[:at]) + native.stdout[at + 16:]
    b = _mask_cpu_values(sim.stdout[:at]) + sim.stdout[at + 16:]
    assert a == b


def _mask_cpu_values(stack: bytes) -> bytes:
    """The stack with the values of CPU_DEPENDENT auxv entries zeroed (argc, argv, envp, then auxv)."""
    words = list(struct.unpack_from(f"<{len(stack) // 4}I", stack))
    k = 1 + words[0] + 1
    while words[k]:
        k += 1
    k += 1
    while k + 1 < len(words) and words[k]:
        if words[k] in CPU_DEPENDENT:
            words[k + 1] = 0
        k += 2
    return struct.pack(f"<{len(words)}I", *words) + stack[4 * len(words):]


def test_i386_layout_puts_the_stack_under_0xc0000000() -> None:
    s = build_initial_stack(LAYOUTS["i386"], [b"prog"], [b"A=1"], b"prog", 0x08049000, 0x08048034, 3)
    assert s.esp % 16 == 0
    assert 0xBFFFF000 <= s.esp < 0xC0000000
    assert s.data.endswith(b"prog\0" + b"\0" * 4)   # execfn, then one kernel word of zeros at the top
    assert LAYOUTS["i386"].mmap_base == 0xB8000000
