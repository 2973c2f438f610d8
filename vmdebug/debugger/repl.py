"""The interactive front end, on prompt_toolkit.

* history saved across sessions in ``~/.vmdebug_history`` (``VMDEBUG_HISTORY``
  overrides the path, e.g. for tests), Ctrl-R searches it and Enter runs the line found,
  as in readline;
* Tab completes command names, subcommands (info, set, show), registers and convenience
  variables after $, members after . and ->, files and functions after break/list, and
  the locals in scope, globals and symbols;
* a bottom toolbar: step/total, function, line, how the process ended;
* after every stop a context display in the spirit of pwndbg (registers with
  the changed ones highlighted, source or disassembly around eip, the top of
  the stack), which ``set context off`` turns off;
* Enter repeats the last command; Ctrl-C stops a long continue between two
  steps (the session stays intact); Ctrl-D or ``quit`` leaves.
"""
from __future__ import annotations

import os
import signal
import threading
from typing import Any, Iterable

from prompt_toolkit import PromptSession, search
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.filters import is_searching
from prompt_toolkit.formatted_text import HTML
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.styles import Style

from events import codes as C
from vmdebug.debugger.internal_functions import NAMES as INTERNAL_FUNCTIONS
from vmdebug.debugger.registry import COMMANDS
from vmdebug.debugger.session import Debugger
from vmdebug.debugger.values import QuitRequest

PROMPT = "(vmdebug) "
STYLE = Style.from_dict({
    "bottom-toolbar": "bg:#303030 #d0d0d0",
    "prompt": "ansired bold",
})
REGS = ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags")

RED, GREEN, YELLOW, BLUE, CYAN, BOLD, DIM, RESET = ("\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[34m",
                                                     "\x1b[36m", "\x1b[1m", "\x1b[2m", "\x1b[0m")


_FUNC_RE = None


def colorize(line: str) -> str:
    """gdb's default styling: addresses blue, function names yellow, file names green."""
    import re
    global _FUNC_RE
    if _FUNC_RE is None:
        _FUNC_RE = (re.compile(r"\b(0x[0-9a-f]+)\b"), re.compile(r"((?:^|, | in |#\d+  )\s*)([A-Za-z_][\w.]*)( \()"),
                    re.compile(r"( at )([^\s:]+)(:\d+)"))
    addr, func, file = _FUNC_RE
    if "\x1b[" in line:
        return line
    line = addr.sub(lambda m: f"{BLUE}{m.group(1)}{RESET}", line)
    line = func.sub(lambda m: f"{m.group(1)}{YELLOW}{m.group(2)}{RESET}{m.group(3)}", line)
    return file.sub(lambda m: f"{m.group(1)}{GREEN}{m.group(2)}{RESET}{m.group(3)}", line)


def history_path() -> str:
    return os.environ.get("VMDEBUG_HISTORY") or os.path.join(os.path.expanduser("~"), ".vmdebug_history")


#: Commands whose argument is a location (gdb's linespec completer): files and functions.
LOCATION_COMMANDS = {"break", "b", "br", "bre", "brea", "tbreak", "list", "l", "until", "u", "advance", "clear",
                     "info line", "info scope", "disassemble", "disas"}
#: What set and show take besides a convenience variable (support.py's settings, gdb's names).
SET_NAMES = ("args", "color", "confirm", "context", "detach-on-fork", "disassembly-flavor", "environment",
             "follow-fork-mode", "height", "inferior-tty", "listsize", "pagination", "print", "stdin", "style",
             "var", "variable", "width")
SHOW_NAMES = ("args", "color", "context", "detach-on-fork", "disassembly-flavor", "environment", "follow-fork-mode",
              "inferior-tty", "listsize", "print", "stdin", "style", "version")
SPECIAL_VARS = ("_exitcode", "_exitsignal", "_siginfo", *sorted(INTERNAL_FUNCTIONS))
_MEMBER = None


