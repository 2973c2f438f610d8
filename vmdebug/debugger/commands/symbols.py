"""Examining the symbol table as gdb 13 does: info functions, info variables, info types,
info scope.

gdb answers these from the symbols its DWARF reader made (gdb/dwarf2/read.c
``new_symbol``), which follow rules of their own; those tables are built in
:mod:`vmdebug.debuginfo.gdbsymtab` from the reader's outline of the DIEs, and
the blocks and functions of hand-written assembly units are added in
:mod:`vmdebug.debugger.program_symbols`.

* ``info functions|variables|types [REGEXP]`` (symtab.c ``symtab_symbol_info``,
  ``global_symbol_searcher::search``): the matching symbols sorted by file
  name, global block before static block, then name, one per (file, block,
  name); functions and variables print as C declarations (``static`` for the
  static block), typedefs as ``typedef T NAME;``, tags as ``struct NAME;``,
  base types as their name.  Then the ELF symbols without debug information
  (gdb's minimal symbols, sorted by address then name:
  :mod:`vmdebug.debuginfo.minsyms`): data symbols whose name no file-scope
  symbol has, for ``info variables``; code symbols outside every compile unit,
  for ``info functions``.  A minimal symbol shows its natural name, which is
  Ada's decoding when that decodes it (gcc's static local ``keys.0`` is listed
  as ``keys``).  REGEXP is a POSIX basic regular expression
  (:mod:`vmdebug.debugger.posix_regex`), searched for in the name; -q, -n and
  -t TYPEREGEXP as in gdb.
* ``info scope LINESPEC`` (tracepoint.c ``info_scope_command``): the block at
  the linespec's (first) pc, then the blocks around it up to the function or
  inlined function (outside every function: the unit's static and global
  blocks), each symbol in block order (declaration order for a function's
  block, gdb's hash-table order for the others), described as dwarf2/loc.c
  describes DWARF locations (:mod:`vmdebug.debuginfo.describe`).

Where gdb's answer depends on its own memory layout, this takes the order gdb
allocates in, which is DWARF order: of several functions a linespec names (an
out-of-line copy and inlined copies), gdb describes the one whose symbol
object has the lowest address (linespec.c ``compare_symbols``), usually but
not always the first read; of two file-scope symbols with the same file,
block and name (``typedef struct node node;``) the first in DWARF order is
listed.  gdb looks names up only in the units it has expanded; all are taken
as expanded (true after any unrestricted listing).  Not done: other
languages' demanglers for minimal symbols (C++, D, Go, Rust names), Ada's non-ASCII
wide-character escapes, thread-local variables' descriptions, and the DWARF of
a program given as a ready-made ELF (only its ELF symbols are known).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vmdebug.debugger.posix_regex import compile_regexp
from vmdebug.debugger.program_symbols import program_symbols
from vmdebug.debugger.registry import command
from vmdebug.debugger.values import DebugError
from vmdebug.debuginfo.describe import DescribeError, Describer, describe_symbol
from vmdebug.debuginfo.gdbsymtab import STATIC_BLOCK, GdbBlock, GdbSymbol, GdbSymtab, symtab_of
from vmdebug.debuginfo.minsyms import minimal_symbols, msymbol_address
from vmdebug.debuginfo.typeprint import type_to_string

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger


# ---- info functions / variables / types --------------------------------------------------------
_CLASSNAMES = {"functions": "function", "variables": "variable", "types": "type"}


def _parse_options(arg: str, allowed: str) -> tuple[dict[str, Any], str | None]:
    """gdb's -q, -n and -t TYPEREGEXP options (an unknown option is the regexp), then the regexp."""
    opts: dict[str, Any] = {"q": False, "n": False, "t": None}
    text = arg.strip()
    while text.startswith("-"):
        word, _, rest = text.partition(" ")
        if word == "--":
            text = rest.strip()
            break
        letter = word[1:]
        if len(letter) == 1 and letter in allowed:
            if letter == "t":
                rest = rest.strip()
                if not rest:
                    raise DebugError("-t requires an argument")
                value, _, rest = rest.partition(" ")
                opts["t"] = value
            else:
                opts[letter] = True
            text = rest.strip()
            continue
        break
    return opts, (text or None)


