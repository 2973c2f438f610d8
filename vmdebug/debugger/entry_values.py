"""Values parameters had on entry to their function: ``X@entry`` and DW_OP_entry_value.

A callee cannot know what its caller passed once the register or slot is reused;
gcc records it at the call instead: the caller's DW_TAG_call_site (found by the
return address) lists DW_TAG_call_site_parameter entries, each naming where an
argument went (DW_AT_location: a register, or a stack slot as DW_OP_breg4 N) and
how to compute it in the caller (DW_AT_call_value) - DWARF 5, 3.4.2.  gdb's
dwarf2/loc.c follows that chain (dwarf_expr_reg_to_entry_parameter) and, when a
link is missing, says which one with its NO_ENTRY_VALUE_ERROR messages, kept here
word for word.  Nothing is ever guessed: no matching record, no value.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from events.record import Record
from vmdebug.debuginfo import dwarf_stack as S
from vmdebug.debuginfo import location as L
from vmdebug.debuginfo.ctype import INT as S_INT
from vmdebug.debugger.values import DebugError, Value

if TYPE_CHECKING:
    from vmdebug.debuginfo.symbols import Variable
    from vmdebug.debugger.frames import Frame
    from vmdebug.debugger.session import Debugger


class CallParam(Record):
    """A DW_TAG_call_site_parameter: where the argument went, and its value in the caller."""

    __slots__ = ("regno", "sp_offset", "param", "value", "data_value")

    def __init__(self, regno: int | None, sp_offset: int | None, param: int | None, value: bytes | None,
                 data_value: bytes | None) -> None:
        self.regno = regno
        self.sp_offset = sp_offset
        self.param = param          # DW_AT_call_parameter: the callee's parameter DIE (CU-relative)
        self.value = value
        self.data_value = data_value


class CallSite(Record):
    """A DW_TAG_call_site: its return address, whether it is a tail call, its target (the
    DIE offset of DW_AT_call_origin, or None) and its parameters."""

    __slots__ = ("pc", "tail", "origin", "params", "unit")

    def __init__(self, pc: int, tail: bool, origin: int | None, params: list[CallParam], unit: Any) -> None:
        self.pc = pc
        self.tail = tail
        self.origin = origin
        self.params = params
        self.unit = unit


def _attr(die: Any, *names: str) -> Any:
    for name in names:
        a = die.attributes.get(name)
        if a is not None:
            return a
    return None


def _block(die: Any, *names: str) -> bytes | None:
    a = _attr(die, *names)
    return None if a is None else bytes(a.value)


def call_sites(dbg: "Debugger", pc: int) -> list[CallSite]:
    """The call sites of the function whose code holds ``pc`` (dwarf2/read.c
    read_call_site_scope, for every DW_TAG_call_site below the subprogram)."""
    debug = dbg.debug
    fn = debug.function_at(pc) if debug is not None else None
    if fn is None or debug is None or debug.reader is None:
        return []
    cache = dbg.cache.call_sites
    if fn.die in cache:
        return cache[fn.die]
    out: list[CallSite] = []
    top = debug.reader.dwarf.get_DIE_from_refaddr(fn.die)
    todo = list(top.iter_children())
    while todo:
        die = todo.pop()
        if die.tag in ("DW_TAG_call_site", "DW_TAG_GNU_call_site"):
            at = _attr(die, "DW_AT_call_return_pc", "DW_AT_low_pc")
            if at is None:
                continue
            origin = _attr(die, "DW_AT_call_origin", "DW_AT_abstract_origin")
            target = _attr(die, "DW_AT_call_target", "DW_AT_GNU_call_site_target")
            params = []
            for child in die.iter_children():
                if child.tag not in ("DW_TAG_call_site_parameter", "DW_TAG_GNU_call_site_parameter"):
                    continue
                where = _block(child, "DW_AT_location")
                regno = sp_offset = param = None
                if where is not None:
                    regno, sp_offset = L.block_register(where), L.block_sp_offset(where)
                else:
                    # read_call_site_scope: no location, the parameter DIE it stands for
                    # (matched by DW_OP_GNU_parameter_ref's CU-relative offset).
                    ref = _attr(child, "DW_AT_call_parameter", "DW_AT_abstract_origin")
                    if ref is None or ref.form == "DW_FORM_ref_addr":
                        continue
                    param = int(ref.value)
                params.append(CallParam(regno, sp_offset, param,
                                        _block(child, "DW_AT_call_value", "DW_AT_GNU_call_site_value"),
                                        _block(child, "DW_AT_call_data_value",
                                               "DW_AT_GNU_call_site_data_value")))
            tail = bool(_attr(die, "DW_AT_call_tail_call", "DW_AT_GNU_tail_call"))
            ref = None
            if target is None and origin is not None and origin.form.startswith("DW_FORM_ref"):
                ref = origin.value + (die.cu.cu_offset if origin.form != "DW_FORM_ref_addr" else 0)
            out.append(CallSite(int(at.value), tail, ref, params, fn.unit))
        elif die.has_children and die.tag != "DW_TAG_subprogram":
            todo.extend(die.iter_children())
    cache[fn.die] = out
    return out


def _msym(dbg: "Debugger", addr: int) -> str:
    sym = dbg.info.function_at(addr)
    return sym.name if sym is not None else "???"


def _target(dbg: "Debugger", site: CallSite, caller_pc: int) -> int:
    """call_site_target::iterate_over_addresses for a DW_AT_call_origin target: its low pc,
    or for a declaration the minimal symbol of its name."""
    debug = dbg.debug
    if site.origin is None or debug is None or debug.reader is None:
        raise L.NoEntryValue(f"DW_AT_call_target is not specified at DW_TAG_call_site {caller_pc:#x} "
                             f"in {_msym(dbg, caller_pc - 1)}")
    die = debug.reader.dwarf.get_DIE_from_refaddr(site.origin)
    low = die.attributes.get("DW_AT_low_pc")
    if low is not None:
        return int(low.value)
    name = die.attributes.get("DW_AT_linkage_name") or die.attributes.get("DW_AT_name")
    if die.attributes.get("DW_AT_declaration") is not None and name is not None:
        text = name.value.decode() if isinstance(name.value, bytes) else str(name.value)
        sym = dbg.info.lookup(text)
        if sym is None:
            raise L.NoEntryValue(f'Cannot find function "{text}" for a call site target')
        return sym.address
    # gdb complains about the DIE and keeps no target.
    raise L.NoEntryValue(f"DW_AT_call_target is not specified at DW_TAG_call_site {caller_pc:#x} "
                         f"in {_msym(dbg, caller_pc - 1)}")


def _verify_no_selftailcall(dbg: "Debugger", func_addr: int) -> None:
    """gdb func_verify_no_selftailcall: no entry value is reliable if the function can
    reach itself through tail calls."""
    debug = dbg.debug
    todo = [func_addr]
    seen = {func_addr}
    while todo:
        addr = todo.pop()
        fn = debug.function_at(addr) if debug is not None else None
        entry = None if fn is None else (fn.entry_pc if fn.entry_pc is not None else fn.low)
        if fn is None or entry != addr:
            raise L.NoEntryValue(f"DW_TAG_call_site resolving failed to find function name for address "
                                 f"{addr:#x}")
        for site in call_sites(dbg, addr):
            if not site.tail:
                continue
            target = _target(dbg, site, site.pc)
            if target == func_addr:
                raise L.NoEntryValue(f'DW_OP_entry_value resolving has found function "{_msym(dbg, func_addr)}" '
                                     f"at {func_addr:#x} can call itself via tail calls")
            if target not in seen:
                seen.add(target)
                todo.append(target)


def entry_parameter(dbg: "Debugger", frame: "Frame", regno: int | None, fb_offset: int | None,
                    param_ref: int | None = None) -> tuple[CallParam, "Frame", CallSite]:
    """gdb dwarf_expr_reg_to_entry_parameter: the caller's record of the argument that
    was in DWARF register ``regno`` (or at ``fb_offset`` from the frame base, or is the
    parameter DIE ``param_ref``) on entry (call_site_parameter_matches)."""
    frames = dbg.frames()
    while frame.inline is not None and frame.level + 1 < len(frames):
        frame = frames[frame.level + 1]
    fn = frame.function
    func_addr = (fn.entry_pc if fn.entry_pc is not None else fn.low) if fn is not None else frame.pc
    if frame.level + 1 >= len(frames):
        raise L.NoEntryValue(f"DW_OP_entry_value resolving requires caller of {func_addr:#x} "
                             f"({_msym(dbg, func_addr)})")
    caller = frames[frame.level + 1]
    caller_pc = caller.pc
    site = next((s for s in call_sites(dbg, caller_pc - 1) if s.pc == caller_pc), None)
    if site is None:
        raise L.NoEntryValue(f"DW_OP_entry_value resolving cannot find DW_TAG_call_site {caller_pc:#x} "
                             f"in {_msym(dbg, caller_pc)}")
    target = _target(dbg, site, caller_pc)
    if target != func_addr:
        raise L.NoEntryValue(f"DW_OP_entry_value resolving expects callee {_msym(dbg, target)} at {target:#x} "
                             f"but the called frame is for {_msym(dbg, func_addr)} at {func_addr:#x}")
    _verify_no_selftailcall(dbg, func_addr)
    for param in site.params:
        if (regno is not None and param.regno == regno) or (fb_offset is not None and param.sp_offset == fb_offset) \
                or (param_ref is not None and param.param == param_ref):
            return param, caller, site
    raise L.NoEntryValue(f"Cannot find matching parameter at DW_TAG_call_site {caller_pc:#x} "
                         f"at {_msym(dbg, caller_pc)}")


def _caller_value(dbg: "Debugger", param: CallParam, caller: "Frame", site: CallSite, deref: int) -> L.Location:
    """gdb dwarf_entry_parameter_to_value: DW_AT_call_value (DW_AT_call_data_value for a
    dereferenced entry value) run in the caller, as a value (DW_OP_stack_value added)."""
    from vmdebug.debugger.variables import FrameContext
    data = param.value if deref == -1 else param.data_value
    if data is None:
        raise L.NoEntryValue("Cannot resolve DW_AT_call_data_value")
    return L.evaluate(data + b"\x9f", FrameContext(dbg, caller, site.unit))


def entry_value(dbg: "Debugger", frame: "Frame", kind: str, regno: int, deref: int) -> S.Entry:
    """DW_OP_entry_value of DWARF register ``regno`` in ``frame``, or with ``kind`` "param"
    DW_OP_GNU_parameter_ref of the parameter DIE ``regno`` (push_dwarf_reg_entry_value):
    the caller's DW_AT_call_value, as a typed stack element."""
    if kind == "param":
        param, caller, site = entry_parameter(dbg, frame, None, None, regno)
    else:
        param, caller, site = entry_parameter(dbg, frame, regno, None)
    loc = _caller_value(dbg, param, caller, site, deref)
    return loc.value, loc.base if loc.base is not None else S.BaseType(len(loc.data), True)


