"""Every example's "Try:" walkthrough, run through the real CLI, says what the program does.

The walkthrough is the block of the example's leading comment that starts with a line
``Try:`` and ends at the first empty comment line. Its lines (after the comment leader,
`` * `` in C and ``# `` in assembly) are:

* ``vmdebug SUBCOMMAND ARGS...``: a command line, run as a subprocess (``python -m vmdebug``)
  from the repository's root. For ``vmdebug debug``, the ``(vmdebug)`` lines under it are its
  commands, given as ``-batch -ex CMD ...``;
* ``(vmdebug) COMMAND  note``: a debugger command; it ends at two spaces, and the rest of the
  line (and any line under it that is none of these, up to its own claims) is a note for the
  reader;
* ``=> TEXT``, at the end of a command's line or on a line of its own under it: a claim
  about that command: what it prints contains TEXT, exactly, except that any run of spaces
  and tabs counts as one space (so ``x``'s tabs can be written as spaces) and ``...`` stands
  for any text within one line (an address that moves when the libc changes, say).
  ``=> A => B`` is two claims, and ``=> (nothing)`` says the command prints nothing at all.

Every command needs at least one claim (a ``vmdebug debug`` line has its commands'), so a command that fails (its error instead of its
output) or a note that no longer holds fails this test. The test also fails when an example
has no walkthrough. examples/README.md describes the format for the examples' readers.
"""
from __future__ import annotations

import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in ROOT.joinpath("examples").iterdir() if p.suffix in (".c", ".s"))
MARK = "@@walkthrough {}@@"
NOTHING = "(nothing)"


@dataclass
class Step:
    """One command (a debugger command, or a command line) and what it claims."""
    text: str
    line: int
    claims: list[str] = field(default_factory=list)


@dataclass
class Run:
    """A command line and, for ``vmdebug debug``, its debugger commands."""
    argv: list[str]
    line: int
    claims: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)


def comment_lines(path: Path) -> list[tuple[int, str]]:
    """The leading comment's lines, without the comment leader, with their line numbers."""
    out: list[tuple[int, str]] = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if path.suffix == ".s":
            if not line.startswith("#"):
                break
            out.append((number, line[2:] if line.startswith("# ") else line[1:]))
        else:
            m = re.match(r"\s*(?:/\*|\*(?!/))? ?(.*)", line)
            end = line.find("*/")
            text = m.group(1) if m else line
            if end >= 0:
                text = text[:text.find("*/")].rstrip() if "*/" in text else ""
                out.append((number, text))
                break
            out.append((number, text))
    return out


def split_claims(body: str) -> tuple[str, list[str]]:
    """A line's command (up to two spaces) and the claims after it (each after ``=> ``)."""
    if body.startswith("=> "):
        return "", [c.strip() for c in re.split(r"\s=> ", body[3:])]
    head, _, rest = body.partition("  ")
    where = re.search(r"(?:^|\s)=> ", rest)
    if where is None:
        return head.strip(), []
    return head.strip(), [c.strip() for c in re.split(r"\s=> ", rest[where.end():])]


def parse_walkthrough(path: Path) -> list[Run]:
    """The example's runs; [] when it has no ``Try:`` block."""
    lines = comment_lines(path)
    start = next((i for i, (_, text) in enumerate(lines) if text.strip() == "Try:"), None)
    if start is None:
        return []
    runs: list[Run] = []
    last: Run | Step | None = None
    for number, text in lines[start + 1:]:
        body = text.strip()
        if not body:
            break
        if body.startswith("vmdebug "):
            command, claims = split_claims(body)
            last = Run(shlex.split(command)[1:], number, claims)
            runs.append(last)
        elif body.startswith("(vmdebug) "):
            if not runs or runs[-1].argv[:1] != ["debug"]:
                raise ValueError(f"{path.name}:{number}: a debugger command outside a 'vmdebug debug' run")
            command, claims = split_claims(body[len("(vmdebug) "):])
            last = Step(command, number, claims)
            runs[-1].steps.append(last)
        elif body.startswith("=> "):
            if last is None:
                raise ValueError(f"{path.name}:{number}: a claim before any command")
            last.claims += split_claims(body)[1]
        elif last is not None:
            last.claims += split_claims(body)[1]     # a note goes on, maybe with claims after it
    return runs


