"""The real gdb 13 (batch mode) against ``vmdebug serve`` on a C program, with the ELF from
``vmdebug elf``: source lines, breakpoints, stepi both ways, a SIGSEGV and reverse-continue,
watchpoints in reverse, backtraces, memory and registers compared with vmdebug's own REPL."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from gdbsutil import C_PROGRAM, ServeProcess, gdb, line_of, vmdebug_batch, write_program

COUNT, CALL, CRASH = line_of("COUNT"), line_of("CALL"), line_of("CRASH")


class Env:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.src, self.elf = write_program(tmp, "prog.c", C_PROGRAM)
        self.server = ServeProcess(tmp, "prog.c")

    def gdb(self, *commands: str) -> str:
        return gdb(self.elf, self.server.port, *commands, cwd=self.tmp)

    def repl(self, *commands: str) -> str:
        return vmdebug_batch(self.tmp, "prog.c", *commands)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    e = Env(tmp_path_factory.mktemp("gdbc"))
    yield e
    e.server.close()


def _objdump_addresses(elf: Path, func: str) -> list[int]:
    """Instruction addresses of one function, from binutils' disassembly of the same ELF."""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(elf)], capture_output=True, text=True,
                         check=True).stdout
    body = out.split(f"<{func}>:\n", 1)[1].split("\n\n", 1)[0]
    return [int(m.group(1), 16) for m in re.finditer(r"^\s*([0-9a-f]+):", body, re.M)]


def _pcs(text: str) -> list[int]:
    return [int(m.group(1), 16) for m in re.finditer(r"^\$\d+ = \(void \(\*\)\(\)\) (0x[0-9a-f]+)", text, re.M)]


def _registers(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if re.match(r"^(e[a-z]{2}|eflags|[c-gs]s) +0x", ln)]


def test_connects_at_the_entry_with_source_lines(env: Env) -> None:
    out = env.gdb("info registers", "list fact", "info line fact")
    # crt0's _start, with its assembly source line: gdb found the libc sources through the DWARF.
    assert re.search(r"^_start \(\) at .*crt0\.s:\d+\n\d+\t", out, re.M), out
    assert f"{COUNT}\t    counter = counter + 1;          /* COUNT */" in out
    assert "int fact(int n)" in out
    assert "Remote communication error" not in out and "warning" not in out.lower()
    assert _registers(out) == _registers(env.repl("info registers"))      # step 0 in both
    assert len(_registers(out)) == 16


def test_breakpoint_stepi_and_reverse_stepi(env: Env) -> None:
    out = env.gdb("break fact", "continue", "p $pc", "stepi", "p $pc", "stepi", "p $pc", "stepi", "p $pc",
                  "reverse-stepi", "p $pc", "reverse-stepi", "p $pc", "reverse-stepi", "p $pc")
    assert f"Breakpoint 1, fact (n=5) at prog.c:{COUNT}\n{COUNT}\t    counter = counter + 1;" in out
    addrs = _objdump_addresses(env.elf, "fact")
    pcs = _pcs(out)
    k = addrs.index(pcs[0])
    assert k > 0                                                   # past the prologue
    assert pcs == addrs[k:k + 4] + addrs[k:k + 3][::-1]


def test_registers_agree_with_vmdebug_at_the_same_step(env: Env) -> None:
    mine = env.gdb("break fact", "continue", "continue", "info registers")
    theirs = env.repl("break fact", "run", "continue", "info registers")
    assert _registers(mine) == _registers(theirs)
    assert "eip            0x" in mine and "<fact+" in mine
    # ... and at the fault, after going back there.
    mine = env.gdb("continue", "reverse-stepi", "stepi", "stepi", "info registers")
    theirs = env.repl("run", "info registers")
    assert "Program received signal SIGSEGV" in mine
    assert _registers(mine) == _registers(theirs)


def test_segfault_then_reverse_continue_to_a_breakpoint_and_backtrace(env: Env) -> None:
    out = env.gdb("continue", "p $pc", "reverse-stepi", "p $pc", "break fact", "reverse-continue", "bt",
                  "continue", "continue")
    assert "fact=120" in out                                       # the program's output, shown by gdb
    assert (f"Program received signal SIGSEGV, Segmentation fault.\n0x{_pcs(out)[0]:08x} in main () at "
            f"prog.c:{CRASH}\n{CRASH}\t    return *p + cells[0];") in out
    main = _objdump_addresses(env.elf, "main")
    fault, before = _pcs(out)[:2]
    assert before == main[main.index(fault) - 1]                   # back over the faulting instruction
    # Backward to the last call of fact: the innermost frame (n == 1), five deep.
    assert f"Breakpoint 1, fact (n=1) at prog.c:{COUNT}" in out
    frames = re.findall(r"^#(\d)  (?:(0x[0-9a-f]+) in )?(\w+) \([^)]*\) at prog\.c:(\d+)$", out, re.M)
    assert [f[2] for f in frames] == ["fact"] * 5 + ["main"]
    theirs = env.repl("run", "break fact", "reverse-continue", "bt")
    expect = re.findall(r"^#(\d)  (?:(0x[0-9a-f]+) in )?(\w+) \([^)]*\) at prog\.c:(\d+)$", theirs, re.M)
    assert frames == expect
    # Forward again: past the last fact call to the fault, then gdb passes SIGSEGV on: the end.
    assert out.count("Program received signal SIGSEGV") == 2
    assert "Program terminated with signal SIGSEGV, Segmentation fault." in out


