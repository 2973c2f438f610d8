"""Evaluating gdb's C expressions against a frame of the recorded process.

The rules are gdb 13's (gdb/eval.c, valarith.c, valops.c): integer
promotion and the usual conversions of ``binop_promote`` (sizes of int and
long are 4 on i386; a result no wider than int is int or unsigned int),
arrays decaying to pointers except under ``sizeof`` and ``&``, pointer
arithmetic scaled by the target's size, a pointer difference of type
``long``, comparisons and ``!`` of type int, ``_Bool`` refusing arithmetic,
``ptr.member`` and ``struct->member`` both accepted as gdb accepts them.

Values are lazy: a variable is an lvalue (memory or register) whose bytes are
read when needed, and every read is noted in the context - which is how
watchpoints learn what to watch.  The history cannot change, so assignment
and function calls are refused with one line.
"""
from __future__ import annotations

from typing import Any, Callable

from events.record import Record
from vmdebug.debuginfo import ctype as T
from vmdebug.debuginfo.ctype import CType
from vmdebug.debugger.values import DebugError, Value
# Values' contents as numbers live in .scalars, C's arithmetic on them in .arithmetic;
# they are named here too, where the evaluator's callers (EV.make_int, EV.binop...) find them.
from vmdebug.debugger.scalars import (  # noqa: F401
    BFLOAT16_NAME, MAX_VALUE_SIZE, as_float, as_int, fetch, make_float, make_int,
)
from vmdebug.debugger.arithmetic import (  # noqa: F401
    binop, coerce_array, convert, is_integral, no_user_operator, promote, ptr_add, rvalue, truth, type_text, unop,
)



class EvalContext(Record):
    """What an expression can see.  Filled by the debugger for the selected frame."""

    def __init__(self, read_mem: Callable[[int, int], bytes], lookup: Callable[[str], Value | None],
                 read_reg: Callable[[str], Value | None], history: list[Value] | None = None,
                 convenience: dict[str, Value] | None = None, regs_read: set[str] | None = None,
                 mem_read: list[tuple[int, int]] | None = None,
                 reg_value: Callable[[int], int | None] | None = None, blocks_used: list[Any] | None = None,
                 special: Callable[[str], Value | None] | None = None,
                 warn: Callable[[str], None] | None = None,
                 indirect: Callable[[int, int, CType], Value] | None = None,
                 entry: Callable[[str], Value] | None = None,
                 scoped: Callable[[str, str], Value] | None = None) -> None:
        self.read_mem = read_mem  # raises DebugError when unmapped
        self.lookup = lookup  # a variable, function or enumerator
        self.read_reg = read_reg  # $eax, $pc, ...
        self.history = [] if history is None else history
        self.convenience = {} if convenience is None else convenience
        self.regs_read = set() if regs_read is None else regs_read
        self.mem_read = [] if mem_read is None else mem_read
        self.reg_value = reg_value  # a DWARF register of the frame
        self.blocks_used = [] if blocks_used is None else blocks_used  # blocks whose locals were named
        #: Locals named that need no frame (a constant, a static, one optimized out), by name:
        #: a display binds them as gdb's parsed expression binds its symbols.
        self.bound: dict[str, Any] = {}
        self.special = special  # gdb's computed $_siginfo, $_exitcode
        self.warn = warn        # gdb's warning(): said at once, the evaluation goes on
        self.indirect = indirect  # the object an implicit pointer points to (DIE, offset, type)
        self.types_only = False  # gdb's EVAL_AVOID_SIDE_EFFECTS (whatis, ptype, sizeof)
        self.entry = entry  # NAME@entry: a parameter's value on entry to its function
        self.scoped = scoped  # FUNC::NAME and ::NAME
        #: gdb's internal functions ($_streq(...)): (name, argument nodes) -> the value, or
        #: None when the name is not one (vmdebug.debugger.internal_functions).
        self.internal: Callable[[str, list[Any]], Value | None] | None = None
        #: A process runs (gdb could copy a value into it, value_coerce_to_target).
        self.live = False

    def read(self, address: int, size: int) -> bytes:
        self.mem_read.append((address & 0xFFFFFFFF, size))
        return self.read_mem(address & 0xFFFFFFFF, size)


