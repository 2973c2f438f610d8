"""Support: help, set/show, save, echo, source, quit (shell and pipe: commands/shell.py)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from vmdebug.debugger.registry import CATEGORIES, all_commands, command, resolve
from vmdebug.debugger.values import DebugError, QuitRequest

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger


@command("help", aliases=("h",), category="support", example="step")
def cmd_help(dbg: "Debugger", arg: str) -> None:
    """Print the list of command classes, the commands of a class, or a command's documentation.

    Usage: help [CLASS | COMMAND]"""
    arg = arg.strip()
    if not arg:
        dbg.write("List of classes of commands:")
        dbg.write("")
        for cat, desc in CATEGORIES.items():
            dbg.write(f"{cat} -- {desc}")
        dbg.write("")
        dbg.write('Type "help" followed by a class name for a list of commands in that class.')
        dbg.write('Type "help all" for the list of all commands.')
        dbg.write('Type "help" followed by command name for full documentation.')
        dbg.write("Command name abbreviations are allowed if unambiguous.")
        return
    if arg == "all" or arg in CATEGORIES:
        from vmdebug.debugger.commands.alias import help_aliases
        for cat, desc in CATEGORIES.items():
            if arg != "all" and cat != arg:
                continue
            if cat == "aliases":        # gdb's class_alias: the user's, made by `alias`
                dbg.lines_out(help_aliases(dbg))
                continue
            cmds = [c for c in all_commands() if c.category == cat]
            dbg.write(f"{desc}.")
            dbg.write("")
            dbg.write("List of commands:")
            dbg.write("")
            for c in cmds:
                alias = f", {', '.join(a for a in c.aliases)}" if c.aliases else ""
                dbg.write(f"{c.name}{alias} -- {c.summary}")
            dbg.write("")
        return
    try:
        cmd, rest = resolve(arg, dbg.aliases)
    except DebugError:
        raise DebugError(f'Undefined command: "{arg}".  Try "help".') from None
    if cmd.subcommands and not rest:
        dbg.write(cmd.help or f"{cmd.name} subcommands.")
        dbg.write("")
        dbg.write(f"List of {cmd.name} subcommands:")
        dbg.write("")
        for name in sorted(cmd.subcommands):
            sub = cmd.subcommands[name]
            dbg.write(f"{sub.name} -- {sub.summary}")
        return
    from vmdebug.debugger.commands.alias import aliases_of
    users = aliases_of(dbg, cmd)
    dbg.write(cmd.help or f"{cmd.name}: no documentation.")
    names = [*(a.words for a in users), *cmd.aliases]   # gdb's help: the newest alias first
    if names:
        dbg.write(f"Aliases: {', '.join(names)}")
    for a in users:                 # cli-decode.c fput_aliases_definition_styled
        if a.default_args:
            dbg.write(f"  alias {a.words} = {a.command} {a.default_args}")


SETTINGS_HELP = {
    "context": "on|off: show registers, code and stack after every stop (REPL)",
    "color": "on|off: colours in the REPL",
    "listsize": "N: lines shown by list",
    "confirm": "on|off: (accepted for gdb scripts; vmdebug never asks)",
    "pagination": "on|off: (accepted for gdb scripts)",
    "height": "N: (accepted for gdb scripts)",
    "width": "N: (accepted for gdb scripts)",
    "disassembly-flavor": "att|intel: the syntax of x/i, display/i and disassemble (att, as in gdb)",
    "follow-fork-mode": "parent|child: the process stepping follows after fork",
    "detach-on-fork": "on|off: off, breakpoints stop in every process, not only the followed one",
    "print": "elements N|unlimited, repeats N|unlimited, pretty on|off: how values print, as in gdb",
}


#: gdb's ``set disassembly-flavor`` words (i386-tdep.c valid_flavors, the default first); each
#: names a printer of ``vmdebug.isa.disasm.formatter`` (not imported here: the instruction
#: tables load on the first disassembly).
DISASSEMBLY_FLAVORS = ("att", "intel")


def _is_flavor(name: str) -> bool:
    """``disassembly-flavor`` or a prefix gdb takes for it (``disassembly``: shorter ones
    are shared with disassemble-next-line and disassembler-options)."""
    return len(name) >= len("disassembly") and "disassembly-flavor".startswith(name)


def _enum_value(value: str, items: tuple[str, ...]) -> str:
    """gdb's parse_cli_var_enum: a unique prefix of one item, and nothing after it."""
    word, _, junk = value.strip().partition(" ")
    if not word:
        raise DebugError(f"Requires an argument. Valid arguments are {', '.join(items)}.")
    found = [item for item in items if item.startswith(word)]
    if word in items:
        found = [word]
    if len(found) != 1:
        raise DebugError(f'{"Ambiguous" if found else "Undefined"} item: "{word}".')
    if junk.strip():
        raise DebugError(f'Junk after item "{word}": {junk.strip()}')
    return found[0]


def _on_off(value: str) -> bool:
    from vmdebug.debugger.print_settings import on_off
    return on_off(value)


#: gdb's INT_MAX: what "unlimited" (or 0) sets an integer setting to.
UNLIMITED = 2**31 - 1


