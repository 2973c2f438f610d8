"""The segment registers of the simulated process: the selectors Linux gives a user process, fixed.

Why fixed.  In protected mode a segment register holds a selector naming a
descriptor; the descriptor's base is added to every effective address (Intel
SDM Vol. 3A 3.4, "Logical and Linear Addresses").  Linux gives a 32-bit user
process flat segments: cs, ds, es and ss name descriptors of base 0 and limit
4 GiB, and fs and gs start as the null selector 0 (arch/x86/kernel/process_32.c
and the compat start_thread).  vmdebug models neither the GDT nor the LDT nor
``set_thread_area``'s TLS descriptors, so every effective address is its
offset (``vmdebug.machine.operands.effective_address``), and a segment
override prefix changes no address.  It can still fault: ``access_fault`` below.

What a process can still observe is the selector values themselves (``mov eax,
ds``, ``push ds``).  They are read here from the layout: ``compat`` (a 32-bit
process under an x86-64 kernel, as on this machine: __USER32_CS 0x23,
__USER_DS 0x2b) or ``i386`` (a 32-bit kernel: __USER_CS 0x73, __USER_DS 0x7b),
the values the signal frames carry too (``vmdebug.machine.sigframes``).

A segment register *write* (``mov es, eax``, ``pop ds``; SDM MOV and POP) of the
selector the register already holds changes nothing, on the real CPU as here,
and is executed.  Any other selector would change what later reads see (the
real CPU loads 0, 0x23, 0x2b into ds/es/fs/gs and faults on an absent
descriptor), and since vmdebug keeps no segment state it stops the process
with SIGILL saying the load is not simulated, rather than giving a wrong
answer silently.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from vmdebug.isa.operands import Mem
from vmdebug.machine.faults import EXEC, CpuFault
from vmdebug.signals import SIGILL, SIGSEGV

if TYPE_CHECKING:
    from vmdebug.isa.decoder import Instruction
    from vmdebug.machine.process import Process

#: The selectors at exec, per layout (arch/x86/include/asm/segment.h).
USER_SELECTORS: dict[str, dict[str, int]] = {
    "compat": {"es": 0x2B, "cs": 0x23, "ss": 0x2B, "ds": 0x2B, "fs": 0, "gs": 0},
    "i386": {"es": 0x7B, "cs": 0x73, "ss": 0x7B, "ds": 0x7B, "fs": 0, "gs": 0},
}


def selector(proc: "Process", name: str) -> int:
    """The selector in segment register ``name`` (es cs ss ds fs gs)."""
    return USER_SELECTORS[proc.layout.name][name]


def check_load(proc: "Process", name: str, value: int, eip: int) -> None:
    """A write of ``value`` (its low 16 bits: SDM MOV/POP move a 16-bit selector) into ``name``:
    nothing to do when it is the selector already there, else a fault naming what is not simulated."""
    value &= 0xFFFF
    held = selector(proc, name)
    if value != held:
        raise CpuFault(SIGILL, "ILL_ILLOPN", eip, EXEC,
                       f"loading {name} with selector {value:#x} is not simulated (vmdebug keeps the flat user "
                       f"selectors; {name} holds {held:#x})")


def access_fault(proc: "Process", insn: "Instruction") -> CpuFault | None:
    """The #GP an instruction's memory operand raises through its segment, or None.

    Flat as the segments are, two accesses fault on the real CPU (and do here):

    * any access through a segment register holding the null selector - fs and gs
      at exec, and for good, since ``set_thread_area`` is not simulated (SDM Vol. 3A
      3.4.2 and 5.4.1 "Null Segment Selector Checking": a memory reference through a
      null selector is #GP);
    * a write through cs, a code segment, which is never writable (SDM Vol. 3A 5.4
      "Type Checking": "writing into a code segment" is #GP).

    An operand the table marks as not accessed (``lea``'s address, the multi-byte
    ``nop``'s) faults through nothing.  Linux delivers #GP in user mode as SIGSEGV with
    si_code SI_KERNEL and si_addr 0 (arch/x86/kernel/traps.c exc_general_protection).
    """
    mem = insn.entry.mem
    for k, op in enumerate(insn.operands):
        if not isinstance(op, Mem) or op.seg is None:
            continue
        access = mem.operand(k)
        if access == "-":
            continue
        if selector(proc, op.seg) == 0:
            reason = (f"general protection fault: {op.seg} holds the null selector (no TLS descriptor: "
                      f"set_thread_area is not simulated)")
        elif op.seg == "cs" and "w" in access:
            reason = "general protection fault: a write through cs (a code segment is not writable)"
        else:
            continue
        return CpuFault(SIGSEGV, "SI_KERNEL", 0, EXEC, reason)
    return None
