"""What the debugger says about C, against the real gdb 13 on the same recorded state.

For each program of the corpus (``corpus/*.c``: nested structs, arrays of
structs, 2-D arrays, unions, enums, bit-fields, typedef chains, function
pointers, static locals, shadowed names, ``long long``, ``unsigned char``,
``bool``, heap pointers, recursion) at -O0 and -O2:

* the real gdb is attached to ``vmdebug serve --gdb`` with the ELF that
  ``vmdebug elf`` writes for the same program (gcc's whole DWARF);
* a temporary breakpoint goes on every line of the program that has code,
  and at every stop both gdb and vmdebug's own debugger (``vmdebug debug
  -batch`` with the same breakpoints) answer ``info args``, ``info locals``,
  ``bt``, and ``print``, ``print/x``, ``ptype`` and ``whatis`` of every name
  the program declares and of a few expressions over them.

Every answer must be identical, character for character, except for the
documented differences in ``ALLOWED`` (none so far).
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from gdbsutil import ENV, ServeProcess

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "debugger" / "corpus"
LEVELS = ("0", "2")
MAX_STOPS = 30
MARK = "=====@"

# Expressions over each program's names, printed (p) at every stop besides the names themselves.
EXTRA: dict[str, list[str]] = {
    "structs": ["boxes[1].tl", "&boxes[2]", "boxes[0].name", "*boxes", "sizeof(rect_t)", "w.b",
                "boxes[1].br.y * 2", "(char)w.u", "boxes[2].kind", "&boxes[1].br", "-total", "total + 1",
                "(struct point *)&boxes[1]", "boxes[0].tl.x == 1", "r->br", "b->name", "*r",
                "origin + 1", "1 + origin", "-origin", "!origin", "origin[0]", "origin && 1", "origin ? 1 : 2",
                "boxes.tl", "boxes->br", "*boxes@0", "w.b.x", "origin == origin", "/q total", "/x boxes[1]"],
    "scalars": ["uc + 1", "-uc", "fl.delta", "fl", "letters[1]", "&letters[2]", "ubig >> 4", "big / 7",
                "(unsigned char)-1", "enabled && uc", "sizeof(struct flags)", "u8 * 2", "(bool)2"],
    "tree": ["root->key", "*root", "root->left", "root->left->left", "n->key", "*n", "fn", "*fn", "&count",
             "keys", "keys[2]", "sizeof(node_t)", "insert", "&walk", "root && root->right"],
    "blocks": ["grid[1]", "grid[2][3]", "&grid[1][2]", "*grid", "names[1]", "*names@2", "buf", "&buf[1]",
               "sizeof grid", "names", "calls"],
}
TYPES: dict[str, list[str]] = {
    "structs": ["struct rect", "rect_t", "enum shape", "switch_t", "union word", "counter_t", "count_t"],
    "scalars": ["struct flags", "uint64_t", "int16_t"],
    "tree": ["node_t", "struct node", "visit_fn"],
    "blocks": ["int [3][4]", "char *"],
}

#: Differences from gdb that are accepted, with the reason (documented in docs/debugger.md).
ALLOWED: list[tuple[str, str]] = []


def _names(c_text: str) -> list[str]:
    """Every identifier the program declares (variables, parameters, functions)."""
    decl = re.compile(r"\b(?:int|char|unsigned|short|long|bool|uint|count_t|counter_t|switch_t|rect_t|node_t|"
                      r"visit_fn|uint8_t|uint16_t|int16_t|uint32_t|uint64_t|void|struct \w+|union \w+|enum \w+)"
                      r"[\s\*]+(?:const\s+)?\**\s*([A-Za-z_]\w*)\s*[\[=;,()]")
    out = []
    body = re.sub(r"/\*.*?\*/", "", c_text, flags=re.S)
    for m in decl.finditer(body):
        name = m.group(1)
        if name not in out and name not in ("int", "char", "main"):
            out.append(name)
    return out


def _code_lines(elf: Path, file: str) -> list[int]:
    """The lines of ``file`` with an is_stmt row, from readelf's decoding of the DWARF."""
    text = subprocess.run(["readelf", "--debug-dump=decodedline", "-W", str(elf)], capture_output=True,
                          text=True, check=True).stdout
    lines = set()
    for row in text.splitlines():
        m = re.match(r"^(\S+)\s+(\d+)\s+0x[0-9a-f]+(?:\s+\d+)?\s*x\s*$", row)
        if m and Path(m.group(1)).name == file:
            lines.add(int(m.group(2)))
    return sorted(lines)


