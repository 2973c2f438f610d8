"""What a command imports (issue #17): `vmdebug --version` and `--help` load none of the heavy
libraries, `run` of a short program loads neither numpy nor pydantic nor prompt_toolkit nor
pyelftools, and every command still has its full parser when it is the one given.  A structural check, read from ``python -X importtime``; it
times nothing."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "pydantic", "prompt_toolkit", "elftools")


def imported_modules(*args: str, cwd: Path = ROOT) -> set[str]:
    """Every module ``vmdebug ARGS`` imports."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "vmdebug", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)$", proc.stderr, re.M)
    assert names, proc.stderr[-2000:]
    return set(names)


def imported(*args: str, cwd: Path = ROOT) -> set[str]:
    """The top-level packages ``vmdebug ARGS`` imports."""
    return {name.split(".")[0] for name in imported_modules(*args, cwd=cwd)}


@pytest.mark.parametrize("args", [("--version",), ("--help",), ()], ids=["version", "help", "bare"])
def test_version_and_help_import_nothing_heavy(args: tuple[str, ...]) -> None:
    loaded = imported(*args)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert "vmdebug" in loaded


@pytest.mark.parametrize("example", ["hello.s", "recursion_frames.c"])
def test_a_short_run_loads_nothing_heavy(example: str, tmp_path: Path) -> None:
    """Physical memory is an mmap and the log seals no chunk in a short run, so numpy is
    never imported (events/lazy.py); a run without -o links no DWARF (no pyelftools)."""
    loaded = imported("run", str(ROOT / "examples" / example), cwd=tmp_path)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_run_of_a_program_that_exits_loads_no_dwarf_schema_or_diagnosis(tmp_path: Path) -> None:
    """The event models' constraints (annotated_types), the DWARF symbol classes and the
    diagnosis of a killed run are loaded when first needed, not by every ``run``."""
    loaded = imported_modules("run", str(ROOT / "examples" / "hello.s"), cwd=tmp_path)
    unwanted = {"annotated_types", "vmdebug.debuginfo.symbols", "vmdebug.debuginfo.ctype",
                "vmdebug.replay.diagnosis"}
    assert not loaded & unwanted, sorted(loaded & unwanted)


def test_record_writes_its_header_without_pydantic(tmp_path: Path) -> None:
    """A header is validated where one is read (events/header.py), not by the writer."""
    loaded = imported("record", "-o", str(tmp_path / "h.vmlog"), str(ROOT / "examples" / "hello.s"), cwd=tmp_path)
    assert "pydantic" not in loaded and "pydantic_core" not in loaded


def test_opening_a_session_loads_no_cpu_and_no_pydantic_models(tmp_path: Path) -> None:
    """``debug`` on a session folds recorded events: the instruction tables, the CPU and the
    kernel are not imported, nor pydantic (a sound header passes events.header.surely_valid;
    only a doubtful one goes to pydantic-core), and numpy's masked arrays are not dragged in
    by numpy.unique."""
    session = tmp_path / "r.vmlog"
    subprocess.run([sys.executable, "-m", "vmdebug", "record", "-o", str(session),
                    str(ROOT / "examples" / "recursion_frames.c")], capture_output=True, cwd=tmp_path,
                   timeout=300, check=True)
    loaded = imported_modules("debug", "-batch", "-ex", "break main", "-ex", "record goto end",
                              "-ex", "reverse-continue", "-ex", "bt", str(session), cwd=tmp_path)
    unwanted = {"vmdebug.isa.table", "vmdebug.machine.cpu", "vmdebug.machine.process", "vmdebug.machine.kernel",
                "pydantic", "pydantic_core", "numpy.ma"}
    assert not loaded & unwanted, sorted(loaded & unwanted)
    assert "numpy._core" in loaded and "elftools" in {name.split(".")[0] for name in loaded}


def test_the_cli_keeps_openblas_to_one_thread() -> None:
    """numpy's OpenBLAS would start a thread per core at import (vmdebug does no linear algebra);
    a value the user set is kept."""
    code = "import os, vmdebug.cli; print(os.environ['OPENBLAS_NUM_THREADS'])"
    env = {k: v for k, v in __import__("os").environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=60)
    assert out.stdout.strip() == "1", out.stderr
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**env, "OPENBLAS_NUM_THREADS": "3"}, timeout=60)
    assert out.stdout.strip() == "3", out.stderr


def test_each_command_gets_its_own_full_parser() -> None:
    from vmdebug.commands import COMMANDS

    for name in COMMANDS:
        proc = subprocess.run([sys.executable, "-m", "vmdebug", name, "--help"], capture_output=True, text=True,
                              cwd=ROOT, timeout=60)
        assert proc.returncode == 0, (name, proc.stderr)
        assert proc.stdout.startswith(f"usage: vmdebug {name} "), (name, proc.stdout[:200])
        assert "-h, --help" in proc.stdout, name
    # Unknown commands are still refused by name, with every command listed.
    proc = subprocess.run([sys.executable, "-m", "vmdebug", "frobnicate"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 2
    assert "invalid choice: 'frobnicate'" in proc.stderr and "'serve'" in proc.stderr


def test_the_layout_names_the_options_offer_are_the_machines() -> None:
    from vmdebug.machine.layout import LAYOUTS
    from vmdebug.machine.limits import LAYOUT_NAMES

    assert LAYOUT_NAMES == tuple(sorted(LAYOUTS))
