"""malloc, free, calloc and realloc of the vmdebug libc, run natively.

Addresses are printed relative to the first chunk because the real kernel
randomises where the heap starts; the layout inside the heap is exact:
4-byte headers (size | bit 0 in use | bit 1 the chunk before is free),
16-byte minimum chunks, 8-aligned payloads, free chunks with next/prev
links and a footer, bins of one size or a power of two, the top, splitting,
coalescing on both sides, growth by exact chunk sizes (src/malloc.c)."""
from __future__ import annotations

from pathlib import Path

import pytest

from vmdebug.toolchain.native import NativeResult, build_native, run_native

PRELUDE = r'''
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *base;
#define OFF(p) ((int)((char *)(p) - base))
#define HDR(p) (((unsigned *)(p))[-1])

static void walk(const char *label)
{
    char *c;
    printf("%s:", label);
    for (c = __heap_start; c < __heap_end; c += *(unsigned *)c & ~7u) {
        unsigned h = *(unsigned *)c;
        printf(" %d:%x", (int)(c - __heap_start), h);
        if (!(h & 1) && c + h < __heap_end)   /* a free chunk in a bin: its links */
            printf("[%d,%d]", ((char **)c)[1] ? (int)(((char **)c)[1] - __heap_start) : -1,
                   ((char **)c)[2] ? (int)(((char **)c)[2] - __heap_start) : -1);
    }
    printf(" end=%d bins=%x\n", (int)(__heap_end - __heap_start), __heap_binmap);
}
'''

LAYOUT = PRELUDE + r'''
int main(void)
{
    char *p, *q, *r, *s, *t, *a, *b, *c, *d, *e;
    char *brk0;
    printf("before: %d %d\n", __heap_start == 0, __heap_end == 0);
    p = malloc(10);
    base = p;
    printf("align=%d start=%d brk=%d\n", (int)((uintptr_t)p % 8), OFF(__heap_start),
           (int)((char *)sbrk(0) - __heap_end));
    q = malloc(8);
    r = malloc(1);
    printf("p=%d q=%d r=%d hdr=%x %x %x\n", OFF(p), OFF(q), OFF(r), HDR(p), HDR(q), HDR(r));
    free(q);
    walk("free q");
    s = malloc(12);
    printf("reuse=%d hdr=%x r=%x\n", OFF(s), HDR(s), HDR(r));
    free(s);
    s = malloc(40);
    free(r);
    walk("r merges back into q");
    t = malloc(4);
    walk("split");
    a = malloc(16);
    b = malloc(16);
    c = malloc(16);
    d = malloc(16);
    walk("abcd");
    free(a);
    free(c);
    walk("a and c in one bin");
    free(b);
    walk("b merges both ways");
    e = malloc(200);
    walk("e from the top");
    free(d);
    free(e);
    walk("d and e merge into the top");
    brk0 = sbrk(0);
    a = malloc(100);
    printf("carved from the top: grow=%d a=%d\n", (int)((char *)sbrk(0) - brk0), OFF(a));
    brk0 = sbrk(0);
    b = malloc(400);
    printf("top extended: grow=%d b=%d\n", (int)((char *)sbrk(0) - brk0), OFF(b));
    free(p);
    free(t);
    free(s);
    free(a);
    free(b);
    walk("all free");
    brk0 = sbrk(0);
    a = malloc(1000);
    printf("no grow=%d a=%d\n", (int)((char *)sbrk(0) - brk0), OFF(a));
    free(0);
    return 0;
}
'''

LAYOUT_EXPECTED = """before: 1 1
align=0 start=-4 brk=0
p=0 q=16 r=32 hdr=11 11 11
free q: 0:11 16:10[-1,-1] 32:13 end=48 bins=1
reuse=16 hdr=11 r=11
r merges back into q: 0:11 16:20[-1,-1] 48:33 end=96 bins=4
split: 0:11 16:11 32:10[-1,-1] 48:33 end=96 bins=1
abcd: 0:11 16:11 32:10[-1,-1] 48:33 96:19 120:19 144:19 168:19 end=192 bins=1
a and c in one bin: 0:11 16:11 32:10[-1,-1] 48:33 96:18[-1,144] 120:1b 144:18[96,-1] 168:1b end=192 bins=3
b merges both ways: 0:11 16:11 32:10[-1,-1] 48:33 96:48[-1,-1] 168:1b end=192 bins=81
e from the top: 0:11 16:11 32:10[-1,-1] 48:33 96:48[-1,-1] 168:1b 192:d1 end=400 bins=81
d and e merge into the top: 0:11 16:11 32:10[-1,-1] 48:33 96:130 end=400 bins=1
carved from the top: grow=0 a=96
top extended: grow=208 b=200
all free: 0:260 end=608 bins=0
no grow=400 a=0
"""

