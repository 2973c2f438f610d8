"""Breakpoints and watchpoints: break, tbreak, condition, delete, disable, enable, watch, rwatch, awatch."""
from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator

from vmdebug.debugger.bpnumbers import get_number_trailer, in_list, map_numbers, number_or_range
from vmdebug.debugger.registry import command
from vmdebug.debugger.values import DebugError, NotFoundError

if TYPE_CHECKING:
    from vmdebug.debugger.session import Breakpoint, Debugger


def current_file(dbg: "Debugger") -> str | None:
    """gdb's default source file: the last one listed or stopped in, else the one holding main."""
    if dbg.list_pos is not None:
        return dbg.list_pos[0]
    return dbg.info.main_file()


def resolve_locations(dbg: "Debugger", arg: str) -> list[Any]:
    """gdb's linespecs (:mod:`vmdebug.debugger.linespec`), in address order as gdb keeps a
    breakpoint's locations."""
    from vmdebug.debugger.linespec import Resolver
    return sorted(Resolver(dbg).resolve(arg, lambda: current_file(dbg)), key=lambda loc: loc.address)


def resolve_location(dbg: "Debugger", arg: str) -> tuple[int, tuple[str, int] | None]:
    """The first place a linespec means -> (address, (file, line))."""
    loc = resolve_locations(dbg, arg)[0]
    return loc.address, ((loc.file, loc.line) if loc.file is not None and loc.line is not None else None)


def new_number(dbg: "Debugger") -> int:
    from vmdebug.debugger.evaluate import make_int
    from vmdebug.debuginfo import ctype as T
    n = dbg.next_bp
    dbg.next_bp += 1
    dbg.convenience["bpnum"] = make_int(T.INT, n)        # gdb's set_breakpoint_count
    return n


def add_breakpoint(dbg: "Debugger", arg: str, temporary: bool = False, quiet: bool = False,
                   head: str = "", locs: list[Any] | None = None) -> "Breakpoint":
    """A new breakpoint at ``arg`` (a linespec), or at ``locs`` already resolved."""
    from vmdebug.debugger.linespec import Location, Resolver
    from vmdebug.debugger.session import Breakpoint
    if locs:
        pass
    elif arg.strip():
        locs = resolve_locations(dbg, arg)
    else:
        frame = dbg.selected_frame()
        found = dbg.info.line_for(frame.pc)
        locs = [Location(frame.pc, found[0] if found else None, found[1] if found else None,
                         Resolver(dbg).symbol_at(frame.pc))]
    first = locs[0]
    bp = Breakpoint(new_number(dbg), "breakpoint", first.address, arg.strip(), temporary,
                    locations=locs, spec=arg.strip())
    dbg.breakpoints.append(bp)
    if not quiet:
        # gdb breakpoint.c say_where
        head = head or ("Temporary breakpoint" if temporary else "Breakpoint")
        text = f"{head} {bp.number} at {first.address:#x}"
        if first.file is not None and first.line is not None:
            if len(locs) == 1:
                text += f": file {dbg.info.short_file(first.file)}, line {first.line}."
            else:
                text += f": {bp.spec}."
        if len(locs) > 1:
            text += f" ({len(locs)} locations)"
        dbg.write(text)
    return bp


@command("break", aliases=("b", "br", "bre", "brea"), category="breakpoints", example="main")
def cmd_break(dbg: "Debugger", arg: str) -> None:
    """Set a breakpoint at a function, a line, FILE:LINE or *ADDRESS.

    Usage: break [LOCATION] [if CONDITION]
    Without a location, at the current instruction of the selected frame."""
    loc, cond = _split_if(arg)
    _add_with_condition(dbg, loc, cond, temporary=False)


@command("dprintf", category="breakpoints", example='main,"here\\n"')
def cmd_dprintf(dbg: "Debugger", arg: str) -> None:
    """A breakpoint that prints and goes on (gdb's dynamic printf): each time the program
    passes LOCATION, print FORMAT with the values, as printf does there, without stopping.

    Usage: dprintf LOCATION,"FORMAT",EXPR..."""
    from vmdebug.debugger.printf import check_format
    loc, comma, rest = arg.partition(",")
    if not loc.strip():
        raise DebugError("Format string required" if dbg.shown_stop else "No default breakpoint address now.")
    if not comma or not rest.strip():
        raise DebugError("Format string required")
    check_format(rest)
    with _pending_query(dbg, "dprintf"):
        bp = add_breakpoint(dbg, loc.strip(), head="Dprintf")
        bp.dprintf = rest.strip()


