"""Stack frames: the recorded calls, unwound with gcc's call frame information.

The recording keeps a shadow call stack (every ``call`` pushes (function,
call site, return address, where the return address was stored), every
``ret`` pops), so the list of frames is exact even when the program wrecked
its own stack.  Each frame's registers are what gdb would compute: frame 0
has the CPU's; a caller's come from unwinding its callee with the
``.debug_frame`` rules (:mod:`vmdebug.debuginfo.unwind`) - callee-saved
registers restored, the stack pointer set to the CFA - so a variable kept
in a register or addressed from the stack pointer is found at -O2 too.  Code
without call frame information (hand-written assembly) is unwound the old
way: the CFA is just above the stored return address and ebp follows the
saved-ebp chain (cdecl, i386 System V ABI: ``[ebp]`` = caller's ebp).

Inlined calls become frames of their own, innermost first, as gdb shows them
(gdb/inline-frame.c): at a pc where an inlined block starts, frame 0 is the
caller's (gdb's skip_inline_frames), so a stop at the call site reads as in
the source.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from events.record import Record
from events import codes as C
from vmdebug.debugger.program_info import Sym

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger
    from vmdebug.debuginfo.symbols import Block, Function

NREGS = 10                      # eax .. eflags: the DWARF numbers of i386 are the CPU's order


class Frame(Record):
    def __init__(self, level: int, pc: int, func: Sym | None, name: str, ret_slot: int | None,
                 saved_ret: int | None, sp: int, fp: int | None = None,
                 regs: dict[int, int | None] | None = None, cfa: int | None = None,
                 function: "Function | None" = None, block: "Block | None" = None,
                 inline: "Block | None" = None, inner_inline: "Block | None" = None, real: int = 0,
                 lookup: int = 0, skipped_inline: "Block | None" = None, sigtramp: bool = False) -> None:
        self.level = level
        self.pc = pc
        self.func = func  # the ELF symbol of the code (for names without DWARF)
        self.name = name  # function name ("??" if unknown)
        self.ret_slot = ret_slot  # where this frame's return address is stored
        self.saved_ret = saved_ret  # the return address the call pushed (shadow stack)
        self.sp = sp  # lowest address of the frame (esp for frame 0)
        self.fp = fp  # the frame's ebp (from the ebp chain), None if unknown
        self.regs = {} if regs is None else regs  # DWARF regno -> value here
        self.cfa = cfa  # the canonical frame address (caller's sp before the call)
        self.function = function  # the DWARF function whose code this is
        self.block = block  # the innermost block in scope in this frame
        self.inline = inline  # for an inline frame: the inlined block it stands for
        self.inner_inline = inner_inline  # the inline frame just inside this one, if any
        self.real = real  # index of the real (non-inline) frame this belongs to
        self.lookup = lookup  # the pc to find blocks, lines and location entries with
        self.skipped_inline = skipped_inline  # frame 0: an inlined call whose first pc this is
        self.sigtramp = sigtramp  # the signal trampoline: gdb's "<signal handler called>" frame

    @property
    def base(self) -> int | None:
        """The frame's ebp: where its saved ebp is and its locals hang below."""
        return self.fp

    @property
    def args_at(self) -> int | None:
        return None if self.ret_slot is None else self.ret_slot + 4

    @property
    def is_inline(self) -> bool:
        return self.inline is not None


    @property
    def scope_function(self) -> "Function | None":
        """The function whose parameters and locals this frame shows."""
        if self.inline is not None and self.inline.inlined is not None:
            return self.inline.inlined.function
        return self.function


Shadow = tuple[int, "int | None", "int | None", int, Any]


#: Where the i386 sigcontext keeps each register gdb's sigtramp unwinder restores, in gdb's
#: register order (i386-linux-tdep.c i386_linux_sc_reg_offset).
SC_REG_OFFSETS = (("eax", 44), ("ecx", 40), ("edx", 36), ("ebx", 32), ("esp", 28), ("ebp", 24), ("esi", 20),
                  ("edi", 16), ("eip", 56), ("eflags", 64), ("cs", 60), ("ss", 72), ("ds", 12), ("es", 8),
                  ("fs", 4), ("gs", 0))


