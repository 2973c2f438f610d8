"""The assembler against GNU as 2.40: every section byte for byte, and the symbol table.

Sources: gcc -S output for small C programs at -O0/-O1/-O2 with -g (so .file,
.loc, .debug_* and .uleb128 of label differences all appear), the libc's
shipped assembly, and the hand-written examples.
"""
from __future__ import annotations

import struct
from pathlib import Path

import pytest

from asm_tools import GCC_FLAGS, elf_sections, gas, run
from vmdebug.isa.assembler import assemble_file
from vmdebug.libc import asm_files

ROOT = Path(__file__).resolve().parents[2]
# gas writes .eh_frame by itself for .cfi_* without `.cfi_sections .debug_frame`; we do not.
GAS_GENERATED = {".eh_frame"}

C_PROGRAMS = {
    "switch": r"""
int table(int x) {
    switch (x) { case 0: return 10; case 1: return 21; case 2: return 32; case 3: return 43;
                 case 4: return 54; case 5: return 65; case 7: return 87; default: return -1; }
}
int dispatch(int op, int a, int b) {
    switch (op) {
    case 0: a += b; break; case 1: a -= b; break; case 2: a *= b; break;
    case 3: a = b ? a / b : 0; break; case 4: a <<= b & 31; break; case 5: a = (unsigned)a >> (b & 31); break;
    case 6: a ^= b; break; default: a = ~a;
    }
    return a;
}
""",
    "strings": r"""
static const char *names[] = {"zero", "one", "two", "three", "ro", "e"};
char buf[64];
static char local_buf[17];
const char greeting[] = "hello, world\n";
int count(const char *s, char c) { int n = 0; while (*s) n += *s++ == c; return n; }
char *copy(char *d, const char *s) { char *r = d; while ((*d++ = *s++)) ; return r; }
const char *name(unsigned i) { return i < 6 ? names[i] : "many\t\"quoted\"\\"; }
int use(void) { copy(buf, greeting); copy(local_buf, name(3)); return count(buf, 'l') + local_buf[0]; }
""",
    "globals": r"""
int counter = 7; int zeroed; static int hidden = 3; long long big = 0x123456789abcdefLL;
struct point { int x, y; char tag; short s; } origin = {1, 2, 'o', -5}, *where = &origin;
int arr[100]; unsigned char bytes[3] = {1, 2, 255};
static int fn(int (*f)(int), int v) { return f(v); }
static int twice(int v) { return 2 * v; }
int apply(int v) { static int calls; calls++; return fn(twice, v) + calls + hidden + where->y; }
long long mul64(long long a, long long b) { return a * b + big; }
unsigned long long shr64(unsigned long long a, int n) { return a >> n; }
struct point make(int x) { struct point p = {x, x + 1, 'p', 9}; return p; }
int sum(void) { int s = 0; for (int i = 0; i < 100; i++) s += arr[i] * bytes[i % 3]; return s + zeroed; }
""",
    "branches": r"""
extern int ext(int);
int collatz(unsigned n) { int steps = 0; while (n != 1) { n = n & 1 ? 3 * n + 1 : n / 2; steps++; } return steps; }
int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
int big_body(int a, int b, int c) {
    for (int i = 0; i < a; i++) {
        if (b > i) { c += ext(i * 3 + b); c ^= ext(c + 7); c -= ext(c * b); c += ext(c - i); c *= ext(a + b + c); }
        else if (c < b) { c -= ext(b); c += ext(c + 11); c ^= ext(i * i); c += ext(c << 2); c -= ext(a ^ b); }
        else { c += a * b - i; c = ext(c) + ext(c + 1) + ext(c + 2) + ext(c + 3) + ext(c + 4) + ext(c + 5); }
    }
    return c;
}
int dowhile(int x) { do { x = ext(x); } while (x > 3); return x; }
void _start(void) { for (;;) ext(collatz(27) + fact(5) + big_body(3, 4, 5) + dowhile(9)); }
""",
}


