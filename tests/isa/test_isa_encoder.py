"""Differential test: encode() against GNU as 2.40 over the whole table corpus."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vmdebug.isa.encoder import EncodeError, branch_forms, encode, nop_padding
from vmdebug.isa.operands import Imm, Mem, Reg


def test_corpus_is_large(corpus: Any) -> None:
    assert len(corpus.lines) > 20000


def test_encode_matches_gas(corpus: Any) -> None:
    bad = []
    for i, line in enumerate(corpus.lines):
        want = corpus.gas_bytes(i)
        try:
            got = encode(line.mnemonic, corpus.resolve(line.operands), prefixes=line.prefixes,
                         address=corpus.addresses[i])
        except EncodeError as exc:
            got = f"EncodeError: {exc}"
        if got != want:
            bad.append(f"{line.text!r}: gas {want.hex(' ')} ours {got.hex(' ') if isinstance(got, bytes) else got}")  # type: ignore[union-attr]
    assert not bad, f"{len(bad)} mismatches:\n" + "\n".join(bad[:40])


def test_nop_padding_matches_gas(tmp_path: Path, binutils: Any) -> None:
    """Every padding length 1..300 plus a few big ones, laid out in one file for one `as` run."""
    src = [".intel_syntax noprefix", ".text"]
    offset = 0
    cases = []
    for n in [*range(1, 301), 1000, 4000, 4095]:
        align = 1
        while align <= n:
            align *= 2
        k = (align - n - offset) % align
        src += ["int3"] * k + [f".p2align {align.bit_length() - 1}", "hlt"]
        cases.append((n, offset + k))
        offset += k + n + 1
    (tmp_path / "p.s").write_text("\n".join(src) + "\n")
    binutils.run("as", "--32", "-o", str(tmp_path / "p.o"), str(tmp_path / "p.s"))
    binutils.run("objcopy", "-O", "binary", "-j", ".text", str(tmp_path / "p.o"), str(tmp_path / "p.bin"))
    code = (tmp_path / "p.bin").read_bytes()
    for n, at in cases:
        assert code[at + n] == 0xF4, n
        assert nop_padding(n) == code[at:at + n], n
    assert nop_padding(0) == b""


R = Reg.named


@pytest.mark.parametrize("mnemonic,operands,message", [
    ("foo", (), "unknown mnemonic `foo'"),
    ("inc", (Reg("eax", 9, 32),), "bad register `eax' for `inc'"),
    ("inc", (Mem(32, base="ax"),), "`ax' is not a valid base/index expression"),
    ("inc", (Mem(None, base="eax"),), "ambiguous operand size for `inc'"),
    ("mov", (Mem(None, base="eax"), Imm(5)), "ambiguous operand size for `mov'"),
    ("movzx", (R("eax"), Mem(None, base="eax")), "ambiguous operand size for `movzx'"),
    ("add", (R("eax"), R("bl")), "operand size mismatch for `add'"),
    ("mov", (R("al"), Imm(0x1234)), "immediate out of range for `mov'"),
    ("lea", (R("eax"), R("ebx")), "operand type mismatch for `lea'"),
    ("ret", (Imm(1), Imm(2)), "number of operands mismatch for `ret'"),
    ("mov", (R("eax"), Mem(32, base="eax", index="esp", scale=2)), "`esp' is not a valid index register"),
])
def test_encode_errors(mnemonic: str, operands: tuple, message: str) -> None:
    with pytest.raises(EncodeError) as info:
        encode(mnemonic, operands)
    assert str(info.value) == message


def test_branch_forms() -> None:
    assert branch_forms("jmp") == (2, 5)
    assert branch_forms("jz") == (2, 6)
    assert branch_forms("call") == (None, 5)
    assert branch_forms("jecxz") == (2, None)
    assert branch_forms("loop") == (2, None)
    with pytest.raises(EncodeError):
        branch_forms("add")


def test_prefix_errors() -> None:
    with pytest.raises(EncodeError):
        encode("add", (R("eax"), R("ebx")), prefixes=("rep",))
    with pytest.raises(EncodeError):
        encode("add", (R("eax"), R("ebx")), prefixes=("lock",))
    assert encode("stosd", (), prefixes=("rep",)) == b"\xf3\xab"
