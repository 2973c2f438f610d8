"""Examining data: print, output, x, find, display, info registers, ptype/whatis."""
from __future__ import annotations

from typing import TYPE_CHECKING

from events.codes import REG_IDS
from vmdebug.debugger.examine import insn_text, printed_value, set_next_address  # noqa: F401 (used elsewhere)
from vmdebug.debugger.formatting import GENERAL, info_registers
from vmdebug.debugger.registry import command
from vmdebug.debugger.values import AfterValueError, DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger, Display


def _split_fmt(arg: str) -> tuple[str, str]:
    arg = arg.strip()
    if arg.startswith("/"):
        fmt, _, rest = arg[1:].partition(" ")
        return fmt, rest.strip()
    return "", arg


def print_format(dbg: "Debugger", arg: str, remember: bool = False) -> tuple[str, str]:
    """(format letter, expression) of ``print[/FMT] EXPR`` (gdb decode_format, validate_format;
    ``/r`` alone reuses the last letter).  gdb has one last format for ``print`` and ``x``
    (printcmd.c last_format, here ``dbg.x_state[0]``); with ``remember`` (print, not
    output) the letter becomes it, as print_command_parse_format does before evaluating."""
    from vmdebug.debuginfo.valprint import ValuePrintError, parse_print_format
    spec, expr = _split_fmt(arg)
    if not arg.strip().startswith("/"):
        return "", expr
    try:
        fmt = parse_print_format(spec, dbg.x_state[0])
    except ValuePrintError as exc:
        raise DebugError(exc.message) from None
    if remember:
        _, size, nxt = dbg.x_state
        dbg.x_state = (fmt, size, nxt)
    return fmt, expr


@command("print", aliases=("p", "inspect", "call"), category="data", example="root->left->key")
def cmd_print(dbg: "Debugger", arg: str) -> None:
    """Print the value of an expression: variables, registers ($eax), memory (*(int *)$esp), arithmetic.

    Usage: print [[OPTION]... --] [/FMT] [EXPR]
    FMT is one of x d u o t c a f s z (hex, signed, unsigned, octal, binary, char,
    address, float, string, zero-padded hex).  Values are numbered $1, $2... for later use.
    OPTIONs (gdb's, ended by --): -pretty -array -array-indexes -elements N -repeats N
    -max-depth N -null-stop -union -address -symbol -nibbles [on|off]..., e.g. p -pretty -- *t"""
    from vmdebug.debugger.print_settings import command_print_options
    with command_print_options(dbg, arg) as rest:
        _print(dbg, rest)


def _print(dbg: "Debugger", arg: str) -> None:
    """print_command_1 after the options: the format, the value, its history number."""
    fmt, expr = print_format(dbg, arg, remember=True)
    if not expr:
        # gdb print_command_1: no expression prints the last value again (access_value_history(0)).
        if not dbg.values:
            raise DebugError("The history is empty.")
        v = dbg.values[-1]
    else:
        v = dbg.evaluate(expr)
    printed_value(dbg, v)           # print_formatted: x goes on after the value
    try:
        if v.type.strip().kind == "void" and not v.optimized_out:
            text = v.name if v.name.startswith("<internal function ") else "void"
        else:
            text = dbg.show_value(v, fmt)
    except AfterValueError as exc:
        # gdb has recorded the value and printed "$N = " when the printer fails.
        raise DebugError(f"${dbg.record_value(v)} = {exc}") from None
    n = dbg.record_value(v)
    dbg.write(f"${n} = {text}")


@command("output", category="data", example="$esp")
def cmd_output(dbg: "Debugger", arg: str) -> None:
    """Print a value without recording it in the value history (and without a newline in gdb).

    Usage: output[/FMT] EXPR"""
    fmt, expr = print_format(dbg, arg)
    v = dbg.evaluate(expr)
    printed_value(dbg, v)
    dbg.out.text((v.name if v.name.startswith("<internal function ") else "void")
                 if v.type.strip().kind == "void" else dbg.show_value(v, fmt))


@command("printf", category="data", example='"%d %s\\n", n, name')
def cmd_printf(dbg: "Debugger", arg: str) -> None:
    """Print values through a C format string (gdb's printf: %d %u %x %o %c %s %p %f %e %g,
    with flags, width, precision, l/ll/h/z).

    Usage: printf "FORMAT", EXPR, ..."""
    from vmdebug.debugger.printf import printf
    printf(dbg, arg)


