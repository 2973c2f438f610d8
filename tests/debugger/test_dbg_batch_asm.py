"""Batch-mode tests on programs built with the real as/ld: every command's text."""
from __future__ import annotations

from pathlib import Path

import pytest

from dbgprogs import LOOP_S, PROG_S, build, outputs, run, session


@pytest.fixture(scope="module")
def progs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("asm")
    return {"prog": build(tmp, PROG_S, "prog"), "loop": build(tmp, LOOP_S, "loop")}


def test_watch_forward_and_backward(progs: dict[str, Path]) -> None:
    dbg, cap = session(progs["loop"])
    assert outputs(dbg, cap, "watch *(int*)&counter") == ["Hardware watchpoint 1: *(int*)&counter"]
    assert outputs(dbg, cap, "continue") == ["", "Hardware watchpoint 1: *(int*)&counter", "",
                                             "Old value = 0", "New value = 1", "0x0804900e in bump ()"]
    assert outputs(dbg, cap, "continue")[3:5] == ["Old value = 1", "New value = 2"]
    # Backwards: stops before the writing instruction (mov [counter],eax at bump+9).
    assert outputs(dbg, cap, "reverse-continue") == ["", "Hardware watchpoint 1: *(int*)&counter", "",
                                                     "Old value = 2", "New value = 1", "0x08049009 in bump ()"]
    assert outputs(dbg, cap, "x/i $pc") == ["=> 0x8049009 <bump+9>:\tmov    %eax,0x804a000"]
    assert outputs(dbg, cap, "rc")[3:6] == ["Old value = 1", "New value = 0", "0x08049009 in bump ()"]
    assert outputs(dbg, cap, "rc")[:3] == ["", "No more reverse-execution history.", "0x08049010 in _start ()"]
    assert dbg.tl.cursor == 0


def test_read_and_access_watchpoints(progs: dict[str, Path]) -> None:
    dbg, cap = session(progs["loop"])
    assert outputs(dbg, cap, "rwatch *(int*)&counter") == ["Hardware read watchpoint 1: *(int*)&counter"]
    assert outputs(dbg, cap, "c") == ["", "Hardware read watchpoint 1: *(int*)&counter", "", "Value = 0",
                                      "0x08049008 in bump ()"]
    assert outputs(dbg, cap, "c")[3] == "Value = 1"
    # Backwards the read that led here is the first one met: stop before it ran.
    assert outputs(dbg, cap, "rc")[3:5] == ["Value = 1", "0x08049003 in bump ()"]
    assert outputs(dbg, cap, "rc")[3:5] == ["Value = 0", "0x08049003 in bump ()"]
    dbg.execute("delete")
    assert outputs(dbg, cap, "awatch *(int*)&counter") == [
        "Hardware access (read/write) watchpoint 2: *(int*)&counter"]
    assert outputs(dbg, cap, "c")[3:5] == ["Value = 0", "0x08049008 in bump ()"]   # the read comes first
    assert outputs(dbg, cap, "c")[3:5] == ["Old value = 0", "New value = 1"]
    assert outputs(dbg, cap, "c")[3] == "Value = 1"
    assert outputs(dbg, cap, "rwatch $eax") == ["Expression cannot be implemented with read/access watchpoint."]


def test_register_watch(progs: dict[str, Path]) -> None:
    dbg, cap = session(progs["loop"])
    assert outputs(dbg, cap, "watch $ecx") == ["Watchpoint 1: $ecx"]
    assert outputs(dbg, cap, "c")[3:5] == ["Old value = 0", "New value = 5"]
    assert outputs(dbg, cap, "c")[3:5] == ["Old value = 5", "New value = 4"]