@command("tbreak", category="breakpoints", example="main")
def cmd_tbreak(dbg: "Debugger", arg: str) -> None:
    """Set a temporary breakpoint: deleted when it is hit.

    Usage: tbreak [LOCATION] [if CONDITION]"""
    loc, cond = _split_if(arg)
    _add_with_condition(dbg, loc, cond, temporary=True)


def _add_with_condition(dbg: "Debugger", loc: str, cond: str, temporary: bool) -> None:
    """gdb parses the condition in the location's scope before it makes the breakpoint:
    a bad condition makes none."""
    with _pending_query(dbg, "breakpoint"):
        if cond:
            addr = resolve_location(dbg, loc)[0] if loc else dbg.selected_frame().pc
            dbg.parse_at(cond, addr)
        bp = add_breakpoint(dbg, loc, temporary=temporary)
        bp.condition = cond


@contextmanager
def _pending_query(dbg: "Debugger", what: str) -> Iterator[None]:
    """breakpoint.c create_breakpoint: a location that names nothing (NOT_FOUND_ERROR) is
    reported, then gdb asks whether to make the breakpoint pending on a shared library
    load.  Without a terminal the query answers itself N and the command ends without an
    error (a script goes on); at a terminal vmdebug, whose programs are static, keeps the
    error and does not ask."""
    try:
        yield
    except NotFoundError as exc:
        if dbg.interactive:
            raise
        dbg.error(str(exc))
        dbg.write(f"Make {what} pending on future shared library load? (y or [n]) "
                  "[answered N; input not from terminal]")


def _split_if(arg: str) -> tuple[str, str]:
    text = f" {arg} "
    k = text.find(" if ")
    if k < 0:
        return arg.strip(), ""
    return text[:k].strip(), text[k + 4:].strip()


#: Commands whose body a command list nests, up to their own ``end`` (gdb cli-script.c).
_BLOCKS = ("if", "while", "while-stepping", "stepping", "ws", "commands", "define", "document", "python",
           "compile", "guile")


def read_command_list(dbg: "Debugger") -> list[str]:
    """Lines up to a line saying just ``end``, as gdb's read_command_lines reads them
    (stripped; a nested block keeps its own ``end``).  Lines come from where the command
    came from: the rest of a script, the REPL's ``>`` prompt, stdin after ``-ex``."""
    lines: list[str] = []
    depth = 0
    while dbg.read_line is not None:
        line = dbg.read_line(">")
        if line is None:
            break
        text = line.strip()
        if text == "end":
            if depth == 0:
                break
            depth -= 1
        elif text.split(" ")[0] in _BLOCKS:
            depth += 1
        if text:
            lines.append(text)
    return lines


@command("commands", category="breakpoints", example="1")
def cmd_commands(dbg: "Debugger", arg: str) -> None:
    """Give breakpoints a list of commands to run when they stop the program; ``silent``
    first keeps the stop itself quiet, and a command that moves (``continue``) ends the list.

    Usage: commands [N|N-M]...  (then the commands, one per line, and a line saying "end")
    Without N: the last breakpoint set."""
    spec = arg.strip() or (str(dbg.next_bp - 1) if dbg.next_bp > 1 else "")
    if not spec:
        raise DebugError("Argument required (one or more breakpoint numbers).")
    bps = _collect(dbg, spec)
    if not bps:             # gdb reads the list only for a breakpoint that exists
        return
    import sys
    if dbg.interactive and sys.stdin is not None and sys.stdin.isatty():     # gdb: input_interactive_p
        dbg.write(f"Type commands for breakpoint(s) {spec}, one per line.")
        dbg.write('End with a line saying just "end".')
    lines = read_command_list(dbg)
    for b in bps:
        b.commands = list(lines)