def sigcontext_addr(dbg: "Debugger", pc: int, sp: int) -> int | None:
    """At a signal trampoline (the restorer a handler returns into, recognised by its bytes
    as gdb's i386_linux_sigtramp_p does), where the kernel saved the interrupted registers,
    found as gdb's i386_linux_sigcontext_addr finds it; None elsewhere."""
    from vmdebug.machine.sigframes import RT_SIGRETURN_CODE, SIGRETURN_CODE
    code, _ = dbg.memory.try_read(pc, 8)
    if code.startswith(SIGRETURN_CODE):
        return sp + 4                    # past the signal number (pretcode was popped by ret)
    if code.startswith(SIGRETURN_CODE[1:]):
        return sp                        # after the restorer's pop eax
    if code.startswith(RT_SIGRETURN_CODE):
        # The handler's third argument, the ucontext; its sigcontext is 20 bytes in.
        data, bad = dbg.memory.try_read(sp + 8, 4)
        return None if bad is not None else int.from_bytes(data, "little") + 20
    return None


def sigtramp_regs(dbg: "Debugger", pc: int, sp: int) -> dict[int, int] | None:
    """At a signal trampoline, the interrupted registers from the sigcontext the kernel saved
    (vmdebug.machine.sigframes), else None."""
    from vmdebug.machine.sigframes import SC_REGS
    sc = sigcontext_addr(dbg, pc, sp)
    if sc is None:
        return None
    data, bad = dbg.memory.try_read(sc, 88)
    if bad is not None:
        return None
    words = [int.from_bytes(data[i:i + 4], "little") for i in range(0, 88, 4)]
    regs = {r: words[i] for i, r in enumerate(SC_REGS) if r is not None}
    regs[C.EIP], regs[C.EFLAGS] = words[14], words[16]
    return regs


def _shadow(dbg: "Debugger", limit: int | None = None) -> list[Shadow]:
    """(pc, return slot, saved return, sp, extra) of each real frame from the recorded calls,
    innermost first, up to main (unless ``backtrace past-main`` is on: to the entry point), or the
    first ``limit``.
    ``extra`` is "sigtramp" for the signal trampoline between a handler and the code it
    interrupted, and, for that code's frame, its registers as the kernel saved them."""
    state = dbg.tl.state
    info = dbg.info
    stack = list(state.stack)
    past_main = dbg.settings.frame_options.past_main     # set backtrace past-main, bt -past-main
    pc = state.regs[C.EIP]
    sp = state.regs[C.ESP]
    out: list[Shadow] = []
    saved: Any = None
    for level in range(len(stack) + 1):
        if limit is not None and len(out) >= limit:
            break
        entry = stack[-1 - level] if level < len(stack) else None
        # gdb's inside_main_func reads a caller at pc - 1 (get_frame_address_in_block): a
        # noreturn call that ends main returns to the next function's first byte.
        func = info.function_at(pc - 1 if out and not isinstance(saved, dict) else pc)
        out.append((pc, entry[3] if entry else None, entry[2] if entry else None, sp, saved))
        saved = None
        if entry is None or (func is not None and func.name == "main" and not past_main):
            break
        pc = entry[2]
        sp = entry[3] + 4
        regs = sigtramp_regs(dbg, pc, sp)
        if regs is not None:
            out.append((pc, None, None, sp, "sigtramp"))
            pc, sp, saved = regs[C.EIP], regs[C.ESP], regs
    return out


