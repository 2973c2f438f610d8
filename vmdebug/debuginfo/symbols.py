"""Program facts from DWARF: compile units, functions, lexical blocks, variables.

These are the objects gdb builds as symtabs, blocks and symbols
(gdb/block.h, gdb/symtab.h), reduced to what a C debugger needs.  A
:class:`Block` covers address ranges and holds the variables declared in it
in declaration order, and its nested blocks; a :class:`Function` is the
outermost block of a subprogram; an inlined call is a block whose
``inlined`` says which function was inlined and from where it was called.

A variable's location is kept as DWARF gives it - an expression, or a list
of (low, high, expression) ranges - and evaluated later against a frame
(:mod:`vmdebug.debuginfo.location`).

gdb's symbol tables (``info functions``, ``info scope``: :mod:`.gdbsymtab`)
follow its DWARF reader's own rules - which entries make symbols, which
blocks exist, in what order - so each unit and function also keeps the
outline of its DIEs (:class:`Die`) with the facts that reader looks at.
"""
from __future__ import annotations

from typing import Any, Callable

from events.record import Record
from vmdebug.debuginfo.ctype import CType


class LocRange(Record):
    """One entry of a location list: the expression holds for pcs in [low, high)."""

    __slots__ = (
        "low",
        "high",
        "expr",
        #: Base-address entries (DW_LLE_base_address[x], a DWARF 4 base selection) read just
        #: before this one.  ``low``/``high`` already include them; only ``info scope``
        #: lists them (dwarf2/loc.c loclist_describe_location).
        "bases",
    )

    def __init__(self, low: int, high: int, expr: bytes, bases: tuple[int, ...] = ()) -> None:
        self.low = low
        self.high = high
        self.expr = expr
        self.bases = bases


class Variable(Record):
    """A variable, parameter or constant (gdb's struct symbol of domain VAR)."""

    __slots__ = (
        "name",
        "type",
        "expr",          # a single location expression
        "_ranges",       # or a location list (see ranges)
        "const_value",
        "is_param",
        "external",      # visible to other units (DW_AT_external)
        "declaration",   # an `extern` declaration without storage here
        "artificial",
        "decl_file",
        "decl_line",
        "unit",
        "die",
        #: Reads the location list when first asked for: a program's hundreds of lists are
        #: parsed only for the variables a command looks at (issue #17: opening a session).
        "_load_ranges",
    )
    _repr_skip = ("unit", "_load_ranges",)
    _eq_skip = ("_load_ranges",)

    def __init__(self, name: str, type: CType | None, expr: bytes | None = None,
                 _ranges: list[LocRange] | None = None, const_value: int | bytes | None = None,
                 is_param: bool = False, external: bool = False, declaration: bool = False,
                 artificial: bool = False, decl_file: str = "", decl_line: int = 0,
                 unit: "Unit | None" = None, die: int = 0,
                 _load_ranges: "Callable[[], list[LocRange]] | None" = None) -> None:
        self.name = name
        self.type = type
        self.expr = expr
        self._ranges = _ranges
        self.const_value = const_value
        self.is_param = is_param
        self.external = external
        self.declaration = declaration
        self.artificial = artificial
        self.decl_file = decl_file
        self.decl_line = decl_line
        self.unit = unit
        self.die = die
        self._load_ranges = _load_ranges

    @property
    def ranges(self) -> list[LocRange] | None:
        """The location list, if the location is one (else None)."""
        load = self._load_ranges
        if load is not None:
            self._load_ranges = None
            self._ranges = load()
        return self._ranges

    @ranges.setter
    def ranges(self, value: list[LocRange] | None) -> None:
        self._ranges, self._load_ranges = value, None

    @property
    def optimized_out(self) -> bool:
        """No location at all (gdb: LOC_OPTIMIZED_OUT)."""
        return self.expr is None and self.ranges is None and self.const_value is None

    def static_address(self) -> int | None:
        """The address of a variable in static storage (a lone DW_OP_addr), else None."""
        if self.expr is not None and len(self.expr) == 5 and self.expr[0] == 0x03:
            return int.from_bytes(self.expr[1:5], "little")
        return None


class InlineCall(Record):
    """Where an inlined function was called from (DW_TAG_inlined_subroutine)."""

    __slots__ = (
        "function",     # the abstract function (name, type, declaration)
        "call_file",
        "call_line",
        "call_column",
        "type",         # the inlined copy's own type (its parameters, in its order)
    )

    def __init__(self, function: "Function", call_file: str, call_line: int, call_column: int = 0,
                 type: CType | None = None) -> None:
        self.function = function
        self.call_file = call_file
        self.call_line = call_line
        self.call_column = call_column
        self.type = type