def test_breakpoints_condition_ignore_tbreak(progs: dict[str, Path]) -> None:
    dbg, cap = session(progs["loop"])
    assert outputs(dbg, cap, "break bump if *(int*)&counter == 1") == ["Breakpoint 1 at 0x8049003"]
    assert outputs(dbg, cap, "run") == ["", "Breakpoint 1, 0x08049003 in bump ()"]
    assert outputs(dbg, cap, "p *(int*)&counter") == ["$1 = 1"]
    assert outputs(dbg, cap, "condition 1") == []         # gdb says so only from a terminal (from_tty)
    assert outputs(dbg, cap, "info breakpoints") == [
        "Num     Type           Disp Enb Address    What",
        "1       breakpoint     keep y   0x08049003 <bump+3>",
        "\tbreakpoint already hit 1 time"]
    # gdb's set_ignore_count and "Continuing." speak only from a terminal (from_tty)
    assert outputs(dbg, cap, "c 2") == ["", "Breakpoint 1, 0x08049003 in bump ()"]
    assert dbg.eval_int("*(int*)&counter") == 3
    assert outputs(dbg, cap, "tbreak *0x8049000") == ["Temporary breakpoint 2 at 0x8049000"]
    assert outputs(dbg, cap, "rc") == ["", "Temporary breakpoint 2, 0x08049000 in bump ()"]
    assert outputs(dbg, cap, "info breakpoints")[1:] == [
        "1       breakpoint     keep y   0x08049003 <bump+3>", "\tbreakpoint already hit 3 times"]
    dbg.execute("disable 1")
    assert outputs(dbg, cap, "info breakpoints")[1] == "1       breakpoint     keep n   0x08049003 <bump+3>"
    assert outputs(dbg, cap, "c") == ["ok", "[Inferior 1 (process 1000) exited with code 03]"]
    assert outputs(dbg, cap, "c") == ["The program is not being run."]
    dbg.execute("enable")
    assert outputs(dbg, cap, "rc") == ["", "Breakpoint 1, 0x08049003 in bump ()"]
    assert outputs(dbg, cap, "delete 1") == []
    assert outputs(dbg, cap, "delete 7") == ["No breakpoint number 7."]
    assert outputs(dbg, cap, "info breakpoints") == ["No breakpoints or watchpoints."]


def test_stepping_instructions_both_ways(progs: dict[str, Path]) -> None:
    dbg, cap = session(progs["prog"])
    assert outputs(dbg, cap, "stepi") == ["0x08049014 in _start ()"]
    assert outputs(dbg, cap, "si 2") == ["0x08049000 in f ()"]
    assert outputs(dbg, cap, "rsi") == ["0x08049016 in _start ()"]
    assert outputs(dbg, cap, "nexti") == ["0x0804901b in _start ()"]
    assert outputs(dbg, cap, "reverse-nexti") == ["0x08049016 in _start ()"]
    assert outputs(dbg, cap, "si") == ["0x08049000 in f ()"]
    assert outputs(dbg, cap, "finish") == ["0x0804901b in _start ()"]
    assert outputs(dbg, cap, "reverse-finish") == ["Run back to call of #0  0x08049000 in f ()"][1:] + \
        ['"finish" not meaningful in the outermost frame.']
    assert outputs(dbg, cap, "rsi") == ["0x0804900e in f ()"]
    assert outputs(dbg, cap, "reverse-finish") == ["0x08049016 in _start ()"]
    assert outputs(dbg, cap, "x/i $pc") == ["=> 0x8049016 <_start+7>:\tcall   0x8049000 <f>"]
    dbg.execute("record goto 0")
    assert outputs(dbg, cap, "reverse-stepi") == ["", "No more reverse-execution history.", "0x0804900f in _start ()"]


def test_step_without_line_info_finishes_the_function(progs: dict[str, Path]) -> None:
    dbg, cap = session(progs["prog"])
    dbg.execute("break f")
    dbg.execute("run")
    assert outputs(dbg, cap, "step") == ["Single stepping until exit from function f,",
                                         "which has no line number information.", "0x0804901b in _start ()"]


def test_segfault_explain_pagewalk(progs: dict[str, Path]) -> None:
    dbg, cap = session(progs["prog"])
    assert outputs(dbg, cap, "continue") == ["", "Program received signal SIGSEGV, Segmentation fault.",
                                             "0x08049023 in _start ()"]
    text = "\n".join(outputs(dbg, cap, "explain"))
    assert "killed by SIGSEGV (SEGV_MAPERR)" in text
    assert "mov    (%ecx),%edx" in text
    assert "NULL pointer dereference" in text and "not inside any mapping" in text
    walk = outputs(dbg, cap, "pagewalk $ecx")
    assert walk[3] == "  PDE[0] at physical 0x00001000 = 0x00000000  P=0 RW=0 US=0 A=0 D=0"
    assert walk[4].startswith("  walk stops: the PDE is not present")
    assert outputs(dbg, cap, "continue") == ["", "Program terminated with signal SIGSEGV, Segmentation fault.",
                                             "The program no longer exists."]
    # The faulting instruction never retired: as in gdb, one instruction back from the
    # fault is the instruction before it.
    assert outputs(dbg, cap, "rsi") == ["0x0804901e in _start ()"]
    assert outputs(dbg, cap, "x/i $pc") == ["=> 0x804901e <_start+15>:\tmov    $0x0,%ecx"]


