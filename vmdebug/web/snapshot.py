"""What the page draws at one step, as JSON-ready dicts, from the debugger at its cursor.

Every fact comes from the code the debugger's commands use: registers from the folded
state (``info registers``), the line from ``frame_sal`` (what a stop prints), the
disassembly from ``insn_text`` (``x/i``), the regions from the ``vmmap`` view's
classification, the frames from the ``stack`` view's slots, the heap from the libc's
own walk (``heap``) and the events from ``diff``.  Nothing is derived a second way, so
the page and ``vmdebug debug`` cannot disagree.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from events import codes as C

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

#: The registers the page shows, in ``info registers``' order.
SHOWN_REGS = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags")
DISASM_BEFORE, DISASM_AFTER = 8, 10
#: Frames the stack view draws (the ``stack`` command's default).
STACK_FRAMES = 8


def step_changes(dbg: "Debugger", step: int) -> tuple[list[str], list[list[int]]]:
    """The registers step ``step`` wrote, and the memory ranges ``[address, size]`` it wrote
    (the log says it exactly: its REG and MEM events)."""
    regs: list[str] = []
    mem: list[list[int]] = []
    if step == 0:
        return regs, mem
    sl = dbg.tl.log.step(step)
    for code, a, _b, _c, d in sl.cols.tolist():
        if code == C.REG:
            name = C.REG_NAMES[a]
            if name not in regs:
                regs.append(name)
        elif code in C.MEM_SIZE_BY_CODE:
            mem.append([a, C.MEM_SIZE_BY_CODE[code]])
        elif code == C.MEMN:
            mem.append([a, len(sl.extras[d][1])])
    return regs, mem


def registers(dbg: "Debugger", changed: list[str]) -> list[dict[str, Any]]:
    regs = dbg.regs
    out = []
    for name in SHOWN_REGS:
        v = int(regs[C.REG_IDS[name]])
        out.append({"name": name, "value": v, "hex": f"{v:#x}", "signed": C.signed32(v),
                    "changed": name in changed,
                    "label": dbg.code_label(v) if name == "eip" else ""})
    return out


def frames(dbg: "Debugger") -> list[Any]:
    """The innermost frames, as many as the stack view draws (and one more): each the same as
    in ``dbg.frames()``, without unwinding all 30,000 of a deep recursion for every step."""
    from vmdebug.debugger.frames import build_frames
    return build_frames(dbg, STACK_FRAMES + 1)


def source(dbg: "Debugger", frames: list[Any]) -> dict[str, Any] | None:
    """Where frame 0 stands, as a stop prints it (gdb's find_frame_sal)."""
    from vmdebug.debugger.variables import frame_sal
    frame = frames[0]
    loc, _show = frame_sal(dbg, frame)
    if loc is None:
        return None
    return {"file": loc[0], "short": dbg.info.short_file(loc[0]), "line": loc[1],
            "function": frame.name}


def source_text(dbg: "Debugger", file: str) -> list[str] | None:
    return dbg.info.source_text(file)


def disassembly(dbg: "Debugger") -> list[dict[str, Any]]:
    """The instructions around eip, ``x/i``'s text, from the start of its function (so
    the decoding is in step with the code) or from eip outside any function."""
    from vmdebug.debugger.commands.data import insn_text
    from vmdebug.debugger.values import DebugError
    pc = dbg.pc
    func = dbg.info.function_at(pc)
    start = func.address if func is not None else pc
    end = dbg.info.function_end(func) if func is not None else pc + 64
    rows: list[dict[str, Any]] = []
    addr = start
    after = 0
    while addr < end and after <= DISASM_AFTER:
        try:
            text, length = insn_text(dbg, addr)
        except DebugError:
            break
        lab = f"<+{addr - func.address}>" if func is not None else dbg.label(addr)
        rows.append({"address": addr, "label": lab, "text": text, "current": addr == pc})
        if addr >= pc:
            after += 1
        addr += max(length, 1)
        if addr > pc and not any(r["current"] for r in rows) and rows[-1]["address"] < pc < addr:
            # eip is inside what the walk decoded as one instruction: start again at eip
            addr = pc
    k = next((i for i, r in enumerate(rows) if r["current"]), len(rows))
    return rows[max(0, k - DISASM_BEFORE):]


def memory_map(dbg: "Debugger") -> dict[str, Any]:
    """The ``vmmap`` view's regions, top to bottom, with its kinds and labels and the live marks."""
    from vmdebug.debugger.commands.beyond import map_context
    from vmdebug.debugger.views.vmmap import region_kinds, region_label
    from vmdebug.machine.layout import kernel_half
    state = dbg.tl.state
    ctx = map_context(dbg)
    kinds = region_kinds(state, ctx)
    regs = state.regs
    regions = []
    for s, (e, p, n) in sorted(state.vmas.items(), reverse=True):
        kind = kinds[s]
        regions.append({"start": s, "end": e, "perms": p, "name": n, "kind": kind,
                        "label": region_label(kind, s, e, ctx)})
    top = max([ctx.task_size] + [r["end"] for r in regions])
    kernel = kernel_half(state)
    return {
        "top": top,
        "regions": regions,
        "kernel": None if kernel is None else {"start": kernel[0], "end": kernel[1], "phys_end": kernel[2]},
        "args_start": ctx.args_start,
        "start_brk": ctx.start_brk,
        "brk": state.brk,
        "marks": {"esp": int(regs[C.ESP]), "ebp": int(regs[C.EBP]), "eip": int(regs[C.EIP])},
    }


def stack(dbg: "Debugger", written: list[list[int]], frames: list[Any]) -> list[dict[str, Any]]:
    """The ``stack`` view's frames and slots; a slot this step wrote is marked ``written``."""
    from vmdebug.debugger.commands.beyond import frame_slot_names
    from vmdebug.debugger.views.stackview import stack_frames
    regs = dbg.regs
    out = []
    for sf in stack_frames(frames, regs[C.ESP], regs[C.EBP], dbg.memory.read_u32, dbg.label,
                           dbg.prologue_done(frames[0]), STACK_FRAMES, lambda f: frame_slot_names(dbg, f)):
        slots = [{"address": s.address, "value": s.value, "what": s.what, "role": s.role, "marks": s.marks,
                  "written": any(a < s.address + 4 and s.address < a + n for a, n in written)}
                 for s in sf.slots]
        out.append({"level": sf.level, "name": sf.name, "outermost": sf.outermost, "slots": slots,
                    "more": sf.more})
    return out


def heap(dbg: "Debugger", requests: Any = None) -> dict[str, Any]:
    """The chunks the ``heap`` command walks (the vmdebug libc's malloc), as a strip; with
    ``requests`` (:class:`vmdebug.web.heap_requests.Requests`), what each chunk in use was asked
    for and its padding."""
    from vmdebug import libc
    from vmdebug.libc.heap import walk_heap
    s = dbg.info.lookup(libc.HEAP_START_SYMBOL)
    e = dbg.info.lookup(libc.HEAP_END_SYMBOL)
    b = dbg.info.lookup(libc.HEAP_BINS_SYMBOL)
    brk = dbg.tl.state.brk
    if s is None or e is None:
        return {"note": "no heap: the program does not use the vmdebug libc's malloc", "chunks": [], "brk": brk}
    start, end = dbg.memory.read_u32(s.address), dbg.memory.read_u32(e.address)
    if start is None or end is None:
        return {"note": "cannot read __heap_start / __heap_end", "chunks": [], "brk": brk}
    if start == 0:
        return {"note": "the heap is empty: malloc has not been called yet", "chunks": [], "brk": brk}
    chunks = walk_heap(lambda a: dbg.memory.read_u32(a) or 0, start, end, legacy=b is None)
    out = [{"address": c.address, "header": c.header, "size": c.size, "in_use": c.in_use,
            "corrupt": c.corrupt, "top": c.top, "payload": c.payload, "payload_size": c.payload_size}
           for c in chunks]
    if requests is not None:
        from vmdebug.web.heap_requests import annotate
        annotate(out, requests, dbg.tl.cursor)
    return {"note": "", "start": start, "end": end, "brk": brk, "chunks": out}


def events(dbg: "Debugger", step: int) -> list[str]:
    """The ``diff`` command's lines for the step: what its events changed."""
    with dbg.out.captured() as lines:
        dbg.execute(f"diff {step}")
    return lines


def output_upto(dbg: "Debugger", step: int, limit: int = 4000) -> str:
    """What the program wrote to its stdout and stderr in steps 1..``step`` (its last
    ``limit`` characters), escaped as a replayed session shows it."""
    from vmdebug.replay.query import output_events
    from vmdebug.safetext import safe_bytes
    log = dbg.tl.log
    data = b"".join(bytes(d) for _fd, d in output_events(log, 0, log.offset(step + 1)))
    return safe_bytes(data).decode("utf-8", "replace")[-limit:]
