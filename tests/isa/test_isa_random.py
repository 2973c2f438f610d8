"""Random byte strings: the decoder decodes or raises DecodeError, and agrees with objdump."""
from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vmdebug.isa.decoder import DecodeError, Instruction, TruncatedInstruction, decode
import pytest

from vmdebug.isa.disasm import formatter
from vmdebug.isa.encoder import EncodeError, encode
from vmdebug.isa.operands import REG8, REG16, REG32, SEGMENTS, Imm, Mem, Reg, Rel
from vmdebug.isa.table import ALIASES, BY_MNEMONIC, ENTRIES, STRING_SUFFIXED

PREFIXES = [b"", b"", b"", b"\x66", b"\xf0", b"\xf3", b"\xf2", b"\x26", b"\x2e", b"\x36", b"\x3e", b"\x64",
            b"\x65", b"\x66\xf0", b"\x64\x66"]


def _check(data: bytes) -> Instruction | None:
    try:
        insn = decode(data, 0x8049000)
    except TruncatedInstruction:
        return None
    except DecodeError as exc:
        assert "invalid instruction" in str(exc)
        return None
    assert 1 <= insn.length <= 15
    assert insn.raw == data[:insn.length]
    # Every proper prefix of a decodable instruction is a *truncated* instruction:
    # this is how the CPU tells a fetch running into an unmapped page.
    for k in range(insn.length):
        try:
            decode(data[:k], 0x8049000)
        except TruncatedInstruction:
            continue
        raise AssertionError(f"{data[:k].hex()} (prefix of {insn.raw.hex()}) not reported as truncated")
    return insn


@settings(max_examples=3000, deadline=None)
@given(st.binary(min_size=0, max_size=15))
def test_random_bytes_never_crash(data: bytes) -> None:
    _check(data)


@settings(max_examples=2000, deadline=None)
@given(st.sampled_from(ENTRIES), st.sampled_from(PREFIXES), st.binary(min_size=0, max_size=12))
def test_table_guided_bytes_never_crash(entry, prefix: bytes, tail: bytes) -> None:  # type: ignore[no-untyped-def]
    _check(prefix + (b"\x66" if entry.opsize == 16 else b"") + entry.opcode + tail)


def _samples(n: int) -> list[bytes]:
    rng = random.Random(1234)
    out = []
    for i in range(n):
        if i % 3 == 0:
            out.append(bytes(rng.randrange(256) for _ in range(15)))
        else:
            e = rng.choice(ENTRIES)
            head = rng.choice(PREFIXES) + (b"\x66" if e.opsize == 16 else b"") + e.opcode
            out.append(head + bytes(rng.randrange(256) for _ in range(15 - len(head))))
    return out


@pytest.mark.parametrize("flavor", ["intel", "att"])
def test_random_decodes_match_objdump(tmp_path: Path, binutils: Any, flavor: str) -> None:
    """Decodable random instructions, each under its own label, disassembled by objdump
    (-M intel for the Intel printer, its default AT&T syntax for the AT&T one)."""
    fmt = formatter(flavor)
    insns = []
    src = [".text"]
    for data in _samples(30000):
        insn = _check(data)
        if insn is None:
            continue
        src.append(f"r{len(insns)}: .byte " + ",".join(str(b) for b in insn.raw))
        insns.append(insn)
    assert len(insns) > 10000
    (tmp_path / "r.s").write_text("\n".join(src) + "\n")
    binutils.run("as", "--32", "-o", str(tmp_path / "r.o"), str(tmp_path / "r.s"))
    binutils.run("objcopy", "-O", "binary", "-j", ".text", str(tmp_path / "r.o"), str(tmp_path / "r.bin"))
    code = (tmp_path / "r.bin").read_bytes()
    dump = binutils.parse_objdump(binutils.run("objdump", "-d", "-z", *binutils.flavor_options[flavor],
                                               str(tmp_path / "r.o")))
    bad = []
    offset = 0
    for insn in insns:
        again = decode(code[offset:offset + insn.length], offset)
        want = dump.get(offset, "<no line>")
        got = fmt(again, lambda a: None)
        if want != got and not _symbol_target(want, got):
            bad.append(f"{insn.raw.hex(' ')}: objdump {want!r} ours {got!r}")
        offset += insn.length
    assert not bad, f"{len(bad)} mismatches:\n" + "\n".join(bad[:40])


