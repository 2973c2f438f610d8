"""gdb's ``set print`` / ``show print`` settings and the option tables of ``print`` and
``backtrace`` built from the same definitions (gdb/valprint.c value_print_option_defs,
gdb/stack.c frame_print_option_defs and backtrace_command_option_defs; their ``set``/``show``
commands come from add_setshow_cmds_for_options, with the words below).

A setting vmdebug cannot honour is refused in a sentence rather than taken and ignored; the
ones that change nothing a C program on i386 prints (C++'s object, vtbl, static-members,
AArch64's memory-tag-violations, pretty-printers' raw-values) are kept and shown."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from events.record import Record
from vmdebug.debugger.options import INT_MAX, UINT_MAX, OptionDef, parse_boolean, parse_enum
from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

UNLIMITED = UINT_MAX

#: value_print_option_defs, in gdb's order: option name, kind, PrintOptions field.
VALUE_PRINT_OPTIONS = [
    OptionDef("address", "boolean", "addressprint"),
    OptionDef("array", "boolean", "prettyformat_arrays"),
    OptionDef("array-indexes", "boolean", "print_array_indexes"),
    OptionDef("nibbles", "boolean", "nibbles"),
    OptionDef("elements", "uinteger", "print_max"),
    OptionDef("max-depth", "zuinteger_unlimited", "max_depth"),
    OptionDef("memory-tag-violations", "boolean", "memory_tag_violations"),
    OptionDef("null-stop", "boolean", "stop_print_at_null"),
    OptionDef("object", "boolean", "objectprint"),
    OptionDef("pretty", "boolean", "pretty"),
    OptionDef("raw-values", "boolean", "raw"),
    OptionDef("repeats", "uinteger", "repeat_count_threshold"),
    OptionDef("static-members", "boolean", "static_field_print"),
    OptionDef("symbol", "boolean", "symbol_print"),
    OptionDef("union", "boolean", "unionprint"),
    OptionDef("vtbl", "boolean", "vtblprint"),
]

FRAME_ARGUMENTS = ("all", "scalars", "none", "presence")
ENTRY_VALUES = ("no", "only", "preferred", "if-needed", "both", "compact", "default")
FRAME_INFO = ("auto", "source-line", "location", "source-and-location", "location-and-address",
              "short-location")


class FrameOptions(Record):
    """gdb's frame_print_options (``set print frame-arguments`` & co) and the backtrace
    settings (``set backtrace past-main``), and per backtrace the flags -full, -no-filters
    and -hide (backtrace_cmd_options)."""

    __slots__ = ("print_frame_arguments", "print_entry_values", "print_frame_info", "print_raw_frame_arguments",
                 "past_main", "past_entry", "full", "no_filters", "hide")

    def __init__(self, print_frame_arguments: str = "scalars", print_entry_values: str = "default",
                 print_frame_info: str = "auto", print_raw_frame_arguments: bool = False,
                 past_main: bool = False, past_entry: bool = False, full: bool = False,
                 no_filters: bool = False, hide: bool = False) -> None:
        self.print_frame_arguments = print_frame_arguments
        self.print_entry_values = print_entry_values
        self.print_frame_info = print_frame_info
        self.print_raw_frame_arguments = print_raw_frame_arguments
        self.past_main = past_main
        self.past_entry = past_entry
        self.full = full
        self.no_filters = no_filters
        self.hide = hide

    def copy(self) -> "FrameOptions":
        return FrameOptions(**{k: getattr(self, k) for k in self.__slots__})


#: frame_print_option_defs + the backtrace options (stack.c make_backtrace_options_def_group).
BACKTRACE_OPTIONS = [
    OptionDef("entry-values", "enum", "print_entry_values", ENTRY_VALUES),
    OptionDef("frame-arguments", "enum", "print_frame_arguments", FRAME_ARGUMENTS),
    OptionDef("raw-frame-arguments", "boolean", "print_raw_frame_arguments"),
    OptionDef("frame-info", "enum", "print_frame_info", FRAME_INFO),
    OptionDef("past-main", "boolean", "past_main"),
    OptionDef("past-entry", "boolean", "past_entry"),
    OptionDef("full", "flag", "full"),
    OptionDef("no-filters", "flag", "no_filters"),
    OptionDef("hide", "flag", "hide"),
]

#: show_* words of each setting vmdebug keeps (gdb 13's show_doc / show callbacks).
SHOW_TEXT = {
    "address": "Printing of addresses is {}.",
    "array": "Pretty formatting of arrays is {}.",
    "array-indexes": "Printing of array indexes is {}.",
    "nibbles": "Printing binary values in groups is {}.",
    "elements": "Limit on string chars or array elements to print is {}.",
    "max-depth": "Maximum print depth is {}.",
    "memory-tag-violations": "Printing of memory tag violations is {}.",
    "null-stop": "Printing of char arrays to stop at first null char is {}.",
    "object": "Printing of object's derived type based on vtable info is {}.",
    "pretty": "Pretty formatting of structures is {}.",
    "raw-values": "Whether to print values in raw form is {}.",
    "repeats": "Threshold for repeated print elements is {}.",
    "static-members": "Printing of C++ static members is {}.",
    "symbol": "Printing of symbols when printing pointers is {}.",
    "union": "Printing of unions interior to structures is {}.",
    "vtbl": "Printing of C++ virtual function tables is {}.",
    "frame-arguments": 'Printing of non-scalar frame arguments is "{}".',
    "entry-values": 'Printing of function arguments at function entry is "{}".',
    "frame-info": 'Printing of frame information is "{}".',
    "raw-frame-arguments": "Whether to print frame arguments in raw form is {}.",
}

#: Every ``set print`` subcommand of gdb 13 (for prefixes and their ambiguity).
SUBCOMMANDS = ("address", "array", "array-indexes", "asm-demangle", "demangle", "elements", "entry-values",
               "finish", "frame-arguments", "frame-info", "inferior-events", "max-depth", "max-symbolic-offset",
               "memory-tag-violations", "nibbles", "null-stop", "object", "pascal_static-members", "pretty",
               "raw-frame-arguments", "raw-values", "repeats", "sevenbit-strings", "static-members", "symbol",
               "symbol-filename", "symbol-loading", "thread-events", "type", "union", "vtbl")

#: Why vmdebug refuses the others.
_REFUSED = {
    "asm-demangle": "a C program has no mangled names",
    "demangle": "a C program has no mangled names",
    "pascal_static-members": "vmdebug debugs C programs",
    "type": "ptype prints gdb's default form",
    "finish": "finish always prints the value returned",
    "inferior-events": "vmdebug always prints when a process starts and exits",
    "thread-events": "vmdebug always prints thread events",
    "symbol-loading": "vmdebug loads a static executable's symbols at once",
    "sevenbit-strings": "strings print their 8-bit characters as gdb does by default",
    "symbol-filename": "a <symbol> prints without its file and line",
    "max-symbolic-offset": "a <symbol+offset> prints whatever the offset",
    "entry-values": "function arguments print as gdb's default",
    "frame-info": "frames print as gdb's \"auto\"",
}


def _lookup(name: str, verb: str) -> str:
    """lookup_cmd among the set print subcommands: a unique prefix, an exact name first."""
    found = [c for c in SUBCOMMANDS if c.startswith(name)]
    if name in SUBCOMMANDS:
        return name
    if len(found) == 1:
        return found[0]
    if found:
        raise DebugError(f'Ambiguous {verb} print command "{name}": {", ".join(found)}.')
    raise DebugError(f'Undefined {verb} print command: "{name}".  Try "help {verb} print".')


def _definition(name: str) -> tuple[OptionDef, bool] | None:
    """The option definition of a setting, and whether it lives in the PrintOptions."""
    for o in VALUE_PRINT_OPTIONS:
        if o.name == name:
            return o, True
    for o in BACKTRACE_OPTIONS[:4]:
        if o.name == name:
            return o, False
    return None


def _holder(dbg: "Debugger", in_print: bool) -> Any:
    return dbg.settings.print_options if in_print else dbg.settings.frame_options


def set_uinteger(dbg: "Debugger", text: str, zuinteger_unlimited: bool = False) -> int:
    """parse_cli_var_uinteger / parse_cli_var_zuinteger_unlimited for ``set``: an
    expression, a prefix of ``unlimited`` alone."""
    text = text.strip()
    if not text:
        raise DebugError('Argument required (integer to set it to, or "unlimited").')
    word, _, junk = text.partition(" ")
    if "unlimited".startswith(word) and word[0] == "u":
        if junk.strip():
            raise DebugError(f'Junk after "{word}": {junk.strip()}')
        return -1 if zuinteger_unlimited else UINT_MAX
    n = dbg.eval_long(text)
    if zuinteger_unlimited:
        if n > INT_MAX:
            raise DebugError(f"integer {n} out of range")
        if n < -1:
            raise DebugError("only -1 is allowed to set as unlimited")
        return n
    if n == 0:
        return UINT_MAX
    if n < 0 or n >= UINT_MAX:
        raise DebugError(f"integer {n} out of range")
    return n


def on_off(value: str) -> bool:
    """A boolean setting as gdb parses it (parse_cli_boolean_value; nothing means on)."""
    text = value.strip()
    if not text:
        return True
    res, rest = parse_boolean(text)
    if res < 0 or rest:
        raise DebugError('"on" or "off" expected.')
    return bool(res)


def set_print(dbg: "Debugger", arg: str) -> None:
    """``set print NAME VALUE``."""
    name, _, value = arg.strip().partition(" ")
    if not name:
        raise DebugError('"set print" must be followed by the name of a print subcommand.')
    try:
        full = _lookup(name, "set")
    except DebugError as exc:
        if "Undefined" in str(exc):
            raise DebugError(f'Undefined set print command: "{arg.strip()}".  Try "help set print".') from None
        if "Ambiguous" in str(exc):
            raise DebugError(str(exc).replace(f'"{name}"', f'"{arg.strip()}"')) from None
        raise
    found = _definition(full)
    if found is None:
        raise DebugError(f'vmdebug does not take "set print {full}": {_REFUSED[full]}.')
    option, in_print = found
    holder = _holder(dbg, in_print)
    if option.kind == "boolean":
        setattr(holder, option.attr, on_off(value))
    elif option.kind in ("uinteger", "zuinteger_unlimited"):
        setattr(holder, option.attr, set_uinteger(dbg, value, option.kind == "zuinteger_unlimited"))
    else:
        item, junk = parse_enum(value.strip(), option.enums)
        if junk.strip():
            raise DebugError(f'Junk after item "{value.strip().split()[0]}": {junk.strip()}')
        check_frame_option(option.attr, item)
        setattr(holder, option.attr, item)


def check_frame_option(attr: str, item: str) -> None:
    """Refuse the frame printing modes vmdebug does not draw: entry values other than gdb's
    default, frame-info other than auto."""
    if attr == "print_entry_values" and item != "default":
        raise DebugError(f'vmdebug does not take print entry-values "{item}": {_REFUSED["entry-values"]}.')
    if attr == "print_frame_info" and item != "auto":
        raise DebugError(f'vmdebug does not take print frame-info "{item}": {_REFUSED["frame-info"]}.')


def _value_text(option: OptionDef, value: Any) -> str:
    if option.kind == "boolean":
        return "on" if value else "off"
    if option.kind == "uinteger":
        return "unlimited" if value >= UINT_MAX else str(value)
    if option.kind == "zuinteger_unlimited":
        return "unlimited" if value < 0 else str(value)
    return str(value)


def show_print(dbg: "Debugger", arg: str) -> None:
    """``show print NAME``, in gdb's words."""
    name = arg.strip().split(" ")[0] if arg.strip() else ""
    if not name:
        raise DebugError('Try "show print elements" (or another setting): '
                         'vmdebug shows one print setting at a time.')
    full = _lookup(name, "show")
    found = _definition(full)
    if found is None:
        raise DebugError(f'vmdebug does not take "set print {full}": {_REFUSED[full]}.')
    option, in_print = found
    dbg.write(SHOW_TEXT[full].format(_value_text(option, getattr(_holder(dbg, in_print), option.attr))))