def _matches(kind: str, sym: GdbSymbol) -> bool:
    """add_matching_symbols: which symbols a domain lists."""
    if kind == "variables":
        return sym.aclass not in ("typedef", "unresolved", "block") and not (sym.aclass == "const" and sym.enum_const)
    if kind == "functions":
        return sym.aclass == "block"
    return sym.aclass == "typedef"


def _info_string(kind: str, sym: GdbSymbol) -> str:
    """symbol_to_info_string."""
    t = sym.type
    if kind == "types":
        if sym.domain != "struct":
            if t is not None and t.kind == "typedef":          # c_print_typedef
                return f"typedef {type_to_string(t.strip(), '', -1)} {sym.name};"
            return type_to_string(t, "", -1) if t is not None else sym.name
        return (type_to_string(t, "", 0) if t is not None else sym.name) + ";"
    prefix = "static " if sym.block == STATIC_BLOCK else ""
    return prefix + (type_to_string(t, sym.name, 0) if t is not None else sym.name) + ";"


def symbol_listing(dbg: "Debugger", kind: str, arg: str) -> list[str]:
    """What ``info functions|variables|types ARG`` prints, line by line."""
    opts, regexp = _parse_options(arg, "qnt" if kind != "types" else "q")
    treg = opts["t"] if kind != "types" else None
    preg = compile_regexp(regexp) if regexp is not None else None
    tpat = compile_regexp(treg) if treg is not None else None
    cls = _CLASSNAMES[kind]
    out: list[str] = []
    if not opts["q"]:
        if regexp is not None:
            if treg is not None:
                out.append(f'All {cls}s matching regular expression "{regexp}" with type matching regular '
                           f'expression "{treg}":')
            else:
                out.append(f'All {cls}s matching regular expression "{regexp}":')
        elif treg is not None:
            out.append(f'All defined {cls}s with type matching regular expression "{treg}" :')
        else:
            out.append(f"All defined {cls}s:")
    prog = program_symbols(dbg)
    found: dict[tuple[bytes, int, bytes], GdbSymbol] = {}
    for sym in prog.symbols:
        if not _matches(kind, sym):
            continue
        if preg is not None and not preg.search(sym.name):
            continue
        if tpat is not None:
            t = sym.type
            if t is None or not tpat.search(type_to_string(t, "", -1)):
                continue
        found.setdefault((sym.file.encode(), sym.block, sym.name.encode()), sym)
    last = ""
    for key in sorted(found):
        sym = found[key]
        if sym.file != last:
            out.append("")
            out.append(f"File {sym.file}:")
            last = sym.file
        out.append((f"{sym.line}:\t" if sym.line else "\t") + _info_string(kind, sym))
    if kind != "types" and not opts["n"] and treg is None:
        names = prog.var_names
        first = True
        for ms in minimal_symbols(dbg.info.symbol_rows, dbg.info.section_rows):
            if kind == "functions":
                if ms.kind not in ("text", "file_text") or prog.in_unit(ms.address):
                    continue
            elif ms.kind not in ("data", "file_data", "bss", "file_bss"):
                continue
            if preg is not None and not preg.search(ms.print_name):
                continue
            if ms.name in names:
                continue
            if first:
                if not opts["q"]:
                    out.append("")
                    out.append("Non-debugging symbols:")
                first = False
            out.append(f"0x{ms.address & 0xFFFFFFFF:08x}  {ms.print_name}")
    return out


@command("rbreak", category="breakpoints", example="^ma")
def cmd_rbreak(dbg: "Debugger", arg: str) -> None:
    """Set a breakpoint on every function whose name matches a regular expression, each
    followed by its declaration (gdb's rbreak_command over search_symbols' order).

    Usage: rbreak [FILE:]REGEXP"""
    from vmdebug.debugger.commands.breakpoints import add_breakpoint
    text = arg.strip()
    file = ""
    colon = text.find(":")
    if colon > 0 and " " not in text[:colon]:
        file, text = text[:colon], text[colon + 1:].lstrip()
    preg = compile_regexp(text)
    prog = program_symbols(dbg)
    found: dict[tuple[bytes, int, bytes], GdbSymbol] = {}
    for sym in prog.symbols:
        if _matches("functions", sym) and preg.search(sym.name) and \
                (not file or sym.file == file or sym.file.endswith("/" + file)):
            found.setdefault((sym.file.encode(), sym.block, sym.name.encode()), sym)
    from vmdebug.debugger.linespec import Resolver
    from vmdebug.debuginfo.symbols import Function
    for key in sorted(found):
        sym = found[key]
        # gdb breaks at FILE:'NAME': the function itself, not the copies inlined elsewhere
        try:
            locs = [loc for loc in Resolver(dbg).by_function(sym.name, sym.file)
                    if loc.symbol is None or isinstance(loc.symbol, Function)]
        except DebugError:
            locs = []
        try:
            add_breakpoint(dbg, f"{sym.file}:'{sym.name}'", locs=locs) if locs else add_breakpoint(dbg, sym.name)
        except DebugError:
            continue
        dbg.write(_info_string("functions", sym))
    if file:
        return
    for ms in minimal_symbols(dbg.info.symbol_rows, dbg.info.section_rows):
        if ms.kind in ("text", "file_text") and not prog.in_unit(ms.address) and preg.search(ms.print_name):
            add_breakpoint(dbg, f"*{ms.address:#x}")
            dbg.write(f"<function, no debug info> {ms.print_name};")