def _symbol_target(want: str, got: str) -> bool:
    """objdump names branch targets after the nearest label; we printed the bare address."""
    if "<r" not in want:
        return False
    head, _, _ = want.partition(" <")
    head_ours, _, addr = got.rpartition(" ")
    return head.rsplit(" ", 1)[0] == head_ours and head.rsplit(" ", 1)[1] == addr.removeprefix("0x")


def test_random_round_trip() -> None:
    """Re-encoding a canonical decoded instruction reproduces it (or is the as-preferred form)."""
    for data in _samples(3000):
        insn = _check(data)
        if insn is None:
            continue
        if insn.entry.rep is None and any(p in ("repz", "repnz") for p in insn.prefixes):
            continue    # an ignored F2/F3 (objdump's repz add): as refuses to write one
        again = encode(insn.mnemonic, insn.operands, prefixes=insn.prefixes, address=insn.address,
                       branch="short" if "rel8" in insn.entry.operands else "near")
        re = decode(again, insn.address)
        if insn.mnemonic == "xchg":  # 87 c0 (xchg eax,eax) re-encodes as 90 (nop), like as does
            continue
        assert re.mnemonic == insn.mnemonic, (insn.raw.hex(), again.hex())
        assert tuple(map(_no_default_seg, re.operands)) == tuple(map(_no_default_seg, insn.operands)), \
            (insn.raw.hex(), again.hex())


def _no_default_seg(op: object) -> object:
    """as drops a segment override naming the default segment (ds, or ss for esp/ebp bases)."""
    if isinstance(op, Mem) and op.seg == ("ss" if op.base in ("esp", "ebp") else "ds"):
        return Mem(op.size, op.base, op.index, op.scale, op.disp, None, op.symbolic)
    if isinstance(op, Reg) and op.size == 80 and op.code == 0:
        return Reg.named("st")      # st(0) is st: `fmul st(0), st' (DC C8) is as's D8 C8
    return op


_NAMES = sorted(BY_MNEMONIC) + sorted(ALIASES) + sorted(STRING_SUFFIXED) + ["foo", "xlatb", ""]
_REGNAMES = [*REG8, *REG16, *REG32]
_mem = st.builds(Mem, st.sampled_from([None, 8, 16, 32]), st.sampled_from([None, *REG32, "ax", "eiz"]),
                 st.sampled_from([None, *REG32, "eiz", "al"]), st.sampled_from([1, 2, 3, 4, 8]),
                 st.integers(-(1 << 33), 1 << 33), st.sampled_from([None, *SEGMENTS, "xx"]), st.booleans())
_operand = st.one_of(st.sampled_from(_REGNAMES).map(Reg.named), _mem,
                     st.builds(Imm, st.integers(-(1 << 33), 1 << 33), st.sampled_from([None, 8, 16, 32]),
                               st.booleans()),
                     st.builds(Rel, st.integers(0, 0xFFFFFFFF)))


@settings(max_examples=4000, deadline=None)
@given(st.sampled_from(_NAMES), st.lists(_operand, max_size=3),
       st.lists(st.sampled_from(["rep", "repe", "repz", "repne", "repnz", "lock", "bogus"]), max_size=1),
       st.sampled_from([None, "short", "near"]), st.integers(0, 0xFFFFFFFF))
def test_random_operands_encode_or_error(name: str, ops: list, prefixes: list, branch: str | None,
                                         address: int) -> None:
    """encode() returns bytes or raises EncodeError - never anything else; its bytes decode."""
    try:
        code = encode(name, tuple(ops), prefixes=tuple(prefixes), address=address, branch=branch)
    except EncodeError:
        return
    insn = decode(code, address)
    assert insn.length == len(code)
