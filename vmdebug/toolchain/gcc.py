"""The C front end: the system gcc turns a user's C file into Intel-syntax
assembly for vmdebug's own assembler.

The flags are fixed (issue #5): 32-bit, Intel syntax, with ``-g`` so gcc
writes its full DWARF (types, variables, scopes, frames) and the ``.loc``
rows that ``step``/``next``/``list`` use; freestanding against vmdebug's
libc headers (there is no 32-bit glibc); no PIC/PIE, stack protector or CET
so the code is the plain cdecl code a course shows; call frame information
in ``.debug_frame``, not ``.eh_frame`` (``-fno-asynchronous-unwind-tables``).

No path of the compiling machine goes into the output, so a program gives
the same bytes from any directory and any install: gcc runs in the
directory the file is named relative to (:func:`compile_place`) and
``-fdebug-prefix-map`` records that directory as ``/vmdebug/src``
(PROGRAM_DEBUG_ROOT) and the libc's files under ``/vmdebug/libc`` (the last
map that matches wins in gcc, so the libc's comes last).  The compilation
directory is absolute on purpose: gdb then names the main file as it was
given (``prog.c``, not ``./prog.c``), and still finds it from the directory
it was compiled in (its source path ends in ``$cwd``).

Floating point is SSE2 (``-msse2 -mfpmath=sse``), which the simulated CPU has,
with the x87 subset the i386 ABI still needs.  Assembly that needs an
instruction the CPU lacks (long double's transcendental instructions, say) is
rejected here with the instruction, its function and C file and line, rather
than failing obscurely later.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TextIO

from events.record import Frozen
from vmdebug.errors import UserError
from vmdebug.libc import LIBC_DEBUG_ROOT, LIBC_DIR, include_dir

OPT_LEVELS = ("0", "1", "2", "3", "s", "g")

#: The compilation directory of a user's program in debug information and sessions.
PROGRAM_DEBUG_ROOT = "/vmdebug/src"

# Everything but -O, the output mode and -I; shared with the native build.
COMMON_FLAGS = (
    "-m32",
    "-ffreestanding",
    "-nostdinc",
    "-fno-pic",
    "-fno-pie",
    "-fno-stack-protector",
    "-fcf-protection=none",
    "-fno-asynchronous-unwind-tables",
    # Floating point in SSE2 registers, as IEEE single and double (issue #16): the x87 stays
    # for what the i386 ABI still puts there (return values, long long conversions).  No
    # vectorizer and no scalar-to-vector pass (-mno-stv), so integer code stays scalar and
    # the simulated set is the scalar SSE2 one; the native twin gets the same flags.
    "-msse2",
    "-mfpmath=sse",
    "-mno-stv",
    "-fno-tree-vectorize",
)

NO_GCC_MESSAGE = (
    "gcc was not found on PATH, so C files cannot be compiled; "
    "assembly (.s) files still work without it"
)


class CompilerError(UserError):
    """gcc rejected the program; ``stderr`` is exactly what gcc printed."""

    def __init__(self, stderr: str) -> None:
        super().__init__(stderr.rstrip("\n") or "gcc failed")
        self.stderr = stderr


class NotSimulatedError(UserError):
    """gcc emitted an instruction the simulated CPU does not have (long double
    transcendental functions, say)."""


def check_opt_level(opt_level: str) -> str:
    """Validates an -O level given as "0".."3", "s" or "g" (with or without "-O")."""
    level = str(opt_level)
    if level.startswith("-O"):
        level = level[2:]
    if level not in OPT_LEVELS:
        raise UserError(f"unknown optimisation level {opt_level!r}: use one of {', '.join(OPT_LEVELS)}")
    return level


def find_gcc() -> str:
    """Path of the system gcc, or a UserError saying .s files still work."""
    gcc = shutil.which("gcc")
    if gcc is None:
        raise UserError(NO_GCC_MESSAGE)
    return gcc


class CompilePlace(Frozen):
    """Where gcc runs for a C file and the name it is given there (what DWARF and gdb show)."""

    __slots__ = ("cwd", "name")

    def __init__(self, cwd: Path, name: str) -> None:
        object.__setattr__(self, "cwd", cwd)
        object.__setattr__(self, "name", name)


def compile_place(c_path: str | Path) -> CompilePlace:
    """A relative path below the current directory is compiled from here, as typed (so
    locations read ``examples/x.c:12`` as with a plain ``gcc examples/x.c``); any other
    file from its own directory, by its bare name."""
    path = Path(c_path)
    if not path.is_absolute() and ".." not in path.parts:
        return CompilePlace(Path.cwd(), path.as_posix())
    full = Path(os.path.abspath(path))
    return CompilePlace(full.parent, full.name)


def gcc_command(c_path: str | Path, opt_level: str, mode: tuple[str, ...]) -> list[str]:
    """The gcc argument list for the simulator (mode ``-S``) or the native
    twin (mode ``-c``): identical but for the output mode, so both carry the
    same DWARF.  Run it
    in ``compile_place(c_path).cwd``."""
    place = compile_place(c_path)
    return [
        find_gcc(),
        *COMMON_FLAGS[:1],
        *mode,
        "-masm=intel",          # for -c too: gcc records its options in DW_AT_producer
        "-g",
        f"-O{check_opt_level(opt_level)}",
        *COMMON_FLAGS[1:],
        f"-fdebug-prefix-map={place.cwd}={PROGRAM_DEBUG_ROOT}",
        f"-fdebug-prefix-map={LIBC_DIR}={LIBC_DEBUG_ROOT}",
        "-I",
        str(include_dir()),
        place.name,
    ]


def run_gcc(argv: list[str], warnings: TextIO | bool, cwd: str | Path | None = None,
            source: str | Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """Runs gcc (in ``cwd``); a failure raises CompilerError with gcc's stderr verbatim.

    Warnings of a successful compile go to ``warnings``: a stream, True for
    the current ``sys.stderr``, False to drop them.  When gcc was given the
    file by another name than the user's ``source`` (compile_place), its
    messages name the file as the user did."""
    proc = subprocess.run(argv, capture_output=True, cwd=cwd, stdin=subprocess.DEVNULL)
    err = proc.stderr.decode("utf-8", "replace")
    if source is not None and err:
        err = _as_typed(err, compile_place(source).name, str(source))
    if proc.returncode != 0:
        raise CompilerError(err)
    if err and warnings is not False:
        stream = sys.stderr if warnings is True else warnings
        stream.write(err)
        stream.flush()
    return proc


def _as_typed(text: str, given: str, typed: str) -> str:
    """gcc's diagnostics with the file name it was given replaced by the one the user typed
    (at the start of a line and after "In file included from")."""
    if given == typed:
        return text
    pattern = re.compile(r"(^|(?<=from ))" + re.escape(given) + r"(?=:)", re.M)
    return pattern.sub(lambda m: m.group(1) + typed, text)


def compile_to_asm(c_path: str | Path, opt_level: str = "0", warnings: TextIO | bool = True) -> str:
    """Compiles one C file to Intel-syntax assembly text for the simulator.

    gcc's warnings are shown as gcc printed them (see run_gcc).  Raises
    UserError if the file is missing, gcc is absent, gcc fails
    (CompilerError, carrying gcc's stderr) or the code needs an instruction the CPU
    does not have (NotSimulatedError).
    """
    path = Path(c_path)
    if not path.is_file():
        raise UserError(f"{c_path}: no such file")
    argv = gcc_command(path, opt_level, ("-S",))
    argv[-1:-1] = ["-o", "-"]
    proc = run_gcc(argv, warnings, compile_place(path).cwd, c_path)
    text = proc.stdout.decode("utf-8", "replace")
    check_simulated(text, c_path)
    return text


_LABEL = re.compile(r"^([A-Za-z_.$][\w.$@]*|\d+):")
_LOC = re.compile(r"^\s*\.loc\s+(\d+)\s+(\d+)")
_FILE = re.compile(r'^\s*\.file\s+(\d+)\s+"([^"]*)"(?:\s+"([^"]*)")?')


def _known(mnemonic: str, operands: str) -> bool:
    from vmdebug.isa.table import ALIASES, BY_MNEMONIC, SSE_PREDICATE_OPS, STRING_SUFFIXED, X87_IMPLIED

    name = ALIASES.get(mnemonic, mnemonic)
    return (name in BY_MNEMONIC or name in SSE_PREDICATE_OPS or name in X87_IMPLIED
            or (mnemonic in STRING_SUFFIXED and not operands))


def find_unsimulated(asm_text: str) -> tuple[str, str | None, str | None, int | None] | None:
    """The first instruction in gcc output that the simulated CPU does not have, with its
    function, source file and line (from the preceding ``.loc``), or None."""
    function: str | None = None
    line: int | None = None
    file: str | None = None
    files: dict[int, str] = {}
    for raw in asm_text.splitlines():
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        label = _LABEL.match(text)
        if label:
            name = label.group(1)
            if not name.startswith(".L"):
                function, line, file = name, None, None
            text = text[label.end():].strip()
            if not text:
                continue
        declared = _FILE.match(text)
        if declared:
            files[int(declared.group(1))] = declared.group(2)
            continue
        loc = _LOC.match(text)
        if loc:
            file, line = files.get(int(loc.group(1))), int(loc.group(2))
            continue
        if text.startswith("."):
            continue
        words = text.split(None, 1)
        mnemonic = words[0].lower()
        operands = words[1].lower() if len(words) > 1 else ""
        if mnemonic in ("rep", "repz", "repe", "repnz", "repne", "lock") and operands:
            inner = operands.split(None, 1)
            mnemonic, operands = inner[0], inner[1] if len(inner) > 1 else ""
        if not _known(mnemonic, operands):
            return " ".join(text.split()), function, file, line
    return None


def check_simulated(asm_text: str, c_path: str | Path | None = None) -> None:
    """Raises the one-line "not simulated" UserError for the first instruction the CPU
    lacks, naming the C file and line it came from, e.g. ``prog.c:7: in function f: the
    x87 instruction `fsin` is not simulated (long double arithmetic beyond + - * / and
    conversions); use double``."""
    found = find_unsimulated(asm_text)
    if found is None:
        return
    insn, function, file, line = found
    if file is not None and c_path is not None and Path(file).name == Path(c_path).name:
        file = str(c_path)
    where = f"{file}:{line}: " if file and line else (f"{c_path}: " if c_path else "")
    if function:
        where += f"in function {function}: "
    mnemonic = insn.split()[0]
    if mnemonic.startswith("f"):
        what = (f"the x87 instruction `{insn}` is not simulated (long double arithmetic beyond "
                "loads, stores, conversions, comparisons and + - * /); use double")
    else:
        what = f"the instruction `{insn}` is not simulated"
    raise NotSimulatedError(where + what)