def _read_at_entry(dbg: "Debugger", frame: "Frame", var: "Variable") -> Value:
    """read_variable_at_entry (dwarf2/loc.c value_of_dwarf_block_entry): the parameter's
    location at its function's entry must be one register or one DW_OP_fbreg slot, whose
    caller's record gives the value.  Raises NoEntryValue (gdb's NO_ENTRY_VALUE_ERROR)
    when a link of that chain is missing, DebugError for any other failure."""
    t = var.type
    assert t is not None
    expr = var.expr
    if expr is None:
        fn = frame.function
        if fn is None or var.ranges is None:
            return Value(t, optimized_out=True, name=var.name)
        entry = fn.entry_pc if fn.entry_pc is not None else fn.low
        expr = L.select(var.ranges, entry, entry)
        if expr is None:
            return Value(t, optimized_out=True, name=var.name)
    regno = L.block_register(expr)
    fb_offset = L.block_fb_offset(expr) if regno is None else None
    if regno is None and fb_offset is None:
        raise L.NoEntryValue("DWARF-2 expression error: DW_OP_entry_value is supported only for single "
                             "DW_OP_reg* or for DW_OP_fbreg(*)")
    try:
        param, caller, site = entry_parameter(dbg, frame, regno, fb_offset)
    except L.NoEntryValue:
        raise
    except L.LocationError as exc:
        raise DebugError(str(exc)) from None
    try:
        loc = _caller_value(dbg, param, caller, site, -1)
    except L.Unavailable:                     # dwarf2_evaluate_loc_desc_full: optimized out
        return Value(t, optimized_out=True, name=var.name)
    except L.LocationError as exc:
        raise DebugError(str(exc)) from None
    except MemoryError as exc:
        raise DebugError(f"Cannot access memory at address {int(exc.args[0]):#x}") from None
    return Value(t, (loc.data + bytes(t.length))[:t.length], name=f"{var.name}@entry")


