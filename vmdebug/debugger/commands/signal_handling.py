"""gdb's signal handling table: ``handle`` and ``info signals``, over a recording in which
every signal reached the program as it did (only stopping and printing can change)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from vmdebug.debugger.registry import command
from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger


@command("handle", category="running", example="SIGSEGV nostop noprint")
def cmd_handle(dbg: "Debugger", arg: str) -> None:
    """Say whether a signal the program handles stops the debugger (gdb's handle).

    Usage: handle SIGNAL... [stop|nostop] [print|noprint] [pass|nopass]
    A signal with a handler stops before its handler runs ("Program received signal"),
    as gdb does by default; nostop lets the handler run.  Every signal is passed to the
    program (the recording cannot be changed)."""
    from vmdebug.signals import SIGNAL_NUMBERS as by_name, SIGNALS
    words = arg.split()
    if not words:
        raise DebugError("Argument required (signal and action to apply).")
    sigs: list[int] = []
    stop: bool | None = None
    show: bool | None = None
    for w in words:
        low = w.lower()
        # gdb handle_command: stop implies print, noprint implies nostop
        if low == "stop":
            stop, show = True, True
        elif low == "print":
            show = True
        elif low == "nostop":
            stop = False
        elif low == "noprint":
            stop, show = False, False
        elif low in ("pass", "noignore", "nopass", "ignore"):
            if low in ("nopass", "ignore"):
                raise DebugError("vmdebug replays a recording: every signal reaches the program as it did.")
        elif w.upper() in by_name or ("SIG" + w.upper()) in by_name:
            sigs.append(by_name.get(w.upper(), by_name.get("SIG" + w.upper())))
        elif w.isdigit() and 1 <= int(w) <= 31:
            sigs.append(int(w))
        elif low == "all":
            sigs.extend(n for n in SIGNALS if n not in (2, 5))
        else:
            raise DebugError(f"Unrecognized or ambiguous flag word: \"{w}\".")
    for n in sigs:
        if stop is not None:
            dbg.settings.signal_stop[n] = stop
        if show is not None:
            dbg.settings.signal_print[n] = show
    if not dbg.interactive:       # gdb prints the table only for a command typed at a terminal
        return
    signal_table(dbg, sigs)


_SIGNAL_HEADER = "Signal        Stop\tPrint\tPass to program\tDescription"


def signal_table(dbg: "Debugger", sigs: list[int], header: bool = True) -> None:
    """gdb's sig_print_header and sig_print_info: how each signal is handled.  Every signal
    reaches the program (a recording cannot drop one), but SIGINT and SIGTRAP, which gdb
    keeps for itself, say No."""
    from vmdebug.signals import SIGNALS, signal_text
    if header:
        dbg.write(_SIGNAL_HEADER)
    for n in sigs:
        stops = "Yes" if dbg.settings.signal_stop.get(n, True) else "No"
        prints = "Yes" if dbg.settings.signal_print.get(n, True) else "No"
        passes = "No" if n in (2, 5) else "Yes"
        dbg.write(f"{SIGNALS[n][0]:<14}{stops}\t{prints}\t{passes}\t\t{signal_text(n)}")


@command("info signals", aliases=("info handle",), category="running", example="SIGSEGV")
def cmd_info_signals(dbg: "Debugger", arg: str) -> None:
    """How a signal is handled: whether it stops the debugger, is printed, reaches the program.

    Usage: info signals SIGNAL"""
    from vmdebug.signals import SIGNAL_NUMBERS
    name = arg.strip()
    if not name:
        raise DebugError("vmdebug lists one signal at a time (gdb's whole table names 150 it does not "
                         "know): info signals SIGNAL.")
    # gdb info_signals_command: the header first, then the signal by its exact name, else the
    # argument evaluated as gdb's numbering, which is Unix's for 1-15
    n = SIGNAL_NUMBERS.get(name)
    if n is None:
        dbg.write(_SIGNAL_HEADER)
        number = dbg.eval_long(name)
        if not 1 <= number <= 15:
            raise DebugError('Only signals 1-15 are valid as numeric signals.\n'
                             'Use "info signals" for a list of symbolic signals.')
        n = number
        signal_table(dbg, [n], header=False)
        return
    signal_table(dbg, [n])