class DebugCompleter(Completer):
    """What readline's completion gives in gdb: commands, then subcommands (info, set,
    show), then by what the word is: $registers and convenience variables, struct and
    union members after . and ->, files and functions after a location command (break
    FILE:FUNC, list), and otherwise the locals in scope, globals and symbols."""

    def __init__(self, dbg: Debugger) -> None:
        self.dbg = dbg

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        try:
            yield from self._complete(document.text_before_cursor)
        except Exception:       # completion must never break the prompt
            return

    def _complete(self, text: str) -> Iterable[Completion]:
        words = text.split()
        current = "" if text.endswith(" ") else (words[-1] if words else "")
        # the user's aliases complete too, but abbreviations (alias -a: "Abbreviations
        # are not used in command completion", gdb's help alias)
        aliases = [w.split() for w, a in self.dbg.aliases.items() if not a.abbrev]
        if len(words) == 0 or (len(words) == 1 and not text.endswith(" ")):
            yield from _matches(sorted(set(COMMANDS) | {w[0] for w in aliases if len(w) == 1}), current)
            return
        cmd = COMMANDS.get(words[0])
        name = cmd.name if cmd is not None else words[0]
        second = len(words) == 1 or (len(words) == 2 and current)
        if cmd is not None and cmd.subcommands and second:
            subs = set(cmd.subcommands) | {w[1] for w in aliases if len(w) == 2 and w[0] == cmd.name}
            yield from _matches(sorted(subs), current)
            return
        if name in ("set", "show") and second and not current.startswith("$"):
            yield from _matches(SET_NAMES if name == "set" else SHOW_NAMES, current)
            return
        member = _member_access(text)
        if member is not None:
            yield from self._members(*member)
            return
        word = re_word(current)
        start = -len(word)
        if word.startswith("$"):
            yield from _matches(self._dollar_names(), word)
            return
        location = " ".join(words[:2]) in LOCATION_COMMANDS or words[0] in LOCATION_COMMANDS
        if location and len(words) <= 2 + (" ".join(words[:2]) in LOCATION_COMMANDS):
            word = current.lstrip("*")
            start = -len(word)
            if ":" in word:             # FILE:FUNCTION, the functions of that file
                file, _, func = word.rpartition(":")
                for n in sorted(self._functions(file)):
                    if n.startswith(func):
                        yield Completion(f"{file}:{n}", start)
                return
            seen = set()
            for n in sorted(self._files()) + sorted(self._functions()):
                if n.startswith(word) and word and n not in seen:
                    seen.add(n)
                    yield Completion(n, start)
            return
        if not word:
            return
        seen = set()
        for n in self._locals() + sorted(self._globals()):
            if n.startswith(word) and n not in seen:
                seen.add(n)
                yield Completion(n, start)

    # ---- what names there are ------------------------------------------------------------
    def _dollar_names(self) -> list[str]:
        from vmdebug.debugger import fpregs
        names = [*REGS, "pc", "sp", "fp", "ax", "bx", "cx", "dx", "si", "di", "bp", "al", "ah", "bl", "bh", "cl",
                 "ch", "dl", "dh", "cs", "ss", "ds", "es", "fs", "gs", *fpregs.FP_NAMES,
                 *sorted(self.dbg.convenience), *SPECIAL_VARS]
        out: list[str] = []
        for n in names:
            if "$" + n not in out:
                out.append("$" + n)
        return out

    def _locals(self) -> list[str]:
        """The variables in scope at the selected frame, innermost block first (gdb's order)."""
        frame = self.dbg.selected_frame()
        block = getattr(frame, "block", None)
        out: list[str] = []
        while block is not None:
            out.extend(v.name for v in block.variables if v.name)
            block = block.parent
        return out

    def _globals(self) -> set[str]:
        names = set(self.dbg.info.symbols)
        debug = self.dbg.debug
        if debug is not None:
            for unit in debug.units:
                names.update(v.name for v in unit.variables if v.name)
                names.update(f.name for f in unit.functions if f.name)
        return names

    def _functions(self, file: str | None = None) -> set[str]:
        """The functions (of the source ``file``, named as compiled or by its base name)."""
        import os
        debug = self.dbg.debug
        units = [u for u in (debug.units if debug is not None else [])
                 if file is None or file in (u.name, os.path.basename(u.name))]
        names = {f.name for u in units for f in u.functions if f.name}
        return names or (set(self.dbg.info.symbols) if file is None else set())

    def _files(self) -> set[str]:
        """Source files as gdb's symtabs name them: as compiled, and by their base name."""
        import os
        out: set[str] = set()
        debug = self.dbg.debug
        for unit in (debug.units if debug is not None else []):
            if unit.name:
                out.update((unit.name, os.path.basename(unit.name)))
        return out

    def _members(self, base: str, op: str, partial: str) -> Iterable[Completion]:
        """The members of the struct or union ``base`` (``->``: that it points to)."""
        from vmdebug.debugger import evaluate as EV
        from vmdebug.debugger import expressions as E
        dbg = self.dbg
        frame = dbg.selected_frame()
        t = EV.type_of(E.parse(base, dbg.type_scope(frame)), dbg.context(frame)).strip()
        if op == "->" or t.kind == "pointer":
            if t.kind != "pointer" or t.target is None:
                return
            t = t.target.strip()
        if t.kind not in ("struct", "union"):
            return
        for name in _member_names(t):
            if name.startswith(partial):
                yield Completion(name, -len(partial))