def run_cli(run: Run) -> tuple[str, list[str]]:
    """The command line's whole output (stderr into stdout, in order) and, for ``debug``,
    each debugger command's part of it."""
    argv = [sys.executable, "-m", "vmdebug", *run.argv]
    if run.argv[0] == "debug":
        ex: list[str] = []
        for i, step in enumerate(run.steps):
            ex += ["-ex", f"echo \\n{MARK.format(i)}\\n", "-ex", step.text]
        argv = [sys.executable, "-m", "vmdebug", "debug", "-batch", *ex, *run.argv[1:]]
    proc = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=300, env=_env())
    out = proc.stdout
    parts: list[str] = []
    if run.steps:
        pieces = re.split(r"\n@@walkthrough (\d+)@@\n", out)
        parts = [""] * len(run.steps)
        for index, piece in zip(pieces[1::2], pieces[2::2]):
            parts[int(index)] = piece
    return out, parts


def same_spaces(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text)


def claimed(claim: str, output: str) -> bool:
    """The claim is in the output: spaces as one, ``...`` for any text within a line."""
    pieces = [re.escape(same_spaces(p)) for p in claim.split("...")]
    return re.search("[^\n]*?".join(pieces), same_spaces(output)) is not None


def _env() -> dict[str, str]:
    import os
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_walkthrough(example: Path) -> None:
    runs = parse_walkthrough(example)
    assert runs, f"{example.name} has no machine-readable 'Try:' walkthrough (see tests/test_walkthroughs.py)"
    failures: list[str] = []
    for run in runs:
        for item in [*([] if run.steps else [run]), *run.steps]:
            if not item.claims:
                failures.append(f"{example.name}:{item.line}: no '=> ' claim for this command")
        out, parts = run_cli(run)
        for claim in run.claims:
            if not claimed(claim, out):
                failures.append(f"{example.name}:{run.line}: 'vmdebug {shlex.join(run.argv)}' does not print "
                                f"{claim!r}; it printed:\n{out}")
        for step, part in zip(run.steps, parts):
            for claim in step.claims:
                if claim == NOTHING:
                    if part.strip():
                        failures.append(f"{example.name}:{step.line}: {step.text!r} prints:\n{part}")
                elif not claimed(claim, part):
                    failures.append(f"{example.name}:{step.line}: {step.text!r} does not print {claim!r}; "
                                    f"it printed:\n{part}")
    assert not failures, "\n".join(failures)


def test_the_format_is_parsed(tmp_path: Path) -> None:
    """A walkthrough's lines: runs, commands with notes, claims; the block ends at an empty line."""
    example = tmp_path / "x.c"
    example.write_text("/* x.c - a test.\n *\n * Try:\n *   vmdebug debug --file a.txt examples/x.c\n"
                       " *   (vmdebug) break 5           stops at line 5\n *     => Breakpoint 1\n"
                       " *                               (a note goes on)  => Breakpoint\n"
                       " *   (vmdebug) print a + b  => $1 = 3 => 3\n *     => = 3\n"
                       " *   (vmdebug) next  the note, then  => x = 1\n"
                       " *   vmdebug run examples/x.c  => hello\n *\n"
                       " *   (vmdebug) not in the block\n */\nint main(void) { return 0; }\n")
    runs = parse_walkthrough(example)
    assert [r.argv for r in runs] == [["debug", "--file", "a.txt", "examples/x.c"], ["run", "examples/x.c"]]
    assert [(s.text, s.claims) for s in runs[0].steps] == [("break 5", ["Breakpoint 1", "Breakpoint"]),
                                                          ("print a + b", ["$1 = 3", "3", "= 3"]),
                                                          ("next", ["x = 1"])]
    assert runs[1].claims == ["hello"] and runs[1].line == 11
    asm = tmp_path / "y.s"
    asm.write_text("# y.s - asm.\n# Try:\n#   vmdebug run examples/y.s\n#     => hi\n#\n# more\n        .text\n")
    assert [(r.argv, r.claims) for r in parse_walkthrough(asm)] == [(["run", "examples/y.s"], ["hi"])]
    assert claimed("free (p=...) at malloc.c:...", "Breakpoint 1, free (p=0x805e018) at malloc.c:484\n")
    assert not claimed("free (p=...) at", "free (p=0x805e018)\n at")        # within one line
    assert claimed("a  b", "x a \t b y") and not claimed("a b", "ab")
    none = tmp_path / "z.c"
    none.write_text("/* z.c - no walkthrough. */\nint main(void) { return 0; }\n")
    assert parse_walkthrough(none) == []