def _type_of(dbg: "Debugger", arg: str) -> tuple[object, bool]:
    """The type an expression (or a type name) has, and whether a type was named."""
    from vmdebug.debugger.evaluate import type_of
    text = arg.strip()
    if not text:
        if not dbg.values:
            raise DebugError("History is empty.")
        return dbg.values[-1].type, False
    node = dbg.parse(text)
    if node[0] == "type":
        return node[1], True
    if node[0] == "dollar":
        from vmdebug.debugger.internal_functions import INTERNAL_FUNCTION, is_internal
        if is_internal(dbg.evaluate(text)):
            return INTERNAL_FUNCTION, False
    return type_of(node, dbg.context()), False


@command("ptype", category="data", example="struct node")
def cmd_ptype(dbg: "Debugger", arg: str) -> None:
    """Print the definition of a type, or of an expression's type (structs with their members).

    Usage: ptype[/FLAGS] EXPR|TYPE   (/o: each member's offset and size, and the holes)"""
    from vmdebug.debuginfo.typeprint import ptype_text
    flags, arg = _type_flags(arg)
    t, _named = _type_of(dbg, arg)
    from vmdebug.debugger.internal_functions import INTERNAL_FUNCTION
    if t is INTERNAL_FUNCTION:          # gdb prints the name, then c_type_print_varspec_prefix fails
        dbg.out.text("type = <internal function>")
        raise DebugError("type not handled in c_type_print_varspec_prefix()")
    from vmdebug.debugger import fpregs
    if t is fpregs.MXCSR:               # a tdesc flags type (c_type_print_base: TYPE_CODE_FLAGS)
        dbg.lines_out(fpregs.ptype_flags(t.name or "", fpregs.MXCSR_FLAGS))
        return
    from vmdebug.debugger.variables import EFLAGS
    if t is EFLAGS:
        from vmdebug.debugger.values import EFLAGS_FIELDS
        dbg.lines_out(fpregs.ptype_flags(t.name or "", EFLAGS_FIELDS))
        return
    offsets = "o" in flags
    # typeprint.c whatis_exp: the header only for a struct or union itself, not a pointer
    # to one or a typedef of one
    head = "/* offset      |    size */  " if offsets and t.kind in ("struct", "union") else ""  # type: ignore[union-attr]
    dbg.write(f"{head}type = {ptype_text(t, offsets)}")  # type: ignore[arg-type]


def _type_flags(arg: str) -> tuple[str, str]:
    """ptype's and whatis's /FLAGS (typeprint.c whatis_exp): o prints offsets; r, m, M, t,
    T and d change nothing in C; x (offsets in hex) is not printed by vmdebug."""
    text = arg.lstrip()
    if not text.startswith("/"):
        return "", arg
    word, _, rest = text[1:].partition(" ")
    for c in word:
        if c == "x":
            raise DebugError("vmdebug prints offsets in decimal only (ptype/o, not /x).")
        if c not in "ormMtTd":
            raise DebugError(f"unrecognized flag '{c}'")
    return word, rest


@command("whatis", category="data", example="root")
def cmd_whatis(dbg: "Debugger", arg: str) -> None:
    """Print the type of an expression (a type name: one level of typedef removed).

    Usage: whatis EXPR|TYPE"""
    from vmdebug.debuginfo.typeprint import whatis_text
    _flags, arg = _type_flags(arg)
    t, named = _type_of(dbg, arg)
    from vmdebug.debugger.internal_functions import INTERNAL_FUNCTION
    dbg.write("type = <internal function>" if t is INTERNAL_FUNCTION else
              f"type = {whatis_text(t, named)}")  # type: ignore[arg-type]


@command("x", category="data", example="/4xw $esp")
def cmd_x(dbg: "Debugger", arg: str) -> None:
    """Examine memory: x/NFU ADDRESS (N items, format F, unit size U).

    F: x d u o t c a s i z   U: b (1 byte) h (2) w (4) g (8).
    Examples: x/8xw $esp   x/s 0x804a004   x/5i $eip   x/16xb &buf
    Without an address, continues after the last examined item."""
    from vmdebug.debugger.examine import x_command
    dbg.lines_out(x_command(dbg, arg))


