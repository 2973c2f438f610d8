"""Batch tests on the course's C examples (vmdebug's own toolchain: lines, sources,
C parameters): source stepping both ways, list, stack smash detection, heap,
explain, pagewalk."""
from __future__ import annotations

from pathlib import Path

import pytest

from dbgprogs import outputs
from dbgprogs import session as _session

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


RF = "examples/recursion_frames.c"


def session(target: str):  # type: ignore[no-untyped-def]
    return _session(target, layout="i386")


def test_step_into_and_back_out() -> None:
    dbg, cap = session(RF)
    assert outputs(dbg, cap, "start") == [
        "Temporary breakpoint 1 at 0x804907f: file examples/recursion_frames.c, line 49.", "",
        "Temporary breakpoint 1, main () at examples/recursion_frames.c:49",
        '49\t    printf("add3(1, 2, 3) = %d\\n", add3(1, 2, 3));']
    assert outputs(dbg, cap, "step") == ["add3 (a=1, b=2, c=3) at examples/recursion_frames.c:35",
                                         "35\t    return a + b + c;"]
    assert outputs(dbg, cap, "step") == ["36\t}"]
    # Returned into the middle of line 49: gdb steps on through the rest of it (over
    # printf: the libc is skipped) to the next line, and names the frame.
    assert outputs(dbg, cap, "step") == ["add3(1, 2, 3) = 6", "main () at examples/recursion_frames.c:50",
                                         '50\t    printf("factorial(5) = %d\\n", factorial(5));']
    # reverse-step re-enters the function that just returned, at its last line.
    assert outputs(dbg, cap, "reverse-step") == ["add3 (a=1, b=2, c=3) at examples/recursion_frames.c:36", "36\t}"]
    assert outputs(dbg, cap, "reverse-step") == ["35\t    return a + b + c;"]
    # ... and from the first line goes back over the prologue to the caller's line.
    assert outputs(dbg, cap, "reverse-step") == ["main () at examples/recursion_frames.c:49",
                                                 '49\t    printf("add3(1, 2, 3) = %d\\n", add3(1, 2, 3));']
    # The program's output was shown when the cursor first passed it (by the step above).
    assert outputs(dbg, cap, "next") == ['50\t    printf("factorial(5) = %d\\n", factorial(5));']
    assert outputs(dbg, cap, "reverse-next") == ['49\t    printf("add3(1, 2, 3) = %d\\n", add3(1, 2, 3));']
    assert outputs(dbg, cap, "next") == ['50\t    printf("factorial(5) = %d\\n", factorial(5));']   # output shown once


def test_breakpoints_on_lines_and_recursion_backtrace() -> None:
    dbg, cap = session(RF)
    assert outputs(dbg, cap, "break recursion_frames.c:42") == [
        "Breakpoint 1 at 0x8049047: file examples/recursion_frames.c, line 42."]
    assert outputs(dbg, cap, "break 38") == ["Breakpoint 2 at 0x8049041: file examples/recursion_frames.c, line 41."]
    dbg.execute("disable 2")
    assert outputs(dbg, cap, "run")[-2:] == ["Breakpoint 1, factorial (n=1) at examples/recursion_frames.c:42",
                                             "42\t        return 1;"]
    assert outputs(dbg, cap, "bt") == [
        "#0  factorial (n=1) at examples/recursion_frames.c:42",
        "#1  0x0804905d in factorial (n=2) at examples/recursion_frames.c:43",
        "#2  0x0804905d in factorial (n=3) at examples/recursion_frames.c:43",
        "#3  0x0804905d in factorial (n=4) at examples/recursion_frames.c:43",
        "#4  0x0804905d in factorial (n=5) at examples/recursion_frames.c:43",
        "#5  0x080490a8 in main () at examples/recursion_frames.c:50"]
    assert outputs(dbg, cap, "frame 3") == ["#3  0x0804905d in factorial (n=4) at examples/recursion_frames.c:43",
                                            "43\t    result = n * factorial(n - 1);"]
    assert outputs(dbg, cap, "p n * 10") == ["$1 = 40"]
    assert outputs(dbg, cap, "finish")[-1] == "Value returned is $2 = 24"
    assert outputs(dbg, cap, "p $") == ["$3 = 24"]
    assert outputs(dbg, cap, "p $$2") == ["$4 = 40"]


