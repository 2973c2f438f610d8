"""Examining the symbol table as gdb 13 does: info functions, info variables, info types,
info scope.

gdb answers these from the symbols its DWARF reader made (gdb/dwarf2/read.c
``new_symbol``), so this module reads the DWARF DIEs again with gdb's rules
rather than the debugger's own, simpler model (:mod:`vmdebug.debuginfo`):

* **File scope** (the global and static blocks of every compile unit): a
  function with valid pc bounds (global if ``DW_AT_external``), a variable
  with a location (not a lone ``DW_OP_addr 0``), a constant value, or -
  without either - one that is not a declaration (``optimized out``; an
  external declaration with a type is ``LOC_UNRESOLVED``, which
  ``info variables`` skips), typedefs, base types, and named struct, union
  and enum types that are not mere declarations.  A symbol belongs to the
  file its ``DW_AT_decl_file`` names (a header's types are listed under the
  header), else to the unit's own file.  Hand-written assembly (crt0.s, a
  ``.s`` program) has the small units the ELF writer adds for it
  (:func:`vmdebug.toolchain.dwarf_line.build_dwarf`): a ``void NAME(void)``
  subprogram per function symbol.
* ``info functions|variables|types [REGEXP]`` (symtab.c ``symtab_symbol_info``,
  ``global_symbol_searcher::search``): the matching symbols sorted by file
  name, global block before static block, then name, one per (file, block,
  name); functions and variables print as C declarations (``static`` for the
  static block), typedefs as ``typedef T NAME;``, tags as ``struct NAME;``,
  base types as their name.  Then the ELF symbols without debug information
  (gdb's minimal symbols, sorted by address then name): data symbols whose
  name no file-scope symbol has, for ``info variables``; code symbols outside
  every compile unit, for ``info functions``.  A minimal symbol shows its
  natural name, which is Ada's decoding when that decodes it (gcc's static
  local ``keys.0`` is listed as ``keys``).  REGEXP is a POSIX basic regular
  expression, searched for in the name; -q, -n and -t TYPEREGEXP as in gdb.
* ``info scope LINESPEC`` (tracepoint.c ``info_scope_command``): the block at
  the linespec's (first) pc, then the blocks around it up to the function or
  inlined function (outside every function: the unit's static and global
  blocks), each symbol in block order (declaration order for a function's
  block, gdb's hash-table order for the others), described as dwarf2/loc.c
  ``locexpr_describe_location_1`` and ``loclist_describe_location`` describe
  DWARF locations.

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

import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vmdebug.debugger.registry import command
from vmdebug.debugger.values import DebugError
from vmdebug.debuginfo import ctype as T
from vmdebug.debuginfo.typeprint import type_to_string

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger
    from vmdebug.debuginfo import DebugInfo
    from vmdebug.debuginfo.symbols import Unit

GLOBAL_BLOCK, STATIC_BLOCK = 0, 1
#: DW_LANG_C89, DW_LANG_C, DW_LANG_C99, DW_LANG_C11: gdb's language_c.
_C_LANGS = {0x1, 0x2, 0xc, 0x1d}
#: Languages where a function without DW_AT_prototyped is still prototyped is every
#: language but C, Objective-C and OpenCL (dwarf2/read.c prototyped_function_p).
_UNPROTOTYPED_LANGS = _C_LANGS | {0x10, 0x15}

_BLOCK_FORMS = ("DW_FORM_exprloc", "DW_FORM_block", "DW_FORM_block1", "DW_FORM_block2", "DW_FORM_block4")


# ---- POSIX basic regular expressions (regcomp without REG_EXTENDED) -----------------------
_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": " \\t\\n\\r\\f\\v", "blank": " \\t", "punct": "!-/:-@\\[-`{-~", "xdigit": "0-9A-Fa-f",
    "cntrl": "\\x00-\\x1f\\x7f", "print": " -~", "graph": "!-~",
}


def bre_to_python(pattern: str) -> str:
    """A POSIX basic regular expression (with the GNU extensions glibc's regcomp
    accepts: ``\\+ \\? \\| \\< \\> \\w \\b``) as a Python one."""
    out: list[str] = []
    i, n = 0, len(pattern)
    at_start = True                   # where '*' is literal and '^' an anchor
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 == n:
            raise re.error("Trailing backslash")
        if c == "\\":
            d = pattern[i + 1]
            i += 2
            if d == "(":
                out.append("(")
                at_start = True
                continue
            if d == "|":
                out.append("|")
                at_start = True
                continue
            if d == "{":
                m = re.match(r"(\d*)(,?)(\d*)\\}", pattern[i:])
                if m is None:
                    raise re.error("Unmatched \\{")
                if m.group(1) == "" or (m.group(3) and int(m.group(3)) < int(m.group(1))):
                    raise re.error("min repeat greater")
                out.append("{" + m.group(1) + m.group(2) + m.group(3) + "}")
                i += m.end()
                at_start = False
                continue
            mapped = {")": ")", "}": "}", "+": "+", "?": "?", "<": r"\b(?=\w)", ">": r"\b(?<=\w)",
                      "`": r"\A", "'": r"\Z", "w": r"\w", "W": r"\W", "s": r"\s", "S": r"\S", "b": r"\b",
                      "B": r"\B"}.get(d)
            if mapped is not None:
                out.append(mapped)
            elif d.isdigit() and d != "0":
                out.append("\\" + d)
            else:
                out.append(re.escape(d))
            at_start = False
            continue
        if c == "[":
            j = i + 1
            body = ""
            if j < n and pattern[j] == "^":
                body += "^"
                j += 1
            if j < n and pattern[j] == "]":
                body += "\\]"
                j += 1
            while j < n and pattern[j] != "]":
                if pattern.startswith("[:", j):
                    k = pattern.find(":]", j + 2)
                    if k > 0 and pattern[j + 2:k] in _CLASSES:
                        body += _CLASSES[pattern[j + 2:k]]
                        j = k + 2
                        continue
                ch = pattern[j]
                body += "\\" + ch if ch in "\\[]^" else ch
                j += 1
            if j >= n:
                raise re.error("Unmatched [")
            out.append("[" + body + "]")
            i = j + 1
            at_start = False
            continue
        if c == "*" and at_start:
            out.append(r"\*")
        elif c == "^":
            out.append("^" if at_start else r"\^")
            i += 1
            continue                  # '*' right after an anchoring '^' is literal too
        elif c == "$":
            rest = pattern[i + 1:]
            out.append("$" if rest == "" or rest.startswith(("\\)", "\\|")) else r"\$")
        elif c in "+?(){}|":
            out.append("\\" + c)
        elif c == "." or c == "*":
            out.append(c)
        else:
            out.append(re.escape(c))
        at_start = False
        i += 1
    return "".join(out)


#: Python's complaints as glibc's regerror words them.
_REGERRORS = [("missing )", "Unmatched ( or \\("), ("unbalanced parenthesis", "Unmatched ( or \\("),
              ("unterminated character set", "Unmatched [ or [^"), ("Unmatched [", "Unmatched [ or [^"),
              ("Unmatched \\{", "Unmatched \\{"), ("bad character range", "Invalid range end"),
              ("nothing to repeat", "Invalid preceding regular expression"),
              ("multiple repeat", "Invalid preceding regular expression"),
              ("invalid group reference", "Invalid back reference"), ("unknown group", "Invalid back reference"),
              ("Trailing backslash", "Trailing backslash"), ("min repeat greater", "Invalid content of \\{\\}"),
              ("bad escape", "Trailing backslash")]


def compile_regexp(pattern: str) -> re.Pattern[str]:
    """regcomp (REG_NOSUB, basic syntax); errors as gdb reports them."""
    try:
        return re.compile(bre_to_python(pattern))
    except re.error as exc:
        text = str(exc)
        msg = next((g for py, g in _REGERRORS if py in text), text.split(" at position")[0])
        raise DebugError(f"Invalid regexp: {msg}") from None


# ---- DWARF attributes as gdb reads them -----------------------------------------------------
def _follow(die: Any, name: str) -> Any:
    """dwarf2_attr: the attribute of the DIE or of the DIE its DW_AT_specification or
    DW_AT_abstract_origin names (transitively)."""
    d = die
    for _ in range(16):
        a = d.attributes.get(name)
        if a is not None:
            return a
        ref = None
        for key in ("DW_AT_specification", "DW_AT_abstract_origin"):
            if key in d.attributes:
                ref = key
        if ref is None:
            return None
        try:
            d = d.get_DIE_from_attribute(ref)
        except Exception:
            return None
    return None


def _follow_owner(die: Any, name: str) -> Any:
    """The DIE (this one or one it refers to) that holds the attribute."""
    d = die
    for _ in range(16):
        if name in d.attributes:
            return d
        ref = None
        for key in ("DW_AT_specification", "DW_AT_abstract_origin"):
            if key in d.attributes:
                ref = key
        if ref is None:
            return None
        try:
            d = d.get_DIE_from_attribute(ref)
        except Exception:
            return None
    return None


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _flag(die: Any, name: str) -> bool:
    a = _follow(die, name)
    return a is not None and bool(a.value)


def _is_declaration(die: Any) -> bool:
    """die_is_declaration."""
    return _flag(die, "DW_AT_declaration") and _follow(die, "DW_AT_specification") is None


def _uleb(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while pos < len(data):
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    return result, pos


def _sleb(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    b = 0
    while pos < len(data):
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    if b & 0x40:
        result -= 1 << shift
    return result, pos


def _signed64(v: int) -> int:
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >> 63 else v


# ---- symbols ---------------------------------------------------------------------------------
@dataclass(eq=False)
class GdbSymbol:
    """One of gdb's symbols (struct symbol), reduced to what these commands print."""

    name: str
    aclass: str                  # block static computed loclist const const_bytes optimized_out
    #                            # unresolved typedef label
    die: Any
    unit: "Unit"
    domain: str = "var"          # "var" (VAR_DOMAIN) or "struct" (STRUCT_DOMAIN: tags)
    block: int = STATIC_BLOCK    # for file-scope symbols
    file: str = ""
    line: int = 0
    value: Any = None            # address, constant, bytes, expression or location attribute
    enum_const: bool = False     # an enumerator (LOC_CONST of an enum type)
    tag: str = ""
    type_fn: Callable[[], "T.CType | None"] | None = field(default=None, repr=False)
    _type: Any = field(default=None, repr=False)
    _typed: bool = False

    @property
    def type(self) -> "T.CType | None":
        if not self._typed:
            self._type = self.type_fn() if self.type_fn is not None else None
            self._typed = True
        return self._type