def _var_integer(dbg: "Debugger", value: str) -> int:
    """cli-setshow.c, var_integer: "unlimited" or 0 is no limit, any other value is an
    expression (a symbol that does not exist is gdb's error and changes nothing)."""
    value = value.strip()
    if not value:
        raise DebugError('Argument required (integer to set it to, or "unlimited").')
    n = 0 if value == "unlimited" else dbg.eval_long(value)
    if n == 0:
        return UNLIMITED
    if not -2**31 <= n < UNLIMITED:
        raise DebugError(f"integer {n} out of range")
    return n


@command("set", category="support", example="context off")
def cmd_set(dbg: "Debugger", arg: str) -> None:
    """Change a setting: set context on|off, set listsize N, set color on|off, set args ARGS,
    set environment NAME=VALUE, set stdin [FILE].

    Usage: set NAME VALUE
    set $name = EXPR sets a convenience variable; set var and set $reg are refused:
    the history is read-only."""
    name, _, value = arg.strip().partition(" ")
    if not name:
        raise DebugError('Argument required (expression to compute).')
    if name == "args":
        from vmdebug.debugger.commands.program_env import set_args
        set_args(dbg, value)
    elif name in ("environment", "env", "environ", "enviro"):
        from vmdebug.debugger.commands.program_env import set_environment
        set_environment(dbg, value)
    elif name == "stdin":
        from vmdebug.debugger.commands.program_env import set_stdin
        set_stdin(dbg, value)
    elif name == "inferior-tty":
        from vmdebug.debugger.commands.program_env import set_inferior_tty
        set_inferior_tty(dbg, value)
    elif name == "follow-fork-mode":
        mode = value.strip()
        if mode not in ("parent", "child"):
            raise DebugError(f'Undefined item: "{mode}".' if mode else
                             'Requires an argument. Valid arguments are child, parent.')
        dbg.settings.follow_fork_mode = mode
    elif name == "detach-on-fork":
        dbg.settings.detach_on_fork = _on_off(value)
    elif name == "context":
        dbg.settings.context = _on_off(value)
    elif name in ("color", "style"):
        dbg.settings.color = _on_off(value.replace("enabled", "").strip() or "on")
    elif name == "listsize":
        dbg.settings.listsize = _var_integer(dbg, value)
    elif name in ("print", "p", "pr"):
        from vmdebug.debugger.print_settings import set_print
        set_print(dbg, value)
    elif name in ("backtrace", "back", "backt", "backtr", "backtra", "backtrac"):
        from vmdebug.debugger.print_settings import set_backtrace
        set_backtrace(dbg, value)
    elif name == "output-radix":
        from vmdebug.debugger.print_settings import set_output_radix
        set_output_radix(dbg, value)
    elif name in ("confirm", "pagination", "height", "width", "logging", "verbose"):
        pass
    elif _is_flavor(name):
        dbg.settings.disassembly_flavor = _enum_value(value, DISASSEMBLY_FLAVORS)
    elif name in ("var", "variable") or name.startswith("$") or "=" in arg:
        # gdb evaluates the assignment: a convenience variable is set; the program's
        # variables and registers are refused by the evaluator (the history is read-only).
        dbg.evaluate(value if name in ("var", "variable") else arg)
    else:
        raise DebugError(f'No symbol "{name}" in current context.')


@command("show", category="support", example="context")
def cmd_show(dbg: "Debugger", arg: str) -> None:
    """Show a setting (context, listsize, color, version, args, environment [NAME], stdin).

    Usage: show NAME"""
    name, _, rest = arg.strip().partition(" ")
    if name == "args":
        from vmdebug.debugger.commands.program_env import show_args
        show_args(dbg)
        return
    if name in ("environment", "env", "environ", "enviro"):
        from vmdebug.debugger.commands.program_env import show_environment
        show_environment(dbg, rest)
        return
    if name == "stdin":
        from vmdebug.debugger.commands.program_env import show_stdin
        show_stdin(dbg)
        return
    if name == "inferior-tty":
        from vmdebug.debugger.commands.program_env import show_inferior_tty
        show_inferior_tty(dbg)
        return
    if name in ("print", "p", "pr"):
        from vmdebug.debugger.print_settings import show_print
        show_print(dbg, rest)
        return
    if name == "values":
        _show_values(dbg, rest.strip())
        return
    if name in ("backtrace", "back", "backt", "backtr", "backtra", "backtrac"):
        from vmdebug.debugger.print_settings import show_backtrace
        show_backtrace(dbg, rest)
        return
    if name == "output-radix":
        from vmdebug.debugger.print_settings import show_output_radix
        show_output_radix(dbg)
        return
    if _is_flavor(name):                # gdb ignores anything after a setting's name
        dbg.write(f'The disassembly flavor is "{dbg.settings.disassembly_flavor}".')
        return
    name = arg.strip()
    if name == "follow-fork-mode":
        dbg.write(f'Debugger response to a program call of fork or vfork is "{dbg.settings.follow_fork_mode}".')
        return
    if name == "detach-on-fork":
        dbg.write(f"Whether gdb will detach the child of a fork is {'on' if dbg.settings.detach_on_fork else 'off'}.")
        return
    if name == "version":
        from vmdebug import __version__
        dbg.write(f"vmdebug {__version__}: a time-travel debugger for a simulated i386 Linux process")
    elif name == "context":
        dbg.write(f"Context display after each stop is {'on' if dbg.settings.context else 'off'}.")
    elif name == "listsize":
        size = dbg.settings.listsize
        dbg.write("Number of source lines gdb will list by default is "
                  f"{'unlimited' if size == UNLIMITED else size}.")
    elif name in ("color", "style"):
        dbg.write(f"Colours are {'on' if dbg.settings.color else 'off'}.")
    elif not name:
        for k, v in SETTINGS_HELP.items():
            dbg.write(f"{k} -- {v}")
    else:
        raise DebugError(f'Undefined show command: "{name}".  Try "help show".')


