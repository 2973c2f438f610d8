"""Words for how a run ended: the diagnosis printed after a fatal signal."""
from __future__ import annotations

from typing import TYPE_CHECKING

from events.end import RunEnd
from vmdebug.signals import signal_name

if TYPE_CHECKING:
    from vmdebug.machine.process import Process


def where(proc: "Process", eip: int) -> str:
    sym = proc.symbol_for(eip)
    return f"{eip:#010x} <{sym}>" if sym else f"{eip:#010x}"


def diagnosis(proc: "Process") -> str:
    """One short paragraph: signal, eip with symbol+offset, address, the cause, the mapping hit."""
    fault = getattr(proc, "fault", None)
    if fault is None:
        return "vmdebug: the program was killed"
    eip = proc.state.regs[8]
    lines = [f"vmdebug: program received {signal_name(fault.signal)} ({fault.code}) at step {proc.steps}",
             f"  eip:     {where(proc, eip)}"]
    if fault.signal == 11 and fault.code.startswith("SEGV"):
        lines.append(f"  address: {fault.address:#010x} ({('read', 'write', 'exec')[fault.access]})")
        vma = proc.kernel.vma_at(fault.address)
        if vma is not None:
            lines.append(f"  mapping: {vma.start:08x}-{vma.end:08x} {vma.maps_perms()} {vma.name}".rstrip())
        else:
            lines.append(f"  mapping: none ({proc.kernel.region_name(fault.address)})")
    lines.append(f"  cause:   {fault.reason}")
    if proc.smashed is not None:
        lines.append(f"  note:    {smash_note(*proc.smashed)}")
    return "\n".join(lines)


def smash_note(function: str, expected: int, actual: int, slot: int) -> str:
    """A ``ret`` that went elsewhere than its ``call`` said: the words both ``run`` (from the
    live shadow stack) and ``explain`` (from the recorded frame events) use."""
    return (f"{function} returned to {actual:#010x}, but its caller pushed {expected:#010x}: "
            f"the return address at {slot:#010x} was overwritten (stack buffer overflow?)")


def end_of_run(proc: "Process", how: str, max_steps: int) -> RunEnd:
    if how == "limit":
        return RunEnd("limit", reason=f"--max-steps {max_steps}")
    if how == "interrupted":
        return RunEnd("interrupted")
    status, signal = proc.state.exited or (0, 0)
    if signal:
        fault = getattr(proc, "fault", None)
        return RunEnd("killed", status, signal, fault.reason if fault else "")
    return RunEnd("exited", status)
