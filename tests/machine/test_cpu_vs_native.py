"""Every integer instruction, with many operand values, on the simulated CPU and the real one.

One program runs thousands of cases; each case loads registers and flags,
executes one instruction, and writes a scratch dword, EFLAGS and the eight
registers to stdout.  Flags the SDM leaves undefined for that instruction are
masked before comparing.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from native import build, run_native, run_sim
from vmdebug.isa.table import ENTRIES

CF, PF, AF, ZF, SF, OF = 0x1, 0x4, 0x10, 0x40, 0x80, 0x800
NAMES = {"CF": CF, "PF": PF, "AF": AF, "ZF": ZF, "SF": SF, "OF": OF}
UNDEFINED = {}
for _e in ENTRIES:
    UNDEFINED[_e.mnemonic] = sum(NAMES[f] for f in _e.undefined)

EDGE = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000,
        0xFFFFFFFF, 0xFFFFFFFE, 0x12345678, 0x87654321]
REGS = ["eax", "ebx", "ecx", "edx", "esi", "edi"]
R16 = {"eax": "ax", "ebx": "bx", "ecx": "cx", "edx": "dx", "esi": "si", "edi": "di"}
R8 = {"eax": "al", "ebx": "bl", "ecx": "cl", "edx": "dl"}


def cases(rng: random.Random) -> list[tuple[str, int]]:
    """(instruction text, extra flag mask) pairs."""
    out: list[tuple[str, int]] = []
    for m in ("add", "adc", "sub", "sbb", "cmp", "and", "or", "xor", "test"):
        out += [(f"{m} eax, ebx", 0), (f"{m} ax, bx", 0), (f"{m} al, bl", 0), (f"{m} ah, dl", 0),
                (f"{m} edx, 5", 0), (f"{m} edx, -1", 0), (f"{m} ecx, 0x12345678", 0), (f"{m} cl, 0x80", 0),
                (f"{m} DWORD PTR [scratch], esi", 0), (f"{m} esi, DWORD PTR [scratch]", 0),
                (f"{m} WORD PTR [scratch], 0x7fff", 0), (f"{m} BYTE PTR [scratch+1], al", 0)]
    for m in ("inc", "dec", "neg", "not"):
        out += [(f"{m} eax", 0), (f"{m} si", 0), (f"{m} bl", 0), (f"{m} bh", 0), (f"{m} DWORD PTR [scratch]", 0)]
    for m in ("shl", "shr", "sar", "rol", "ror", "rcl", "rcr"):
        for dst in ("eax", "dx", "bl"):
            for count in ("1", "cl", "4", "31"):
                out.append((f"{m} {dst}, {count}", 0 if count == "1" else OF))
        out.append((f"{m} DWORD PTR [scratch], cl", OF))
    for m in ("shld", "shrd"):
        out += [(f"{m} eax, ebx, 4", OF), (f"{m} eax, ebx, cl", OF), (f"{m} dx, si, 3", OF), (f"{m} eax, ebx, 1", 0)]
    for m in ("mul", "imul"):
        out += [(f"{m} ebx", 0), (f"{m} si", 0), (f"{m} cl", 0), (f"{m} DWORD PTR [scratch]", 0)]
    out += [("imul eax, ebx", 0), ("imul dx, si", 0), ("imul eax, ebx, 7", 0), ("imul edx, esi, -3", 0),
            ("imul ecx, DWORD PTR [scratch], 0x10001", 0), ("imul eax, DWORD PTR [scratch]", 0)]
    for m in ("bt", "bts", "btr", "btc"):
        out += [(f"{m} eax, ebx", 0), (f"{m} eax, 5", 0), (f"{m} si, 17", 0), (f"{m} DWORD PTR [scratch], 31", 0)]
    out += [("bsf eax, ebx", 0), ("bsr eax, ebx", 0), ("tzcnt eax, ebx", 0), ("lzcnt edx, esi", 0),
            ("tzcnt ax, bx", 0), ("lzcnt eax, DWORD PTR [scratch]", 0), ("bswap esi", 0), ("cbw", 0), ("cwde", 0), ("cwd", 0),
            ("cdq", 0), ("lahf", 0), ("sahf", 0), ("clc", 0), ("stc", 0), ("cmc", 0),
            ("movzx eax, bl", 0), ("movzx eax, bh", 0), ("movzx edx, si", 0), ("movsx eax, bl", 0),
            ("movsx edx, si", 0), ("movsx ax, cl", 0), ("lea eax, [ebx+esi*4+0x10]", 0),
            ("lea edx, [eax+eax*8]", 0), ("lea si, [ebx+edi]", 0), ("xchg eax, ebx", 0), ("xchg cl, dh", 0),
            ("xadd eax, ebx", 0), ("cmpxchg ebx, esi", 0), ("cmpxchg DWORD PTR [scratch], esi", 0),
            ("xchg DWORD PTR [scratch], edi", 0), ("mov BYTE PTR [scratch+3], dh", 0),
            ("mov WORD PTR [scratch+1], si", 0), ("movzx eax, WORD PTR [scratch+2]", 0)]
    for cc in ("o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"):
        out += [(f"set{cc} al", 0), (f"cmov{cc} eax, ebx", 0)]
    for m in ("div", "idiv"):
        out += [(f"{m} ebx", 0), (f"{m} bl", 0), (f"{m} si", 0)]
    return out


def setup(rng: random.Random, text: str) -> list[int]:
    """Register values (and flags) for one case; divisions get values that do not trap."""
    vals = [rng.choice(EDGE) if rng.random() < 0.5 else rng.getrandbits(32) for _ in range(7)]
    flags = rng.getrandbits(1) * CF | rng.getrandbits(1) * ZF | rng.getrandbits(1) * SF | \
        rng.getrandbits(1) * OF | rng.getrandbits(1) * PF | rng.getrandbits(1) * AF
    if text.startswith(("div", "idiv")):
        vals[0] = rng.getrandbits(32)          # eax
        vals[3] = rng.randrange(0, 3) if text.startswith("div") else 0  # edx small: no overflow
        vals[1] = rng.getrandbits(32) | 0x1000100  # ebx: divisor never zero in any size
        vals[4] = rng.getrandbits(16) | 0x8100    # esi: si >= 0x8100
        if text == "div bl" or text == "idiv bl":
            vals[0] &= 0xFFFF00FF  # ah = 0 -> quotient fits
        if text.startswith("idiv"):
            vals[0] &= 0x3FFFFFFF
            vals[3] = 0
            if text == "idiv si":
                vals[3] = 0
                vals[0] &= 0xFFFF3FFF
    return vals + [flags]


def program(rng: random.Random, items: list[tuple[str, int]]) -> tuple[str, list[tuple[str, int]]]:
    lines = [".intel_syntax noprefix", ".globl _start", ".text", "_start:"]
    for text, _ in items:
        eax, ebx, ecx, edx, esi, edi, scratch, flags = setup(rng, text)
        lines += [f"  mov DWORD PTR [scratch], {scratch:#x}", f"  push {flags | 0x202:#x}", "  popfd",
                  f"  mov eax, {eax:#x}", f"  mov ebx, {ebx:#x}", f"  mov ecx, {ecx:#x}", f"  mov edx, {edx:#x}",
                  f"  mov esi, {esi:#x}", f"  mov edi, {edi:#x}", f"  {text}",
                  "  pushfd", "  push DWORD PTR [scratch]", "  pusha",
                  "  mov eax, 4", "  mov ebx, 1", "  mov ecx, esp", "  mov edx, 40", "  int 0x80",
                  "  add esp, 40"]
    lines += ["  mov eax, 1", "  xor ebx, ebx", "  int 0x80", ".bss", "scratch: .zero 16",
              ".section .note.GNU-stack,\"\",@progbits"]
    return "\n".join(lines) + "\n", items


def test_every_instruction_matches_the_real_cpu(tmp_path: Path) -> None:
    rng = random.Random(1234)
    items = [item for item in cases(rng) for _ in range(12)]
    source, items = program(rng, items)
    exe = build(tmp_path, source)
    native = run_native(exe)
    sim, proc = run_sim(exe)
    assert native.status == 0 and sim.status == 0, (sim, proc.fault.reason if hasattr(proc, "fault") else "")
    assert len(sim.stdout) == len(native.stdout) == 40 * len(items)
    mismatches = []
    for k, (text, extra) in enumerate(items):
        a, b = native.stdout[40 * k:40 * k + 40], sim.stdout[40 * k:40 * k + 40]
        mnemonic = text.split()[0]
        mask = ~(UNDEFINED.get(mnemonic, 0) | extra) & 0xFFFFFFFF
        words_a = [int.from_bytes(a[i:i + 4], "little") for i in range(0, 40, 4)]
        words_b = [int.from_bytes(b[i:i + 4], "little") for i in range(0, 40, 4)]
        words_a[9] &= mask  # pusha order: edi esi ebp esp ebx edx ecx eax, then scratch, eflags
        words_b[9] &= mask
        if words_a != words_b:
            mismatches.append((text, [hex(w) for w in words_a], [hex(w) for w in words_b]))
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:5]}"


FAULTS = [("div ebx", 8), ("idiv ebx", 8), ("ud2", 4), ("int3", 5), ("hlt", 11), ("int 0x81", 11),
          ("mov eax, [0]", 11), ("mov BYTE PTR [_start], 1", 11)]


@pytest.mark.parametrize("text,signal", FAULTS)
def test_faults_match_the_real_cpu(tmp_path: Path, text: str, signal: int) -> None:
    source = "\n".join([".intel_syntax noprefix", ".globl _start", ".text", "_start:",
                        "  xor ebx, ebx", "  mov eax, 0x80000000", "  cdq", f"  {text}",
                        "  mov eax, 1", "  int 0x80", ".section .note.GNU-stack,\"\",@progbits"]) + "\n"
    exe = build(tmp_path, source)
    native = run_native(exe)
    sim, _ = run_sim(exe)
    assert native.signal == signal
    assert (sim.status, sim.signal) == (native.status, native.signal)