@command("info functions", category="files", example="^ma")
def cmd_info_functions(dbg: "Debugger", arg: str) -> None:
    """All function names, or those matching REGEXP, with their declarations.

    Usage: info functions [-q] [-n] [-t TYPEREGEXP] [NAMEREGEXP]
    Sorted by file, then name; then the code symbols without debug information
    ("Non-debugging symbols:", not with -n).  The regexps are POSIX basic ones."""
    for line in symbol_listing(dbg, "functions", arg):
        dbg.write(line)


@command("info variables", category="files", example="^w")
def cmd_info_variables(dbg: "Debugger", arg: str) -> None:
    """All global and static variable names, or those matching REGEXP.

    Usage: info variables [-q] [-n] [-t TYPEREGEXP] [NAMEREGEXP]
    Sorted by file, then name; then the data symbols without debug information."""
    for line in symbol_listing(dbg, "variables", arg):
        dbg.write(line)


@command("info types", category="files", example="_t$")
def cmd_info_types(dbg: "Debugger", arg: str) -> None:
    """All type names (typedefs, struct, union and enum tags, base types), or those matching REGEXP.

    Usage: info types [-q] [REGEXP]"""
    for line in symbol_listing(dbg, "types", arg):
        dbg.write(line)


# ---- info scope ---------------------------------------------------------------------------------
def _die_order(table: GdbSymtab, loc: Any) -> int:
    """Where a linespec's symbol sits in the DWARF: gdb sorts a function's symbols (its
    out-of-line and inlined copies) by address in memory, i.e. in the order it read them."""
    from vmdebug.debuginfo.symbols import Function
    block = loc.symbol
    if block is None:
        return 1 << 62
    if isinstance(block, Function):
        return int(block.die)
    fn = block.function()
    if fn is None or fn.unit is None:
        return 1 << 62
    tree = table.function_tree(fn)
    want = sorted(block.ranges)

    def find(b: GdbBlock) -> int | None:
        if b.inlined and sorted(b.ranges) == want:
            return b.die_offset
        for child in b.blocks:
            found = find(child)
            if found is not None:
                return found
        return None
    found = find(tree) if tree is not None else None
    return found if found is not None else 1 << 62


def _is_function_spec(spec: str) -> bool:
    spec = spec.strip()
    if spec.startswith("*"):
        return False
    rest = spec.rpartition(":")[2].strip()
    return not rest.isdigit()


def scope_listing(dbg: "Debugger", arg: str) -> list[str]:
    """What ``info scope LINESPEC`` prints, line by line."""
    from vmdebug.debugger.commands.breakpoints import current_file
    from vmdebug.debugger.linespec import Resolver
    spec = arg.strip()
    if not spec:
        raise DebugError("requires an argument (function, line or *addr) to define a scope")
    locs = Resolver(dbg).resolve(spec, lambda: current_file(dbg))
    if not locs:
        return []
    table = symtab_of(dbg.debug) if dbg.debug is not None else None
    loc = locs[0]
    if table is not None and len(locs) > 1 and _is_function_spec(spec):
        loc = min(locs, key=lambda lc: _die_order(table, lc))
    block = program_symbols(dbg).block_at(dbg, loc.address)

    def lookup(name: str) -> int | None:
        return msymbol_address(dbg.info.symbol_rows, name)
    text: list[str] = []
    count = 0
    while block is not None:
        for sym in block.ordered():
            if count == 0:
                text.append(f"Scope for {spec}:\n")
            count += 1
            text.append(f"Symbol {sym.name} is ")
            try:
                text.append(describe_symbol(dbg.debug, sym, block, lookup))
            except DescribeError as exc:
                text.append("\n")
                for line in "".join(text).split("\n")[:-1]:
                    dbg.write(line)
                raise DebugError(str(exc)) from None
        if block.function is not None:
            break
        block = block.parent
    if count <= 0:
        text.append(f"Scope for {spec} contains no locals or arguments.\n")
    return "".join(text).split("\n")[:-1]