def deref(ctx: EvalContext, v: Value) -> Value:
    """``*v`` (gdb value_ind): a pointer's target; an integer is used as an address of
    an int-sized... long, as gdb does; a function stays itself."""
    t = v.type.strip()
    if t.kind == "func":
        return v
    if t.kind == "array":
        v = coerce_array(ctx, v)
        t = v.type.strip()
    if t.kind in ("struct", "union"):
        # gdb looks for a C++ operator* before it gives up (value_x_unop), taking the address.
        if v.lval != "memory":
            raise DebugError("Attempt to take address of value not located in memory.")
        raise DebugError("Structure has no component named operator*.")
    if t.kind == "pointer" and v.synthetic:
        found = _indirect_synthetic(ctx, v, t)
        if found is not None:
            return found
    v = rvalue(ctx, v)
    if t.kind == "pointer":
        target = t.target or T.VOID
        tt = target.strip()
        if tt.kind == "void":
            raise DebugError("Attempt to dereference a generic pointer.")     # eval.c unop_ind
        if tt.kind == "func":
            return Value(target, None, "memory", as_int(v) & 0xFFFFFFFF, code_address=as_int(v) & 0xFFFFFFFF)
        return Value(target, None, "memory", as_int(v) & 0xFFFFFFFF)
    if t.kind in ("int", "enum"):
        return Value(T.LONG, None, "memory", as_int(v) & 0xFFFFFFFF)

    raise DebugError("Attempt to take contents of a non-pointer value.")


def _indirect_synthetic(ctx: EvalContext, v: Value, t: CType) -> Value | None:
    """``*p`` of an implicit pointer (dwarf2/expr.c indirect_pieced_value): when the
    pointer's first byte is an implicit-pointer piece, the object its DIE describes, at
    the piece's offset plus the pointer's own (zero unless arithmetic moved it); None
    when it is not synthetic there."""
    for start, size, die, offset in v.synthetic:
        if start != 0:
            continue
        if size != t.length:
            raise DebugError("Invalid use of DW_OP_implicit_pointer")
        if ctx.indirect is None:
            raise DebugError("access outside bounds of object referenced via synthetic pointer")
        data = fetch(ctx, v, partial=True)
        moved = int.from_bytes(data[:t.length], "little", signed=True)
        return ctx.indirect(die, offset + moved, t.target or T.VOID)
    return None


def address_of_variable(ctx: EvalContext, v: Value, name: str) -> Value:
    """``&name`` (valops.c address_of_variable): a variable in memory, or a function,
    has an address; one in a register says which; anything else - a value computed by
    its DWARF, assembled from pieces, or optimized out - is not an lvalue."""
    t = v.type.strip()
    if t.kind == "func" or (v.lval == "memory" and v.address is not None and not v.bitsize
                            and not v.optimized_out):
        return address_of(ctx, v)
    if ctx.types_only:
        # var_value_operation::evaluate_for_address under EVAL_AVOID_SIDE_EFFECTS: only
        # the type matters, a zero pointer to the variable's type.
        return make_int(T.pointer_to(v.type), 0)
    if v.lval == "register":
        return address_of(ctx, v)
    raise DebugError(f'Can\'t take address of "{name}" which isn\'t an lvalue.')


def address_of(ctx: EvalContext, v: Value) -> Value:
    t = v.type.strip()
    if t.kind == "func":
        return make_int(T.pointer_to(v.type), v.code_address if v.code_address is not None else v.address or 0)
    if v.bitsize:
        raise DebugError("Attempt to take address of value not located in memory.")
    if v.lval == "register":
        raise DebugError(f"Address requested for identifier \"{v.name}\" which is in register "
                         f"${_REG_NAMES.get(v.regno or 0, 'eax')}")
    if v.lval != "memory" or v.address is None:
        raise DebugError("Attempt to take address of value not located in memory.")
    return make_int(T.pointer_to(v.type), v.address)