@dataclass(eq=False)
class GdbBlock:
    """A block as gdb's DWARF reader builds it: only blocks with valid pc bounds exist, a
    lexical block only if it holds symbols; a function's (or inlined function's) block
    keeps its symbols in order, a lexical block in a hash table."""

    ranges: list[tuple[int, int]]
    parent: "GdbBlock | None"
    linear: bool
    die_offset: int = 0
    function: GdbSymbol | None = None       # block->function(): functions and inlined functions
    inlined: bool = False
    symbols: list[GdbSymbol] = field(default_factory=list)
    blocks: list["GdbBlock"] = field(default_factory=list)

    def contains(self, pc: int) -> bool:
        return any(lo <= pc < hi for lo, hi in self.ranges)

    @property
    def entry_pc(self) -> int:
        """block::entry_pc: the start of a contiguous block, else its first range."""
        if len(self.ranges) <= 1:
            return min((lo for lo, _ in self.ranges), default=0)
        return self.ranges[0][0]

    def innermost(self, pc: int) -> "GdbBlock":
        b = self
        while True:
            for child in b.blocks:
                if child.contains(pc):
                    b = child
                    break
            else:
                return b

    def ordered(self) -> list[GdbSymbol]:
        """ALL_BLOCK_SYMBOLS order (dictionary.c): a linear dictionary in insertion order;
        a hashed one bucket by bucket (DICT_HASHTABLE_SIZE buckets), each bucket in
        insertion order."""
        if self.linear or len(self.symbols) < 2:
            return list(self.symbols)
        nbuckets = len(self.symbols) // 5 + 1
        buckets: list[list[GdbSymbol]] = [[] for _ in range(nbuckets)]
        for sym in self.symbols:
            buckets[search_name_hash(sym.name) % nbuckets].append(sym)
        return [s for b in buckets for s in b]


def _hash_next(h: int, c: int) -> int:
    """SYMBOL_HASH_NEXT (minsyms.h), in unsigned int arithmetic."""
    if 65 <= c <= 90:
        c += 32
    return (h * 67 + c - 113) & 0xFFFFFFFF


def _msymbol_hash_iw(s: bytes) -> int:
    h = 0
    for c in s:
        if c == 0x28:                       # '('
            break
        if c in b" \t\n\r\f\v":
            continue
        h = _hash_next(h, c)
    return h


def search_name_hash(name: str) -> int:
    """language_defn::search_name_hash (dictionary.c), gdb's hash of a C symbol name."""
    s0 = name.encode()
    if not s0:
        return 0
    i = 0
    if s0[0] == 0x5F:                       # '_'
        if s0.startswith(b"_ada_"):
            i = 5
        else:
            return _msymbol_hash_iw(s0)
    h = 0
    n = len(s0)
    while i < n:
        c = s0[i]
        if c in b"$.X":
            return _msymbol_hash_iw(s0) if i == 0 else h
        if c in b" (":
            return _msymbol_hash_iw(s0)
        if c == 0x5F and i + 1 < n and s0[i + 1] == 0x5F and i != 0:
            c2 = s0[i + 2] if i + 2 < n else 0
            if c2 == 0x42 and i + 3 < n and s0[i + 3] == 0x5F:     # "__B_": skip the digits
                i += 4
                while i < n and 0x30 <= s0[i] <= 0x39:
                    i += 1
                continue
            if not (0x61 <= c2 <= 0x7A) and c2 != 0x4F:
                return h
            h = 0
            i += 2
            continue
        if c == 0x54 and s0[i:] == b"TKB":
            return h
        h = _hash_next(h, c)
        i += 1
    return h


