"""gdb's command options, ``-NAME [VALUE]`` before a command's operands (gdb/cli/cli-option.c).

    process_options(args, mode, defs, target) -> rest of args

A port of ``process_options`` / ``parse_option`` and the value parsers they call
(cli-setshow.c ``parse_cli_boolean_value``, ``parse_cli_var_uinteger``,
``parse_cli_var_zuinteger_unlimited``, ``parse_cli_var_enum``; cli-utils.c
``get_ulongest``), so that ``print -elements 3 -- arr`` and ``backtrace -full -2`` read
their options, and get gdb's words when they are wrong (``Unrecognized option at: -foo``,
``Ambiguous option at: -r``).  An option is named by any unique prefix; an exact name
wins over a longer one it prefixes.

Each option stores its value on ``target`` (a PrintOptions, a backtrace's settings) under
``attr``; the caller copies the user's settings into ``target`` first, as gdb copies
``user_print_options`` before parsing (process_print_command_args)."""
from __future__ import annotations

from typing import Any

from vmdebug.debugger.values import DebugError

#: process_options_mode: print and call need a ``--`` to read options at all (``p -x``
#: is an expression); backtrace and frame apply take what is not an option as operands.
REQUIRE_DELIMITER = "require-delimiter"
UNKNOWN_IS_OPERAND = "unknown-is-operand"

UINT_MAX = (1 << 32) - 1
INT_MAX = (1 << 31) - 1


class OptionDef:
    """One option_def: ``kind`` is boolean, flag (a boolean without argument), uinteger
    (0 or unlimited is no limit), zuinteger_unlimited (-1 or unlimited) or enum."""

    __slots__ = ("name", "kind", "attr", "enums")

    def __init__(self, name: str, kind: str, attr: str, enums: tuple[str, ...] = ()) -> None:
        self.name = name
        self.kind = kind
        self.attr = attr
        self.enums = enums


def _skip_spaces(s: str) -> str:
    return s.lstrip(" \t\n")


def _skip_to_space(s: str) -> int:
    """Index of the first space in ``s`` (skip_to_space), or its length."""
    i = 0
    while i < len(s) and not s[i].isspace():
        i += 1
    return i


def check_for_argument(s: str, word: str) -> str | None:
    """check_for_argument: ``s`` after ``word`` when it starts with it as a whole word."""
    if s.startswith(word) and (len(s) == len(word) or s[len(word)].isspace()):
        return _skip_spaces(s[len(word):])
    return None


def _has_delimiter(args: str) -> bool:
    """find_end_options_delimiter: does a line that starts with ``-`` have a ``--`` word?"""
    if not args.startswith("-"):
        return False
    p = _skip_spaces(args)
    while p:
        if check_for_argument(p, "--") is not None:
            return True
        p = _skip_spaces(p[_skip_to_space(p):])
    return False


def parse_boolean(s: str) -> tuple[int, str]:
    """parse_cli_boolean_value: (1, rest) / (0, rest), or (-1, s) for no boolean word;
    prefixes count ("y", "dis"), "o" is neither."""
    n = _skip_to_space(s)
    word = s[:n]
    if ((n == 2 and word == "on") or "1".startswith(word) or "yes".startswith(word)
            or "enable".startswith(word)):
        return 1, _skip_spaces(s[n:])
    if ((n >= 2 and "off".startswith(word)) or "0".startswith(word) or "no".startswith(word)
            or "disable".startswith(word)):
        return 0, _skip_spaces(s[n:])
    return -1, s


def _strtoulst(s: str) -> tuple[int, int]:
    """strtoulst (base 0): the number and how many characters it took (0: none)."""
    i, minus = 0, False
    if s[i:i + 1] in ("+", "-"):
        minus = s[i] == "-"
        i += 1
    base = 10
    if s[i:i + 2] in ("0x", "0X"):
        base, i = 16, i + 2
    elif s[i:i + 1] == "0":
        base = 8
    start = i
    digits = "0123456789abcdef"[:base]
    while i < len(s) and s[i].lower() in digits:
        i += 1
    value = int(s[start:i], base) if i > start else 0
    return (-value if minus else value), i


def get_ulongest(dbg: Any, s: str) -> tuple[int, str]:
    """get_ulongest: a number (or a $history / $convenience integer) and the rest;
    ``Expected integer at:`` / ``Trailing junk at:`` as gdb says them."""
    if s.startswith("$"):
        n = 1
        while n < len(s) and (s[n].isalnum() or s[n] == "_"):
            n += 1
        value = dbg.eval_long(s[:n])
        rest = s[n:]
    else:
        value, n = _strtoulst(s)
        if n == 0:
            raise DebugError(f"Expected integer at: {s}")
        rest = s[n:]
    if rest and not rest[0].isspace():
        raise DebugError(f"Trailing junk at: {rest}")
    # a ULONGEST read back as a LONGEST, as gdb's callers hold it
    value &= (1 << 64) - 1
    if value >= 1 << 63:
        value -= 1 << 64
    return value, _skip_spaces(rest)


