"""System call wrappers, process start and exit of the vmdebug libc, native:
brk/sbrk semantics, mmap/munmap/mprotect, read/write and errno, argc/argv/
envp, exit/atexit/abort/assert."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from vmdebug.toolchain.native import NativeResult, build_native, run_native

BRK = r'''
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    char *a = sbrk(0);
    char *b = sbrk(0);
    char *old = sbrk(4096 + 100);
    char *now = sbrk(0);
    char *r;
    int i, sum = 0;
    printf("stable=%d old=%d grown=%d\n", a == b, old == a, (int)(now - a));
    for (i = 0; i < 4196; i++)
        old[i] = (char)i;
    for (i = 0; i < 4196; i++)
        sum += (unsigned char)old[i];
    printf("sum=%d\n", sum);
    r = sbrk(-100);
    printf("shrink=%d now=%d\n", r == now, (int)((char *)sbrk(0) - a));
    i = brk(a + 8);
    printf("brk=%d now=%d\n", i, (int)((char *)sbrk(0) - a));
    errno = 0;
    i = brk((void *)0x1000);
    printf("low brk=%d errno=%d now=%d\n", i, errno, (int)((char *)sbrk(0) - a));
    r = __brk_syscall((void *)0x1000);
    printf("raw=%d raw0=%d\n", r == a + 8, (char *)__brk_syscall(0) == a + 8);
    errno = 0;
    r = sbrk(-0x7fffffff);
    printf("wrap=%d errno=%d\n", r == (void *)-1, errno);
    i = brk(a);
    printf("back=%d\n", i == 0 && sbrk(0) == a);
    return 0;
}
'''
BRK_EXPECTED = """stable=1 old=1 grown=4196
sum=527190
shrink=1 now=4096
brk=0 now=8
low brk=-1 errno=12 now=8
raw=1 raw0=1
wrap=1 errno=12
back=1
"""

MMAP = r'''
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    char *p = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *q;
    int i, zero = 1;
    printf("ok=%d aligned=%d\n", p != MAP_FAILED, (int)((uintptr_t)p % 4096));
    for (i = 0; i < 3 * 4096; i++)
        zero &= p[i] == 0;
    p[0] = 'a';
    p[3 * 4096 - 1] = 'z';
    printf("zero=%d %c%c\n", zero, p[0], p[3 * 4096 - 1]);
    printf("munmap middle=%d\n", munmap(p + 4096, 4096));
    errno = 0;
    q = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 100);
    printf("bad offset=%d errno=%d\n", q == MAP_FAILED, errno);
    errno = 0;
    q = mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("len0=%d errno=%d\n", q == MAP_FAILED, errno);
    errno = 0;
    i = munmap(p + 1, 4096);
    printf("unaligned munmap=%d errno=%d\n", i, errno);
    printf("mprotect=%d\n", mprotect(p, 4096, PROT_READ));
    printf("read after mprotect=%c\n", p[0]);
    if (argc > 1 && argv[1][0] == 'w')
        p[1] = 'x';             /* read-only page: SIGSEGV */
    if (argc > 1 && argv[1][0] == 'u')
        printf("%c\n", p[4096]);  /* unmapped page: SIGSEGV */
    printf("munmap=%d\n", munmap(p, 3 * 4096));
    return 0;
}
'''
MMAP_EXPECTED = """ok=1 aligned=0
zero=1 az
munmap middle=0
bad offset=1 errno=22
len0=1 errno=22
unaligned munmap=-1 errno=22
mprotect=0
read after mprotect=a
"""

IO = r'''
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv, char **envp)
{
    char line[16];
    int c, i;
    errno = 0;
    i = (int)write(99, "x", 1);
    printf("bad fd=%d errno=%d\n", i, errno);
    printf("argc=%d\n", argc);
    for (i = 0; i <= argc; i++)
        printf("argv[%d]=%s\n", i, argv[i] ? argv[i] : "NULL");
    for (i = 0; envp[i]; i++)
        printf("envp[%d]=%s\n", i, envp[i]);
    printf("environ=%d getenv=%s missing=%p\n", environ == envp, getenv("B"), getenv("C"));
    while (fgets(line, sizeof line, stdin))
        printf("line[%s]\n", line);
    printf("eof=%d\n", getchar());
    return argc + 40;
}
'''

EXIT = r'''
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static void first(void) { printf("first registered, runs last\n"); }
static void second(void) { printf("second registered, runs first\n"); }
static void nested(int code) { exit(code); }
int main(int argc, char **argv)
{
    atexit(first);
    atexit(second);
    printf("mode %s\n", argv[1]);
    switch (argv[1][0]) {
    case 'e': nested(7); break;
    case 'a': abort();
    case 's': assert(argc == 5);
    case '_': _exit(9);
    }
    return 300; /* exit status 300 & 0xff = 44 */
}
'''


def build_run(tmp_path: Path, source: str, opt: str, args: list[str] | None = None,
              stdin: bytes = b"", env: dict[str, str] | None = None) -> NativeResult:
    src = tmp_path / "prog.c"
    src.write_text(source)
    return run_native(build_native(src, tmp_path / "prog", opt), args, stdin=stdin, env=env)


@pytest.mark.parametrize("opt", ["0", "2"])
def test_brk_and_sbrk(opt: str, tmp_path: Path) -> None:
    result = build_run(tmp_path, BRK, opt)
    assert (result.exit_status, result.signal) == (0, None)
    assert result.stdout.decode() == BRK_EXPECTED
    assert sum(i & 0xFF for i in range(4196)) == 527190


@pytest.mark.parametrize("opt", ["0", "2"])
def test_mmap_munmap_mprotect(opt: str, tmp_path: Path) -> None:
    result = build_run(tmp_path, MMAP, opt)
    assert (result.exit_status, result.signal) == (0, None)
    assert result.stdout.decode() == MMAP_EXPECTED + "munmap=0\n"


@pytest.mark.parametrize("mode", ["w", "u"])
def test_access_to_protected_or_unmapped_page_is_sigsegv(mode: str, tmp_path: Path) -> None:
    result = build_run(tmp_path, MMAP, "1", [mode])
    assert result.stdout.decode() == MMAP_EXPECTED
    assert result.signal_name == "SIGSEGV"


@pytest.mark.parametrize("opt", ["0", "2"])
def test_args_env_stdin_and_errno(opt: str, tmp_path: Path) -> None:
    result = build_run(tmp_path, IO, opt, ["one", "", "three words"], stdin=b"abc\na much longer line\nend",
                       env={"A": "1", "B": "two=2"})
    assert result.signal is None
    assert result.exit_status == 44
    assert result.stdout.decode() == (
        "bad fd=-1 errno=9\nargc=4\n"
        f"argv[0]={tmp_path / 'prog'}\nargv[1]=one\nargv[2]=\nargv[3]=three words\nargv[4]=NULL\n"
        "envp[0]=A=1\nenvp[1]=B=two=2\n"
        "environ=1 getenv=two=2 missing=(nil)\n"
        "line[abc\n]\nline[a much longer l]\nline[ine\n]\nline[end]\neof=-1\n"
    )


@pytest.mark.parametrize(
    ("mode", "status", "stdout", "stderr"),
    [
        ("e", 7, "mode e\nsecond registered, runs first\nfirst registered, runs last\n", ""),
        ("r", 44, "mode r\nsecond registered, runs first\nfirst registered, runs last\n", ""),
        ("a", -6, "mode a\n", ""),                                # killed by SIGABRT (abort)
        ("s", -6, "mode s\n", "{src}:17: main: Assertion `argc == 5' failed.\n"),
        ("_", 9, "mode _\n", ""),
    ],
)
def test_exit_atexit_abort_assert(mode: str, status: int, stdout: str, stderr: str, tmp_path: Path) -> None:
    result = build_run(tmp_path, EXIT, "0", [mode])
    assert (result.exit_status, result.signal) == ((None, -status) if status < 0 else (status, None))
    assert result.stdout.decode() == stdout
    # __FILE__ is the name gcc was given: the bare name, as vmdebug compiles a file from its directory.
    assert result.stderr.decode() == stderr.format(src="prog.c")


@pytest.mark.parametrize("args", [[], ["x"], ["x", "y"], ["x", "y", "z"]])
def test_crt0_calls_main_with_a_16_byte_aligned_stack(args: list[str], tmp_path: Path) -> None:
    """i386 psABI: esp is 16-aligned at the call, so esp % 16 == 12 on entry to
    main (after the return address), whatever argc is; read with gdb."""
    import subprocess

    src = tmp_path / "al.c"
    src.write_text("int main(int argc, char **argv) { return argc; }\n")
    exe = build_native(src, tmp_path / "al", "0")
    proc = subprocess.run(["gdb", "-nx", "-batch", "-ex", "break *main", "-ex", "run " + " ".join(args),
                           "-ex", "p ((unsigned)$esp) % 16", "-ex", "p *(int *)($esp + 4)",
                           "-ex", "p **(char ***)($esp + 8) != 0", str(exe)],
                          capture_output=True, text=True, timeout=60)
    assert re.findall(r"^\$\d+ = (\S+)$", proc.stdout, re.M) == ["12", str(len(args) + 1), "1"], proc.stdout
