"""gdb's ``set print`` / ``show print`` settings that change how values print: ``elements``,
``repeats`` and ``pretty`` (gdb/valprint.c value_print_option_defs, with their words).
The others are refused in a sentence rather than taken and ignored: vmdebug prints as gdb
does with their defaults."""
from __future__ import annotations

from typing import TYPE_CHECKING

from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

UNLIMITED = 1 << 31



def _limit(dbg: "Debugger", value: str) -> int:
    """A uinteger setting: a number, ``unlimited``, or 0 for unlimited (gdb's var_uinteger)."""
    text = value.strip()
    if not text:
        raise DebugError('Argument required (integer to set it to, or "unlimited".).')
    if "unlimited".startswith(text) and text[0] == "u":
        return UNLIMITED
    n = dbg.eval_long(text)
    if n < 0:
        raise DebugError(f"integer {n} out of range")
    return n or UNLIMITED


def on_off(value: str) -> bool:
    """A boolean setting as gdb parses it (parse_cli_boolean_value; nothing means on)."""
    text = value.strip().lower()
    if text in ("on", "1", "yes", "enable", ""):
        return True
    if text in ("off", "0", "no", "disable"):
        return False
    raise DebugError('"on" or "off" expected.')


def set_print(dbg: "Debugger", arg: str) -> None:
    """``set print NAME VALUE``."""
    name, _, value = arg.strip().partition(" ")
    opts = dbg.settings.print_options
    if name and "elements".startswith(name) and len(name) >= 2:
        opts.print_max = _limit(dbg, value)
    elif name and "repeats".startswith(name) and len(name) >= 3:
        opts.repeat_count_threshold = _limit(dbg, value)
    elif name and "pretty".startswith(name) and len(name) >= 2:
        opts.pretty = on_off(value)
    elif not name:
        raise DebugError('"set print" must be followed by the name of a print subcommand.')
    else:
        raise DebugError(f'vmdebug does not take "set print {name}": it prints as gdb does by default '
                         '(set print elements, repeats and pretty are supported).')


def _limit_text(n: int) -> str:
    return "unlimited" if n >= UNLIMITED else str(n)


def show_print(dbg: "Debugger", arg: str) -> None:
    """``show print NAME``, in gdb's words."""
    name = arg.strip()
    opts = dbg.settings.print_options
    if name and "elements".startswith(name) and len(name) >= 2:
        dbg.write(f"Limit on string chars or array elements to print is {_limit_text(opts.print_max)}.")
    elif name and "repeats".startswith(name) and len(name) >= 3:
        dbg.write(f"Threshold for repeated print elements is {_limit_text(opts.repeat_count_threshold)}.")
    elif name and "pretty".startswith(name) and len(name) >= 2:
        dbg.write(f"Pretty formatting of structures is {'on' if opts.pretty else 'off'}.")
    else:
        raise DebugError(f'vmdebug shows "print elements", "print repeats" and "print pretty"; '
                         f'not "print {name}".' if name else
                         'Try "show print elements", "show print repeats" or "show print pretty".')
