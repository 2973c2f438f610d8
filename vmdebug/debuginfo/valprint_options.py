"""gdb's ``struct value_print_options`` (valprint.h): the settings a value prints with.

``set print NAME`` changes the user's copy; ``print -NAME VALUE --`` a copy for one
command (gdb's process_print_command_args copies user_print_options first).  Defaults
are gdb 13's.  The C++-only and MTE-only ones (object, vtbl, static-members,
memory-tag-violations) and raw-values (pretty-printers) are kept so that they can be set
and shown; nothing a C program prints depends on them."""
from __future__ import annotations

from events.record import Record
from vmdebug.debuginfo import charprint as CP

UINT_MAX = (1 << 32) - 1


class PrintOptions(Record):
    """gdb's value_print_options, by gdb's field names."""

    __slots__ = (
        "print_max",               # set print elements (UINT_MAX: unlimited)
        "repeat_count_threshold",  # set print repeats (UINT_MAX: unlimited)
        "max_depth",               # set print max-depth (-1: unlimited)
        "max_value_size",          # set max-value-size (None: unlimited)
        "charset",                 # gdb's locale: charprint.UTF8 or charprint.ASCII
        "symbol_print",            # set print symbol: <sym> after a data pointer
        "pretty",                  # set print pretty: a struct's members a line each
        "prettyformat_arrays",     # set print array: an array's elements a line each
        "print_array_indexes",     # set print array-indexes: [N] = before each element
        "addressprint",            # set print address
        "stop_print_at_null",      # set print null-stop: a char array up to its first NUL
        "unionprint",              # set print union: a union inside something else in full
        "nibbles",                 # set print nibbles: /t in groups of four bits
        "raw",                     # set print raw-values (no pretty-printers here anyway)
        "objectprint",             # set print object (C++)
        "vtblprint",               # set print vtbl (C++)
        "static_field_print",      # set print static-members (C++)
        "memory_tag_violations",   # set print memory-tag-violations (AArch64 MTE)
        "output_format",           # set output-radix: 0, or "x" / "o" for 16 / 8
    )

    def __init__(self, print_max: int = 200, repeat_count_threshold: int = 10, max_depth: int = 20,
                 max_value_size: int | None = 65536, charset: str = CP.UTF8,
                 symbol_print: bool = True, pretty: bool = False, prettyformat_arrays: bool = False,
                 print_array_indexes: bool = False, addressprint: bool = True,
                 stop_print_at_null: bool = False, unionprint: bool = True, nibbles: bool = False,
                 raw: bool = False, objectprint: bool = False, vtblprint: bool = False,
                 static_field_print: bool = True, memory_tag_violations: bool = True,
                 output_format: str = "") -> None:
        self.print_max = print_max
        self.repeat_count_threshold = repeat_count_threshold
        self.max_depth = max_depth
        self.max_value_size = max_value_size
        self.charset = charset
        self.symbol_print = symbol_print
        self.pretty = pretty
        self.prettyformat_arrays = prettyformat_arrays
        self.print_array_indexes = print_array_indexes
        self.addressprint = addressprint
        self.stop_print_at_null = stop_print_at_null
        self.unionprint = unionprint
        self.nibbles = nibbles
        self.raw = raw
        self.objectprint = objectprint
        self.vtblprint = vtblprint
        self.static_field_print = static_field_print
        self.memory_tag_violations = memory_tag_violations
        self.output_format = output_format

    def copy(self) -> "PrintOptions":
        """A copy for one command's options (get_user_print_options)."""
        return PrintOptions(**{k: getattr(self, k) for k in self.__slots__})
