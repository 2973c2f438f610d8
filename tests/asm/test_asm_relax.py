"""gas's branch relaxation and .p2align padding, against as --32.

Branches to labels start short and grow to near; alignment padding absorbs
or adds growth; the chosen forms and every padding byte must equal as's.
"""
from __future__ import annotations

import random
from pathlib import Path

from asm_tools import elf_sections, gas
from vmdebug.isa.assembler import assemble_text

JCC = ["je", "jne", "jl", "jg", "jb", "ja", "jle", "jge", "js", "jns", "jo", "jp", "jbe", "jae"]


def _check(text: str, tmp: Path, name: str) -> bytes:
    src = tmp / f"{name}.s"
    src.write_text(text)
    ref = elf_sections(gas(src, tmp / f"{name}.o"))
    obj = assemble_text(text, str(src))
    for sec, (_t, _f, data, _a, size) in ref.items():
        if sec.startswith(".text"):
            mine = bytes(obj.sections[sec].data)
            if mine != data:
                at = next((i for i, (a, b) in enumerate(zip(mine, data)) if a != b), min(len(mine), len(data)))
                raise AssertionError(f"{name}: {sec} differs at {at:#x} (ours {len(mine)} bytes, as {size})")
    return bytes(obj.sections[".text"].data)


def test_forward_and_backward_at_the_short_limit(tmp_path: Path) -> None:
    lines = [".intel_syntax noprefix", ".text"]
    for n in range(120, 136):
        for op in ("jmp", "jne"):
            lines += [f"  {op} .Lf_{op}_{n}", f"  .skip {n}, 0x90", f".Lf_{op}_{n}:"]
            lines += [f".Lb_{op}_{n}:", f"  .skip {n}, 0x90", f"  {op} .Lb_{op}_{n}"]
    text = _check("\n".join(lines) + "\n", tmp_path, "limits")
    # jmp over 127 bytes is the last short one: eb 7f; 128 needs e9.
    assert bytes.fromhex("eb7f") + b"\x90" * 127 in text
    assert bytes.fromhex("e980000000") + b"\x90" * 128 in text
    # backward: disp -128 is short (skip 126 + 2-byte jmp), -129 is near.
    assert b"\x90" * 126 + bytes.fromhex("eb80") in text


def test_growth_cascades_and_alignment(tmp_path: Path) -> None:
    text = "\n".join([
        ".intel_syntax noprefix", ".text",
        # A branch pushed out of range only because a branch between grows.
        "  jmp .La", "  jmp .Lb", "  .skip 124, 0x90", ".La: nop", "  .skip 2, 0x90", ".Lb: ret",
        # Alignment between branch and target (gas's region rule).
        "  jmp .Lc", "  .skip 100, 0x90", "  .p2align 4", "  .skip 12, 0x90", ".Lc: ret",
        "  .p2align 4,,10", "  jne .Ld", "  .p2align 5,,15", "  .skip 110, 0x90", "  .p2align 3", ".Ld: ret",
        # Backward branch over an alignment that shrinks when code before it grows.
        ".Le: nop", "  jmp .Lz", "  .p2align 6", "  .skip 60, 0x90", "  je .Le", "  .skip 130, 0x90", ".Lz: ret",
    ]) + "\n"
    _check(text, tmp_path, "cascade")


def _random_program(rng: random.Random, n_labels: int) -> str:
    lines = [".intel_syntax noprefix", ".text"]
    for i in range(n_labels):
        lines.append(f".L{i}:")
        for _ in range(rng.randint(1, 4)):
            kind = rng.random()
            target = f".L{rng.randrange(n_labels)}"
            if kind < 0.35:
                lines.append(f"  {rng.choice(['jmp'] + JCC)} {target}")
            elif kind < 0.55:
                lines.append(f"  .skip {rng.choice([1, 3, 7, 30, 60, 90, 120])}, 0x90")
            elif kind < 0.65:
                p = rng.choice([2, 3, 4, 5])
                lines.append(rng.choice([f"  .p2align {p}", f"  .p2align {p},,{rng.randint(1, (1 << p) - 1)}",
                                         f"  .balign {1 << p}"]))
            elif kind < 0.8:
                lines.append(f"  mov eax, DWORD PTR [ebp-{rng.randint(1, 200)}]")
            elif kind < 0.9:
                lines.append(f"  call {target}")
            else:
                lines.append(f"  add eax, {rng.randint(-300, 300)}")
    lines.append("  ret")
    return "\n".join(lines) + "\n"


def test_random_programs(tmp_path: Path) -> None:
    rng = random.Random(1234)
    for k in range(25):
        _check(_random_program(rng, rng.randint(5, 40)), tmp_path, f"random{k}")


def test_p2align_padding_in_code_and_data(tmp_path: Path) -> None:
    lines = [".intel_syntax noprefix", ".text"]
    for pad in range(0, 40):
        lines += ["  .p2align 6", "  nop" if pad else "", f"  .skip {pad}, 0xcc", "  .p2align 6", "  ret"]
        lines += ["  .p2align 4,,10", "  ret", f"  .skip {pad % 16}, 0xcc", "  .p2align 4,,10", "  ret",
                  f"  .skip {pad % 16}, 0xcc", "  .p2align 4,,15", "  ret", "  .p2align 3,0x11", "  ret"]
    lines += [".data", ".byte 1", ".p2align 4", ".byte 2", ".balign 8, 0x55", ".byte 3", ".align 32",
              ".byte 4", ".p2align 5,,3", ".byte 5", ".p2align 2,0xee,1"]
    text = "\n".join(lines) + "\n"
    _check(text, tmp_path, "p2align")
    src = tmp_path / "p2align.s"
    ref = elf_sections(tmp_path / "p2align.o")
    assert bytes(assemble_text(text, str(src)).sections[".data"].data) == ref[".data"][2]
