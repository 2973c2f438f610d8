"""One diagnosis: what ``vmdebug run`` says when a program dies is derived from the log,
so ``record`` says the same, and ``explain`` on the replayed session gives the same notes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = {
    "examples/stack_smash.c": "greet returned to 0x41414141",
    "tests/cdiff/programs/crash_heap_corruption.c": "found the heap damaged and called abort()",
    "tests/cdiff/programs/crash_abort_check.c": "abort() was called by check",
}


def vmdebug(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


def _paragraph(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("vmdebug: program received"))
    return [line for line in lines[start:] if line.startswith("  ")]


@pytest.mark.parametrize("program", sorted(CASES))
def test_run_record_and_explain_say_the_same(tmp_path: Path, program: str) -> None:
    run = vmdebug("run", str(ROOT / program), cwd=tmp_path)
    rec = vmdebug("record", "-o", "s.vmlog", str(ROOT / program), cwd=tmp_path)
    assert run.returncode == rec.returncode >= 128
    said = _paragraph(run.stderr)
    assert said == _paragraph(rec.stderr)
    notes = [line.split("note:", 1)[1].strip() for line in said if line.strip().startswith("note:")]
    assert notes and CASES[program] in notes[0]
    explained = vmdebug("debug", "-batch", "-ex", "record goto end", "-ex", "explain", "s.vmlog", cwd=tmp_path)
    assert explained.returncode == 0, explained.stderr
    replayed = [line.split("note:", 1)[1].strip() for line in explained.stdout.splitlines()
                if line.strip().startswith("note:")]
    assert replayed == notes


def test_the_debugger_at_a_terminal_adds_the_notes_when_the_program_dies(tmp_path: Path) -> None:
    rec = vmdebug("record", "-o", "s.vmlog", str(ROOT / "examples" / "stack_smash.c"), cwd=tmp_path)
    assert rec.returncode == 139
    res = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "s.vmlog"], input="continue\nquit\n",
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    lines = res.stdout.splitlines()
    at = lines.index("Program received signal SIGSEGV, Segmentation fault.")
    assert lines[at + 1] == "0x41414141 in ?? ()"
    assert lines[at + 2].startswith("note: greet returned to 0x41414141, but its caller pushed")
    batch = vmdebug("debug", "-batch", "-ex", "continue", "s.vmlog", cwd=tmp_path)
    assert "note:" not in batch.stdout          # under -batch the output is exactly gdb's