# ---- reading the DWARF the way gdb does --------------------------------------------------------
class GdbSymtab:
    """gdb's symbols of one program's DWARF: the file-scope ones of every unit, and the
    blocks of a function on demand."""

    def __init__(self, debug: "DebugInfo") -> None:
        from vmdebug.debuginfo.reader import Reader
        self.debug = debug
        self.dwarf = debug.dwarf
        self.reader = Reader(self.dwarf)
        self._file_symbols: list[GdbSymbol] | None = None
        self._trees: dict[int, GdbBlock | None] = {}
        self._file_blocks: dict[int, GdbBlock] = {}
        self._in_process: set[int] = set()

    # ---- names, files, types ------------------------------------------------------------
    def name(self, die: Any, unit: "Unit") -> str | None:
        """dwarf2_name (with the C name canonicalisation gdb applies to C units)."""
        a = _follow(die, "DW_AT_name")
        if a is None:
            if die.tag in ("DW_TAG_subprogram", "DW_TAG_inlined_subroutine"):
                a = _follow(die, "DW_AT_linkage_name") or _follow(die, "DW_AT_MIPS_linkage_name")
            if a is None:
                return None
        name = _text(a.value)
        if not name:
            return None
        if unit.language in _C_LANGS and die.tag not in ("DW_TAG_enumeration_type", "DW_TAG_enumerator"):
            from vmdebug.debuginfo.reader import canonical_c_name
            name = canonical_c_name(name)
        return name

    def decl_file(self, die: Any, unit: "Unit", attr: str = "DW_AT_decl_file") -> str:
        """The symtab a symbol goes to: its declaration's file (a header by the name the
        line table gives it), else the unit's own file."""
        a = _follow(die, attr)
        if a is not None and isinstance(a.value, int):
            idx = a.value if die.cu.header.version >= 5 else a.value - 1
            if 0 <= idx < len(unit.files):
                return unit.files[idx].name
        return unit.name

    def die_type(self, die: Any) -> T.CType | None:
        """die_type: the type DW_AT_type names (followed through specifications), None for void."""
        owner = _follow_owner(die, "DW_AT_type")
        if owner is None:
            return None
        try:
            return self.reader.type_attr(owner)
        except Exception:
            return None

    def function_type(self, die: Any, unit: "Unit") -> T.CType:
        """read_subroutine_type for a subprogram or inlined subroutine DIE."""
        t = T.CType("func", None, 1, self.die_type(die) or T.VOID)
        t.prototyped = _flag(die, "DW_AT_prototyped") or unit.language not in _UNPROTOTYPED_LANGS
        for child in die.iter_children():
            if child.tag == "DW_TAG_formal_parameter":
                t.params.append(self.die_type(child) or T.VOID)
            elif child.tag == "DW_TAG_unspecified_parameters":
                t.varargs = True
        return t


    def pc_bounds(self, die: Any) -> tuple[str, list[tuple[int, int]]]:
        """dwarf2_get_pc_bounds: ("ok", ranges), ("absent", []) or ("invalid", [])."""
        high = _follow(die, "DW_AT_high_pc")
        if high is not None:
            low = _follow(die, "DW_AT_low_pc")
            if low is None:
                return "invalid", []
            lo, hi = int(low.value), int(high.value)
            if die.cu.header.version >= 4 and high.form != "DW_FORM_addr":
                hi += lo
            ranges = [(lo, hi)]
        else:
            owner = _follow_owner(die, "DW_AT_ranges")
            if owner is None:
                return "absent", []
            try:
                ranges = [(lo, hi) for lo, hi in self.reader.ranges_of(owner) if lo != 0]
            except Exception:
                ranges = []
            if not ranges:
                return "invalid", []
        lo = min(r[0] for r in ranges)
        hi = max(r[1] for r in ranges)
        if hi <= lo or lo == 0:
            return "invalid", []
        return "ok", ranges

    # ---- symbols (new_symbol) -------------------------------------------------------------
    def _location(self, die: Any, sym: GdbSymbol, attr: Any) -> None:
        """var_decode_location."""
        if attr.form in _BLOCK_FORMS:
            data = bytes(attr.value)
            if not data:
                sym.aclass = "optimized_out"
                return
            size = die.cu.header.address_size
            if data[0] == 0x03 and len(data) == 1 + size:
                sym.aclass, sym.value = "static", int.from_bytes(data[1:], "little")
                return
            sym.aclass, sym.value = "computed", data
            return
        sym.aclass, sym.value = "loclist", attr

    def _const(self, die: Any, sym: GdbSymbol, attr: Any) -> None:
        """dwarf2_const_value."""
        form = attr.form
        value = attr.value
        if form in ("DW_FORM_addr", "DW_FORM_addrx", "DW_FORM_GNU_addr_index"):
            size = die.cu.header.address_size
            sym.aclass = "computed"
            sym.value = bytes([0x03]) + (int(value) & ((1 << (8 * size)) - 1)).to_bytes(size, "little") + b"\x9f"
        elif form in ("DW_FORM_string", "DW_FORM_strp", "DW_FORM_strx", "DW_FORM_strx1", "DW_FORM_strx2",
                      "DW_FORM_strx3", "DW_FORM_strx4", "DW_FORM_line_strp", "DW_FORM_GNU_str_index",
                      "DW_FORM_GNU_strp_alt"):
            sym.aclass, sym.value = "const_bytes", (value if isinstance(value, bytes) else str(value).encode())
        elif form in _BLOCK_FORMS or form == "DW_FORM_data16" or isinstance(value, (list, bytes)):
            sym.aclass, sym.value = "const_bytes", bytes(value)
        elif form in ("DW_FORM_data1", "DW_FORM_data2", "DW_FORM_data4"):
            bits = {"DW_FORM_data1": 8, "DW_FORM_data2": 16, "DW_FORM_data4": 32}[form]
            sym.aclass, sym.value = "const", int(value) & ((1 << bits) - 1)
        elif form in ("DW_FORM_sdata", "DW_FORM_implicit_const", "DW_FORM_data8", "DW_FORM_udata"):
            sym.aclass, sym.value = "const", _signed64(int(value))
        else:
            sym.aclass, sym.value = "const", 0

    def new_symbol(self, die: Any, unit: "Unit", enum_type: Any = None) -> GdbSymbol | None:
        """dwarf2/read.c new_symbol: the symbol a DIE makes (None if none), its block."""
        name = self.name(die, unit)
        if name is None:
            return None
        tag = die.tag
        line_attr = _follow(die, "DW_AT_call_line" if tag == "DW_TAG_inlined_subroutine" else "DW_AT_decl_line")
        sym = GdbSymbol(name, "optimized_out", die, unit, tag=tag,
                        line=int(line_attr.value) if line_attr is not None and isinstance(line_attr.value, int) else 0,
                        file=self.decl_file(die, unit, "DW_AT_call_file" if tag == "DW_TAG_inlined_subroutine"
                                            else "DW_AT_decl_file"))
        sym.type_fn = lambda: self.die_type(die)
        if tag == "DW_TAG_label":
            low = _follow(die, "DW_AT_low_pc")
            if low is not None:
                sym.aclass, sym.value = "label", int(low.value)
            sym.type_fn = lambda: T.UINT
            return sym
        if tag in ("DW_TAG_subprogram", "DW_TAG_inlined_subroutine"):
            sym.aclass = "block"
            sym.block = GLOBAL_BLOCK if tag == "DW_TAG_subprogram" and _flag(die, "DW_AT_external") \
                else STATIC_BLOCK
            sym.type_fn = lambda: self.function_type(die, unit)
            return sym
        if tag in ("DW_TAG_variable", "DW_TAG_constant"):
            def var_type() -> T.CType:
                t = self.die_type(die)
                return T.INT if t is None or t.kind == "void" else t
            sym.type_fn = var_type
            external = _flag(die, "DW_AT_external")
            cv = _follow(die, "DW_AT_const_value")
            if cv is not None:
                self._const(die, sym, cv)
                sym.block = GLOBAL_BLOCK if external else STATIC_BLOCK
                return sym
            loc = _follow(die, "DW_AT_location")
            if loc is not None:
                self._location(die, sym, loc)
                if sym.aclass == "static" and sym.value == 0:
                    return None                       # eliminated by the linker
                sym.block = GLOBAL_BLOCK if external else STATIC_BLOCK
                return sym
            if external and _follow(die, "DW_AT_type") is not None:
                sym.aclass = "unresolved"
                sym.block = GLOBAL_BLOCK
                return sym
            if not _is_declaration(die):
                return sym                            # optimized out
            return None
        if tag == "DW_TAG_formal_parameter":
            loc = _follow(die, "DW_AT_location")
            if loc is not None:
                self._location(die, sym, loc)
            cv = _follow(die, "DW_AT_const_value")
            if cv is not None:
                self._const(die, sym, cv)
            return sym
        if tag in ("DW_TAG_class_type", "DW_TAG_interface_type", "DW_TAG_structure_type", "DW_TAG_union_type",
                   "DW_TAG_set_type", "DW_TAG_enumeration_type"):
            sym.aclass, sym.domain = "typedef", "struct"
            sym.type_fn = lambda: self.reader.type(die)
            return sym
        if tag in ("DW_TAG_typedef", "DW_TAG_array_type", "DW_TAG_base_type", "DW_TAG_subrange_type",
                   "DW_TAG_generic_subrange", "DW_TAG_unspecified_type"):
            sym.aclass = "typedef"
            sym.type_fn = lambda: self.reader.type(die)
            return sym
        if tag == "DW_TAG_enumerator":
            cv = die.attributes.get("DW_AT_const_value")
            sym.aclass, sym.value = "const", 0
            if cv is not None:
                self._const(die, sym, cv)
            sym.enum_const = True
            sym.type_fn = lambda: self.reader.type(enum_type) if enum_type is not None else T.INT
            return sym
        return None

    # ---- file scope ---------------------------------------------------------------------------
    def file_symbols(self) -> list[GdbSymbol]:
        """Every symbol of the global and static blocks of every unit, in DWARF order."""
        if self._file_symbols is None:
            out: list[GdbSymbol] = []
            for unit in self.debug.units:
                try:
                    top = self.dwarf.get_CU_at(unit.offset).get_top_DIE()
                except Exception:
                    continue
                for die in top.iter_children():
                    self._file_die(die, unit, out)
            self._file_symbols = out
        return self._file_symbols

    def _file_die(self, die: Any, unit: "Unit", out: list[GdbSymbol]) -> None:
        """process_die at file scope (only what lands in the global and static blocks)."""
        tag = die.tag
        if tag == "DW_TAG_subprogram":
            kind, ranges = self.pc_bounds(die)
            if self.name(die, unit) is None or kind != "ok":
                return
            sym = self.new_symbol(die, unit)
            if sym is not None:
                sym.value = GdbBlock(ranges, None, True, die.offset)
                out.append(sym)
        elif tag in ("DW_TAG_class_type", "DW_TAG_interface_type", "DW_TAG_structure_type", "DW_TAG_union_type"):
            for child in die.iter_children():
                if child.tag not in ("DW_TAG_member", "DW_TAG_variable", "DW_TAG_inheritance",
                                     "DW_TAG_template_value_param", "DW_TAG_template_type_param"):
                    self._file_die(child, unit, out)
            if _follow(die, "DW_AT_byte_size") is not None or not _is_declaration(die) \
                    or _follow(die, "DW_AT_signature") is not None:
                self._add(self.new_symbol(die, unit), out)
        elif tag == "DW_TAG_enumeration_type":
            for child in die.iter_children():
                if child.tag == "DW_TAG_enumerator":
                    self._add(self.new_symbol(child, unit, enum_type=die), out)
                else:
                    self._file_die(child, unit, out)
            self._add(self.new_symbol(die, unit), out)
        elif tag in ("DW_TAG_base_type", "DW_TAG_subrange_type", "DW_TAG_generic_subrange", "DW_TAG_typedef",
                     "DW_TAG_variable", "DW_TAG_constant", "DW_TAG_unspecified_type"):
            self._add(self.new_symbol(die, unit), out)

    @staticmethod
    def _add(sym: GdbSymbol | None, out: list[GdbSymbol]) -> None:
        if sym is not None:
            out.append(sym)

    def file_blocks(self, unit: "Unit") -> GdbBlock:
        """The unit's static block (its superblock the global block), hashed dictionaries."""
        found = self._file_blocks.get(unit.offset)
        if found is None:
            mine = [s for s in self.file_symbols() if s.unit is unit]
            glob = GdbBlock(list(unit.ranges), None, False,
                            symbols=[s for s in mine if s.block == GLOBAL_BLOCK])
            found = GdbBlock(list(unit.ranges), glob, False, symbols=[s for s in mine if s.block == STATIC_BLOCK])
            self._file_blocks[unit.offset] = found
        return found

    def has_address_map(self, unit: "Unit") -> bool:
        """Whether gdb keeps an address map for the unit's blocks (some block made of
        several ranges): then a pc outside every function is in no block, else it is in
        the static block (block.c find_block_in_blockvector)."""
        def multi(b: GdbBlock) -> bool:
            return len(b.ranges) > 1 or any(multi(c) for c in b.blocks)
        for fn in unit.functions:
            tree = self.function_tree(fn.die, unit)
            if tree is not None and multi(tree):
                return True
        return False

    # ---- function blocks ---------------------------------------------------------------------
    def function_tree(self, die_offset: int, unit: "Unit") -> GdbBlock | None:
        """The blocks gdb builds for one top-level function (read_func_scope)."""
        if die_offset not in self._trees:
            tree = None
            try:
                die = self.dwarf.get_DIE_from_refaddr(die_offset)
            except Exception:
                die = None
            if die is not None:
                root = GdbBlock([], None, True)
                self._in_process = set()
                self._func_scope(die, root, unit, top=True)
                tree = root.blocks[0] if root.blocks else None
                if tree is not None:
                    tree.parent = None
            self._trees[die_offset] = tree
        return self._trees[die_offset]

    def _process(self, die: Any, scope: GdbBlock, unit: "Unit") -> None:
        """process_die inside a function."""
        self._in_process.add(die.offset)
        try:
            self._process_1(die, scope, unit)
        finally:
            self._in_process.discard(die.offset)

    def _process_1(self, die: Any, scope: GdbBlock, unit: "Unit") -> None:
        tag = die.tag
        if tag in ("DW_TAG_subprogram", "DW_TAG_inlined_subroutine"):
            self._func_scope(die, scope, unit, top=False)
        elif tag in ("DW_TAG_lexical_block", "DW_TAG_try_block", "DW_TAG_catch_block"):
            self._lexical_block(die, scope, unit)
        elif tag in ("DW_TAG_call_site", "DW_TAG_GNU_call_site"):
            return
        elif tag in ("DW_TAG_class_type", "DW_TAG_interface_type", "DW_TAG_structure_type", "DW_TAG_union_type"):
            for child in die.iter_children():
                if child.tag not in ("DW_TAG_member", "DW_TAG_variable", "DW_TAG_inheritance",
                                     "DW_TAG_template_value_param", "DW_TAG_template_type_param"):
                    self._process(child, scope, unit)
            if _follow(die, "DW_AT_byte_size") is not None or not _is_declaration(die) \
                    or _follow(die, "DW_AT_signature") is not None:
                self._add(self.new_symbol(die, unit), scope.symbols)
        elif tag == "DW_TAG_enumeration_type":
            for child in die.iter_children():
                if child.tag == "DW_TAG_enumerator":
                    self._add(self.new_symbol(child, unit, enum_type=die), scope.symbols)
                else:
                    self._process(child, scope, unit)
            self._add(self.new_symbol(die, unit), scope.symbols)
        elif tag in ("DW_TAG_subroutine_type", "DW_TAG_set_type", "DW_TAG_pointer_type",
                     "DW_TAG_ptr_to_member_type", "DW_TAG_reference_type", "DW_TAG_rvalue_reference_type",
                     "DW_TAG_string_type", "DW_TAG_array_type", "DW_TAG_common_block", "DW_TAG_common_inclusion",
                     "DW_TAG_namespace", "DW_TAG_module", "DW_TAG_imported_declaration",
                     "DW_TAG_imported_module", "DW_TAG_imported_unit"):
            return
        else:
            sym = self.new_symbol(die, unit)
            if sym is not None and sym.aclass != "block":
                scope.symbols.append(sym)

    def _func_scope(self, die: Any, scope: GdbBlock, unit: "Unit", top: bool) -> None:
        """read_func_scope: a block for a function or inlined function with valid bounds; the
        symbol of a nested (inlined) one is the first of its own block."""
        if self.name(die, unit) is None:
            return
        kind, ranges = self.pc_bounds(die)
        if kind != "ok":
            return
        block = GdbBlock(ranges, scope, True, die.offset, inlined=die.tag == "DW_TAG_inlined_subroutine")
        sym = self.new_symbol(die, unit)
        if sym is not None:
            sym.value = block
            block.function = sym
            if not top:
                block.symbols.append(sym)
        self._in_process.add(die.offset)
        try:
            for child in die.iter_children():
                if child.tag not in ("DW_TAG_template_type_param", "DW_TAG_template_value_param"):
                    self._process(child, block, unit)
            self._inherit(die, block, unit)
        finally:
            self._in_process.discard(die.offset)
        scope.blocks.append(block)

    def _lexical_block(self, die: Any, scope: GdbBlock, unit: "Unit") -> None:
        """read_lexical_block_scope."""
        kind, ranges = self.pc_bounds(die)
        if kind == "absent":
            for child in die.iter_children():
                if child.offset not in self._in_process:
                    self._process(child, scope, unit)
            return
        if kind == "invalid":
            return
        block = GdbBlock(ranges, scope, False, die.offset)
        for child in die.iter_children():
            self._process(child, block, unit)
        self._inherit(die, block, unit)
        if block.symbols:
            scope.blocks.append(block)
        else:                                 # no block: its blocks belong to the one around
            for b in block.blocks:
                b.parent = scope
            scope.blocks.extend(block.blocks)

    def _inherit(self, die: Any, block: GdbBlock, unit: "Unit") -> None:
        """inherit_abstract_dies: the abstract origin's children no concrete child refers to."""
        if "DW_AT_abstract_origin" not in die.attributes:
            return
        try:
            origin = die.get_DIE_from_attribute("DW_AT_abstract_origin")
        except Exception:
            return
        concrete = list(die.iter_children())
        abstract = list(origin.iter_children())
        isomorphic = len(concrete) == len(abstract) and all(c.tag == a.tag for c, a in zip(concrete, abstract))
        abstract_offsets = {a.offset for a in abstract}
        referenced: set[int] = set()
        for k, child in enumerate(concrete):
            if child.tag in ("DW_TAG_call_site", "DW_TAG_GNU_call_site"):
                continue
            target = child
            for _ in range(16):
                if "DW_AT_abstract_origin" not in target.attributes:
                    break
                try:
                    target = target.get_DIE_from_attribute("DW_AT_abstract_origin")
                except Exception:
                    break
            if target is child and isomorphic and child.tag == "DW_TAG_lexical_block":
                target = abstract[k]
            if target is not child and target.offset in abstract_offsets:
                referenced.add(target.offset)
        for child in abstract:
            if child.offset not in referenced and child.offset not in self._in_process:
                self._process(child, block, unit)