def _collect(dbg: "Debugger", arg: str) -> list[Any]:
    """The breakpoints ``arg`` names as gdb's map_breakpoint_numbers reads them."""
    found: list[Any] = []
    map_numbers(dbg, arg, found.append)
    return found


def _enable_disable(dbg: "Debugger", arg: str, enable: bool) -> None:
    """breakpoint.c enable_disable_command: each word ``N``, ``N-M``, ``N.K`` or ``N.K-L``."""
    if not arg.strip():
        for bp in dbg.breakpoints:
            bp.enabled = enable
        return
    for word in arg.split():
        (lo, hi), (klo, khi) = number_or_range(dbg, word)
        whole = klo == khi and (klo == 0 or (klo == 1 and lo == hi and not _multiple(dbg, lo)))
        if whole:                   # map_breakpoint_number_range
            for n in range(lo, hi + 1):
                bp = next((b for b in dbg.breakpoints if b.number == n), None)
                if bp is None:
                    dbg.write(f"No breakpoint number {n}.")
                else:
                    bp.enabled = enable
            continue
        # enable_disable_breakpoint_location_range / find_location_by_number
        bp = next((b for b in dbg.breakpoints if b.number == lo), None)
        if bp is None:
            raise DebugError(f"Bad breakpoint number '{lo}'")
        for k in range(klo, khi + 1):
            if not 1 <= k <= len(bp.locations):
                raise DebugError(f"Bad breakpoint location number '{k}'")
            bp.locations[k - 1].enabled = enable


def _multiple(dbg: "Debugger", number: int) -> bool:
    bp = next((b for b in dbg.breakpoints if b.number == number), None)
    return bp is not None and len(bp.locations) > 1


@command("delete", aliases=("d",), category="breakpoints", example="1")
def cmd_delete(dbg: "Debugger", arg: str) -> None:
    """Delete breakpoints (all of them without an argument).

    Usage: delete [N...]"""
    if arg.strip().startswith("display"):
        from vmdebug.debugger.commands.data import cmd_undisplay
        cmd_undisplay(dbg, arg.strip()[7:])
        return
    if not arg.strip():
        dbg.breakpoints.clear()
        return
    for bp in _collect(dbg, arg):
        dbg.breakpoints.remove(bp)


@command("clear", category="breakpoints", example="main")
def cmd_clear(dbg: "Debugger", arg: str) -> None:
    """Delete the breakpoints at a location.

    Usage: clear LOCATION"""
    addrs = {loc.address for loc in resolve_locations(dbg, arg)} if arg.strip() else {dbg.pc}
    gone = [b for b in dbg.breakpoints if b.is_code and addrs & set(b.addresses())]
    if not gone:
        raise DebugError(f"No breakpoint at {arg.strip() or 'this line'}.")
    for b in gone:
        dbg.breakpoints.remove(b)
    s = "s" if len(gone) > 1 else ""
    dbg.write(f"Deleted breakpoint{s} {' '.join(str(b.number) for b in gone)} ")


@command("disable", aliases=("disa", "dis"), category="breakpoints", example="1")
def cmd_disable(dbg: "Debugger", arg: str) -> None:
    """Disable breakpoints (all without an argument).

    Usage: disable [N...]"""
    if arg.strip().startswith("display"):
        from vmdebug.debugger.commands.data import set_display_enabled
        set_display_enabled(dbg, arg.strip()[7:], False)
        return
    _enable_disable(dbg, arg, False)


@command("enable", aliases=("en",), category="breakpoints", example="1")
def cmd_enable(dbg: "Debugger", arg: str) -> None:
    """Enable breakpoints (all without an argument).

    Usage: enable [N...]"""
    if arg.strip().startswith("display"):
        from vmdebug.debugger.commands.data import set_display_enabled
        set_display_enabled(dbg, arg.strip()[7:], True)
        return
    word, _, rest = arg.strip().partition(" ")
    # breakpoint.c enable_once_command / enable_count_command / enable_delete_command: the
    # disposition after the next hit(s): disabled (Disp "dis") or deleted ("del").
    if word in ("once", "delete", "count"):
        count = 1
        if word == "count":         # enable_count_command: the count is get_number's
            if not rest.strip():
                raise DebugError("Argument required (hit count).")
            count, at = get_number_trailer(dbg, rest.strip(), 0)
            rest = rest.strip()[at:]
        for bp in _collect(dbg, rest):
            bp.enabled = True
            bp.temporary = word == "delete"
            bp.disable_after = 0 if word == "delete" else count
            bp.counted = word == "count"
        return
    _enable_disable(dbg, arg, True)