def build_frames(dbg: "Debugger", limit: int | None = None) -> list[Frame]:
    """The frames at the cursor, innermost first; with ``limit``, only the innermost ``limit``
    real frames (each the same as in the whole list: a frame is unwound from the ones inside
    it), for views that draw a few frames of a deep recursion (vmdebug.web)."""
    state = dbg.tl.state
    info = dbg.info
    dwarf = dbg.debug
    regs: dict[int, int | None] = {i: state.regs[i] for i in range(NREGS)}
    real: list[Frame] = []
    shadow = _shadow(dbg, limit)
    read = memory_reader(dbg)
    for k, (pc, ret_slot, saved_ret, sp, extra) in enumerate(shadow):
        if extra == "sigtramp":
            real.append(Frame(k, pc, None, "<signal handler called>", None, None, sp, regs=dict(regs),
                              lookup=pc, sigtramp=True))
            nxt = shadow[k + 1] if k + 1 < len(shadow) else None
            if nxt is not None and isinstance(nxt[4], dict):
                regs = {i: nxt[4].get(i) for i in range(NREGS)}
            continue
        # A caller's return address may already be past its block (a call at the end of
        # a function), so gdb looks it up at pc - 1 (get_frame_address_in_block), its name
        # too (find_frame_funname): _start's `call exit` returns to the next symbol's start.
        # (Not after a signal trampoline: the interrupted pc is where the signal came, gdb's
        # get_frame_address_in_block for a frame whose callee is a SIGTRAMP_FRAME.)
        lookup = pc - 1 if k > 0 and not isinstance(extra, dict) else pc
        sym = info.function_at(lookup)
        name = sym.name if sym is not None else "??"
        f = Frame(k, pc, sym, name, ret_slot, saved_ret, sp, regs=dict(regs), lookup=lookup)
        if dwarf is not None:
            f.function = dwarf.function_at(lookup)
            if f.function is not None:
                f.name = f.function.name or name
                f.block = f.function.innermost(lookup)
        unwound = dwarf.frames.unwind(lookup, regs, read) if dwarf is not None else None
        if unwound is not None:
            f.cfa, caller = unwound
        else:
            f.cfa = ret_slot + 4 if ret_slot is not None else None
            caller = dict(regs)
            caller[C.EBP] = None
        real.append(f)
        if k + 1 < len(shadow):
            nxt_pc, _slot, _ret, nxt_sp, _extra = shadow[k + 1]
            caller[C.EIP] = nxt_pc                     # the recorded return address is the truth
            if ret_slot is not None:
                caller[C.ESP] = ret_slot + 4
            regs = caller
    _ebp_chain(dbg, real)
    return _with_inline_frames(real, dbg.stop_symbols(), dbg.skip_limit())


def memory_reader(dbg: "Debugger") -> Any:
    """Memory at the cursor, raising MemoryError where it cannot be read (the unwinders' reader)."""
    def read(address: int, size: int) -> bytes:
        data, bad = dbg.memory.try_read(address, size)
        if bad is not None:
            raise MemoryError(bad)
        return data
    return read


def _ebp_chain(dbg: "Debugger", frames: list[Frame]) -> None:
    """Each frame's ebp from the saved-ebp chain (for frames that keep one): frame 0's
    is the register once its prologue ran; each saved ebp at [ebp] is the caller's.
    Functions that realign the stack (gcc's main) keep their ebp away from the return
    address, which is why this is not ret_slot - 4."""
    state = dbg.tl.state
    f0 = frames[0]
    fp: int | None = state.regs[C.EBP]
    start = 0
    if f0.func is not None and not (dbg.uses_frame_pointer(f0.func) and dbg.prologue_done(f0)):
        start = 1
    for f in frames[start:]:
        if fp is None or fp == 0 or f.sigtramp:
            break
        if f.func is not None and not dbg.uses_frame_pointer(f.func):
            break
        f.fp = fp
        if f.regs.get(C.EBP) is None:
            f.regs[C.EBP] = fp
        fp = dbg.memory.read_u32(fp)


def _inlined_chain(block: "Block | None") -> list["Block"]:
    """The inlined blocks around ``block``, innermost first, up to its function."""
    from vmdebug.debuginfo.symbols import Function
    out = []
    b = block
    while b is not None and not isinstance(b, Function):
        if b.inlined is not None:
            out.append(b)
        b = b.parent
    return out


def _starts_at(block: "Block", pc: int) -> bool:
    """gdb block_starting_point_at / BLOCK_ENTRY_PC: execution is entering ``block`` at pc."""
    if block.entry_pc == pc:
        return True
    fn = block.function()
    if fn is None:
        return True
    before = fn.innermost(pc - 1) if fn.contains(pc - 1) else None
    if before is None:
        return True
    b: Any = before
    while b is not None:
        if b is block:
            return False
        b = b.parent
    return True