_TABLES: "weakref.WeakKeyDictionary[Any, GdbSymtab]" = weakref.WeakKeyDictionary()


def symtab_of(debug: "DebugInfo") -> GdbSymtab:
    table = _TABLES.get(debug)
    if table is None:
        table = _TABLES[debug] = GdbSymtab(debug)
    return table


# ---- minimal symbols -----------------------------------------------------------------------
@dataclass
class MinSym:
    name: str            # the linkage name (ELF symbol name)
    address: int
    kind: str            # text file_text data file_data bss file_bss
    section: str

    @property
    def print_name(self) -> str:
        """The natural name: gdb tries every language's demangler on a minimal symbol; Ada's
        takes names it can decode (``keys.0`` -> ``keys``, gcc's static locals)."""
        decoded = ada_decode(self.name)
        return decoded if decoded != self.name and not decoded.startswith("<") else self.name


_ADA_OPERATORS = [("Oadd", '"+"'), ("Osubtract", '"-"'), ("Omultiply", '"*"'), ("Odivide", '"/"'),
                  ("Omod", '"mod"'), ("Orem", '"rem"'), ("Oexpon", '"**"'), ("Olt", '"<"'), ("Ole", '"<="'),
                  ("Ogt", '">"'), ("Oge", '">="'), ("Oeq", '"="'), ("One", '"/="'), ("Oand", '"and"'),
                  ("Oor", '"or"'), ("Oxor", '"xor"'), ("Oconcat", '"&"'), ("Oabs", '"abs"'), ("Onot", '"not"'),
                  ("Oadd", '"+"'), ("Osubtract", '"-"')]