_REG_NAMES = {0: "eax", 1: "ecx", 2: "edx", 3: "ebx", 4: "esp", 5: "ebp", 6: "esi", 7: "edi", 8: "eip"}


def member(ctx: EvalContext, v: Value, name: str, arrow: bool) -> Value:
    """``v.name`` / ``v->name``: gdb follows a pointer for either (an array is a pointer
    to its first element: value_struct_elt coerces it), and errors as it does."""
    t = v.type.strip()
    if t.kind == "array":
        v = coerce_array(ctx, v)
        t = v.type.strip()
    if t.kind == "pointer":
        target = (t.target or T.VOID).strip()
        if target.kind not in ("struct", "union"):
            raise DebugError("Attempt to extract a component of a value that is not a structure pointer."
                             if arrow else "Attempt to extract a component of a value that is not a structure.")
        v = deref(ctx, v)
        t = v.type.strip()
    elif t.kind not in ("struct", "union"):
        raise DebugError("Attempt to extract a component of a value that is not a structure pointer."
                         if arrow else "Attempt to extract a component of a value that is not a structure.")
    elif arrow and v.lval != "memory":
        # eval_op_structop_ptr tries a C++ operator-> first, which takes the address.
        raise DebugError("Attempt to take address of value not located in memory.")
    found = _find_member(t, name, 0)
    if found is None:
        raise DebugError(f"There is no member named {name}.")
    m, bitpos = found
    return _member_value(ctx, v, m, bitpos)


def _find_member(t: CType, name: str, base: int) -> tuple[Any, int] | None:
    """A member by name, looking into anonymous structs and unions (gdb search_struct_field)."""
    for m in t.members:
        if m.name == name:
            return m, base + m.bitpos
    for m in t.members:
        if m.name is None and m.type.strip().kind in ("struct", "union"):
            found = _find_member(m.type.strip(), name, base + m.bitpos)
            if found is not None:
                return found
    return None


def _member_value(ctx: EvalContext, v: Value, m: Any, bitpos: int) -> Value:
    if m.bit_size:
        if v.lval == "memory" and v.address is not None and v.data is None:
            return Value(m.type, None, "memory", v.address, bitpos=bitpos, bitsize=m.bit_size, name=m.name or "")
        data = fetch(ctx, v)
        raw = int.from_bytes(data, "little") >> bitpos & ((1 << m.bit_size) - 1)
        if not m.type.strip().is_unsigned and raw >> (m.bit_size - 1):
            raw -= 1 << m.bit_size
        return make_int(m.type, raw)
    off = bitpos // 8
    if v.lval == "memory" and v.address is not None and v.data is None:
        return Value(m.type, None, "memory", v.address + off, name=m.name or "")
    fetch(ctx, v, partial=True)
    return v.part(m.type, off)


def index(ctx: EvalContext, v: Value, i: Value) -> Value:
    """``v[i]``: an array element (still an lvalue in memory) or ``*(v + i)``."""
    t = v.type.strip()
    no_user_operator("[]", v.type)
    iv = rvalue(ctx, i)
    if not is_integral(iv.type):
        if is_integral(t) and iv.type.strip().kind in ("pointer", "array"):
            return index(ctx, i, v)
        raise DebugError("Argument to arithmetic operation not a number or boolean.")
    n = as_int(iv)
    if t.kind == "array":
        elt = t.target or T.VOID
        if v.lval == "memory" and v.address is not None:
            return Value(elt, None, "memory", (v.address + n * elt.length) & 0xFFFFFFFF)
        fetch(ctx, v, partial=True)
        if not 0 <= n < (t.count or 0):
            raise DebugError("no such vector element")
        return v.part(elt, n * elt.length)
    if t.kind == "pointer":
        return deref(ctx, ptr_add(rvalue(ctx, v), n))
    raise DebugError(f"cannot subscript something of type `{type_text(v.type)}'")