@command("find", category="data", example="$esp, +16, 0")
def cmd_find(dbg: "Debugger", arg: str) -> None:
    """Search memory for a sequence of bytes.

    Usage: find [/SIZE-CHAR] [/MAX-COUNT] START-ADDRESS, END-ADDRESS, EXPR1 [, EXPR2 ...]
    find [/SIZE-CHAR] [/MAX-COUNT] START-ADDRESS, +LENGTH, EXPR1 [, EXPR2 ...]
    SIZE-CHAR is one of b,h,w,g for 8,16,32,64 bit values; without it each value is
    as long as its type (an int is 4 bytes, "hi" 3 with its NUL; {char[2]}"hi" drops it).
    The two-address form is an inclusive range.  $_ is the last match, $numfound the
    number of matches.  The memory searched is the recorded process's at the cursor."""
    from vmdebug.debugger.find import find
    find(dbg, arg)


@command("info registers", aliases=("info r",), category="data", example="eax", needs="registers")
def cmd_info_registers(dbg: "Debugger", arg: str) -> None:
    """Show registers (all general ones, or those named) in hex and natural form.

    Usage: info registers [REG|GROUP...]
    GROUP is general, float (st0-st7, fctrl..fop), sse (xmm0-xmm7, mxcsr), vector, mmx or all."""
    _info_registers(dbg, arg.split())


@command("info all-registers", category="data", example="", needs="registers")
def cmd_info_all_registers(dbg: "Debugger", arg: str) -> None:
    """Show every register: the general ones, the x87's (st0-st7, fctrl..fop), xmm0-xmm7, mxcsr, mm0-mm7.

    Usage: info all-registers [REG...]"""
    _info_registers(dbg, arg.split() or ["all"])


@command("info float", category="data", example="", needs="registers")
def cmd_info_float(dbg: "Debugger", arg: str) -> None:
    """Show the x87 state: the physical registers R7..R0 with their tags, status, control and tag words.

    Usage: info float"""
    from vmdebug.debugger import fpregs
    dbg.lines_out(fpregs.info_float(list(dbg.regs)))


def _info_registers(dbg: "Debugger", names: list[str]) -> None:
    """In an outer frame the general registers are the frame's unwound ones, as ``p $REG``
    reads them (gdb value_of_register in the selected frame): a register its callee saved
    (ebx, esi, edi, ebp) holds the saved value, and one the unwinder cannot recover is
    ``<not saved>``.  The x87 and SSE registers are the cursor's in every frame."""
    frame = dbg.selected_frame()
    regs: list[int | None] = list(dbg.regs)
    if frame.level > 0:
        for name in GENERAL:
            regs[REG_IDS[name]] = frame.regs.get(REG_IDS[name])
        regs[REG_IDS["eip"]] = frame.pc
    dbg.lines_out(info_registers(regs, names, dbg.label, dbg.segment_selectors))


# ---- displays ---------------------------------------------------------------------------
def _in_scope(dbg: "Debugger", d) -> bool:  # type: ignore[no-untyped-def]
    """gdb do_one_display: a display that names locals shows only while their block is in scope."""
    from vmdebug.debugger.variables import block_in_scope
    if d.block is None:
        return True
    return block_in_scope(dbg.selected_frame().block, d.block)


def display_format(fmt: str) -> tuple[int, str, str] | None:
    """An x-style display's count, format letter and size, as printcmd.c display_command
    decodes them (a size alone means x; i and s take size b), or None for a print-style one."""
    count = ""
    while len(count) < len(fmt) and fmt[len(count)].isdigit():
        count += fmt[len(count)]
    letters = fmt[len(count):]
    size = next((c for c in letters if c in "bhwg"), "")
    form = next((c for c in letters if c not in "bhwg"), "")
    if form in ("i", "s"):
        size = "b"
    if not size:
        return None
    return (int(count) if count else 1), form or "x", size