def _member_names(t: Any) -> list[str]:
    """A struct's member names, those of its anonymous members' members included (gdb's
    completion of fields looks into anonymous structs and unions)."""
    out: list[str] = []
    for m in t.members:
        if m.name:
            out.append(m.name)
        elif m.type.strip().kind in ("struct", "union"):
            out.extend(_member_names(m.type.strip()))
    return out


def _member_access(text: str) -> tuple[str, str, str] | None:
    """``(base, op, partial)`` when the cursor is after ``base.`` or ``base->``."""
    import re
    global _MEMBER
    if _MEMBER is None:
        _MEMBER = re.compile(r"([A-Za-z_$][\w$]*(?:\[[^\]]*\]|(?:\.|->)[A-Za-z_]\w*)*)(\.|->)(\w*)$")
    m = _MEMBER.search(text)
    if m is None:
        return None
    return m.group(1), m.group(2), m.group(3)


def re_word(current: str) -> str:
    """The identifier being typed at the end of the current word (after * & ( ! - ...)."""
    import re
    m = re.search(r"[$A-Za-z_][\w$]*$|\$$", current)
    return m.group(0) if m else ""


def _matches(names: Iterable[str], current: str) -> Iterable[Completion]:
    for n in names:
        if n.startswith(current):
            yield Completion(n, -len(current))


def toolbar_text(dbg: Debugger) -> str:
    tl = dbg.tl
    frame = dbg.frames()[0]
    loc = dbg.info.line_for(frame.pc)
    where = f"{dbg.info.short_file(loc[0])}:{loc[1]}" if loc else f"{frame.pc:#010x}"
    total = f"{tl.last}" + ("+" if tl.can_record() else "")
    end = dbg.end_text()
    if end != "running" and tl.cursor < tl.last:
        end = f"the run {end} at step {tl.last}"
    n = len(tl.state.tasks) + 1
    who = f"pid {tl.state.pid} of {n} | " if n > 1 else ""
    return f" step {tl.cursor}/{total} | {who}{frame.name} | {where} | {end} "