def test_pagewalk_present_page(progs: dict[str, Path]) -> None:
    dbg, cap = session(progs["prog"])
    dbg.execute("break f")
    dbg.execute("run")
    walk = outputs(dbg, cap, "pagewalk $esp")
    state = dbg.tl.state
    frame = state.pagemap[dbg.regs[4] >> 12]
    assert walk[6] == f"    -> frame {frame:#x}"
    assert walk[7].startswith(f"  physical address {(frame << 12) | (dbg.regs[4] & 0xFFF):#010x}")
    assert "P=1 RW=1 US=1" in walk[5]
    assert walk[-1] == f"  mapping: {min(s for s, v in state.vmas.items() if v[2] == '[stack]'):#010x}-" \
        f"0xffffe000 rwxp [stack]"


def test_history_last_write_diff_displays(progs: dict[str, Path]) -> None:
    dbg, cap = session(progs["loop"])
    dbg.execute("record goto 30")
    hist = outputs(dbg, cap, "history &counter")
    assert hist[0] == "6 writes to 0x0804a000 (4 bytes):"
    assert hist[1].endswith("(page loaded on first touch: demand paging)")
    assert hist[2] == "  step 8        0x08049009 <bump+9>                      " \
        "[0x0804a000, 4 bytes] 0x00000000 -> 0x00000001"
    assert hist[3].startswith("> step 20 ")
    assert outputs(dbg, cap, "last-write &counter") == [
        "0x0804a000 was last written at step 20: [0x0804a000, 4 bytes] 0x00000001 -> 0x00000002",
        "0x08049009 in bump ()"]
    assert dbg.tl.cursor == 19
    assert outputs(dbg, cap, "history $ecx")[0] == "7 writes to ecx:"
    dbg.interactive = True   # typed at a terminal: gdb shows a new display at once (from_tty)
    assert outputs(dbg, cap, "display/x $eax") == ["1: /x $eax = 0x2"]
    assert outputs(dbg, cap, "display $ecx") == ["2: $ecx = 4"]
    assert outputs(dbg, cap, "info display") == ["Auto-display expressions now in effect:", "Num Enb Expression",
                                                 "1:   y  /x $eax", "2:   y  $ecx"]
    assert outputs(dbg, cap, "si") == ["0x0804900e in bump ()", "1: /x $eax = 0x2", "2: $ecx = 4"]
    assert outputs(dbg, cap, "diff") == ["step 20: 0x08049009 <bump+9>  mov    %eax,0x804a000",
                                         "  mem      0x0804a000 [4]  01 00 00 00 -> 02 00 00 00",
                                         "  eip      0x08049009 -> 0x0804900e"]
    dbg.execute("undisplay 1")
    assert outputs(dbg, cap, "si") == ["0x0804900f in bump ()", "2: $ecx = 4"]
    dbg.execute("undisplay")
    assert outputs(dbg, cap, "info display") == ["There are no auto-display expressions now."]


def test_record_goto_and_info_record(progs: dict[str, Path]) -> None:
    dbg, cap = session(progs["loop"])
    assert outputs(dbg, cap, "record goto end") == ["ok", "#0  0x08049045 in again ()"]
    assert outputs(dbg, cap, "info record") == [
        "Active record target: record-full", "Record mode:", "Lowest recorded instruction number is 1.",
        "Highest recorded instruction number is 70.", f"Log contains 70 instructions ({len(dbg.tl.log)} events).",
        "The program exited with code 03."]
    assert outputs(dbg, cap, "record goto 5") == ["#0  0x08049003 in bump ()"]
    assert outputs(dbg, cap, "info record")[1:4] == ["Replay mode:", "Lowest recorded instruction number is 1.",
                                                     "Current instruction number is 5."]
    assert outputs(dbg, cap, "record goto 999") == [
        "Target insn '999' not found (the history has steps 0..70)."]
    assert outputs(dbg, cap, "explain")[0] == "The process exits normally with status 3 at step 70 (exit system call)."