def _compare(src: Path, tmp: Path) -> None:
    """Assemble ``src`` with both assemblers and compare sections and symbols."""
    ref_path = gas(src, tmp / (src.stem + ".o"))
    ref = elf_sections(ref_path)
    obj = assemble_file(src)
    for name, sec in obj.sections.items():
        if name in GAS_GENERATED:
            continue
        assert name in ref, f"{src.name}: section {name} not in as output"
        rtype, _flags, rdata, _addr, rsize = ref[name]
        assert sec.size == rsize, f"{src.name}: {name} size {sec.size} != as {rsize}"
        if rtype != 8:
            mine = bytes(sec.data)
            if mine != rdata:
                at = next(i for i, (a, b) in enumerate(zip(mine, rdata)) if a != b)
                raise AssertionError(f"{src.name}: {name} differs at {at:#x}: "
                                     f"ours {mine[at:at + 8].hex()} as {rdata[at:at + 8].hex()}")
    for name in ref:
        if name.startswith((".rel", ".symtab", ".strtab", ".shstrtab")) or name in GAS_GENERATED:
            continue
        assert name in obj.sections, f"{src.name}: as has section {name}, we do not"
    _compare_symbols(src, ref_path, obj)


def _compare_symbols(src: Path, ref_path: Path, obj: object) -> None:
    """Every named symbol in as's symtab: section, value, size, binding, type."""
    data = ref_path.read_bytes()
    shoff, = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
    heads = [struct.unpack_from("<IIIIIIIIII", data, shoff + i * shentsize) for i in range(shnum)]
    shstr = data[heads[shstrndx][4]:heads[shstrndx][4] + heads[shstrndx][5]]

    def cstr(blob: bytes, off: int) -> str:
        return blob[off:blob.index(b"\0", off)].decode()

    symtab = next(h for h in heads if h[1] == 2)
    strtab = heads[symtab[6]]
    strs = data[strtab[4]:strtab[4] + strtab[5]]
    binds = {0: "local", 1: "global", 2: "weak"}
    types = {0: "notype", 1: "object", 2: "func"}
    for k in range(1, symtab[5] // 16):
        st_name, value, size, info, _other, shndx = struct.unpack_from("<IIIBBH", data, symtab[4] + 16 * k)
        name = cstr(strs, st_name)
        if not name or info & 15 in (3, 4):       # section and file symbols
            continue
        ours = obj.symbols.get(name)  # type: ignore[attr-defined]
        assert ours is not None, f"{src.name}: symbol {name} missing"
        special = {0: None, 0xFFF1: "*ABS*", 0xFFF2: "*COM*"}
        section = special[shndx] if shndx in special else cstr(shstr, heads[shndx][0])
        got = (ours.section, ours.value if section != "*COM*" else ours.align, ours.size,
               ours.bind, ours.type)
        assert got == (section, value, size, binds[info >> 4], types.get(info & 15)), f"{src.name}: {name}"


@pytest.fixture(scope="module")
def c_sources(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """gcc -S output of every C program at -O0, -O1, -O2 (with -g)."""
    tmp = tmp_path_factory.mktemp("csrc")
    out: list[Path] = []
    for name, text in C_PROGRAMS.items():
        c = tmp / f"{name}.c"
        c.write_text(text)
        for level in ("0", "1", "2"):
            s = tmp / f"{name}-O{level}.s"
            run(["gcc", *GCC_FLAGS, "-g", f"-O{level}", str(c), "-o", str(s)])
            out.append(s)
    return out


def test_gcc_output_matches_as(c_sources: list[Path], tmp_path: Path) -> None:
    for src in c_sources:
        _compare(src, tmp_path)


def test_libc_c_sources_at_every_level_match_as(tmp_path: Path) -> None:
    """The libc's own C, compiled with -g at -O0..-O3 and -Os: views, loclists, relaxation."""
    from vmdebug.libc import include_dir, source_files

    sources = source_files()
    assert sources
    for c in sources:
        for level in ("0", "1", "2", "3", "s"):
            s = tmp_path / f"{c.stem}-O{level}.s"
            run(["gcc", *GCC_FLAGS, "-g", f"-O{level}", "-I", str(include_dir()), str(c), "-o", str(s)])
            _compare(s, tmp_path)


def test_libc_assembly_matches_as(tmp_path: Path) -> None:
    files = asm_files()
    assert len(files) >= 2
    for src in files:
        _compare(src, tmp_path)


def test_examples_match_as(tmp_path: Path) -> None:
    examples = sorted((ROOT / "examples").glob("*.s"))
    assert examples, "no examples/*.s"
    for src in examples:
        _compare(src, tmp_path)


HAND_WRITTEN = r"""
    .intel_syntax noprefix
    .text
    .globl  start
start:
    mov     eax, DWORD PTR [ebp-4]          # comment
    mov     eax, DWORD PTR [eax+edx*4+8]; add eax, 1 ; sub eax, 2
    mov     eax, ds:0x1234
    mov     eax, DWORD PTR cs:[eax]
    mov     BYTE PTR es:[edi], 0x7f
    push    es
    pop     ds
    push    cs
    push    fs
    pop     gs
    pushw   ss
    popw    es
    mov     eax, ds
    mov     es, eax
    mov     WORD PTR [ebx+4], ss
    mov     ds, WORD PTR fs:[eax]
    mov     [eax], gs
    es nop
    fs ret
    ds je start
    bnd jmp eax
    bnd ret
    bnd call start
    bnd je start
    notrack bnd jmp eax
    lea     eax, [edi+edi*4]
    lea     eax, table[eax*4]
    lea     eax, 8[ebp]
    mov     eax, OFFSET FLAT:table+4
    push    OFFSET table
    mov     eax, table
    mov     eax, end - start
    add     eax, (1 << 4) | 3 ^ ~0 & 0x0f
    mov     al, 'a'
    mov     ecx, 'z'
    mov     edx, 0b1011 + 017 + 0x1f + 9 % 4 - 12 / 5
    call    [DWORD PTR table[0+eax*4]]
    rep stosd
    repne scasb
1:  dec     ecx
    jnz     1b
    jmp     1f
    nop
1:  loop    1b
    jecxz   2f
2:  call    ext
    call    start
    jmp     ext
    .set    SIZE, 4 * 3
    mov     eax, SIZE
    CONST = SIZE + 1
    add     eax, CONST
    .weak   wk
    .globl  gl
    .type   gl, %function
    .type   wk, STT_FUNC
    jmp     wk
    call    wk
    jmp     gl
    jne     gl
gl: ret
    mov     eax, FWD
    .equ    FWD, 99
end:
    ret
    .data
table: .long start, end, .-table, end-start, ext+4
       .byte 1, -1, 255, 'q
       .value 0x1234, -2
       .short 1
       .word 2
       .int 3
       .quad -1, 0x1122334455667788
       .ascii "abc", "d\n\t\\\"\001\x41"
       .asciz "z"
       .string "s1"; .string "s2"
       .zero 3
       .skip 2, 0xaa
       .space 2
       .balign 8
       .align 16
       .p2align 2
       .uleb128 300, 0, 127, 128
       .sleb128 -1, -128, 64, 63
       .fill 3, 2, 0x0102
    .uleb128 end - start, gl - start
    .sleb128 start - end
    .section .data.rel.ro,"aw"
    .type   obj, STT_OBJECT
    .size   obj, 8
obj: .long gl, wk
    .section .rodata.str1.1,"aMS",@progbits,1
s1: .string "merge"
    .section .rodata
    .align 4
ro: .long s1, s1+2
    .section .text.startup,"ax",@progbits
    .p2align 4,,15
main: jmp start
    .bss
    .align 32
buf: .zero 100
    .lcomm lc, 12
    .comm cm, 40, 8
    .comm cm2, 3
    .local lcl
    .comm lcl, 6
"""


def test_hand_written_syntax_matches_as(tmp_path: Path) -> None:
    src = tmp_path / "hand.s"
    src.write_text(HAND_WRITTEN)
    _compare(src, tmp_path)
