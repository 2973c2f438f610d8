"""Decoder and disassembler against objdump over the table corpus, and round trips."""
from __future__ import annotations

from typing import Any

from vmdebug.isa.decoder import DecodeError, decode
from vmdebug.isa.disasm import format_instruction
from vmdebug.isa.encoder import encode


def test_decode_and_format_match_objdump(corpus: Any) -> None:
    bad = []
    for i, line in enumerate(corpus.lines):
        addr = corpus.addresses[i]
        raw = corpus.gas_bytes(i)
        want = corpus.objdump[addr]
        try:
            insn = decode(raw, addr)
            got = format_instruction(insn, corpus.symbol_for)
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


def test_objdump_lines(corpus: Any) -> None:
    """Whole objdump lines: address column, byte column, continuation lines for >7 bytes."""
    from vmdebug.isa.disasm import format_objdump_line

    width = len(next(iter(corpus.objdump_lines.values())).split(":")[0])
    bad = []
    for i in range(len(corpus.lines)):
        addr = corpus.addresses[i]
        insn = decode(corpus.gas_bytes(i), addr)
        got = format_objdump_line(insn, corpus.symbol_for, addr_width=width)
        if got != corpus.objdump_lines[addr]:
            bad.append(f"objdump {corpus.objdump_lines[addr]!r}\nours    {got!r}")
    assert not bad, f"{len(bad)} mismatches:\n" + "\n".join(bad[:20])
    assert any("\n" in line for line in corpus.objdump_lines.values())
