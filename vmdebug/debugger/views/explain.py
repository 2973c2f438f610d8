"""``explain``: why the process died or where it stands, in the course's terms.

The rules (Linux, i386): every address a program touches must lie in a
mapping (VMA) whose permissions allow the access; otherwise the page fault
handler (arch/x86/mm/fault.c) sends SIGSEGV with SEGV_MAPERR (no mapping) or
SEGV_ACCERR (mapping without the permission).  The segfault event carries the
kernel's own reason; here we add the region, the rule and the source line.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from events.end import RunEnd
from vmdebug.replay.query import Fatal, fatal_at, smashed_return
from vmdebug.report import smash_note
from vmdebug.signals import signal_name

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

RULES = {
    "read": "reading needs a mapping with r permission",
    "write": "writing needs a mapping with w permission",
    "exec": "executing needs a mapping with x permission (NX: data and the stack are not executable)",
}


@dataclass
class Facts:
    step: int
    last: int
    end: RunEnd
    fault: Fatal | None
    region: tuple[int, int, str, str] | None
    fault_where: str
    here: str
    near_vmas: list[str]
    smashed: tuple[str, int, int, int] | None = None


def explain_text(f: Facts) -> list[str]:
    out: list[str] = []
    how = f.end.how
    if f.fault is not None:
        addr, access = f.fault.address, f.fault.access
        segv = f.fault.signal == 11 and f.fault.si_code.startswith("SEGV_")
        if segv:
            out.append(f"The process was killed by SIGSEGV ({f.fault.si_code}) at step {f.last}.")
            out.append(f"  instruction: {f.fault_where}")
            out.append(f"  it tried to {access} {addr:#010x}: {f.fault.reason}")
            if f.region is None:
                out.append(f"  region hit: none - {addr:#010x} is not inside any mapping")
                out.append("  rule broken: every address a program uses must be inside a mapping (VMA); "
                           "the page walk found no page and the kernel found no VMA, so the page fault "
                           "became SIGSEGV with SEGV_MAPERR")
                if addr < 0x10000:
                    out.append("  this is the NULL page: a pointer that is NULL (or NULL plus a small field "
                               "offset) was dereferenced")
            else:
                s, e, perms, name = f.region
                out.append(f"  region hit: {name or 'anonymous mapping'} [{s:#010x}-{e:#010x} {perms}]")
                out.append(f"  rule broken: {RULES[access]}; this mapping is {perms}, so the fault "
                           f"became SIGSEGV with SEGV_ACCERR")
        else:
            out.append(f"The process was killed by {signal_name(f.fault.signal)} at step {f.last}.")
            out.append(f"  instruction: {f.fault_where}")
            out.append(f"  cause: {f.fault.reason}")
        if f.near_vmas and segv:      # the mappings matter to a bad address only
            out.append("  nearby mappings:")
            out.extend(f"    {line}" for line in f.near_vmas)
        if f.smashed is not None:
            out.append(f"  note: {smash_note(*f.smashed)}")
        if f.step != f.last:
            out.append(f"(the cursor is at step {f.step}; the fault is at step {f.last}: "
                       f"`record goto end` or `continue` to get there)")
        return out
    if how == "exited":
        st = f.end.status
        out.append(f"The process exits normally with status {st} at step {f.last} (exit system call).")
    elif how == "killed":
        out.append(f"The process was killed by {signal_name(f.end.signal)} at step {f.last}.")
        if f.end.reason:
            out.append(f"  cause: {f.end.reason}")
    elif how in ("running",):
        out.append(f"The process has not ended yet: {f.last} steps recorded so far.")
    else:
        out.append(f"The recording ends at step {f.last} ({how}).")
    out.append(f"The cursor is at step {f.step} of {f.last}: {f.here}.")
    return out


def explain_lines(dbg: "Debugger") -> list[str]:
    tl = dbg.tl
    fault = fatal_at(tl.log, tl.last) if tl.ended else None
    last_state = tl.state if tl.cursor == tl.last else None
    end = tl.end()
    region = None
    near: list[str] = []
    fault_where = ""
    if fault is not None:
        st = last_state or tl.history.state_at(tl.last)
        addr = fault.address
        vmas = sorted((s, e, p, n) for s, (e, p, n) in st.vmas.items())
        for s, e, p, n in vmas:
            if s <= addr < e:
                region = (s, e, p, n)
        below = [v for v in vmas if v[1] <= addr][-1:]
        above = [v for v in vmas if v[0] > addr][:1]
        for s, e, p, n in below + above:
            dist = addr - e if e <= addr else s - addr
            rel = "below" if e <= addr else "above"
            where = f"{dist:#x} bytes {rel} the address" if dist else f"ends right {rel} the address"
            if dist == 0 and rel == "above":
                where = "starts right above the address"
            near.append(f"{s:#010x}-{e:#010x} {p} {n or '(anonymous)'}   ({where})")
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
    smashed = smashed_return(tl.log) if fault is not None else None
    return explain_text(Facts(tl.cursor, tl.last, end, fault, region, fault_where, here, near, smashed))
