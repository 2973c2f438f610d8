"""gdb's symbol tables of a program, as its DWARF reader builds them.

gdb answers ``info functions|variables|types`` and ``info scope`` from the
symbols and blocks dwarf2/read.c makes (``process_die``, ``read_func_scope``,
``read_lexical_block_scope``, ``new_symbol``), whose rules differ from those
of the model's own Blocks and Variables; this applies them to the outline of
the DIEs the reader keeps in the model (:class:`vmdebug.debuginfo.symbols.Die`,
``Unit.outline``, ``Function.outline``; :mod:`vmdebug.debuginfo.outline`):

* **File scope** (the global and static blocks of every compile unit): a
  function with valid pc bounds (global if ``DW_AT_external``), a variable
  with a location (not a lone ``DW_OP_addr 0``), a constant value, or -
  without either - one that is not a declaration (``optimized out``; an
  external declaration with a type is ``LOC_UNRESOLVED``), typedefs, base
  types, and named struct, union and enum types that are not mere
  declarations.  A symbol belongs to the file its ``DW_AT_decl_file`` names
  (a header's types are listed under the header), else to the unit's own file.
* **Function scope** (built on demand, one function at a time): only blocks
  with valid pc bounds exist, a lexical block only if it holds symbols (its
  inner blocks move up otherwise); a function's and an inlined function's
  block keep their symbols in order, a lexical block's are hashed
  (:meth:`GdbBlock.ordered`); an inlined function's own symbol is the first of
  its block; children of the abstract origin no concrete child stands for are
  inherited (``inherit_abstract_dies``).

Of two copies of something, gdb's answers depend on the order it allocates
in, which is DWARF order; so is the order here.
"""
from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from events.record import Record
from vmdebug.debuginfo import ctype as T
from vmdebug.debuginfo.outline import STRUCT_TAGS
from vmdebug.debuginfo.reader import canonical_c_name

if TYPE_CHECKING:
    from vmdebug.debuginfo import DebugInfo
    from vmdebug.debuginfo.symbols import Die, Function, Unit

GLOBAL_BLOCK, STATIC_BLOCK = 0, 1
#: DW_LANG_C89, DW_LANG_C, DW_LANG_C99, DW_LANG_C11: gdb's language_c.
_C_LANGS = {0x1, 0x2, 0xc, 0x1d}
#: Languages where a function without DW_AT_prototyped is still prototyped is every
#: language but C, Objective-C and OpenCL (dwarf2/read.c prototyped_function_p).
_UNPROTOTYPED_LANGS = _C_LANGS | {0x10, 0x15}
_TEMPLATE_PARAMS = ("DW_TAG_template_type_param", "DW_TAG_template_value_param")
#: Entries process_die makes nothing of inside a function.
_NO_SYMBOL_TAGS = frozenset({
    "DW_TAG_subroutine_type", "DW_TAG_set_type", "DW_TAG_pointer_type", "DW_TAG_ptr_to_member_type",
    "DW_TAG_reference_type", "DW_TAG_rvalue_reference_type", "DW_TAG_string_type", "DW_TAG_array_type",
    "DW_TAG_common_block", "DW_TAG_common_inclusion", "DW_TAG_namespace", "DW_TAG_module",
    "DW_TAG_imported_declaration", "DW_TAG_imported_module", "DW_TAG_imported_unit"})


# ---- symbols ---------------------------------------------------------------------------------
class GdbSymbol(Record, eq=False):
    """One of gdb's symbols (struct symbol), reduced to what these commands print."""

    _repr_skip = ("type_fn", "_type",)

    def __init__(self, name: str, aclass: str, die: "Die | None", unit: "Unit", domain: str = "var",
                 block: int = STATIC_BLOCK, file: str = "", line: int = 0, value: Any = None,
                 enum_const: bool = False, tag: str = "",
                 type_fn: Callable[[], "T.CType | None"] | None = None, _type: Any = None,
                 _typed: bool = False) -> None:
        self.name = name
        self.aclass = aclass  # block static computed loclist const const_bytes optimized_out
        #                            # unresolved typedef label
        self.die = die  # the entry it comes from (None: an assembly unit's function)
        self.unit = unit  # the unit whose blocks hold it
        self.domain = domain  # "var" (VAR_DOMAIN) or "struct" (STRUCT_DOMAIN: tags)
        self.block = block  # for file-scope symbols
        self.file = file
        self.line = line
        self.value = value  # address, constant, bytes, expression, location list or block
        self.enum_const = enum_const  # an enumerator (LOC_CONST of an enum type)
        self.tag = tag
        self.type_fn = type_fn
        self._type = _type
        self._typed = _typed

    @property
    def type(self) -> "T.CType | None":
        if not self._typed:
            self._type = self.type_fn() if self.type_fn is not None else None
            self._typed = True
        return self._type


