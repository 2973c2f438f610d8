"""Examining source and code: list, disassemble, info symbol, info line, info source."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from vmdebug.debugger.commands.breakpoints import current_file, resolve_location
from vmdebug.debugger.commands.data import insn_text, set_next_address
from vmdebug.debugger.registry import command
from vmdebug.debugger.values import DebugError
from vmdebug.safetext import safe_line

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

NO_SYMTAB = 'No symbol table is loaded.  Use the "file" command.'


def _list_range(dbg: "Debugger", file: str, first: int, last: int) -> None:
    text = dbg.info.source_text(file)
    if text is None:
        raise DebugError(f"{file}: No such file or directory.")
    n = len(text) - (1 if text and text[-1] == "" else 0)
    if first > n:
        raise DebugError(f"Line number {first} out of range; {dbg.info.short_file(file)} has {n} lines.")
    first = max(first, 1)
    for ln in range(first, min(last, n) + 1):
        dbg.write(f"{ln}\t{text[ln - 1]}")
    dbg.list_pos = (file, min(last, n))
    dbg.listed = (file, first, min(last, n), dbg.tl.cursor)
    dbg.search_line = (file, first)


def _center(dbg: "Debugger", arg: str) -> tuple[str, int]:
    if arg.isdigit():
        f = current_file(dbg)
        if f is None:
            raise DebugError(NO_SYMTAB)
        return f, int(arg)
    # gdb's list mode (DECODE_LINE_LIST_MODE): FILE:LINE is that line, code or not, and a
    # function (FUNC or FILE:FUNC) is its first line, not the line after its prologue.
    where, colon, what = arg.rpartition(":")
    if colon and where.strip() and what.strip().isdigit() and not arg.startswith("*"):
        gl = dbg.info.gdb_lines
        subs = gl.subfiles_named(where.strip()) if gl is not None else []
        if subs:
            return subs[0].path, int(what)
    addr, loc = resolve_location(dbg, arg)
    if loc is None:
        raise DebugError(NO_SYMTAB)
    name = what.strip() if colon and where else arg
    sym = dbg.info.lookup(name) if not arg.startswith("*") else None
    if sym is not None:
        entry = dbg.info.line_for(sym.address)
        if entry:
            return entry
    return loc


@command("list", aliases=("l",), category="files", example="main")
def cmd_list(dbg: "Debugger", arg: str) -> None:
    """List source lines: around the current line, a line, a function, or FIRST,LAST.

    Usage: list [LINE | FUNCTION | FILE:LINE | FIRST,LAST]
    Another "list" continues where the last one stopped."""
    if dbg.info.lines is None:
        raise DebugError(NO_SYMTAB)
    arg = arg.strip()
    size = dbg.settings.listsize
    if "," in arg:
        a, _, b = (part.strip() for part in arg.partition(","))
        if not a and not b:     # gdb source.c list_command
            raise DebugError("Two empty args do not say what lines to list.")
        # The end is a linespec of its own; a bare number is a line of the first's file.
        if a:
            f, first = _center(dbg, a)
            last = (int(b) if b.isdigit() else _center(dbg, b)[1]) if b else first + size - 1
        else:
            f, last = _center(dbg, b)
            first = max(last - size + 1, 1)
        _list_range(dbg, f, first, last)
        return
    prev = dbg.listed
    if prev is not None and prev[3] != dbg.tl.cursor:
        prev = None
    if arg == "-":
        if prev is None:
            raise DebugError("No previous listing.")
        if prev[1] <= 1:
            raise DebugError(f"Already at the start of {dbg.info.short_file(prev[0])}.")
        _list_range(dbg, prev[0], max(prev[1] - size, 1), prev[1] - 1)
        return
    if arg:
        f, line = _center(dbg, arg)
        first = max(line - size // 2, 1)        # gdb: centred, lines_to_list () / 2 before
    elif prev is not None:
        f, first = prev[0], prev[2] + 1
    else:
        # Before any stop has shown a line, gdb lists around main (source.c
        # select_source_symtab: main's first line after its prologue, less listsize - 1),
        # not around the program's entry, where the cursor is.
        loc = _around_main(dbg) if dbg.list_pos is None else dbg.list_pos   # the line last shown
        if loc is None:
            loc = dbg.info.line_for(dbg.selected_frame().pc)
        if loc is None:
            f = dbg.info.main_file()
            main = dbg.info.lookup("main")
            mloc = dbg.info.line_for(main.address) if main else None
            line = mloc[1] if mloc else 1
            if f is None:
                raise DebugError(NO_SYMTAB)
        else:
            f, line = loc
        first = max(line - size // 2, 1)
    _list_range(dbg, f, first, first + size - 1)


def _around_main(dbg: "Debugger") -> tuple[str, int] | None:
    """gdb's default source position (main's first line after its prologue, less
    ``listsize - 1``), or None when the DWARF has no main."""
    if dbg.debug is None or not dbg.debug.functions_named("main"):
        return None
    from vmdebug.debugger.linespec import Resolver
    try:
        locs = Resolver(dbg).by_function("main")
    except DebugError:
        return None
    if not locs or locs[0].file is None or locs[0].line is None:
        return None
    return locs[0].file, max(locs[0].line - (dbg.settings.listsize - 1), 1)


@command("disassemble", aliases=("disas",), category="files", example="main")
def cmd_disassemble(dbg: "Debugger", arg: str) -> None:
    """Disassemble a function (the current one by default) or START,END / START,+LENGTH.

    Usage: disassemble [/r] [/s] [FUNCTION | ADDRESS | START,END | START,+LEN]
    /r shows each instruction's bytes, /s the source lines above their code."""
    arg = arg.strip()
    mods = ""
    while arg.startswith("/"):
        word, _, arg = arg.partition(" ")
        mods += word[1:]
        arg = arg.strip()
    for c in mods:
        if c not in "rsm":
            raise DebugError("Invalid disassembly modifier.")
    if "m" in mods and "s" in mods:
        raise DebugError("Cannot specify both /m and /s.")
    info = dbg.info
    if "," in arg:
        a, _, b = arg.partition(",")
        start = dbg.eval_int(a)
        end = start + dbg.eval_int(b.strip()[1:]) if b.strip().startswith("+") else dbg.eval_int(b)
        title = f"Dump of assembler code from {start:#x} to {end:#x}:"
        func = None
    else:
        pc = dbg.eval_int(arg) if arg else dbg.selected_frame().pc
        func = info.function_at(pc)
        if func is None:
            raise DebugError("No function contains specified address.")
        start, end = func.address, info.function_end(func)
        title = f"Dump of assembler code for function {func.name}:"
    dbg.write(title)
    pc = dbg.selected_frame().pc

    def dump(lo: int, hi: int) -> None:
        """disasm.c dump_insns: each instruction from lo up to hi."""
        addr = lo
        while addr < hi:
            text, length = insn_text(dbg, addr)
            mark = "=> " if addr == pc else "   "
            if func is not None:
                # build_address_symbolic: no symbol holds the padding after a function
                lab = f"<+{addr - func.address}>" if dbg.label(addr) else ""
            else:
                # gdb_pretty_print_insn always prints the offset, <main+0> too
                lab = dbg.label(addr)
                if lab.endswith(">") and "+" not in lab:
                    lab = lab[:-1] + "+0>"
            raw = ""
            if "r" in mods:             # the opcode bytes, padded as gdb 13 pads them
                data, _bad = dbg.memory.try_read(addr, length)
                raw = " ".join(f"{b:02x}" for b in data).ljust(19) + "\t"
            dbg.write(f"{mark}{addr:#010x}{' ' + lab if lab else ''}:\t{raw}{text}")
            addr += length
    if "s" in mods and info.sal(start) is not None:
        _source_and_assembly(dbg, start, end, dump)
    elif "m" in mods and info.sal(start) is not None:
        _source_order(dbg, start, end, dump)
    else:
        dump(start, end)
    dbg.write("End of assembler dump.")


