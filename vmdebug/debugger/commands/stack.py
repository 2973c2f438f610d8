"""Examining the stack: backtrace, frame, up, down, info frame."""
from __future__ import annotations

from typing import TYPE_CHECKING

from vmdebug.debugger.frames import chain_notes, frame_number
from vmdebug.debugger.registry import command
from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.frames import Frame
    from vmdebug.debugger.session import Debugger


@command("backtrace", aliases=("bt", "where", "ba"), category="stack", example="full", needs="stack")
def cmd_backtrace(dbg: "Debugger", arg: str) -> None:
    """Print the call stack, innermost frame first, with arguments.

    Usage: backtrace [OPTION]... [QUALIFIER]... [COUNT | -COUNT]
    OPTIONs (gdb's): -full (locals too), -frame-arguments all|scalars|none|presence,
    -past-main [on|off], -past-entry, -no-filters, -hide, -raw-frame-arguments;
    QUALIFIERs: full, no-filters, hide.  A negative COUNT prints the outermost frames.
    Frames come from the recorded calls; the saved return addresses and the
    saved-ebp chain on the stack are checked against them, and any
    disagreement (a smashed stack) is reported after the frames."""
    from vmdebug.debugger.options import UNKNOWN_IS_OPERAND, process_options
    from vmdebug.debugger.print_settings import BACKTRACE_OPTIONS, check_frame_option
    # backtrace_command: a copy of the user's frame print and backtrace settings, the options
    # on it, then the old-style qualifiers (any prefix of full, no-filters, hide)
    opts = dbg.settings.frame_options.copy()
    opts.full = opts.no_filters = opts.hide = False
    rest = process_options(dbg, arg.strip(), UNKNOWN_IS_OPERAND, BACKTRACE_OPTIONS, opts)
    check_frame_option("print_entry_values", opts.print_entry_values)
    check_frame_option("print_frame_info", opts.print_frame_info)
    while rest:
        word, _, after = rest.partition(" ")
        if "no-filters".startswith(word):
            opts.no_filters = True
        elif "full".startswith(word):
            opts.full = True
        elif "hide".startswith(word):
            opts.hide = True
        else:
            break
        rest = after.strip()
    saved = dbg.settings.frame_options
    dbg.settings.frame_options = opts
    try:
        _backtrace(dbg, rest, opts.full)
    finally:
        dbg.settings.frame_options = saved


def _backtrace(dbg: "Debugger", count_exp: str, full: bool) -> None:
    """backtrace_command_1: COUNT innermost frames, or -COUNT outermost ones; with ``full``
    each frame's locals (print_frame_local_vars)."""
    limit = dbg.eval_long(count_exp) if count_exp else None
    frames = dbg.frames()
    shown = frames if limit is None else (frames[:limit] if limit >= 0 else frames[limit:])
    for f in shown:
        dbg.write(frame_number(f.level) + dbg.frame_line(f))
        if full:
            if f.function is None:
                dbg.write("No symbol table info available.")
            else:
                locs = dbg.frame_locals(f)
                for name, v in locs:
                    dbg.write(f"        {name} = {_shown(dbg, name, v)}")
                if not locs:
                    dbg.write("No locals.")
    if limit is not None and 0 <= limit < len(frames) and dbg.interactive:
        dbg.write("(More stack frames follow...)")      # gdb backtrace_command_1: from_tty only
    for note in chain_notes(dbg, frames):
        dbg.write(note)


def _print_frame(dbg: "Debugger") -> None:
    f = dbg.selected_frame()
    dbg.write(frame_number(f.level) + dbg.frame_line(f))
    line = dbg.frame_source_line(f)
    if line is not None:
        dbg.write(line)


_SELECTORS = ("address", "function", "level", "view")


