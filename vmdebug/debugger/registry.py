"""The one table of debugger commands.

Each command is a function ``(dbg, arg: str) -> None`` declared with
:func:`command` (name, aliases, category, help).  Lookup follows gdb: an
exact name or alias wins, else a unique prefix (``disas`` -> disassemble);
some prefixes are reserved for the command gdb gives them even when ambiguous
(``s`` = step, ``n`` = next, ``c`` = continue...), which the aliases encode.
Multi-word commands (``info registers``, ``record goto``) are registered with
their full name and found by their first word then the rest.
"""
from __future__ import annotations

from typing import Any, Callable

from events.record import Record
from vmdebug.debugger.values import DebugError

Handler = Callable[[Any, str], None]


class Command(Record):
    def __init__(self, name: str, handler: Handler, aliases: tuple[str, ...] = (), category: str = "misc",
                 help: str = "", moves: bool = False, example: str = "",
                 subcommands: dict[str, "Command"] | None = None, files: bool = False, needs: str = "") -> None:
        self.name = name
        self.handler = handler
        self.aliases = aliases
        self.category = category
        self.help = help
        #: A command that moves the cursor (Enter repeats it; the REPL redraws the context after it).
        self.moves = moves
        #: Example argument for the smoke test that runs every command.
        self.example = example
        self.subcommands = {} if subcommands is None else subcommands
        #: A command that reads or writes files of the machine it runs on (refused to remote
        #: gdb clients through ``monitor``).
        self.files = files
        #: What it needs of a live process, where gdb refuses it when there is none (after
        #: the exit): a key of :data:`NO_PROCESS`, or "".
        self.needs = needs

    @property
    def summary(self) -> str:
        return self.help.strip().split("\n")[0]


COMMANDS: dict[str, Command] = {}

#: gdb's words when a command needs what only a process has (stack.c, infcmd.c, regcache).
NO_PROCESS = {
    "stack": "No stack.",
    "frame": "No frame selected.",
    "registers": "The program has no registers now.",
    "process": "The program is not being run.",
}
CATEGORIES = {
    "running": "Running the program forward and backward",
    "breakpoints": "Making the program stop at certain points",
    "data": "Examining data",
    "stack": "Examining the stack",
    "files": "Examining source and code",
    "status": "Status inquiries",
    "beyond": "Beyond gdb: the whole history is known",
    "support": "Support facilities",
    "aliases": "User-defined aliases of other commands",
}


def command(name: str, aliases: tuple[str, ...] = (), category: str = "support", moves: bool = False,
            example: str = "", files: bool = False, needs: str = "") -> Callable[[Handler], Handler]:
    """Declare a command; its docstring is its help (first line = summary)."""
    def deco(fn: Handler) -> Handler:
        words = name.split()
        cmd = Command(name, fn, aliases, category, (fn.__doc__ or "").strip(), moves, example, files=files,
                      needs=needs)
        if len(words) == 1:
            existing = COMMANDS.get(name)
            if existing is not None:
                cmd.subcommands = existing.subcommands
            COMMANDS[name] = cmd
        else:
            parent = COMMANDS.get(words[0])
            if parent is None:
                parent = Command(words[0], _prefix_handler(words[0]), category=category,
                                 help=f"{words[0].capitalize()} subcommands.")
                COMMANDS[words[0]] = parent
            parent.subcommands[words[1]] = cmd
            for a in aliases:
                if " " not in a:
                    COMMANDS[a] = cmd
        return fn
    return deco


def _prefix_handler(prefix: str) -> Handler:
    def run(dbg: Any, arg: str) -> None:
        parent = COMMANDS[prefix]
        subs = ", ".join(sorted(parent.subcommands))
        raise DebugError(f'"{prefix}" must be followed by the name of a subcommand: {subs}.')
    run.is_prefix = True  # type: ignore[attr-defined]
    return run


def all_commands() -> list[Command]:
    """Every command, subcommands included, each once."""
    seen: dict[int, Command] = {}
    for cmd in COMMANDS.values():
        seen.setdefault(id(cmd), cmd)
        for sub in cmd.subcommands.values():
            seen.setdefault(id(sub), sub)
    return sorted(seen.values(), key=lambda c: c.name)


def _find(table: dict[str, Command], word: str, aliases: bool = True) -> Command | None:
    if word in table:
        return table[word]
    for cmd in table.values():
        if word in cmd.aliases or any(a.split()[-1] == word for a in cmd.aliases if " " in a):
            return cmd
    matches = {id(c): c for n, c in table.items() if n.startswith(word)}
    if len(matches) == 1:
        return next(iter(matches.values()))
    return None


