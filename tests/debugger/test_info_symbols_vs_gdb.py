"""info functions, info variables, info types and info scope against the real gdb 13.

Each corpus program (tests/debugger/corpus, and SYMKINDS_C below) is built at
-O0 and -O2 into the ELF ``vmdebug elf`` writes, and gdb (batch mode, without
running it) and vmdebug's debugger (on the same C file and level) answer the
same commands:

* the listings, with and without a regexp and with the -q/-n/-t options:
  headers, file sections (global before static, by name), the declarations,
  the "Non-debugging symbols:" part, and the errors for bad regexps;
* ``info scope FUNCTION`` for every function of the program and of its libc,
  ``info scope FILE:LINE`` for every line of the program;
* ``info scope *ADDRESS`` for every place a function linespec names when there
  are several (a function inlined in several places, or out of line and
  inlined).

Every command's output must be identical, line for line.

The one documented exception: when a function linespec names several
functions (out-of-line and inlined copies), gdb's ``info scope`` describes the
block of the first of them in *memory address order of gdb's symbol objects*
(linespec.c sorts the symbols with ``compare_symbols``, by pointer), which
depends on how gdb's obstack chunks happen to be laid out in its heap - the
same libc function is described at a different copy in two programs.  vmdebug
takes the first copy in DWARF order (the allocation order).  For those
linespecs the test requires that what gdb prints is exactly what vmdebug
prints for one of the copies (``info scope *ADDRESS``, whose output must
itself be identical in both), and that vmdebug's own answer is one of the
copies too; the ``*ADDRESS`` commands are compared exactly like the rest.

gdb is required in CI (CI=true): the tests fail there without it, and skip
elsewhere.
"""
from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dbgprogs import require_gdb

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "debugger" / "corpus"
PROGRAMS = ["structs", "scalars", "tree", "blocks", "symkinds"]

#: Besides the corpus: every kind of symbol gdb's DWARF reader makes - a typedef and a
#: tag of one name, anonymous aggregates, bit-fields, K&R and varargs functions,
#: constants, an unused static, an extern declaration, and in a function a typedef, a
#: struct, an enum and its enumerators, a static, an extern, a label, and a lexical
#: block of six variables (gdb's hashed block order).
SYMKINDS_C = r"""#include <stdio.h>
#include <stdarg.h>

typedef struct node node;
struct node { int v; node *next; };
typedef struct { int a, b; } pair_t;
typedef union { int i; char f; } num_t;
enum level { LOW = 1, MID = 5, HIGH = 10 };
typedef enum level level_t;
static const int table_size = 7;
static const char *const names[] = { "a", "b" };
static int unused_static;
int global_counter = 3;
extern int errno;
static long ratio = 2;
int (*handlers[4])(int, char **);
struct packed { unsigned a : 3, b : 5; signed c : 4; };
struct packed pk = { 1, 2, -1 };
long long big_values[2][3];
volatile unsigned short vus;
const short cf = 1;
_Bool flag_b;

static int knr(a, b) int a; char *b; { return a + (b ? 1 : 0); }

static int sum(int n, ...)
{
    va_list ap;
    int total = 0;
    va_start(ap, n);
    for (int k = 0; k < n; k++)
        total += va_arg(ap, int);
    va_end(ap);
    return total;
}

static int local_types(int x)
{
    typedef int myint;
    struct inner { myint q; char tag; } in = { x, 'z' };
    enum color { RED, GREEN = 4, BLUE } c = GREEN;
    static int calls;
    extern int global_counter;
    myint y = in.q + c + calls++;
    if (x > 3) {
        int deep = y * 2;
        struct inner copy = in;
        { int a1 = deep, a2 = a1 + 1, a3 = a2 + 1, a4 = a3 + 1, a5 = a4 + 1, a6 = a5 + 1;
          y += a1 + a2 + a3 + a4 + a5 + a6 + copy.q; }
        goto done;
    }
    y += global_counter;
done:
    return y;
}

int main(int argc, char **argv)
{
    node n2 = { 2, 0 }, n1 = { 1, &n2 };
    pair_t p = { 3, 4 };
    num_t u;
    u.i = 7;
    level_t lv = MID;
    int r = knr(argc, argv[0]) + sum(3, 1, 2, 3) + local_types(argc + 4) + p.a + n1.next->v + u.i + lv;
    r += table_size + (int)ratio + names[0][0] + pk.c + (int)big_values[1][2] + vus + (int)cf + flag_b;
    printf("%d\n", r);
    return 0;
}
"""
LEVELS = ["0", "2"]
MARK = "@@@@ next command @@@@"

LISTINGS = [
    "info functions", "info functions ^ma", "info functions alloc", "info functions ^str.*cmp$",
    "info functions -q put", "info functions -n", "info functions -t char", "info functions -n -t ^int",
    "info functions [[:upper:]]", "info functions -- -q",
    "info variables", "info variables ^std", "info variables e$", "info variables -n", "info variables -t FILE",
    "info variables -q ^[a-k]", "info variables s", "info variables x.*z",
    "info types", "info types _t$", "info types ^int$", "info types -q point", "info types .",
    "info types node\\|shape", "info types ^s\\{1,2\\}i", "info types \\(", "info types [a", "info types a\\{1",
    "info types x\\{2,1\\}",
    "info scope", "info scope nosuch", "info scope *0",
]


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def _defined_functions(source: str) -> list[str]:
    """The functions a corpus file defines (a definition line: no ';' at its end)."""
    found = re.findall(r"^(?:static\s+)?[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)\s*\([^;{]*\)\s*$", source, re.MULTILINE)
    return list(dict.fromkeys(found))


