"""The ``x`` command's machinery, ported from gdb 13's printcmd.c: ``decode_format``,
``x_command``, ``do_examine`` (negative counts: ``find_string_backward``,
``find_instruction_backward``), ``print_formatted``'s bookkeeping of the next address,
and ``set_next_address``.

gdb keeps four globals between commands: the last format letter and size letter (``x``
without them reuses them), the last count (a bare ``x`` repeats it when it was positive)
and the next address (where a bare ``x`` goes on).  Here they are ``dbg.x_state`` =
(format, size letter, next address) and ``dbg.x_count``.  Besides ``x``, ``print``,
``output`` and displays move the next address (print_formatted: to the end of a value
in memory), ``info line`` and ``info breakpoints`` set it (set_next_address).  Only
do_examine (``x`` with an address, ``display/i``) and set_next_address make a bare ``x``
possible (``dbg.x_armed``, gdb's next_gdbarch)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vmdebug.debugger import values as V
from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger
    from vmdebug.debugger.values import Value

#: Unit size letters and their bytes (do_examine; 'a' is the pointer size).
SIZE_BYTES = {"b": 1, "h": 2, "w": 4, "g": 8, "a": 4}
MASK = 0xFFFFFFFF


class Format:
    """gdb's ``struct format_data`` after decode_format: a count, a format letter ("" is
    gdb's 0: print by the type, decimal for x's integers) and a size letter ("" when
    ``x/s`` names none)."""

    __slots__ = ("count", "format", "size")

    def __init__(self, count: int, format: str, size: str) -> None:
        self.count = count
        self.format = format
        self.size = size


def decode_format(text: str, oformat: str, osize: str) -> tuple[Format, str]:
    """printcmd.c decode_format on the text after ``/``: the format and the rest (the
    expression).  A count may start with ``-``; then any of the size letters b h w g,
    r and m (raw, memory tags: no effect here) and any other lower-case letter (the
    format: a wrong one fails when an item is printed); anything else ends the letters."""
    p = 0
    count = 1
    if text[p:p + 1] == "-":
        count = -1
        p += 1
    digits = ""
    while p < len(text) and text[p] in "0123456789":
        digits += text[p]
        p += 1
    if digits:
        count *= int(digits)
    fmt = size = "?"
    while p < len(text):
        c = text[p]
        if c in "bhwg":
            size = c
        elif c in "rm":
            pass
        elif "a" <= c <= "z":
            fmt = c
        else:
            break
        p += 1
    rest = text[p:].lstrip(" \t")
    if fmt == "?":
        if size == "?":
            fmt, size = oformat, osize
        else:               # a size alone: any format but i makes a reasonable default
            fmt = "x" if oformat == "i" else oformat
    elif size == "?":
        if fmt == "a":
            size = "a" if osize else osize
        elif fmt == "f":    # floating point has to be word or giantword
            size = osize if osize in ("w", "g") else ("g" if osize else osize)
        elif fmt == "c":
            size = "b" if osize else osize
        elif fmt == "s":    # strings are of bytes unless a size is given
            size = ""
        else:
            size = osize
    return Format(count, fmt, size), rest


def insn_text(dbg: "Debugger", addr: int) -> tuple[str, int]:
    """gdb's ``x/i`` text of the instruction at ``addr`` and its length, in the flavor
    ``set disassembly-flavor`` chose (gdb's default ``att``, or ``intel``).

    gdb prints through libopcodes like objdump, except that a branch target is
    ``0x8049176 <main+6>`` (its print_address) where objdump says ``8049176 <main+6>``."""
    # The instruction tables load on the first x/i, not with every session (issue #17).
    from vmdebug.isa.decoder import decode
    from vmdebug.isa.operands import Rel
    code = dbg.memory.read(addr, 1) and dbg.memory.try_read(addr, 15)[0]
    try:
        insn = decode(code, addr)
    except Exception:
        return "(bad)", 1
    if dbg.settings.disassembly_flavor == "intel":
        from vmdebug.isa import disasm as printer
    else:
        from vmdebug.isa import disasm_att as printer  # type: ignore[no-redef]
    head = " ".join((*printer.prefix_words(insn), printer.mnemonic_text(insn)))
    ops = []
    for i in printer.operand_order(insn):
        op = insn.operands[i]
        if isinstance(op, Rel):
            lab = dbg.label(op.target)
            ops.append(f"{op.target:#x}" + (f" {lab}" if lab else ""))
        else:
            ops.append(printer.format_operand(insn, i))
    return (f"{head:<6} {','.join(ops)}" if ops else head), insn.length


# ---- the address ---------------------------------------------------------------------
def x_address(dbg: "Debugger", expr: str) -> int:
    """gdb x_command: a pointer's value, an lvalue array's (or function's) address, else the value."""
    from vmdebug.debugger import evaluate as EV
    v = dbg.evaluate(expr)
    t = v.type.strip()
    if t.kind == "error":
        return v.address or 0
    if t.kind == "void":                # $nosuch: gdb's value_as_address refuses it
        raise DebugError("Value can't be converted to integer.")
    if t.kind == "func":
        return v.code_address if v.code_address is not None else v.address or 0
    if t.kind in ("array", "struct", "union") and v.lval == "memory" and v.address is not None:
        return v.address
    if t.kind == "array":
        # gdb copies an array that is not in memory ("abc", $arr) into the inferior by
        # calling its malloc (value_coerce_to_target); a recorded history cannot.
        raise DebugError("Attempt to take address of value not located in memory.")
    if t.kind in ("struct", "union"):                  # value_as_address: unpack_long
        raise DebugError("Value can't be converted to integer.")
    ctx = dbg.context()
    EV.fetch(ctx, v)
    return EV.as_int(v) & MASK


def set_next_address(dbg: "Debugger", addr: int) -> None:
    """gdb's set_next_address: ``x`` with no address goes on from ``addr``, and ``$_`` is
    ``(void *) addr`` (info line, info breakpoints)."""
    from vmdebug.debugger import evaluate as EV
    from vmdebug.debuginfo import ctype as T
    _move_next(dbg, addr)
    dbg.x_armed = True
    dbg.convenience["_"] = EV.make_int(T.pointer_to(T.VOID), addr)


def _move_next(dbg: "Debugger", addr: int) -> None:
    fmt, size, _ = dbg.x_state
    dbg.x_state = (fmt, size, addr & MASK)


def printed_value(dbg: "Debugger", v: "Value") -> None:
    """printcmd.c print_formatted: printing a value that lives in memory (``print``,
    ``output``, ``call``, a display; a value of the history keeps its place) sets the
    next address of ``x`` to the byte after it: ``print arr`` then ``x`` goes on after
    ``arr``.  ``$_`` is left alone."""
    if v.lval != "memory" or v.bitsize:
        return
    t = v.type.strip()
    if t.kind == "func":
        start = v.code_address if v.code_address is not None else v.address
        length = 1                                   # a function's TYPE_LENGTH
    else:
        start, length = v.address, t.length
    if start is not None:
        _move_next(dbg, start + length)


# ---- the types items are read as -----------------------------------------------------
_TYPES: dict[str, Any] = {}


def _int_type(size: int) -> Any:
    """builtin_intN, the type do_examine reads an item as (data, not a character)."""
    from vmdebug.debuginfo import ctype as T
    key = f"int{8 * size}_t"
    t = _TYPES.get(key)
    if t is None:
        t = _TYPES[key] = T.make_int(key, size, True)
        t.nottext = True            # gdb's builtin_int8 is data, not a character
    return t


def _char_type(size: str) -> Any:
    """builtin_char16 / builtin_char32: what ``x/sh`` and ``x/sw`` read (``u"..."``, ``U"..."``)."""
    from vmdebug.debuginfo import ctype as T
    name = "char16_t" if size == "h" else "char32_t"
    t = _TYPES.get(name)
    if t is None:
        t = _TYPES[name] = T.CType("int", name, 2 if size == "h" else 4, None, T.DW_ATE_UTF)
    return t


def _remember_examined(dbg: "Debugger", addr: int, val_type: Any, data: bytes | None) -> None:
    """x_command: ``$_`` is the last address examined, a pointer to the type it was read
    as; ``$__`` the contents read there (void when the print did not fetch them as that
    value: strings, instructions)."""
    from vmdebug.debugger import evaluate as EV
    from vmdebug.debugger.values import Value
    from vmdebug.debuginfo import ctype as T
    dbg.convenience["_"] = EV.make_int(T.pointer_to(val_type), addr)
    if data is None:
        dbg.convenience.pop("__", None)
    else:
        # value_of_internalvar: a copy, lval_internalvar (printing it leaves x where it is)
        dbg.convenience["__"] = Value(val_type, data)


# ---- x ------------------------------------------------------------------------------
def x_command(dbg: "Debugger", arg: str) -> list[str]:
    """printcmd.c x_command: decode the format against the last one, take the address
    (or go on from the next one), examine, then remember format, size and ``$_``/``$__``
    - the last only when the examine succeeded."""
    last_fmt, last_size, nxt = dbg.x_state
    arg = arg.strip()
    fmt = Format(1, last_fmt or "x", last_size)     # x_command: last_format, else 'x'
    if not arg and dbg.x_count > 0:        # no expression and no format: the last count
        fmt.count = dbg.x_count
    expr = arg
    if arg.startswith("/"):
        fmt, expr = decode_format(arg[1:], last_fmt, last_size)
    dbg.x_count = fmt.count
    if expr:
        nxt = x_address(dbg, expr)
        _move_next(dbg, nxt)
        dbg.x_armed = True                  # x_command: next_gdbarch = expr->gdbarch
    # Only do_examine (x with an address, display/i, display/s) and set_next_address give
    # gdb's next_gdbarch: print moves the next address (print_formatted) but a bare x before
    # either is still refused.
    if nxt is None or not dbg.x_armed:
        raise DebugError("Argument required (starting display address).")
    out, last = do_examine(dbg, fmt, nxt)
    _, _, after = dbg.x_state
    dbg.x_state = (fmt.format, "b" if fmt.format == "s" else fmt.size, after)
    if last is not None:
        _remember_examined(dbg, *last)
    return out


def do_examine(dbg: "Debugger", fmt: Format, addr: int) -> tuple[list[str], tuple[int, Any, bytes | None] | None]:
    """printcmd.c do_examine: the lines printed, and the last item examined (address,
    type, contents or None when not fetched) for ``$_`` and ``$__``.  Moves the next
    address as gdb's print_formatted does, item by item (also when an item fails)."""
    form, size, count = fmt.format, fmt.size, fmt.count
    out: list[str] = []
    dbg.x_armed = True                      # do_examine sets next_gdbarch (x, display/i, display/s)
    if form == "i":                         # instructions are fetched as single bytes
        size = "b"
    if size == "a":                         # the size of a pointer
        size = "w"
    val_type = _int_type(SIZE_BYTES[size]) if size in SIZE_BYTES else None
    if form == "s":
        if size in ("h", "w"):
            val_type = _char_type(size)
        else:
            if size not in ("", "b"):
                dbg.error(f"warning: Unable to display strings with size '{size}', using 'b' instead.")
            size = "b"
            val_type = _int_type(1)
    assert val_type is not None
    width = val_type.length
    maxelts = 1 if form in ("s", "i") else {"w": 4, "g": 2}.get(size, 8)
    rewound: int | None = None
    if count < 0:
        # Rewind by the count and format, then examine forward from there.
        count = -count
        if form == "i":
            addr, count = find_instruction_backward(dbg, addr, count, out)
        elif form == "s":
            addr, count = find_string_backward(dbg, addr, count, width, out)
        else:
            addr = (addr - count * width) & MASK
        rewound = (addr - width) & MASK if form == "s" else addr
    _move_next(dbg, addr)
    last: tuple[int, Any, bytes | None] | None = None
    pc = dbg.selected_frame().pc if form == "i" else None
    try:
        while count > 0:
            addr = dbg.x_state[2]
            line = ("=> " if addr == pc else "   ") if form == "i" else ""
            line += _address_label(dbg, addr) + ":"
            for k in range(maxelts):
                if count <= 0:
                    break
                addr = dbg.x_state[2]
                try:
                    text, data = _print_item(dbg, form, size, val_type, addr)
                except DebugError as exc:
                    # gdb's error ends the line when it is the line's first item, else
                    # it follows the items printed, on a line of its own
                    dbg.lines_out(out)
                    if k == 0:
                        raise DebugError(f"{line}\t{exc}") from None
                    dbg.lines_out([line])
                    raise
                line += "\t" + text
                last = (addr, val_type, data)
                count -= 1
            out.append(line)
    finally:
        if rewound is not None:
            _move_next(dbg, rewound)
    return out, last


def _read_memory_backward(dbg: "Debugger", addr: int, length: int, out: list[str]) -> tuple[bytes, int]:
    """printcmd.c read_memory_backward: the ``length`` bytes at ``addr``, else byte by
    byte down from the end until one fails (gdb then prints where): the buffer, its
    tail valid, and how many bytes were read."""
    data, bad = dbg.memory.try_read(addr, length)
    if bad is None:
        return data, length
    buf = bytearray(length)
    nread = 0
    while nread < length:
        a = (addr + length - 1 - nread) & MASK
        got, bad = dbg.memory.try_read(a, 1)
        if bad is not None:
            out.append(f"Cannot access memory at address {a:#x}")
            break
        buf[length - 1 - nread] = got[0]
        nread += 1
    return bytes(buf), nread


def find_string_backward(dbg: "Debugger", addr: int, count: int, char_size: int,
                         out: list[str]) -> tuple[int, int]:
    """printcmd.c find_string_backward: where the ``count`` strings before ``addr`` start,
    found by NULs read back in chunks of 32 characters (a string longer than print
    elements counts as several), and how many were found.  The character just before
    ``addr`` is normally the previous string's NUL, which ends the first "string"
    there: ``x/-1s`` after a string prints that string again, as gdb does."""
    chunk_size = 0x20
    read_error = False
    chars_counted = 0
    original = count
    start = addr
    print_max = dbg.settings.print_options.print_max
    while count > 0 and not read_error:
        addr = (addr - chunk_size * char_size) & MASK
        buf, nread = _read_memory_backward(dbg, addr, chunk_size * char_size, out)
        chars_read = nread // char_size
        read_error = chars_read != chunk_size
        i = 0
        while i < chars_read and count > 0:
            offset = (chunk_size - i - 1) * char_size
            if not any(buf[offset:offset + char_size]) or chars_counted == print_max:
                count -= 1
                start = (addr + offset + char_size) & MASK
                chars_counted = 0
            i += 1
            chars_counted += 1
    if read_error:          # rewind the string that was only partly read
        start = (start - chars_counted * char_size) & MASK
    return start, original - count


def find_instruction_backward(dbg: "Debugger", addr: int, count: int, out: list[str]) -> tuple[int, int]:
    """printcmd.c find_instruction_backward: the address ``count`` instructions before
    ``addr`` and how many there are, found by disassembling forward from the starts of
    the line-table ranges before it (find_pc_sect_line with notcurrent); where no line
    is known, gdb says so and stops at the lowest address it reached."""
    pcs: list[int] = []
    read = 0
    loop_start = addr
    while True:
        pcs = []
        sal = dbg.info.sal((loop_start - 1) & MASK)
        if sal is None or sal[1] <= 0:
            lab = dbg.symbolize((loop_start - 1) & MASK, demangle=False)
            out.append(f"No line number information available for address {(loop_start - 1) & MASK:#x}"
                       + (f" {lab}" if lab else ""))
            break
        loop_end = loop_start
        loop_start = sal[2]
        p = loop_start
        while p < loop_end:
            pcs.append(p)
            p += _insn_length(dbg, p)
        count -= len(pcs)
        read += len(pcs)
        if count <= 0:
            break
    p = pcs[-count] if pcs else loop_start
    if count < 0:
        read += count
    return p, read


def _insn_length(dbg: "Debugger", addr: int) -> int:
    """gdb_insn_length: the length of the instruction at ``addr``."""
    try:
        return insn_text(dbg, addr)[1]
    except DebugError:
        return 1


def _address_label(dbg: "Debugger", addr: int) -> str:
    """print_address in do_examine: any symbol that holds the address, code or data
    (``<shorts+4>``), by its ELF name (print asm-demangle is off: ``<save.0>``)."""
    lab = dbg.symbolize(addr, demangle=False)
    return f"{addr:#x}" + (f" {lab}" if lab else "")


def _print_item(dbg: "Debugger", form: str, size: str, val_type: Any, addr: int) -> tuple[str, bytes | None]:
    """print_formatted of one item of ``x`` (size given): its text and its contents
    (None when not fetched as the value: a string, an instruction).  Sets the next
    address first, as print_formatted does, so a failed item is skipped by the next x."""
    from vmdebug.debuginfo import valprint
    mem = dbg.memory
    width = val_type.length
    _move_next(dbg, addr + width)
    if form == "s":
        def memory(a: int, n: int) -> bytes:
            got, bad = mem.try_read(a, n)
            if bad is not None:
                raise valprint.TargetMemoryError(bad)
            return got
        text, nread = valprint.print_string_at(val_type, addr, memory, dbg.settings.print_options)
        _move_next(dbg, addr + nread * width)
        return text, None
    if form == "i":
        from vmdebug.debugger.commands.data import insn_text
        try:
            text, length = insn_text(dbg, addr)
        except DebugError:
            raise DebugError(f"Cannot access memory at address {addr:#x}") from None
        _move_next(dbg, addr + length)
        return text, None
    if form not in ("", "x", "z", "d", "u", "o", "t", "c", "a", "f"):
        raise DebugError(f'Undefined output format "{form}".')
    data, bad = mem.try_read(addr, width)
    if bad is not None:
        raise DebugError(f"Cannot access memory at address {addr:#x}")
    v = int.from_bytes(data, "little")
    if form == "" or (form == "f" and width not in (4, 8)):
        # value_print of builtin_intN (format 0), and /f of a byte or halfword
        # (float_type_from_length finds no float that size): its decimal integer
        text = V.format_int(v, width, "d")
    elif form == "t":
        text = format(v, f"0{width * 8}b")
    elif form == "f":                       # float_type_from_length: float, double
        from vmdebug.debuginfo import ctype as T
        text = valprint.format_value(T.FLOAT if width == 4 else T.DOUBLE, data, top_level=False)
    else:                                   # x with a size pads with zeros, as z does
        text = V.format_int(v, width, "z" if form == "x" else form, dbg.label)
    return text, data


def examine_lines(dbg: "Debugger", fmt: Format, addr: int) -> list[str]:
    """do_examine for a display (no ``$_``, no remembered format or count)."""
    return do_examine(dbg, fmt, addr)[0]
