"""Every one-byte and every 0F xx opcode, with ModRM/SIB/displacement/immediate tails and each
legacy prefix, disassembled by vmdebug and by objdump (binutils 2.40), in both flavors.

The rule the sweep holds vmdebug to: an instruction vmdebug decodes prints exactly as objdump
prints it (text and length), and one it refuses is ``(bad)`` to objdump too, or falls under
one of the documented gaps below (``KNOWN_GAPS``): instructions the machine does not model,
and prefixes that objdump names but the decoder does not take.  A segment override that no
memory operand uses (``es nop``, ``ds je``) is *not* a gap: it decodes as objdump prints it.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from vmdebug.isa.decoder import DecodeError, decode
from vmdebug.isa.disasm import formatter
from vmdebug.isa.table import BY_MNEMONIC

PREFIXES = (b"", b"\x66", b"\xf2", b"\xf3", b"\xf0", b"\x26", b"\x2e", b"\x36", b"\x3e", b"\x64", b"\x65",
            # and pairs, whose words objdump prints in byte order
            b"\xf3\x66", b"\x66\xf2", b"\x3e\xf2", b"\xf3\x64", b"\xf0\x66")
#: Bytes after the ModRM/SIB/displacement: immediates, or the next instruction's start.
IMMEDIATES = bytes((0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x08, 0x09, 0x0A))
LEGACY = {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3}
SLOT = 16       # each sample under its own label, 16 bytes apart


def _tails() -> list[bytes]:
    """Per ModRM reg field (a /digit group's every member): a register form and the memory
    shapes of SDM Vol. 2A Tables 2-2 and 2-3 ([reg], [reg+disp8], SIB, SIB+disp32, [disp32])."""
    out = []
    for r in range(8):
        out += [bytes([0xC0 | r << 3 | (r + 1) % 8]), bytes([r << 3]), bytes([0x40 | r << 3 | 5, 0xFC]),
                bytes([r << 3 | 4, 0x98]), bytes([0x80 | r << 3 | 4, 0x24, 0x00, 0x01, 0x00, 0x00]),
                bytes([r << 3 | 5, 0x10, 0xA0, 0x04, 0x08])]
    return out


def samples() -> list[bytes]:
    ops = [bytes([b]) for b in range(256) if b not in LEGACY and b != 0x0F] + [bytes([0x0F, b]) for b in range(256)]
    return [(p + op + t + IMMEDIATES)[:15] for p in PREFIXES for op in ops for t in _tails()]


#: Prefix words objdump prints for a prefix the instruction does not use, which the decoder
#: refuses instead.  lock: the CPU raises #UD too (SDM LOCK: only the listed read-modify-write
#: instructions with a memory destination), so refusing is what the machine must do.  The others
#: the CPU ignores on these instructions, not fixed: data16 (0x66 where there is no 16-bit
#: form), repz/repnz in the 0F map and on x87 register forms (the decoder takes them on the
#: one-byte map), xacquire/xrelease (F2/F3 on a locked or xchg/mov memory operand).  (bnd, F2
#: on a near branch, and an unused segment override are decoded.)
UNUSED_PREFIX_GAPS = {"lock", "data16", "repz", "repnz", "bnd", "xacquire", "xrelease"}
SEGMENT_WORDS = {"es", "cs", "ss", "ds", "fs", "gs", "notrack"}
#: Forms of mnemonics that the table has, which it does not have (SDM opcode maps), by their
#: opcode bytes after the legacy prefixes: 8C/8E with a
#: reserved Sreg or loading cs (#UD on the CPU too), far call/jmp (9A, EA, FF /3, FF /5), the
#: 0F 18-1E hint nops and prefetches, 0x66 with the jcc rel16 / movzx-movsx r16 / bswap r16 /
#: mov r16,Sreg forms, the privileged moves to and from control/debug/test registers (0F 20-26:
#: #GP or #UD in user mode), the SSE2 shifts by an xmm count (66 0F D1-D3 E1 E2 F1-F3), and MMX
#: (mm registers).
UNMODELED_FORMS = re.compile(r"^(8c|8e|9a|ea|ff|0f1[8-e]|0f2[0-6]|0f8[0-9a-f]|0fb[67ef]|0fc[8-f]"
                             r"|0f(d[1-3]|e[12]|f[1-3]))")
KNOWN_GAPS = __doc__


def _gap(raw: bytes, objdump_text: str) -> str | None:
    """Why vmdebug may refuse what objdump printed as ``objdump_text``, or None if it may not."""
    words = objdump_text.split()
    if "(bad)" in words:
        return "bad"
    mnemonic = next(w for w in words if w not in UNUSED_PREFIX_GAPS | SEGMENT_WORDS)
    if any(w in UNUSED_PREFIX_GAPS for w in words[:words.index(mnemonic)]):
        return "unused prefix"
    if mnemonic not in BY_MNEMONIC:
        return "instruction not modeled"
    if re.search(r"\bmm\d", objdump_text):
        return "MMX form"
    body = raw.lstrip(bytes(LEGACY)).hex()
    if UNMODELED_FORMS.match(body):
        return "form not modeled"
    return None


def _objdump(binutils: Any, tmp: Path, data: list[bytes], flavor: str) -> dict[int, tuple[str, int]]:
    """Sample number -> (objdump's text, its length in bytes) for the first instruction at its label."""
    src = [".text"] + [f"s{i}: .byte " + ",".join(map(str, s.ljust(SLOT, b"\x90"))) for i, s in enumerate(data)]
    (tmp / "s.s").write_text("\n".join(src) + "\n")
    binutils.run("as", "--32", "-o", str(tmp / "s.o"), str(tmp / "s.s"))
    text = binutils.run("objdump", "-d", "-z", "-w", *binutils.flavor_options[flavor], str(tmp / "s.o"))
    out = {}
    for line in text.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\t([0-9a-f ]+)\t(.*)$", line)
        if m and int(m.group(1), 16) % SLOT == 0:
            out[int(m.group(1), 16) // SLOT] = (m.group(3), len(m.group(2).split()))
    return out


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory, binutils: Any) -> tuple[list[bytes], dict[str, Any]]:
    """The samples and objdump's reading of them in both flavors (one as run)."""
    data = samples()
    tmp = tmp_path_factory.mktemp("sweep")
    return data, {flavor: _objdump(binutils, tmp, data, flavor) for flavor in ("intel", "att")}


@pytest.mark.parametrize("flavor", ["intel", "att"])
def test_every_opcode_with_every_prefix_matches_objdump(swept: tuple[list[bytes], dict[str, Any]],
                                                        flavor: str) -> None:
    data, dumps = swept
    dump, dump_intel = dumps[flavor], dumps["intel"]
    assert len(dump) == len(data)
    fmt = formatter(flavor)
    last = len(data) - 1

    def symbol_for(addr: int) -> str:
        n = min(addr // SLOT, last)
        return f"s{n}" if addr == n * SLOT else f"s{n}+{addr - n * SLOT:#x}"

    mismatches, refused, decoded = [], [], 0
    gaps: dict[str, int] = {}
    for i, raw in enumerate(data):
        want, length = dump[i]
        try:
            insn = decode(raw, i * SLOT)
        except DecodeError:
            why = _gap(raw, dump_intel[i][0])     # mnemonics as the table spells them
            if why is None:
                refused.append(f"{raw[:length].hex(' ')}: objdump {want!r}, vmdebug refuses it")
            gaps[why or "?"] = gaps.get(why or "?", 0) + 1
            continue
        decoded += 1
        got = fmt(insn, symbol_for)
        if got != want or insn.length != length:
            mismatches.append(f"{raw[:max(length, insn.length)].hex(' ')}: objdump {want!r} ({length} bytes), "
                              f"vmdebug {got!r} ({insn.length} bytes)")
    assert not mismatches, f"{len(mismatches)} differ from objdump:\n" + "\n".join(mismatches[:40])
    assert not refused, f"{len(refused)} refused outside the known gaps:\n" + "\n".join(sorted(set(refused), key=lambda r: r[:5])[::max(1, len(set(refused)) // 60)])
    # The sweep reaches what it means to: most of the table, and every kind of gap.
    assert decoded > 100_000, decoded
    assert set(gaps) == {"bad", "unused prefix", "instruction not modeled", "MMX form", "form not modeled"}, gaps
