"""``explain``: why the process died or where it stands, in the course's terms.

The rules (Linux, i386): every address a program touches must lie in a
mapping (VMA) whose permissions allow the access; otherwise the page fault
handler (arch/x86/mm/fault.c) sends SIGSEGV with SEGV_MAPERR (no mapping) or
SEGV_ACCERR (mapping without the permission).  The segfault event carries the
kernel's own reason; here we add the region, the rule and the source line.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from events.record import Record
from vmdebug.machine.layout import KERNEL_HALF
from vmdebug.replay.diagnosis import Diagnosis, diagnose
from vmdebug.replay.query import fatal_at, smashed_return
from vmdebug.signals import signal_name

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

RULES = {
    "read": "reading needs a mapping with r permission",
    "write": "writing needs a mapping with w permission",
    "exec": "executing needs a mapping with x permission (NX: data and the stack are not executable)",
}


class Facts(Record):
    def __init__(self, step: int, last: int, diagnosis: Diagnosis, fault_where: str, here: str) -> None:
        self.step = step
        self.last = last
        self.diagnosis = diagnosis
        self.fault_where = fault_where
        self.here = here


def explain_text(f: Facts) -> list[str]:
    out: list[str] = []
    d = f.diagnosis
    how = d.end.how
    if d.fatal is not None:
        addr, access = d.fatal.address, d.fatal.access
        if d.segv:
            out.append(f"The process was killed by SIGSEGV ({d.fatal.si_code}) at step {f.last}.")
            out.append(f"  instruction: {f.fault_where}")
            out.append(f"  it tried to {access} {addr:#010x}: {d.fatal.reason}")
            if d.mapping is None and d.region == KERNEL_HALF:
                out.append(f"  region hit: the kernel half - {addr:#010x} is above the top of user space")
                out.append("  rule broken: the kernel's pages are in every page directory, present but "
                           "supervisor-only (U/S=0), so a user-mode access faults; for any address above the "
                           "top of user space the kernel sends SIGSEGV with SEGV_MAPERR, as if nothing were "
                           "there (arch/x86/mm/fault.c, __bad_area_nosemaphore)")
            elif d.mapping is None:
                out.append(f"  region hit: none - {addr:#010x} is not inside any mapping")
                out.append("  rule broken: every address a program uses must be inside a mapping (VMA); "
                           "the page walk found no page and the kernel found no VMA, so the page fault "
                           "became SIGSEGV with SEGV_MAPERR")
                if addr < 0x10000:
                    out.append("  this is the NULL page: a pointer that is NULL (or NULL plus a small field "
                               "offset) was dereferenced")
            else:
                s, e, perms, name = d.mapping
                out.append(f"  region hit: {name or 'anonymous mapping'} [{s:#010x}-{e:#010x} {perms}]")
                out.append(f"  rule broken: {RULES[access]}; this mapping is {perms}, so the fault "
                           f"became SIGSEGV with SEGV_ACCERR")
            if d.nearby:      # the mappings matter to a bad address only
                out.append("  nearby mappings:")
                out.extend(f"    {s:#010x}-{e:#010x} {p} {n or '(anonymous)'}   ({where})"
                           for (s, e, p, n), where in d.nearby)
        else:
            out.append(f"The process was killed by {signal_name(d.fatal.signal)} at step {f.last}.")
            out.append(f"  instruction: {f.fault_where}")
            out.append(f"  cause: {d.fatal.reason}")
        out.extend(f"  note: {n}" for n in d.notes())
        if f.step != f.last:
            out.append(f"(the cursor is at step {f.step}; the fault is at step {f.last}: "
                       f"`record goto end` or `continue` to get there)")
        return out
    if how == "exited":
        out.append(f"The process exits normally with status {d.end.status} at step {f.last} (exit system call).")
    elif how == "killed":
        out.append(f"The process was killed by {signal_name(d.end.signal)} at step {f.last}.")
        if d.end.reason:
            out.append(f"  cause: {d.end.reason}")
    elif how in ("running",):
        out.append(f"The process has not ended yet: {f.last} steps recorded so far.")
    else:
        out.append(f"The recording ends at step {f.last} ({how}).")
    out.append(f"The cursor is at step {f.step} of {f.last}: {f.here}.")
    return out


def _end_diagnosis(dbg: "Debugger") -> Diagnosis:
    """The run's diagnosis, from the state at its last step and the log."""
    tl = dbg.tl
    fault = fatal_at(tl.log, tl.last) if tl.ended else None
    if fault is None:
        return diagnose(tl.state, tl.end(), None, tl.last, None)
    st = tl.state if tl.cursor == tl.last else tl.history.state_at(tl.last)
    return diagnose(st, tl.end(), fault, tl.last, smashed_return(tl.log))


def end_notes(dbg: "Debugger") -> list[str]:
    """The notes of the run's diagnosis (a smashed return, abort's caller...), as ``run`` prints them."""
    d = _end_diagnosis(dbg)
    return d.notes() if d.fatal is not None else []


def explain_lines(dbg: "Debugger") -> list[str]:
    tl = dbg.tl
    d = _end_diagnosis(dbg)
    fault = d.fatal
    fault_where = ""
    if fault is not None:
        eip = fault.eip
        loc = dbg.info.line_for(eip)
        fault_where = f"{eip:#010x} {dbg.label(eip)}".rstrip()
        try:
            from vmdebug.debugger.commands.data import insn_text
            fault_where += f"  {insn_text(dbg, eip)[0]}"
        except Exception:
            pass
        if loc is not None:
            text = dbg.info.source_text(loc[0]) or []
            body = text[loc[1] - 1].strip() if 0 < loc[1] <= len(text) else ""
            fault_where += f"  ({dbg.info.short_file(loc[0])}:{loc[1]}: {body})"
    frame = dbg.frames()[0]
    here = dbg.frame_line(frame)
    from vmdebug.replay.query import process_notes
    notes = process_notes(tl.log, tl.cursor, tl.state.pid) if tl.cursor > 0 else []
    return explain_text(Facts(tl.cursor, tl.last, d, fault_where, here)) + [f"At this step: {n}." for n in notes]