@command("info scope", category="files", example="main")
def cmd_info_scope(dbg: "Debugger", arg: str) -> None:
    """The variables of the block a location is in, and of the blocks around it, with where they live.

    Usage: info scope LINESPEC   (FUNCTION, FILE:LINE, LINE or *ADDRESS)
    Each symbol's DWARF location is described: a register, a frame-base offset, a
    DWARF expression (disassembled), a location list (range by range), static storage,
    a constant, or optimized out."""
    for line in scope_listing(dbg, arg):
        dbg.write(line)


# ---- info address -------------------------------------------------------------------------------
def _lookup_var(dbg: "Debugger", name: str, pc: int) -> GdbSymbol | None:
    """gdb's lookup_symbol in VAR_DOMAIN from the block at ``pc``: the blocks up to the
    function's, then the unit's static and global blocks, then every unit's global block,
    then every unit's static block (symtab.c lookup_symbol_aux, C's lookup_symbol_nonlocal)."""
    ps = program_symbols(dbg)
    b = ps.block_at(dbg, pc)
    while b is not None:
        for sym in b.ordered():
            if sym.name == name and sym.domain == "var":
                return sym
        b = b.parent
    if dbg.debug is None or ps.table is None:
        return None
    table = ps.table
    here = dbg.debug.unit_at(pc)
    units = list(dbg.debug.units)
    order: list[GdbBlock] = []
    if here is not None:
        static = table.file_blocks(here)
        order += [static, static.parent] if static.parent is not None else [static]
    order += [table.file_blocks(u).parent for u in units if table.file_blocks(u).parent is not None]
    order += [table.file_blocks(u) for u in units]
    for blk in order:
        for sym in blk.ordered():
            if sym.name == name and sym.domain == "var":
                return sym
    return None


@command("info address", category="files", example="main")
def cmd_info_address(dbg: "Debugger", arg: str) -> None:
    """Where a symbol is: static storage, a function's address, a register, a frame-base
    offset, a DWARF expression or location list (as gdb's dwarf2/loc.c describes them).

    Usage: info address SYMBOL
    The symbol is looked up from the selected frame, as print would find it."""
    name = arg.strip()
    if not name:
        raise DebugError("Argument required.")
    pc = dbg.selected_frame().lookup
    sym = _lookup_var(dbg, name, pc)
    if sym is None:
        addr = msymbol_address(dbg.info.symbol_rows, name)
        if addr is None:
            raise DebugError(f'No symbol "{name}" in current context.')
        dbg.write(f'Symbol "{name}" is at {addr:#x} in a file compiled without debugging.')
        return
    head = f'Symbol "{sym.name}" is '
    a = sym.aclass
    try:
        if a == "computed":
            text = Describer(dbg.debug, sym).describe(sym.value, pc)
        elif a == "loclist":
            text = Describer(dbg.debug, sym).describe_loclist(sym.value)
        elif a in ("const", "const_bytes"):
            text = "constant"
        elif a == "static":
            text = f"static storage at address 0x{int(sym.value):x}"
        elif a == "block":
            text = f"a function at address 0x{sym.value.entry_pc:x}"
        elif a == "label":
            text = f"a label at address 0x{int(sym.value):x}"
        elif a == "optimized_out":
            text = "optimized out"
        elif a == "unresolved":
            addr = msymbol_address(dbg.info.symbol_rows, sym.name)
            text = "unresolved" if addr is None else f"static storage at address 0x{addr:x}"
        elif a == "typedef":
            text = "a typedef"
        else:                       # info_address_command's default case
            text = "of unknown (botched) type"
    except DescribeError as exc:
        raise DebugError(str(exc)) from None
    for line in (head + text + ".").split("\n"):
        dbg.write(line)

