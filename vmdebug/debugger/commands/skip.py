"""gdb's skip list: ``skip``, ``skip file``, ``skip function``, ``skip delete|enable|disable``, ``info skip``.

The list starts with entry 1, ``-gfile /vmdebug/libc/src/*``: ``step`` steps
over the libc as gdb steps over a distribution's libc without line
information; ``skip delete 1`` lets ``step`` go into malloc (see
:mod:`vmdebug.debugger.skips`).  Messages and the table are gdb/skip.c's.
"""
from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from vmdebug.debugger.registry import command
from vmdebug.debugger.skips import SkipEntry
from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger


def _add(dbg: "Debugger", entry: SkipEntry) -> None:
    entry.number = max((e.number for e in dbg.skips), default=0) + 1
    entry.number = max(entry.number, dbg.skip_high + 1)
    dbg.skip_high = entry.number
    dbg.skips.append(entry)
    dbg.apply_skips()


def _current_function(dbg: "Debugger") -> str:
    frame = dbg.selected_frame()
    if frame.function is not None and frame.function.name:
        return frame.scope_function.name if frame.scope_function is not None else frame.function.name
    raise DebugError(f"No function found containing current program point {frame.pc:#x}.")


def _skip_function(dbg: "Debugger", name: str | None) -> None:
    name = name or _current_function(dbg)
    _add(dbg, SkipEntry(0, function=name))
    dbg.write(f"Function {name} will be skipped when stepping.")


def _skip_file(dbg: "Debugger", name: str | None) -> None:
    if not name:
        loc = dbg.info.line_for(dbg.selected_frame().lookup)
        if loc is None:
            raise DebugError("No default file now.")
        name = loc[0]
    _add(dbg, SkipEntry(0, file=name))
    dbg.write(f"File {name} will be skipped when stepping.")


def _numbers(arg: str) -> set[int] | None:
    """gdb number_is_in_list: numbers and ranges (``1 3-5``); None for every entry."""
    if not arg.strip():
        return None
    out: set[int] = set()
    for word in arg.split():
        lo, _, hi = word.partition("-")
        if not lo.isdigit() or (hi and not hi.isdigit()):
            raise DebugError("Arguments must be numbers or '$' variables.")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def _each(dbg: "Debugger", arg: str) -> list[SkipEntry]:
    nums = _numbers(arg)
    found = [e for e in dbg.skips if nums is None or e.number in nums]
    if not found:
        raise DebugError(f"No skiplist entries found with number {arg.strip()}.")
    return found


@command("skip", category="running", example="function main")
def cmd_skip(dbg: "Debugger", arg: str) -> None:
    """Skip a function or file while stepping (``step`` steps over it instead of into it).

    Usage: skip [FUNCTION-NAME]
           skip file [FILE-NAME] | skip function [FUNCTION-NAME]
           skip [-fi|-file FILE] [-gfi|-gfile GLOB] [-fu|-function NAME] [-rfu|-rfunction REGEX]
           skip delete|enable|disable [NUMBERS...]
    Entry 1 skips the libc's sources (/vmdebug/libc/src/*): "skip delete 1" to step into malloc."""
    text = arg.strip()
    word, _, rest = text.partition(" ")
    rest = rest.strip()
    if word in ("file",):
        _skip_file(dbg, rest or None)
        return
    if word in ("function",):
        _skip_function(dbg, rest or None)
        return
    if word in ("delete", "enable", "disable"):
        entries = _each(dbg, rest)
        for e in entries:
            if word == "delete":
                dbg.skips.remove(e)
            else:
                e.enabled = word == "enable"
        dbg.apply_skips()
        return
    if not text:
        _skip_function(dbg, None)
        return
    try:
        argv = shlex.split(text)
    except ValueError:
        argv = text.split()
    opts: dict[str, str] = {}
    names = {"-fi": "file", "-file": "file", "-gfi": "gfile", "-gfile": "gfile", "-fu": "function",
             "-function": "function", "-rfu": "rfunction", "-rfunction": "rfunction"}
    i = 0
    while i < len(argv):
        p = argv[i]
        if p in names:
            if i + 1 >= len(argv):
                raise DebugError(f"Missing value for {p} option.")
            opts[names[p]] = argv[i + 1]
            i += 2
        elif p.startswith("-"):
            raise DebugError(f"Invalid skip option: {p}")
        elif i == 0:
            _skip_function(dbg, text)          # "skip NAME": the whole argument names a function
            return
        else:
            raise DebugError(f"Invalid argument: {p}")
    if "file" in opts and "gfile" in opts:
        raise DebugError("Cannot specify both -file and -gfile.")
    if "function" in opts and "rfunction" in opts:
        raise DebugError("Cannot specify both -function and -rfunction.")
    file = opts.get("file", opts.get("gfile", ""))
    function = opts.get("function", opts.get("rfunction", ""))
    _add(dbg, SkipEntry(0, file, "gfile" in opts, function, "rfunction" in opts))
    file_text = "File(s)" if "gfile" in opts else "File"
    function_text = "Function(s)" if "rfunction" in opts else "Function"
    if not function:
        dbg.write(f"{file_text} {file} will be skipped when stepping.")
    elif not file:
        dbg.write(f"{function_text} {function} will be skipped when stepping.")
    else:
        dbg.write(f"{function_text} {function} in {file_text.lower()} {file} will be skipped when stepping.")


@command("info skip", category="status")
def cmd_info_skip(dbg: "Debugger", arg: str) -> None:
    """List the skip entries: what ``step`` steps over.

    Usage: info skip [NUMBERS...]"""
    nums = _numbers(arg)
    rows = [e for e in dbg.skips if nums is None or e.number in nums]
    if not rows:
        dbg.write("Not skipping any files or functions." if nums is None else
                  f"No skiplist entries found with number {arg.strip()}.")
        return
    # gdb's table: Num (5, left), Enb (3, left), Glob (4, right), File (20, left), RE (2, right), Function.
    width = max([20] + [len(e.file or "<none>") for e in rows])
    dbg.write(f"{'Num':<5} {'Enb':<3} {'Glob':>4} {'File':<{width}} {'RE':>2} Function")
    for e in rows:
        dbg.write(f"{e.number:<5} {'y' if e.enabled else 'n':<3} {'y' if e.file_is_glob else 'n':>4} "
                  f"{e.file or '<none>':<{width}} {'y' if e.function_is_regexp else 'n':>2} "
                  f"{e.function or '<none>'}")