def ada_decode(name: str) -> str:
    """gdb's ada_decode (ada-lang.c) with wrap and operators: the decoded name, or the
    name in angle brackets when it is not a valid GNAT encoding.  (Wide-character
    ``U``/``W`` escapes are left undecoded.)"""
    enc = name
    if enc.startswith("."):
        enc = enc[1:]
    if enc.startswith("_ada_"):
        enc = enc[5:]
    if enc.startswith("___ghost_"):
        enc = enc[9:]

    def ch(k: int) -> str:
        return enc[k] if 0 <= k < len(enc) else "\0"

    def suppress() -> str:
        return enc if enc.startswith("<") else f"<{enc}>"
    if not enc or enc[0] in "_<":
        return suppress()
    len0 = len(enc)
    suffix = -1
    offset = len0 - 1                                   # remove_compiler_suffix
    while offset > 0 and enc[offset].isascii() and enc[offset].isalpha():
        offset -= 1
    if offset > 0 and enc[offset] == ".":
        len0, suffix = offset, offset + 1
    if len0 > 1 and ch(len0 - 1).isdigit():             # ada_remove_trailing_digits
        i = len0 - 2
        while i > 0 and ch(i).isdigit():
            i -= 1
        if i >= 0 and ch(i) in ".$":
            len0 = i
        elif i >= 2 and enc.startswith("___", i - 2):
            len0 = i - 2
        elif i >= 1 and enc.startswith("__", i - 1):
            len0 = i - 1
    if len0 > 1 and ch(len0 - 1) == "N" and (ch(len0 - 2).isdigit() or ch(len0 - 2).islower()):
        len0 -= 1                                       # ada_remove_po_subprogram_suffix
    p = enc.find("___")
    if p != -1 and p < len0 - 3:
        if ch(p + 3) == "X":
            len0 = p
        else:
            return suppress()
    if len0 > 3 and enc.startswith("TKB", len0 - 3):
        len0 -= 3
    if len0 > 2 and enc.startswith("TB", len0 - 2):
        len0 -= 2
    if len0 > 1 and enc.startswith("B", len0 - 1):
        len0 -= 1
    if len0 > 1 and ch(len0 - 1).isdigit():
        i = len0 - 2
        while (i >= 0 and ch(i).isdigit()) or (i >= 1 and ch(i) == "_" and ch(i - 1).isdigit()):
            i -= 1
        if i > 1 and ch(i) == "_" and ch(i - 1) == "_":
            len0 = i - 1
        elif ch(i) == "$":
            len0 = i
    decoded = ""
    i = 0
    while i < len0 and not (ch(i).isascii() and ch(i).isalpha()):
        decoded += ch(i)
        i += 1
    at_start = True
    while i < len0:
        if at_start and ch(i) == "O":
            for enc_op, dec_op in _ADA_OPERATORS:
                if enc.startswith(enc_op[1:], i + 1) and not (ch(i + len(enc_op)).isascii()
                                                             and ch(i + len(enc_op)).isalnum()):
                    decoded += dec_op
                    at_start = False
                    i += len(enc_op)
                    break
            else:
                enc_op = ""
            if enc_op:
                continue
        at_start = False
        if i < len0 - 4 and enc.startswith("TK__", i):
            i += 2
        if len0 - i > 5 and enc.startswith("__B_", i) and ch(i + 4).isdigit():
            k = i + 5
            while k < len0 and ch(k).isdigit():
                k += 1
            if len0 - k > 2 and enc.startswith("__", k):
                i = k
        if len0 - i > 3 and ch(i) == "_" and ch(i + 1) == "E" and ch(i + 2).isdigit():
            k = i + 3
            while k < len0 and ch(k).isdigit():
                k += 1
            if k < len0 and ch(k) in "bs":
                k += 1
                if k == len0 or (k < len0 and ch(k) == "_"):
                    i = k
        if ch(i) == "N" and ch(i + 1) == "_" and ch(i + 2) == "_":
            ptr = i - 1
            while ptr >= 0 and (ch(ptr).isdigit() or (ch(ptr).isascii() and ch(ptr).islower())):
                ptr -= 1
            if ptr < 0 or (ptr > 0 and ch(ptr) == "_" and ch(ptr - 1) == "_"):
                i += 1
        hexlen = 2 if ch(i) == "U" else 4 if ch(i) == "W" and ch(i + 1) != "W" else 8 if ch(i) == "W" else 0
        if hexlen:
            digits = enc[i + 1 + (hexlen == 8):i + 1 + (hexlen == 8) + hexlen]
            if len(digits) == hexlen and all(c in "0123456789abcdefABCDEF" for c in digits) \
                    and int(digits, 16) < 0x80:      # ASCII; other characters are left encoded
                decoded += chr(int(digits, 16))
                i += 1 + (hexlen == 8) + hexlen
                continue
        if ch(i) == "X" and i != 0 and ch(i - 1).isascii() and ch(i - 1).isalnum():
            i += 1
            while i < len0 and ch(i) in "bn":
                i += 1
            if i < len0:
                return suppress()
        elif i < len0 - 2 and ch(i) == "_" and ch(i + 1) == "_":
            decoded += "."
            at_start = True
            i += 2
        else:
            if ch(i) != "\0":
                decoded += ch(i)
            i += 1
    if any(c.isupper() or c == " " for c in decoded):
        return suppress()
    if suffix >= 0:
        decoded += "[" + enc[suffix:] + "]"
    return decoded


def minimal_symbols(dbg: "Debugger") -> list[MinSym]:
    """The ELF symbols as gdb's minimal symbols (elfread.c elf_symtab_read), sorted by
    address then name, duplicates removed (minsyms.c install)."""
    sections = {r.name: r for r in dbg.info.section_rows}
    out: dict[tuple[int, bytes, str], MinSym] = {}
    for row in dbg.info.symbol_rows:
        name = str(row.name)
        sec = sections.get(str(row.section))
        if sec is None and str(row.section) != "*ABS*" and dbg.info.section_rows:
            # ld gives a symbol of a dropped (empty) output section the next section at or
            # after its value, else the last one before it (as the ELF writer does).
            later = [r for r in dbg.info.section_rows if r.address >= row.address]
            sec = min(later, key=lambda r: r.address) if later else \
                max(dbg.info.section_rows, key=lambda r: r.address)
        if not name or sec is None:
            continue
        bind = str(getattr(row, "bind", "global"))
        is_global = bind in ("global", "weak", "unique")
        if "x" in sec.flags:
            if is_global:
                kind = "text"
            elif name.startswith(".L"):
                continue
            else:
                kind = "file_text"
        else:
            loaded = getattr(sec, "type", "progbits") != "nobits"
            kind = ("data" if loaded else "bss") if is_global else ("file_data" if loaded else "file_bss")
        key = (int(row.address), name.encode(), str(sec.name))
        out.setdefault(key, MinSym(name, int(row.address), kind, str(sec.name)))
    return [out[k] for k in sorted(out)]


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


