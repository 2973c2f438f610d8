"""Values as gdb 13 prints them for C: what follows ``$N = `` after ``print`` and ``print/FMT``.

    format_value(t, data, address, fmt, memory, symbolize) -> str

A port of gdb/printcmd.c (``print_formatted``, ``print_scalar_formatted``,
``print_address_demangle``), gdb/c-valprint.c (``c_value_print``,
``c_value_print_inner`` and its helpers), gdb/valprint.c
(``common_val_print``, ``generic_value_print``, ``value_print_array_elements``,
``val_print_string``, ``value_print_scalar_formatted``) and
gdb/cp-valprint.c (``cp_print_value_fields``, C subset), with gdb's print settings
(:class:`vmdebug.debuginfo.valprint_options.PrintOptions`: elements, repeats, max-depth,
pretty, array, array-indexes, address, symbol, null-stop, union, nibbles, output-radix;
``max-value-size 65536``).

What the interface cannot know and the caller must supply:

* ``data`` - the value's bytes, as gdb fetched them (sizeof the type; a
  function's value is the first byte of its code, which is what ``p/x func``
  shows);
* ``valid`` - which of those bytes are available (DWARF pieces that are
  optimized out); gdb tracks bits, this mask tracks bytes;
* ``memory`` - target memory, read only for the strings ``char *`` values
  point to (and the string of an array without a size); it raises
  :class:`TargetMemoryError` for an unreadable address.  gdb reading a static
  executable without a process reads section contents only (a read between
  sections fails); a live process reads mapped pages;
* ``symbolize(addr, demangle)`` - the ``<sym+off>`` text for an address, or
  "" (see :mod:`vmdebug.debuginfo.valprint_symbols`); ``demangle`` is True
  for pointers and False for ``/a``, which prints ELF names undecoded;
* ``options.charset`` - gdb's locale decides which non-ASCII characters are
  printable (:mod:`vmdebug.debuginfo.charprint`).
"""
from __future__ import annotations

from collections.abc import Callable

from events.record import Record
from vmdebug.debuginfo import charprint as CP
from vmdebug.debuginfo import valprint_scalar as S
from vmdebug.debuginfo.ctype import (
    DW_ATE_UTF,
    CType,
    DW_ATE_boolean,
    DW_ATE_float,
    make_char,
    make_int,
)
from vmdebug.debuginfo.typeprint import type_name
from vmdebug.debuginfo.valprint_options import PrintOptions

FORMATS = "xduotacfsz"
#: builtin_true_char / builtin_true_unsigned_char: what /c prints an integer as.
TRUE_CHAR = make_char("true character", True)
TRUE_UCHAR = make_char("true character", False)
#: The index type of a C array as gcc describes it (an unsigned int on i386), for
#: ``print array-indexes``.
_INDEX_TYPE = make_int("unsigned int", 4, False)

Memory = Callable[[int, int], bytes]
#: symbolize(address, demangle) -> "<sym+off>" or "" (valprint_symbols.AddressSymbolizer).
Symbolize = Callable[[int, bool], str]


class TargetMemoryError(Exception):
    """A failed target read (gdb's TARGET_XFER_E_IO); ``str()`` is gdb's message."""

    def __init__(self, address: int) -> None:
        self.address = address
        super().__init__(f"Cannot access memory at address {paddress(address)}")