def artificial_array(ctx: EvalContext, v: Value, n: Value) -> Value:
    """gdb's ``*p@N``: N objects from where ``v`` is."""
    count = as_int(rvalue(ctx, n))
    if count <= 0:
        raise DebugError(f"Invalid number {count} of repetitions.")
    if v.lval != "memory" or v.address is None:
        raise DebugError("Only values in memory can be extended with '@'.")
    return Value(T.array_of(v.type, count), None, "memory", v.address)


def sizeof_type(t: CType) -> Value:
    st = t.strip()
    if st.kind == "void":
        return make_int(T.UINT, 1)
    if st.kind in ("struct", "union", "enum") and st.stub:
        raise DebugError("Attempt to take size of incomplete type")
    # gdb types sizeof as int (evaluate_subexp_for_sizeof with the C int type).
    return make_int(T.INT, t.length if st.kind != "func" else 1)


# ---- the walk ----------------------------------------------------------------------
def evaluate(node: Any, ctx: EvalContext) -> Value:
    """The value of an expression tree from :mod:`vmdebug.debugger.expressions`."""
    kind = node[0]
    if kind == "num":
        return make_int(node[2], node[1])
    if kind == "float":
        return make_float(node[2], node[1])
    if kind == "str":
        data = node[1] + b"\0"
        return Value(T.array_of(T.CHAR, len(data)), data)
    if kind == "type":
        raise DebugError("Attempt to use a type name as an expression")
    if kind == "var":
        v = ctx.lookup(node[1])
        if v is None:
            raise DebugError(f'No symbol "{node[1]}" in current context.')
        return v
    if kind == "dollar":
        return dollar(node[1], ctx)
    if kind == "scope":
        if ctx.scoped is None:
            raise DebugError(f'No symbol "{node[2]}" in current context.')
        return ctx.scoped(node[1], node[2])
    if kind == "entry":
        if ctx.entry is None:
            raise DebugError(f'@entry can be used only for function parameters, not for "{node[1]}"')
        return ctx.entry(node[1])
    if kind == "un":
        op = node[1]
        if op == "&":
            if node[2][0] == "var":
                return address_of_variable(ctx, evaluate(node[2], ctx), node[2][1])
            if node[2][0] == "un" and node[2][1] == "*":
                # unop_ind_base_operation::evaluate_for_address: ``&*x`` is x, arrays decayed
                # (a struct first looks for a user-defined operator*, as deref does).
                x = evaluate(node[2][2], ctx)
                if x.type.strip().kind not in ("struct", "union"):
                    return coerce_array(ctx, x)
            return address_of(ctx, evaluate(node[2], ctx))
        if op == "*":
            return deref(ctx, evaluate(node[2], ctx))
        return unop(ctx, op, evaluate(node[2], ctx))
    if kind == "bin":
        op = node[1]
        if op == "@":
            return artificial_array(ctx, evaluate(node[2], ctx), evaluate(node[3], ctx))
        if op == "&&":
            a = evaluate(node[2], ctx)
            no_user_operator(op, a.type, type_of(node[3], ctx))
            if not truth(ctx, a):
                return make_int(T.INT, 0)
            return make_int(T.INT, int(truth(ctx, evaluate(node[3], ctx))))
        if op == "||":
            a = evaluate(node[2], ctx)
            no_user_operator(op, a.type, type_of(node[3], ctx))
            if truth(ctx, a):
                return make_int(T.INT, 1)
            return make_int(T.INT, int(truth(ctx, evaluate(node[3], ctx))))
        return binop(ctx, op, evaluate(node[2], ctx), evaluate(node[3], ctx))
    if kind == "?":
        return evaluate(node[2] if truth(ctx, evaluate(node[1], ctx)) else node[3], ctx)
    if kind == "comma":
        evaluate(node[1], ctx)
        return evaluate(node[2], ctx)
    if kind == "cast":
        return cast(ctx, node[1], evaluate(node[2], ctx))
    if kind == "brace":
        operand = evaluate(node[2], ctx)
        t = node[1].strip()
        if ctx.live and operand.type.strip().kind == "array" and operand.lval != "memory" \
                and operand.data is not None and t.length <= len(operand.data):
            # {char[5]}"hello" (the manual's way to search for a string without its NUL):
            # gdb copies the array into the inferior (value_coerce_to_target) and reads
            # the type's bytes back; a recorded history cannot allocate, but those bytes
            # are the array's own.  The value has no address here (gdb's is on the heap);
            # a type longer than the array would read heap bytes nobody knows: refused.
            return Value(node[1], operand.data[:t.length])
        addr = rvalue(ctx, operand)
        return Value(node[1], None, "memory", as_int(addr) & 0xFFFFFFFF)
    if kind == "member":
        return member(ctx, evaluate(node[1], ctx), node[2], False)
    if kind == "ptrmember":
        return member(ctx, evaluate(node[1], ctx), node[2], True)
    if kind == "index":
        return index(ctx, evaluate(node[1], ctx), evaluate(node[2], ctx))
    if kind == "sizeof_type":
        return sizeof_type(node[1])
    if kind == "sizeof":
        return sizeof_type(type_of(node[1], ctx))
    if kind in ("alignof_type", "alignof"):
        t = node[1] if kind == "alignof_type" else type_of(node[1], ctx)
        return make_int(T.INT, _alignment(t))
    if kind in ("pre", "post"):
        no_user_operator(node[1], type_of(node[2], ctx))
    if kind == "assign" and node[2][0] == "dollar" and _is_convenience(node[2][1], ctx):
        # A convenience variable is the debugger's own, not the program's: gdb sets it
        # (value.c set_internalvar), and so may we - the history is untouched.
        name = node[2][1][1:]
        _not_a_function(name, ctx)
        rhs = node[3] if node[1] == "=" else ("bin", node[1][:-1], node[2], node[3])
        value = evaluate(rhs, ctx)
        if value.type.strip().kind in ("array", "func") and value.lval == "memory":
            # value_assign to an internalvar: "Coerce arrays and functions to pointers,
            # except for arrays which only live in GDB's storage."
            value = coerce_array(ctx, value)
        value = Value(value.type, fetch(ctx, value))
        ctx.convenience[name] = value
        return value
    if kind in ("pre", "post") and node[2][0] == "dollar" and _is_convenience(node[2][1], ctx):
        # ++$i / $i-- on a convenience variable: gdb's unop_incr/decr assign through
        # value_assign like any lvalue, and the variable is the debugger's own.
        # The variable takes the sum's own type ($c of a char 127 becomes the int 128):
        # value_assign gives an internalvar the value as it is, with no cast.
        name = node[2][1][1:]
        _not_a_function(name, ctx)
        old = evaluate(node[2], ctx)
        if old.type.strip().kind not in ("int", "enum", "float", "pointer"):
            raise DebugError("Not a numeric type.")            # value_one
        new = evaluate(("bin", node[1][0], node[2], ("num", 1, T.INT)), ctx)
        new = Value(new.type, fetch(ctx, new))
        ctx.convenience[name] = new
        return new if kind == "pre" else Value(old.type, fetch(ctx, old))
    if kind in ("assign", "pre", "post"):
        target = evaluate(node[2], ctx)
        if target.lval not in ("memory", "register") and node[2][0] != "dollar":     # gdb value_assign
            raise DebugError("Left operand of assignment is not an lvalue.")
        raise DebugError("Cannot change the program's state: vmdebug replays a recorded history, "
                         "which cannot be altered.")
    if kind == "call":
        callee = node[1]
        if callee[0] == "dollar" and ctx.internal is not None:
            got = ctx.internal(callee[1][1:], node[2])
            if got is not None:
                return got
            if dollar(callee[1], ctx).type.strip().kind == "void":
                raise DebugError("Invalid data type for function to be called.")
        raise DebugError("Cannot call functions: vmdebug replays a recorded history and does not run "
                         "the program again.")
    raise DebugError("A syntax error in expression.")