class ProgramSymbols:
    """The file-scope symbols gdb reads from the ELF ``vmdebug elf`` writes: gcc's DWARF
    and, for hand-written assembly (crt0.s, a .s program), the small units the ELF writer
    makes for it (:func:`vmdebug.toolchain.dwarf_line.build_dwarf`: a subprogram per
    function symbol, no variables or types)."""

    def __init__(self, dbg: "Debugger") -> None:
        self.table = symtab_of(dbg.debug) if dbg.debug is not None else None
        self.asm: list[GdbSymbol] = []
        self.asm_ranges: list[tuple[int, int]] = []
        self.asm_blocks: list[GdbBlock] = []          # the static block of each assembly unit
        self.asm_functions: list[GdbBlock] = []
        image = dbg.header.get("image") if isinstance(dbg.header, dict) else None
        if isinstance(image, dict) and "segments" in image:
            try:
                self._asm_units(image)
            except Exception:          # an image the ELF writer could not describe either
                self.asm, self.asm_ranges, self.asm_blocks, self.asm_functions = [], [], [], []
        self.symbols = (self.table.file_symbols() if self.table is not None else []) + self.asm
        self.var_names = {s.name for s in self.symbols if s.domain == "var"}
        self.units = dbg.debug.units if dbg.debug is not None else []

    def _asm_units(self, image_dict: dict[str, Any]) -> None:
        from vmdebug.toolchain.dwarf_line import DW_LANG_Mips_Assembler, split_units
        from vmdebug.toolchain.image import Image
        image = Image.from_dict(image_dict)
        if not image.lines.entries:
            return
        units = split_units(image)
        if image.debug.get(".debug_info"):
            units = [u for u in units if u.language == DW_LANG_Mips_Assembler]
        for unit in units:
            self.asm_ranges.extend(unit.ranges)
            files = unit.files()
            glob = GdbBlock(list(unit.ranges), None, False)
            static = GdbBlock(list(unit.ranges), glob, False)
            self.asm_blocks.append(static)
            for f in unit.functions:
                if not f.name or f.high <= f.low or f.low == 0:
                    continue
                ftype = T.CType("func", None, 1, T.VOID)
                ftype.prototyped = unit.language == DW_LANG_Mips_Assembler
                file = files[f.decl_file - 1] if 1 <= f.decl_file <= len(files) else unit.name
                sym = GdbSymbol(f.name, "block", None, None,  # type: ignore[arg-type]
                                block=GLOBAL_BLOCK if f.external else STATIC_BLOCK, file=file, line=f.decl_line)
                sym._type, sym._typed = ftype, True
                sym.value = GdbBlock([(f.low, f.high)], None, True)
                self.asm.append(sym)
                (glob if f.external else static).symbols.append(sym)
                self.asm_functions.append(sym.value)

    def block_at(self, dbg: "Debugger", pc: int) -> GdbBlock | None:
        """block_for_pc: the innermost block at ``pc``; outside every function, the unit's
        static block (unless gdb has an address map for the unit), else none."""
        if dbg.debug is not None and self.table is not None:
            fn = dbg.debug.function_at(pc)
            if fn is not None and fn.unit is not None:
                tree = self.table.function_tree(fn.die, fn.unit)
                if tree is not None and tree.contains(pc):
                    return tree.innermost(pc)
            for unit in dbg.debug.units:
                if unit.contains(pc):
                    return None if self.table.has_address_map(unit) else self.table.file_blocks(unit)
        for f in self.asm_functions:
            if f.contains(pc):
                return f
        for static in self.asm_blocks:
            if static.contains(pc):
                return static
        return None

    def in_unit(self, addr: int) -> bool:
        """find_pc_compunit_symtab finds a unit for the address."""
        return any(u.contains(addr) for u in self.units) or any(lo <= addr < hi for lo, hi in self.asm_ranges)


_PROGRAMS: "weakref.WeakKeyDictionary[Any, ProgramSymbols]" = weakref.WeakKeyDictionary()


def program_symbols(dbg: "Debugger") -> ProgramSymbols:
    found = _PROGRAMS.get(dbg.info)
    if found is None:
        found = _PROGRAMS[dbg.info] = ProgramSymbols(dbg)
    return found


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
        for ms in minimal_symbols(dbg):
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
_OPS = {
    0x03: "addr", 0x06: "deref", 0x08: "const1u", 0x09: "const1s", 0x0A: "const2u", 0x0B: "const2s",
    0x0C: "const4u", 0x0D: "const4s", 0x0E: "const8u", 0x0F: "const8s", 0x10: "constu", 0x11: "consts",
    0x12: "dup", 0x13: "drop", 0x14: "over", 0x15: "pick", 0x16: "swap", 0x17: "rot", 0x18: "xderef",
    0x19: "abs", 0x1A: "and", 0x1B: "div", 0x1C: "minus", 0x1D: "mod", 0x1E: "mul", 0x1F: "neg", 0x20: "not",
    0x21: "or", 0x22: "plus", 0x23: "plus_uconst", 0x24: "shl", 0x25: "shr", 0x26: "shra", 0x27: "xor",
    0x28: "bra", 0x29: "eq", 0x2A: "ge", 0x2B: "gt", 0x2C: "le", 0x2D: "lt", 0x2E: "ne", 0x2F: "skip",
    0x90: "regx", 0x91: "fbreg", 0x92: "bregx", 0x93: "piece", 0x94: "deref_size", 0x95: "xderef_size",
    0x96: "nop", 0x97: "push_object_address", 0x98: "call2", 0x99: "call4", 0x9A: "call_ref",
    0x9B: "form_tls_address", 0x9C: "call_frame_cfa", 0x9D: "bit_piece", 0x9E: "implicit_value",
    0x9F: "stack_value", 0xA0: "implicit_pointer", 0xA1: "addrx", 0xA2: "constx", 0xA3: "entry_value",
    0xA4: "const_type", 0xA5: "regval_type", 0xA6: "deref_type", 0xA7: "xderef_type", 0xA8: "convert",
    0xA9: "reinterpret", 0xE0: "GNU_push_tls_address", 0xE1: "HP_is_value", 0xE2: "HP_fltconst4",
    0xE3: "HP_fltconst8", 0xE4: "HP_mod_range", 0xE5: "HP_unmod_range", 0xE6: "HP_tls", 0xED: "WASM_location",
    0xF0: "GNU_uninit", 0xF1: "GNU_encoded_addr", 0xF2: "GNU_implicit_pointer", 0xF3: "GNU_entry_value",
    0xF4: "GNU_const_type", 0xF5: "GNU_regval_type", 0xF6: "GNU_deref_type", 0xF7: "GNU_convert",
    0xF8: "PGI_omp_thread_num", 0xF9: "GNU_reinterpret", 0xFA: "GNU_parameter_ref", 0xFB: "GNU_addr_index",
    0xFC: "GNU_const_index", 0xFD: "GNU_variable_value",
}
for _k in range(32):
    _OPS[0x30 + _k] = f"lit{_k}"
    _OPS[0x50 + _k] = f"reg{_k}"
    _OPS[0x70 + _k] = f"breg{_k}"

_PIECE, _BIT_PIECE = 0x93, 0x9D

#: i386 DWARF register numbers (i386_svr4_dwarf_reg_to_regnum) -> gdb's register names.
_REGS = {0: "eax", 1: "ecx", 2: "edx", 3: "ebx", 4: "esp", 5: "ebp", 6: "esi", 7: "edi", 8: "eip", 9: "eflags",
         37: "fctrl", 38: "fstat", 39: "mxcsr", 40: "es", 41: "cs", 42: "ss", 43: "ds", 44: "fs", 45: "gs"}
for _k in range(8):
    _REGS[11 + _k] = f"st{_k}"
    _REGS[21 + _k] = f"xmm{_k}"
    _REGS[29 + _k] = f"mm{_k}"


def _regname(n: int) -> str:
    return _REGS.get(n, "bad_register_number")