@command("condition", category="breakpoints", example="1 $eax == 5")
def cmd_condition(dbg: "Debugger", arg: str) -> None:
    """Stop at breakpoint N only if CONDITION is true.

    Usage: condition N [CONDITION]   (no condition: make it unconditional)"""
    if not arg.strip():
        raise DebugError("Argument required (breakpoint number).")
    num, at = get_number_trailer(dbg, arg.strip(), 0)     # breakpoint.c condition_command
    if num == 0:
        raise DebugError(f"Bad breakpoint argument: '{arg.strip()}'")
    cond = arg.strip()[at:]
    found = [b for b in dbg.breakpoints if b.number == num]
    if not found:
        raise DebugError(f"No breakpoint number {num}.")
    if cond.strip():
        if found[0].kind == "breakpoint":
            dbg.parse_at(cond, found[0].address)
        else:
            dbg.parse(cond)
        found[0].condition = cond.strip()
    else:
        found[0].condition = ""
        if dbg.interactive:             # set_breakpoint_condition: from_tty only
            dbg.write(f"Breakpoint {num} now unconditional.")


@command("ignore", category="breakpoints", example="1 0")
def cmd_ignore(dbg: "Debugger", arg: str) -> None:
    """Ignore the next COUNT crossings of breakpoint N.

    Usage: ignore N COUNT"""
    # breakpoint.c ignore_command; set_ignore_count takes a negative count as 0.
    if not arg.strip():
        raise DebugError("Argument required (a breakpoint number).")
    num, at = get_number_trailer(dbg, arg.strip(), 0)
    if num == 0:
        raise DebugError(f"bad breakpoint number: '{arg.strip()}'")
    if not arg.strip()[at:]:
        raise DebugError("Second argument (specified ignore-count) is missing.")
    found = [b for b in dbg.breakpoints if b.number == num]
    if not found:
        raise DebugError(f"No breakpoint number {num}.")
    found[0].ignore = max(dbg.eval_long(arg.strip()[at:]), 0)
    if dbg.interactive:                 # set_ignore_count: from_tty only
        dbg.write(ignore_words(found[0].number, found[0].ignore))


def ignore_words(number: int, count: int) -> str:
    """gdb's set_ignore_count message (ignore, and continue N)."""
    if count == 0:
        return f"Will stop next time breakpoint {number} is reached."
    if count == 1:
        return f"Will ignore next crossing of breakpoint {number}."
    return f"Will ignore next {count} crossings of breakpoint {number}."


def watch_title(wp: "Breakpoint") -> str:
    if wp.kind == "read watchpoint":
        return "Hardware read watchpoint"
    if wp.kind == "acc watchpoint":
        return "Hardware access (read/write) watchpoint"
    return "Hardware watchpoint" if wp.ranges else "Watchpoint"


def _constant(node: object) -> bool:
    """gdb watchpoint_exp_is_const: nothing in the expression reads the program's state."""
    if not isinstance(node, tuple):
        return True
    if node and node[0] in ("var", "dollar", "brace", "index", "ptrmember", "member", "call") or \
            (node[:2] == ("un", "*")):
        return False
    return all(_constant(x) for x in node[1:] if isinstance(x, tuple))


