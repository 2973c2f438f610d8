"""printf family of the vmdebug libc, run natively and compared with Python's
% formatting (which follows C's printf for these conversions)."""
from __future__ import annotations

from pathlib import Path

import pytest

from vmdebug.toolchain.native import build_native, run_native

INT_VALUES = [0, 1, -1, 7, -7, 42, -42, 255, 4096, 65535, 123456789, -123456789,
              2147483647, -2147483648, 1000000, -99]
LL_VALUES = [0, 1, -1, 4294967295, 4294967296, -4294967296, 1234567890123, -1234567890123,
             9223372036854775807, -9223372036854775808, 10**18, -(10**17) - 3]
INT_FORMATS = ["%d", "%i", "%5d", "%-5d|", "%05d", "%-05d|", "%+d", "% d", "%.3d", "%8.3d",
               "%012d", "%1d", "%-12i|", "%+08d"]
UNSIGNED_FORMATS = ["%u", "%x", "%X", "%10u", "%-10x|", "%08X", "%#x", "%#X", "%#012x", "%.6x",
                    "%o", "%12o"]
LL_FORMATS = ["%lld", "%20lld", "%-22lli|", "%025lld", "%+lld"]
ULL_FORMATS = ["%llu", "%llx", "%llX", "%018llx", "%24llu"]
STRINGS = ["", "a", "hello", "hello, world", "with space"]
STRING_FORMATS = ["%s", "%10s", "%-10s|", "%.3s", "%8.2s", "%-8.0s|", "%1s"]
CHARS = [65, 122, 48, 32, 126]
CHAR_FORMATS = ["%c", "%3c", "%-3c|"]


def c_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cases() -> list[tuple[str, str, str]]:
    """(format, C argument expression, expected output) triples."""
    out: list[tuple[str, str, str]] = []
    for fmt in INT_FORMATS:
        for v in INT_VALUES:
            out.append((fmt, f"(int)0x{v & 0xFFFFFFFF:08x}u", fmt % v))
    for fmt in UNSIGNED_FORMATS:
        for v in INT_VALUES:
            u = v & 0xFFFFFFFF
            py = fmt.replace("u", "d").replace("#o", "o")
            expected = py % u
            if "#" in fmt and "x" in fmt.lower() and u == 0:
                expected = (fmt.replace("#", "").replace("X", "x")) % 0
            out.append((fmt, f"0x{u:08x}u", expected))
    for fmt in LL_FORMATS:
        for v in LL_VALUES:
            out.append((fmt, f"(long long)0x{v & (2**64 - 1):016x}ull", fmt.replace("ll", "") % v))
    for fmt in ULL_FORMATS:
        for v in LL_VALUES:
            u = v & (2**64 - 1)
            out.append((fmt, f"0x{u:016x}ull", fmt.replace("ll", "").replace("u", "d") % u))
    for fmt in STRING_FORMATS:
        for s in STRINGS:
            out.append((fmt, c_string(s), fmt % s))
    for fmt in CHAR_FORMATS:
        for c in CHARS:
            out.append((fmt, str(c), fmt % c))
    # Short and char length modifiers truncate the promoted int.
    for v in [0x12345, -1, 0x80, 0x7FFF, 0x18000]:
        out.append(("%hd", f"(int)0x{v & 0xFFFFFFFF:x}u", "%d" % ((v & 0xFFFF) - (0x10000 if v & 0x8000 else 0))))
        out.append(("%hhu", f"(int)0x{v & 0xFFFFFFFF:x}u", "%d" % (v & 0xFF)))
        out.append(("%hx", f"(int)0x{v & 0xFFFFFFFF:x}u", "%x" % (v & 0xFFFF)))
        out.append(("%ld", f"(long)0x{v & 0xFFFFFFFF:x}u", "%d" % v))
    return out


SPECIAL = r'''
    n = printf("%p|%p|%10p|%-10p|\n", (void *)0, (void *)0x1234, (void *)0xbeef, (void *)0);
    printf("n=%d\n", n);
    printf("%%|%5%|%s|%.0d|%.0x|%#o|%#o|%#.3o\n", (char *)0, 0, 0, 8, 0, 8);
    printf("%*d|%-*d|%.*d|%*s|\n", 6, 42, 6, 42, 4, 7, -4, "ab");
    printf("%zu %td %jd\n", (unsigned)77, -3, (long long)-5);
    printf("%f|%5.2e|%d\n", 1.5, -2.0, 99);
    n = snprintf(buf, 8, "%s-%d", "abcdef", 12345);
    printf("snprintf=%d [%s]\n", n, buf);
    n = snprintf(buf, 0, "%d", 123);
    printf("snprintf0=%d\n", n);
    n = sprintf(buf, "%08x|%-3c|", 0xabc, 'z');
    printf("sprintf=%d [%s]\n", n, buf);
    n = puts("puts line");
    printf("puts=%d\n", n);
    n = putchar('Q');
    printf("\nputchar=%d\n", n);
    fputs("fputs\n", stdout);
    fprintf(stdout, "fprintf %s %d\n", "out", -1);
    fprintf(stderr, "to stderr %d\n", 2);
    fwrite("fwrite\n", 1, 7, stdout);
    n = printf("");
    printf("empty=%d\n", n);
    for (i = 0; i < 300; i++) big[i] = (char)('a' + i % 26);
    big[300] = 0;
    n = printf("%s\n", big);
    printf("big=%d\n", n);
'''

SPECIAL_EXPECTED = (
    "(nil)|0x1234|    0xbeef|(nil)     |\n"
    "n=36\n"
    "%|%|(null)|||010|0|010\n"
    "    42|42    |0007|ab  |\n"
    "77 -3 -5\n"
    "1.500000|-2.00e+00|99\n"
    "snprintf=12 [abcdef-]\n"
    "snprintf0=3\n"
    "sprintf=13 [00000abc|z  |]\n"
    "puts line\n"
    "puts=10\n"
    "Q\n"
    "putchar=81\n"
    "fputs\n"
    "fprintf out -1\n"
    "fwrite\n"
    "empty=0\n"
    + "".join(chr(ord("a") + i % 26) for i in range(300)) + "\n"
    "big=301\n"
)


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One C file holding every case; returns its path and expected stdout."""
    all_cases = cases()
    lines = [f'    printf("{fmt}\\n", {arg});' for fmt, arg, _ in all_cases]
    source = (
        "#include <stdio.h>\n\nstatic char buf[64];\nstatic char big[301];\n\n"
        "int main(void)\n{\n    int n, i;\n"
        + "\n".join(lines) + "\n" + SPECIAL + "    return 0;\n}\n"
    )
    path = tmp_path_factory.mktemp("printf") / "printf_cases.c"
    path.write_text(source)
    expected = "".join(exp + "\n" for _, _, exp in all_cases) + SPECIAL_EXPECTED
    return path, expected


@pytest.mark.parametrize("opt", ["0", "1", "2"])
def test_printf_matches_python_formatting(program: tuple[Path, str], opt: str, tmp_path: Path) -> None:
    path, expected = program
    exe = build_native(path, tmp_path / "prog", opt)
    result = run_native(exe)
    assert result.signal is None
    assert result.exit_status == 0
    got = result.stdout.decode()
    # Compare line by line first for a readable failure, then exactly.
    for i, (g, e) in enumerate(zip(got.split("\n"), expected.split("\n"))):
        assert g == e, f"line {i + 1}"
    assert got == expected
    assert result.stderr == b"to stderr 2\n"


def test_case_count_is_large(program: tuple[Path, str]) -> None:
    assert len(cases()) > 500
