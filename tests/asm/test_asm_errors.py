"""Every error kind, reported all at once as file:line:col with the offending line."""
from __future__ import annotations

import pytest

from vmdebug.errors import UserError
from vmdebug.isa.assembler import AssemblyError, assemble_text

BAD = """\
.intel_syntax noprefix
.text
start:
    movq eax, 1
    mov eax, bl
    jmp .Lnowhere
start:
    add al, 300
    .long 1, (2
    .byte 256
    .align 3
    .bogus 1
    mov eax, [eax*3]
    jmp 1f
    push 1 +
    mov eax, [eax+ebx+ecx]
    .bss
    nop
    .data
    .long 1b
    mov eax, DWORD PTR [ebp-4]
    .att_syntax
"""

EXPECTED = [
    (4, 5, "operand type mismatch for `movq'"),
    (5, 5, "operand size mismatch for `mov'"),
    (6, 9, "undefined label `.Lnowhere'"),
    (7, 1, "symbol `start' is already defined"),
    (8, 5, "immediate out of range for `add'"),
    (9, 16, "missing `)'"),
    (10, 11, "value 0x100 does not fit in 1 byte"),
    (11, 12, "alignment not a power of 2"),
    (12, 5, "unknown directive `.bogus'"),
    (13, 5, "expecting scale factor of 1, 2, 4, or 8"),
    (14, 9, "undefined local label `1f'"),
    (15, 13, "missing operand"),
    (16, 14, "invalid address expression `[eax+ebx+ecx]'"),
    (18, 5, "instruction `nop' in a nobits section (.bss)"),
    (20, 11, "backward reference to unknown label \"1:\""),
    (22, 5, "AT&T syntax is not supported; use .intel_syntax noprefix"),
]


def test_all_errors_reported_at_once() -> None:
    with pytest.raises(AssemblyError) as info:
        assemble_text(BAD, "bad.s")
    got = [(d.line, d.col, d.message) for d in info.value.errors]
    assert got == EXPECTED
    assert isinstance(info.value, UserError)


def test_report_format_shows_line_and_caret() -> None:
    with pytest.raises(AssemblyError) as info:
        assemble_text(".intel_syntax noprefix\n\tmov\teax, bl\n  foo eax\n", "x.s")
    text = str(info.value)
    assert text == (
        "x.s:2:2: error: operand size mismatch for `mov'\n"
        " " + "\tmov\teax, bl".expandtabs(8) + "\n"
        "         ^\n"
        "x.s:3:3: error: unknown mnemonic `foo'\n"
        "   foo eax\n"
        "   ^\n"
        "2 errors"
    )


def test_valid_lines_between_errors_do_not_hide_later_errors() -> None:
    src = "".join(f"  nop\n  badop{i}\n" for i in range(30))
    with pytest.raises(AssemblyError) as info:
        assemble_text(src, "many.s")
    assert [d.line for d in info.value.errors] == list(range(2, 61, 2))


def test_deep_nesting_is_an_error_and_long_chains_are_fine() -> None:
    """Parentheses and unary operators nest at most MAX_EXPR_DEPTH deep (an error at the
    first token past it, never a RecursionError); a 100k-term sum is no nesting at all."""
    from vmdebug.isa.expr import MAX_EXPR_DEPTH
    ok = "(" * MAX_EXPR_DEPTH + "1" + ")" * MAX_EXPR_DEPTH
    assert assemble_text(f".intel_syntax noprefix\n.data\n.long {ok}\n", "ok.s") is not None
    for deep in ("(" * 100_000 + "1" + ")" * 100_000, "-" * 100_000 + "1"):
        with pytest.raises(AssemblyError) as info:
            assemble_text(f".intel_syntax noprefix\n.data\n.long {deep}\n", "deep.s")
        (d,) = info.value.errors
        assert (d.line, d.col) == (3, 7 + MAX_EXPR_DEPTH + 1)
        assert d.message == f"expression nested too deeply (more than {MAX_EXPR_DEPTH} levels)"
    chain = "+".join(["1"] * 100_000)
    obj = assemble_text(f".intel_syntax noprefix\n.data\n.long {chain}\n", "sum.s")
    assert bytes(obj.sections[".data"].data) == (100_000).to_bytes(4, "little")