STRESS = PRELUDE + r'''
#define N 300
static char *ptrs[N];
static unsigned sizes[N];

static void fill(int i)
{
    unsigned k;
    for (k = 0; k < sizes[i]; k++)
        ptrs[i][k] = (char)(i * 7 + k);
}

static int check(int i)
{
    unsigned k;
    for (k = 0; k < sizes[i]; k++)
        if (ptrs[i][k] != (char)(i * 7 + k))
            return 0;
    return 1;
}

int main(void)
{
    int i, round, bad = 0, misaligned = 0;
    unsigned seed = 12345;
    for (round = 0; round < 4; round++) {
        for (i = 0; i < N; i++) {
            seed = seed * 1103515245u + 12345u;
            if (ptrs[i] && (seed >> 16) % 3 == 0) {
                bad += !check(i);
                free(ptrs[i]);
                ptrs[i] = 0;
            } else if (!ptrs[i]) {
                sizes[i] = (seed >> 8) % 200;
                ptrs[i] = (round & 1) ? calloc(1, sizes[i]) : malloc(sizes[i]);
                misaligned += (uintptr_t)ptrs[i] % 8 != 0;
                fill(i);
            } else {
                bad += !check(i);
                sizes[i] = (seed >> 8) % 300;
                ptrs[i] = realloc(ptrs[i], sizes[i]);
                misaligned += (uintptr_t)ptrs[i] % 8 != 0;
                fill(i);
            }
        }
        for (i = 0; i < N; i++)
            if (ptrs[i])
                bad += !check(i);
    }
    {
        /* Every header is sane and the chunks tile the heap exactly. */
        char *c;
        int chunks = 0, used = 0, prev_free = 0;
        for (c = __heap_start; c < __heap_end; c += *(unsigned *)c & ~7u) {
            unsigned h = *(unsigned *)c;
            bad += (h & 4) != 0 || (h & ~7u) < 16 || ((uintptr_t)c % 8) != 4;
            /* bit 1 says whether the chunk before is free; two free chunks are never neighbours */
            bad += ((h & 2) != 0) != prev_free || (prev_free && !(h & 1));
            prev_free = !(h & 1);
            chunks++;
            used += h & 1;
        }
        bad += c != __heap_end;
        for (i = 0; i < N; i++)
            used -= ptrs[i] != 0;
        printf("chunks>0 %d used-mismatch %d\n", chunks > 0, used);
    }
    for (i = 0; i < N; i++)
        free(ptrs[i]);
    walk("after all free");
    printf("bad=%d misaligned=%d\n", bad, misaligned);
    return 0;
}
'''

REALLOC = PRELUDE + r'''
int main(void)
{
    char *p, *q, *r, *s;
    int i, ok = 1;
    p = realloc(0, 20);
    base = p;
    for (i = 0; i < 20; i++)
        p[i] = (char)i;
    q = realloc(p, 100);
    printf("grow at end in place=%d hdr=%x\n", q == p, HDR(q));
    r = malloc(8);
    s = realloc(q, 10);
    printf("shrink in place=%d hdr=%x\n", s == q, HDR(s));
    walk("shrunk");
    s = realloc(s, 60);
    printf("regrow into free neighbour=%d hdr=%x\n", s == q, HDR(s));
    s = realloc(s, 200);
    printf("moved=%d off=%d\n", s != q, OFF(s));
    for (i = 0; i < 10; i++)
        ok &= s[i] == (char)i;
    printf("copied=%d\n", ok);
    walk("moved");
    printf("realloc0=%p\n", realloc(r, 0));
    walk("freed");
    printf("calloc overflow=%p huge=%p\n", calloc(0x10000, 0x10001), malloc(0xfffffff0u));
    return 0;
}
'''

