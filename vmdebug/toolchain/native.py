"""The native twin: the same C program, with the same libc, for the real CPU.

``build_native`` compiles the user's file with the simulator's gcc flags
(``-c`` instead of ``-S -masm=intel``), assembles crt0.s and the shipped
libc assembly with GNU ``as --32``, puts the libc in an archive with ``ar``
and links with ``ld -m elf_i386 -static -e _start``, which takes the libc's
members the program needs, as vmdebug's own linker does.  The result runs on this machine's
kernel, so a simulated run can be compared with real hardware byte for byte.

``run_native`` runs such an executable and reports stdout, stderr, the
exit status and the signal that killed it, for tests and comparisons.
"""
from __future__ import annotations

import re
import resource
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from events.record import Frozen
from events.files import write_atomic
from vmdebug.errors import UserError
from vmdebug.libc import asm_files
from vmdebug.toolchain.gcc import check_opt_level, compile_place, gcc_command, run_gcc


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise UserError(f"{name} was not found on PATH: the native build needs gcc, as, ar and ld (binutils)")
    return path


def _run(argv: list[str], what: str) -> None:
    proc = subprocess.run(argv, capture_output=True, text=True)
    if proc.returncode != 0:
        raise UserError(f"{what} failed: {proc.stderr.strip() or 'exit status ' + str(proc.returncode)}")


def assemble(s_path: Path, o_path: Path) -> None:
    """GNU as in 32-bit mode; the files select Intel syntax themselves."""
    _run([_tool("as"), "--32", "-o", str(o_path), str(s_path)], f"as {s_path.name}")


def libc_objects(workdir: Path) -> list[Path]:
    """Assembles crt0.s and the libc into ``workdir`` (crt0.o first)."""
    objects = []
    for index, s_path in enumerate(asm_files()):
        o_path = workdir / f"libc{index:02d}_{s_path.stem}.o"
        assemble(s_path, o_path)
        objects.append(o_path)
    return objects


_START_LABEL = re.compile(r"^\s*_start\s*:", re.M)


def build_native(source: str | Path, out: str | Path, opt_level: str = "0") -> Path:
    """Builds ``source`` (.c, or an Intel-syntax .s) into the static i386 ELF ``out``.

    An assembly file is read as Intel syntax (``.intel_syntax noprefix`` is
    put in front, as vmdebug's assembler only knows Intel syntax); if it
    defines its own ``_start`` it is linked without crt0, else crt0 calls
    its ``main``.  The libc is linked as an archive in either case.

    Raises UserError on a missing file or tool; a C compile error raises
    CompilerError carrying gcc's stderr.
    """
    src = Path(source)
    if not src.is_file():
        raise UserError(f"{source}: no such file")
    level = check_opt_level(opt_level)
    out_path = Path(out)
    with tempfile.TemporaryDirectory(prefix="vmdebug-native-") as tmp:
        work = Path(tmp)
        user_obj = work / "user.o"
        own_start = False
        if src.suffix == ".c":
            argv = gcc_command(src, level, ("-c",))
            argv[-1:-1] = ["-o", str(user_obj)]
            run_gcc(argv, warnings=True, cwd=compile_place(src).cwd, source=source)
        elif src.suffix in (".s", ".asm"):
            intel = work / "intel_syntax.s"
            intel.write_text(".intel_syntax noprefix\n")
            # GNU as reads several input files as one stream, keeping each
            # file's own line numbers in its messages.
            _run([_tool("as"), "--32", "-o", str(user_obj), str(intel), str(src)], f"as {src.name}")
            own_start = _START_LABEL.search(src.read_text(errors="replace")) is not None
        else:
            raise UserError(f"{source}: expected a .c or .s file")
        objects = libc_objects(work)
        crt0, rest = objects[0], objects[1:]
        first = [] if own_start else [str(crt0)]
        # The libc as a static archive: ld takes the members the program needs, as
        # vmdebug's linker does (vmdebug.toolchain.link.archive_order).
        archive = work / "libc.a"
        _run([_tool("ar"), "rcs", str(archive), *map(str, rest)], "ar")
        linked = work / "a.out"
        _run([_tool("ld"), "-m", "elf_i386", "-static", "-e", "_start", "-o", str(linked),
              *first, str(user_obj), str(archive)], "ld")
        write_atomic(out_path, linked.read_bytes(), executable=True)     # whole or not at all
    return out_path


class NativeResult(Frozen):
    """What a native run produced; ``signal`` is set when a signal killed it."""

    __slots__ = ("stdout", "stderr", "exit_status", "signal")

    def __init__(self, stdout: bytes, stderr: bytes, exit_status: int | None, signal: int | None) -> None:
        object.__setattr__(self, "stdout", stdout)
        object.__setattr__(self, "stderr", stderr)
        object.__setattr__(self, "exit_status", exit_status)
        object.__setattr__(self, "signal", signal)

    @property
    def signal_name(self) -> str | None:
        return signal.Signals(self.signal).name if self.signal is not None else None


# The usual default stack limit of Linux shells (RLIMIT_STACK = 8 MiB): with
# an unlimited stack, unbounded recursion would eat gigabytes before faulting.
NATIVE_STACK_LIMIT = 8 * 1024 * 1024


def _limit_stack() -> None:
    resource.setrlimit(resource.RLIMIT_STACK, (NATIVE_STACK_LIMIT, NATIVE_STACK_LIMIT))


def run_native(exe: str | Path, args: list[str] | None = None, stdin: bytes = b"",
               env: dict[str, str] | None = None, timeout: float = 20.0) -> NativeResult:
    """Runs a native executable with ``args`` (argv[1:]), feeding ``stdin``.

    ``env`` defaults to an empty environment and the stack is limited to
    8 MiB, so runs are reproducible whatever the caller's shell settings.
    """
    proc = subprocess.run([str(exe), *(args or [])], input=stdin, capture_output=True,
                          env={} if env is None else env, timeout=timeout, preexec_fn=_limit_stack)
    if proc.returncode < 0:
        return NativeResult(proc.stdout, proc.stderr, None, -proc.returncode)
    return NativeResult(proc.stdout, proc.stderr, proc.returncode, None)
