"""Basic-block translation (vmdebug/machine/translate.py) against the interpreter: the same
program through both must give IDENTICAL event logs - every sealed column, every step's event
count, every payload - and the same final state, since the events are the product.

Programs: the CPU-vs-native corpus (every integer instruction form it generates), the cdiff
corpus (every crash_* program and ten others, each at -O0, -O1 and -O2: precise faults and
signal deliveries in the middle of blocks), every example (fork, pipes, signal handlers,
setjmp), and a loop that writes its own code (blocks dropped on a code write).  Runs are cut at
odd step limits too, so a block never runs past Process.run's limit.
"""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "cdiff"))
from cdiff_harness import PROGRAMS, run_spec  # noqa: E402
from gnu_build import build_elf  # noqa: E402
from test_cpu_vs_native import cases, program  # noqa: E402
from events.log import EventLog  # noqa: E402
from vmdebug.machine.elf import load_elf  # noqa: E402
from vmdebug.machine.process import Process  # noqa: E402
from vmdebug.machine.translate import BLOCK_KEY  # noqa: E402
from vmdebug.program import load_program  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.c"))
CRASHES = [p for p in PROGRAMS if p.name.startswith("crash_")]
OTHERS = [p for p in PROGRAMS if not p.name.startswith("crash_") and not p.name.startswith("fp_")]
CDIFF = CRASHES + OTHERS[::max(1, len(OTHERS) // 10)][:10]


def record(make, translate: bool, max_steps: int, hot_after: int = 1):
    out = bytearray()
    proc: Process = make(translate, out.extend)
    proc.hot_after = hot_after     # 1: every block translated on first sight, cold code included
    how = proc.run(max_steps)
    proc.log.seal()
    log = proc.log
    cols = np.concatenate([c.cols for c in log.chunks]) if log.chunks else np.zeros((0, 5), np.uint32)
    counts = np.concatenate([c.step_counts for c in log.chunks]) if log.chunks else np.zeros(0, np.uint32)
    return {"how": how, "cols": cols, "counts": counts, "extras": log.extras, "regs": list(proc.state.regs),
            "exited": proc.state.exited, "steps": proc.steps, "out": bytes(out), "pid": proc.state.pid,
            "phys": proc.state.phys, "pagemap": dict(proc.state.pagemap),
            "blocks": sum(1 for k in proc.code if k >= BLOCK_KEY),
            "loops": sum(1 for k, b in proc.code.items() if k >= BLOCK_KEY and "while True:" in b.source)}


def assert_identical(make, max_steps: int = 3_000_000, hot_after: int = 1) -> dict:
    ref = record(make, False, max_steps)
    fast = record(make, True, max_steps, hot_after)
    assert ref["steps"] == fast["steps"]
    assert ref["counts"].shape == fast["counts"].shape and np.array_equal(ref["counts"], fast["counts"])
    a, b = ref["cols"], fast["cols"]
    if a.shape != b.shape or not np.array_equal(a, b):
        n = min(len(a), len(b))
        bad = np.flatnonzero((a[:n] != b[:n]).any(axis=1))
        at = int(bad[0]) if len(bad) else n
        raise AssertionError(f"event {at} differs: interpreter {a[max(0, at - 3):at + 3].tolist()} "
                             f"translated {b[max(0, at - 3):at + 3].tolist()}")
    assert ref["extras"] == fast["extras"]
    for key in ("how", "regs", "exited", "out", "pid", "pagemap"):
        assert ref[key] == fast[key], key
    assert np.array_equal(ref["phys"], fast["phys"])
    return fast


def elf_maker(exe: Path, stdin: bytes = b""):
    def make(translate: bool, out):
        return Process(load_elf(str(exe)), argv=[str(exe)], stdin=stdin, layout="compat",
                       on_output=lambda fd, data: out(data), translate=translate)
    return make


def test_cpu_corpus_identical(tmp_path: Path) -> None:
    rng = random.Random(1234)
    items = [item for item in cases(rng) for _ in range(12)]
    source, _ = program(rng, items)
    fast = assert_identical(elf_maker(build_elf(tmp_path, source)), 5_000_000)
    assert fast["blocks"] > 10


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 1000, 12_345])
def test_step_limits_cut_blocks_identically(tmp_path: Path, limit: int) -> None:
    rng = random.Random(99)
    source, _ = program(rng, [item for item in cases(rng)[:40]])
    assert_identical(elf_maker(build_elf(tmp_path, source)), limit)


@pytest.mark.parametrize("name", ["sieve", "crash_stack_smash", "qsort_cmp"])
def test_hot_threshold_identical(name: str) -> None:
    """As run by default: cold code interpreted, blocks once an eip is hot."""
    path = next(p for p in PROGRAMS if p.stem == name)
    spec = run_spec(path)
    from vmdebug.machine.process import HOT
    assert_identical(c_maker(path, "1", spec.args, spec.stdin), hot_after=HOT)


SELF_MODIFYING = """.intel_syntax noprefix
.globl _start
.text
_start:
  push 7
  call mprot
  mov eax, 10
1:
  mov ecx, eax
patch:
  add ebx, 1
  mov BYTE PTR [patch+2], cl
  dec eax
  jnz 1b
  mov eax, 1
  int 0x80
mprot:
  mov eax, 125
  mov ebx, OFFSET _start
  and ebx, 0xFFFFF000
  mov ecx, 4096
  mov edx, 7
  int 0x80
  xor ebx, ebx
  ret 4
.section .note.GNU-stack,"",@progbits
"""