class ValuePrintError(Exception):
    """gdb's ``error()`` from ``print``; ``str()`` is gdb's message.

    ``before_value`` is True when gdb fails before recording the value in its
    history (nothing is printed but the message: max-value-size, a format letter
    print refuses); otherwise gdb has already printed ``$N = `` and the message
    follows it on the same line."""

    def __init__(self, message: str, before_value: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.before_value = before_value


def paddress(addr: int) -> str:
    """paddress: hex of the address truncated to 32 bits."""
    return f"{addr & 0xFFFFFFFF:#x}"


class Value(Record):
    """A value being printed: its type (typedefs kept), bytes, address and valid-byte mask."""

    __slots__ = (
        "type",
        "data",
        "address",
        "valid",    # per byte: 0 = optimized out, 2 = an implicit pointer's; None = all valid
    )

    def __init__(self, type: CType, data: bytes, address: int | None = None,
                 valid: bytes | None = None) -> None:
        self.type = type
        self.data = data
        self.address = address
        self.valid = valid

    def component(self, t: CType, offset: int) -> Value:
        """value_primitive_field / value_from_component: a member or element."""
        n = t.length
        valid = None if self.valid is None else self.valid[offset:offset + n]
        return Value(t, self.data[offset:offset + n], None if self.address is None else self.address + offset,
                     valid)

    def any_optimized_out(self) -> bool:
        """value_bits_any_optimized_out over the whole value."""
        return self.valid is not None and not all(self.valid[:max(self.type.length, 1)])

    def synthetic_pointer(self) -> bool:
        """value_bits_synthetic_pointer over the whole value (DW_OP_implicit_pointer)."""
        return self.valid is not None and all(b == 2 for b in self.valid[:max(self.type.length, 1)])

    def entirely_optimized_out(self) -> bool:
        return self.valid is not None and not any(self.valid[:max(self.type.length, 1)])

    def same_contents(self, other: Value) -> bool:
        """value_contents_eq: equal availability, and equal bytes where available."""
        if self.valid is None and other.valid is None:
            return self.data == other.data
        a = self.valid or bytes([1]) * len(self.data)
        b = other.valid or bytes([1]) * len(other.data)
        if [bool(x) for x in a] != [bool(x) for x in b]:
            return False
        return all(x == y for x, y, ok in zip(self.data, other.data, a) if ok)


def check_value_size(t: CType, options: PrintOptions | None = None) -> None:
    """check_type_length_before_alloc: gdb refuses to fetch a value bigger than max-value-size."""
    limit = (options or PrintOptions()).max_value_size
    length = t.length
    if limit is not None and length > limit:
        if t.name is not None:
            raise ValuePrintError(f"value of type `{t.name}' requires {length} bytes, which is more than "
                                  "max-value-size", True)
        raise ValuePrintError(f"value requires {length} bytes, which is more than max-value-size", True)


def format_value(t: CType, data: bytes, address: int | None = None, fmt: str = "",
                 memory: Memory | None = None, symbolize: Symbolize | None = None, top_level: bool = True,
                 valid: bytes | None = None, options: PrintOptions | None = None) -> str:
    """What gdb prints after ``$N = `` for ``print/fmt`` of a value of type ``t``.

    ``fmt`` is one format letter or "" (see :func:`parse_print_format` for the
    letters a user types); a letter that is not a format prints gdb's error where
    gdb meets it (``Undefined output format "q".``).

    ``top_level`` True is ``print`` (print_formatted + c_value_print: a pointer
    gets its ``(type *)`` prefix); False is common_val_print, how gdb prints a
    value inside something else or for ``info locals``.  Raises
    :class:`ValuePrintError` where gdb's print fails as a whole."""
    opts = options or PrintOptions()
    if fmt == "i":
        raise ValuePrintError('Format letter "i" is meaningless in "print" command.', True)
    check_value_size(t, opts)
    printer = _Printer(memory, symbolize, opts)
    val = Value(t, bytes(data), address, valid)
    if top_level:
        return printer.print_formatted(val, fmt)
    return printer.common_val_print(val, 0, fmt, opts.max_depth)


def print_string_at(elttype: CType, addr: int, memory: Memory, options: PrintOptions | None = None) -> tuple[str, int]:
    """printcmd.c print_formatted for ``x/s``: val_print_string of characters of type
    ``elttype`` at ``addr`` (``int8_t``, ``char16_t``, ``char32_t`` by unit size), with
    gdb's print elements and repeats settings; the text and how many characters it read."""
    return _Printer(memory, None, options or PrintOptions()).val_print_string_read(elttype, addr)


def parse_print_format(letters: str, last_format: str = "") -> str:
    """The format letter of ``print/LETTERS`` (decode_format + validate_format): a
    count or a size letter is refused, so is ``i``; ``r`` (raw) and ``m`` (memory
    tags) change nothing here; of several letters the last wins; with no format
    letter (``/r``) gdb reuses ``last_format``, the letter of the last successful
    ``print/FMT`` (or ``x``/``output``) - the caller keeps it: a successful parse
    makes the returned letter the new last format."""
    p = 0
    count = 1
    if letters[:1] == "-":
        count, p = -1, 1
    digits = ""
    while p < len(letters) and letters[p].isdigit():
        digits += letters[p]
        p += 1
    if digits:
        count *= int(digits)
    size, fmt = "", ""
    for c in letters[p:]:
        if c in "bhwg":
            size = c
        elif c in "rm":
            continue
        elif "a" <= c <= "z":
            fmt = c
        else:
            break
    if not fmt:
        fmt = ("x" if last_format == "i" else last_format) if size else last_format
    if size:
        raise ValuePrintError('Size letters are meaningless in "print" command.', True)
    if count != 1:
        raise ValuePrintError('Item count other than 1 is meaningless in "print" command.', True)
    if fmt == "i":
        raise ValuePrintError('Format letter "i" is meaningless in "print" command.', True)
    return fmt


def textual(t: CType, fmt: str) -> bool:
    """c_textual_element_type: is an array of / pointer to ``t`` printed as a string?"""
    if fmt not in ("", "s"):
        return False
    st = t.strip()
    if st.kind != "int" or st.encoding == DW_ATE_boolean:
        return False
    if st.encoding == DW_ATE_UTF or CP.char_prefix(t):       # TYPE_CODE_CHAR, or wchar_t & co
        return True
    return st.length == 1 and (fmt == "s" or not st.nottext)


def _scalar_or_string(t: CType) -> bool:
    """val_print_scalar_or_string_type_p (c_is_string_type_p for the string part)."""
    st = t.strip()
    if st.kind not in ("struct", "union", "array"):
        return True
    return st.kind == "array" and st.target is not None and st.target.length > 0 and textual(st.target, "")


class _Printer:
    """One print: the target access callbacks and the options."""

    def __init__(self, memory: Memory | None, symbolize: Symbolize | None, opts: PrintOptions) -> None:
        self.memory = memory
        self.symbolize = symbolize
        self.opts = opts

    # ---- printcmd.c --------------------------------------------------------------
    def print_formatted(self, val: Value, fmt: str) -> str:
        """print_formatted (size 0): aggregates and format-less values go to value_print;
        a scalar with a format letter is formatted without its type prefix."""
        kind = val.type.strip().kind
        if fmt in ("", "s") or kind in ("void", "array", "struct", "union"):
            return self.value_print(val, fmt)
        return self.scalar_formatted(val, fmt)

    def value_print(self, val: Value, fmt: str) -> str:
        """value_print -> c_value_print: ``(type *)`` before a pointer unless it is a
        plain ``char *`` (whose string shows its type)."""
        if val.entirely_optimized_out():
            return "<optimized out>"
        prefix = ""
        t = val.type
        if t.strip().kind == "pointer":
            target = t.target if t.kind == "pointer" else None
            plain_char = (t.kind == "pointer" and t.name is None and target is not None
                          and target.name is not None and (target.name == "char" or target.name in CP.WIDE_NAMES))
            if not plain_char:
                prefix = "(" + type_name(t) + ") "
        return prefix + self.common_val_print(val, 0, fmt, self.opts.max_depth)

    def _symbolic(self, addr: int, demangle: bool) -> str:
        """print_address_symbolic: ``<sym+off>``, or "" where no symbol holds the address."""
        return self.symbolize(addr & ((1 << 64) - 1), demangle) if self.symbolize is not None else ""

    def address_text(self, addr: int, demangle: bool = True) -> str:
        """print_address_demangle (a function, a function pointer, a data pointer with
        ``print symbol`` on): ``0x... <sym+off>``; with ``print address off`` the symbol
        alone (or nothing)."""
        sym = self._symbolic(addr, demangle)
        if not self.opts.addressprint:
            return sym
        return paddress(addr) + (" " + sym if sym else "")

    def print_address(self, addr: int) -> str:
        """print_address (/a): the address and its ELF symbol, whatever ``print address`` and
        ``print symbol`` say."""
        sym = self._symbolic(addr, False)
        return paddress(addr) + (" " + sym if sym else "")

    # ---- valprint.c common_val_print ------------------------------------------------
    def common_val_print(self, val: Value, recurse: int, fmt: str, max_depth: int) -> str:
        """common_val_print: incomplete types, optimized-out scalars, the depth limit,
        then the language printer; an error inside prints inline."""
        st = val.type.strip()
        if st.stub and st.kind in ("struct", "union", "enum"):
            return "<incomplete type>"
        if st.kind not in ("struct", "union", "array") and val.any_optimized_out():
            return "<optimized out>"
        if st.kind not in ("struct", "union", "array") and val.synthetic_pointer():
            # valprint_check_validity: a scalar whose every bit is an implicit pointer.
            return "<synthetic pointer>"
        if not _scalar_or_string(val.type) and max_depth > -1 and recurse >= max_depth:
            return "{...}"
        try:
            return self.value_print_inner(val, recurse, fmt, max_depth)
        except ValuePrintError as e:
            return f"<error reading variable: {e.message}>"

    def value_print_inner(self, val: Value, recurse: int, fmt: str, max_depth: int) -> str:
        """c_value_print_inner + generic_value_print."""
        st = val.type.strip()
        kind = st.kind
        if kind == "array":
            return self._array(val, st, recurse, fmt, max_depth)
        if kind == "pointer":
            if fmt and fmt != "s":
                return self.scalar_formatted(val, fmt)
            addr = S.extract(val.data[:4], False)
            return self._pointer(st, addr, fmt)
        if kind in ("struct", "union"):
            if kind == "union" and recurse and not self.opts.unionprint:
                return "{...}"                          # c_value_print_struct
            return self._fields(val, st, recurse, fmt, max_depth)
        if kind == "int" and st.encoding == DW_ATE_boolean:
            return self._bool(val, fmt)
        if kind == "int":
            return self._int(val, fmt)
        if kind in ("enum", "func") or (kind == "float" and not S.is_complex(st)):
            if fmt:
                return self.scalar_formatted(val, fmt)
            if kind == "enum":
                return S.enum_text(st, self.unpack_long(st, val.data))
            if kind == "func":
                return "{" + type_name(st) + "} " + self.address_text(val.address or 0)
            return S.float_to_string(val.data, st.length, st.name)
        if kind == "float":
            return self._complex(val, st, fmt)
        if kind == "void":
            return "void"
        if kind == "error":
            return st.name or "<error type>"          # TYPE_ERROR_NAME
        return "<incomplete type>"

    # ---- scalars ---------------------------------------------------------------------
    def _int(self, val: Value, fmt: str) -> str:
        """c_value_print_int: the number, and for a character type the character too (with
        ``set output-radix`` 16 or 8 the number alone, in that radix)."""
        fmt = fmt or self.opts.output_format
        if fmt:
            return self.scalar_formatted(val, fmt)
        out = self.scalar_formatted(val, "")
        if textual(val.type, fmt):
            out += " " + CP.printchar(self.unpack_long(val.type.strip(), val.data), val.type, self.opts.charset)
        return out

    def _bool(self, val: Value, fmt: str) -> str:
        """generic_value_print_bool: false, true, else the number (or in the output radix)."""
        fmt = fmt or self.opts.output_format
        if fmt:
            return self.scalar_formatted(val, fmt)
        v = self.unpack_long(val.type.strip(), val.data)
        return "false" if v == 0 else "true" if v == 1 else str(v)

    def _complex(self, val: Value, st: CType, fmt: str) -> str:
        """generic_value_print_complex: ``re + imi``."""
        half = st.length // 2
        part = CType("float", None, half, None, DW_ATE_float)
        re = Value(part, val.data[:half], None, None if val.valid is None else val.valid[:half])
        im = Value(part, val.data[half:], None, None if val.valid is None else val.valid[half:])
        return self.scalar_formatted(re, fmt) + " + " + self.scalar_formatted(im, fmt) + "i"

    def scalar_formatted(self, val: Value, fmt: str) -> str:
        """value_print_scalar_formatted: /s goes back to the plain printer; a scalar
        with any byte optimized out is <optimized out>."""
        if fmt == "s":
            return self.common_val_print(val, 0, "", self.opts.max_depth)
        if val.any_optimized_out():
            return "<optimized out>"
        return self.print_scalar_formatted(val.data, val.type.strip(), fmt)

    def unpack_long(self, st: CType, data: bytes) -> int:
        """unpack_long: a scalar as a LONGEST."""
        kind = st.kind
        if kind in ("int", "enum"):
            return S.extract(data[:st.length], not S.is_unsigned(st))
        if kind == "pointer":
            return S.extract(data[:4], False)
        if kind == "float" and not S.is_complex(st):
            return S.float_to_longest(data, st.length)
        raise ValuePrintError("Value can't be converted to integer.")

    def print_scalar_formatted(self, data: bytes, st: CType, fmt: str) -> str:
        """print_scalar_formatted: the raw bytes in the format's radix, whatever the type;
        /f reinterprets an integer as the float of its size, /c and /a go through the
        value as an integer."""
        length = 4 if st.kind == "pointer" else st.length
        if length == 0:
            data, length = b"\0", 1
        data = data[:length]
        is_float = st.kind == "float" and not S.is_complex(st)
        if fmt == "f" and not is_float:
            if length in (4, 8, 12):                   # float_type_from_length
                is_float = True
            else:
                fmt = ""
        if fmt == "o":
            return S.octal_chars(data)
        if fmt == "d":
            return S.decimal_chars(data, True)
        if fmt == "u":
            return S.decimal_chars(data, False)
        if fmt == "" and not is_float:
            return S.decimal_chars(data, not S.is_unsigned(st))
        if fmt in ("", "f"):
            return S.float_to_string(data, length, st.name if is_float and st.kind == "float" else None)
        if fmt == "t":
            return S.binary_chars(data, False, self.opts.nibbles)
        if fmt == "x":
            return S.hex_chars(data, False)
        if fmt == "z":
            return S.hex_chars(data, True)
        if fmt == "c":
            v = self.unpack_long(st, data)
            ct = TRUE_UCHAR if S.is_unsigned(st) else TRUE_CHAR
            return self.value_print(Value(ct, (v & 0xFF).to_bytes(1, "little")), "")
        if fmt == "a":
            return self.print_address(self.unpack_long(st, data))
        raise ValuePrintError(f'Undefined output format "{fmt}".')

    # ---- pointers and strings --------------------------------------------------------
    def _pointer(self, st: CType, addr: int, fmt: str) -> str:
        """print_unpacked_pointer: the address and its symbol; for a pointer to a
        character type also the string it points to."""
        unresolved = st.target
        if unresolved is None or unresolved.strip().kind == "func":
            return self.address_text(addr)              # print_function_pointer_address
        if self.opts.symbol_print:
            out = self.address_text(addr)
        else:
            out = paddress(addr) if self.opts.addressprint else ""
        if textual(unresolved, fmt) and addr != 0:
            out += (" " if out else "") + self.val_print_string(unresolved, addr)
        return out

    def _read(self, addr: int, n: int) -> bytes:
        if self.memory is None:
            raise TargetMemoryError(addr)
        data = self.memory(addr, n)
        if len(data) < n:
            raise TargetMemoryError(addr + len(data))
        return data

    def _partial_read(self, addr: int, n: int) -> tuple[bytes, bool]:
        """partial_memory_read: the whole block, else byte by byte up to the first failure."""
        try:
            return self._read(addr, n), False
        except TargetMemoryError:
            out = bytearray()
            for k in range(n):
                try:
                    out += self._read(addr + k, 1)
                except TargetMemoryError:
                    return bytes(out), True
            return bytes(out), False

    def val_print_string(self, elttype: CType, addr: int) -> str:
        """val_print_string (len -1): read up to print-elements characters or the NUL in
        chunks of 8 (target_read_string); ``...`` when more follows; a read error
        after what was read as ``<error: Cannot access memory at address 0x...>``."""
        return self.val_print_string_read(elttype, addr)[0]

    def val_print_string_read(self, elttype: CType, addr: int) -> tuple[str, int]:
        """:meth:`val_print_string` and the number of characters it read (with the NUL),
        which is what gdb's val_print_string returns: ``x/s`` goes on after them."""
        width = max(elttype.length, 1)
        fetchlimit = self.opts.print_max
        buf = bytearray()
        cur = addr
        err = False
        found_nul = False
        chunk = min(8, fetchlimit)
        while True:
            nfetch = min(chunk, fetchlimit - len(buf) // width)
            got, err = self._partial_read(cur, nfetch * width)
            got = got[:len(got) // width * width]
            for k in range(0, len(got), width):
                buf += got[k:k + width]
                cur += width
                if not any(got[k:k + width]):
                    err, found_nul = False, True
                    break
            if err or len(buf) >= fetchlimit * width or found_nul:
                break
        force = False
        if not found_nul:
            try:
                if any(self._read(cur, width)):
                    force = True
            except TargetMemoryError:
                pass
        out = ""
        if not err or buf:
            out = CP.printstr(elttype, bytes(buf), len(buf) // width, force, self.opts.charset,
                              self.opts.print_max, self.opts.repeat_count_threshold)
        if err:
            out += f"<error: Cannot access memory at address {paddress(cur)}>"
        return out, len(buf) // width

    # ---- aggregates --------------------------------------------------------------------
    def _array(self, val: Value, st: CType, recurse: int, fmt: str, max_depth: int) -> str:
        """c_value_print_array: a string for characters (when every byte is valid),
        else ``{...}`` of elements; an array without a size prints as a pointer."""
        elt = st.target
        if st.length > 0 and elt is not None and elt.length > 0:
            n = st.count or 0
            if textual(elt, fmt) and not val.any_optimized_out():
                force = False
                if self.opts.stop_print_at_null:
                    # print null-stop: up to the first NUL, within print elements; "..." when
                    # the limit fell before a character that is not NUL
                    width = elt.length
                    chars = [S.extract(val.data[k * width:(k + 1) * width], False) for k in range(n)]
                    length = 0
                    while length < n and length < self.opts.print_max and chars[length] != 0:
                        length += 1
                    force = length == self.opts.print_max and length < n and chars[length] != 0
                    n = length
                return CP.printstr(elt, val.data, n, force, self.opts.charset, self.opts.print_max,
                                   self.opts.repeat_count_threshold)
            return "{" + self._elements(val, elt, n, recurse, fmt, max_depth) + "}"
        if elt is None:
            return paddress(val.address or 0)
        return self._pointer(st, val.address or 0, fmt)

    def _elements(self, val: Value, elt: CType, n: int, recurse: int, fmt: str, max_depth: int) -> str:
        """value_print_array_elements: runs of more than ``repeats`` equal elements as
        ``x <repeats N times>`` (counting as ``repeats`` elements), at most
        print-elements elements, then ``...``; with ``print array`` an element a line,
        with ``print array-indexes`` ``[N] = `` before each (maybe_print_array_index: the
        index printed in the format)."""
        size = elt.length
        threshold = self.opts.repeat_count_threshold
        parts: list[str] = []
        things = 0
        i = 0
        while i < n and things < self.opts.print_max:
            index = ""
            if self.opts.print_array_indexes:
                index = "[" + self.value_print(Value(_INDEX_TYPE, i.to_bytes(4, "little")), fmt) + "] = "
            element = val.component(elt, i * size)
            rep1, reps = i + 1, 1
            while rep1 < n and element.same_contents(val.component(elt, rep1 * size)):
                reps += 1
                rep1 += 1
            text = index + self.common_val_print(element, recurse + 1, fmt, max_depth)
            if reps > threshold:
                text += f" <repeats {reps} times>"
                i = rep1 - 1
                things += threshold
            else:
                things += 1
            parts.append(text)
            i += 1
        more = "..." if i < n else ""
        if self.opts.prettyformat_arrays:
            inner = "\n" + " " * (2 + 2 * recurse)
            return inner + ("," + inner).join(parts) + more + "\n" + " " * (2 * recurse)
        return ", ".join(parts) + more

    def _fields(self, val: Value, st: CType, recurse: int, fmt: str, max_depth: int) -> str:
        """cp_print_value_fields (C): ``{name = value, ...}``; an anonymous member has
        no ``name =`` and does not count towards max-depth."""
        if not st.members:
            return "{<No data fields>}"
        # cp_print_value_fields with prettyformat: a member a line, indented 2 + 2 * recurse,
        # the closing brace at 2 * recurse
        pretty = self.opts.pretty
        parts = []
        for m in st.members:
            depth = max_depth
            if m.name:
                head = m.name + " = "
            else:
                head = ""
                if depth != -1:
                    depth += 1
            if m.bit_size:
                v = self._bitfield(val, m.type, m.bitpos, m.bit_size)
            else:
                v = val.component(m.type, m.bitpos // 8)
            parts.append(head + self.common_val_print(v, recurse + 1, fmt, depth))
        if pretty:
            inner = "\n" + " " * (2 + 2 * recurse)
            return "{" + inner + ("," + inner).join(parts) + "\n" + " " * (2 * recurse) + "}"
        return "{" + ", ".join(parts) + "}"

    def _bitfield(self, val: Value, t: CType, bitpos: int, bitsize: int) -> Value:
        """value_field_bitfield / unpack_bits_as_long: the field's bits, sign-extended
        for a signed type, stored in a value of the field's type."""
        start, nbytes = bitpos // 8, ((bitpos % 8) + bitsize + 7) // 8
        raw = S.extract(val.data[start:start + nbytes], False) >> (bitpos % 8)
        raw &= (1 << bitsize) - 1
        if not S.is_unsigned(t) and raw >> (bitsize - 1) & 1:
            raw -= 1 << bitsize
        length = t.length
        data = (raw & ((1 << (8 * length)) - 1)).to_bytes(length, "little")
        valid = None
        if val.valid is not None and not all(val.valid[start:start + nbytes]):
            valid = bytes(length)
        return Value(t, data, None, valid)