@contextmanager
def command_print_options(dbg: "Debugger", args: str) -> Iterator[str]:
    """``print [OPTION]... --``: within the block the user's print settings with the
    options read (gdb process_print_command_args: a copy of user_print_options, the options
    only when a ``--`` ends them); yields the rest of the line."""
    from vmdebug.debugger.options import REQUIRE_DELIMITER, process_options
    opts = dbg.settings.print_options.copy()
    rest = process_options(dbg, args.strip(), REQUIRE_DELIMITER, VALUE_PRINT_OPTIONS, opts)
    saved = dbg.settings.print_options
    dbg.settings.print_options = opts
    try:
        yield rest
    finally:
        dbg.settings.print_options = saved


_BACKTRACE_SHOW = {"past-main": ('past_main', 'Whether backtraces should continue past "main" is {}.'),
                   "past-entry": ("past_entry", "Whether backtraces should continue past the entry point "
                                                "of a program is {}.")}


def _backtrace_setting(word: str, verb: str, whole: str = "") -> tuple[str, str]:
    """The ``set backtrace`` subcommand a prefix names (past-main, past-entry, limit);
    ``whole`` is the rest of the line, which gdb's errors quote."""
    whole = whole or word
    found = [c for c in ("limit", "past-entry", "past-main") if c.startswith(word)] if word else []
    if len(found) > 1:
        raise DebugError(f'Ambiguous {verb} backtrace command "{whole}": {", ".join(found)}.')
    if not found:
        raise DebugError(f'Undefined {verb} backtrace command: "{whole}".  Try "help {verb} backtrace".')
    if found[0] == "limit":
        raise DebugError('vmdebug does not take "set backtrace limit": backtraces go as far as the stack does.')
    return _BACKTRACE_SHOW[found[0]]