def test_list_and_info_line() -> None:
    dbg, cap = session(RF)
    assert outputs(dbg, cap, "list factorial") == [
        "34\t{", "35\t    return a + b + c;", "36\t}", "37\t", "38\tint factorial(int n)", "39\t{",
        "40\t    int result; /* a local: in this call's frame, below the saved ebp */", "41\t    if (n <= 1)",
        "42\t        return 1;", "43\t    result = n * factorial(n - 1);"]
    assert outputs(dbg, cap, "list") == [
        "44\t    return result;", "45\t}", "46\t", "47\tint main(void)", "48\t{",
        '49\t    printf("add3(1, 2, 3) = %d\\n", add3(1, 2, 3));', '50\t    printf("factorial(5) = %d\\n", factorial(5));',
        "51\t    return 0;", "52\t}"]
    assert outputs(dbg, cap, "list 60") == ['Line number 55 out of range; examples/recursion_frames.c has 52 lines.']
    # gdb's find_line_pc_range: the row at the line's first pc (gcc writes line 43 as two rows)
    assert outputs(dbg, cap, "info line 43") == [
        'Line 43 of "examples/recursion_frames.c" starts at address 0x804904e <factorial+19> '
        'and ends at 0x8049060 <factorial+37>.']


def test_stack_smash_is_caught_by_the_frame_check() -> None:
    dbg, cap = session("examples/stack_smash.c")
    dbg.execute("continue")
    assert cap.lines[-2:] == ["Program received signal SIGSEGV, Segmentation fault.", "0x41414141 in ?? ()"]
    dbg.execute("reverse-stepi")  # back from the fault: the `ret` that jumped to 0x41414141
    bt = outputs(dbg, cap, "bt")
    assert bt[0].startswith("#0  0x08049057 in greet (name=0x41414141 <error: Cannot access memory")
    assert bt[-1] == ("warning: frame #0 (greet): the return address at 0xbffffe9c was overwritten: it holds "
                      "0x41414141, the call pushed 0x08049086; `ret` will jump to 0x41414141")
    assert outputs(dbg, cap, "x/i $pc") == ["=> 0x8049057 <greet+46>:\tret"]
    view = outputs(dbg, cap, "stack 1")
    assert "  0xbffffe9c  0x41414141  return address  OVERWRITTEN (the call pushed 0x08049086)  <- esp" in view
    hist = outputs(dbg, cap, "history 0xbffffe9c")
    # strcpy overwrote it byte by byte: each write with its step, instruction and line.
    assert hist[-1].endswith("<strcpy+20> string.c:38       [0xbffffe9f, 1 byte] 0x08 -> 0x41")
    assert hist[-4].endswith("[0xbffffe9c, 1 byte] 0x86 -> 0x41")
    explain = outputs(dbg, cap, "explain")
    assert explain[0] == "The process was killed by SIGSEGV (SEGV_MAPERR) at step 2065."
    assert explain[2] == "  it tried to exec 0x41414141: execute at 0x41414141: no mapping there (unmapped memory)"
    # The same note `vmdebug run` prints, derived here from the recorded frame events.
    note = ("greet returned to 0x41414141, but its caller pushed 0x08049086: the return address at 0xbffffe9c "
            "was overwritten (stack buffer overflow?)")
    assert f"  note: {note}" in explain
    import subprocess
    import sys
    run = subprocess.run([sys.executable, "-m", "vmdebug", "run", "examples/stack_smash.c"], capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert run.stderr.splitlines()[-1] == f"  note:    {note}"


def test_heap_view_follows_malloc_and_free() -> None:
    dbg, cap = session("examples/use_after_free.c")
    b = dbg.tl.history.state_at(0).brk          # start_brk: the page after the libc's .bss
    assert outputs(dbg, cap, "heap") == ["The heap is empty: malloc has not been called yet (__heap_start is 0).",
                                         f"program break: {b:#010x}"]
    dbg.execute("break 48")
    dbg.execute("run")
    heap = outputs(dbg, cap, "heap")
    assert heap[0] == f"heap {b + 4:#010x} - {b + 0x1c:#010x} (24 bytes: 24 in use), program break {b + 0x1c:#010x}"
    assert heap[2] == f"{b + 4:#010x}  0x00000019      24  in use   {b + 8:#010x}      20  61 6c 69 63 65 00 00 00  alice..."
    dbg.execute("break 50")
    dbg.execute("continue")
    assert outputs(dbg, cap, "heap")[2].startswith(f"{b + 4:#010x}  0x00000018      24  free     {b + 8:#010x}")
    assert outputs(dbg, cap, "x/s *(char **)&acct") == [f'{b + 8:#x}:\t"alice"']
    vm = "\n".join(outputs(dbg, cap, "vmmap"))
    assert f"<- brk {b + 0x1c:#010x} (page-aligned end {b + 0x1000:#010x})" in vm and f"start_brk {b:#010x}" in vm


def test_null_deref_explain_and_pagewalk() -> None:
    dbg, cap = session("examples/null_deref.c")
    dbg.execute("continue")
    assert cap.lines[-3:] == ["Program received signal SIGSEGV, Segmentation fault.",
                              "main () at examples/null_deref.c:52",
                              '52\t    printf("99 is in the list: %d\\n", find(list, 99)->value); /* NULL->value */']
    ex = outputs(dbg, cap, "explain")
    assert ex[1] == ("  instruction: 0x080490ec <main+160>  mov    (%eax),%eax  (examples/null_deref.c:52: "
                     'printf("99 is in the list: %d\\n", find(list, 99)->value); /* NULL->value */)')
    assert "  region hit: none - 0x00000000 is not inside any mapping" in ex
    assert outputs(dbg, cap, "p $eax") == ["$1 = 0"]
    assert outputs(dbg, cap, "last-write $eax")[0].startswith("eax was last written at step")
    assert outputs(dbg, cap, "x/i $pc")[0].startswith("=> 0x8049031 <find+8>:\tmov    0x4(%eax),%eax")


def test_assembly_source_lines() -> None:
    """A .s program through vmdebug's own assembler: every instruction is a line, and
    ``break FUNC`` stops at its first instruction (gdb skips no prologue in assembly)."""
    dbg, cap = session("examples/sum_loop.s")
    assert outputs(dbg, cap, "break sum") == ["Breakpoint 1 at 0x8049018: file examples/sum_loop.s, line 23."]
    assert outputs(dbg, cap, "run") == ["", "Breakpoint 1, sum () at examples/sum_loop.s:23",
                                        "23\t        mov     ecx, DWORD PTR [esp+4]  # n"]
    # the return address starts line 15's row: no pc, as gdb's print_stack_frame shows it
    assert outputs(dbg, cap, "finish") == ["_start () at examples/sum_loop.s:15",
                                           "15\t        add     esp, 8"]
    assert outputs(dbg, cap, "reverse-step") == ["sum () at examples/sum_loop.s:29", "29\t        ret"]
    assert outputs(dbg, cap, "p $eax") == ["$1 = 150"]
    assert outputs(dbg, cap, "continue") == ["[Inferior 1 (process 1000) exited with code 0226]"]


def test_until_advance_display_i() -> None:
    dbg, cap = session(RF)
    dbg.execute("break main")
    dbg.execute("run")
    assert outputs(dbg, cap, "advance 50") == ["add3(1, 2, 3) = 6", "main () at examples/recursion_frames.c:50",
                                               '50\t    printf("factorial(5) = %d\\n", factorial(5));']
    dbg.interactive = True   # typed at a terminal: gdb shows a new display at once (from_tty)
    assert outputs(dbg, cap, "display/i $pc") == ["1: x/i $pc", "=> 0x804909e <main+48>:\tsub    $0xc,%esp"]
    assert outputs(dbg, cap, "until") == ["factorial(5) = 120", "51\t    return 0;", "1: x/i $pc",
                                          "=> 0x80490bc <main+78>:\tmov    $0x0,%eax"]
    assert outputs(dbg, cap, "x/2i") == ["   0x80490c1 <main+83>:\tmov    -0x4(%ebp),%ecx",
                                         "   0x80490c4 <main+86>:\tleave"]
    dbg.execute("undisplay 1")
    # Past main's end the libc is skipped, so next runs to the exit; as in gdb, `next N`
    # announces only where it ends (the intermediate stop at "52 }" is silent).
    assert outputs(dbg, cap, "next 5") == ["[Inferior 1 (process 1000) exited normally]"]


def test_locals_from_gcc_annotations() -> None:
    dbg, cap = session("examples/null_deref.c")
    dbg.execute("break 52")
    dbg.execute("run")
    # The list lives in the heap, 0x28 bytes past the page-aligned end of .bss (its address moves
    # with the size of the program and libc, so it is computed, not hard-coded).
    heap = f"{dbg.eval_int('list'):#x}"
    assert (int(heap, 16) & 0xFFF) == 0x028
    # n's block ended with the loop: gdb does not list it (nor do we).
    assert outputs(dbg, cap, "info locals") == [f"list = {heap}", "i = 4"]
    assert outputs(dbg, cap, "p i * 10") == ["$1 = 40"]
    assert outputs(dbg, cap, "p *(int *)list") == ["$2 = 30"]
    assert outputs(dbg, cap, "bt full") == ["#0  main () at examples/null_deref.c:52", f"        list = {heap}",
                                            "        i = 4"]
    view = outputs(dbg, cap, "stack 1")
    assert "  0xbffffeb8  0x00000004  i = 4 (local)  [ebp-16]" in view
    assert "  0xbffffec8  0x00000000  saved ebp (caller's frame)  <- ebp" in view   # main realigns: not ret-4
    dbg.execute("break find")
    dbg.execute("run")
    assert outputs(dbg, cap, "info args") == [f"list = {heap}", "value = 20"]
    assert outputs(dbg, cap, "up") == ["#1  0x080490b6 in main () at examples/null_deref.c:50",
                                       '50\t    printf("20 is in the list: %d\\n", find(list, 20)->value);']
    # n's block ended with the loop: gdb does not list it (nor do we).
    assert outputs(dbg, cap, "info locals") == [f"list = {heap}", "i = 4"]


def test_smashed_saved_ebp_and_return_address_are_reported() -> None:
    dbg, cap = session("examples/stack_smash.c")
    dbg.execute("break 38")
    dbg.execute("run")
    dbg.execute("continue")
    bt = outputs(dbg, cap, "bt")
    # strcpy ran past buf over the saved ebp, the return address and the argument itself.
    assert bt[0] == ("#0  greet (name=0x41414141 <error: Cannot access memory at address 0x41414141>) "
                     "at examples/stack_smash.c:38")
    assert bt[2:] == [
        "warning: frame #0 (greet): the return address at 0xbffffe9c was overwritten: it holds 0x41414141, "
        "the call pushed 0x08049086; `ret` will jump to 0x41414141",
        "warning: frame #0 (greet): the saved ebp at 0xbffffe98 holds 0x41414141, which is not a frame higher "
        "up the stack: the ebp chain is broken (`leave` will load it into ebp)"]


def test_local_array_and_mmap_area() -> None:
    dbg, cap = session("examples/rodata_write.c")
    dbg.execute("break 37")
    dbg.execute("run")
    assert outputs(dbg, cap, "info locals") == ['buf = "Hello"']
    assert outputs(dbg, cap, "p &buf") == ["$1 = (char (*)[6]) 0xbffffeaa"]
    assert outputs(dbg, cap, "p *buf@3") == ['$2 = "Hel"']
    assert outputs(dbg, cap, "whatis buf") == ["type = char [6]"]
    dbg2, cap2 = session("examples/mmap_anon.c")
    dbg2.execute("break 43")
    dbg2.execute("run")
    vm = outputs(dbg2, cap2, "vmmap")
    k = vm.index("0xb8000000  +--------------------------------+")
    assert vm[k + 1] == "            |           mmap area            |  rw-p  8 KiB"
    assert "            |    ELF and program headers     |  r--p examples/mmap_anon.c  4 KiB" in vm


def test_history_of_a_struct_member_and_a_byte() -> None:
    dbg, cap = session("examples/use_after_free.c")
    b = dbg.tl.history.state_at(0).brk
    dbg.execute("break 48")
    dbg.execute("run")
    hist = outputs(dbg, cap, "history acct->balance")
    assert hist[0] == f"5 writes to {b + 0x14:#010x} (4 bytes):"
    assert hist[1] == ("> step 222      0x08049067 <main+62> examples/use_after_free.c:47 "
                       f"[{b + 0x14:#010x}, 4 bytes] 0x00000000 -> 0x00000064")
    assert all("<strcpy+20> string.c:38" in h for h in hist[2:])      # "hacked by eve!!" overwrites it later
    assert outputs(dbg, cap, "history *(char*)acct")[0] == f"2 writes to {b + 8:#010x} (1 byte):"


def test_calloc_walkthrough_leaves_calloc_with_finish() -> None:
    """examples/calloc_zero.c's walkthrough: at a breakpoint in calloc, ``next`` steps
    through calloc's own lines (the libc has lines now, as a distribution's libc with
    debug info does in gdb); ``finish`` is what returns to main."""
    dbg, cap = session("examples/calloc_zero.c")
    dbg.execute("break calloc")
    stop = outputs(dbg, cap, "continue")
    assert stop[-2] == "Breakpoint 1, calloc (nmemb=8, size=4) at malloc.c:497"
    assert outputs(dbg, cap, "next")[0].startswith("501\t")
    done = outputs(dbg, cap, "finish")
    assert done[0].endswith("in main () at examples/calloc_zero.c:42")
    assert done[2].startswith("Value returned is $1 = (void *) 0x")