def frame_level_of(dbg: "Debugger", arg: str) -> int | None:
    """The frame ``frame ARG``, ``info frame ARG`` and ``select-frame ARG`` mean (gdb's
    frame_command_helper): ``level N`` or a bare N, ``address STACK-ADDRESS`` (the address
    "frame at" shows), ``function NAME`` (the innermost frame whose pc is in NAME); None
    without an argument (the selected frame)."""
    arg = arg.strip()
    if not arg:
        return None
    word, _, rest = arg.partition(" ")
    rest = rest.strip()
    chosen = [s for s in _SELECTORS if s.startswith(word)]
    frames = dbg.frames()
    if len(chosen) != 1 or word.isdigit():
        chosen, rest = ["level"], arg
    how = chosen[0]
    if how == "level":
        if not rest:
            raise DebugError("Argument required (expression to compute).")
        n = dbg.eval_long(rest)
        if not 0 <= n < len(frames):
            raise DebugError(f"No frame at level {rest}.")
        return n
    if how == "address":
        if not rest:
            raise DebugError("Argument required (expression to compute).")
        addr = dbg.eval_int(rest) & 0xFFFFFFFF
        found = next((f.level for f in frames if not f.is_inline and _frame_at(f) == addr), None)
        if found is None:
            raise DebugError(f"No frame at address {rest}.")
        return found
    if how == "function":
        if not rest:
            raise DebugError("Missing function name argument")
        bounds = _function_bounds(dbg, rest)
        found = next((f.level for f in frames if any(lo <= f.pc < hi for lo, hi in bounds)), None)
        if found is None:
            raise DebugError(f'No frame for function "{rest}".')
        return found
    raise DebugError("frame view is not supported: vmdebug shows the frames of the recorded stack.")


def _function_bounds(dbg: "Debugger", name: str) -> list[tuple[int, int]]:
    """gdb find_frame_for_function: the bounds of the function each place ``name`` resolves
    to (find_pc_partial_function: the range of the function holding it)."""
    from vmdebug.debugger.linespec import Resolver
    bounds = []
    for loc in Resolver(dbg).by_function(name):
        fn = dbg.debug.function_at(loc.address) if dbg.debug is not None else None
        if fn is not None:
            bounds += [(lo, hi) for lo, hi in fn.ranges if lo <= loc.address < hi]
            continue
        sym = dbg.info.function_at(loc.address)
        if sym is not None:
            bounds.append((sym.address, dbg.info.function_end(sym)))
    return bounds


@command("frame", aliases=("f",), category="stack", example="0", needs="stack")
def cmd_frame(dbg: "Debugger", arg: str) -> None:
    """Select and print a stack frame (the current one without an argument).

    Usage: frame [N | level N | address STACK-ADDRESS | function NAME]
           frame apply all|COUNT|-COUNT|level LEVEL... [-q] [-c] [-s] COMMAND"""
    if arg.strip().split(" ")[0] == "apply":
        from vmdebug.debugger.commands.frame_apply import frame_apply
        frame_apply(dbg, arg.strip()[5:])
        return
    n = frame_level_of(dbg, arg)
    if n is not None:
        dbg.frame_level = n
    _print_frame(dbg)


@command("select-frame", category="stack", example="1", needs="stack")
def cmd_select_frame(dbg: "Debugger", arg: str) -> None:
    """Select a stack frame without printing it.

    Usage: select-frame N | level N | address STACK-ADDRESS | function NAME"""
    n = frame_level_of(dbg, arg)
    if n is None:
        raise DebugError("Argument required (expression to compute).")
    dbg.frame_level = n


@command("up", category="stack", example="1", needs="stack")
def cmd_up(dbg: "Debugger", arg: str) -> None:
    """Select the frame that called this one (N frames up).

    Usage: up [N]"""
    _move(dbg, dbg.eval_long(arg) if arg.strip() else 1, bool(arg.strip()),
          "Initial frame selected; you cannot go up.")