def test_backtrace_frames_and_stack_view(progs: dict[str, Path]) -> None:
    dbg, cap = session(progs["prog"])
    dbg.execute("break f")
    dbg.execute("run")
    assert outputs(dbg, cap, "bt") == ["#0  0x08049003 in f ()", "#1  0x0804901b in _start ()"]
    assert outputs(dbg, cap, "up") == ["#1  0x0804901b in _start ()"]
    assert outputs(dbg, cap, "up") == ["Initial frame selected; you cannot go up."]
    assert outputs(dbg, cap, "p $pc") == ["$1 = (void (*)()) 0x804901b <_start+12>"]
    assert outputs(dbg, cap, "down") == ["#0  0x08049003 in f ()"]
    assert outputs(dbg, cap, "down") == ["Bottom (innermost) frame selected; you cannot go down."]
    assert outputs(dbg, cap, "frame 1") == ["#1  0x0804901b in _start ()"]
    assert outputs(dbg, cap, "frame 5") == ["No frame at level 5."]
    dbg.execute("frame 0")
    esp = dbg.regs[4]
    view = outputs(dbg, cap, "stack")
    assert view[0] == "frame #0: f"
    assert view[1] == f"  {esp + 4:#010x}  0x0804901b  return address -> <_start+12>"
    assert view[2] == f"  {esp:#010x}  0x00000000  saved ebp (caller's frame)  <- esp <- ebp"
    assert view[3] == "frame #1: _start"
    info = outputs(dbg, cap, "info frame")
    assert info[:2] == [f"Stack level 0, frame at {esp + 8:#x}:", " eip = 0x8049003 in f; saved eip = 0x804901b"]


def test_vmmap_marks(progs: dict[str, Path]) -> None:
    dbg, cap = session(progs["prog"])
    dbg.execute("break f")
    dbg.execute("run")
    lines = outputs(dbg, cap, "vmmap")
    text = "\n".join(lines)
    assert "argv/env strings, auxv" in text
    assert f"<- esp {dbg.regs[4]:#010x}" in text and f"<- ebp {dbg.regs[5]:#010x}" in text
    assert "<- eip 0x08049003" in text
    assert "data (.data)" in text and "text (.text)" in text
    assert lines[-1].startswith("program break: 0x0804b000")
    assert "0xffffe000  +" in lines[1]


def test_errors_are_one_line(progs: dict[str, Path]) -> None:
    dbg, cap = session(progs["prog"])
    for cmd, msg in [("foo", 'Undefined command: "foo".  Try "help".'),
                     ("p 1/0", "Division by zero"),
                     ("p (", "A syntax error in expression, near `'."),
                     ("p nosuch", 'No symbol "nosuch" in current context.'),
                     ("x/xw 0", "0x0:\tCannot access memory at address 0x0"),
                     ("p *(int*)0", "Cannot access memory at address 0x0"),
                     ("list", 'No symbol table is loaded.  Use the "file" command.'),
                     ("info registers foo", "Invalid register `foo'"),
                     # gdb decode_format takes any letter; print_formatted refuses it after the address
                     ("x/3q 0x08049000", '0x8049000 <f>:\tUndefined output format "q".'),
                     ("set var $eax = 1", "Cannot change the program's state: vmdebug replays a recorded history, "
                                          "which cannot be altered."),
                     ("info nosuch", 'Undefined info command: "nosuch".  Try "help info".'),
                     ("p $$5", "History does not go back to $$5."),
                     ("p $3", "History has not yet reached $3.")]:
        assert outputs(dbg, cap, cmd) == [msg], cmd
    # a location naming nothing: gdb's pending-breakpoint query follows, answered by
    # itself without a terminal (and not asked at one: the program is static)
    query = "Make breakpoint pending on future shared library load? (y or [n]) [answered N; input not from terminal]"
    assert outputs(dbg, cap, "break nosuch") == ['Function "nosuch" not defined.', query]
    dbg.interactive = True
    assert outputs(dbg, cap, "break nosuch") == ['Function "nosuch" not defined.']
    dbg.interactive = False
    # no line table: select_source_symtab's plain error, no query
    assert outputs(dbg, cap, "break 12") == ['No symbol table is loaded.  Use the "file" command.']
    assert dbg.tl.cursor == 0