def context_lines(dbg: Debugger, prev: list[int] | None, color: bool = True) -> list[str]:
    """Registers (changed ones highlighted), code around eip, the top of the stack."""
    def c(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if color else text
    regs = dbg.regs
    width = 72
    out = [c(BLUE, "── registers " + "─" * (width - 13))]
    row = []
    for i, name in enumerate(REGS):
        v = regs[C.REG_IDS[name]]
        text = f"{name:<6} {v:#010x}"
        if prev is not None and prev[C.REG_IDS[name]] != v:
            text = c(RED + BOLD, text)
        row.append(text)
        if len(row) == 4:
            out.append("  ".join(row))
            row = []
    if row:
        out.append("  ".join(row))
    pc = dbg.pc
    loc = dbg.info.line_for(pc)
    text = dbg.info.source_text(loc[0]) if loc else None
    if loc and text:
        out.append(c(BLUE, f"── source {dbg.info.short_file(loc[0])} " + "─" * max(0, width - 12 - len(loc[0]))))
        for ln in range(max(1, loc[1] - 3), min(len(text), loc[1] + 3) + 1):
            mark = "=>" if ln == loc[1] else "  "
            line = f"{mark} {ln:<4} {text[ln - 1]}"
            out.append(c(GREEN + BOLD, line) if ln == loc[1] else line)
    else:
        from vmdebug.debugger.commands.data import insn_text
        out.append(c(BLUE, "── code " + "─" * (width - 8)))
        addr = pc
        for k in range(6):
            try:
                t, n = insn_text(dbg, addr)
            except Exception:
                break
            line = f"{'=>' if addr == pc else '  '} {addr:#010x} {dbg.label(addr):<14} {t}"
            out.append(c(GREEN + BOLD, line) if addr == pc else line)
            addr += n
    out.append(c(BLUE, "── stack " + "─" * (width - 9)))
    esp = regs[C.ESP]
    for k in range(4):
        a = esp + 4 * k
        v = dbg.memory.read_u32(a)
        val = f"{v:#010x}" if v is not None else "??????????"
        lab = dbg.code_label(v) if v is not None else ""
        out.append(f"{a:#010x}  {val}  {c(YELLOW, lab) if lab else ''}".rstrip() + ("  <- esp" if k == 0 else ""))
    out.append(c(BLUE, "─" * width))
    return out


def readline_bindings() -> KeyBindings:
    """Where readline and prompt_toolkit differ: Enter in a Ctrl-R search runs the line
    found at once (prompt_toolkit's own Enter only ends the search)."""
    kb = KeyBindings()

    @kb.add("enter", filter=is_searching)
    def _run_found(event: Any) -> None:
        search.accept_search()
        event.app.current_buffer.validate_and_handle()
    return kb


class Repl:
    def __init__(self, dbg: Debugger, input: Any = None, output: Any = None, history_file: str | None = None,
                 color: bool = True) -> None:
        self.dbg = dbg
        path = history_file or history_path()
        try:
            history: Any = FileHistory(path)
        except OSError:
            history = InMemoryHistory()
        self.session: PromptSession[str] = PromptSession(
            history=history, completer=DebugCompleter(dbg), bottom_toolbar=lambda: toolbar_text(dbg),
            style=STYLE, input=input, output=output, enable_history_search=False, complete_while_typing=False,
            key_bindings=readline_bindings())
        self.last = ""
        self.prev_regs: list[int] | None = None
        dbg.settings.color = color
        dbg.on_stop = self.show_context
        dbg.interactive = True

    def show_context(self) -> None:
        dbg = self.dbg
        if dbg.settings.context:
            dbg.lines_out(context_lines(dbg, self.prev_regs, dbg.settings.color))
        self.prev_regs = list(dbg.regs)

    def run_line(self, line: str) -> bool:
        """Run one line (empty: repeat the last command).  False after quit."""
        if self.dbg.tl.progress is not None:
            self.dbg.tl.progress.restart()
        try:
            return self._run_line(line)
        finally:
            if self.dbg.tl.progress is not None:
                self.dbg.tl.progress.clear()

    def _run_line(self, line: str) -> bool:
        text = line.strip()
        if not text:
            text = self.last
            if not text:
                return True
            word = text.split()[0]
            if word.split("/")[0] == "x":  # gdb: Enter after x continues after the last unit examined
                text = word
        else:
            self.dbg.previous_command, self.last = self.last, text
        self.prev_regs = self.prev_regs or list(self.dbg.regs)
        old = None
        if threading.current_thread() is threading.main_thread():
            def on_sigint(signum: int, frame: Any) -> None:
                self.dbg.tl.interrupted = True
            old = signal.signal(signal.SIGINT, on_sigint)
        try:
            self.dbg.execute(text)
        except QuitRequest:
            return False
        finally:
            if old is not None:
                signal.signal(signal.SIGINT, old)
            self.dbg.tl.interrupted = False
            self.dbg.out.flush()    # the prompt is drawn on a line of its own
        return True

    def _more(self, prompt: str) -> str | None:
        """A line for a command that reads more (``commands``), at gdb's ``>`` prompt."""
        try:
            return self.session.prompt(prompt)
        except (EOFError, KeyboardInterrupt):
            return None

    def loop(self) -> None:
        self.dbg.read_line = self._more
        while True:
            try:
                line = self.session.prompt(HTML("<prompt>(vmdebug)</prompt> "))
            except KeyboardInterrupt:
                self.dbg.write("Quit")
                continue
            except EOFError:
                self.dbg.write("quit")
                return
            if not self.run_line(line):
                return


def run_repl(dbg: Debugger, banner: bool = True, **kw: Any) -> None:
    from vmdebug.progress import Progress
    repl = Repl(dbg, **kw)
    dbg.tl.progress = Progress("recording")  # shown only on a terminal, after a second
    dbg.out.style = lambda line: colorize(line) if dbg.settings.color else line
    dbg.out.raw = None      # prompt_toolkit redraws the prompt's line: a partial line ends first
    if banner:
        tl = dbg.tl
        what = "replaying a recorded session" if tl.process is None else "recording as it runs"
        dbg.write(f"vmdebug: {dbg.info.name}: {what}; step 0 of {tl.last}{'+' if tl.can_record() else ''}. "
                  f'Type "help" for commands; "continue" runs, "reverse-continue" runs backward.')
    repl.loop()