@command("down", aliases=("do", "dow"), category="stack", example="1", needs="stack")
def cmd_down(dbg: "Debugger", arg: str) -> None:
    """Select the frame this one called (N frames down).

    Usage: down [N]"""
    _move(dbg, -(dbg.eval_long(arg) if arg.strip() else 1), bool(arg.strip()),
          "Bottom (innermost) frame selected; you cannot go down.")


def _move(dbg: "Debugger", count: int, explicit: bool, stuck: str) -> None:
    """gdb up_silently_base / down_silently_base: find_relative_frame goes as far as it
    can; only a bare ``up``/``down`` that could not move at all is an error."""
    top = len(dbg.frames()) - 1
    target = min(max(dbg.frame_level + count, 0), top)
    if target - dbg.frame_level != count and not explicit:
        raise DebugError(stuck)
    dbg.frame_level = target
    _print_frame(dbg)


def _shown(dbg: "Debugger", name: str, v) -> str:  # type: ignore[no-untyped-def]
    """A variable's value as ``info locals`` prints it: gdb's print_variable_and_value
    (common_val_print, no ``(type *)`` prefix; a value that cannot be read is
    ``<error reading variable NAME (MESSAGE)>``)."""
    try:
        return dbg.show_value(v, "", top_level=False, strict=True)
    except DebugError as exc:
        return f"<error reading variable {name} ({exc})>"


@command("info frame", aliases=("info f",), category="stack", needs="stack")
def cmd_info_frame(dbg: "Debugger", arg: str) -> None:
    """Describe the selected frame: where it is, its return address, args, saved registers.

    Usage: info frame [N | level N | address STACK-ADDRESS | function NAME]
    The frame's address is its CFA (the caller's stack pointer before the call), as gdb
    computes it from the call frame information.  With an argument, that frame is
    described, not selected."""
    from vmdebug.debugger.frame_regs import frame_regs
    from vmdebug.debugger.variables import frame_sal
    frames = dbg.frames()
    n = frame_level_of(dbg, arg)
    f = frames[n] if n is not None else dbg.selected_frame()
    loc, _show = frame_sal(dbg, f)
    where = f" ({dbg.info.short_file(loc[0])}:{loc[1]})" if loc else ""
    # gdb info_frame_command_core: "Stack level N" only for the selected frame itself
    dbg.write(f"Stack level {f.level}, frame at {_frame_at(f):#x}:" if n is None
              else f"Stack frame at {_frame_at(f):#x}:")
    caller = frames[f.level + 1] if f.level + 1 < len(frames) else None
    # frame_unwind_caller_pc: the return address of the real frame an inlined one is part of
    real = next((g for g in frames[f.level:] if not g.is_inline), f)
    above = frames[real.level + 1] if real.level + 1 < len(frames) else None
    saved = f"{above.pc:#x}" if above is not None else (f"{real.saved_ret:#x}" if real.saved_ret is not None
                                                           else "<not saved>")
    name = f.name
    if f.sigtramp:                  # find_frame_funname: the trampoline's ELF symbol, if any
        sym = dbg.info.function_at(f.pc)
        name = sym.name if sym is not None else ""
    dbg.write(f" eip = {f.pc:#x}{f' in {name}' if name else ''}{where}; saved eip = {saved}")
    regs = frame_regs(dbg, frames, f) if not f.sigtramp else None
    if caller is None and (regs.outermost if regs is not None else f.ret_slot is None and f.level == 0):
        dbg.write(" Outermost frame: outermost")
    links = []
    if caller is not None:
        if f.is_inline:
            links.append(f"inlined into frame {caller.level}")
        else:
            links.append(f"called by frame at {_frame_at(caller):#x}")
    if f.level > 0:
        links.append(f"caller of frame at {_frame_at(frames[f.level - 1]):#x}")
    if links:
        dbg.write(" " + ", ".join(links))
    if f.sigtramp:
        _sigtramp_frame_regs(dbg, f)
        return
    if loc is not None:
        # The unit's language: C where gcc's DWARF covers the frame (or, in a session older
        # than the DWARF, a line of a .c file), else the assembler's.
        is_c = (dbg.debug is not None and f.function is not None) or loc[0].endswith((".c", ".h"))
        dbg.write(f" source language {'c' if is_c else 'asm'}.")
    if regs is None:
        dbg.write(" Arglist at unknown address.")
        dbg.write(" Locals at unknown address, Previous frame's sp in esp")
        return
    if regs.base:
        from vmdebug.debugger.entry_values import frame_arg_texts
        args = ", ".join(frame_arg_texts(dbg, f))
        dbg.write(f" Arglist at {regs.base:#x}, args: {args}")
        where = f" Locals at {regs.base:#x},"
    else:
        dbg.write(" Arglist at unknown address.")
        where = " Locals at unknown address,"
    dbg.write(f"{where} Previous frame's sp {regs.prev_sp}" if regs.prev_sp else where)
    if regs.saved:
        dbg.write(" Saved registers:")
        dbg.write("  " + ", ".join(f"{n} at {a:#x}" for n, a in regs.saved))


