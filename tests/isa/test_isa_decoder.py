"""Decoder and disassembler against objdump over the table corpus, and round trips."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vmdebug.isa.decoder import DecodeError, TruncatedInstruction, decode
from vmdebug.isa.disasm import format_instruction, formatter
from vmdebug.isa.encoder import encode
from vmdebug.isa.operands import Mem


FLAVORS = pytest.mark.parametrize("flavor", ["intel", "att"])


@FLAVORS
def test_decode_and_format_match_objdump(corpus: Any, flavor: str) -> None:
    """Every corpus instruction, as objdump -d -M intel (intel) and plain objdump -d (att) print it."""
    fmt = formatter(flavor)
    want_text = corpus.dump(flavor)
    bad = []
    for i, line in enumerate(corpus.lines):
        addr = corpus.addresses[i]
        raw = corpus.gas_bytes(i)
        want = want_text[addr]
        try:
            insn = decode(raw, addr)
            got = fmt(insn, corpus.symbol_for)
            if insn.length != len(raw):
                got += f"  [length {insn.length} != {len(raw)}]"
        except DecodeError as exc:
            got = f"DecodeError: {exc}"
        if got != want:
            bad.append(f"{line.text!r} {raw.hex(' ')}:\n   objdump {want!r}\n   ours    {got!r}")
    assert not bad, f"{len(bad)} mismatches:\n" + "\n".join(bad[:40])


def test_round_trip(corpus: Any) -> None:
    """encode(decode(bytes)) gives the same bytes back for everything as emitted."""
    bad = []
    for i in range(len(corpus.lines)):
        addr = corpus.addresses[i]
        raw = corpus.gas_bytes(i)
        insn = decode(raw, addr)
        again = encode(insn.mnemonic, insn.operands, prefixes=insn.prefixes, address=addr,
                       branch="short" if "rel8" in insn.entry.operands else "near")
        if again != raw:
            bad.append(f"{corpus.lines[i].text!r}: {raw.hex(' ')} -> {insn.operands} -> {again.hex(' ')}")
    assert not bad, f"{len(bad)} mismatches:\n" + "\n".join(bad[:40])


@FLAVORS
def test_objdump_lines(corpus: Any, flavor: str) -> None:
    """Whole objdump lines: address column, byte column, continuation lines for >7 bytes."""
    from vmdebug.isa.disasm import format_objdump_line

    want_lines = corpus.dump_lines(flavor)
    width = len(next(iter(want_lines.values())).split(":")[0])
    bad = []
    for i in range(len(corpus.lines)):
        addr = corpus.addresses[i]
        insn = decode(corpus.gas_bytes(i), addr)
        got = format_objdump_line(insn, corpus.symbol_for, addr_width=width, flavor=flavor)
        if got != want_lines[addr]:
            bad.append(f"objdump {want_lines[addr]!r}\nours    {got!r}")
    assert not bad, f"{len(bad)} mismatches:\n" + "\n".join(bad[:20])
    assert any("\n" in line for line in want_lines.values())


@FLAVORS
def test_nop_padding_decodes_like_objdump(tmp_path: Path, binutils: Any, flavor: str) -> None:
    """The CPU executes alignment padding: every nop_padding(n) must decode as objdump reads it."""
    from vmdebug.isa.encoder import nop_padding

    fmt = formatter(flavor)
    blobs = [nop_padding(n) for n in range(1, 140)]
    src = [".text"] + [f"p{n}: .byte " + ",".join(map(str, b)) for n, b in enumerate(blobs)]
    (tmp_path / "n.s").write_text("\n".join(src) + "\n")
    binutils.run("as", "--32", "-o", str(tmp_path / "n.o"), str(tmp_path / "n.s"))
    dump = binutils.parse_objdump(binutils.run("objdump", "-d", "-z", *binutils.flavor_options[flavor],
                                               str(tmp_path / "n.o")))
    starts = [sum(map(len, blobs[:n])) for n in range(len(blobs))]

    def symbol_for(target: int) -> str:
        n = max(k for k, a in enumerate(starts) if a <= target)
        return f"p{n}" if starts[n] == target else f"p{n}+{target - starts[n]:#x}"

    for blob, start in zip(blobs, starts):
        addr = start
        while addr < start + len(blob):
            insn = decode(blob[addr - start:], addr)
            assert fmt(insn, symbol_for) == dump[addr], blob.hex()
            addr += insn.length
        assert addr == start + len(blob)


def test_memoryview_and_truncation() -> None:
    code = bytes.fromhex("c7 45 fc 00 00 00 00 c3")
    insn = decode(memoryview(code), 0x8049000)
    assert (insn.length, insn.mnemonic, insn.raw) == (7, "mov", code[:7])
    assert format_instruction(insn) == "mov    DWORD PTR [ebp-0x4],0x0"
    assert formatter("att")(insn, None) == "movl   $0x0,-0x4(%ebp)"
    assert decode(memoryview(code)[7:], 0x8049007).mnemonic == "ret"
    for k in range(7):
        with pytest.raises(TruncatedInstruction):
            decode(code[:k], 0)
    with pytest.raises(DecodeError) as info:
        decode(b"\x0f\xff\x00", 0)
    assert not isinstance(info.value, TruncatedInstruction)
    assert "invalid instruction" in str(info.value) and "0f ff" in str(info.value)


def test_flags_and_sizes_for_the_cpu() -> None:
    add = decode(bytes.fromhex("66 01 d8"), 0)
    assert add.entry.opsize == 16 and add.entry.writes == {"CF", "PF", "AF", "ZF", "SF", "OF"}
    assert decode(bytes.fromhex("11 d8"), 0).entry.reads == {"CF"}
    jle = decode(bytes.fromhex("7e 00"), 0)
    assert jle.entry.cond == 14 and jle.entry.reads == {"ZF", "SF", "OF"}
    assert decode(bytes.fromhex("f7 e3"), 0).entry.undefined == {"PF", "AF", "ZF", "SF"}
    lea = decode(bytes.fromhex("8d 74 26 00"), 0)
    # objdump's eiz is no index at all for the CPU (lead's effective_address reads index names)
    assert lea.operands[1] == Mem(None, base="esi", index=None, scale=1, disp=0) and lea.eiz == 1
    assert format_instruction(lea) == "lea    esi,[esi+eiz*1+0x0]"
    assert formatter("att")(lea, None) == "lea    0x0(%esi,%eiz,1),%esi"
    odd = decode(bytes.fromhex("8b 04 a5 10 00 00 00"), 0)  # SIB, no base, no index, scale 4
    assert odd.operands[1] == Mem(32, disp=0x10) and format_instruction(odd) == "mov    eax,DWORD PTR [eiz*4+0x10]"
    assert formatter("att")(odd, None) == "mov    0x10(,%eiz,4),%eax"


#: Segment overrides that no memory operand uses (the brief's cases, the branch hints on every
#: kind of conditional branch, next to rep/lock in either order) and the segment-register moves.
IGNORED_SEGMENTS = ["26 90", "64 c3", "3e 74 00", "2e 74 00", "2e 0f 84 00 00 00 00", "3e 0f 85 00 00 00 00",
                    "3e e3 00", "2e e2 00", "3e e1 00", "2e e0 00", "3e eb 00", "2e e8 00 00 00 00", "65 40",
                    "26 d9 c1", "26 0f 58 c1", "66 26 0f 58 c1", "26 f3 0f 58 c1", "3e ff e0", "64 0f 1f c0",
                    "26 aa", "f3 26 aa", "26 f3 aa", "26 f3 c3", "f3 64 c3", "36 c2 04 00", "f0 26 01 00",
                    "26 f0 01 00", "3e f3 a4", "64 e3 00",
                    "06", "07", "0e", "16", "17", "1e", "1f", "0f a0", "0f a1", "0f a8", "0f a9", "66 06", "66 1f",
                    "66 0f a0", "66 0f a9", "26 07", "8c d8", "8c 18", "8c e8", "8e c0", "8e 18", "8e d0",
                    "64 8c 18", "8c 5d fc", "8e 1c 98", "3e 8c d8"]


@FLAVORS
def test_ignored_segment_prefixes_and_segment_moves_match_objdump(tmp_path: Path, binutils: Any,
                                                                    flavor: str) -> None:
    blobs = [bytes.fromhex(h) for h in IGNORED_SEGMENTS]
    (tmp_path / "s.s").write_text(".text\n" + "".join(f"s{n}: .byte {','.join(map(str, b))}\n"
                                                      for n, b in enumerate(blobs)))
    binutils.run("as", "--32", "-o", str(tmp_path / "s.o"), str(tmp_path / "s.s"))
    dump = binutils.parse_objdump(binutils.run("objdump", "-d", "-z", *binutils.flavor_options[flavor],
                                               str(tmp_path / "s.o")))
    starts = [sum(map(len, blobs[:n])) for n in range(len(blobs))]
    fmt = formatter(flavor)
    for blob, start in zip(blobs, starts):
        insn = decode(blob, start)
        assert insn.length == len(blob), blob.hex(" ")
        want = dump[start]
        got = fmt(insn, lambda a: next((f"s{n}" for n, s in enumerate(starts) if s == a), None))
        assert got == want, (blob.hex(" "), want, got)
    # and the AT&T hints really are there
    if flavor == "att":
        assert dump[starts[2]].startswith("je,pt") and dump[starts[3]].startswith("je,pn")