def _vmdebug(cwd: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """vmdebug with stdout and stderr on one pipe, so errors stay where they were printed."""
    return subprocess.run([sys.executable, "-m", "vmdebug", *args], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, cwd=cwd, env=ENV, timeout=timeout)


def _sections(text: str) -> dict[str, str]:
    """The text printed after each marker, keyed by the marker's label."""
    out: dict[str, str] = {}
    parts = text.split(MARK)
    for part in parts[1:]:
        label, _, body = part.partition("\n")
        out[label] = body.rstrip("\n")
    return out


# Bad expressions: gdb's one-line errors, in gdb's order of discovery.
BAD = ["1 +", ")", "'a", '"abc', "nosuch_name", "(struct nosuch *)0", "sizeof(union nosuch)", "1 ? 2",
       "(int", "08", "$nonexistent", "*0x0"]


def _queries(prog: str, names: list[str]) -> list[str]:
    q = ["info args", "info locals", "bt"]
    q += [f"p {e}" for e in BAD] + ["ptype struct nosuch", "whatis enum nosuch"]
    for n in names:
        q += [f"p {n}", f"p/x {n}", f"ptype {n}", f"whatis {n}"]
    q += [f"p{e}" if e.startswith("/") else f"p {e}" for e in EXTRA.get(prog, [])]
    q += [f"ptype {t}" for t in TYPES.get(prog, [])] + [f"whatis {t}" for t in TYPES.get(prog, [])]
    q += ["up", "info args", "info locals", "down"]      # the caller's frame, as find_frame_sal places it
    return q


def _script(lines: list[int], file: str, stops: int, queries: list[str], first: str) -> list[str]:
    cmds = [f"tbreak {file}:{ln}" for ln in lines]
    for k in range(stops):
        cmds += [f"echo {MARK}stop {k}\\n", first if k == 0 else "continue"]
        for j, q in enumerate(queries):
            cmds += [f"echo {MARK}{k}.{j} {q}\\n", q]
    cmds.append(f"echo {MARK}end\\n")
    return cmds


def _argv(flag: str, cmds: list[str]) -> list[str]:
    out: list[str] = []
    for c in cmds:
        out += [flag, c]
    return out


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("prog", sorted(p.stem for p in CORPUS.glob("*.c")))
def test_every_stop_reads_like_gdb(tmp_path: Path, prog: str, level: str) -> None:
    src = CORPUS / f"{prog}.c"
    (tmp_path / src.name).write_text(src.read_text())
    res = _vmdebug(tmp_path, "elf", src.name, "-O", level, "-o", prog)
    assert res.returncode == 0, res.stdout
    elf = tmp_path / prog
    lines = _code_lines(elf, src.name)[:MAX_STOPS]
    assert lines
    names = _names(src.read_text())
    queries = _queries(prog, names)
    # How many of the breakpoints the run reaches: vmdebug's count, checked against gdb's below.
    probe = _script(lines, src.name, len(lines), [], "run")
    res = _vmdebug(tmp_path, "debug", "-batch", "-O", level, *_argv("-ex", probe), src.name)
    stops = len(re.findall(r"^Temporary breakpoint \d+, ", res.stdout, re.M))
    assert stops > 3, res.stdout
    ours_cmds = _script(lines, src.name, stops, queries, "run")
    ours = _vmdebug(tmp_path, "debug", "-batch", "-O", level, *_argv("-ex", ours_cmds), src.name)
    server = ServeProcess(tmp_path, src.name, "-O", level)
    try:
        gdb_cmds = _script(lines, src.name, stops, queries, "continue")
        argv = ["gdb", "-nx", "-batch", "-ex", "set debuginfod enabled off", "-ex", "set confirm off",
                "-ex", "set pagination off", "-ex", "set width 0",
                "-ex", f"set substitute-path /vmdebug/src {tmp_path}",
                "-ex", f"target remote 127.0.0.1:{server.port}", *_argv("-ex", gdb_cmds), str(elf)]
        gdb = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path,
                             timeout=600, env=ENV)
    finally:
        server.close()
    theirs, mine = _sections(gdb.stdout), _sections(ours.stdout)
    assert f"stop {stops - 1}" in theirs and "end" in theirs, gdb.stdout[-3000:]
    diffs = []
    for label, expected in theirs.items():
        if label.startswith("stop") or label == "end":
            continue
        got = mine.get(label)
        if got != expected and not any(re.search(pat, label) for pat, _why in ALLOWED):
            diffs.append(f"--- {label}\n gdb: {expected!r}\nours: {got!r}\n stop: {theirs.get('stop ' + label.split('.')[0], '')[-80:]!r} / {mine.get('stop ' + label.split('.')[0], '')[-80:]!r}")
    assert not diffs, f"{len(diffs)} differences from gdb ({prog} -O{level}):\n" + "\n".join(diffs[:40])
