"""Odd input answered in gdb 13's words, found by feeding both debuggers the same odd
commands: ``x`` shares its last format with ``print`` (printcmd.c last_format) and
starts from 'x'; a bare ``x`` needs an address from ``x`` or set_next_address, not from
``print``; ``info line *0``; ``struct`` with no tag."""
from __future__ import annotations

import re
from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
#include <stdio.h>
struct pair { int a, b; };
int arr[4] = {5, 3, 9, 1};

int main(void)
{
    struct pair p = {1, 2};
    const char *s = "hello";
    printf("%s %d %d\\n", s, p.a, arr[2]);
    return p.b;
}
"""


def _stack(text: str) -> str:
    return re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text)


def test_x_and_print_share_the_last_format(tmp_path: Path) -> None:
    script = ["break 9", "run", "p arr", "x", "info line 8", "x", "p/d 5", "info line 8", "x", "x/2c s",
              "info line 8", "x", "x/s s", "x", "p/x 1", "x", "p/r 5", "x/i $pc", "p/r 7", "p/c 65", "x &arr",
              "output/x 9", "x &arr", "p/t 3", "x &arr", "x/2 &arr"]
    gdb, ours = gdb_and_ours(tmp_path, "xf", SOURCE, script, "0")
    assert "Argument required (starting display address)." in gdb
    assert _stack(ours) == _stack(gdb)


def test_a_bare_x_first_and_after_print(tmp_path: Path) -> None:
    script = ["x", "p arr", "x", "p/x arr", "x", "break 9", "run", "x", "info breakpoints", "x"]
    gdb, ours = gdb_and_ours(tmp_path, "xb", SOURCE, script, "0")
    assert gdb.count("Argument required (starting display address).") == 4
    assert _stack(ours) == _stack(gdb)


def test_odd_type_and_line_requests(tmp_path: Path) -> None:
    script = ["ptype struct", "ptype union", "whatis enum", "p struct", "p sizeof(struct)", "ptype struct nosuch",
              "ptype struct pair", "info line *0", "info line *4", "break 9", "run", "info line *0", "p 1"]
    gdb, ours = gdb_and_ours(tmp_path, "ot", SOURCE, script, "0")
    assert "No line number information available.\n" in gdb
    assert ours == gdb


def test_a_location_naming_nothing_offers_a_pending_breakpoint(tmp_path: Path) -> None:
    script = ["break nosuch", "break 9999", "tbreak od.c:9999", "break nofile.c:3", "break nosuch if 1",
              'dprintf nosuch,"x"', "break od.c:nosuch", "info breakpoints", "run"]
    gdb, ours = gdb_and_ours(tmp_path, "od", SOURCE, script, "0")
    assert gdb.count("Make breakpoint pending on future shared library load? (y or [n]) "
                     "[answered N; input not from terminal]") == 6
    assert re.sub(r"process \d+", "process N", ours) == re.sub(r"process \d+", "process N", gdb)


def test_a_command_file_goes_on_after_the_query_in_order(tmp_path: Path) -> None:
    """The query answers itself and is no error, so the file goes on; what a command
    prints comes in order, and a failing command's message follows the file's header."""
    import subprocess
    import sys
    from dbgprogs import require_gdb
    require_gdb()
    (tmp_path / "cf.c").write_text(SOURCE)
    (tmp_path / "cmds.gdb").write_text("break nosuch\necho after\\n\nbreak main\np nosuch\necho not reached\\n\n")
    subprocess.run([sys.executable, "-m", "vmdebug", "cc", "--native", "-o", "cf", "cf.c"], cwd=tmp_path,
                   check=True, capture_output=True)
    gdb = subprocess.run(["gdb", "-nx", "-batch", "-x", "cmds.gdb", "./cf"], cwd=tmp_path, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=120)
    ours = subprocess.run([sys.executable, "-m", "vmdebug", "debug", "-batch", "-x", "cmds.gdb", "cf.c"],
                          cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    assert "cmds.gdb:4: Error in sourced command file:" in gdb.stdout
    assert (ours.stdout, ours.returncode) == (gdb.stdout, gdb.returncode)


def test_listsize_is_gdbs_integer_setting(tmp_path: Path) -> None:
    script = ["set listsize unlimited", "show listsize", "set listsize 0", "show listsize", "set listsize -1",
              "show listsize", "set listsize 3", "list main", "set listsize foo", "show listsize", "set listsize",
              "set listsize 2147483647", "set listsize 1+1", "show listsize", "set listsize unlimited", "list main",
              "list"]
    gdb, ours = gdb_and_ours(tmp_path, "ls", SOURCE, script, "0")
    assert "is unlimited." in gdb and "integer 2147483647 out of range" in gdb
    assert ours == gdb


def test_info_registers_names_pseudo_registers_and_aliases(tmp_path: Path) -> None:
    script = ["break 9", "run", "info registers ax bx cx dx si di bp al bl cl dl ah bh ch dh", "info registers sp",
              "info registers pc fp ps", "info registers $pc $al", "info registers eflags al eax", "info registers xl"]
    gdb, ours = gdb_and_ours(tmp_path, "pr", SOURCE, script, "0")
    assert "ah             0x" in gdb

    def same(text: str) -> str:
        """Registers that hold stack addresses here (or flags from them) differ by design:
        their lines keep their shape (gdb's columns), not their values."""
        shape = r"0x[0-9a-f]+ +(-?\d+|0x[0-9a-f]+|\[[A-Z ]*\])"
        return re.sub(rf"(?m)^(bp|cx|cl|ch|dx|dl|dh|sp|fp|ps|eflags)( +){shape}$", r"\1\2VALUE", text)
    assert same(ours) == same(gdb)


def test_display_numbers_read_as_gdbs(tmp_path: Path) -> None:
    script = ["break 9", "run", "display p.a", "display/x p.b", "display arr", "undisplay 5", "undisplay foo",
              "undisplay 1-foo", "undisplay 0", "undisplay -1", "undisplay 2 9", "delete display 1",
              "disable display 2", "disable display foo", "enable display 3-5", "enable display 0", "info display",
              "undisplay $bpnum", "undisplay 3-2", "delete display", "info display"]
    gdb, ours = gdb_and_ours(tmp_path, "dn", SOURCE, script, "0")
    assert "warning: bad display number at or near '0'" in gdb and "inverted range" in gdb
    assert ours == gdb


def test_record_subcommands_answer_as_gdbs(tmp_path: Path) -> None:
    """``record`` is a prefix: unknown words are refused, ``record s`` stops, and after
    ``record stop`` everything says no recording is active.  (Before it, vmdebug's record
    is always on, where gdb's starts at ``record``: those answers differ by design.)"""
    script = ["record foo", "record delete", "break main", "run", "record foo", "record full", "record btrace",
              "record s", "info record", "record delete", "record save x.rec", "record stop",
              "record instruction-history", "record function-call-history", "next", "reverse-next"]
    gdb, ours = gdb_and_ours(tmp_path, "rs", SOURCE, script, "0")
    assert gdb.count('Undefined record command: "foo".  Try "help record".') == 2
    assert ours == gdb


def test_floating_division_by_zero_is_the_hosts(tmp_path: Path) -> None:
    """0/0 is x86's default NaN (sign bit set) in every width; a NaN divided by 0 stays
    that NaN; negation is gdb's 0 - x."""
    script = ["p 0.0/0", "p 0.0f/0", "p (long double)0/0", "p -(0.0/0)", "p 1.0/0", "p -1.0/0", "p (0.0/0)/0",
              "p (0.0/0)*0", "p 0/0.0", "p (float)(0.0/0)", "p (long double)(0.0/0)", "p 0.0/0 == 0.0/0",
              "p/x 0.0/0", "p -0.0", "p -(0.0f/0)"]
    gdb, ours = gdb_and_ours(tmp_path, "fz", SOURCE, script, "0")
    assert gdb.count("-nan(") >= 8
    assert ours == gdb


CRASH = """\
#include <stdio.h>
struct node { int value; struct node *next; };

int main(void)
{
    struct node *n = NULL;
    printf("about to crash\\n");
    return n->value;
}
"""


def test_after_a_fatal_signal_the_program_is_not_being_run(tmp_path: Path) -> None:
    script = ["run", "p $_exitsignal", "p $_exitcode", "info program", "stepi", "info program", "p $_exitsignal",
              "p $_exitcode", "p $_siginfo", "bt", "run", "kill", "info program", "p $_exitsignal"]
    gdb, ours = gdb_and_ours(tmp_path, "cr", CRASH, script, "0")
    assert "$3 = 11" in gdb and gdb.count("The program being debugged is not being run.") == 2
    assert re.sub(r"process \d+", "process N", ours) == re.sub(r"process \d+", "process N", gdb)
