"""string.h, ctype.h and atoi/strtol of the vmdebug libc, run natively.

The strings come from argv so gcc cannot fold the calls at compile time:
the libc's own functions run at every optimisation level."""
from __future__ import annotations

from pathlib import Path

import pytest

from vmdebug.toolchain.native import build_native, run_native

WORDS = ["", "a", "abc", "abd", "ab", "hello world", "hello", "Hello", "zzz", "\x7fx", "caf\xe9",
         "a longer string with several words"]

SOURCE = r'''
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sign(int x) { return x < 0 ? -1 : x > 0; }

static void hex(const char *label, const unsigned char *p, int n)
{
    int i;
    printf("%s", label);
    for (i = 0; i < n; i++)
        printf(" %02x", p[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    char buf[128];
    unsigned char raw[32];
    int i, j;
    for (i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *c = strchr(s, 'l');
        const char *r = strrchr(s, 'l');
        printf("len=%u nlen3=%u chr=%d rchr=%d nul=%d dup=%s\n", (unsigned)strlen(s),
               (unsigned)strnlen(s, 3), c ? (int)(c - s) : -1, r ? (int)(r - s) : -1,
               (int)(strchr(s, '\0') - s), strdup(s));
        for (j = 1; j < argc; j++)
            printf("%d%d%d%d ", sign(strcmp(s, argv[j])), sign(strncmp(s, argv[j], 2)),
                   sign(memcmp(s, argv[j], strlen(s) < strlen(argv[j]) ? strlen(s) : strlen(argv[j]))),
                   strstr(s, argv[j]) ? (int)(strstr(s, argv[j]) - s) : -1);
        printf("\n");
        strcpy(buf, s);
        strcat(buf, "|");
        strcat(buf, s);
        printf("cat=%s\n", buf);
        memset(buf, 'x', 10);
        strncpy(buf, s, 6);
        hex("ncpy", (unsigned char *)buf, 10);
    }
    /* memmove with overlap in both directions, memset, memcpy lengths. */
    for (i = 0; i < 32; i++)
        raw[i] = (unsigned char)i;
    memmove(raw + 4, raw, 20);
    hex("up", raw, 32);
    for (i = 0; i < 32; i++)
        raw[i] = (unsigned char)i;
    memmove(raw, raw + 5, 20);
    hex("down", raw, 32);
    for (i = 0; i < 32; i++) {
        memset(raw, 0, 32);
        memset(raw + (i % 5), 0xA0 + i, (unsigned)i);
        if (i == 31 || i == 17 || i == 3)
            hex("set", raw, 32);
    }
    for (i = 0; i < 32; i++)
        buf[i] = (char)(i * 3);
    for (i = 0; i < 24; i += 5) {
        memset(raw, 0xee, 32);
        memcpy(raw + (i % 3), buf + (i % 4), (unsigned)i);
        hex("cpy", raw, 32);
    }
    strcpy(buf, "abc");
    strncat(buf, "defgh", 2);
    printf("ncat=%s cspn=%u spn=%u\n", buf, (unsigned)strcspn("hello", "lo"), (unsigned)strspn("aabbc", "ab"));
    printf("ctype=%d%d%d%d%d %c%c\n", !!isdigit('7'), !!isalpha('_'), !!isspace('\t'), !!isupper('Q'),
           !!ispunct('!'), toupper('a'), tolower('Z'));
    printf("atoi=%d %d %d %d %d\n", atoi("  -42xyz"), atoi("+17"), atoi("2147483647"),
           atoi("-2147483648"), atoi("abc"));
    {
        char *end;
        long v = strtol("  0x1fZ", &end, 0);
        printf("strtol=%ld end=%s %ld %ld %lu\n", v, end, strtol("-0777", 0, 0), strtol("zz", 0, 36),
               strtoul("4294967295", 0, 10));
        printf("strtoll=%lld %llu\n", strtoll("-9223372036854775808", 0, 10),
               strtoull("18446744073709551615", 0, 10));
    }
    printf("memchr=%d\n", (int)((char *)memchr("abcdef", 'd', 6) - "abcdef"));
    return 0;
}
'''


def sign(x: int) -> int:
    return (x > 0) - (x < 0)


def cmp(a: bytes, b: bytes) -> int:
    return sign((a > b) - (a < b))


def expected_output() -> str:
    out = []
    words = [w.encode("latin-1") for w in WORDS]
    for s in words:
        c = s.find(b"l")
        r = s.rfind(b"l")
        out.append(f"len={len(s)} nlen3={min(3, len(s))} chr={c} rchr={r} nul={len(s)} dup={s.decode('latin-1')}")
        row = []
        for t in words:
            n = min(len(s), len(t))
            row.append(f"{cmp(s, t)}{cmp(s[:2], t[:2])}{cmp(s[:n], t[:n])}{s.find(t)} ")
        out.append("".join(row))
        out.append(f"cat={s.decode('latin-1')}|{s.decode('latin-1')}")
        nc = (s[:6] + b"\0" * 6)[:6] + b"x" * 4
        out.append("ncpy" + "".join(f" {b:02x}" for b in nc))
    raw = list(range(32))
    raw[4:24] = raw[0:20]
    out.append("up" + "".join(f" {b:02x}" for b in raw))
    raw = list(range(32))
    raw[0:20] = raw[5:25]
    out.append("down" + "".join(f" {b:02x}" for b in raw))
    for i in (3, 17, 31):
        raw = [0] * 32
        for k in range(i % 5, i % 5 + i):
            raw[k] = 0xA0 + i
        out.append("set" + "".join(f" {b:02x}" for b in raw[:32]))
    buf = [(i * 3) & 0xFF for i in range(32)]
    for i in range(0, 24, 5):
        raw = [0xEE] * 32
        raw[i % 3:i % 3 + i] = buf[i % 4:i % 4 + i]
        out.append("cpy" + "".join(f" {b:02x}" for b in raw[:32]))
    out.append("ncat=abcde cspn=2 spn=4")
    out.append("ctype=10111 Az")
    out.append("atoi=-42 17 2147483647 -2147483648 0")
    out.append("strtol=31 end=Z -511 1295 4294967295")
    out.append("strtoll=-9223372036854775808 18446744073709551615")
    out.append("memchr=3")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("opt", ["0", "1", "2"])
def test_string_functions(opt: str, tmp_path: Path) -> None:
    src = tmp_path / "strings.c"
    src.write_text(SOURCE)
    exe = build_native(src, tmp_path / "strings", opt)
    result = run_native(exe, [w.encode("latin-1").decode("utf-8", "surrogateescape") for w in WORDS])
    assert (result.exit_status, result.signal) == (0, None), result.stderr
    got = result.stdout.decode("latin-1")
    exp = expected_output()
    for i, (g, e) in enumerate(zip(got.split("\n"), exp.split("\n"))):
        assert g == e, f"line {i + 1}"
    assert got == exp
