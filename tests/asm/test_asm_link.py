"""The linker against ld -m elf_i386 -static: addresses, contents, segments, symbols.

Each program is assembled by GNU as and linked by ld, and separately built by
vmdebug (assembler + linker); every symbol address (nm), every allocated
section's address, size and bytes, and every PT_LOAD must agree.
"""
from __future__ import annotations

import struct
from pathlib import Path

import pytest

from asm_tools import GCC_FLAGS, elf_sections, gas, gnu_link, nm, run
from vmdebug.isa.assembler import assemble_file, assemble_text
from vmdebug.libc import asm_files, include_dir
from vmdebug.toolchain import build_program
from vmdebug.toolchain.link import link
from vmdebug.toolchain.image import Image
from vmdebug.toolchain.link import LinkError

ROOT = Path(__file__).resolve().parents[2]

LIBC_PROGRAMS = {
    "hello": r"""
#include <stdio.h>
int main(void) { printf("hello %d %s\n", 42, "world"); puts("hello"); return 3; }
""",
    "heap": r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static const char *words[] = {"alpha", "beta", "gamma", "ha", "a"};
char global_buf[32];
int counter = 5;
int main(int argc, char **argv) {
    char *p = malloc(40);
    strcpy(p, words[argc % 5]);
    strcat(p, "pha");
    printf("%s %d %x %p\n", p, (int)strlen(p), counter, (void *)global_buf);
    free(p);
    long long q = 1234567890123LL / (argc + 6);
    printf("%lld\n", q);
    return counter + (int)q;
}
""",
}


def _phdrs(path: Path) -> list[tuple[int, int, int, int, int, int]]:
    """PT_LOAD and PT_GNU_STACK: (type, offset, vaddr, filesz, memsz, flags)."""
    data = path.read_bytes()
    phoff, = struct.unpack_from("<I", data, 0x1C)
    phnum, = struct.unpack_from("<H", data, 0x2C)
    out = []
    for i in range(phnum):
        t, off, va, _pa, fs, ms, fl, _al = struct.unpack_from("<IIIIIIII", data, phoff + 32 * i)
        out.append((t, off, va, fs, ms, fl))
    return out


def _compare(img: Image, ref: Path, what: str) -> None:
    secs = elf_sections(ref)
    alloc = {n: v for n, v in secs.items() if v[1] & 2}
    assert sorted(alloc) == sorted(s.name for s in img.sections), what
    for s in img.sections:
        stype, _flags, data, addr, size = alloc[s.name]
        assert (s.address, s.size) == (addr, size), f"{what}: {s.name}"
        if stype != 8:
            assert img.read(s.address, s.size) == data, f"{what}: {s.name} contents"
    # The non-allocated sections: .comment and every DWARF section, relocated and merged.
    nonalloc = {n: v[2] for n, v in secs.items()
                if not v[1] & 2 and (n.startswith(".debug") or n == ".comment")}
    assert sorted(nonalloc) == sorted(img.debug), f"{what}: non-allocated sections"
    for name, data in nonalloc.items():
        mine = img.debug[name]
        if mine != data:
            at = next((i for i, (a, b) in enumerate(zip(mine, data)) if a != b), min(len(mine), len(data)))
            raise AssertionError(f"{what}: {name} differs at {at:#x} (size {len(mine)} vs ld {len(data)}): "
                                 f"ours {mine[at:at + 12].hex()} ld {data[at:at + 12].hex()}")
    ref_syms = nm(ref)
    ours = {}
    for sym in img.all_symbols():
        ours.setdefault(sym.name, sym.address)
    assert ours == ref_syms, what
    data = ref.read_bytes()
    entry, = struct.unpack_from("<I", data, 0x18)
    assert img.entry == entry
    flag_bits = {"r": 4, "rx": 5, "rw": 6, "rwx": 7}
    mine = [(1, s.offset, s.vaddr, len(s.data), s.memsz, flag_bits[s.flags]) for s in img.segments]
    ref_ph = [p for p in _phdrs(ref) if p[0] == 1]
    assert mine == ref_ph, what
    stack = [p for p in _phdrs(ref) if p[0] == 0x6474E551]
    assert img.has_gnu_stack == bool(stack), what
    if stack:
        assert img.exec_stack == bool(stack[0][5] & 1), what
    # Our header page holds the same program headers ld wrote.
    phoff, = struct.unpack_from("<I", data, 0x1C)
    phnum, = struct.unpack_from("<H", data, 0x2C)
    assert img.read(0x08048000 + 52, 32 * phnum) == data[phoff:phoff + 32 * phnum]


def _native(sources: list[Path], tmp: Path, name: str) -> Path:
    objs = [str(gas(s, tmp / f"{name}-{i}.o")) for i, s in enumerate(sources)]
    out = tmp / name
    run(["ld", "-m", "elf_i386", "-static", "-e", "_start", "-o", str(out), *objs])
    return out


def test_examples_link_like_ld(tmp_path: Path) -> None:
    for src in sorted((ROOT / "examples").glob("*.s")):
        img = build_program(src)
        _compare(img, _native([src], tmp_path, src.stem), src.name)


@pytest.mark.parametrize("level", ["0", "1", "2"])
def test_c_programs_with_libc_link_like_ld(tmp_path: Path, level: str) -> None:
    libc = asm_files()
    for name, text in LIBC_PROGRAMS.items():
        c = tmp_path / f"{name}.c"
        c.write_text(text)
        s = tmp_path / f"{name}-O{level}.s"
        run(["gcc", *GCC_FLAGS, "-g", f"-O{level}", "-I", str(include_dir()), str(c), "-o", str(s)])
        img = build_program(s)
        _compare(img, gnu_link([libc[0], s], tmp_path, f"{name}{level}", libc[1:]), f"{name} -O{level}")
        assert img.lines.lookup(img.address_of("main") or 0) is not None


LAYOUT_CASES = {
    "text_only": ".text\n.globl _start\n_start: ret\n",
    "data_only": ".text\n.globl _start\n_start: ret\n.data\n.long 1\n",
    "bss_only": ".text\n.globl _start\n_start: ret\n.bss\n.zero 5\n",
    "page_saved": ".text\n.globl _start\n_start: ret\n.section .rodata\n.zero 0x800\n.data\n.zero 0x100\n"
                  ".bss\n.zero 0x800\n",
    "same_page": ".text\n.globl _start\n_start: ret\n.section .rodata\n.byte 1\n.bss\n.zero 4090\n.data\n.byte 1\n",
    "sections": ".text\n.globl _start\n_start: call f\n ret\n.section .text.unlikely,\"ax\",@progbits\nu: ret\n"
                ".section .text.startup,\"ax\",@progbits\n.p2align 4\nf: ret\n.section .text.hot,\"ax\",@progbits\n"
                "h: ret\n.section .rodata.cst4,\"aM\",@progbits,4\n.long 1,2,1\n.section .rodata\n.align 16\n"
                "r: .long r\n.section .data.rel,\"aw\"\n.long _start\n.section .bss.x,\"aw\",@nobits\n.zero 3\n"
                ".comm c1,4,4\n.comm c2,1\n.comm cbig,100,32\n.lcomm lc,5\n",
    "strings": ".text\n.globl _start\n_start: mov eax, OFFSET FLAT:.LC1\n mov eax, OFFSET FLAT:.LC0+2\n"
               "mov eax, OFFSET FLAT:.LC2\n ret\n"
               ".section .rodata.str1.1,\"aMS\",@progbits,1\n.LC0: .string \"hello world\"\n.LC1: .string \"world\"\n"
               ".LC2: .string \"hello world\"\n.LC3: .string \"xyz\"\n"
               ".section .rodata.str1.4,\"aMS\",@progbits,1\n.align 4\n.LC4: .string \"abcdef\"\n.align 4\n"
               ".LC5: .string \"def\"\n.section .rodata\n.long .LC3, .LC4, .LC5\n",
}


def test_layout_cases_like_ld(tmp_path: Path) -> None:
    for name, body in LAYOUT_CASES.items():
        src = tmp_path / f"{name}.s"
        src.write_text(".intel_syntax noprefix\n" + body)
        img = link([assemble_file(src)])
        _compare(img, _native([src], tmp_path, name), name)


def test_string_merging_across_objects(tmp_path: Path) -> None:
    texts = [
        ".intel_syntax noprefix\n.text\n.globl _start\n_start: push OFFSET FLAT:.LC0\n push OFFSET FLAT:.LC1\n"
        "call f\n.section .rodata.str1.1,\"aMS\",@progbits,1\n.LC0: .string \"shared\"\n.LC1: .string \"red\"\n",
        ".intel_syntax noprefix\n.text\n.globl f\nf: mov eax, OFFSET FLAT:.LC0\n mov eax, OFFSET FLAT:.LC1\n ret\n"
        ".section .rodata\n.byte 7\n"
        ".section .rodata.str1.1,\"aMS\",@progbits,1\n.LC0: .string \"unshared\"\n.LC1: .string \"shared\"\n"
        ".LC2: .string \"new\"\n",
    ]
    srcs = []
    for i, t in enumerate(texts):
        p = tmp_path / f"m{i}.s"
        p.write_text(t)
        srcs.append(p)
    img = link([assemble_file(p) for p in srcs])
    _compare(img, _native(srcs, tmp_path, "merged"), "merged strings")


def test_undefined_and_duplicate_symbols_are_reported() -> None:
    a = assemble_text(".intel_syntax noprefix\n.globl _start\n_start:\n call missing\n mov eax, other\n", "a.s")
    with pytest.raises(LinkError) as info:
        link([a])
    assert str(info.value) == ("a.s:4:2: undefined reference to `missing'\n"
                               "a.s:5:2: undefined reference to `other'")
    b = assemble_text(".globl _start\n_start: ret\n", "b.s")
    with pytest.raises(LinkError, match="b.s: multiple definition of `_start'; first defined in a2.s"):
        link([assemble_text(".globl _start\n_start: ret\n", "a2.s"), b])


def test_image_round_trips_through_plain_data() -> None:
    import msgpack

    img = build_program(ROOT / "examples" / "sum_loop.s")
    packed = msgpack.packb(img.to_dict(), use_bin_type=True)
    back = Image.from_dict(msgpack.unpackb(packed, raw=False))
    assert back.to_dict() == img.to_dict()
    assert back.lines.lookup(img.entry) == ("sum_loop.s", 12)   # given by an absolute path: its name only


def test_build_program_links_libc_only_when_needed(tmp_path: Path) -> None:
    alone = build_program(ROOT / "examples" / "hello.s")          # own _start, calls nothing
    assert alone.symbol("printf") is None and alone.entry == alone.address_of("_start")
    main_only = tmp_path / "main.s"
    main_only.write_text(".intel_syntax noprefix\n.globl main\nmain: mov eax, 42\n ret\n")
    img = build_program(main_only)                                 # no _start: crt0 provides it
    assert img.address_of("main") is not None and img.symbol("_start") is not None
    assert img.entry == img.address_of("_start") != img.address_of("main")
    libc = asm_files()
    _compare(img, gnu_link([libc[0], main_only], tmp_path, "mainonly", libc[1:]), "main only")
