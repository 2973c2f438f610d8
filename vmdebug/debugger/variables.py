"""Variables in frames: where gcc's DWARF says they are, and how gdb shows them.

A variable's location expression (or the location-list entry for the
frame's pc) is evaluated in the frame: its registers (unwound for callers),
its CFA and its function's DW_AT_frame_base.  A variable the DWARF cannot
place here is ``<optimized out>``; one in a register is a register lvalue
of that frame.  Names are found as gdb finds them (lookup_symbol): the
blocks around the pc, then file scope, then the ELF symbol table, where a
symbol without debug information has gdb's "no debug info" types.

``info locals`` lists block by block from the innermost outwards, each
block's variables in declaration order (gdb print_frame_local_vars);
``info args`` and the frame line list the parameters in order, and a frame
line shows only scalars, ``...`` for a struct, union or array argument
(gdb's ``print frame-arguments scalars``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from events import codes as C
from vmdebug.debuginfo import ctype as T
from vmdebug.debuginfo import location as L
from vmdebug.debuginfo.ctype import CType
from vmdebug.debuginfo.symbols import Block, Function, Variable
from vmdebug.debugger import evaluate as EV
from vmdebug.debugger import fpregs as FP
from vmdebug.debugger.values import AfterValueError, DebugError, Value
from vmdebug.safetext import safe_line

if TYPE_CHECKING:
    from vmdebug.debugger.frames import Frame
    from vmdebug.debugger.session import Debugger

# gdb's types for a symbol without debug information (gdbtypes.c objfile_type).
NODEBUG_DATA = CType("error", "<data variable, no debug info>", 0)
NODEBUG_TEXT = CType("func", "<text variable, no debug info>", 1, None)

# Registers as gdb's i386 target description types them.
INT32 = T.make_int("int32_t", 4, True)
INT16 = T.make_int("int16_t", 2, True)
INT8 = T.make_int("int8_t", 1, True)
INT8.nottext = True             # gdb's builtin_int8 (TYPE_NOTTEXT): $al prints as a number
CODE_PTR = T.pointer_to(T.func_type(T.VOID, [], prototyped=False))
EFLAGS = CType("int", "i386_eflags", 4, None, T.DW_ATE_unsigned)
_REG8 = {"al": (0, 0), "cl": (1, 0), "dl": (2, 0), "bl": (3, 0), "ah": (0, 8), "ch": (1, 8), "dh": (2, 8),
         "bh": (3, 8)}
_REG16 = {"ax": 0, "cx": 1, "dx": 2, "bx": 3, "sp": 4, "bp": 5, "si": 6, "di": 7}
GENERAL_REGS = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags")


class FrameContext:
    """A frame as the location evaluator sees it."""

    def __init__(self, dbg: "Debugger", frame: "Frame", unit: Any = None) -> None:
        self.dbg = dbg
        self.frame = frame
        self.pc = frame.lookup
        self.unit = unit            # the unit whose DWARF the expression is (for its base types)

    def base_type(self, offset: int) -> "L.S.BaseType":
        """The base type at ``offset`` in the expression's unit (DW_OP_convert & co.
        name one by its unit-relative offset; gdb dwarf_expr_context::get_base_type)."""
        reader = self.dbg.debug.reader if self.dbg.debug is not None else None
        if reader is None or self.unit is None:
            raise L.LocationError("Could not find type for operation")
        try:
            t = reader.type_at(self.unit.offset + offset).strip()
        except Exception:
            raise L.LocationError("Could not find type for operation") from None
        if t.kind not in ("int", "float", "enum"):
            raise L.LocationError("Could not find type for operation")
        code = "float" if t.kind == "float" else "bool" if t.encoding == T.DW_ATE_boolean else \
            "char" if t.encoding == T.DW_ATE_UTF else "int"
        return L.S.BaseType(t.length, not t.is_unsigned, code, t.name or "")

    def entry_value(self, kind: str, regno: int, deref: int) -> "L.S.Entry":
        """DW_OP_entry_value of register ``regno`` in this frame (see :mod:`.entry_values`)."""
        from vmdebug.debugger.entry_values import entry_value
        return entry_value(self.dbg, self.frame, kind, regno, deref)

    def reg(self, regno: int) -> int | None:
        """DWARF register ``regno`` (the i386 SysV numbering, gdb's i386_dbx_reg_to_regnum):
        0-9 the general registers and eflags, 11-18 st0-st7 (80 bits), 21-28 xmm0-xmm7
        (128 bits, as one integer)."""
        if regno <= 9:
            return self.frame.regs.get(regno)
        regs = self.dbg.regs
        if 11 <= regno <= 18:
            return FP.st(regs, regno - 11)
        if 21 <= regno <= 28:
            return int.from_bytes(FP.value_of(regs, f"xmm{regno - 21}")[1], "little")  # type: ignore[index]
        return None

    def read(self, address: int, size: int) -> bytes:
        data, bad = self.dbg.memory.try_read(address, size)
        if bad is not None:
            raise MemoryError(bad)
        return data

    def cfa(self) -> int:
        if self.frame.cfa is None:
            raise L.Unavailable("no CFA")
        return self.frame.cfa

    def frame_base(self) -> int:
        fn = self.frame.function
        if fn is None or fn.frame_base is None:
            raise L.Unavailable("no frame base")
        loc = L.evaluate(fn.frame_base, self)
        if loc.kind == "memory":
            return loc.address
        if loc.kind == "register":
            value = self.reg(loc.regno)
            if value is None:
                raise L.Unavailable("frame base register")
            return value
        if loc.kind == "value":
            return loc.value
        raise L.Unavailable("frame base")


def variable_value(dbg: "Debugger", var: Variable, frame: "Frame") -> Value:
    t = var.type or T.INT
    if var.const_value is not None:
        cv = var.const_value
        data = cv if isinstance(cv, bytes) else (cv & ((1 << (8 * max(t.length, 1))) - 1)).to_bytes(
            max(t.length, 1), "little")
        return Value(t, bytes(data[:t.length]), name=var.name)
    if var.declaration and var.expr is None and var.ranges is None:
        return _declared_elsewhere(dbg, var, frame)
    expr = var.expr
    if expr is None and var.ranges:
        fn = dbg.debug.function_at(frame.lookup) if dbg.debug is not None else None
        entry = None if fn is None else (fn.entry_pc if fn.entry_pc is not None else fn.low)
        expr = L.select(var.ranges, frame.lookup, entry)
    if expr is None:
        return Value(t, optimized_out=True, name=var.name)
    ctx = FrameContext(dbg, frame, var.unit)
    try:
        loc = L.evaluate(expr, ctx)
        if loc.kind == "memory":
            return Value(t, None, "memory", loc.address, name=var.name)
        if loc.kind == "register":
            reg = ctx.reg(loc.regno)
            if reg is None:
                return Value(t, optimized_out=True, name=var.name)
            # Read now, from this frame's registers: printed later (bt), the value would
            # otherwise be fetched with the selected frame's, which differ past a signal
            # trampoline (and in any frame whose caller-saved registers were restored).
            if 11 <= loc.regno <= 18 and t.strip().kind == "float" and t.length in (4, 8):
                # A float or double in an x87 register is converted from the 80-bit format,
                # rounding to nearest, as gdb's i387_register_to_value does.
                from vmdebug.machine.x87 import FCW_DEFAULT, f80_to_fp
                reg, _ = f80_to_fp(reg, 8 * t.length, FCW_DEFAULT)
            size = max(t.length, 4)
            data = (reg & ((1 << (8 * size)) - 1)).to_bytes(size, "little")[:t.length]
            return Value(t, data, "register", regno=loc.regno, name=var.name)
        if loc.kind == "optimized":
            return Value(t, optimized_out=True, name=var.name)
        if loc.kind == "pieces":
            data, valid = L.read_pieces(loc, t.length, ctx)
            if t.length and not any(valid):
                return Value(t, optimized_out=True, name=var.name)
            return Value(t, data, name=var.name, valid=None if all(b == 1 for b in valid) else valid,
                         synthetic=L.synthetic_pieces(loc))
        return Value(t, L.read_value(loc, t.length, ctx), name=var.name)
    except L.Unavailable:
        return Value(t, optimized_out=True, name=var.name)
    except L.LocationError as exc:
        raise DebugError(str(exc)) from None
    except MemoryError as exc:
        raise DebugError(f"Cannot access memory at address {int(exc.args[0]):#x}") from None


def indirect_synthetic(dbg: "Debugger", frame: "Frame", die: int, offset: int, target: CType) -> Value:
    """The ``target`` at byte ``offset`` of the object DIE ``die`` describes, evaluated in
    ``frame``: what an implicit pointer points to (dwarf2/loc.c indirect_synthetic_pointer:
    the DIE's location at the frame's pc, else its DW_AT_const_value, else optimized out)."""
    var = dbg.debug.variable_at_die(die) if dbg.debug is not None else None
    if var is None or var.type is None or offset < 0:
        raise DebugError("access outside bounds of object referenced via synthetic pointer")
    whole = variable_value(dbg, var, frame)
    if whole.optimized_out:
        return Value(target, optimized_out=True)
    if whole.lval == "memory" and whole.address is not None and whole.data is None:
        # dwarf2_evaluate_loc_desc_full: a subobject in memory is read there, unchecked.
        return Value(target, None, "memory", whole.address + offset)
    if offset + target.length > var.type.length:
        raise DebugError("access outside bounds of object referenced via synthetic pointer")
    if whole.data is None:
        data = EV.fetch(make_context(dbg, frame), whole, partial=True)
        whole = Value(whole.type, data, whole.lval, regno=whole.regno, name=whole.name)
    part = whole.part(target, offset)
    part.lval = "none"
    return part


def _declared_elsewhere(dbg: "Debugger", var: Variable, frame: "Frame") -> Value:
    """An ``extern`` declaration: the definition another unit has, else the ELF symbol."""
    debug = dbg.debug
    if debug is not None:
        for unit in debug.units_naming(var.name):
            for v in unit.variables:
                if v.name == var.name and not v.declaration and v.external:
                    return variable_value(dbg, v, frame)
    sym = dbg.info.lookup(var.name)
    if sym is not None:
        return Value(var.type or T.INT, None, "memory", sym.address, name=var.name)
    return Value(var.type or T.INT, optimized_out=True, name=var.name)


def function_value(fn: Function) -> Value:
    entry = fn.entry_pc if fn.entry_pc is not None else fn.low
    return Value(fn.type or NODEBUG_TEXT, None, "memory", entry, name=fn.name, code_address=entry)


def inlined_function_value(block: Block) -> Value:
    """An inlined call's own symbol: gdb files it in the inlined block itself
    (dwarf2/read.c new_symbol adds it to the scope read_func_scope just pushed), so
    the name is found only from inside that copy, as its entry pc."""
    call = block.inlined
    assert call is not None
    entry = block.entry_pc if block.entry_pc is not None else block.low
    return Value(call.type or call.function.type or NODEBUG_TEXT, None, "memory", entry,
                 name=call.function.name, code_address=entry)


def _scope(frame: "Frame") -> tuple[Block | None, Any]:
    block = frame.block
    unit = frame.function.unit if frame.function is not None else None
    return block, unit


def lookup(dbg: "Debugger", frame: "Frame", name: str, used_blocks: list[Block] | None = None,
           static_only: bool = False, bound: dict[str, Variable] | None = None) -> Value | None:
    """gdb's lookup_symbol for an expression's identifier, as a value in ``frame``; with
    ``static_only`` (no process: gdb has no frame) only globals and file statics."""
    debug = dbg.debug
    if debug is not None:
        block, unit = _scope(frame) if not static_only else (None, None)
        if unit is None and not static_only:
            unit = debug.unit_at(frame.lookup)
        b = block
        while b is not None:                        # gdb lookup_local_symbol
            for var in b.variables:
                if var.name == name:
                    # gdb's innermost_block_tracker counts only symbols that need a frame
                    # (symbol_read_needs_frame): not a constant, a static or an optimized-out
                    # one, whose display or watchpoint then belongs to no block.
                    frameless = var.const_value is not None or var.optimized_out or var.static_address() is not None
                    if used_blocks is not None and not frameless:
                        used_blocks.append(b)
                    if bound is not None and frameless:
                        bound[name] = var
                    return variable_value(dbg, var, frame)
            if b.inlined is not None and b.inlined.function.name == name:
                return inlined_function_value(b)
            if isinstance(b, Function) or b.inlined is not None:
                break
            b = b.parent
        found = debug.lookup_static(name, unit)
        if isinstance(found, Variable):
            return variable_value(dbg, found, frame)
        if isinstance(found, Function):
            return function_value(found)
        enum = debug.lookup_enumerator(name, unit)
        if enum is not None:
            return EV.make_int(enum[0], enum[1])
    sym = dbg.info.lookup(name)
    if sym is None:
        return None
    if sym.kind == "func" or (sym.kind == "notype" and dbg.info.in_text(sym.address)):
        return Value(NODEBUG_TEXT, None, "memory", sym.address, name=name, code_address=sym.address)
    return Value(NODEBUG_DATA, None, "memory", sym.address, name=name)


def known_at(dbg: "Debugger", pc: int, name: str) -> bool:
    """Whether ``name`` is a symbol in the scope of the code at ``pc`` (gdb parses a
    breakpoint condition in the block of the breakpoint's location)."""
    debug = dbg.debug
    if debug is not None:
        b = debug.block_at(pc)
        while b is not None:
            if any(var.name == name for var in b.variables):
                return True
            if b.inlined is not None and b.inlined.function.name == name:
                return True
            if isinstance(b, Function) or b.inlined is not None:
                break
            b = b.parent
        unit = debug.unit_at(pc)
        if debug.lookup_static(name, unit) is not None or debug.lookup_enumerator(name, unit) is not None:
            return True
    return dbg.info.lookup(name) is not None


def register(frame: "Frame", name: str, dbg: "Debugger | None" = None) -> Value | None:
    """``$eax``, ``$pc``, ``$al``... in ``frame``, with the types gdb's i386 description gives."""
    name = {"pc": "eip", "sp": "esp", "fp": "ebp", "ps": "eflags"}.get(name, name)
    regs = frame.regs
    if name in FP.FP_NAMES:
        # gdb's i386 unwinders leave the x87 and SSE registers alone: every frame sees the
        # values at the cursor (the REPL's state, not a frame's unwound general registers).
        if dbg is None:
            return None
        got = FP.value_of(dbg.regs, name)
        assert got is not None
        return Value(got[0], got[1], name=name)
    if name in GENERAL_REGS:
        n = C.REG_IDS[name]
        value = regs.get(n)
        if name == "eip":
            value = frame.pc
        if value is None:
            return Value(INT32, optimized_out=True, name=name)
        if name in ("esp", "ebp"):
            return EV.make_int(T.VOID_PTR, value)
        if name == "eip":
            return EV.make_int(CODE_PTR, value)
        if name == "eflags":
            return EV.make_int(EFLAGS, value)
        return EV.make_int(INT32, value)
    if name in ("cs", "ss", "ds", "es", "fs", "gs"):
        from vmdebug.machine.segments import USER_SELECTORS
        selectors = dbg.segment_selectors if dbg is not None else USER_SELECTORS["i386"]
        return EV.make_int(INT32, selectors[name])      # the layout's, as the program reads them
    if name == "orig_eax":          # -1 outside a system call (the gdb server reports it so too)
        return EV.make_int(FP.LONG, -1)
    if name in _REG16:
        value = regs.get(_REG16[name])
        return None if value is None else EV.make_int(INT16, value & 0xFFFF)
    if name in _REG8:
        n, shift = _REG8[name]
        value = regs.get(n)
        return None if value is None else EV.make_int(INT8, value >> shift & 0xFF)
    return None


def make_context(dbg: "Debugger", frame: "Frame") -> EV.EvalContext:
    if dbg.gone:
        return _frameless_context(dbg, frame)
    ctx = EV.EvalContext(dbg.memory.read, lambda name: lookup(dbg, frame, name, ctx.blocks_used, bound=ctx.bound),
                         lambda name: register(frame, name, dbg), dbg.values, dbg.convenience,
                         reg_value=lambda r: frame.regs.get(r), special=lambda name: _special(dbg, name),
                         warn=lambda text: dbg.error(f"warning: {text}"),
                         indirect=lambda die, off, t: indirect_synthetic(dbg, dbg.selected_frame(), die, off, t),
                         entry=lambda name: entry_of(dbg, frame, name, ctx.types_only),
                         scoped=lambda func, name: scoped_value(dbg, frame, func, name))
    ctx.internal = lambda name, nodes: internal_call(dbg, ctx, name, nodes)
    ctx.live = dbg.has_process
    return ctx


def internal_call(dbg: "Debugger", ctx: EV.EvalContext, name: str, nodes: list[Any]) -> Value | None:
    from vmdebug.debugger.internal_functions import call
    return call(dbg, ctx, name, nodes)


def bind(dbg: "Debugger", ctx: EV.EvalContext, frame: "Frame", bound: dict[str, Variable]) -> None:
    """Make ``ctx`` read ``bound``'s names as those variables, wherever the frame is: a
    display or watchpoint keeps the symbols its expression was parsed with, as gdb's
    parsed expression does (a static local read outside its function)."""
    if bound:
        found = ctx.lookup
        ctx.lookup = lambda name: variable_value(dbg, bound[name], frame) if name in bound else found(name)


def scoped_value(dbg: "Debugger", frame: "Frame", func: str, name: str) -> Value:
    """``::NAME`` (gdb: the global or file-static, whatever local shadows it) and
    ``FUNC::NAME`` (a variable of FUNC's outermost block, else a global): c-exp.y's
    ``COLONCOLON name`` and ``block COLONCOLON name``.  A local needs a frame of FUNC
    (value_of_variable: block_innermost_frame)."""
    if not func:
        found = lookup(dbg, frame, name, static_only=True)
        if found is None:
            raise DebugError(f'No symbol "{name}" in current context.')
        return found
    fns = dbg.debug.functions_named(func) if dbg.debug is not None else []
    if not fns:
        raise DebugError(f'No symbol "{func}" in current context.')
    fn = fns[0]
    var = next((v for v in fn.variables if v.name == name), None)
    if var is None:
        found = lookup(dbg, frame, name, static_only=True)
        if found is None:
            raise DebugError(f'No symbol "{name}" in specified context.')
        return found
    if var.const_value is not None or (var.expr is not None and var.expr[:1] == b"\x03"):
        return variable_value(dbg, var, frame)          # a constant, or DW_OP_addr: no frame needed
    if dbg.gone:
        raise DebugError("No frame selected.")
    for f in dbg.frames():
        if f.function is fn and f.inline is None:
            return variable_value(dbg, var, f)
    raise DebugError(f"No frame is currently executing in block {func}.")


def _frameless_context(dbg: "Debugger", frame: "Frame") -> EV.EvalContext:
    """Expressions where no process exists: globals read from the program file, and any
    register is gdb's "No registers." (value_of_register with no frame)."""
    def no_registers(name: str) -> Value | None:
        if register(frame, name, dbg) is not None:
            raise DebugError("No registers.")
        return None

    def no_value(regno: int) -> int | None:
        raise DebugError("No registers.")
    ctx = EV.EvalContext(dbg.memory.read, lambda name: lookup(dbg, frame, name, ctx.blocks_used, static_only=True),
                         no_registers, dbg.values, dbg.convenience, reg_value=no_value,
                         special=lambda name: _special(dbg, name), warn=lambda text: dbg.error(f"warning: {text}"),
                         scoped=lambda func, name: scoped_value(dbg, frame, func, name))
    ctx.internal = lambda name, nodes: internal_call(dbg, ctx, name, nodes)
    return ctx


def entry_of(dbg: "Debugger", frame: "Frame", name: str, types_only: bool = False) -> Value:
    """``NAME@entry``: c-exp.y accepts only a parameter whose value needs a frame (not a
    constant, not one without a location); its value is the caller's record of it
    (:func:`vmdebug.debugger.entry_values.parameter_entry_value`)."""
    var = None
    if dbg.debug is not None:
        b = frame.block
        while b is not None and var is None:            # lookup_local_symbol, as lookup() walks
            var = next((v for v in b.variables if v.name == name), None)
            if isinstance(b, Function) or b.inlined is not None:
                break
            b = b.parent
    if var is None or not var.is_param or var.const_value is not None or var.optimized_out \
            or var.type is None:
        raise DebugError(f'@entry can be used only for function parameters, not for "{name}"')
    if types_only:
        return Value(var.type, bytes(var.type.length), name=name)
    from vmdebug.debugger.entry_values import parameter_entry_value
    return parameter_entry_value(dbg, frame, var)


def _special(dbg: "Debugger", name: str) -> Value | None:
    if name in ("_thread", "_gthread", "_inferior"):
        # gdb's computed variables: the inferior is always 1; the thread is 1 while a
        # process exists (after `run`, before its exit), else 0.
        alive = name == "_inferior" or dbg.has_process
        return EV.make_int(T.INT, int(alive))
    if name not in ("_siginfo", "_exitcode", "_exitsignal"):
        return None
    from vmdebug.debugger.siginfo import special_variable
    return special_variable(dbg, name)


def innermost_block(blocks: list[Block]) -> Block | None:
    """The most nested of the blocks an expression took locals from (gdb's
    innermost_block_tracker), None when it used none."""
    best: Block | None = None
    best_depth = -1
    for b in blocks:
        depth = 0
        p: Block | None = b
        while p is not None:
            depth += 1
            p = p.parent
        if depth > best_depth:
            best, best_depth = b, depth
    return best


def block_in_scope(current: Block | None, block: Block | None) -> bool:
    """gdb contained_in(current, block, allow_nested=true)."""
    if block is None:
        return True
    b = current
    while b is not None:
        if b is block:
            return True
        b = b.parent
    return False


# ---- listings -----------------------------------------------------------------------
def _frame_function(frame: "Frame") -> Function | None:
    return frame.scope_function


def frame_params(dbg: "Debugger", frame: "Frame") -> list[Variable]:
    """The parameters of the frame's function (or inlined call), in order."""
    if dbg.debug is None:
        return []
    if frame.inline is not None:
        return [v for v in frame.inline.variables if v.is_param]
    if frame.function is not None:
        return list(frame.function.params)
    return []


def frame_args(dbg: "Debugger", frame: "Frame") -> list[tuple[str, Value]]:
    """The parameters of the frame's function, in order, as values in the frame."""
    out = []
    for var in frame_params(dbg, frame):
        try:
            out.append((var.name, variable_value(dbg, var, frame)))
        except DebugError as exc:
            out.append((var.name, Value(var.type or T.INT, optimized_out=True, name=f"<error: {exc}>")))
    return out


def frame_locals(dbg: "Debugger", frame: "Frame") -> list[tuple[str, Value]]:
    """``info locals``: the innermost block's variables, then each enclosing block's, up to
    the function (or the inlined function's block), parameters excluded."""
    out: list[tuple[str, Value]] = []
    b = frame.block
    stop = frame.inline if frame.inline is not None else frame.function
    while b is not None:
        for var in b.variables:
            if var.is_param:
                continue
            if isinstance(var.const_value, bytes):
                # a constant given as a block (a long double, a struct): gdb's LOC_CONST_BYTES,
                # which iterate_over_block_locals does not list (print still shows it)
                continue
            try:
                out.append((var.name, variable_value(dbg, var, frame)))
            except DebugError as exc:
                out.append((var.name, Value(var.type or T.INT, optimized_out=True, name=f"<error: {exc}>")))
        if b is stop or isinstance(b, Function):
            break
        if b.inlined is not None and b is not stop:
            break
        b = b.parent
    return out


def has_symbols(dbg: "Debugger", frame: "Frame") -> bool:
    return dbg.debug is not None and frame.function is not None


# ---- printing -----------------------------------------------------------------------
def show_value(dbg: "Debugger", v: Value, fmt: str = "", top_level: bool = True, strict: bool = False) -> str:
    """gdb's value printing: ``top_level`` is print's value_print (a pointer gets its
    ``(type *)`` prefix), otherwise common_val_print; an error reading the value itself
    is raised when ``top_level`` or ``strict``, else shown inline as ``<error: ...>``."""
    if v.name.startswith("<error: "):
        return v.name
    if v.optimized_out:
        return "<optimized out>"
    t = v.type.strip()
    if t.kind == "error":
        raise DebugError(f"'{v.name}' has unknown type; cast it to its declared type")
    ctx = make_context(dbg, dbg.selected_frame())
    if t.kind == "func":
        address = v.code_address if v.code_address is not None else v.address
        # A function's value is its first byte of code (TYPE_LENGTH 1): what p/x shows.
        # gdb fetches it like any lazy value: unreadable code is an error.
        got, bad = dbg.memory.try_read(address or 0, 1)
        if bad is not None:
            message = f"Cannot access memory at address {bad:#x}"
            if top_level or strict:
                raise DebugError(message)
            return f"<error: {message}>"
        data = got
    else:
        try:
            data = EV.fetch(ctx, v, partial=True)
        except DebugError as exc:
            if top_level or strict:
                raise
            return f"<error: {exc}>"
        address = v.address if v.lval == "memory" and not v.bitsize else None
    if t.name == "i386_eflags" and fmt in ("", "s"):
        from vmdebug.debugger.values import eflags_text
        return eflags_text(int.from_bytes(data, "little"))
    if t.name == "i386_mxcsr" and fmt in ("", "s"):
        return FP.flags_text(int.from_bytes(data, "little"), FP.MXCSR_FLAGS)
    from vmdebug.debuginfo import valprint

    def memory(address: int, size: int) -> bytes:
        got, bad = dbg.memory.try_read(address, size)
        if bad is not None:
            raise valprint.TargetMemoryError(bad)
        return got
    try:
        return valprint.format_value(v.type, data, address, fmt, memory, dbg.symbolize, top_level=top_level,
                                     valid=v.valid, options=dbg.settings.print_options)
    except valprint.ValuePrintError as exc:
        if top_level and not exc.before_value:
            raise AfterValueError(exc.message) from None
        raise DebugError(exc.message) from None


def arg_text(dbg: "Debugger", v: Value) -> str:
    """gdb print_frame_arg: with ``print frame-arguments scalars`` (the default) a struct,
    union or array is ``...``; anything else, or everything with ``all``, prints as inside an
    aggregate (no ``(type *)`` prefix), never pretty (get_no_prettyformat_print_options)."""
    # valprint.c value_check_printable: in summary mode even an optimized-out aggregate is "...".
    summary = dbg.settings.frame_options.print_frame_arguments == "scalars"
    if summary and not v.name.startswith("<error: ") and not v.type.is_scalar():
        return "..."
    saved = dbg.settings.print_options
    if saved.pretty:
        dbg.settings.print_options = saved.copy()
        dbg.settings.print_options.pretty = False
    try:
        return show_value(dbg, v, "", top_level=False, strict=True)
    except DebugError as exc:
        return f"<error reading variable: {exc}>"
    finally:
        dbg.settings.print_options = saved


def frame_line(dbg: "Debugger", frame: "Frame", force_addr: bool = False) -> str:
    """gdb's print_frame: ``[0xADDR in ]NAME (ARGS)[ at FILE:LINE]``."""
    if frame.sigtramp:
        return "<signal handler called>"
    from vmdebug.debugger.entry_values import frame_arg_texts
    args = frame_arg_texts(dbg, frame)
    head = f"{safe_line(frame.name)} ({', '.join(args)})"
    loc, show_addr = frame_sal(dbg, frame)
    if force_addr:
        show_addr = True
    # print_frame: the pc only with print address on
    text = (f"{frame.pc:#010x} in " if show_addr and dbg.settings.print_options.addressprint else "") + head
    if loc is not None:
        text += f" at {dbg.info.short_file(loc[0])}:{loc[1]}"
    return text


def frame_sal(dbg: "Debugger", frame: "Frame") -> tuple[tuple[str, int] | None, bool]:
    """The frame's source position and whether gdb shows its pc (find_frame_sal,
    frame_show_address): a caller of an inline frame is at the call site, with no pc."""
    if frame.inner_inline is not None and frame.inner_inline.inlined is not None:
        call = frame.inner_inline.inlined
        return (call.call_file, call.call_line), False
    if frame.level == 0 and frame.skipped_inline is not None and frame.skipped_inline.inlined is not None:
        call = frame.skipped_inline.inlined
        return (call.call_file, call.call_line), False
    info = dbg.info
    loc = info.line_for(frame.lookup)
    if loc is None:
        return None, True
    return loc, frame.lookup != frame.pc or info.shows_address(frame.pc)