def test_session_replay(progs: dict[str, Path], tmp_path: Path) -> None:
    dbg, cap = session(progs["loop"])
    dbg.execute("record goto end")
    out = outputs(dbg, cap, f"save {tmp_path / 's.vmlog'}")
    assert out[0].startswith(f"Saved 70 steps, {len(dbg.tl.log)} events to {tmp_path / 's.vmlog'}")
    text, cap2, dbg2 = run(tmp_path / "s.vmlog", ["break bump", "continue", "continue", "info registers eip",
                                                  "p *(int*)&counter", "rc", "p *(int*)&counter",
                                                  "record goto end", "c"])
    assert text.split("\n") == [
        "Breakpoint 1 at 0x8049003", "", "Breakpoint 1, 0x08049003 in bump ()", "",
        "Breakpoint 1, 0x08049003 in bump ()", "eip            0x8049003           0x8049003 <bump+3>",
        "$1 = 1", "", "Breakpoint 1, 0x08049003 in bump ()", "$2 = 0", "ok", "#0  0x08049045 in again ()",
        "The program is not being run."]
    assert dbg2.tl.process is None


def test_cli_batch_exit_status(progs: dict[str, Path]) -> None:
    import subprocess
    ok = subprocess.run(["python", "-m", "vmdebug", "debug", "-batch", "-ex", "foo", "-ex", "info registers eip",
                         str(progs["prog"])], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0
    assert ok.stdout == "eip            0x8049000           0x8049000 <f>\n" or \
        ok.stdout.startswith("eip            0x804900f")
    assert ok.stderr == 'Undefined command: "foo".  Try "help".\n'
    bad = subprocess.run(["python", "-m", "vmdebug", "debug", "-batch", "-ex", "p 1", "-ex", "x/xw 0",
                          str(progs["prog"])], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and bad.stdout == "$1 = 1\n"
    missing = subprocess.run(["python", "-m", "vmdebug", "debug", "-batch", "nosuch.s"], capture_output=True,
                             text=True, timeout=60)
    assert missing.returncode == 1 and missing.stderr == "vmdebug: nosuch.s: no such file\n"


def test_every_backward_motion_leaves_the_fault_for_the_instruction_before_it(progs: dict[str, Path]) -> None:
    """The fault's step did not run an instruction, so reverse-nexti (like reverse-stepi) goes back
    to the instruction before the faulting one, not to the faulting one again."""
    dbg, cap = session(progs["prog"])
    outputs(dbg, cap, "continue")
    assert outputs(dbg, cap, "rni") == ["0x0804901e in _start ()"]
    dbg2, cap2 = session(progs["prog"])
    outputs(dbg2, cap2, "continue")
    assert outputs(dbg2, cap2, "rsi") == ["0x0804901e in _start ()"]


def test_disassembly_flavor_setting(progs: dict[str, Path]) -> None:
    """AT&T by default, as gdb; Intel (objdump -M intel's text) after set disassembly-flavor intel."""
    dbg, cap = session(progs["prog"])
    dbg.execute("break f")
    dbg.execute("run")
    assert outputs(dbg, cap, "show disassembly-flavor") == ['The disassembly flavor is "att".']
    assert outputs(dbg, cap, "x/3i f") == ["   0x8049000 <f>:\tpush   %ebp",
                                           "   0x8049001 <f+1>:\tmov    %esp,%ebp",
                                           "=> 0x8049003 <f+3>:\tmov    0x8(%ebp),%eax"]
    assert outputs(dbg, cap, "set disassembly-flavor intel") == []
    assert outputs(dbg, cap, "show disassembly-flavor") == ['The disassembly flavor is "intel".']
    assert outputs(dbg, cap, "x/3i f") == ["   0x8049000 <f>:\tpush   ebp",
                                           "   0x8049001 <f+1>:\tmov    ebp,esp",
                                           "=> 0x8049003 <f+3>:\tmov    eax,DWORD PTR [ebp+0x8]"]
    assert outputs(dbg, cap, "set disassembly-flavor foo") == ['Undefined item: "foo".']
    assert outputs(dbg, cap, "set disassembly-flavor at") == []
    assert outputs(dbg, cap, "x/2i 0x8049006") == ["   0x8049006 <f+6>:\tadd    %eax,%eax",
                                                   "   0x8049008 <f+8>:\tmov    %eax,0x804a000"]