def _unlimited_literal(s: str) -> tuple[bool, str]:
    """is_unlimited_literal (an option, not an expression): a prefix of ``unlimited``."""
    s = _skip_spaces(s)
    n = _skip_to_space(s)
    if n and "unlimited".startswith(s[:n]):
        return True, s[n:]
    return False, s


def parse_uinteger(dbg: Any, s: str, zuinteger_unlimited: bool) -> tuple[int, str]:
    """parse_cli_var_uinteger / parse_cli_var_zuinteger_unlimited (options): a uinteger's
    0 and ``unlimited`` are UINT_MAX; a zuinteger_unlimited's ``unlimited`` is -1."""
    if not s:
        raise DebugError('Argument required (integer to set it to, or "unlimited".).')
    unlimited, rest = _unlimited_literal(s)
    if unlimited:
        return (-1 if zuinteger_unlimited else UINT_MAX), rest
    value, rest = get_ulongest(dbg, s)
    if zuinteger_unlimited:
        if value > INT_MAX:
            raise DebugError(f"integer {value} out of range")
        if value < -1:
            raise DebugError("only -1 is allowed to set as unlimited")
        return value, rest
    if value == 0:
        return UINT_MAX, rest
    if value < 0 or value >= UINT_MAX:
        raise DebugError(f"integer {value} out of range")
    return value, rest


def parse_enum(s: str | None, enums: tuple[str, ...]) -> tuple[str, str]:
    """parse_cli_var_enum: an item by a unique prefix (an exact one wins)."""
    if not s:
        raise DebugError(f"Requires an argument. Valid arguments are {', '.join(enums)}.")
    n = _skip_to_space(s)
    word = s[:n]
    found = [e for e in enums if e.startswith(word)]
    if word in enums:
        found = [word]
    if not found:
        raise DebugError(f'Undefined item: "{word}".')
    if len(found) > 1:
        raise DebugError(f'Ambiguous item "{word}".')
    return found[0], s[n:]


def _parse_option(dbg: Any, defs: list[OptionDef], mode: str, have_delimiter: bool,
                  args: str) -> tuple[OptionDef, Any, str] | None:
    """parse_option: the option at the start of ``args``, its value and what follows; None
    when ``args`` does not start with an option (or is the ``--``)."""
    if not args.startswith("-"):
        if have_delimiter and args:
            raise DebugError(f"Unrecognized option at: {args}")
        return None
    if check_for_argument(args, "--") is not None:
        return None
    arg = args[1:]
    n = _skip_to_space(arg)
    word = arg[:n]
    match: OptionDef | None = None
    for o in defs:
        if o.name.startswith(word):
            if match is not None:
                raise DebugError(f"Ambiguous option at: -{arg}")
            match = o
            if o.name == word:
                break                               # an exact match
    if match is None:
        if have_delimiter or mode != UNKNOWN_IS_OPERAND:
            raise DebugError(f"Unrecognized option at: {args}")
        return None
    rest = _skip_spaces(arg[n:])
    if match.kind == "flag":
        return match, True, rest
    if match.kind == "boolean":
        if not rest or rest.startswith("-"):        # "-pretty -array", "-pretty" at the end: on
            return match, True, rest
        res, after = parse_boolean(rest)
        if res < 0:
            if have_delimiter:
                bad = rest[:_skip_to_space(rest)]
                raise DebugError(f"Value given for `-{match.name}' is not a boolean: {bad}")
            # no "--": the word is the start of the operands (frame apply all -past-main CMD)
            return match, True, rest
        return match, bool(res), after
    if match.kind in ("uinteger", "zuinteger_unlimited"):
        value, after = parse_uinteger(dbg, rest, match.kind == "zuinteger_unlimited")
        return match, value, after
    after_dashes = check_for_argument(rest, "--")
    item, after = parse_enum(None if after_dashes is not None else rest, match.enums)
    return match, item, after


def process_options(dbg: Any, args: str, mode: str, defs: list[OptionDef], target: Any) -> str:
    """process_options: set each option read on ``target`` and return the operands (after
    the ``--``, when there is one)."""
    have_delimiter = _has_delimiter(args)
    if mode == REQUIRE_DELIMITER and not have_delimiter:
        return args
    while True:
        args = _skip_spaces(args)
        got = _parse_option(dbg, defs, mode, have_delimiter, args)
        if got is None:
            after = check_for_argument(args, "--")
            return after if after is not None else args
        option, value, args = got
        setattr(target, option.attr, value)