class Block(Record, eq=False):
    """A lexical block: address ranges, its variables in declaration order, inner blocks."""

    __slots__ = ("ranges", "variables", "blocks", "inlined", "entry_pc", "parent")
    _repr_skip = ("parent",)

    def __init__(self, ranges: list[tuple[int, int]], variables: list[Variable] | None = None,
                 blocks: list["Block"] | None = None, inlined: InlineCall | None = None,
                 entry_pc: int | None = None, parent: "Block | None" = None) -> None:
        self.ranges = ranges
        self.variables = [] if variables is None else variables
        self.blocks = [] if blocks is None else blocks
        self.inlined = inlined
        self.entry_pc = entry_pc
        self.parent = parent

    def contains(self, pc: int) -> bool:
        return any(lo <= pc < hi for lo, hi in self.ranges)

    @property
    def low(self) -> int:
        return min((lo for lo, _ in self.ranges), default=0)

    @property
    def high(self) -> int:
        return max((hi for _, hi in self.ranges), default=0)

    def innermost(self, pc: int) -> "Block":
        """The deepest block (this one or nested) whose ranges hold ``pc``."""
        b = self
        while True:
            for child in b.blocks:
                if child.contains(pc):
                    b = child
                    break
            else:
                return b

    def function(self) -> "Function | None":
        b: Block | None = self
        while b is not None and not isinstance(b, Function):
            b = b.parent
        return b


class Function(Block):
    """A subprogram: its outermost block, name, type and where it is declared."""

    __slots__ = ("name", "type", "external", "decl_file", "decl_line", "frame_base", "frame_base_ranges",
                 "unit", "die", "outline")
    _repr_skip = ("parent", "unit", "outline")

    def __init__(self, ranges: list[tuple[int, int]], variables: list[Variable] | None = None,
                 blocks: list[Block] | None = None, inlined: InlineCall | None = None,
                 entry_pc: int | None = None, parent: Block | None = None, name: str = "",
                 type: CType | None = None, external: bool = False, decl_file: str = "", decl_line: int = 0,
                 frame_base: bytes | None = None, frame_base_ranges: list[LocRange] | None = None,
                 unit: "Unit | None" = None, die: int = 0, outline: "Die | None" = None) -> None:
        super().__init__(ranges, variables, blocks, inlined, entry_pc, parent)
        self.name = name
        self.type = type  # a "func" CType (return and parameter types)
        self.external = external
        self.decl_file = decl_file
        self.decl_line = decl_line
        self.frame_base = frame_base
        self.frame_base_ranges = frame_base_ranges  # a DW_AT_frame_base location list
        self.unit = unit
        self.die = die
        self.outline = outline  # its DIE as gdb's reader walks it

    @property
    def params(self) -> list[Variable]:
        return [v for v in self.variables if v.is_param]


class LineFile(Record, eq=False):
    """A file of a unit's line table: the name gdb shows, and the full path."""

    __slots__ = ("name", "path")

    def __init__(self, name: str, path: str) -> None:
        self.name = name
        self.path = path


class UnitScope(Record, eq=False):
    """What a compile unit declares at file scope."""

    __slots__ = (
        "functions",
        "variables",  # file-scope variables, in order
        "types",      # typedef names
        "tags",       # "struct x", "union x", "enum x"
        "all_types",  # (name, type) for info types
    )

    def __init__(self, functions: list[Function] | None = None, variables: list[Variable] | None = None,
                 types: dict[str, CType] | None = None, tags: dict[str, CType] | None = None,
                 all_types: list[tuple[str, CType]] | None = None) -> None:
        self.functions = [] if functions is None else functions
        self.variables = [] if variables is None else variables
        self.types = {} if types is None else types
        self.tags = {} if tags is None else tags
        self.all_types = [] if all_types is None else all_types

    def clear(self) -> None:
        self.functions.clear()
        self.variables.clear()
        self.types.clear()
        self.tags.clear()
        self.all_types.clear()


