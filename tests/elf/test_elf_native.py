"""``vmdebug elf``: the written executable against ld's output for the same objects.

For each program the ELF written from vmdebug's image is compared with a
native link of the same sources (``vmdebug cc --native`` for C; ``as --32``
and ``ld -m elf_i386 -static`` with the objects vmdebug links for .s): the
real readelf and objdump must accept it silently, every loaded section must
hold ld's bytes at ld's address, the program headers, entry point and symbols
must be ld's, ``objdump -d`` must print what ``vmdebug objdump`` prints, and
it must run on this CPU with the native build's output and status.
"""
from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from gnu_build import elf_sections, gnu_link
from vmdebug.commands.objdump import disassemble, load_image
from vmdebug.libc import asm_files
from vmdebug.toolchain.elf_writer import build_elf, write_elf
from vmdebug.toolchain.image import Image
from vmdebug.toolchain.native import build_native, run_native

ROOT = Path(__file__).resolve().parents[2]

C_PROGRAM = r"""#include <stdio.h>
#include <string.h>

int counter = 3;                 /* .data */
int table[16];                   /* .bss */
static int calls;                /* a local in .bss */
static const char *names[] = {"zero", "one", "two", "three", "four", "five"};

static int classify(int x)       /* a local function */
{
    calls++;
    switch (x) {                 /* a jump table in .rodata at -O0 */
    case 0: return 10;
    case 1: return 21;
    case 2: return 32;
    case 3: return 43;
    case 4: return 54;
    case 5: return 65;
    default: return -1;
    }
}

int main(void)
{
    int sum = 0;
    for (int i = 0; i < 6; i++) {
        table[i] = classify(i);
        sum += table[i];
    }
    printf("%s %d %d %u\n", names[counter], sum, calls, (unsigned)strlen(names[5]));
    return sum % 7;
}
"""

BSS_ONLY = """.intel_syntax noprefix
.globl _start
.text
_start:
    mov eax, 1
    mov ebx, [buf + 4]
    add ebx, 5
    int 0x80
.bss
buf: .zero 64
"""

CALLS_PRINTF = """.intel_syntax noprefix
.section .rodata.str1.1,"aMS",@progbits,1
.LC0: .string "n=%d\\n"
.text
.globl _start
.type _start, @function
_start:
    push 42
    push OFFSET .LC0
    call printf
    add esp, 8
    push 3
    call exit
.size _start, .-_start
.section .note.GNU-stack,"",@progbits
"""


@dataclass
class Case:
    name: str
    image: Image
    ours: Path
    native: Path
    stdout: bytes
    status: int


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)  # type: ignore[call-overload]


def _native_asm(src: Path, out: Path, with_libc: bool) -> Path:
    """as --32 + ld, as vmdebug links: the program, then the libc minus crt0 as an archive
    made by ar (ld takes the members the program needs)."""
    return gnu_link([src], out.parent, out.name, asm_files()[1:] if with_libc else ())


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    tmp = tmp_path_factory.mktemp("elf_native")
    c = tmp / "prog.c"
    c.write_text(C_PROGRAM)
    bss = tmp / "bss_only.s"
    bss.write_text(BSS_ONLY)
    pf = tmp / "calls_printf.s"
    pf.write_text(CALLS_PRINTF)
    out: dict[str, Case] = {}
    builds = {
        "c-O0": (c, "0", lambda p: build_native(c, p, "0")),
        "c-O2": (c, "2", lambda p: build_native(c, p, "2")),
        "recursion-O1": (ROOT / "examples" / "recursion_frames.c", "1",
                         lambda p: build_native(ROOT / "examples" / "recursion_frames.c", p, "1")),
        "hello.s": (ROOT / "examples" / "hello.s", "0", lambda p: _native_asm(ROOT / "examples" / "hello.s", p, False)),
        "bss_only.s": (bss, "0", lambda p: _native_asm(bss, p, False)),
        "calls_printf.s": (pf, "0", lambda p: _native_asm(pf, p, True)),
    }
    for name, (src, level, native) in builds.items():
        image = load_image(str(src), level)
        ours = tmp / f"{name}.ours"
        write_elf(image, ours, comp_dir=str(tmp))
        nat = native(tmp / f"{name}.native")
        ref = run_native(nat)
        out[name] = Case(name, image, ours, nat, ref.stdout, ref.exit_status if ref.signal is None else -ref.signal)
    return out


NAMES = ["c-O0", "c-O2", "recursion-O1", "hello.s", "bss_only.s", "calls_printf.s"]


