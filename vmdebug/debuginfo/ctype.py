"""C types as gdb models them, built from DWARF type entries.

One :class:`CType` per DWARF type entry (the reader memoises by DIE offset,
so a recursive type such as ``struct node { struct node *next; }`` is one
object).  The kinds follow gdb's ``enum type_code`` (gdb/gdbtypes.h) for the
C subset: ``int`` (DW_TAG_base_type with an integer, character or boolean
encoding), ``float``, ``void``, ``pointer``, ``array``, ``struct``,
``union``, ``enum``, ``func`` and ``typedef``.

``const`` and ``volatile`` are instance flags, as in gdb (make_cv_type): a
qualified type is a variant of its unqualified type - the same name, size,
members and target - with the flag set, and :attr:`CType.main` is the
unqualified one.  :func:`qualified` makes (and caches) the variants.

A multi-dimensional array (one DW_TAG_array_type with several subranges)
becomes nested arrays, as in gdb's read_array_type: ``int a[2][3]`` is an
array of 2 arrays of 3 ints.
"""
from __future__ import annotations

from events.record import Record

# DWARF 5, 7.8 (base type encodings).
DW_ATE_address, DW_ATE_boolean, DW_ATE_complex_float, DW_ATE_float = 0x1, 0x2, 0x3, 0x4
DW_ATE_signed, DW_ATE_signed_char, DW_ATE_unsigned, DW_ATE_unsigned_char = 0x5, 0x6, 0x7, 0x8
DW_ATE_UTF = 0x10

POINTER_SIZE = 4
KINDS = ("int", "float", "void", "pointer", "array", "struct", "union", "enum", "func", "typedef",
         "error")      # "error": a symbol without debug information (gdb TYPE_CODE_ERROR)


class Member(Record):
    """A struct or union member; ``bit_size`` is 0 unless it is a bit-field."""

    __slots__ = (
        "name",
        "type",
        "bitpos",      # bits from the start of the aggregate (gdb's loc_bitpos)
        "bit_size",
        "artificial",
    )

    def __init__(self, name: str | None, type: "CType", bitpos: int, bit_size: int = 0,
                 artificial: bool = False) -> None:
        self.name = name
        self.type = type
        self.bitpos = bitpos
        self.bit_size = bit_size
        self.artificial = artificial

    @property
    def offset(self) -> int:
        return self.bitpos // 8


class CType:
    """A C type.  Identity matters: one object per DWARF entry (and per qualification)."""

    __slots__ = ("kind", "name", "size", "target", "encoding", "count", "members", "enumerators", "params",
                 "varargs", "prototyped", "stub", "is_unsigned", "flag_enum", "const", "volatile", "main",
                 "_variants", "die", "pointer", "nottext", "vector")

    def __init__(self, kind: str, name: str | None = None, size: int = 0, target: "CType | None" = None,
                 encoding: int = 0) -> None:
        assert kind in KINDS, kind
        self.kind = kind
        self.name = name
        self.size = size
        self.target = target            # pointer/array/typedef target, function return type
        self.encoding = encoding        # DW_ATE_* of an int or float
        self.count: int | None = None   # array: element count (None: unknown bound)
        self.members: list[Member] = []  # struct/union members; enum: unused
        self.enumerators: list[tuple[str, int]] = []
        self.params: list[CType] = []    # func: parameter types
        self.varargs = False
        self.prototyped = False
        self.stub = False               # a declaration only (incomplete struct/union/enum)
        # gdb: pointers are unsigned (make_pointer_type sets TYPE_UNSIGNED).
        self.is_unsigned = encoding in (DW_ATE_unsigned, DW_ATE_unsigned_char, DW_ATE_boolean,
                                        DW_ATE_address) or kind == "pointer"
        self.flag_enum = False          # gdb's TYPE_FLAG_ENUM (an enum of disjoint bits)
        self.const = False
        self.volatile = False
        self.main: CType = self
        self._variants: dict[tuple[bool, bool], CType] | None = None
        self.die = 0                    # DWARF offset (0 for types made here)
        self.pointer: CType | None = None   # the pointer type to this one, once made (gdb TYPE_POINTER_TYPE)
        self.nottext = False            # gdb's TYPE_NOTTEXT: a 1-byte integer that is data (int8_t of a register)
        self.vector = False             # array: gdb's TYPE_VECTOR (init_vector_type), a GNU vector

    def __repr__(self) -> str:
        q = ("const " if self.const else "") + ("volatile " if self.volatile else "")
        return f"<CType {q}{self.kind} {self.name or ''}>"

    # ---- gdb's check_typedef -------------------------------------------------------
    def strip(self) -> "CType":
        """Without typedefs, keeping cv flags (gdb check_typedef: the target gets the
        instance flags of every typedef on the way)."""
        t = self
        const, volatile = t.const, t.volatile
        seen = 0
        while t.kind == "typedef":
            if t.target is None or seen > 64:
                return t
            t = t.target
            const, volatile = const or t.const, volatile or t.volatile
            seen += 1
        if (const, volatile) != (t.const, t.volatile):
            t = qualified(t, const, volatile)
        return t

    @property
    def code(self) -> str:
        """The kind after check_typedef."""
        return self.strip().kind

    @property
    def length(self) -> int:
        """TYPE_LENGTH after check_typedef (sizeof)."""
        t = self.strip()
        if t.kind == "array":
            if t.count is None or t.target is None:
                return 0
            return t.count * t.target.length
        return t.size

    def is_scalar(self) -> bool:
        """gdb's val_print_scalar_type_p: not a struct, union or array."""
        return self.code not in ("struct", "union", "array")

    def is_char(self) -> bool:
        """A character type as gdb prints one: a 1-byte integer with a char encoding
        (TYPE_CODE_CHAR in gdb's DWARF reader)."""
        t = self.strip()
        return t.kind == "int" and t.size == 1 and t.encoding in (DW_ATE_signed_char, DW_ATE_unsigned_char)

    def is_bool(self) -> bool:
        t = self.strip()
        return t.kind == "int" and t.encoding == DW_ATE_boolean