def _source_and_assembly(dbg: "Debugger", low: int, high: int, dump: "Callable[[int, int], None]") -> None:
    """disasm.c do_mixed_source_and_assembly (``disassemble /s``): in address order, each
    line-table range under its source line, with the lines before it that have no code of
    their own, the file's name when it changes, a blank line between groups."""
    info = dbg.info
    first = info.sal(low)
    assert first is not None
    # The lines with code in the range (the first pass's dis_line_table).
    has_code: set[tuple[str, int]] = set()
    addr = low
    while addr < high:
        sal = info.sal(addr)
        if sal is not None:
            has_code.add((sal[0], sal[1]))
        addr += insn_text(dbg, addr)[1]
    # first_le: the line table's first entry in the range, which an eliminated prologue
    # can leave before the line find_pc_line gives for its pc.
    first_line = _first_row_line(dbg, first[0], low, high)
    last_file: str | None = None
    last_line = 0
    addr = low
    while addr < high:
        sal = info.sal(addr)
        preceding: tuple[int, int] | None = None
        new_line = False
        file, line = (sal[0], sal[1]) if sal is not None else (None, 0)
        if file != last_file:
            new_line = True
            if last_line == 0 and first_line is not None and first_line < line:
                preceding = (first_line, line)
        elif file is not None:
            if line > last_line + 1 and last_line != 0:
                k = line - 1
                while k > last_line and (file, k) not in has_code:
                    k -= 1
                if k < line - 1:
                    preceding = (k + 1, line)
            new_line = line != last_line
        if new_line:
            if addr > low:
                dbg.write("")
            if file != last_file:
                dbg.write(f"{info.short_file(file)}:" if file is not None else "unknown:")
            if preceding is not None and file is not None:
                for k in range(*preceding):
                    dbg.write(dbg.source_text_line(file, k))
            dbg.write(dbg.source_text_line(file, line) if file is not None
                      else "--- no source info for this pc ---")
        end = min(sal[3], high) if sal is not None and sal[3] else addr + 1
        dump(addr, end)
        # dump_insns stops at the first instruction at or past end
        nxt = addr
        while nxt < end:
            nxt += insn_text(dbg, nxt)[1]
        addr = nxt
        last_file, last_line = file, line