@command("save", category="support", example="", files=True)
def cmd_save(dbg: "Debugger", arg: str) -> None:
    """Write the whole history recorded so far to a session file (.vmlog), to replay or share.

    Usage: save FILE"""
    path = arg.strip()
    if not path:
        raise DebugError("Argument required (file name to save the session to).")
    from events.session import save_session
    from vmdebug.replay.checkpoints import STORED_CHECKPOINT_EVERY
    tl = dbg.tl
    checkpoints = None
    if tl.last > STORED_CHECKPOINT_EVERY:       # as record -o stores them, so it reopens fast
        checkpoints = tl.history.export_checkpoints(STORED_CHECKPOINT_EVERY)
    try:
        files = tl.process.kernel.files_out() if tl.process is not None else None
        size = save_session(path, dict(dbg.header), tl.log, tl.end(), checkpoints, files)
    except OSError as exc:
        raise DebugError(f"{path}: {exc.strerror or exc}") from None
    dbg.write(f"Saved {tl.last} steps, {len(tl.log)} events to {path} ({size} bytes).")


@command("echo", category="support", example="hello\\n")
def cmd_echo(dbg: "Debugger", arg: str) -> None:
    """Print text as it is (C escapes allowed; no newline unless it ends with \\n, as in gdb).

    Usage: echo TEXT"""
    dbg.out.text(_echo_text(arg))


_ECHO_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _echo_text(arg: str) -> str:
    """echo's argument with gdb's escapes (utils.c parse_escape): C's letters, up to three
    octal digits, any other character as itself; a backslash that ends the line is dropped
    (it keeps trailing spaces from being lost)."""
    out: list[str] = []
    i = 0
    while i < len(arg):
        c = arg[i]
        i += 1
        if c != "\\":
            out.append(c)
            continue
        if i >= len(arg):
            break
        c = arg[i]
        i += 1
        if c in "01234567":
            j = i
            while j < len(arg) and j < i + 2 and arg[j] in "01234567":
                j += 1
            out.append(chr(int(arg[i - 1:j], 8) & 0xFF))
            i = j
        else:
            out.append(_ECHO_ESCAPES.get(c, c))
    return "".join(out)


@command("layout", category="support", example="src")
def cmd_layout(dbg: "Debugger", arg: str) -> None:
    """gdb's TUI: vmdebug has none; its REPL shows the source, registers and stack after
    each stop (set context on).

    Usage: layout NAME"""
    if not dbg.interactive:
        raise DebugError("Cannot enable the TUI when output is not a terminal")   # gdb's batch words
    raise DebugError("vmdebug has no TUI: its REPL shows the source, the registers and the stack "
                     "after each stop (set context on).")


@command("end", category="support")
def cmd_end(dbg: "Debugger", arg: str) -> None:
    """End a command list (``commands``); alone it is an error, as in gdb.

    Usage: end"""
    raise DebugError("This command cannot be used at the top level.")


@command("source", category="support", files=True)
def cmd_source(dbg: "Debugger", arg: str) -> None:
    """Run the commands in a file, one per line.

    Usage: source FILE"""
    try:
        with open(arg.strip(), encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as exc:
        raise DebugError(f"{arg.strip()}: {exc.strerror}.") from None
    feed = iter(lines)
    saved = dbg.read_line
    dbg.read_line = lambda prompt: next(feed, None)          # `commands` reads on in the file
    try:
        for line in feed:
            if not dbg.execute(line):
                break
    finally:
        dbg.read_line = saved


@command("quit", aliases=("q", "exit"), category="support")
def cmd_quit(dbg: "Debugger", arg: str) -> None:
    """Leave the debugger.

    Usage: quit"""
    raise QuitRequest()



def _show_values(dbg: "Debugger", arg: str) -> None:
    """value.c show_values: ten history values - the last ten, ten around $N, or (``+``)
    the ten after the last shown."""
    if arg and arg != "+":
        first = dbg.eval_long(arg) - 5
    elif arg == "+":
        first = dbg.values_shown
    else:
        first = len(dbg.values) - 9
    first = max(first, 1)
    for i in range(first, min(first + 10, len(dbg.values) + 1)):
        dbg.write(f"${i} = {dbg.show_value(dbg.values[i - 1])}")
    dbg.values_shown = first + 10