def set_backtrace(dbg: "Debugger", arg: str) -> None:
    """``set backtrace past-main|past-entry [on|off]`` (stack.c set_backtrace_option_defs)."""
    word, _, value = arg.strip().partition(" ")
    attr, _ = _backtrace_setting(word, "set", arg.strip())
    setattr(dbg.settings.frame_options, attr, on_off(value))


def show_backtrace(dbg: "Debugger", arg: str) -> None:
    """``show backtrace past-main|past-entry``."""
    attr, text = _backtrace_setting(arg.strip().split(" ")[0] if arg.strip() else "", "show")
    dbg.write(text.format("on" if getattr(dbg.settings.frame_options, attr) else "off"))


_RADIX_FORMATS = {16: "x", 10: "", 8: "o"}


def set_output_radix(dbg: "Debugger", arg: str) -> None:
    """``set output-radix 16|10|8`` (valprint.c set_output_radix_1): integers, characters and
    booleans print in that radix where no format letter is given."""
    if not arg.strip():
        raise DebugError("Argument required (integer to set it to).")
    radix = dbg.eval_long(arg)
    if radix not in _RADIX_FORMATS:
        raise DebugError(f"Unsupported output radix ``decimal {radix & UINT_MAX}''; output radix unchanged.")
    dbg.settings.print_options.output_format = _RADIX_FORMATS[radix]
    if dbg.interactive:
        dbg.write(f"Output radix now set to decimal {radix}, hex {radix:x}, octal {radix:o}.")


def show_output_radix(dbg: "Debugger") -> None:
    radix = {v: k for k, v in _RADIX_FORMATS.items()}[dbg.settings.print_options.output_format]
    dbg.write(f"Default output radix for printing of values is {radix}.")
