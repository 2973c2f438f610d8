"""Every examples/*.c program, built natively at -O0, -O1 and -O2, does what
the "Expected outcome" block of its header comment says: exact stdout and
exit status, or death by the named signal.  Native behaviour is the
reference the simulator is compared against."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from vmdebug.toolchain.native import build_native, run_native

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONCEPTS = ["recursion_frames", "heap_brk", "calloc_zero", "use_after_free", "heap_overflow", "null_deref",
            "stack_overflow", "stack_smash", "rodata_write", "past_brk", "mmap_anon", "demand_paging",
            "fork_cow", "shared_pipe", "catch_segv", "setjmp_unwind", "average"]
CRASHING = {"null_deref", "stack_overflow", "stack_smash", "rodata_write", "past_brk"}


@dataclass(frozen=True)
class Outcome:
    stdout: str
    exit_status: int | None
    signal: str | None


def documented_outcome(source: str) -> Outcome:
    """Parses the header comment: ``*   | line`` is stdout, then
    ``*   exit status N`` or ``*   killed by SIGNAME``."""
    header = source.split("*/", 1)[0]
    block = header.split("Expected outcome", 1)[1]
    lines = []
    status = signal = None
    for raw in block.splitlines()[1:]:
        text = raw.strip().lstrip("*").strip()
        if text.startswith("|"):
            lines.append(text[2:] if len(text) > 1 else "")
        elif m := re.fullmatch(r"exit status (\d+)", text):
            status = int(m.group(1))
        elif m := re.fullmatch(r"killed by (SIG[A-Z]+)", text):
            signal = m.group(1)
    assert (status is None) != (signal is None), "outcome needs exactly one of exit status / killed by"
    return Outcome("".join(line + "\n" for line in lines), status, signal)


def example_files(source: str) -> list[Path]:
    """The files an example's ``vmdebug debug --file PATH ... examples/X.c`` line gives it."""
    line = next((ln for ln in source.splitlines() if "vmdebug debug " in ln), "")
    return [EXAMPLES.parent / p for p in re.findall(r"--file (\S+)", line)]


def test_every_concept_has_an_example_and_nothing_else() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.c")) == sorted(CONCEPTS)
    readme = (EXAMPLES / "README.md").read_text()
    for name in CONCEPTS:
        assert f"{name}.c" in readme


@pytest.mark.parametrize("name", CONCEPTS)
def test_header_says_what_to_look_at_and_what_to_try(name: str) -> None:
    header = (EXAMPLES / f"{name}.c").read_text().split("*/", 1)[0]
    assert header.startswith(f"/* {name}.c - ")
    assert "What to look at:" in header and "Try:" in header
    assert re.search(rf"vmdebug debug (--file \S+ )*examples/{name}\.c", header)
    outcome = documented_outcome(header + "*/")
    assert (outcome.signal == "SIGSEGV") == (name in CRASHING)


@pytest.mark.parametrize("opt", ["0", "1", "2"])
@pytest.mark.parametrize("name", CONCEPTS)
def test_example_outcome_natively(name: str, opt: str, tmp_path: Path) -> None:
    source = EXAMPLES / f"{name}.c"
    expected = documented_outcome(source.read_text())
    # A file the simulator's --file gives the program by its name is named by its path natively.
    files = [str(f) for f in example_files(source.read_text())]
    result = run_native(build_native(source, tmp_path / name, opt), files)
    assert result.stdout.decode() == expected.stdout
    assert result.signal_name == expected.signal
    assert result.exit_status == expected.exit_status
    if name == "heap_overflow":
        assert result.stderr.decode().startswith("malloc: corrupted chunk header at 0x")
        assert "(header 0x41414141)" in result.stderr.decode()


# si_code values from include/uapi/asm-generic/siginfo.h.
SEGV_MAPERR = 1  # address not mapped
SEGV_ACCERR = 2  # mapped, but the access is not allowed


def native_siginfo(exe: Path) -> tuple[int, int, str]:
    """(si_signo, si_code, si_addr) of the signal that stops ``exe`` under gdb."""
    import resource
    import subprocess

    def limit_stack() -> None:
        resource.setrlimit(resource.RLIMIT_STACK, (8 << 20, 8 << 20))

    proc = subprocess.run(
        ["gdb", "-nx", "-batch", "-ex", "run", "-ex", "p $_siginfo.si_signo", "-ex", "p $_siginfo.si_code",
         "-ex", "p/x (unsigned)$_siginfo._sifields._sigfault.si_addr", str(exe)],
        capture_output=True, text=True, timeout=60, preexec_fn=limit_stack)
    values = re.findall(r"^\$\d+ = (\S+)$", proc.stdout, re.M)
    assert len(values) == 3, proc.stdout + proc.stderr
    return int(values[0]), int(values[1]), values[2]


@pytest.mark.parametrize("opt", ["0", "2"])
@pytest.mark.parametrize(
    ("name", "code", "address"),
    [
        ("null_deref", SEGV_MAPERR, "0x0"),
        ("stack_smash", SEGV_MAPERR, "0x41414141"),
        ("rodata_write", SEGV_ACCERR, None),
        ("past_brk", SEGV_MAPERR, "page"),
        ("stack_overflow", SEGV_MAPERR, None),
    ],
)
def test_crashing_examples_fault_for_the_documented_reason(name: str, code: int, address: str | None, opt: str,
                                                           tmp_path: Path) -> None:
    exe = build_native(EXAMPLES / f"{name}.c", tmp_path / name, opt)
    signo, si_code, si_addr = native_siginfo(exe)
    assert signo == 11  # SIGSEGV
    assert si_code == code
    if address == "page":
        assert int(si_addr, 16) % 4096 == 0
    elif address is not None:
        assert si_addr == address