@dataclass
class Run:
    program: str
    level: str
    commands: list[str]
    gdb: dict[str, str]
    ours: dict[str, str]
    functions: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    copies: dict[str, list[str]] = field(default_factory=dict)   # ambiguous linespec -> its *ADDRESS commands


_RUNS: dict[tuple[str, str], Run] = {}


def _ours(dbg: object, cap: list[str], command: str) -> str:
    start = len(cap)
    dbg.execute(command)  # type: ignore[attr-defined]
    return "\n".join(cap[start:])


def _run(tmp: Path, program: str, level: str) -> Run:
    from vmdebug.debugger.linespec import Resolver
    from vmdebug.debugger.session import open_debugger
    from vmdebug.debugger.values import DebugError

    src = tmp / f"{program}.c"
    if program == "symkinds":
        src.write_text(SYMKINDS_C)
    else:
        shutil.copy(CORPUS / src.name, src)
    exe = tmp / f"{program}{level}"
    built = subprocess.run([sys.executable, "-m", "vmdebug", "elf", src.name, "-O", level, "-o", exe.name],
                           cwd=tmp, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert built.returncode == 0, built.stderr
    cap: list[str] = []
    with _cwd(tmp):
        dbg = open_debugger(src.name, [], lambda s: cap.extend(s.split("\n")),
                            lambda s: cap.extend(s.split("\n")), lambda fd, data: None, opt=level)
        listing = _ours(dbg, cap, "info functions")
    names = [m.group(1) for m in re.finditer(r"^\d*:?\t.*?\b([A-Za-z_]\w*)\(", listing, re.MULTILINE)]
    functions = list(dict.fromkeys(_defined_functions(src.read_text()) + names))
    nlines = len(src.read_text().splitlines())
    lines = [f"info scope {src.name}:{k}" for k in range(1, nlines + 1)]
    copies: dict[str, list[str]] = {}
    with _cwd(tmp):
        for name in functions:
            try:
                locs = Resolver(dbg).resolve(name, None)
            except DebugError:
                continue
            addrs = list(dict.fromkeys(loc.address for loc in locs))
            if len(addrs) > 1:
                copies[f"info scope {name}"] = [f"info scope *{a:#x}" for a in addrs]
    commands = list(LISTINGS) + [f"info scope {f}" for f in functions] + lines
    commands += [c for cmds in copies.values() for c in cmds]
    with _cwd(tmp):
        ours = {c: _ours(dbg, cap, c) for c in commands}
    args = ["gdb", "-nx", "-batch"]
    for c in commands:
        args += ["-ex", f"echo {MARK}\\n", "-ex", c]
    proc = subprocess.run(args + [exe.name], cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=300, env={**os.environ, "LC_ALL": "C"})
    parts = proc.stdout.split(MARK + "\n")[1:]
    assert len(parts) == len(commands), proc.stdout[-2000:]
    gdb = {c: p.rstrip("\n") for c, p in zip(commands, parts)}
    return Run(program, level, commands, gdb, ours, functions, lines, copies)


@pytest.fixture(params=[(p, lv) for p in PROGRAMS for lv in LEVELS], ids=lambda pl: f"{pl[0]}-O{pl[1]}")
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    require_gdb()
    key = request.param
    if key not in _RUNS:
        _RUNS[key] = _run(tmp_path_factory.mktemp(f"{key[0]}{key[1]}"), *key)
    return _RUNS[key]


def _check(run: Run, commands: list[str]) -> None:
    bad = [c for c in commands if run.gdb[c] != run.ours[c]]
    if bad:
        c = bad[0]
        diff = "\n".join(difflib.unified_diff(run.gdb[c].split("\n"), run.ours[c].split("\n"), "gdb", "vmdebug",
                                              lineterm=""))
        pytest.fail(f"{len(bad)} of {len(commands)} commands differ from gdb ({', '.join(bad[:8])}); "
                    f"first: {c!r}\n{diff}")


def test_listings_match_gdb(run: Run) -> None:
    assert run.gdb["info functions"].startswith("All defined functions:\n\nFile ")
    assert f"File {run.program}.c:" in run.gdb["info types"]
    _check(run, LISTINGS)


def test_scope_of_every_function_matches_gdb(run: Run) -> None:
    assert "info scope main" in run.commands and "info scope malloc" in run.commands
    _check(run, [f"info scope {f}" for f in run.functions if f"info scope {f}" not in run.copies])


def test_scope_of_every_line_matches_gdb(run: Run) -> None:
    _check(run, run.lines)


def _body(text: str) -> str:
    """The description without the "Scope for SPEC" header (which names the linespec)."""
    first, _, rest = text.partition("\n")
    if first.startswith("Scope for ") and first.endswith(" contains no locals or arguments."):
        return "no locals"
    return rest


def test_scope_of_each_copy_of_a_function_matches_gdb(run: Run) -> None:
    """Every copy exactly; for the linespec itself, gdb's pick (memory order, see the
    module docstring) and vmdebug's (DWARF order) must each be one of the copies."""
    _check(run, [c for cmds in run.copies.values() for c in cmds])
    for spec, cmds in run.copies.items():
        bodies = [_body(run.ours[c]) for c in cmds]
        assert run.gdb[spec].startswith(f"Scope for {spec[len('info scope '):]}"), run.gdb[spec]
        assert _body(run.gdb[spec]) in bodies, f"gdb's {spec!r} is none of the copies:\n{run.gdb[spec]}"
        assert _body(run.ours[spec]) in bodies, f"vmdebug's {spec!r} is none of the copies:\n{run.ours[spec]}"
        assert run.ours[spec].split("\n")[0] == run.gdb[spec].split("\n")[0]
