"""``alias``, ``!`` and ``pipe``/``|`` as gdb 13 runs them (cli-cmds.c alias_command,
shell_escape, pipe_command): the aliases' errors, an alias then working with its default
arguments and those given, abbreviated and as a subcommand; ``!ls`` with no space; the
shell's exit code in ``$_shell_exitcode``/``$_shell_exitsignal``; a command's output
through a shell command, and pipe's errors."""
from __future__ import annotations

import re
from pathlib import Path

from dbgprogs import gdb_and_ours

SOURCE = """\
int square(int v)
{
    return v * v;
}

int main(int argc, char **argv)
{
    int n = argc + 4;
    return square(n) == 25 ? 0 : 1;
}
"""

ALIAS_SCRIPT = [
    "alias", "alias foo", "alias = print", "alias foo =", "alias xx = nosuchcmd", "alias yy = info nosuch",
    "alias p = print", "alias print = info", "alias myp = print", "alias myp = print", "alias -a mp = print",
    "alias -x mp = print", "alias -- bt2 = backtrace -full", "alias bt3 = bt2", "alias 1abc = print",
    "alias a$b = print", "alias set foo = print", "alias info reg3 x = info registers",
    "alias info reg2 = info registers", "alias i reg4 = info registers", "alias info reg2 = info frame",
    "alias myp2 = p/x", "alias spe = set print elements", "alias ii = info", "alias pri = output",
    "alias info r = info frame", "alias info registers = info frame", "alias myq = myp",
    "myp 1+2", "myp2 255", "myq 7", "1abc 6*7", "mp 3", "pri 9", "echo \\n", "spe 3", "show print elements",
    "my 5", "break square", "run", "bt2", "myp2 v", "info reg2 eip", "i reg4 eip", "ii reg2 eip", "ii reg4 eip",
    "myp $_shell_exitcode",
]


def test_alias_as_gdbs(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "al", SOURCE, ALIAS_SCRIPT, "0")
    assert "Alias already exists: myp" in gdb and "$2 = 0xff" in gdb, gdb
    assert "Cannot define an alias of an alias that has default args" in gdb, gdb
    stack = lambda text: re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text)  # noqa: E731
    assert stack(ours) == stack(gdb)


def test_help_lists_the_aliases_as_gdb(tmp_path: Path) -> None:
    """help's texts are vmdebug's own; what ``help aliases`` and ``help ALIAS`` say of the
    aliases is gdb's: the aliases but -a ones, sorted, and the definition under one with
    default arguments."""
    script = ["alias -- bt2 = backtrace -full", "alias -a mp = print", "alias myp2 = p/x", "alias myp = print",
              "alias info reg2 = info registers", "help aliases", "help myp"]
    gdb, ours = gdb_and_ours(tmp_path, "alh", SOURCE, script, "0")
    names = lambda text: re.findall(r"^(\S[^\n]*?) -- ", text.split("help aliases")[-1], re.M)  # noqa: E731
    gdb_block = gdb.split("=====\n")[6]
    our_block = ours.split("=====\n")[6]
    assert re.findall(r"^(\S.*?) -- ", gdb_block, re.M) == ["bt2", "info reg2", "myp", "myp2"], gdb_block
    assert re.findall(r"^(\S.*?) -- ", our_block, re.M) == ["bt2", "info reg2", "myp", "myp2"], our_block
    definitions = lambda block: re.findall(r"^  alias .*$", block, re.M)  # noqa: E731
    assert definitions(our_block) == definitions(gdb_block) == ["  alias bt2 = backtrace -full",
                                                                "  alias myp2 = print /x"]
    gdb_help, our_help = gdb.split("=====\n")[7], ours.split("=====\n")[7]
    assert definitions(our_help) == definitions(gdb_help) == ["  alias myp2 = print /x"]
    assert "Aliases: myp, myp2, mp, p" in our_help and gdb_help.startswith("print, myp, myp2, mp,"), gdb_help
    del names


SHELL_SCRIPT = [
    "!echo hi", "! echo  two", "p $_shell_exitcode", "p $_shell_exitsignal", "!exit 3", "p $_shell_exitcode",
    "shell kill -9 $$", "p $_shell_exitcode", "p $_shell_exitsignal", "shell echo err >&2; exit 1",
    "pipe p 1+2 | cat -n", "| p 5 | tr 5 7", "|p 5|cat", "pipe", "pipe p 1", "pipe p 1 |", "pipe | cat",
    "pipe -d XX p 1|2 XX cat", "pipe nosuch | cat", "pipe p 1 | exit 4", "p $_shell_exitcode", "pipe -d",
    "pipe -d XX p 1", "pipe echo a\\n | cat", "break square", "run", "| bt | wc -l", "pipe info frame | head -1",
    "pipe output 5 | cat", "echo x\\n", "pipe p nosuch | cat -n", "pipe x/2i $pc | wc -l",
]


def test_shell_and_pipe_as_gdbs(tmp_path: Path) -> None:
    gdb, ours = gdb_and_ours(tmp_path, "sh", SOURCE, SHELL_SCRIPT, "0")
    assert "     1\t$6 = 3" in gdb and "$_shell_exitcode" not in gdb, gdb
    assert "Missing delimiter before SHELL_COMMAND" in gdb and "No previous command to relaunch" in gdb, gdb
    stack = lambda text: re.sub(r"0x(ffff|bfff)[0-9a-f]{4}", "STACK", text)  # noqa: E731
    assert stack(ours) == stack(gdb)