class _Describer:
    """dwarf2/loc.c: natural-language descriptions of DWARF locations."""

    def __init__(self, dbg: "Debugger", table: "GdbSymtab | None", sym: GdbSymbol) -> None:
        self.dbg = dbg
        self.table = table
        self.sym = sym
        self.cu = sym.die.cu if sym.die is not None else None
        self.addr_size = self.cu.header.address_size if self.cu is not None else 4
        self.offset_size = 8 if self.cu is not None and self.cu.dwarf_format() == 64 else 4

    def error(self, text: str) -> DebugError:
        return DebugError(text)

    def piece_end(self, data: bytes, pos: int) -> bool:
        return pos >= len(data) or data[pos] in (_PIECE, _BIT_PIECE)

    def frame_base(self, addr: int) -> bytes:
        """func_get_frame_base_dwarf_block for the function holding ``addr``."""
        fn = self.dbg.debug.function_at(addr) if self.dbg.debug is not None else None
        if fn is None:
            raise self.error(f'No block found for address for symbol "{self.sym.name}".')
        die = self.table.dwarf.get_DIE_from_refaddr(fn.die)
        attr = _follow(die, "DW_AT_frame_base")
        if attr is None:
            raise self.error(f'Could not find the frame base for "{fn.name}".')
        if attr.form in _BLOCK_FORMS:
            return bytes(attr.value)
        for kind, lo, hi, expr in self.loclist_entries(attr):
            if kind == "range" and lo <= addr < hi and expr:
                return expr
        raise self.error(f'Could not find the frame base for "{fn.name}".')

    def describe_piece(self, data: bytes, pos: int, addr: int) -> tuple[int, str]:
        """locexpr_describe_location_piece."""
        op = data[pos]
        if 0x50 <= op <= 0x6F:
            return pos + 1, f"a variable in ${_regname(op - 0x50)}"
        if op == 0x90:
            reg, p = _uleb(data, pos + 1)
            return p, f"a variable in ${_regname(reg)}"
        if op == 0x91:
            offset, p = _sleb(data, pos + 1)
            if not self.piece_end(data, p):
                return pos, ""
            base = self.frame_base(addr)
            if base and 0x70 <= base[0] <= 0x8F:
                frame_reg = base[0] - 0x70
                base_offset, q = _sleb(base, 1)
                if q != len(base):
                    raise self.error(f'Unexpected opcode after DW_OP_breg{frame_reg} for symbol "{self.sym.name}".')
            elif base and 0x50 <= base[0] <= 0x6F:
                frame_reg, base_offset = base[0] - 0x50, 0
            else:
                return pos, ""
            return p, f"a variable at frame base reg ${_regname(frame_reg)} offset {base_offset}+{offset}"
        if 0x30 <= op <= 0x4F and pos + 1 < len(data) and data[pos + 1] == 0x9F:
            return pos + 2, f"the constant {op - 0x30}"
        return pos, ""

    def describe(self, data: bytes, addr: int) -> str:
        """locexpr_describe_location_1."""
        out: list[str] = []
        pos, end = 0, len(data)
        first = True
        while pos < end:
            here = pos
            if first:
                first = False
            else:
                out.append(", and ")
            new, text = self.describe_piece(data, pos, addr)
            out.append(text)
            disassemble = not (new != here or data[new] in (_PIECE, _BIT_PIECE))
            pos = new
            if disassemble:
                out.append("a complex DWARF expression:\n")
                pos = self.disassemble(data, pos, end, 0, False, out)
            if pos < end:
                empty = pos == here
                if disassemble:
                    out.append("   ")
                if data[pos] == _PIECE:
                    nbytes, pos = _uleb(data, pos + 1)
                    out.append(f"an empty {nbytes}-byte piece" if empty else f" [{nbytes}-byte piece]")
                elif data[pos] == _BIT_PIECE:
                    bits, pos = _uleb(data, pos + 1)
                    offset, pos = _uleb(data, pos)
                    out.append(f"an empty {bits}-bit piece" if empty
                               else f" [{bits}-bit piece, offset {offset} bits]")
                else:
                    raise self.error(f'Corrupted DWARF2 expression for "{self.sym.name}".')
        return "".join(out)

    def type_label(self, cu_off: int) -> str:
        from vmdebug.debuginfo.typeprint import type_name
        try:
            die = self.table.dwarf.get_DIE_from_refaddr(self.cu.cu_offset + cu_off)
            t = self.table.reader.type(die)
            return f"<{type_name(t)} [0x{cu_off:x}]>"
        except Exception:
            return f"<? [0x{cu_off:x}]>"

    def read_addr_index(self, index: int) -> int:
        try:
            return int(self.table.dwarf.get_addr(self.cu, index))
        except Exception:
            return 0

    def disassemble(self, data: bytes, pos: int, end: int, indent: int, all_: bool, out: list[str],
                    start: int | None = None) -> int:
        """disassemble_dwarf_expression; offsets count from where the outermost call starts."""
        if start is None:
            start = pos
        size = self.addr_size
        while pos < end and (all_ or data[pos] not in (_PIECE, _BIT_PIECE)):
            op = data[pos]
            pos += 1
            name = _OPS.get(op)
            if name is None:
                raise self.error(f"Unrecognized DWARF opcode 0x{op:02x} at {pos - 1 - start}")
            out.append(f"  {pos - 1 - start:>{indent + 4}}: DW_OP_{name}")

            def unsigned(n: int, at: int = pos) -> int:
                return int.from_bytes(data[at:at + n], "little")

            def signed(n: int, at: int = pos) -> int:
                return int.from_bytes(data[at:at + n], "little", signed=True)
            if op == 0x03:
                out.append(f" 0x{unsigned(size):x}")
                pos += size
            elif op in (0x08, 0x0A, 0x0C, 0x0E):
                n = {0x08: 1, 0x0A: 2, 0x0C: 4, 0x0E: 8}[op]
                out.append(f" {unsigned(n)}")
                pos += n
            elif op in (0x09, 0x0B, 0x0D, 0x0F):
                n = {0x09: 1, 0x0B: 2, 0x0D: 4, 0x0F: 8}[op]
                out.append(f" {signed(n)}")
                pos += n
            elif op in (0x10, 0x23):
                v, pos = _uleb(data, pos)
                out.append(f" {v}")
            elif op in (0x11, 0x91):
                v, pos = _sleb(data, pos)
                out.append(f" {v}")
            elif 0x50 <= op <= 0x6F:
                out.append(f" [${_regname(op - 0x50)}]")
            elif op == 0x90:
                v, pos = _uleb(data, pos)
                out.append(f" {v} [${_regname(v)}]")
            elif op == 0x9E:
                v, pos = _uleb(data, pos)
                pos += v
                out.append(f" {v}")
            elif 0x70 <= op <= 0x8F:
                v, pos = _sleb(data, pos)
                out.append(f" {v} [${_regname(op - 0x70)}]")
            elif op == 0x92:
                reg, pos = _uleb(data, pos)
                v, pos = _sleb(data, pos)
                out.append(f" register {reg} [${_regname(reg)}] offset {v}")
            elif op in (0x94, 0x95, 0x15):
                out.append(f" {data[pos] if pos < len(data) else 0}")
                pos += 1
            elif op in (0x2F, 0x28):
                v = signed(2)
                pos += 2
                out.append(f" to {pos + v - start}" if op == 0x2F else f" {pos + v - start}")
            elif op in (0x98, 0x99):
                n = 2 if op == 0x98 else 4
                out.append(f" offset {unsigned(n):x}")
                pos += n
            elif op in (0x9A, 0xFD):
                out.append(f" offset {unsigned(self.offset_size):x}")
                pos += self.offset_size
            elif op == 0x93:
                v, pos = _uleb(data, pos)
                out.append(f" {v} (bytes)")
            elif op == 0x9D:
                v, pos = _uleb(data, pos)
                off, pos = _uleb(data, pos)
                out.append(f" size {v} offset {off} (bits)")
            elif op in (0xA0, 0xF2):
                die_off = unsigned(self.offset_size)
                pos += self.offset_size
                v, pos = _sleb(data, pos)
                out.append(f" DIE {die_off:x} offset {v}")
            elif op in (0xA6, 0xF6):
                deref_size = data[pos]
                pos += 1
                t, pos = _uleb(data, pos)
                out.append(f"{self.type_label(t)} {deref_size}")
            elif op in (0xA4, 0xF4):
                t, pos = _uleb(data, pos)
                n = data[pos]
                pos += 1
                out.append(f"{self.type_label(t)} {n} byte block:" + "".join(f" {b:02x}" for b in data[pos:pos + n]))
                pos += n
            elif op in (0xA5, 0xF5):
                reg, pos = _uleb(data, pos)
                t, pos = _uleb(data, pos)
                out.append(f"{self.type_label(t)} [${_regname(reg)}]")
            elif op in (0xA8, 0xF7, 0xA9, 0xF9):
                t, pos = _uleb(data, pos)
                out.append("<0>" if t == 0 else self.type_label(t))
            elif op in (0xA3, 0xF3):
                n, pos = _uleb(data, pos)
                out.append("\n")
                self.disassemble(data[:pos + n], pos, pos + n, indent + 2, all_, out, start)
                pos += n
                continue
            elif op == 0xFA:
                out.append(f" offset {unsigned(4):x}")
                pos += 4
            elif op in (0xA1, 0xFB):
                v, pos = _uleb(data, pos)
                out.append(f" 0x{self.read_addr_index(v):x}")
            elif op == 0xFC:
                v, pos = _uleb(data, pos)
                out.append(f" {self.read_addr_index(v)}")
            out.append("\n")
        return pos

    # ---- location lists ------------------------------------------------------------------------
    def base_address(self) -> int:
        top = self.cu.get_top_DIE()
        for name in ("DW_AT_entry_pc", "DW_AT_low_pc"):
            a = top.attributes.get(name)
            if a is not None and isinstance(a.value, int):
                return int(a.value)
        return 0

    def loclist_entries(self, attr: Any) -> list[tuple[str, int, int, bytes]]:
        """The raw entries of a location list: ("base", 0, address, b"") and
        ("range", low, high, expression), as dwarf2/loc.c decodes them."""
        version = self.cu.header.version
        dwarf = self.table.dwarf
        sec = dwarf.debug_loclists_sec if version >= 5 else dwarf.debug_loc_sec
        if sec is None:
            raise self.error(f'Corrupted DWARF expression for symbol "{self.sym.name}".')
        stream = sec.stream
        stream.seek(0)
        data = stream.read()
        offset = int(attr.value)
        if attr.form == "DW_FORM_loclistx":
            top = self.cu.get_top_DIE()
            base_attr = top.attributes.get("DW_AT_loclists_base")
            base = int(base_attr.value) if base_attr is not None else 12
            offset = base + int.from_bytes(data[base + 4 * offset:base + 4 * offset + 4], "little")
        size = self.addr_size
        base = self.base_address()
        out: list[tuple[str, int, int, bytes]] = []
        pos = offset
        while pos < len(data):
            if version < 5:
                low = int.from_bytes(data[pos:pos + size], "little")
                high = int.from_bytes(data[pos + size:pos + 2 * size], "little")
                pos += 2 * size
                mask = (1 << (8 * size)) - 1
                if low == mask:
                    base = high
                    out.append(("base", 0, high, b""))
                    continue
                if low == 0 and high == 0:
                    break
                low += base
                high += base
                length = int.from_bytes(data[pos:pos + 2], "little")
                pos += 2
            else:
                kind = data[pos]
                pos += 1
                if kind == 0:                     # DW_LLE_end_of_list
                    break
                if kind == 1:                     # DW_LLE_base_addressx
                    idx, pos = _uleb(data, pos)
                    base = self.read_addr_index(idx)
                    out.append(("base", 0, base, b""))
                    continue
                if kind == 6:                     # DW_LLE_base_address
                    base = int.from_bytes(data[pos:pos + size], "little")
                    pos += size
                    out.append(("base", 0, base, b""))
                    continue
                if kind == 3:                     # DW_LLE_startx_length
                    idx, pos = _uleb(data, pos)
                    low = self.read_addr_index(idx)
                    n, pos = _uleb(data, pos)
                    high = low + n
                elif kind == 4:                   # DW_LLE_offset_pair
                    low, pos = _uleb(data, pos)
                    high, pos = _uleb(data, pos)
                    low += base
                    high += base
                elif kind == 7:                   # DW_LLE_start_end
                    low = int.from_bytes(data[pos:pos + size], "little")
                    high = int.from_bytes(data[pos + size:pos + 2 * size], "little")
                    pos += 2 * size
                elif kind == 8:                   # DW_LLE_start_length
                    low = int.from_bytes(data[pos:pos + size], "little")
                    pos += size
                    n, pos = _uleb(data, pos)
                    high = low + n
                else:                             # startx_endx, default_location: gdb 13 gives up
                    raise self.error(f'Corrupted DWARF expression for symbol "{self.sym.name}".')
                length, pos = _uleb(data, pos)
            out.append(("range", low & 0xFFFFFFFF, high & 0xFFFFFFFF, data[pos:pos + length]))
            pos += length
        return out

    def describe_loclist(self, attr: Any) -> str:
        """loclist_describe_location."""
        out = ["multi-location:\n"]
        for kind, low, high, expr in self.loclist_entries(attr):
            if kind == "base":
                out.append(f"  Base address 0x{high:x}")
                continue
            out.append(f"  Range 0x{low:x}-0x{high:x}: ")
            out.append(self.describe(expr, low))
            out.append("\n")
        return "".join(out)