class UserAlias(Record):
    """An alias the user made (``alias``, cli-cmds.c alias_command): its words
    (``spe``, ``info reg2``), the command it runs as typed there with its full name
    (``set print elements``, ``info registers``), the default arguments gdb puts before
    the ones given, and ``-a`` (an abbreviation: left out of ``help aliases``)."""

    def __init__(self, words: str, command: str, default_args: str, target: Command, abbrev: bool) -> None:
        self.words = words
        self.command = command
        self.default_args = default_args
        self.target = target
        self.abbrev = abbrev

    def expansion(self, rest: str) -> str:
        """The line it runs: cli-script.c execute_command puts the default arguments
        first, then a space and the arguments given."""
        return " ".join(p for p in (self.command, self.default_args, rest) if p)


def _find_with(table: dict[str, Command], word: str, user: dict[str, UserAlias],
               line: str) -> Command | UserAlias | None:
    """cli-decode.c lookup_cmd_1 over a list that holds the user's aliases too: an exact
    name first, then a unique prefix of a command or of one of them (each alias is an
    entry of its own, as in gdb); ambiguous prefixes name both kinds."""
    if word in user:
        return user[word]
    found = _find(table, word)
    if found is not None and (word in table or word in found.aliases or not any(n.startswith(word) for n in user)):
        return found
    names = {c.name for n, c in table.items() if n.startswith(word)} | {n for n in user if n.startswith(word)}
    if len(names) == 1:
        name = next(iter(names))
        return user.get(name) or found
    if names and word:
        raise ambiguous(word, table, user, line)
    return None


def ambiguous(word: str, table: dict[str, Command], user: dict[str, UserAlias] | None, line: str) -> DebugError:
    """cli-decode.c lookup_cmd's words for an ambiguous prefix: the line from the word on
    ("my 5"), then every entry of the list the word starts - commands and aliases, gdb's
    and the user's, in order - as many as its 100-byte buffer holds, then ".."."""
    entries: set[str] = set(user or {})
    for n, c in table.items():
        entries.add(n)
        entries.update(a for a in c.aliases if " " not in a)
    buf = ""
    for name in sorted(e for e in entries if e.startswith(word)):
        if len(buf) + len(name) + 6 < 100:
            buf += (", " if buf else "") + name
        else:
            buf += ".."
            break
    return DebugError(f'Ambiguous command "{line}": {buf}.')


def resolve(line: str, aliases: dict[str, UserAlias] | None = None) -> tuple[Command, str]:
    """The command a line names, and its argument text (a user alias: the command it
    stands for, its default arguments first)."""
    text = line.strip()
    aliases = aliases or {}
    if text[:1] in ("!", "|"):
        # cli-decode.c find_command_name_length: "!" and "|" are whole command names
        # alone, so "!ls" is shell with "ls".
        word, rest = text[0], text[1:].strip()
    else:
        word, _, rest = text.partition(" ")
    # x/8xw and p/x: the format sticks to the command name.
    if "/" in word:
        word, slash, fmt = word.partition("/")
        rest = slash + fmt + (" " + rest if rest else "")
    top = {n: a for n, a in aliases.items() if " " not in n}
    cmd = _find_with(COMMANDS, word, top, text)
    if isinstance(cmd, UserAlias):
        return resolve(cmd.expansion(rest.strip()), aliases)
    if cmd is None:
        matches = {c.name for n, c in COMMANDS.items() if n.startswith(word)} if word else set()
        if len(matches) > 1:
            raise ambiguous(word, COMMANDS, top, text)
        raise DebugError(f'Undefined command: "{word}".  Try "help".')
    if cmd.subcommands and rest.strip():
        sub_word, _, sub_rest = rest.strip().partition(" ")
        user_sub = aliases.get(f"{cmd.name} {sub_word}")
        if user_sub is not None:
            return resolve(user_sub.expansion(sub_rest.strip()), aliases)
        sub = _find(cmd.subcommands, sub_word)
        if sub is not None:
            return sub, sub_rest.strip()
        if not getattr(cmd.handler, "is_prefix", False):
            return cmd, rest.strip()
        raise DebugError(f'Undefined {cmd.name} command: "{sub_word}".  Try "help {cmd.name}".')
    return cmd, rest.strip()
