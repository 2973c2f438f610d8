"""Beyond gdb, because the whole history is known: history, last-write, explain,
vmmap, stack, heap, pagewalk, diff."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from events import codes as C
from vmdebug.debugger.registry import command
from events.state import FIRST_PID as PID
from vmdebug.replay.query import eip_entering, page_faults, writes
from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

MAX_HISTORY = 200


FOLLOWED = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags")


def _target(dbg: "Debugger", arg: str) -> tuple[str, int, int]:
    """("reg", id, 0) or ("mem", address, size) for history / last-write."""
    text = arg.strip()
    if not text:
        raise DebugError("Argument required (an address or a register).")
    name = text.lstrip("$")
    alias = {"pc": "eip", "sp": "esp", "fp": "ebp"}.get(name, name)
    if alias in C.REG_IDS and (text.startswith("$") or alias == text):
        return "reg", C.REG_IDS[alias], 0
    if re.fullmatch(r"\$[A-Za-z_]\w*", text):
        if dbg.context().read_reg(name) is not None:
            raise DebugError(f"The history of ${name} is not kept: history and last-write follow memory and "
                             f"the registers {', '.join('$' + r for r in FOLLOWED)}.")
        if name not in dbg.convenience:
            raise DebugError(f"Invalid register `{name}'")       # gdb's words for a register it does not know
    v = dbg.evaluate(text)
    kind = v.type.strip().kind
    if kind == "error":                   # a symbol without a type: its 4 bytes
        return "mem", v.address or 0, 4
    if v.lval == "memory" and v.address is not None and v.type.length > 0 and not v.bitsize and (
            text.startswith("*") or (kind in ("int", "enum", "struct", "union", "array", "float")
                                     and not text[0].isdigit())):
        return "mem", v.address, v.type.length  # an lvalue: *(char *)p, a typed variable, a member
    return "mem", dbg.eval_int(text), 4        # an address


def _eip_before(dbg: "Debugger", step: int) -> int | None:
    if step == 0:
        return None
    eip = eip_entering(dbg.tl.log, step)
    if eip is not None:
        return eip
    state = dbg.tl.state if step == dbg.tl.cursor else dbg.tl.history.state_at(step)
    return state.regs[C.EIP]  # eip did not change in this step (a fault, or a jump to itself)


def _where(dbg: "Debugger", eip: int | None) -> str:
    if eip is None:
        return "exec"
    func = dbg.info.function_at(eip)
    loc = dbg.info.line_for(eip)
    text = f"{eip:#010x} {dbg.label(eip)}".rstrip()
    if loc:
        text += f" {dbg.info.short_file(loc[0])}:{loc[1]}"
    elif func is None:
        text += " ??"
    return text


def _writes(dbg: "Debugger", kind: str, where: int, size: int, upto: int | None = None) -> list[tuple[int, str]]:
    """(step, old -> new text) for every write, oldest first, up to step ``upto``."""
    state = dbg.tl.state
    pid = state.pid if state.tasks else None     # the process being looked at
    shared = pid is not None and kind != "reg" and any(
        start <= where < end and perms.endswith("s") for start, (end, perms, _) in state.vmas.items())
    found = (writes(dbg.tl.log, reg=where, upto=upto, pid=pid) if kind == "reg"
             else writes(dbg.tl.log, lo=where, size=size, upto=upto, pid=pid, shared=shared))
    out: list[tuple[int, str]] = []
    last: tuple[int, int, int, int, int] | None = None    # (step, address, size, old, new) of the entry before
    for w in found:
        if (last is not None and w.what not in ("reg", "unmapped", "copied") and isinstance(w.old, int)
                and w.step == last[0] and w.address == last[1] + last[2] and last[2] + w.size <= 16):
            # One instruction's wide store (an 8-byte movsd, a 16-byte movups) is logged as
            # dword writes; shown as the one write it was.
            step, address, n0, old0, new0 = last
            n = n0 + w.size
            old, new = old0 | w.old << (8 * n0), new0 | int(w.new) << (8 * n0)
            out[-1] = (step, f"[{address:#010x}, {n} bytes] {old:#0{2 + 2 * n}x} -> {new:#0{2 + 2 * n}x}")
            last = (step, address, n, old, new)
            continue
        last = None
        if w.what == "reg":
            b, c = int(w.old), int(w.new)
            out.append((w.step, f"{b:#010x} -> {c:#010x}  ({C.signed32(b)} -> {C.signed32(c)})"))
        elif w.what == "unmapped":
            out.append((w.step, "page unmapped"))
        elif w.what == "copied":
            source = "the zero page, frame 0x0" if w.old == 0 else f"frame {w.old:#x}"
            out.append((w.step, f"copy-on-write: page {w.address:#010x} of pid {pid or PID} copied from "
                                f"{source} to frame {w.new:#x}"))
        elif isinstance(w.old, int):
            n = w.size
            out.append((w.step, f"[{w.address:#010x}, {n} byte{'s' if n > 1 else ''}] {w.old:#0{2 + 2 * n}x} -> "
                                f"{int(w.new):#0{2 + 2 * n}x}"))
            last = (w.step, w.address, n, w.old, int(w.new))
        else:
            note = "  (page loaded on first touch: demand paging)" if w.demand_paged else ""
            out.append((w.step, f"[{w.address:#010x}, {w.size} bytes] {w.old.hex(' ')} -> "
                                f"{bytes(w.new).hex(' ')}{note}"))
    return out


@command("history", category="beyond", example="$eax")
def cmd_history(dbg: "Debugger", arg: str) -> None:
    """Every write to an address or register in the whole run: step, eip, function, line, old -> new.

    Usage: history ADDRESS | $REG
    ADDRESS is an expression (4 bytes are watched; *(char *)p watches one).
    A '>' marks the write the cursor is at or just after."""
    kind, where, size = _target(dbg, arg)
    # "Every write": the whole run, not only what was recorded so far - up to a read from the
    # terminal, which waits until a command that runs the program gets there.
    dbg.tl.record_all(wait=False)
    writes = _writes(dbg, kind, where, size)
    name = C.REG_NAMES[where] if kind == "reg" else f"{where:#010x} ({size} byte{'s' if size != 1 else ''})"
    if not writes:
        dbg.write(f"No writes to {name} in steps 0..{dbg.tl.last}.")
        return
    dbg.write(f"{len(writes)} write{'s' if len(writes) != 1 else ''} to {name}:")
    cur = dbg.tl.cursor
    marked = max((s for s, _ in writes if s <= cur), default=None)
    shown = writes if len(writes) <= MAX_HISTORY else writes[:MAX_HISTORY // 2] + writes[-MAX_HISTORY // 2:]
    for k, (s, text) in enumerate(shown):
        if len(writes) > MAX_HISTORY and k == MAX_HISTORY // 2:
            dbg.write(f"  ... {len(writes) - MAX_HISTORY} more ...")
        mark = ">" if s == marked else " "
        dbg.write(f"{mark} step {s:<8} {_where(dbg, _eip_before(dbg, s)):<40} {text}")


@command("last-write", category="beyond", moves=True, example="$esp")
def cmd_last_write(dbg: "Debugger", arg: str) -> None:
    """Go back to the instruction that last wrote an address or register (before the cursor).

    Usage: last-write ADDRESS | $REG
    The cursor stops just before that instruction ran, like a watchpoint hit in reverse."""
    kind, where, size = _target(dbg, arg)
    writes = [w for w in _writes(dbg, kind, where, size, dbg.tl.cursor) if w[0] <= dbg.tl.cursor]
    name = C.REG_NAMES[where] if kind == "reg" else f"{where:#010x}"
    if not writes:
        raise DebugError(f"Nothing wrote {name} in steps 0..{dbg.tl.cursor}.")
    step, text = writes[-1]
    if step == 0:
        dbg.tl.goto(0)
        dbg.write(f"{name} was last written by exec (step 0): {text}")
    else:
        dbg.tl.goto(step - 1)
        dbg.write(f"{name} was last written at step {step}: {text}")
    dbg.frame_level = 0
    dbg.print_location(True)
    dbg.after_stop()


@command("explain", category="beyond")
def cmd_explain(dbg: "Debugger", arg: str) -> None:
    """Why the process died (or where it stands), in the course's terms: region hit, rule broken.

    Usage: explain"""
    from vmdebug.debugger.views.explain import explain_lines
    dbg.lines_out(explain_lines(dbg))


def map_context(dbg: "Debugger"):  # type: ignore[no-untyped-def]
    from vmdebug.debugger.views.vmmap import MapContext
    got = dbg.cache.map_context
    if got is None:
        s0 = dbg.tl.history.state_at(0)
        esp0 = s0.regs[C.ESP]
        argv0 = s0.read_u32(esp0 + 4)
        name = next((n for _, (e, p, n) in s0.vmas.items() if n and not n.startswith("[")), dbg.info.name)
        secs = [(r.name, r.start, r.end) for r in dbg.info.regions]
        layout = dbg.header.get("machine", {}).get("layout", "i386")
        got = MapContext(name, s0.brk, argv0, secs, 0xC0000000 if layout == "i386" else 0xFFFFE000)
        dbg.cache.map_context = got
    return got


@command("vmmap", category="beyond")
def cmd_vmmap(dbg: "Debugger", arg: str) -> None:
    """Draw the memory map: args/env, stack, gaps, mmap area, heap and break, bss, data, text.

    Usage: vmmap
    Live addresses at the cursor; esp, ebp, eip and brk are marked."""
    from vmdebug.debugger.views.vmmap import vmmap
    dbg.lines_out(vmmap(dbg.tl.state, map_context(dbg)))


def frame_slot_names(dbg: "Debugger", f: Any) -> tuple[dict[int, str], int]:
    """The 4-byte slots each variable of frame ``f`` in memory covers (address -> "name = value"),
    and how many argument words lie above its return address: the ``stack`` view's names,
    shared with the browser view (vmdebug.web)."""
    names: dict[int, str] = {}
    nargs = 0
    for is_arg, (name, v) in [*((True, a) for a in dbg.frame_args(f)), *((False, b) for b in
                                                                       dbg.frame_locals(f))]:
        if v.lval != "memory" or v.address is None or v.optimized_out:
            continue
        try:
            shown = dbg.show_value(v, "", top_level=False)
        except DebugError as exc:
            shown = f"<error: {exc}>"
        if len(shown) > 60:
            shown = shown[:57] + "..."
        size = max(v.type.length, 1)
        first = v.address & ~3
        for k, slot in enumerate(range(first, v.address + size, 4)):
            names.setdefault(slot, f"{name} = {shown}" if k == 0 else f"{name} (continued)")
        if is_arg and f.ret_slot is not None and v.address > f.ret_slot:
            nargs = max(nargs, (v.address + size - f.ret_slot - 4 + 3) // 4)
    return names, nargs


@command("stack", category="beyond", example="")
def cmd_stack(dbg: "Debugger", arg: str) -> None:
    """Draw the stack frames slot by slot: arguments, return address, saved ebp, locals.

    Usage: stack [N]   (at most N frames, default 8)"""
    from vmdebug.debugger.views.stackview import stack_view
    n = int(arg) if arg.strip().isdigit() else 8
    frames = dbg.frames()
    regs = dbg.regs
    dbg.lines_out(stack_view(frames, regs[C.ESP], regs[C.EBP], dbg.memory.read_u32, dbg.label,
                             dbg.prologue_done(frames[0]), n, lambda f: frame_slot_names(dbg, f)))


@command("heap", category="beyond")
def cmd_heap(dbg: "Debugger", arg: str) -> None:
    """Show the malloc heap chunk by chunk: header, size, in use or free, payload preview or free-list links, padding; then the free lists.

    Usage: heap"""
    from vmdebug import libc
    from vmdebug.debugger.views.heap import heap_view
    s = dbg.info.lookup(libc.HEAP_START_SYMBOL)
    e = dbg.info.lookup(libc.HEAP_END_SYMBOL)
    b = dbg.info.lookup(libc.HEAP_BINS_SYMBOL)

    def read(a: int, n: int) -> bytes | None:
        data, bad = dbg.memory.try_read(a, n)
        return None if bad is not None else data
    dbg.lines_out(heap_view(read, s.address if s else None, e.address if e else None, dbg.tl.state.brk,
                            b.address if b else None))


@command("pagewalk", category="beyond", example="$esp")
def cmd_pagewalk(dbg: "Debugger", arg: str) -> None:
    """Walk the page tables for an address: PDE, PTE, their bits, the frame, the physical address.

    Usage: pagewalk ADDRESS
    Or where the walk stops (no page table, page not present) and what that means."""
    from vmdebug.debugger.views.pagewalk import pagewalk
    if not arg.strip():
        raise DebugError("Argument required (an address).")
    addr = dbg.eval_int(arg)
    dbg.lines_out(pagewalk(dbg.tl.state, addr, dbg.memory.vma_at(addr & 0xFFFFFFFF)))


@command("diff", category="beyond", example="")
def cmd_diff(dbg: "Debugger", arg: str) -> None:
    """Show what the last step (or step N) changed: registers, memory, pages, calls, syscalls.

    Usage: diff [N]"""
    from vmdebug.debugger.commands.data import insn_text
    from vmdebug.debugger.views.diffview import diff_view
    step = dbg.eval_int(arg) if arg.strip() else dbg.tl.cursor
    if not 0 <= step <= dbg.tl.last:
        raise DebugError(f"No step {step} (the history has steps 0..{dbg.tl.last}).")
    sl = dbg.tl.log.step(step)
    eip = _eip_before(dbg, step)
    insn = ""
    if eip is not None:
        try:
            insn = f"{eip:#010x} {dbg.label(eip)}  {insn_text(dbg, eip)[0]}"
        except DebugError:
            insn = f"{eip:#010x}"
    dbg.lines_out(diff_view(step, [tuple(int(x) for x in r) for r in sl.cols.tolist()], dbg.tl.log.extras,
                            insn, dbg.label))


@command("frames", category="beyond", example="")
def cmd_frames(dbg: "Debugger", arg: str) -> None:
    """Show physical memory frame by frame: what each holds, and how many entries name it.

    Usage: frames [PID]
    A frame holds a page directory, a page table or a page of a process (at which virtual
    address, in which mapping); the others are free.  With PID, only that process's frames."""
    from vmdebug.debugger.views.frames import frames_view
    pid = None
    if arg.strip():
        pid = dbg.eval_int(arg)
        if pid not in dbg.tl.state.processes():
            raise DebugError(f"No process {pid}.")
    dbg.lines_out(frames_view(dbg.tl.state, pid, dbg.tl.nframes, whole=pid is None))


@command("info pagefaults", category="beyond")
def cmd_info_pagefaults(dbg: "Debugger", arg: str) -> None:
    """Count the page faults each process took up to the cursor, by where the page came from.

    Usage: info pagefaults"""
    state = dbg.tl.state
    pids: list[int | None] = sorted(state.processes()) if state.tasks else [None]
    for pid in pids:
        faults = page_faults(dbg.tl.log, dbg.tl.cursor, pid)
        total = sum(faults)
        dbg.write(f"pid {pid or PID}: {total} page fault{'s' if total != 1 else ''} in steps 1..{dbg.tl.cursor}, "
                  f"each answered without I/O (minor faults):")
        dbg.write(f"  {faults.from_file} filled from the program file (text, data)")
        if faults.shared or pid is not None:
            dbg.write(f"  {faults.shared} mapped a frame already in memory (the program file's page cache, "
                      "shared memory)")
        dbg.write(f"  {faults.zero_filled} zero-filled on a first write (stack, heap, bss, anonymous mmap)")
        dbg.write(f"  {faults.zero_page} mapped the zero page on a first read (read-only, no new memory)")
        dbg.write(f"  {faults.copied} copy-on-write (a write to a page that was mapped read-only from a shared "
                  "frame)")