def _frame_at(f: "Frame") -> int:
    """The address gdb's frame id gives a frame ("frame at"): its CFA; for a signal
    trampoline its stack pointer + 4 (i386_sigtramp_frame_this_id: the cache's base, esp - 4,
    plus 8)."""
    if f.sigtramp:
        return f.sp + 4
    if f.cfa is not None:
        return f.cfa
    return f.ret_slot + 4 if f.ret_slot is not None else 0


def _sigtramp_frame_regs(dbg: "Debugger", f: "Frame") -> None:
    """The rest of ``info frame`` for a signal trampoline: gdb's sigtramp unwinder restores
    the interrupted registers from the sigcontext (i386_sigtramp_frame_cache), so the
    caller's sp is "at" its slot there, and each other register is saved at its own slot -
    but eflags, which i386_frame_prev_register makes up (its direction flag cleared).  A
    trampoline frame has no argument or locals address (get_frame_args_address: 0 for a
    frame that is not NORMAL_FRAME)."""
    from vmdebug.debugger.frames import SC_REG_OFFSETS, sigcontext_addr
    dbg.write(" Arglist at unknown address.")
    sc = sigcontext_addr(dbg, f.pc, f.sp)
    if sc is None:
        dbg.write(" Locals at unknown address,")
        return
    slots = dict(SC_REG_OFFSETS)
    dbg.write(f" Locals at unknown address, Previous frame's sp at {sc + slots['esp']:#x}")
    dbg.write(" Saved registers:")
    dbg.write("  " + ", ".join(f"{n} at {sc + off:#x}" for n, off in SC_REG_OFFSETS if n not in ("esp", "eflags")))


@command("info locals", category="stack", needs="frame")
def cmd_info_locals(dbg: "Debugger", arg: str) -> None:
    """The local variables of the selected frame, with their values at this step.

    Usage: info locals
    Innermost block first, each block's variables in declaration order, as gcc's
    DWARF describes them (``<optimized out>`` where it cannot place one)."""
    f = dbg.selected_frame()
    if f.function is None:
        raise DebugError("No symbol table info available.")
    locs = dbg.frame_locals(f)
    if not locs:
        dbg.write("No locals.")
    for name, v in locs:
        dbg.write(f"{name} = {_shown(dbg, name, v)}")


@command("info args", category="stack", needs="frame")
def cmd_info_args(dbg: "Debugger", arg: str) -> None:
    """The arguments of the selected frame.

    Usage: info args"""
    f = dbg.selected_frame()
    if f.function is None:
        raise DebugError("No symbol table info available.")
    args = dbg.frame_args(f)
    if not args:
        dbg.write("No arguments.")
    for name, v in args:
        dbg.write(f"{name} = {_shown(dbg, name, v)}")
