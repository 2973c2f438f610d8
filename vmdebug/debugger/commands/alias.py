"""gdb's ``alias [-a] [--] ALIAS = COMMAND [DEFAULT-ARGS...]`` (gdb/cli/cli-cmds.c
alias_command; manual "Command Aliases"), and what ``help`` says of the aliases made.

An alias belongs to its session, as in gdb.  It is looked up as gdb's are: by its exact
name or by a unique prefix, ambiguous with the commands it shares a prefix with
(:func:`vmdebug.debugger.registry.resolve`).  It runs its command with the default
arguments first, then those given.

vmdebug's ``set`` and ``show`` read their settings themselves, not as subcommands:
``alias spe = set print elements`` works (a one-word alias of the whole command), but an
alias inside them (``alias set print elms = set print elements``) is refused in a
sentence, where gdb would make it.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from vmdebug.debugger.registry import COMMANDS, Command, UserAlias, command, resolve
from vmdebug.debugger.values import DebugError

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

USAGE = "Usage: alias [-a] [--] ALIAS = COMMAND [DEFAULT-ARGS...]"
#: cli-decode.c valid_cmd_char_p: "Alas "42" is a legitimate user-defined command."
_VALID = re.compile(r"[A-Za-z0-9_.-]+")
#: The commands whose following words name a setting (gdb's set/show subcommands).
_SETTINGS = ("set", "show")


class _Opts:
    abbrev = False


def _command_and_args(dbg: "Debugger", text: str) -> tuple[str, str, Command]:
    """cli-decode.c lookup_cmd_for_default_args: the command COMMAND names with every
    word's full name (``p`` is ``print``, ``i r`` is ``info registers``) and its default
    arguments (what follows the last word that is a command).  A user alias with default
    arguments cannot be aliased again (validate_aliased_command)."""
    text = text.strip()
    word = text.split(" ", 1)[0].split("/", 1)[0] if text[:1] not in ("!", "|") else text[0]
    if not word:
        raise DebugError('Undefined command: "".  Try "help".')
    from vmdebug.debugger.registry import _find_with
    user = _find_with(COMMANDS, word, {n: a for n, a in dbg.aliases.items() if " " not in n}, text)
    if isinstance(user, UserAlias):        # by its name or a unique prefix of it
        if user.default_args:
            raise DebugError("Cannot define an alias of an alias that has default args")
        return _command_and_args(dbg, user.command + text[len(word):])
    cmd, rest = resolve(text)
    name = cmd.name
    if cmd.name in _SETTINGS:
        # the setting's words belong to the command (set print elements), its value does not
        words = rest.split()
        n = 0
        while n < len(words) and re.fullmatch(r"[a-z][a-z-]*", words[n]):
            n += 1
            if words[n - 1] in ("var", "variable"):
                break
        name = " ".join([cmd.name, *words[:n]])
        rest = " ".join(words[n:])
    return name, rest, cmd


def _existing(dbg: "Debugger", words: list[str]) -> None:
    """alias_command: ALIAS must not exist - neither an alias (gdb's or the user's) nor a
    command of that very name; a prefix of a longer name is free (``alias pri = info``)."""
    alias = " ".join(words)
    if alias in dbg.aliases:
        raise DebugError(f"Alias already exists: {alias}")
    table = COMMANDS
    if len(words) == 2 and words[0] in COMMANDS:
        parent = COMMANDS[words[0]]
        table = parent.subcommands
        if any(a == alias for c in parent.subcommands.values() for a in c.aliases):
            raise DebugError(f"Alias already exists: {alias}")
    last = words[-1]
    if last in table and table[last].name.split()[-1] == last:
        raise DebugError(f"Alias {alias} is the name of an existing command")
    if any(last in c.aliases or last == n for n, c in table.items()):
        raise DebugError(f"Alias already exists: {alias}")


@command("alias", category="support", example="spe = set print elements")
def cmd_alias(dbg: "Debugger", arg: str) -> None:
    """Define a new command that is an alias of an existing command.

    Usage: alias [-a] [--] ALIAS = COMMAND [DEFAULT-ARGS...]
    ALIAS is the name of the alias command to create; COMMAND the command it stands for.
    -a: ALIAS is an abbreviation of COMMAND (not listed by "help aliases").
    The DEFAULT-ARGS go before the arguments given to ALIAS.
    Examples: alias spe = set print elements   alias btf = backtrace -full -past-main
    alias info reg2 = info registers"""
    from vmdebug.debugger.options import OptionDef, process_options
    opts = _Opts()
    args = process_options(dbg, arg.strip(), "unknown-is-error", [OptionDef("a", "flag", "abbrev")], opts)
    if "=" not in args:
        raise DebugError(USAGE)
    alias_text, _, command_text = args.partition("=")
    alias_words = alias_text.split()
    name, default_args, target = _command_and_args(dbg, command_text)
    if not alias_words:
        raise DebugError(USAGE)
    for i, w in enumerate(alias_words):
        if not _VALID.fullmatch(w):
            raise DebugError(f"Invalid command {'element ' if i else ''}name: {w}")
    if len(alias_words) > 1:
        # "alias info reg2 = info registers": the last word becomes an alias of the last
        # word of COMMAND, under the same prefix command
        command_words = name.split()
        if len(alias_words) != len(command_words):
            raise DebugError("Mismatched command length between ALIAS and COMMAND.")
        if command_words[0] in _SETTINGS:
            raise DebugError(f'vmdebug cannot make "{" ".join(alias_words)}": "{command_words[0]}" has no '
                             "subcommands of its own here (a one-word alias can stand for the whole command)")
        try:
            parent, more = resolve(" ".join(alias_words[:-1]))
        except DebugError:
            parent, more = None, "?"
        if more or parent is not COMMANDS.get(command_words[0]):
            raise DebugError("ALIAS and COMMAND prefixes do not match.")
        alias_words = [parent.name, alias_words[-1]]          # "i reg2" is "info reg2"
    _existing(dbg, alias_words)
    dbg.aliases[" ".join(alias_words)] = UserAlias(" ".join(alias_words), name, default_args, target, opts.abbrev)


def help_aliases(dbg: "Debugger") -> list[str]:
    """``help aliases`` (gdb's class_alias): the user's aliases but abbreviations, by name,
    each with its command's summary, and ``alias NAME = COMMAND ARGS`` under one that has
    default arguments (cli-decode.c fput_alias_definition_styled)."""
    lines = ["User-defined aliases of other commands.", "", "List of commands:", ""]
    for words in sorted(dbg.aliases):
        a = dbg.aliases[words]
        if a.abbrev:
            continue
        lines.append(f"{words} -- {a.target.summary}")
        if a.default_args:
            lines.append(f"  alias {words} = {a.command} {a.default_args}")
    lines.append("")
    return lines


def aliases_of(dbg: "Debugger", cmd: Command) -> list[UserAlias]:
    """The user's aliases of a command, the newest first (gdb's help lists them so)."""
    return [a for a in reversed(list(dbg.aliases.values())) if a.target is cmd]