def _source_order(dbg: "Debugger", low: int, high: int, dump: "Callable[[int, int], None]") -> None:
    """disasm.c do_mixed_source_and_assembly_deprecated (``disassemble /m``): the line
    table's rows in the range sorted by line, each line once with all its code, the lines
    between them that have none, a blank line after each line's code."""
    sal = dbg.info.sal(low)
    sub = _subfile(dbg, sal[0], low) if sal is not None else None
    if sub is None:
        dump(low, high)
        return
    rows = sub.rows
    i = 0
    while i < len(rows) - 1 and rows[i].pc < low:
        i += 1
    mle: list[tuple[int, int, int]] = []
    while i < len(rows) - 1 and rows[i].pc < high:
        a, b = rows[i], rows[i + 1]
        i += 1
        if (a.line, a.pc) == (b.line, b.pc) or a.line == 0:
            continue
        mle.append((a.line, a.pc, b.pc))
    if i == len(rows) - 1 and rows[i].pc < high:
        last = dbg.info.sal(rows[i].pc)
        mle.append((rows[i].line, rows[i].pc, last[3] if last is not None else rows[i].pc))
    mle.sort()
    next_line = 0
    for k, (line, lo, hi) in enumerate(mle):
        if line >= next_line:
            for n in range(next_line if next_line else line, line + 1):
                dbg.write(dbg.source_text_line(sub.path, n))
            next_line = line + 1
        dump(lo, hi)
        if k == len(mle) - 1 or mle[k + 1][0] > line:
            dbg.write("")


def _subfile(dbg: "Debugger", file: str, pc: int) -> Any:
    gl = dbg.info.gdb_lines
    unit = gl.unit_for(pc) if gl is not None else None
    return next((s for s in unit.subfiles if s.path == file), None) if unit is not None else None