def _not_a_function(name: str, ctx: EvalContext) -> None:
    """value.c set_internalvar: an internal function ($_streq) cannot be assigned to."""
    if ctx.internal is not None and name not in ctx.convenience:
        from vmdebug.debugger.internal_functions import NAMES
        if name in NAMES:
            raise DebugError(f"Cannot overwrite convenience function {name}")


def _is_convenience(name: str, ctx: EvalContext) -> bool:
    """``$foo`` names a convenience variable: not a register, not the value history."""
    body = name[1:]
    return not body.startswith("$") and _history_number(body) is None and ctx.read_reg(body) is None


def _history_number(body: str) -> int | None:
    """``$``, ``$$``, ``$N`` and ``$$N`` (without the first ``$``) as a history index:
    0 and below count back from the last value (gdb value.c access_value_history)."""
    if body == "":
        return 0
    if body.startswith("$"):
        rest = body[1:]
        return -(int(rest) if rest else 1) if rest == "" or rest.isdigit() else None
    return int(body) if body.isdigit() else None


def type_of(node: Any, ctx: EvalContext) -> CType:
    """The static type of an expression, without reading memory (gdb evaluate_type)."""
    if node[0] == "type":
        return node[1]
    saved = ctx.read_mem

    def no_read(address: int, size: int) -> bytes:
        return bytes(size)
    ctx.read_mem = no_read
    ctx.types_only = True
    try:
        return evaluate(node, ctx).type
    finally:
        ctx.read_mem = saved
        ctx.types_only = False