def qualified(t: CType, const: bool, volatile: bool) -> CType:
    """The variant of ``t`` with exactly these qualifiers (gdb make_cv_type)."""
    main = t.main
    if not const and not volatile:
        return main
    if main._variants is None:
        main._variants = {}
    v = main._variants.get((const, volatile))
    if v is None:
        v = CType.__new__(CType)
        for slot in CType.__slots__:
            setattr(v, slot, getattr(main, slot))
        v.const, v.volatile, v.main, v._variants, v.pointer = const, volatile, main, None, None
        main._variants[(const, volatile)] = v
    return v


def complete(t: CType) -> None:
    """Propagate a struct/union/enum completed after its variants were made."""
    main = t.main
    for v in (main._variants or {}).values():
        for slot in ("size", "members", "enumerators", "stub", "is_unsigned", "flag_enum", "count", "target",
                     "params", "varargs", "prototyped", "name"):
            setattr(v, slot, getattr(main, slot))


def make_int(name: str, size: int, signed: bool) -> CType:
    return CType("int", name, size, None, DW_ATE_signed if signed else DW_ATE_unsigned)


def make_char(name: str, signed: bool) -> CType:
    return CType("int", name, 1, None, DW_ATE_signed_char if signed else DW_ATE_unsigned_char)


def pointer_to(t: CType) -> CType:
    """The pointer type to ``t``: one object per target, kept on the target as gdb's
    lookup_pointer_type does (so it belongs to the program that owns ``t``, and two
    debuggers in one process share nothing)."""
    if t.pointer is None:
        t.pointer = CType("pointer", None, POINTER_SIZE, t)
    return t.pointer


def array_of(t: CType, count: int) -> CType:
    a = CType("array", None, 0, t)
    a.count = count
    a.size = count * t.length
    return a


def func_type(ret: CType, params: list[CType], varargs: bool = False, prototyped: bool = True) -> CType:
    f = CType("func", None, 1, ret)
    f.params, f.varargs, f.prototyped = params, varargs, prototyped
    return f


# The types gdb's C language uses for what the program does not name
# (gdb/c-lang.c c_language_arch_info, i386: int and long are 4 bytes).
VOID = CType("void", "void", 1)
INT = make_int("int", 4, True)
UINT = make_int("unsigned int", 4, False)
LONG = make_int("long", 4, True)
ULONG = make_int("unsigned long", 4, False)
LONGLONG = make_int("long long", 8, True)
ULONGLONG = make_int("unsigned long long", 8, False)
SHORT = make_int("short", 2, True)
USHORT = make_int("unsigned short", 2, False)
CHAR = make_char("char", True)
SCHAR = make_char("signed char", True)
UCHAR = make_char("unsigned char", False)
BOOL = CType("int", "_Bool", 1, None, DW_ATE_boolean)
FLOAT = CType("float", "float", 4, None, DW_ATE_float)
DOUBLE = CType("float", "double", 8, None, DW_ATE_float)
LONG_DOUBLE = CType("float", "long double", 12, None, DW_ATE_float)
VOID_PTR = pointer_to(VOID)
CHAR_PTR = pointer_to(CHAR)

#: Type names gdb's C parser knows without the program (c-exp.y), in the word
#: orders C allows; the value is the type gdb uses.
PRIMITIVES: dict[str, CType] = {
    "int": INT, "signed int": INT, "signed": INT, "int signed": INT,
    "unsigned int": UINT, "unsigned": UINT, "int unsigned": UINT,
    "long": LONG, "long int": LONG, "signed long": LONG, "long signed int": LONG, "signed long int": LONG,
    "int long": LONG,
    "unsigned long": ULONG, "long unsigned int": ULONG, "unsigned long int": ULONG, "long unsigned": ULONG,
    "long long": LONGLONG, "long long int": LONGLONG, "signed long long": LONGLONG,
    "signed long long int": LONGLONG, "long long signed int": LONGLONG,
    "unsigned long long": ULONGLONG, "long long unsigned int": ULONGLONG, "unsigned long long int": ULONGLONG,
    "long long unsigned": ULONGLONG,
    "short": SHORT, "short int": SHORT, "signed short": SHORT, "short signed int": SHORT,
    "signed short int": SHORT, "int short": SHORT,
    "unsigned short": USHORT, "short unsigned int": USHORT, "unsigned short int": USHORT,
    "short unsigned": USHORT,
    "char": CHAR, "signed char": SCHAR, "char signed": SCHAR, "unsigned char": UCHAR, "char unsigned": UCHAR,
    "_Bool": BOOL, "float": FLOAT, "double": DOUBLE, "long double": LONG_DOUBLE, "void": VOID,
}
