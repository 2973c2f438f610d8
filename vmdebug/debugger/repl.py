"""The interactive front end, on prompt_toolkit.

* history saved across sessions in ``~/.vmdebug_history`` (``VMDEBUG_HISTORY``
  overrides the path, e.g. for tests), Ctrl-R searches it;
* completion of command names, subcommands, symbols and registers;
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

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import HTML
from prompt_toolkit.history import FileHistory, InMemoryHistory
from prompt_toolkit.styles import Style

from events import codes as C
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


class DebugCompleter(Completer):
    """Commands first, then subcommands, then symbols and $registers."""

    def __init__(self, dbg: Debugger) -> None:
        self.dbg = dbg

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        text = document.text_before_cursor
        words = text.split()
        current = "" if text.endswith(" ") else (words[-1] if words else "")
        if len(words) == 0 or (len(words) == 1 and not text.endswith(" ")):
            names = sorted(set(COMMANDS))
            for n in names:
                if n.startswith(current):
                    yield Completion(n, -len(current))
            return
        cmd = COMMANDS.get(words[0])
        if cmd is not None and cmd.subcommands and (len(words) == 1 or (len(words) == 2 and current)):
            for n in sorted(cmd.subcommands):
                if n.startswith(current):
                    yield Completion(n, -len(current))
            return
        word = current.lstrip("*&(")
        start = -len(word)
        if word.startswith("$"):
            for r in REGS + ("pc", "sp", "fp"):
                if ("$" + r).startswith(word):
                    yield Completion("$" + r, start)
            return
        for name in sorted(self.dbg.info.symbols):
            if name.startswith(word) and word:
                yield Completion(name, start)


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
            style=STYLE, input=input, output=output, enable_history_search=False, complete_while_typing=False)
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
            self.last = text
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
        return True

    def loop(self) -> None:
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
    if banner:
        tl = dbg.tl
        what = "replaying a recorded session" if tl.process is None else "recording as it runs"
        dbg.write(f"vmdebug: {dbg.info.name}: {what}; step 0 of {tl.last}{'+' if tl.can_record() else ''}. "
                  f'Type "help" for commands; "continue" runs, "reverse-continue" runs backward.')
    repl.loop()