def _with_inline_frames(real: list[Frame], stop_symbols: tuple[Any, ...] | None = None,
                        limit: int | None = None) -> list[Frame]:
    """The real frames with a frame for each inlined call between them.

    gdb skip_inline_frames: at the first pc of an inlined body the stop is shown in
    the caller, at the call site - unless a user breakpoint for that inlined function
    stopped there (stopped_by_user_bp_inline_frame: a location whose function block is
    this one, or a location without one).  ``limit``: at most that many are hidden (a
    stepi stop hides none, handle_signal_stop skipping nothing for step_range_end == 1;
    a step into an inlined call shows one more, step_into_inline_frame)."""
    out: list[Frame] = []
    for k, f in enumerate(real):
        chain = _inlined_chain(f.block)
        if k == 0:
            hidden = 0
            while chain and _starts_at(chain[0], f.pc) and (limit is None or hidden < limit):
                hidden += 1
                if stop_symbols is not None and any(s is None or s is chain[0] for s in stop_symbols):
                    break
                f.skipped_inline = chain.pop(0)
        inner: Block | None = None
        for blk in chain:
            fr = Frame(len(out), f.pc, f.func, blk.inlined.function.name if blk.inlined else f.name, None, None,
                       f.sp, f.fp, regs=f.regs, cfa=f.cfa, function=f.function, block=None, inline=blk,
                       inner_inline=inner, real=k, lookup=f.lookup)
            fr.block = f.block if inner is None else _scope_in(blk, f.block)
            if inner is None and k == 0 and f.skipped_inline is not None:
                # The skipped call is inside this inlined body: frame 0 shows its call site.
                fr.skipped_inline = f.skipped_inline
                fr.block = f.skipped_inline.parent
            out.append(fr)
            inner = blk
        f.level = len(out)
        f.real = k
        f.inner_inline = inner
        if inner is not None:
            f.block = inner.parent
        elif f.skipped_inline is not None:
            f.block = f.skipped_inline.parent
        out.append(f)
    if out and out[0].inline is not None and out[0] is not real[0]:
        out[0].ret_slot, out[0].saved_ret = None, None
    return out


def _scope_in(inline_block: "Block", innermost: "Block | None") -> "Block":
    """The block in scope for the inline frame of ``inline_block``: the innermost block
    if it lies inside, else the inlined block itself."""
    b = innermost
    while b is not None:
        if b is inline_block:
            return innermost  # type: ignore[return-value]
        b = b.parent
    return inline_block


def chain_notes(dbg: "Debugger", frames: list[Frame]) -> list[str]:
    """Where the saved return addresses / ebp chain disagree with the calls that were made."""
    notes = []
    mem = dbg.memory
    frames = [f for f in frames if not f.is_inline]
    for f in frames:
        if f.ret_slot is None or f.saved_ret is None:
            continue
        now = mem.read_u32(f.ret_slot)
        if now is not None and now != f.saved_ret:
            notes.append(f"warning: frame #{f.level} ({f.name}): the return address at {f.ret_slot:#010x} was "
                         f"overwritten: it holds {now:#010x}, the call pushed {f.saved_ret:#010x}; "
                         f"`ret` will jump to {now:#010x}")
    # The ebp chain: a saved ebp must point higher up the stack, above the callee's
    # return address (the caller's frame); anything else means it was overwritten.
    for callee, caller in zip(frames, frames[1:]):
        if callee.fp is None or callee.ret_slot is None or callee.func is None:
            continue
        if caller.func is None or not dbg.uses_frame_pointer(caller.func):
            continue  # the caller keeps no frame in ebp (e.g. _start, ebp = 0): nothing to check
        saved = mem.read_u32(callee.fp)
        stack = mem.vma_at(callee.fp)
        if saved is None or stack is None:
            continue
        if not (callee.ret_slot < saved < stack[1]):
            notes.append(f"warning: frame #{callee.level} ({callee.name}): the saved ebp at {callee.fp:#010x} "
                         f"holds {saved:#010x}, which is not a frame higher up the stack: the ebp chain "
                         f"is broken (`leave` will load it into ebp)")
    return notes


def frame_number(level: int) -> str:
    """How gdb's print_frame starts a frame's line: "#", the level as field_fmt_signed
    (2, ui_left) and the field separator: "#0  ", "#12 ", "#37446 "."""
    return f"#{level:<2} "