def test_watchpoints_in_reverse(env: Env) -> None:
    out = env.gdb("continue", "watch *(int *)&counter", "reverse-continue", "reverse-continue",
                  "continue", "delete", "rwatch *(int *)&counter", "reverse-continue", "p $pc")
    hits = re.findall(r"Hardware watchpoint 1: \*\(int \*\)&counter\n\nOld value = (\d+)\nNew value = (\d+)\n"
                      r"(.*)\n(\d+)\t", out)
    # Backwards each write is undone (5 -> 4 -> 3), stopping before the writing instruction; forward
    # again, the same write is found after it (3 -> 4).
    assert [(h[0], h[1]) for h in hits] == [("5", "4"), ("4", "3"), ("3", "4")]
    assert hits[0][2] == "fact (n=1) at prog.c:9" and hits[0][3] == str(COUNT)
    assert re.search(r"Hardware read watchpoint 2: \*\(int \*\)&counter\n\nValue = 3\n", out)
    theirs = env.repl("run", "watch counter", "reverse-continue", "reverse-continue", "continue", "delete",
                      "rwatch counter", "reverse-continue", "p $pc")
    assert _pcs(out)[-1] == int(re.findall(r"\$\d+ = .*?(0x[0-9a-f]+)", theirs)[-1], 16)


def test_x_on_the_stack_and_the_heap_matches_vmdebug(env: Env) -> None:
    cmds = ("x/8xw $esp", "x/4xw *(int **)&cells", "x/2i $pc", "x/s 0")
    mine = env.gdb("break fact", "continue", "continue", *cmds)
    theirs = env.repl("break fact", "run", "continue", *cmds)

    def dumps(text: str) -> list[str]:
        return [ln for ln in text.splitlines() if re.match(r"^0x[0-9a-f]+:\t0x", ln)]
    got = dumps(mine)
    assert len(got) == 3                                           # two stack lines, one heap line
    assert got == dumps(theirs)
    assert got[2].split("\t")[1:] == ["0x00001111", "0x00002222", "0x00003333", "0x00004444"]
    assert "Cannot access memory at address 0x0" in mine
    assert "=> 0x804902f <fact+6>:\tmov    " in mine


def test_stepping_by_source_lines(env: Env) -> None:
    # gdb's own line stepping, made of many stepi / reverse-stepi and breakpoints on return addresses.
    out = env.gdb(f"break prog.c:{CALL}", "continue", "step", "next", "next", "reverse-next", "finish",
                  "reverse-step", "reverse-step")
    lines = out.splitlines()
    start = lines.index(f"Breakpoint 1, main () at prog.c:{CALL}")
    recurse, base = line_of("RECURSE"), line_of("BASE")
    assert lines[start + 2:] [:9] == [
        f"fact (n=5) at prog.c:{COUNT}", f"{COUNT}\t    counter = counter + 1;          /* COUNT */",
        f"{base - 1}\t    if (n <= 1)",
        f"{recurse}\t    return n * fact(n - 1);         /* RECURSE */",
        f"{base - 1}\t    if (n <= 1)",                                       # reverse-next
        lines[start + 7], f"{CALL}\t    printf(\"fact=%d\\n\", fact(5));       /* CALL */",   # finish
        "Value returned is $1 = 120",                                            # typed by the DWARF
        f"fact (n=5) at prog.c:{recurse + 1}"]                                   # reverse-step into the call
    assert re.fullmatch(rf"Run till exit from .*|0x[0-9a-f]+ in main \(\) at prog\.c:{CALL}", lines[start + 7])


def test_monitor_runs_vmdebugs_read_only_commands(env: Env) -> None:
    out = env.gdb("continue", "monitor explain", "monitor history *(int *)&counter", "monitor step")
    assert "The process was killed by SIGSEGV (SEGV_MAPERR)" in out
    assert "NULL pointer dereference" in out
    writes = re.findall(rf"step +\d+ +0x[0-9a-f]+ <fact\+\d+> prog\.c:{COUNT} ", out)
    assert len(writes) == 5                                        # the five writes to counter
    assert '"step" moves the cursor or sets breakpoints' in out


def test_extended_remote_runs_the_recording_again(env: Env) -> None:
    out = gdb(env.elf, env.server.port, "break fact", "run", "continue", "info registers eip", "run",
              "info registers eip", "delete", "continue", "continue", "run", "bt", "kill", "run", "p $pc",
              cwd=env.tmp, extended=True)
    assert out.count(f"Breakpoint 1, fact (n=5) at prog.c:{COUNT}") == 2  # run, run again
    assert out.count(f"Breakpoint 1, fact (n=4) at prog.c:{COUNT}") == 1  # continue
    assert out.count("Program received signal SIGSEGV") == 3
    assert "Program terminated with signal SIGSEGV, Segmentation fault." in out
    assert "[Inferior 1 (process 1000) killed]" in out
    assert out.count("fact=120") == 3           # the output, on each of the three runs that got past printf
