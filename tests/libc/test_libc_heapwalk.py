"""vmdebug.libc.heap.walk_heap over the memory of a real (native) process:
the program dumps its heap bytes and its own walk; the Python walk over the
dumped bytes must agree, including a corrupted header, and so must the free
lists it reads from the dumped __heap_bins."""
from __future__ import annotations

import struct
from pathlib import Path

import pytest

from vmdebug.libc.heap import HeapChunk, bin_of, heap_problems, walk_heap
from vmdebug.toolchain.native import build_native, run_native

SOURCE = r'''
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void dump(void)
{
    unsigned char *c;
    int i;
    printf("range %x %x\n", (unsigned)__heap_start, (unsigned)__heap_end);
    printf("bytes");
    for (c = (unsigned char *)__heap_start; c < (unsigned char *)__heap_end; c++)
        printf(" %02x", *c);
    printf("\nwalk");
    for (c = (unsigned char *)__heap_start; c < (unsigned char *)__heap_end; c += *(unsigned *)c & ~7u)
        printf(" %x:%x", (unsigned)c, *(unsigned *)c);
    printf("\nbins");
    for (i = 0; i < __HEAP_BINS; i++)
        printf(" %x", (unsigned)__heap_bins[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    char *a = malloc(1), *b = malloc(30), *c = malloc(7), *d = malloc(100);
    free(b);
    free(d);
    memset(c, 'c', 7);
    dump();
    if (argc > 1) {
        memset(a, 0x41, 16); /* a's payload is 12 bytes: the next header is overwritten */
        dump();
    }
    return 0;
}
'''


def parse(lines: list[str]) -> tuple[int, int, bytes, list[tuple[int, int]]]:
    start, end = (int(x, 16) for x in lines[0].split()[1:])
    data = bytes(int(x, 16) for x in lines[1].split()[1:])
    walk = [tuple(int(v, 16) for v in item.split(":")) for item in lines[2].split()[1:]]
    return start, end, data, walk  # type: ignore[return-value]


def bins(lines: list[str]) -> list[int]:
    return [int(x, 16) for x in lines[3].split()[1:]]


def reader(start: int, data: bytes):
    return lambda addr: struct.unpack_from("<I", data, addr - start)[0]


@pytest.mark.parametrize("opt", ["0", "2"])
def test_walk_matches_the_process_own_walk(opt: str, tmp_path: Path) -> None:
    src = tmp_path / "heap.c"
    src.write_text(SOURCE)
    result = run_native(build_native(src, tmp_path / "heap", opt))
    lines = result.stdout.decode().splitlines()
    start, end, data, walk = parse(lines)
    chunks = walk_heap(reader(start, data), start, end)
    assert [(c.address, c.header) for c in chunks] == walk
    assert [(c.size, c.in_use, c.corrupt, c.prev_free, c.top) for c in chunks] == [
        (16, True, False, False, False), (40, False, False, False, False), (16, True, False, True, False),
        (104, False, False, False, True)]
    assert chunks[2].payload == start + 16 + 40 + 4 and chunks[2].payload_size == 12
    assert data[chunks[2].payload - start:][:7] == b"c" * 7
    # b's chunk is alone in its bin (no links); the top (d's chunk, merged with nothing) has none.
    assert (chunks[1].next_free, chunks[1].prev_link, chunks[1].footer) == (0, 0, 40)
    assert (chunks[3].next_free, chunks[3].prev_link, chunks[3].footer) == (None, None, 104)
    assert heap_problems(chunks, bins(lines), end) == []
    assert bin_of(40) == 3 and bins(lines)[3] == start + 16


def test_corrupted_header_stops_the_walk(tmp_path: Path) -> None:
    src = tmp_path / "heap.c"
    src.write_text(SOURCE)
    result = run_native(build_native(src, tmp_path / "heap", "1"), ["corrupt"])
    lines = result.stdout.decode().splitlines()
    start, end, data, _ = parse(lines[4:7])
    chunks = walk_heap(reader(start, data), start, end)
    assert len(chunks) == 2
    assert (chunks[0].size, chunks[0].in_use, chunks[0].corrupt) == (16, True, False)
    assert chunks[1] == HeapChunk(start + 16, 0x41414141, 0, True, corrupt=True)


def test_empty_heap() -> None:
    assert walk_heap(lambda addr: 0, 0, 0) == []