def _sections(path: Path) -> dict[str, tuple[str, ...]]:
    """Allocated sections from readelf -SW: name -> (type, addr, size, flags, align)."""
    out: dict[str, tuple[str, ...]] = {}
    for line in _run(["readelf", "-SW", str(path)]).stdout.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]{8})\s+([0-9a-f]+)\s+([0-9a-f]+)\s+\S+\s+(\S*A\S*)\s+"
                     r"\d+\s+\d+\s+(\d+)", line)
        if m:
            out[m.group(1)] = (m.group(2), m.group(3), m.group(5), m.group(6), m.group(7))
    return out


def _section_bytes(path: Path, name: str) -> bytes:
    res = subprocess.run(["objcopy", "-O", "binary", f"--only-section={name}", str(path), "/dev/stdout"],
                         capture_output=True)
    assert res.returncode == 0, res.stderr
    return res.stdout


def _symbols(path: Path) -> list[tuple[str, ...]]:
    """(value, size, type, bind, section index, name) of every non-FILE symbol, sorted."""
    rows = []
    for line in _run(["readelf", "-sW", str(path)]).stdout.splitlines():
        parts = line.split()
        if len(parts) == 8 and parts[0].endswith(":") and parts[3] != "FILE" and parts[0] != "0:":
            rows.append(tuple(parts[1:5] + parts[6:8]))
    return sorted(rows)


def _locals(path: Path, mask_files: bool) -> list[tuple[str, ...]]:
    """The local entries in file order (FILE symbols included, names masked if asked)."""
    rows = []
    for line in _run(["readelf", "-sW", str(path)]).stdout.splitlines():
        parts = line.split()
        if len(parts) == 8 and parts[0].endswith(":") and parts[0] != "0:" and parts[4] == "LOCAL":
            rows.append(tuple(parts[1:5] + parts[6:7] + (["?"] if mask_files and parts[3] == "FILE" else parts[7:])))
    return rows


def _program_headers(path: Path) -> tuple[str, list[str]]:
    text = _run(["readelf", "-lW", str(path)]).stdout
    entry = re.search(r"Entry point (0x[0-9a-f]+)", text)
    assert entry is not None
    return entry.group(1), [ln.split() for ln in text.splitlines() if ln.strip().startswith(("LOAD", "GNU_STACK"))]


@pytest.mark.parametrize("name", NAMES)
def test_readelf_and_objdump_accept_it_silently(cases: dict[str, Case], name: str) -> None:
    case = cases[name]
    for cmd in (["readelf", "-a", "-W"], ["objdump", "-d", "-M", "intel"], ["objdump", "-x"]):
        res = _run([*cmd, str(case.ours)])
        assert res.returncode == 0 and res.stderr == "", (cmd, res.stderr)
        assert "Warning" not in res.stdout and "warning" not in res.stdout, cmd
    header = _run(["readelf", "-h", str(case.ours)]).stdout
    assert re.search(r"Type:\s+EXEC", header) and re.search(r"Machine:\s+Intel 80386", header)
    assert re.search(r"Class:\s+ELF32", header)


@pytest.mark.parametrize("name", NAMES)
def test_loaded_sections_are_lds_bytes(cases: dict[str, Case], name: str) -> None:
    case = cases[name]
    ours, ref = _sections(case.ours), _sections(case.native)
    assert ours == ref
    for sec, (kind, *_rest) in ref.items():
        if kind != "NOBITS":
            assert _section_bytes(case.ours, sec) == _section_bytes(case.native, sec), sec
    # ... and they are the bytes the simulator loads.
    for sec in case.image.sections:
        if sec.type != "nobits":
            assert _section_bytes(case.ours, sec.name) == case.image.read(sec.address, sec.size), sec.name


@pytest.mark.parametrize("name", ["c-O0", "c-O2", "recursion-O1"])
def test_debug_sections_are_the_native_builds(cases: dict[str, Case], name: str) -> None:
    """gcc's DWARF, assembled and linked by vmdebug, is the native build's byte for byte; only
    crt0 (hand-written, no DWARF of its own) adds a unit at the end of four sections."""
    case = cases[name]
    ref = {n: v for n, v in elf_sections(case.native).items() if n.startswith(".debug") or n == ".comment"}
    ours = {n: v for n, v in elf_sections(case.ours).items() if n.startswith(".debug") or n == ".comment"}
    assert set(ref) <= set(ours) and {".debug_info", ".debug_frame", ".debug_str"} <= set(ref)
    for sec, (kind, flags, data, _addr, _size) in ref.items():
        mine = ours[sec]
        assert (mine[0], mine[1]) == (kind, flags), sec
        if sec in (".debug_info", ".debug_abbrev", ".debug_line", ".debug_aranges"):
            assert mine[2][:len(data)] == data and len(mine[2]) > len(data), sec   # + crt0's unit
        else:
            assert mine[2] == data, sec
        assert case.image.debug[sec] == data, sec