def _first_row_line(dbg: "Debugger", file: str, low: int, high: int) -> int | None:
    """The line of the first line-table row at or after ``low`` in ``file``'s table, if
    it is before ``high``."""
    import bisect
    sub = _subfile(dbg, file, low)
    if sub is None:
        return None
    k = bisect.bisect_left(sub.pcs, low)
    if k < len(sub.rows) and sub.rows[k].pc < high:
        return sub.rows[k].line
    return None


@command("info symbol", category="files", example="$eip")
def cmd_info_symbol(dbg: "Debugger", arg: str) -> None:
    """Which symbol an address is in: "main + 12 in section .text".

    Usage: info symbol ADDRESS"""
    if not arg.strip():
        raise DebugError("Argument required (address).")
    addr = dbg.eval_int(arg)
    # printcmd.c info_symbol_command: the minimal symbol of the address's section.
    msym = dbg.symbolizer.msymbol(addr)
    if msym is None:
        raise DebugError(f"No symbol matches {arg.strip()}.")
    off = addr - msym.address
    dbg.write(f"{msym.name}{f' + {off}' if off else ''} in section {dbg.symbolizer.section_of(addr).name}")


@command("info line", category="files", example="main")
def cmd_info_line(dbg: "Debugger", arg: str) -> None:
    """Where a line's code starts and ends, or which line an address belongs to.

    Usage: info line [LOCATION]"""
    target = _line_spec_target(dbg, arg.strip()) if arg.strip() else None
    if target is not None:
        # gdb decodes a line in list mode (no prologue skipping) and find_line_pc_range says
        # a line whose address holds another line "contains no code"
        pc, path, line = target
        if pc is None:
            dbg.write(f'Line number {line} is out of range for "{dbg.info.short_file(path)}".')
            return
        sal = dbg.info.sal(pc)
        if sal is None or sal[1] != line:
            at = sal[2] if sal is not None else pc
            _say_line_range(dbg, path, line, at, at)
        else:
            _say_line_range(dbg, path, line, sal[2], sal[3])
        return
    if arg.strip():
        addr, loc = resolve_location(dbg, arg)
        if not arg.startswith("*"):
            sym = dbg.info.lookup(arg.strip())
            if sym is not None:
                addr = sym.address
                loc = dbg.info.line_for(addr)
    else:
        addr = dbg.selected_frame().pc
        loc = dbg.info.line_for(addr)
    if loc is None:
        # source.c info_line_command: a message, not an error; the address unless it is 0
        dbg.write(f"No line number information available for address {addr:#x} {dbg.label(addr)}".rstrip()
                  if addr else "No line number information available.")
        return
    # find_line_pc_range: the range of the line-table row at the address (a line gcc wrote
    # as several rows has several ranges; this is the one holding the address)
    sal = dbg.info.sal(addr)
    start, end = (sal[2], sal[3]) if sal is not None else (addr, addr)
    _say_line_range(dbg, loc[0], loc[1], start, end)


def _say_line_range(dbg: "Debugger", path: str, line: int, start: int, end: int) -> None:
    """info_line_command's sentence for a line's range (an empty one "contains no code"),
    then set_next_address: ``x`` with no address goes on from its start, and ``$_``."""
    where = f'Line {line} of "{dbg.info.short_file(path)}"'
    if start == end:
        dbg.write(f"{where} is at address {_address(dbg, start)} but contains no code.")
    else:
        dbg.write(f"{where} starts at address {_address(dbg, start)} and ends at {_address(dbg, end)}.")
    set_next_address(dbg, start)


def _address(dbg: "Debugger", addr: int) -> str:
    """gdb's print_address: the address, then ``<sym+off>`` when a symbol holds it."""
    label = dbg.label(addr)
    return f"{addr:#x} {label}" if label else f"{addr:#x}"