REALLOC_EXPECTED = """grow at end in place=1 hdr=69
shrink in place=1 hdr=11
shrunk: 0:11 16:58[-1,-1] 104:13 end=120 bins=200
regrow into free neighbour=1 hdr=41
moved=1 off=120
copied=1
moved: 0:68[-1,-1] 104:13 120:d1 end=328 bins=800
realloc0=(nil)
freed: 0:78[-1,-1] 120:d3 end=328 bins=2000
calloc overflow=(nil) huge=(nil)
"""

ERRORS = PRELUDE + r'''
int main(int argc, char **argv)
{
    char *p = malloc(16);
    char *q = malloc(16);
    printf("start\n");
    switch (argv[1][0]) {
    case 'd': free(q); free(q); break;
    case 'i': free(p + 8); break;
    case 's': free((char *)&argc); break;
    case 'c': memset(p, 'A', 24); free(q); break;
    case 'm': memset(p, 0, 24); malloc(100); break;
    }
    printf("not reached\n");
    return 0;
}
'''


def build_run(tmp_path: Path, source: str, opt: str, args: list[str] | None = None) -> NativeResult:
    src = tmp_path / "prog.c"
    src.write_text(source)
    exe = build_native(src, tmp_path / "prog", opt)
    return run_native(exe, args)


@pytest.mark.parametrize("opt", ["0", "1", "2"])
def test_chunk_layout_split_coalesce_and_growth(opt: str, tmp_path: Path) -> None:
    result = build_run(tmp_path, LAYOUT, opt)
    assert (result.exit_status, result.signal) == (0, None)
    assert result.stdout.decode() == LAYOUT_EXPECTED


@pytest.mark.parametrize("opt", ["0", "2"])
def test_many_allocations_keep_data_and_alignment(opt: str, tmp_path: Path) -> None:
    result = build_run(tmp_path, STRESS, opt)
    assert (result.exit_status, result.signal) == (0, None), result.stderr
    out = result.stdout.decode().splitlines()
    assert out[0] == "chunks>0 1 used-mismatch 0"
    # Everything freed coalesces back into one free chunk spanning the heap.
    assert out[1].startswith("after all free: 0:")
    size = int(out[1].split()[3].split(":")[1], 16)
    assert out[1] == f"after all free: 0:{size:x} end={size} bins=0"
    assert out[2] == "bad=0 misaligned=0"


@pytest.mark.parametrize("opt", ["0", "1", "2"])
def test_realloc_and_calloc(opt: str, tmp_path: Path) -> None:
    result = build_run(tmp_path, REALLOC, opt)
    assert (result.exit_status, result.signal) == (0, None)
    assert result.stdout.decode() == REALLOC_EXPECTED


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("d", "malloc: double free at 0x"),
        ("i", "malloc: invalid pointer (not the start of a chunk) at 0x"),
        ("s", "malloc: invalid pointer (not from malloc) at 0x"),
        ("c", "malloc: corrupted chunk header at 0x"),
        ("m", "malloc: corrupted chunk header at 0x"),
    ],
)
def test_heap_errors_abort_with_sigabrt(case: str, message: str, tmp_path: Path) -> None:
    result = build_run(tmp_path, ERRORS, "1", [case])
    assert (result.exit_status, result.signal) == (None, 6)       # abort() raises SIGABRT, as glibc's
    assert result.stdout == b"start\n"
    err = result.stderr.decode()
    assert err.startswith(message)
    assert err.count("\n") == 1



FOREIGN = PRELUDE + r'''
int main(void)
{
    char *p = malloc(10), *mine, *q;
    mine = sbrk(13);            /* the program takes 13 bytes of its own */
    memset(mine, 'M', 13);
    q = malloc(4);              /* fits in no free chunk: the heap would have to grow */
    printf("not reached %p %p\n", p, q);
    return 0;
}
'''


def test_growing_the_heap_after_the_program_moved_the_break_aborts(tmp_path: Path) -> None:
    result = build_run(tmp_path, FOREIGN, "1")
    assert (result.exit_status, result.signal, result.stdout) == (None, 6, b"")
    assert result.stderr.decode().startswith(
        "malloc: the program moved the break (sbrk/brk) since malloc grew the heap at 0x")
