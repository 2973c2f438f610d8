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

from dataclasses import dataclass, field
from typing import Any, Callable

from vmdebug.debuginfo.ctype import CType


@dataclass(slots=True)
class LocRange:
    """One entry of a location list: the expression holds for pcs in [low, high)."""

    low: int
    high: int
    expr: bytes
    #: Base-address entries (DW_LLE_base_address[x], a DWARF 4 base selection) read just
    #: before this one.  ``low``/``high`` already include them; only ``info scope``
    #: lists them (dwarf2/loc.c loclist_describe_location).
    bases: tuple[int, ...] = ()


@dataclass(slots=True)
class Variable:
    """A variable, parameter or constant (gdb's struct symbol of domain VAR)."""

    name: str
    type: CType | None
    expr: bytes | None = None            # a single location expression
    _ranges: list[LocRange] | None = None  # or a location list (see ranges)
    const_value: int | bytes | None = None
    is_param: bool = False
    external: bool = False               # visible to other units (DW_AT_external)
    declaration: bool = False            # an `extern` declaration without storage here
    artificial: bool = False
    decl_file: str = ""
    decl_line: int = 0
    unit: "Unit | None" = field(default=None, repr=False)
    die: int = 0
    #: Reads the location list when first asked for: a program's hundreds of lists are
    #: parsed only for the variables a command looks at (issue #17: opening a session).
    _load_ranges: "Callable[[], list[LocRange]] | None" = field(default=None, repr=False, compare=False)

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


@dataclass(slots=True)
class InlineCall:
    """Where an inlined function was called from (DW_TAG_inlined_subroutine)."""

    function: "Function"                 # the abstract function (name, type, declaration)
    call_file: str
    call_line: int
    call_column: int = 0
    type: CType | None = None            # the inlined copy's own type (its parameters, in its order)


@dataclass(slots=True, eq=False)
class Block:
    """A lexical block: address ranges, its variables in declaration order, inner blocks."""

    ranges: list[tuple[int, int]]
    variables: list[Variable] = field(default_factory=list)
    blocks: list["Block"] = field(default_factory=list)
    inlined: InlineCall | None = None
    entry_pc: int | None = None
    parent: "Block | None" = field(default=None, repr=False)

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


@dataclass(slots=True, eq=False)
class Function(Block):
    """A subprogram: its outermost block, name, type and where it is declared."""

    name: str = ""
    type: CType | None = None             # a "func" CType (return and parameter types)
    external: bool = False
    decl_file: str = ""
    decl_line: int = 0
    frame_base: bytes | None = None
    frame_base_ranges: list[LocRange] | None = None   # a DW_AT_frame_base location list
    unit: "Unit | None" = field(default=None, repr=False)
    die: int = 0
    outline: "Die | None" = field(default=None, repr=False)   # its DIE as gdb's reader walks it

    @property
    def params(self) -> list[Variable]:
        return [v for v in self.variables if v.is_param]


@dataclass(slots=True, eq=False)
class LineFile:
    """A file of a unit's line table: the name gdb shows, and the full path."""

    name: str
    path: str


@dataclass(slots=True, eq=False)
class UnitScope:
    """What a compile unit declares at file scope."""

    functions: list[Function] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)   # file-scope variables, in order
    types: dict[str, CType] = field(default_factory=dict)     # typedef names
    tags: dict[str, CType] = field(default_factory=dict)      # "struct x", "union x", "enum x"
    all_types: list[tuple[str, CType]] = field(default_factory=list)  # (name, type) for info types

    def clear(self) -> None:
        self.functions.clear()
        self.variables.clear()
        self.types.clear()
        self.tags.clear()
        self.all_types.clear()


@dataclass(slots=True, eq=False)
class Unit:
    """A compile unit: its name, where it was compiled, what it declares.

    What it declares (:class:`UnitScope`) is read on first need, as gdb expands a unit's
    full symbols only when something asks for it (dwarf2/read.c: partial symbols first):
    opening a session reads the units' headers only, and ``break main`` then reads the
    unit of ``main``, not the libc's nine (issue #17)."""

    name: str
    comp_dir: str
    producer: str
    language: int
    ranges: list[tuple[int, int]]
    offset: int = 0
    files: list[LineFile] = field(default_factory=list)
    stmt_list: int | None = None
    line_program: Any = field(default=None, repr=False)     # pyelftools' LineProgram (its header read)
    version: int = 5                                          # the DWARF version of its header
    address_size: int = 4
    offset_size: int = 4                                      # 8 in the 64-bit DWARF format
    outline: list["Die"] = field(default_factory=list, repr=False)  # its top-level DIEs gdb reads
    #: Reads the scope into ``unit.scope`` (set by the reader; None once read).
    expander: "Callable[[Unit], None] | None" = field(default=None, repr=False)
    _scope: UnitScope | None = field(default=None, repr=False)

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


@dataclass(slots=True, eq=False)
class Die:
    """A debugging-information entry as gdb's DWARF reader sees it when it makes symbols
    and blocks (dwarf2/read.c process_die, new_symbol), as plain data, in DWARF order.

    Attributes are taken as gdb's ``dwarf2_attr`` takes them: from the entry or, failing
    that, from the entries its DW_AT_specification / DW_AT_abstract_origin name.  Only
    the entries that reader can make something of are kept, with the facts it reads:
    every child of a function, inlined call or lexical block (inherit_abstract_dies
    compares them one by one), the non-member children of a struct or enum, and a
    unit's top-level functions, variables and types.
    """

    offset: int
    tag: str
    unit: "Unit | None" = field(default=None, repr=False)   # the unit holding the entry
    children: list["Die"] = field(default_factory=list, repr=False)
    name: str | None = None              # dwarf2_name before C canonicalisation
    file: int | None = None              # index into unit.files (DW_AT_decl_file, an inlined call's call_file)
    line: int = 0                        # DW_AT_decl_line (an inlined call's DW_AT_call_line)
    external: bool = False
    declaration: bool = False            # die_is_declaration
    prototyped: bool = False
    has_type: bool = False               # a DW_AT_type (even one that cannot be read)
    type: CType | None = None            # die_type: what DW_AT_type names (None: void)
    defines: CType | None = None         # for a type entry: the type it defines
    has_byte_size: bool = False
    has_signature: bool = False
    pc_bounds: str = "absent"            # dwarf2_get_pc_bounds: "ok", "absent" or "invalid"
    pc_ranges: list[tuple[int, int]] = field(default_factory=list)   # when "ok"
    low_pc: int | None = None            # a label's address
    expr: bytes | None = None            # DW_AT_location: one expression
    ranges: list[LocRange] | None = None  # or a location list
    const_value: int | bytes | None = None   # DW_AT_const_value: a number, or a block or string
    const_address: bool = False          # the constant is an address (DW_FORM_addr, DW_FORM_addrx)
    abstract_origin: "Die | None" = field(default=None, repr=False)   # what DW_AT_abstract_origin names
    origin: "Die | None" = field(default=None, repr=False)   # the end of the DW_AT_abstract_origin chain