class Unit(Record, eq=False):
    """A compile unit: its name, where it was compiled, what it declares.

    What it declares (:class:`UnitScope`) is read on first need, as gdb expands a unit's
    full symbols only when something asks for it (dwarf2/read.c: partial symbols first):
    opening a session reads the units' headers only, and ``break main`` then reads the
    unit of ``main``, not the libc's nine (issue #17)."""

    __slots__ = (
        "name",
        "comp_dir",
        "producer",
        "language",
        "ranges",
        "offset",
        "files",
        "stmt_list",
        "line_program",  # pyelftools' LineProgram (its header read)
        "version",       # the DWARF version of its header
        "address_size",
        "offset_size",   # 8 in the 64-bit DWARF format
        "outline",       # its top-level DIEs gdb reads
        #: Reads the scope into ``unit.scope`` (set by the reader; None once read).
        "expander",
        "_scope",
    )
    _repr_skip = ("line_program", "outline", "expander", "_scope",)

    def __init__(self, name: str, comp_dir: str, producer: str, language: int, ranges: list[tuple[int, int]],
                 offset: int = 0, files: list[LineFile] | None = None, stmt_list: int | None = None,
                 line_program: Any = None, version: int = 5, address_size: int = 4, offset_size: int = 4,
                 outline: list["Die"] | None = None, expander: "Callable[[Unit], None] | None" = None,
                 _scope: UnitScope | None = None) -> None:
        self.name = name
        self.comp_dir = comp_dir
        self.producer = producer
        self.language = language
        self.ranges = ranges
        self.offset = offset
        self.files = [] if files is None else files
        self.stmt_list = stmt_list
        self.line_program = line_program
        self.version = version
        self.address_size = address_size
        self.offset_size = offset_size
        self.outline = [] if outline is None else outline
        self.expander = expander
        self._scope = _scope

    @property
    def scope(self) -> UnitScope:
        if self._scope is None:
            self._scope = UnitScope()
            expand, self.expander = self.expander, None
            if expand is not None:
                expand(self)        # fills self._scope (the lists above are already in place)
        return self._scope

    @property
    def expanded(self) -> bool:
        """Whether its scope was read (or is being read)."""
        return self._scope is not None

    @property
    def functions(self) -> list[Function]:
        return self.scope.functions

    @property
    def variables(self) -> list[Variable]:
        return self.scope.variables

    @property
    def types(self) -> dict[str, CType]:
        return self.scope.types

    @property
    def tags(self) -> dict[str, CType]:
        return self.scope.tags

    @property
    def all_types(self) -> list[tuple[str, CType]]:
        return self.scope.all_types

    @property
    def path(self) -> str:
        import os
        return os.path.normpath(os.path.join(self.comp_dir, self.name)) if self.comp_dir else self.name

    def contains(self, pc: int) -> bool:
        return any(lo <= pc < hi for lo, hi in self.ranges)


class Die(Record, eq=False):
    """A debugging-information entry as gdb's DWARF reader sees it when it makes symbols
    and blocks (dwarf2/read.c process_die, new_symbol), as plain data, in DWARF order.

    Attributes are taken as gdb's ``dwarf2_attr`` takes them: from the entry or, failing
    that, from the entries its DW_AT_specification / DW_AT_abstract_origin name.  Only
    the entries that reader can make something of are kept, with the facts it reads:
    every child of a function, inlined call or lexical block (inherit_abstract_dies
    compares them one by one), the non-member children of a struct or enum, and a
    unit's top-level functions, variables and types.
    """

    __slots__ = (
        "offset",
        "tag",
        "unit",             # the unit holding the entry
        "children",
        "name",             # dwarf2_name before C canonicalisation
        "file",             # index into unit.files (DW_AT_decl_file, an inlined call's call_file)
        "line",             # DW_AT_decl_line (an inlined call's DW_AT_call_line)
        "external",
        "declaration",      # die_is_declaration
        "prototyped",
        "has_type",         # a DW_AT_type (even one that cannot be read)
        "type",             # die_type: what DW_AT_type names (None: void)
        "defines",          # for a type entry: the type it defines
        "has_byte_size",
        "has_signature",
        "pc_bounds",        # dwarf2_get_pc_bounds: "ok", "absent" or "invalid"
        "pc_ranges",        # when "ok"
        "low_pc",           # a label's address
        "expr",             # DW_AT_location: one expression
        "ranges",           # or a location list
        "const_value",      # DW_AT_const_value: a number, or a block or string
        "const_address",    # the constant is an address (DW_FORM_addr, DW_FORM_addrx)
        "abstract_origin",  # what DW_AT_abstract_origin names
        "origin",           # the end of the DW_AT_abstract_origin chain
    )
    _repr_skip = ("unit", "children", "abstract_origin", "origin",)

    def __init__(self, offset: int, tag: str, unit: "Unit | None" = None, children: list["Die"] | None = None,
                 name: str | None = None, file: int | None = None, line: int = 0, external: bool = False,
                 declaration: bool = False, prototyped: bool = False, has_type: bool = False,
                 type: CType | None = None, defines: CType | None = None, has_byte_size: bool = False,
                 has_signature: bool = False, pc_bounds: str = "absent",
                 pc_ranges: list[tuple[int, int]] | None = None, low_pc: int | None = None,
                 expr: bytes | None = None, ranges: list[LocRange] | None = None,
                 const_value: int | bytes | None = None, const_address: bool = False,
                 abstract_origin: "Die | None" = None, origin: "Die | None" = None) -> None:
        self.offset = offset
        self.tag = tag
        self.unit = unit
        self.children = [] if children is None else children
        self.name = name
        self.file = file
        self.line = line
        self.external = external
        self.declaration = declaration
        self.prototyped = prototyped
        self.has_type = has_type
        self.type = type
        self.defines = defines
        self.has_byte_size = has_byte_size
        self.has_signature = has_signature
        self.pc_bounds = pc_bounds
        self.pc_ranges = [] if pc_ranges is None else pc_ranges
        self.low_pc = low_pc
        self.expr = expr
        self.ranges = ranges
        self.const_value = const_value
        self.const_address = const_address
        self.abstract_origin = abstract_origin
        self.origin = origin
