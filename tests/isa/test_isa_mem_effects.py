"""The memory column of the instruction table: complete, and what read watchpoints use.

Which memory each instruction reads and writes is written down once, beside its flag
effects (vmdebug.isa.table.MEM_EFFECTS, from the SDM's Operation sections); the
debugger's read scanner derives from it.  The real CPU's answer is checked in
tests/debugger/test_dbg_rwatch_vs_gdb.py.
"""
from __future__ import annotations

import pytest

from vmdebug.debugger.reads import read_ops
from vmdebug.isa.assembler import assemble_text
from vmdebug.isa.table import ENTRIES, MEM_EFFECTS
from vmdebug.machine.cpu import SEMANTICS
from vmdebug.machine import process  # noqa: F401  (registers every semantics module)


def test_every_entry_says_what_each_operand_does_to_memory() -> None:
    for e in ENTRIES:
        for i, kind in enumerate(e.operands):
            if kind.startswith(("rm", "moffs", "X", "Y", "Z")) or kind == "m":    # may be memory
                assert i < len(e.mem.operands), f"{e.mnemonic}: operand {i} ({kind}) has no memory access"
        assert set(e.mem.operands) <= {"r", "w", "rw", "-"}, e
        for base, index, disp, size, access in e.mem.implicit:
            assert base in ("esp", "ebp", "ebx", "esi", "edi") and access in ("r", "w"), e
            assert index in (None, "al") and (disp == "-size" or isinstance(disp, int)), e


def test_the_semantics_and_the_table_name_the_same_instructions() -> None:
    table = {e.mnemonic for e in ENTRIES}
    assert set(SEMANTICS) == table
    assert {e.mem for e in ENTRIES} <= set(MEM_EFFECTS.values())


def _reads(text: str) -> tuple:
    obj = assemble_text(f".intel_syntax noprefix\n.text\n{text}\n", "t.s")
    code = bytes(obj.sections[".text"].data)
    return read_ops(code + bytes(15), 0x8049000)


@pytest.mark.parametrize("text, reads", [
    ("movsb", (("esi", None, 1, 0, 1),)),                       # the source only, one byte
    ("movsd", (("esi", None, 1, 0, 4),)),
    ("cmpsw", (("esi", None, 1, 0, 2), ("edi", None, 1, 0, 2))),
    ("stosd", ()), ("lodsb", (("esi", None, 1, 0, 1),)), ("scasb", (("edi", None, 1, 0, 1),)),
    ("popfd", (("esp", None, 1, 0, 4),)), ("popad", (("esp", None, 1, 0, 32),)),
    ("xlat", (("ebx", "al", 1, 0, 1),)),                        # [ebx + al], not [ebx]
    ("leave", (("ebp", None, 1, 0, 4),)), ("ret", (("esp", None, 1, 0, 4),)),
    ("pop DWORD PTR [ebx+8]", (("esp", None, 1, 0, 4),)),       # the stack, not the destination
    ("push DWORD PTR [ebx+8]", (("ebx", None, 1, 8, 4),)),
    ("lea eax, [ebx+8]", ()), ("mov DWORD PTR [ebx], eax", ()), ("add DWORD PTR [ebx], eax", (("ebx", None, 1, 0, 4),)),
    ("cmpxchg8b QWORD PTR [esi]", (("esi", None, 1, 0, 8),)), ("nop DWORD PTR [eax]", ()),
    ("imul DWORD PTR [ecx]", (("ecx", None, 1, 0, 4),)), ("cmove eax, DWORD PTR [edx]", (("edx", None, 1, 0, 4),)),
])
def test_reads_come_from_the_table(text: str, reads: tuple) -> None:
    assert _reads(text) == reads
