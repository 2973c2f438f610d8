"""What one step changed, from that step's events (the log says it exactly)."""
from __future__ import annotations

from typing import Any, Callable

from events import codes as C


def _hex(data: bytes) -> str:
    return " ".join(f"{b:02x}" for b in data)


def diff_view(step: int, rows: list[tuple[int, int, int, int, int]], extras: list[Any],
              insn: str, label: Callable[[int], str]) -> list[str]:
    if step == 0:
        head = "step 0: exec (the initial mappings, stack and registers)"
    else:
        head = f"step {step}: {insn}"
    out = [head]
    if not rows:
        out.append("  (nothing changed)")
    for code, a, b, c, d in rows:
        if code == C.REG:
            name = C.REG_NAMES[a]
            out.append(f"  {name:<8} {b:#010x} -> {c:#010x}")
        elif code in C.MEM_SIZE_BY_CODE:
            n = C.MEM_SIZE_BY_CODE[code]
            out.append(f"  mem      {a:#010x} [{n}]  {_hex(b.to_bytes(n, 'little'))} -> {_hex(c.to_bytes(n, 'little'))}")
        elif code == C.MEMN:
            old, new = extras[d]
            shown = 16
            more = "..." if len(new) > shown else ""
            out.append(f"  mem      {a:#010x} [{len(new)}]  {_hex(old[:shown])}{more} -> {_hex(new[:shown])}{more}")
        elif code == C.PAGE_MAPPED:
            out.append(f"  page     {a:#010x} mapped to frame {b:#x} ({C.perms_str(c)})"
                       + (f", new page table in frame {d:#x}" if d else ""))
        elif code == C.PAGE_UNMAPPED:
            out.append(f"  page     {a:#010x} unmapped (frame {b:#x} freed)")
        elif code == C.PAGE_PROTECTED:
            out.append(f"  page     {a:#010x} protection {C.perms_str(d)} -> {C.perms_str(c)}")
        elif code == C.PAGE_DIRTIED:
            out.append(f"  page     {a:#010x} dirtied (PTE D bit set)")
        elif code == C.FRAME_PUSHED:
            out.append(f"  call     {extras[d]} from {c:#010x}, return address {b:#010x} stored at {a:#010x}")
        elif code == C.FRAME_POPPED:
            out.append(f"  return   from {extras[d]} to {b:#010x}")
        elif code == C.BREAK_MOVED:
            out.append(f"  brk      {a:#010x} -> {b:#010x}")
        elif code == C.SYSCALL:
            name, args = extras[d]
            out.append(f"  syscall  {name}({', '.join(hex(x) for x in args)}) = {C.signed32(b)}")
        elif code == C.OUTPUT:
            out.append(f"  output   fd {a}: {bytes(extras[d])[:60]!r}")
        elif code == C.SEGFAULT:
            out.append(f"  SIGSEGV  at eip {a:#010x}, address {b:#010x}: {extras[d]}")
        elif code == C.FAULT:
            out.append(f"  signal {c >> 4} at eip {a:#010x}: {extras[d][1]}")
        elif code == C.EXITED:
            out.append(f"  exited   status {C.signed32(a)}" + (f", signal {b}" if b else ""))
        elif code in (C.VMA_MAPPED, C.VMA_UNMAPPED):
            verb = "mapped" if code == C.VMA_MAPPED else "unmapped"
            out.append(f"  vma      {a:#010x}-{b + 1:#010x} {C.perms_str(c, True)} {extras[d]} {verb}".rstrip())
    return out