@pytest.mark.parametrize("name", NAMES)
def test_program_headers_entry_and_symbols_are_lds(cases: dict[str, Case], name: str) -> None:
    case = cases[name]
    assert _program_headers(case.ours) == _program_headers(case.native)
    assert _symbols(case.ours) == _symbols(case.native)
    # Locals in ld's order, each input's after its FILE symbol (gcc's .file name; for
    # hand-written assembly ld names the object file, which has no counterpart here).
    assert _locals(case.ours, name.endswith(".s")) == _locals(case.native, name.endswith(".s"))
    # The loaded header page is the image's (only e_shoff/e_shnum/e_shstrndx are filled in).
    first = case.image.segments[0].data
    data = case.ours.read_bytes()
    assert data[:0x20] == first[:0x20] and data[0x24:0x30] == first[0x24:0x30]
    assert data[0x34:len(first)] == first[0x34:]


@pytest.mark.parametrize("name", NAMES)
def test_objdump_prints_what_vmdebug_objdump_prints(cases: dict[str, Case], name: str) -> None:
    case = cases[name]
    ours = _run(["objdump", "-d", "-M", "intel", str(case.ours)]).stdout.splitlines()[2:]
    buf = io.StringIO()
    disassemble(case.image, buf, "x")
    assert ours == buf.getvalue().splitlines()[2:]
    assert ours == _run(["objdump", "-d", "-M", "intel", str(case.native)]).stdout.splitlines()[2:]


@pytest.mark.parametrize("name", NAMES)
def test_runs_natively_like_the_native_build(cases: dict[str, Case], name: str) -> None:
    case = cases[name]
    res = run_native(case.ours)
    assert (res.stdout, res.exit_status, res.signal) == (case.stdout, case.status, None)


def test_expected_outputs(cases: dict[str, Case]) -> None:
    """The reference builds themselves behave as the programs say (so the comparisons mean something)."""
    assert cases["c-O0"].stdout == b"three 225 6 4\n" and cases["c-O0"].status == 225 % 7
    assert cases["c-O2"].stdout == cases["c-O0"].stdout
    assert cases["hello.s"].stdout == b"Hello, world!\n"
    assert cases["bss_only.s"].status == 5
    assert (cases["calls_printf.s"].stdout, cases["calls_printf.s"].status) == (b"n=42\n", 3)


def test_same_image_same_bytes(cases: dict[str, Case]) -> None:
    case = cases["c-O2"]
    assert build_elf(case.image, "/somewhere") == build_elf(case.image, "/somewhere")
    again = Image.from_dict(case.image.to_dict())          # as a session stores it
    assert build_elf(again, "/somewhere") == build_elf(case.image, "/somewhere")
    stripped = build_elf(case.image, debug=False)
    assert b".debug_line" not in stripped and b".debug_line" in case.ours.read_bytes()


@pytest.mark.parametrize("kinds", [(), ("data",), ("bss",), ("rodata",), ("rodata", "data"), ("rodata", "bss"),
                                   ("rodata", "data", "bss")])
def test_linker_symbols_get_lds_sections(tmp_path: Path, kinds: tuple[str, ...]) -> None:
    """_edata/__bss_start/_end when .data or .bss is missing: ld moves them to a nearby section."""
    body = {"data": ".data\nd: .long 1\n", "bss": ".bss\nb: .zero 8\n", "rodata": ".section .rodata\nr: .long 2\n"}
    src = tmp_path / "v.s"
    src.write_text(".intel_syntax noprefix\n.globl _start\n.text\n_start: mov eax, 1\n int 0x80\n"
                   + "".join(body[k] for k in kinds))
    native = _native_asm(src, tmp_path / "v", False)
    ours = tmp_path / "v.ours"
    write_elf(load_image(str(src)), ours)
    assert _symbols(ours) == _symbols(native)
    assert _sections(ours) == _sections(native)
    assert _run(["readelf", "-a", "-W", str(ours)]).stderr == ""