def parameter_entry_value(dbg: "Debugger", frame: "Frame", var: "Variable") -> Value:
    """``NAME@entry`` (var_entry_value_operation): the value, or gdb's error saying why not."""
    try:
        return _read_at_entry(dbg, frame, var)
    except L.NoEntryValue as exc:
        raise DebugError(str(exc)) from None


def frame_arg_texts(dbg: "Debugger", frame: "Frame") -> list[str]:
    """The arguments of a frame line (stack.c print_frame_args with gdb's default ``print
    entry-values default`` and ``print frame-arguments scalars``; read_frame_arg): a
    scalar parameter whose entry value is known prints ``n=n@entry=5`` when the two
    agree, ``n=6, n@entry=5`` when they differ; an unknown entry value prints nothing."""
    from vmdebug.debugger import evaluate as EV
    from vmdebug.debugger.variables import arg_text, frame_params, make_context, variable_value
    params = frame_params(dbg, frame)
    # print_frame_args: "presence" shows that there are arguments, "none" their names only
    mode = dbg.settings.frame_options.print_frame_arguments
    if mode == "presence":
        return ["..."] if params else []
    if mode == "none":
        return [f"{var.name}=..." for var in params]
    out = []
    for var in params:
        try:
            v = variable_value(dbg, var, frame)
            val_error = None
        except DebugError as exc:
            v = Value(var.type or S_INT, optimized_out=True, name=f"<error: {exc}>")
            val_error = str(exc)
        text = f"{var.name}={arg_text(dbg, v)}"
        t = var.type
        if t is None or not t.is_scalar() or var.const_value is not None or var.optimized_out:
            out.append(text)
            continue
        entry: Value | None = None
        entry_error = None
        try:
            entry = _read_at_entry(dbg, frame, var)
        except L.NoEntryValue:
            entry = None
        except DebugError as exc:
            entry_error = str(exc)
        if entry is not None and entry.optimized_out:
            entry = None
        if entry is not None and val_error is None:
            try:
                data = EV.fetch(make_context(dbg, frame), v, partial=True) if not v.optimized_out else None
            except DebugError:
                data = None
            if data is not None and v.valid is None and data[:t.length] == entry.data:
                out.append(f"{var.name}={var.name}@entry={arg_text(dbg, entry)}")
                continue
        if entry_error is not None and entry_error == val_error:
            entry_error = None
        if entry is not None:
            text += f", {var.name}@entry={arg_text(dbg, entry)}"
        elif entry_error is not None:
            text += f", {var.name}@entry=<error reading variable: {entry_error}>"
        out.append(text)
    return out