def _line_spec_target(dbg: "Debugger", spec: str) -> tuple[int | None, str, int] | None:
    """``[FILE:]LINE`` as gdb's list mode decodes it for ``info line`` (find_line_pc): the
    first statement pc of that line, or of the smallest later line with one; (pc, the
    file's path, the line asked for).  None for another kind of spec, or code without DWARF."""
    gl = dbg.info.gdb_lines
    file, _, rest = spec.rpartition(":")
    if gl is None or not rest.strip().isdigit() or spec.startswith("*"):
        return None
    line = int(rest)
    name = file.strip() or current_file(dbg)
    subs = gl.subfiles_named(name) if name else []
    if not subs:
        return None
    found, best = gl.pcs_for_line(subs, line)
    if not found and best is not None:
        found, _ = gl.pcs_for_line(subs, best)
    if not found:
        return None, subs[0].path, line
    sub, pc = min(found, key=lambda f: f[1])
    return pc, sub.path, line


@command("info source", category="files")
def cmd_info_source(dbg: "Debugger", arg: str) -> None:
    """The current source file.

    Usage: info source"""
    # gdb's current source symtab: set by a stop that shows a line, or by list - not the pc.
    if dbg.list_pos is None:
        dbg.write("No current source file.")
        return
    import os
    file = dbg.list_pos[0]
    unit = None
    if dbg.debug is not None:
        unit = next((u for u in dbg.debug.units
                     if os.path.normpath(os.path.join(u.comp_dir, u.name)) == os.path.normpath(file)), None)
    text = dbg.info.source_text(file) or []
    dbg.write(f"Current source file is {dbg.info.short_file(file)}")
    if unit is not None and unit.comp_dir:
        dbg.write(f"Compilation directory is {unit.comp_dir}")
    dbg.write(f"Located in {safe_line(file)}")
    n = len(text) - (1 if text and text[-1] == '' else 0)
    dbg.write(f"Contains {n} line{'' if n == 1 else 's'}.")
    dbg.write(f"Source language is {'c' if file.endswith('.c') else 'asm'}.")
    if unit is not None:            # source.c info_source_command: the compunit's facts
        dbg.write(f"Producer is {unit.producer or 'unknown'}.")
        dbg.write(f"Compiled with DWARF {unit.version} debugging format.")
        dbg.write("Does not include preprocessor macro info.")


def _search(dbg: "Debugger", arg: str, forward: bool) -> None:
    """source.c search_command_helper: the first line matching a POSIX basic regular
    expression after (or before) gdb's last_line_listed - the first line the last listing
    printed - in the current source file; printed, ``$_`` set to it, and the next ``list``
    centred on it.  No argument: the last expression again."""
    from vmdebug.debugger.evaluate import make_int
    from vmdebug.debugger.posix_regex import compile_regexp
    from vmdebug.debuginfo import ctype as T
    text = arg.strip() or dbg.search_regexp
    if not text:
        raise DebugError("No previous regular expression")
    try:
        regexp = compile_regexp(text)
    except DebugError as exc:           # re_comp's message alone, without info functions' prefix
        raise DebugError(str(exc).removeprefix("Invalid regexp: ")) from None
    dbg.search_regexp = text
    if dbg.search_line is None and dbg.list_pos is None:
        raise DebugError(NO_SYMTAB)
    file, last = dbg.search_line or dbg.list_pos  # type: ignore[misc]
    lines = dbg.info.source_text(file) or []
    n = len(lines) - (1 if lines and lines[-1] == "" else 0)
    line = last + 1 if forward else last - 1
    while 1 <= line <= n:
        if regexp.search(lines[line - 1]):
            dbg.write(f"{line}\t{lines[line - 1]}")
            dbg.convenience["_"] = make_int(T.INT, line)
            dbg.search_line = (file, line)
            dbg.list_pos, dbg.listed = (file, line), None
            return
        line += 1 if forward else -1
    dbg.write("Expression not found")


@command("search", aliases=("forward-search", "fo"), category="files", example="main")
def cmd_search(dbg: "Debugger", arg: str) -> None:
    """Search forward in the current source file for a line matching a regular expression.

    Usage: search|forward-search REGEXP"""
    _search(dbg, arg, True)


@command("reverse-search", aliases=("rev",), category="files", example="main")
def cmd_reverse_search(dbg: "Debugger", arg: str) -> None:
    """Search backward in the current source file for a line matching a regular expression.

    Usage: reverse-search REGEXP"""
    _search(dbg, arg, False)
