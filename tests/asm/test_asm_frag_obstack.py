"""gas's frag memory in the line program: a `view -0` row forced to DW_LNE_set_address.

gas (dwarf2dbg.c process_entries) resets the address with DW_LNE_set_address,
instead of advancing it, for a ``view -0`` row at the start of a frag whose
previous row sits at the very end of its own frag's fixed part.  Besides the
frags every assembler has (a relaxable jump, an alignment, a ``.zero``), gas
ends a frag wherever the obstack chunk holding it runs out of room (frags.c
frag_grow, FRAG_APPEND_1_CHAR): the first chunk of a section has room for
3888 bytes, and a ``jmp`` to a symbol wants 6 (output_branch: frag_grow
(prefix + 2 + 4)).  So after 3883..3887 bytes of ``nop``, the row at the jmp
stays at the end of the old frag and the next ``view -0`` row gets a
DW_LNE_set_address; after 3882 or 3888 it does not.
"""
from __future__ import annotations

from pathlib import Path

from asm_tools import elf_sections, gas
from vmdebug.isa.assembler import assemble_text

HEAD = '\t.intel_syntax noprefix\n\t.text\n\t.file 1 "a.c"\n'
SET_ADDRESS = bytes([0, 5, 2])          # DW_LNS_extended_op, length 5, DW_LNE_set_address


def _debug_line(text: str, tmp: Path, name: str) -> tuple[bytes, bytes]:
    """(as's, ours) .debug_line of ``text``; the .text of both must agree."""
    src = tmp / f"{name}.s"
    src.write_text(text)
    ref = elf_sections(gas(src, tmp / f"{name}.o"))
    obj = assemble_text(text, str(src))
    assert bytes(obj.sections[".text"].data) == ref[".text"][2], name
    return ref[".debug_line"][2], bytes(obj.sections[".debug_line"].data)


def _jump_after_nops(count: int) -> str:
    return (HEAD + "\t.loc 1 1 0\n" + "\tnop\n" * count
            + "\t.loc 1 2 0\n\tjmp ext\n\t.loc 1 3 0 view -0\n\tret\n")


def _ret_before_align(count: int) -> str:
    return (HEAD + "\t.loc 1 1 0\n" + "\tnop\n" * count
            + "\t.loc 1 2 0\n\tret\n\t.p2align 4\n\t.loc 1 3 0 view -0\n\tnop\n")


def test_view_reset_where_the_obstack_chunk_ends(tmp_path: Path) -> None:
    resets = {}
    for count in (3882, 3883, 3887, 3888):
        ref, ours = _debug_line(_jump_after_nops(count), tmp_path, f"jmp{count}")
        assert ours == ref, f"jmp after {count} nops"
        resets[count] = ref.count(SET_ADDRESS) - 1
    assert resets == {3882: 0, 3883: 1, 3887: 1, 3888: 0}
    # A one-byte instruction takes a new frag when at most one byte is left.
    for count in (3886, 3887):
        ref, ours = _debug_line(_ret_before_align(count), tmp_path, f"ret{count}")
        assert ours == ref, f"ret after {count} nops"
    assert ref.count(SET_ADDRESS) == 2


def test_view_reset_after_a_fill_in_code(tmp_path: Path) -> None:
    """.zero's bytes are a frag's variable tail: the row before them ends the fixed part."""
    text = (HEAD + "\t.loc 1 1 0\n\tnop\n\t.loc 1 2 0 view .LVU1\n\t.zero 3\n"
            "\t.loc 1 3 0 view -0\n\tret\n\t.loc 1 4 0 view .LVU2\n\t.fill 2, 2, 0x9090\n"
            "\t.loc 1 5 0 view -0\n\tret\n")
    ref, ours = _debug_line(text, tmp_path, "zero")
    assert ours == ref
    assert ref.count(SET_ADDRESS) == 3


def test_chunk_ends_inside_instructions(tmp_path: Path) -> None:
    """The first chunk of each section ends inside or just after an instruction of
    each shape gas appends differently (prefixes, one-byte and 0F opcodes, x87
    register forms, ModRM/SIB, displacements, immediates, call): gas's frag ends and
    ours agree, and so do the resets they cause at the jmp that follows."""
    shapes = ["push ebp", "fxch st(1)", "mov eax, DWORD PTR [ebp+8]", "mov DWORD PTR [esp+4], 1000",
              "movsd xmm0, QWORD PTR [esp+8]", "call ext", "mov ax, WORD PTR [ebx]", "rep stosd",
              "lea eax, [eax+edx*4+8]", "enter 16, 0"]
    filler = "\tmov DWORD PTR [eax+0x12345678], 0x12345678\n" * 388      # 3880 bytes, 8 left
    parts = [HEAD]
    for k, shape in enumerate(shapes):
        for left in range(8):
            parts.append(f'\t.section .text.s{k}_{left},"ax",@progbits\n\t.loc 1 {k + 3} {left}\n{filler}'
                         + "\tnop\n" * (8 - left) + f"\t{shape}\n\t.loc 1 1 0\n\tjmp ext\n"
                         "\t.loc 1 2 0 view -0\n\tret\n")
    ref, ours = _debug_line("".join(parts), tmp_path, "shapes")
    assert ref.count(SET_ADDRESS) > len(parts) + 5
    assert ours == ref


def test_line_zero_makes_no_row(tmp_path: Path) -> None:
    """dwarf2_gen_line_info drops a row for line 0 ("incomplete location")."""
    text = HEAD + "\t.loc 1 5 0\n\tnop\n\t.loc 1 0 3\n\tnop\n\t.loc 1 6 0\n\tret\n"
    ref, ours = _debug_line(text, tmp_path, "line0")
    assert ours == ref
