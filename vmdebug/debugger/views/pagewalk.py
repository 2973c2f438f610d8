"""The two-level i386 page walk for one virtual address, read from the page
directory and page tables in (simulated) physical memory.

Intel SDM Vol. 3A, 4.3 "32-bit paging": CR3 holds the page directory's
frame; bits 31-22 of the address index the directory (PDE), bits 21-12 the
page table (PTE), bits 11-0 are the offset in the 4 KiB frame.  Bit 0 (P) of
each entry says whether the walk can continue; R/W (bit 1), U/S (bit 2),
A (bit 5) and D (bit 6) are shown too (Table 4-5, 4-6).
"""
from __future__ import annotations

from events.state import ProcessState

BITS = ((0, "P"), (1, "RW"), (2, "US"), (5, "A"), (6, "D"))
PDE_PS = 0x80


def _bits(v: int) -> str:
    return " ".join(f"{n}={v >> b & 1}" for b, n in BITS)


def pagewalk(state: ProcessState, addr: int, vma: tuple[int, int, str, str] | None) -> list[str]:
    addr &= 0xFFFFFFFF
    di, ti, off = addr >> 22, (addr >> 12) & 0x3FF, addr & 0xFFF
    cr3 = state.regs[10]
    out = [f"virtual address {addr:#010x}",
           f"  directory index {di} (bits 31-22 = {di:#x}), table index {ti} (bits 21-12 = {ti:#x}), "
           f"offset {off:#05x} (bits 11-0)",
           f"  CR3 = {cr3 << 12:#010x}: page directory in frame {cr3:#x}"]
    pde_addr = (cr3 << 12) + di * 4
    pde = state.pde(di)
    out.append(f"  PDE[{di}] at physical {pde_addr:#010x} = {pde:#010x}  {_bits(pde)}")
    where = (f"  mapping: {vma[0]:#010x}-{vma[1]:#010x} {vma[2]} {vma[3]}".rstrip() if vma
             else "  mapping: none - no VMA covers this address")
    if not pde & 1:
        out.append(f"  walk stops: the PDE is not present (no page table for "
                   f"{di << 22:#010x}-{((di + 1) << 22) - 1:#010x})")
        out.append(where)
        out.append("  an access here raises a page fault (#PF): " +
                   ("the kernel maps the page on demand (it is inside a mapping)" if vma else
                    "no mapping, so the kernel sends SIGSEGV (SEGV_MAPERR)"))
        return out
    if pde & PDE_PS:
        # Intel SDM Vol. 3A, 4.3: a PDE with PS=1 (and CR4.PSE) maps a 4 MiB page itself.
        phys = (pde & 0xFFC00000) | (addr & 0x3FFFFF)
        out.append(f"    PS=1: the PDE maps a 4 MiB page at physical {pde & 0xFFC00000:#010x} (no page table)")
        out.append(f"  physical address {phys:#010x} = {pde & 0xFFC00000:#010x} + offset {addr & 0x3FFFFF:#x} "
                   f"(bits 21-0)")
        if not pde & 4:
            out.append("  user access: none - the entry is supervisor-only (US=0): this is the kernel half, the "
                       "same in every process; a user access faults and the kernel sends SIGSEGV (SEGV_MAPERR, "
                       "arch/x86/mm/fault.c)")
        out.append(where)
        return out
    table = pde >> 12
    pte_addr = (table << 12) + ti * 4
    pte = state.pte(table, ti)
    out.append(f"    -> page table in frame {table:#x}")
    out.append(f"  PTE[{ti}] at physical {pte_addr:#010x} = {pte:#010x}  {_bits(pte)}")
    if not pte & 1:
        out.append("  walk stops: the PTE is not present (page not mapped yet)")
        out.append(where)
        out.append("  an access here raises a page fault (#PF): " +
                   ("demand paging maps it on first touch (it is inside a mapping)" if vma else
                    "no mapping, so the kernel sends SIGSEGV (SEGV_MAPERR)"))
        return out
    frame = pte >> 12
    phys = (frame << 12) | off
    out.append(f"    -> frame {frame:#x}")
    out.append(f"  physical address {phys:#010x} = frame {frame:#x} * 4096 + offset {off:#x}")
    rights = "read/write" if pte & 2 else "read-only (a write faults: SEGV_ACCERR)"
    out.append(f"  user access: {rights}; {'dirty' if pte & 0x40 else 'clean'}, "
               f"{'accessed' if pte & 0x20 else 'not accessed'}")
    out.append(where)
    return out