def type_length(dbg: "Debugger", t: T.CType | None, unit: "Unit | None") -> int:
    """TYPE_LENGTH (check_typedef (type)): an opaque struct resolved by its tag."""
    if t is None:
        return 1
    s = t.strip()
    if s.kind in ("struct", "union", "enum") and s.stub and s.name and dbg.debug is not None:
        full = dbg.debug.lookup_tag(s.kind, s.name, unit)
        if full is not None:
            return full.length
    return t.length


def _msymbol_address(dbg: "Debugger", name: str) -> int | None:
    """lookup_minimal_symbol: a global symbol of that name, else a file-local one."""
    best = None
    for row in dbg.info.symbol_rows:
        if row.name == name:
            if str(getattr(row, "bind", "global")) != "local":
                return int(row.address)
            if best is None:
                best = int(row.address)
    return best


def describe_symbol(dbg: "Debugger", table: "GdbSymtab | None", sym: GdbSymbol, block: GdbBlock) -> str:
    """The text after "Symbol NAME is " (with its newline)."""
    d = _Describer(dbg, table, sym)
    a = sym.aclass
    if a == "typedef":
        return "a typedef.\n"
    if a == "optimized_out":
        return "optimized out.\n"
    if a == "computed":
        text = d.describe(sym.value, block.entry_pc)
    elif a == "loclist":
        text = d.describe_loclist(sym.value)
    elif a == "const":
        v = int(sym.value)
        text = f"a constant with value {v} (0x{v & ((1 << 64) - 1):x})"
    elif a == "const_bytes":
        n = type_length(dbg, sym.type, sym.unit)
        text = "constant bytes: " + "".join(f" {b:02x}" for b in bytes(sym.value)[:n])
    elif a == "static":
        text = f"in static storage at address 0x{int(sym.value):x}"
    elif a == "label":
        text = f"a label at address 0x{int(sym.value):x}"
    elif a == "block":
        text = f"a function at address 0x{sym.value.entry_pc:x}"
    elif a == "unresolved":
        addr = _msymbol_address(dbg, sym.name)
        text = "Unresolved Static" if addr is None else f"static storage at address 0x{addr:x}"
    else:
        text = f"a bogus symbol, class {a}.\n"
        return text
    # A symbol always has a type (die_type gives void for none): its length follows.
    return text + f", length {type_length(dbg, sym.type, sym.unit)}.\n"


def _die_order(table: GdbSymtab, dbg: "Debugger", loc: Any) -> int:
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
    tree = table.function_tree(fn.die, fn.unit)
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
    locs = Resolver(dbg).resolve(spec, current_file(dbg))
    if not locs:
        return []
    table = symtab_of(dbg.debug) if dbg.debug is not None else None
    loc = locs[0]
    if table is not None and len(locs) > 1 and _is_function_spec(spec):
        loc = min(locs, key=lambda lc: _die_order(table, dbg, lc))
    block = program_symbols(dbg).block_at(dbg, loc.address)
    text: list[str] = []
    count = 0
    while block is not None:
        for sym in block.ordered():
            if count == 0:
                text.append(f"Scope for {spec}:\n")
            count += 1
            text.append(f"Symbol {sym.name} is ")
            try:
                text.append(describe_symbol(dbg, table, sym, block))
            except DebugError:
                text.append("\n")
                for line in "".join(text).split("\n")[:-1]:
                    dbg.write(line)
                raise
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