def _add_watch(dbg: "Debugger", arg: str, kind: str) -> None:
    from vmdebug.debugger import evaluate as EV
    from vmdebug.debugger.session import Breakpoint
    text = arg.strip()
    if not text:
        raise DebugError("Argument required (expression to compute).")
    location = False
    for flag in ("-location ", "-l "):
        if text.startswith(flag):
            location, text = True, text[len(flag):].strip()
            break
    expr, cond = _split_if(text)
    frame = dbg.selected_frame()
    node = dbg.parse(expr)
    if _constant(node):
        raise DebugError(f"Cannot watch constant value `{expr}'.")
    ctx = dbg.context(frame)
    value = EV.evaluate(node, ctx)
    if location:
        # watch -l: the memory the expression names now, whatever the scope (gdb watch_command_1).
        if value.lval != "memory" or value.address is None:
            raise DebugError("Cannot watch constant value `%s'." % expr if value.lval == "none" else
                             "-location only works with values in memory")
        node = ("brace", value.type, ("num", value.address, EV.T.UINT))
        ctx = dbg.context(frame)
        value = EV.evaluate(node, ctx)
    if value.type.code == "error" and value.address is not None:  # a no-debug symbol: watch it as an int
        node = ("brace", EV.T.INT, ("un", "&", node))
        ctx = dbg.context(frame)
        value = EV.evaluate(node, ctx)
    try:
        if value.type.strip().kind not in ("func",):
            EV.fetch(ctx, value)
    except DebugError:
        pass
    if value.lval == "register" and value.regno is not None:
        from events import codes as C
        ctx.regs_read.add(C.REG_NAMES[value.regno])
    if cond:
        dbg.parse(cond)
    ranges = tuple(sorted({(a, a + n) for a, n in ctx.mem_read}))
    if kind != "hw watchpoint" and not ranges:
        raise DebugError("Expression cannot be implemented with read/access watchpoint.")
    shown = f"-location {expr}" if location else expr
    wp = Breakpoint(new_number(dbg), kind, 0, shown, node=node, old=value, condition=cond,
                    regs=frozenset(ctx.regs_read), ranges=ranges)
    wp.bound = dict(ctx.bound)
    if ctx.blocks_used and not location:
        real = dbg.frames()[frame.real] if frame.is_inline else frame
        wp.scope_cfa = real.cfa
        wp.scope_depth = len(dbg.tl.state.stack) - frame.real
    dbg.breakpoints.append(wp)
    dbg.write(f"{watch_title(wp)} {wp.number}: {wp.what}")


@command("watch", category="breakpoints", example="*(int *)$esp")
def cmd_watch(dbg: "Debugger", arg: str) -> None:
    """Stop when the value of an expression changes (forward or backward).

    Usage: watch EXPRESSION
    Any write to a byte or register the expression reads is checked."""
    _add_watch(dbg, arg, "hw watchpoint")


@command("rwatch", category="breakpoints", example="*(int *)$esp")
def cmd_rwatch(dbg: "Debugger", arg: str) -> None:
    """Stop when the program reads the memory an expression names.

    Usage: rwatch EXPRESSION
    Reads are found by decoding each executed instruction's memory operands
    (and the implicit reads of pop, ret, leave and the string instructions)."""
    _add_watch(dbg, arg, "read watchpoint")


@command("awatch", category="breakpoints", example="*(int *)$esp")
def cmd_awatch(dbg: "Debugger", arg: str) -> None:
    """Stop when the program reads or writes the memory an expression names.

    Usage: awatch EXPRESSION"""
    _add_watch(dbg, arg, "acc watchpoint")


@command("info watchpoints", category="breakpoints")
def cmd_info_watchpoints(dbg: "Debugger", arg: str) -> None:
    """List the watchpoints only: number, type, enabled, expression, condition, hits.

    Usage: info watchpoints [N...]"""
    arg = arg.strip()
    _list_breakpoints(dbg, [b for b in dbg.breakpoints if b.is_watch and in_list(dbg, arg, b.number)],
                      f"No watchpoint matching '{arg}'." if arg else "No watchpoints.")


@command("info breakpoints", aliases=("info b", "info break"), category="breakpoints")
def cmd_info_breakpoints(dbg: "Debugger", arg: str) -> None:
    """List breakpoints and watchpoints: number, type, enabled, address, where, hits.

    Usage: info breakpoints [N...]   (numbers and ranges N-M)"""
    # breakpoint.c breakpoint_1: the list is read for each breakpoint, so with none it is
    # never read (and never refused).
    arg = arg.strip()
    _list_breakpoints(dbg, [b for b in dbg.breakpoints if in_list(dbg, arg, b.number)],
                      f"No breakpoint or watchpoint matching '{arg}'." if arg else "No breakpoints or watchpoints.")