class GdbBlock(Record, eq=False):
    """A block as gdb's DWARF reader builds it: only blocks with valid pc bounds exist, a
    lexical block only if it holds symbols; a function's (or inlined function's) block
    keeps its symbols in order, a lexical block in a hash table."""

    def __init__(self, ranges: list[tuple[int, int]], parent: "GdbBlock | None", linear: bool,
                 die_offset: int = 0, function: GdbSymbol | None = None, inlined: bool = False,
                 symbols: list[GdbSymbol] | None = None, blocks: list["GdbBlock"] | None = None) -> None:
        self.ranges = ranges
        self.parent = parent
        self.linear = linear
        self.die_offset = die_offset
        self.function = function  # block->function(): functions and inlined functions
        self.inlined = inlined
        self.symbols = [] if symbols is None else symbols
        self.blocks = [] if blocks is None else blocks

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


# ---- gdb's symbol tables over the DIE outline ---------------------------------------------------
class GdbSymtab:
    """gdb's symbols of one program: the file-scope ones of every unit, and the blocks of
    a function on demand."""

    def __init__(self, debug: "DebugInfo") -> None:
        self.debug = debug
        if debug.reader is not None:
            debug.reader.read_outline()
        self._file_symbols: list[GdbSymbol] | None = None
        self._trees: dict[int, GdbBlock | None] = {}
        self._file_blocks: dict[int, GdbBlock] = {}
        self._in_process: set[int] = set()

    # ---- names, files, types ------------------------------------------------------------
    @staticmethod
    def name(die: "Die", unit: "Unit") -> str | None:
        """dwarf2_name (with the C name canonicalisation gdb applies to C units)."""
        name = die.name
        if name is None:
            return None
        if unit.language in _C_LANGS and die.tag not in ("DW_TAG_enumeration_type", "DW_TAG_enumerator"):
            name = canonical_c_name(name)
        return name

    @staticmethod
    def decl_file(die: "Die", unit: "Unit") -> str:
        """The symtab a symbol goes to: its declaration's file (a header by the name the
        line table gives it), else the unit's own file."""
        if die.file is not None and 0 <= die.file < len(unit.files):
            return unit.files[die.file].name
        return unit.name

    @staticmethod
    def function_type(die: "Die", unit: "Unit") -> T.CType:
        """read_subroutine_type for a subprogram or inlined subroutine."""
        t = T.CType("func", None, 1, die.type or T.VOID)
        t.prototyped = die.prototyped or unit.language not in _UNPROTOTYPED_LANGS
        for child in die.children:
            if child.tag == "DW_TAG_formal_parameter":
                t.params.append(child.type or T.VOID)
            elif child.tag == "DW_TAG_unspecified_parameters":
                t.varargs = True
        return t

    # ---- symbols (new_symbol) -------------------------------------------------------------
    @staticmethod
    def _location(die: "Die", sym: GdbSymbol) -> None:
        """var_decode_location."""
        if die.expr is None:
            sym.aclass, sym.value = "loclist", die.ranges or []
            return
        data = die.expr
        if not data:
            sym.aclass = "optimized_out"
            return
        size = die.unit.address_size if die.unit is not None else 4
        if data[0] == 0x03 and len(data) == 1 + size:
            sym.aclass, sym.value = "static", int.from_bytes(data[1:], "little")
            return
        sym.aclass, sym.value = "computed", data

    @staticmethod
    def _const(die: "Die", sym: GdbSymbol) -> None:
        """dwarf2_const_value."""
        value = die.const_value
        if die.const_address:
            size = die.unit.address_size if die.unit is not None else 4
            sym.aclass = "computed"
            sym.value = bytes([0x03]) + (int(value) & ((1 << (8 * size)) - 1)).to_bytes(size, "little") + b"\x9f"
        elif isinstance(value, bytes):
            sym.aclass, sym.value = "const_bytes", value
        else:
            sym.aclass, sym.value = "const", int(value or 0)

    def new_symbol(self, die: "Die", unit: "Unit", enum_type: "Die | None" = None) -> GdbSymbol | None:
        """dwarf2/read.c new_symbol: the symbol an entry makes (None if none), its block."""
        name = self.name(die, unit)
        if name is None:
            return None
        tag = die.tag
        sym = GdbSymbol(name, "optimized_out", die, unit, tag=tag, line=die.line, file=self.decl_file(die, unit))
        sym.type_fn = lambda: die.type
        if tag == "DW_TAG_label":
            if die.low_pc is not None:
                sym.aclass, sym.value = "label", die.low_pc
            sym.type_fn = lambda: T.UINT
            return sym
        if tag in ("DW_TAG_subprogram", "DW_TAG_inlined_subroutine"):
            sym.aclass = "block"
            sym.block = GLOBAL_BLOCK if tag == "DW_TAG_subprogram" and die.external else STATIC_BLOCK
            sym.type_fn = lambda: self.function_type(die, unit)
            return sym
        has_location = die.expr is not None or die.ranges is not None
        if tag in ("DW_TAG_variable", "DW_TAG_constant"):
            sym.type_fn = lambda: T.INT if die.type is None or die.type.kind == "void" else die.type
            if die.const_value is not None:
                self._const(die, sym)
                sym.block = GLOBAL_BLOCK if die.external else STATIC_BLOCK
                return sym
            if has_location:
                self._location(die, sym)
                if sym.aclass == "static" and sym.value == 0:
                    return None                       # eliminated by the linker
                sym.block = GLOBAL_BLOCK if die.external else STATIC_BLOCK
                return sym
            if die.external and die.has_type:
                sym.aclass = "unresolved"
                sym.block = GLOBAL_BLOCK
                return sym
            if not die.declaration:
                return sym                            # optimized out
            return None
        if tag == "DW_TAG_formal_parameter":
            if has_location:
                self._location(die, sym)
            if die.const_value is not None:
                self._const(die, sym)
            return sym
        if tag in STRUCT_TAGS or tag in ("DW_TAG_set_type", "DW_TAG_enumeration_type"):
            sym.aclass, sym.domain = "typedef", "struct"
            sym.type_fn = lambda: die.defines
            return sym
        if tag in ("DW_TAG_typedef", "DW_TAG_array_type", "DW_TAG_base_type", "DW_TAG_subrange_type",
                   "DW_TAG_generic_subrange", "DW_TAG_unspecified_type"):
            sym.aclass = "typedef"
            sym.type_fn = lambda: die.defines
            return sym
        if tag == "DW_TAG_enumerator":
            sym.aclass, sym.value = "const", 0
            if die.const_value is not None:
                self._const(die, sym)
            sym.enum_const = True
            sym.type_fn = lambda: enum_type.defines if enum_type is not None else T.INT
            return sym
        return None

    # ---- file scope ---------------------------------------------------------------------------
    def file_symbols(self) -> list[GdbSymbol]:
        """Every symbol of the global and static blocks of every unit, in DWARF order."""
        if self._file_symbols is None:
            out: list[GdbSymbol] = []
            for unit in self.debug.units:
                for die in unit.outline:
                    self._file_die(die, unit, out)
            self._file_symbols = out
        return self._file_symbols

    def _file_die(self, die: "Die", unit: "Unit", out: list[GdbSymbol]) -> None:
        """process_die at file scope (only what lands in the global and static blocks)."""
        tag = die.tag
        if tag == "DW_TAG_subprogram":
            if self.name(die, unit) is None or die.pc_bounds != "ok":
                return
            sym = self.new_symbol(die, unit)
            if sym is not None:
                sym.value = GdbBlock(list(die.pc_ranges), None, True, die.offset)
                out.append(sym)
        elif tag in STRUCT_TAGS:
            for child in die.children:
                self._file_die(child, unit, out)
            if die.has_byte_size or not die.declaration or die.has_signature:
                self._add(self.new_symbol(die, unit), out)
        elif tag == "DW_TAG_enumeration_type":
            for child in die.children:
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
            tree = self.function_tree(fn)
            if tree is not None and multi(tree):
                return True
        return False

    # ---- function blocks ---------------------------------------------------------------------
    def function_tree(self, fn: "Function") -> GdbBlock | None:
        """The blocks gdb builds for one top-level function (read_func_scope)."""
        if fn.die not in self._trees:
            tree = None
            if fn.outline is not None and fn.unit is not None:
                root = GdbBlock([], None, True)
                self._in_process = set()
                self._func_scope(fn.outline, root, fn.unit, top=True)
                tree = root.blocks[0] if root.blocks else None
                if tree is not None:
                    tree.parent = None
            self._trees[fn.die] = tree
        return self._trees[fn.die]

    def _process(self, die: "Die", scope: GdbBlock, unit: "Unit") -> None:
        """process_die inside a function."""
        self._in_process.add(die.offset)
        try:
            self._process_1(die, scope, unit)
        finally:
            self._in_process.discard(die.offset)

    def _process_1(self, die: "Die", scope: GdbBlock, unit: "Unit") -> None:
        tag = die.tag
        if tag in ("DW_TAG_subprogram", "DW_TAG_inlined_subroutine"):
            self._func_scope(die, scope, unit, top=False)
        elif tag in ("DW_TAG_lexical_block", "DW_TAG_try_block", "DW_TAG_catch_block"):
            self._lexical_block(die, scope, unit)
        elif tag in ("DW_TAG_call_site", "DW_TAG_GNU_call_site"):
            return
        elif tag in STRUCT_TAGS:
            for child in die.children:
                self._process(child, scope, unit)
            if die.has_byte_size or not die.declaration or die.has_signature:
                self._add(self.new_symbol(die, unit), scope.symbols)
        elif tag == "DW_TAG_enumeration_type":
            for child in die.children:
                if child.tag == "DW_TAG_enumerator":
                    self._add(self.new_symbol(child, unit, enum_type=die), scope.symbols)
                else:
                    self._process(child, scope, unit)
            self._add(self.new_symbol(die, unit), scope.symbols)
        elif tag in _NO_SYMBOL_TAGS:
            return
        else:
            sym = self.new_symbol(die, unit)
            if sym is not None and sym.aclass != "block":
                scope.symbols.append(sym)

    def _func_scope(self, die: "Die", scope: GdbBlock, unit: "Unit", top: bool) -> None:
        """read_func_scope: a block for a function or inlined function with valid bounds; the
        symbol of a nested (inlined) one is the first of its own block."""
        if self.name(die, unit) is None or die.pc_bounds != "ok":
            return
        block = GdbBlock(list(die.pc_ranges), scope, True, die.offset,
                         inlined=die.tag == "DW_TAG_inlined_subroutine")
        sym = self.new_symbol(die, unit)
        if sym is not None:
            sym.value = block
            block.function = sym
            if not top:
                block.symbols.append(sym)
        self._in_process.add(die.offset)
        try:
            for child in die.children:
                if child.tag not in _TEMPLATE_PARAMS:
                    self._process(child, block, unit)
            self._inherit(die, block, unit)
        finally:
            self._in_process.discard(die.offset)
        scope.blocks.append(block)

    def _lexical_block(self, die: "Die", scope: GdbBlock, unit: "Unit") -> None:
        """read_lexical_block_scope."""
        if die.pc_bounds == "absent":
            for child in die.children:
                if child.offset not in self._in_process:
                    self._process(child, scope, unit)
            return
        if die.pc_bounds == "invalid":
            return
        block = GdbBlock(list(die.pc_ranges), scope, False, die.offset)
        for child in die.children:
            self._process(child, block, unit)
        self._inherit(die, block, unit)
        if block.symbols:
            scope.blocks.append(block)
        else:                                 # no block: its blocks belong to the one around
            for b in block.blocks:
                b.parent = scope
            scope.blocks.extend(block.blocks)

    def _inherit(self, die: "Die", block: GdbBlock, unit: "Unit") -> None:
        """inherit_abstract_dies: the abstract origin's children no concrete child refers to."""
        origin = die.abstract_origin
        if origin is None:
            return
        concrete = die.children
        abstract = origin.children
        isomorphic = len(concrete) == len(abstract) and all(c.tag == a.tag for c, a in zip(concrete, abstract))
        abstract_offsets = {a.offset for a in abstract}
        referenced: set[int] = set()
        for k, child in enumerate(concrete):
            if child.tag in ("DW_TAG_call_site", "DW_TAG_GNU_call_site"):
                continue
            target = child.origin or child
            if target is child and isomorphic and child.tag == "DW_TAG_lexical_block":
                target = abstract[k]
            if target is not child and target.offset in abstract_offsets:
                referenced.add(target.offset)
        for child in abstract:
            if child.offset not in referenced and child.offset not in self._in_process:
                self._process(child, block, unit)


_TABLES: "weakref.WeakKeyDictionary[Any, GdbSymtab]" = weakref.WeakKeyDictionary()


def symtab_of(debug: "DebugInfo") -> GdbSymtab:
    """The (cached) symbol tables of a program's debug information."""
    table = _TABLES.get(debug)
    if table is None:
        table = _TABLES[debug] = GdbSymtab(debug)
    return table
