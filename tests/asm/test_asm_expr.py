"""Expression evaluation against GNU as: random expressions, one `as` run for all."""
from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from asm_tools import elf_sections, gas
from vmdebug.isa.assembler import assemble_text
from vmdebug.isa.expr import evaluate, parse_expression
from vmdebug.isa.lexer import tokenize

BINARY = ["+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^", "==", "!=", "<", ">", "<=", ">=", "&&", "||"]


def _atom(rng: random.Random) -> str:
    v = rng.choice([0, 1, 2, 3, 7, 10, 100, 255, 4096, 65535, 0x7FFFFFFF, 123456789])
    return rng.choice([str(v), hex(v), f"0{v:o}" if v else "0", f"0b{v:b}", "'a", "'z'", "'\\n'"])


def _expr(rng: random.Random, depth: int) -> str:
    if depth == 0 or rng.random() < 0.25:
        return _atom(rng)
    kind = rng.random()
    if kind < 0.15:
        return f"{rng.choice(['-', '~', '!'])}{_expr(rng, depth - 1)}"
    if kind < 0.3:
        return f"({_expr(rng, depth - 1)})"
    op = rng.choice(BINARY)
    left, right = _expr(rng, depth - 1), _expr(rng, depth - 1)
    if op in ("/", "%"):
        right = f"(({right}) | 1)"          # never divide by zero
    if op in ("<<", ">>"):
        right = f"(({right}) & 31)"
    return f"{left} {op} {right}"


def test_random_constant_expressions_match_as(tmp_path: Path) -> None:
    rng = random.Random(99)
    exprs = [_expr(rng, rng.randint(1, 5)) for _ in range(600)]
    text = ".data\n" + "".join(f"  .quad {e}\n" for e in exprs)
    # Label arithmetic: differences within a section, `.`, and mixed constants.
    text += ("L1: .byte 1\nL2: .skip 37\nL3: .long L3 - L1, (L3 - L2) * 4 + 1, . - L1, L1 - L3, (L3-L1)/2\n"
             "  .byte L2 - L1, -(L3 - L2), ((L3 - L1) << 2) & 0xff\n  .short L3 - L1 + 'a' * 2\n")
    src = tmp_path / "expr.s"
    src.write_text(text)
    ref = elf_sections(gas(src, tmp_path / "expr.o"))[".data"][2]
    mine = bytes(assemble_text(text, str(src)).sections[".data"].data)
    for k, e in enumerate(exprs):
        assert mine[8 * k:8 * k + 8] == ref[8 * k:8 * k + 8], e
    assert mine == ref


@settings(max_examples=200, deadline=None)
@given(st.integers(-(2**31), 2**31 - 1), st.integers(-(2**31), 2**31 - 1),
       st.sampled_from(["+", "-", "*", "&", "|", "^", "<<", ">>", "/", "%"]))
def test_binary_operators_follow_64bit_c_semantics(a: int, b: int, op: str) -> None:
    """gas evaluates on 64-bit offsetT: C division truncates, >> is logical."""
    if op in ("/", "%") and b == 0:
        return
    if op in ("<<", ">>"):
        b &= 31
    node = parse_expression(tokenize(f"({a}) {op} ({b})"))
    got = evaluate(node, lambda name, col: None).const
    m = 2**64
    ua, ub = a % m, b % m
    if op == "/":
        want = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
    elif op == "%":
        want = a - b * (abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1))
    elif op == ">>":
        want = ua >> b
    elif op == "<<":
        want = a << b
    else:
        want = {"+": a + b, "-": a - b, "*": a * b, "&": ua & ub, "|": ua | ub, "^": ua ^ ub}[op]
    want %= m
    assert got % m == want