def _list_breakpoints(dbg: "Debugger", bps: list["Breakpoint"], none: str) -> None:
    """gdb breakpoint_1: the table of ``bps``."""
    if not bps:
        dbg.write(none)
        return
    types = [(b.kind if b.ranges or b.kind != "hw watchpoint" else "watchpoint") if b.is_watch else
             "catchpoint" if b.catch is not None else "dprintf" if b.dprintf else "breakpoint" for b in bps]
    tw = max(14, *(len(t) for t in types)) + 1   # gdb widens the column for "read watchpoint"
    # breakpoint_1: the Address column only with print address on
    shown = dbg.settings.print_options.addressprint

    def column(text: str) -> str:
        return text if shown else ""
    dbg.write(f"{'Num':<8}{'Type':<{tw}}Disp Enb {column('Address    ')}What")
    last: int | None = None             # the last address listed: gdb's set_next_address ($_)
    for b, typ in zip(bps, types):
        disp = "del" if b.temporary else "dis" if b.disable_after else "keep"
        enb = "y" if b.enabled else "n"
        if b.is_watch:
            dbg.write(f"{b.number:<8}{typ:<{tw}}{disp:<5}{enb:<4}{column(' ' * 11)}{b.what}")
        elif b.catch is not None:
            from vmdebug.debugger.catchpoints import what
            dbg.write(f"{b.number:<8}{typ:<{tw}}{disp:<5}{enb:<4}{column(' ' * 11)}{what(b)}")
        elif len(b.locations) > 1:
            dbg.write(f"{b.number:<8}{typ:<{tw}}{disp:<5}{enb:<4}{column('<MULTIPLE> ')}")
        else:
            dbg.write(f"{b.number:<8}{typ:<{tw}}{disp:<5}{enb:<4}{column(f'{b.address:#010x} ')}"
                      f"{_where(dbg, b.locations[0] if b.locations else None, b.address)}".rstrip())
            last = b.address
        if b.condition:
            dbg.write(f"\tstop only if {b.condition}")
        if b.hits:
            word = "time" if b.hits == 1 else "times"
            dbg.write(f"\t{typ if typ == 'catchpoint' else 'breakpoint'} already hit {b.hits} {word}")
        if b.ignore:
            dbg.write(f"\tignore next {b.ignore} hits")
        if b.counted and b.disable_after:       # "additional": counted after the ignored ones
            dbg.write(f"\tdisable after {'additional' if b.ignore else 'next'} {b.disable_after} hits")
        _list_commands(dbg, [f"printf {b.dprintf}"] if b.dprintf else b.commands)
        if b.is_code and len(b.locations) > 1:
            for k, loc in enumerate(b.locations, 1):
                num = f"{b.number}.{k}"
                dbg.write(f"{num:<{8 + tw + 5}}{'y' if loc.enabled else 'n':<4}{column(f'{loc.address:#010x} ')}"
                          f"{_where(dbg, loc, loc.address)}".rstrip())
                last = loc.address
    if last is not None:
        from vmdebug.debugger.commands.data import set_next_address
        set_next_address(dbg, last)


def _list_commands(dbg: "Debugger", lines: list[str]) -> None:
    """A breakpoint's commands under its row, as gdb's print_command_lines indents them
    (8 columns, 2 more inside each nested block, its ``end`` back out)."""
    depth = 0
    for text in lines:
        if text == "end":
            depth = max(depth - 1, 0)
        dbg.write(" " * (8 + 2 * depth) + text)
        if text.split(" ")[0] in _BLOCKS:
            depth += 1
    if depth:
        for k in range(depth - 1, -1, -1):
            dbg.write(" " * (8 + 2 * k) + "end")


def _where(dbg: "Debugger", loc: Any, address: int) -> str:
    """The What column: ``in FUNC at FILE:LINE`` (gdb print_breakpoint_location)."""
    name = loc.function_name if loc is not None else None
    if name is None:
        func = dbg.info.function_at(address)
        name = func.name if func is not None else None
    file, line = (loc.file, loc.line) if loc is not None else (None, None)
    if file is None:
        found = dbg.info.line_for(address)
        file, line = found if found is not None else (None, None)
    if file is not None and name is not None:
        return f"in {name} at {dbg.info.short_file(file)}:{line}"
    return dbg.label(address)
