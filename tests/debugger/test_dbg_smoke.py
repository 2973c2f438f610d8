"""Every registered command runs (with its example argument and without any) on a C
program with lines and on an ld-built ELF without: each prints one-line errors at
worst, never an internal error, and the session goes on."""
from __future__ import annotations

from pathlib import Path

import pytest

from dbgprogs import PROG_S, build, session
from vmdebug.debugger.registry import all_commands

ROOT = Path(__file__).resolve().parents[2]
SKIP = {"quit", "source", "save"}   # leave the session / need a file: tested elsewhere


def _run_all(target: Path, tmp: Path) -> list[str]:
    dbg, cap = session(target)
    dbg.execute("break main" if dbg.info.lookup("main") else "break f")
    dbg.execute("run")
    problems = []
    for cmd in all_commands():
        if cmd.name in SKIP:
            continue
        for line in {cmd.name, f"{cmd.name} {cmd.example}".strip()}:
            before = len(cap.lines)
            ok = dbg.execute(line)
            new = cap.lines[before:]
            if any("internal error" in x or "Traceback" in x for x in new):
                problems.append(f"{line}: {new}")
            if not ok and len([x for x in cap.errors if x]) == 0:
                problems.append(f"{line}: failed silently")
    dbg.execute(f"save {tmp / 'smoke.vmlog'}")
    assert (tmp / "smoke.vmlog").stat().st_size > 0
    return problems


def test_every_command_on_c_program(tmp_path: Path) -> None:
    assert _run_all(ROOT / "examples" / "recursion_frames.c", tmp_path) == []


def test_every_command_on_elf(tmp_path: Path) -> None:
    exe = build(tmp_path, PROG_S, "prog")
    assert _run_all(exe, tmp_path) == []


def test_registry_has_gdb_names_and_help() -> None:
    names = {c.name for c in all_commands()}
    for n in ["run", "start", "continue", "step", "next", "stepi", "nexti", "until", "advance", "finish",
              "reverse-step", "reverse-next", "reverse-stepi", "reverse-nexti", "reverse-continue",
              "reverse-finish", "break", "tbreak", "condition", "delete", "disable", "enable",
              "info breakpoints", "watch", "rwatch", "awatch", "info registers", "print", "x", "display",
              "undisplay", "backtrace", "frame", "up", "down", "info frame", "list", "disassemble", "info symbol",
              "info proc", "info record", "record goto", "help", "history", "last-write", "explain", "vmmap",
              "stack", "heap", "pagewalk", "diff", "save", "set"]:
        assert n in names, n
    for c in all_commands():
        assert c.help and c.summary, c.name


@pytest.mark.parametrize("abbrev,full", [("r", "run"), ("c", "continue"), ("s", "step"), ("n", "next"),
                                          ("si", "stepi"), ("ni", "nexti"), ("rs", "reverse-step"),
                                          ("rn", "reverse-next"), ("rsi", "reverse-stepi"),
                                          ("rni", "reverse-nexti"), ("rc", "reverse-continue"), ("b", "break"),
                                          ("d", "delete"), ("p", "print"), ("bt", "backtrace"),
                                          ("i r", "info registers"), ("disas", "disassemble"),
                                          ("i b", "info breakpoints"), ("fin", "finish"), ("u", "until")])
def test_abbreviations(abbrev: str, full: str) -> None:
    from vmdebug.debugger.registry import resolve
    assert resolve(abbrev)[0].name == full


def test_help_texts(tmp_path: Path) -> None:
    exe = build(tmp_path, PROG_S, "prog")
    dbg, cap = session(exe)
    dbg.execute("help")
    assert cap.lines[0] == "List of classes of commands:"
    assert "beyond -- Beyond gdb: the whole history is known" in cap.lines
    cap.lines.clear()
    dbg.execute("help reverse-step")
    assert cap.lines[0] == "Step backward to the beginning of the previous source line, entering functions."
    assert cap.lines[-1] == "Aliases: rs"
    cap.lines.clear()
    dbg.execute("help running")
    assert "reverse-continue, rc -- Run backward to the previous breakpoint or watchpoint, or to step 0." in cap.lines
    cap.lines.clear()
    dbg.execute("help info")
    assert "registers -- Show registers (all general ones, or those named) in hex and natural form." not in cap.lines
    assert any(x.startswith("info registers -- ") for x in cap.lines)