@pytest.mark.parametrize("hot_after", [1, 3])
def test_code_writes_drop_blocks(tmp_path: Path, hot_after: int) -> None:
    """The loop is one block (a loop's block) that its own write drops, pass after pass."""
    fast = assert_identical(elf_maker(build_elf(tmp_path, SELF_MODIFYING)), 10_000, hot_after)
    assert fast["how"] == "exited"
    assert fast["exited"][0] == (1 + 10 + 9 + 8 + 7 + 6 + 5 + 4 + 3 + 2) & 0xFF


CALLS_IN_A_LOOP = """.intel_syntax noprefix
.globl _start
.text
_start:
  mov ecx, 3000
  xor ebx, ebx
1:
  push ecx
  call add_sq
  add esp, 4
  push ecx
  call twice
  dec ecx
  jnz 1b
  and ebx, 0x7f
  mov eax, 1
  int 0x80
add_sq:
  mov eax, [esp+4]
  imul eax, eax
  add ebx, eax
  mov [buf], ebx
  ret
twice:
  mov eax, [esp+4]
  call inner
  add ebx, eax
  ret 4
inner:
  shl eax, 1
  ret
.data
buf: .long 0
.section .note.GNU-stack,"",@progbits
"""


@pytest.mark.parametrize("limit", [10_000_000, 7, 1001, 23_456])
def test_loop_blocks_through_calls_identical(tmp_path: Path, limit: int) -> None:
    """A loop's block goes into the functions it calls (direct calls, nested, ``ret 4``) and
    back: the frames' events are the interpreter's."""
    fast = assert_identical(elf_maker(build_elf(tmp_path, CALLS_IN_A_LOOP)), limit, hot_after=3)
    if limit > 100_000:
        assert fast["how"] == "exited" and fast["loops"] > 0


@pytest.mark.parametrize("chunk", [1, 2, 7, 64, 1000])
def test_frame_events_across_chunk_edges_identical(tmp_path: Path, chunk: int) -> None:
    """A block makes a call's or ret's frame event in place only while no chunk is due to be
    sealed (the function name's extras index belongs to the open chunk): with chunks of a few
    events, seals fall inside blocks, between a call and its ret.  The chunks themselves -
    where each starts, its steps, events and payloads - are the interpreter's."""
    exe = build_elf(tmp_path, CALLS_IN_A_LOOP.replace("3000", "300"))
    chunks = []
    for translate in (False, True):
        proc = Process(load_elf(str(exe)), argv=[str(exe)], layout="compat", translate=translate,
                       log=EventLog(chunk_events=chunk))
        proc.hot_after = 2
        assert proc.run(1_000_000) == "exited"
        proc.log.seal()
        chunks.append([(c.first_step, c.nsteps, c.nevents, c.extras_base, tuple(c.extras), c.cols.tobytes())
                       for c in proc.log.chunks])
    assert chunks[0] == chunks[1]


LOOPS = ["sieve", "collatz", "qsort_cmp", "crash_stack_smash", "crash_null_write", "crash_div_zero"]


@pytest.mark.parametrize("hot_after", [2, 5])
@pytest.mark.parametrize("name", LOOPS)
def test_loop_blocks_identical(name: str, hot_after: int) -> None:
    """Blocks that are whole loops (built along the side of each branch taken more often
    while interpreted): several passes per call, a branch off the path returning early,
    faults inside a pass."""
    path = next((p for p in PROGRAMS if p.stem == name), None)
    if path is None:
        pytest.skip(f"no cdiff program {name}")
    spec = run_spec(path)
    for opt in ("1", "2"):
        fast = assert_identical(c_maker(path, opt, spec.args, spec.stdin), hot_after=hot_after)
        assert fast["loops"] > 0 or name.startswith("crash_")     # (a crash may come before any loop is hot)


@pytest.mark.parametrize("limit", [5, 99, 4_321, 65_537, 200_003])
def test_step_limits_cut_loop_blocks_identically(limit: int) -> None:
    path = next(p for p in PROGRAMS if p.stem == "sieve")
    spec = run_spec(path)
    fast = assert_identical(c_maker(path, "1", spec.args, spec.stdin), limit, hot_after=3)
    assert fast["steps"] == limit or fast["how"] != "limit"


def c_maker(path: Path, opt: str, args: tuple[str, ...] = (), stdin: bytes = b"", files=None):
    spec = load_program(str(path), opt).spec

    def make(translate: bool, out):
        return Process(spec, argv=[str(path), *args], stdin=stdin, layout="compat", files=files,
                       on_output=lambda fd, data: out(bytes([fd]) + data), translate=translate)
    return make


@pytest.mark.parametrize("opt", ["0", "1", "2"])
@pytest.mark.parametrize("path", CDIFF, ids=lambda p: p.stem)
def test_cdiff_identical(path: Path, opt: str) -> None:
    spec = run_spec(path)
    assert_identical(c_maker(path, opt, spec.args, spec.stdin))


@pytest.mark.parametrize("opt", ["0", "1", "2"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_identical(path: Path, opt: str) -> None:
    line = next((ln for ln in path.read_text().splitlines() if "vmdebug debug " in ln), "")
    files = {Path(p).name: (ROOT / p).read_bytes() for p in re.findall(r"--file (\S+)", line)}
    assert_identical(c_maker(path, opt, files=files), 20_000_000)
