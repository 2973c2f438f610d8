"""Decode and disassemble real gcc -m32 output and compare every line with objdump."""
from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

import pytest

from vmdebug.isa.decoder import decode
from vmdebug.isa.disasm import format_objdump_line

C_SOURCE = r"""
typedef unsigned long long u64;
typedef long long i64;
struct big { int a[20]; char c; short s; };
static volatile int sink;
void *memset(void *d, int c, unsigned n) { char *p = d; while (n--) *p++ = (char)c; return d; }
void *memcpy(void *d, const void *s, unsigned n) { char *p = d; const char *q = s; while (n--) *p++ = *q++; return d; }

int add3(int a, int b, int c) { return a + b * c; }
unsigned udiv(unsigned a, unsigned b) { return a / b + a % b; }
int sdiv(int a, int b) { return a / b - a % 7 + a / 16; }
i64 mul64(i64 a, i64 b) { return a * b; }
u64 shl64(u64 a, int n) { return (a << n) | (a >> (64 - n)); }
i64 sar64(i64 a, int n) { return a >> n; }
int cmp64(i64 a, i64 b) { return a < b ? -1 : a > b; }
int sx(signed char c, short s, unsigned char u, unsigned short w) { return c + s + u + w; }
int bits(unsigned x) { return __builtin_clz(x | 1) + __builtin_ctz(x | 4); }
unsigned rot(unsigned x, int n) { return (x << n) | (x >> (32 - n)); }
void copy(struct big *d, const struct big *s) { *d = *s; }
void zero(struct big *d) { __builtin_memset(d, 0, sizeof *d); }
int sw(int x) {
    switch (x) { case 0: return 3; case 1: return 9; case 2: return 27; case 3: return 81;
                 case 4: return 243; case 5: return 7; case 6: return 1; default: return -1; }
}
int loop(int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i] * (i & 3); return s; }
int minmax(int a, int b) { return (a < b ? a : b) * (a > b ? a : b); }
char *find(char *p, char c) { while (*p && *p != c) p++; return p; }
int set(int a, int b) { return (a == b) + (a < b) * 2 + ((unsigned)a > (unsigned)b) * 4; }
int neg(int a) { return -a ^ ~a; }
short h(short a, short b) { return a * b + (a >> 3); }
unsigned char bt(unsigned char a, unsigned char b) { return a * b + (a >> 1); }
int rec(int n) { return n <= 1 ? 1 : n * rec(n - 1) + sink; }
int fp(int (*f)(int), int x) { return f(x) + f(x + 1); }
int _start(void) { struct big a, b; zero(&a); copy(&b, &a); return rec(5) + fp(neg, 3) + loop(a.a, 20); }
"""


def _symbol_for(symbols: list[tuple[int, str]]):  # type: ignore[no-untyped-def]
    keys = [a for a, _ in symbols]

    def lookup(addr: int) -> str | None:
        k = bisect.bisect_right(keys, addr) - 1
        if k < 0:
            return None
        base, name = symbols[k]
        return name if base == addr else f"{name}+{addr - base:#x}"
    return lookup


@pytest.mark.parametrize("flavor", ["intel", "att"])
@pytest.mark.parametrize("opt", ["-O0", "-O1", "-O2", "-Os"])
def test_gcc_code_matches_objdump(tmp_path: Path, opt: str, binutils: Any, flavor: str) -> None:
    """Every line of objdump -d (att) or objdump -d -M intel (intel) of a gcc-built program."""
    (tmp_path / "t.c").write_text(C_SOURCE)
    binutils.run("gcc", "-m32", opt, "-fno-pic", "-fno-pie", "-ffreestanding", "-nostdinc",
             "-fno-asynchronous-unwind-tables", "-fcf-protection=none", "-c", "-o", str(tmp_path / "t.o"),
             str(tmp_path / "t.c"))
    binutils.run("ld", "-m", "elf_i386", "-static", "-e", "_start", "-o", str(tmp_path / "t"), str(tmp_path / "t.o"))
    dump = binutils.run("objdump", "-d", *binutils.flavor_options[flavor], str(tmp_path / "t"))
    blocks = binutils.objdump_blocks(dump)
    binutils.run("objcopy", "-O", "binary", "-j", ".text", str(tmp_path / "t"), str(tmp_path / "t.bin"))
    code = (tmp_path / "t.bin").read_bytes()
    symbols = sorted((int(a, 16), n) for a, t, n in
                     (row.split() for row in binutils.run("nm", str(tmp_path / "t")).splitlines() if len(row.split()) == 3)
                     if t in "Tt")
    text_start = min(blocks)
    assert text_start == symbols[0][0]
    addr = text_start
    count = 0
    while addr - text_start < len(code):
        insn = decode(code[addr - text_start:], addr)
        assert format_objdump_line(insn, _symbol_for(symbols), flavor=flavor) == blocks[addr], hex(addr)
        addr += insn.length
        count += 1
    assert count == len(blocks) and count > 100
    mnemonics = {re.split(r"\s+", b.split("\t")[2])[0] for b in blocks.values()}
    assert "call" in mnemonics
