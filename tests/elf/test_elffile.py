"""The one ELF reader against GNU's own view of the same file (``readelf``), and against
lies: every bad table is an ElfError, never an IndexError or a struct.error."""
from __future__ import annotations

import random
import struct
import subprocess
from pathlib import Path

import pytest

from gnu_build import build_elf
from vmdebug.elffile import ElfError, ElfFile

SOURCE = """\
.intel_syntax noprefix
.globl _start
.data
value: .long 7
.bss
buf: .space 64
.text
helper:
    ret
_start:
    call helper
    mov eax, 1
    int 0x80
"""


def test_sections_and_symbols_are_what_readelf_says(tmp_path: Path) -> None:
    path = build_elf(tmp_path, SOURCE)
    elf = ElfFile(path.read_bytes())
    secs = elf.sections()
    out = subprocess.run(["readelf", "-W", "-S", str(path)], capture_output=True, text=True, check=True).stdout
    for sec in secs[1:]:
        assert f"] {sec.name} " in out and f"{sec.address:08x} {sec.offset:06x} {sec.size:06x}" in out, sec
    syms = subprocess.run(["readelf", "-W", "-s", str(path)], capture_output=True, text=True, check=True).stdout
    named = {s.name: s for s in elf.symbols(secs) if s.name}
    for name in ("_start", "helper", "value", "buf"):
        assert any(line.split()[-1] == name and int(line.split()[1], 16) == named[name].value
                   for line in syms.splitlines() if line.strip() and line.split()[-1] == name), name
    assert named["buf"].section == ".bss" and named["value"].section == ".data"


@pytest.mark.parametrize("seed", range(40))
def test_a_damaged_header_table_is_an_elf_error(tmp_path: Path, seed: int) -> None:
    data = bytearray(build_elf(tmp_path, SOURCE).read_bytes())
    rng = random.Random(seed)
    # e_phoff, e_shoff, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx, or a byte of a table
    field = rng.choice([(28, "<I"), (32, "<I"), (42, "<H"), (44, "<H"), (46, "<H"), (48, "<H"), (50, "<H")])
    struct.pack_into(field[1], data, field[0], rng.choice([0, 1, 0xFFFF, 0x7FFF, len(data), rng.randrange(1 << 16)]))
    for _ in range(rng.randrange(4)):
        data[rng.randrange(52, len(data))] = rng.randrange(256)
    try:
        elf = ElfFile(bytes(data))
        elf.program_headers()
        elf.symbols()
    except ElfError:
        pass