def _alignment(t: CType) -> int:
    """i386 System V alignment (long long and double align to 4, i386 psABI Table 2.1)."""
    st = t.strip()
    if st.kind == "array":
        return _alignment(st.target or T.VOID)
    if st.kind in ("struct", "union"):
        return max((_alignment(m.type) for m in st.members), default=1)
    return min(max(st.length, 1), 4)


def cast(ctx: EvalContext, t: CType, v: Value) -> Value:
    """``(T) v`` (gdb value_cast): aggregates are reinterpreted in place, arrays and
    functions decay first, an unknown-type symbol takes the type at its address."""
    st = t.strip()
    if v.type.code == "error":
        if v.lval == "memory" and v.address is not None:
            return Value(t, None, "memory", v.address, name=v.name)
        raise DebugError(f"'{v.name}' has unknown type; cast it to its declared type")
    if st.kind in ("struct", "union") or (st.kind == "array" and v.type.strip().kind == "array"):
        if v.type.length != t.length and st.kind != "array":
            raise DebugError("Invalid cast.")
        if v.lval == "memory" and v.address is not None and v.data is None:
            return Value(t, None, "memory", v.address)
        fetch(ctx, v, partial=True)
        return v.part(t, 0)
    return convert(ctx, coerce_array(ctx, v), t)


def dollar(name: str, ctx: EvalContext) -> Value:
    """``$reg``, ``$N``, ``$``, ``$$``, ``$$N`` and convenience variables (gdb value.c)."""
    body = name[1:]
    hist = ctx.history
    num = _history_number(body)
    if num is not None:                                   # gdb value.c access_value_history
        absnum = num + len(hist) if num <= 0 else num
        if absnum <= 0:
            if num == 0:
                raise DebugError("The history is empty.")
            if num == 1:
                raise DebugError("There is only one value in the history.")
            raise DebugError(f"History does not go back to $${-num}.")
        if absnum > len(hist):
            raise DebugError(f"History has not yet reached ${absnum}.")
        return hist[absnum - 1]
    v = ctx.read_reg(body)
    if v is not None:
        ctx.regs_read.add(body)
        return v
    if ctx.special is not None:
        v = ctx.special(body)
        if v is not None:
            return v
    if body in ctx.convenience:
        return ctx.convenience[body]
    if ctx.internal is not None:
        from vmdebug.debugger.internal_functions import NAMES, bare_value
        if body in NAMES:
            return bare_value(body)
    return Value(T.VOID, b"")