def _show_display(dbg: "Debugger", d) -> None:  # type: ignore[no-untyped-def]
    if not _in_scope(dbg, d):
        return
    fmt = d.fmt
    xfmt = display_format(fmt)
    if xfmt is not None:
        # printcmd.c do_one_display: "x/" COUNT (unless 1) FORMAT SIZE (not for i, s), then
        # the examined lines on the next line, or after two spaces for one unit but i.
        count, form, size = xfmt
        head = f"{d.number}: x/{count if count != 1 else ''}{form}{size if form not in 'is' else ''} {d.expr}"
        from vmdebug.debugger.examine import Format, examine_lines, x_address
        lines = examine_lines(dbg, Format(count, form, size), x_address(dbg, d.expr))
        if count != 1 or form == "i" or not lines:
            dbg.write(head)
            dbg.lines_out(lines)
        else:
            dbg.write(f"{head}  {lines[0]}")
            dbg.lines_out(lines[1:])
        return
    v = dbg.evaluate(d.expr, d.bound)
    printed_value(dbg, v)
    prefix = f"/{fmt} " if fmt else ""
    dbg.write(f"{d.number}: {prefix}{d.expr} = {dbg.show_value(v, fmt[-1:] if fmt else '')}")


def show_displays(dbg: "Debugger") -> None:
    for d in dbg.displays:
        if d.enabled:
            try:
                _show_display(dbg, d)
            except DebugError as exc:
                dbg.error(str(exc))


@command("display", aliases=("disp",), category="data", example="/x $eax")
def cmd_display(dbg: "Debugger", arg: str) -> None:
    """Print an expression each time the program stops (x-style with /i, /s or a size).

    Usage: display[/FMT] EXPR   (no argument: show them all now)"""
    from vmdebug.debugger.session import Display
    fmt, expr = _split_fmt(arg)
    if not expr:
        show_displays(dbg)
        return
    from vmdebug.debugger.evaluate import evaluate
    from vmdebug.debugger.variables import innermost_block
    ctx = dbg.context()
    node = dbg.parse(expr) if display_format(fmt) is None else None
    if node is not None:
        try:            # gdb resolves the names while parsing: an unknown one refuses the display
            evaluate(node, ctx)
        except DebugError as exc:
            if str(exc).startswith("No symbol"):
                raise
    d = Display(dbg.next_display, fmt, expr, block=innermost_block(ctx.blocks_used), bound=dict(ctx.bound))
    dbg.next_display += 1
    dbg.displays.append(d)
    if dbg.interactive:    # printcmd.c display_command: "if (from_tty) do_one_display (newobj)"
        _show_display(dbg, d)


@command("undisplay", category="data", example="1")
def cmd_undisplay(dbg: "Debugger", arg: str) -> None:
    """Stop displaying expressions (all without an argument).

    Usage: undisplay [N...]"""
    if not arg.strip():
        if not dbg.interactive:     # gdb's query() when its input is not a terminal
            dbg.write("Delete all auto-display expressions? (y or n) [answered Y; input not from terminal]")
        dbg.displays.clear()
        return
    from vmdebug.debugger.bpnumbers import map_numbers
    map_numbers(dbg, arg, dbg.displays.remove, dbg.displays, "display")


def set_display_enabled(dbg: "Debugger", arg: str, on: bool) -> None:
    """printcmd.c enable_disable_display_command: all displays, or those listed."""
    from vmdebug.debugger.bpnumbers import map_numbers
    if not arg.strip():
        for d in dbg.displays:
            d.enabled = on
        return

    def turn(d: "Display") -> None:
        d.enabled = on
    map_numbers(dbg, arg, turn, dbg.displays, "display")


@command("info display", category="data")
def cmd_info_display(dbg: "Debugger", arg: str) -> None:
    """List the auto-display expressions.

    Usage: info display"""
    if not dbg.displays:
        dbg.write("There are no auto-display expressions now.")
        return
    dbg.write("Auto-display expressions now in effect:")
    dbg.write("Num Enb Expression")
    for d in dbg.displays:
        xfmt = display_format(d.fmt)
        if xfmt is not None:            # info_display_command: "/%d%c%c " count, size, format
            fmt = f"/{xfmt[0]}{xfmt[2]}{xfmt[1]} "
        else:
            fmt = f"/{d.fmt[-1]} " if d.fmt else ""
        # printcmd.c info_display_command: a display whose block is not around the
        # selected frame's says so.
        away = "" if _in_scope(dbg, d) else " (cannot be evaluated in the current context)"
        dbg.write(f"{d.number}:   {'y' if d.enabled else 'n'}  {fmt}{d.expr}{away}")
