"""Statements of a GNU as Intel-syntax source line.

A statement is labels followed by at most one directive, assignment
(``x = expr``) or instruction.  Instruction operands follow gas's Intel
syntax (gas/config/tc-i386-intel.c): an optional size (``DWORD PTR``), an
optional ``OFFSET`` (with ``FLAT:``), an optional segment (``es:``), then an
expression where registers are atoms and ``[...]`` marks memory.
"""
from __future__ import annotations

from events.record import Record
from vmdebug.isa.expr import ExprError, ExprParser, Node
from vmdebug.isa.lexer import LexError, Token, tokenize
from vmdebug.isa.operands import SEGMENTS

SIZE_KEYWORDS = {"byte": 8, "word": 16, "dword": 32, "fword": 48, "qword": 64,
                 "tbyte": 80, "oword": 128, "xmmword": 128}
# Prefixes written as separate words before the mnemonic (gas i386-opc.tbl
# "prefix" entries).
PREFIX_WORDS = {"rep", "repe", "repz", "repne", "repnz", "lock", "data16", "data32",
                "addr16", "addr32", "cs", "ds", "es", "ss", "fs", "gs", "notrack", "bnd"}


class ParseError(Exception):
    """A syntax error at 1-based column ``col``."""

    def __init__(self, message: str, col: int) -> None:
        super().__init__(message)
        self.col = col


class OperandSyntax(Record):
    """One Intel operand as written."""

    __slots__ = (
        "expr",
        "col",
        "size",    # from "DWORD PTR" and friends
        "offset",  # OFFSET [FLAT:] expr
        "seg",     # es: cs: ... (FLAT: is dropped)
        "short",   # "jmp SHORT label"
        "text",
    )

    def __init__(self, expr: Node, col: int, size: int | None = None, offset: bool = False,
                 seg: str | None = None, short: bool = False, text: str = "") -> None:
        self.expr = expr
        self.col = col
        self.size = size
        self.offset = offset
        self.seg = seg
        self.short = short
        self.text = text


class Statement(Record):
    """One statement.  ``kind`` is "directive", "insn", "assign" or "" (labels only)."""

    __slots__ = (
        "labels",
        "kind",
        "name",      # directive name (".long") or mnemonic or assigned symbol
        "col",
        "args",
        "prefixes",
        "operands",
        "rest",      # raw argument text (for diagnostics and .ident-like directives)
    )

    def __init__(self, labels: list[tuple[str, int]] | None = None, kind: str = "", name: str = "",
                 col: int = 0, args: list[list[Token]] | None = None, prefixes: list[str] | None = None,
                 operands: list[OperandSyntax] | None = None, rest: str = "") -> None:
        self.labels = [] if labels is None else labels
        self.kind = kind
        self.name = name
        self.col = col
        self.args = [] if args is None else args
        self.prefixes = [] if prefixes is None else prefixes
        self.operands = [] if operands is None else operands
        self.rest = rest


def split_commas(toks: list[Token]) -> list[list[Token]]:
    """Split a token list at top-level commas (not inside () or [])."""
    out: list[list[Token]] = [[]]
    depth = 0
    for t in toks:
        if t.kind == "OP" and t.text in "([":
            depth += 1
        elif t.kind == "OP" and t.text in ")]":
            depth -= 1
        if t.kind == "OP" and t.text == "," and depth == 0:
            out.append([])
        else:
            out[-1].append(t)
    if out == [[]]:
        return []
    return out


def parse_operand(toks: list[Token], text: str) -> OperandSyntax:
    """Parse one Intel operand (already split at commas)."""
    if not toks:
        raise ParseError("missing operand", 0)
    col = toks[0].col
    i = 0
    size: int | None = None
    offset = False
    seg: str | None = None
    short = False

    def word(k: int) -> str:
        return toks[k].text.lower() if k < len(toks) and toks[k].kind == "NAME" else ""

    while i < len(toks):
        w = word(i)
        if w in SIZE_KEYWORDS and word(i + 1) == "ptr":
            size = SIZE_KEYWORDS[w]
            i += 2
        elif w in SIZE_KEYWORDS and i + 1 < len(toks) and toks[i + 1].text == "[":
            size = SIZE_KEYWORDS[w]     # gas also accepts "DWORD [eax]"
            i += 1
        elif w == "offset":
            offset = True
            i += 1
        elif w == "short":
            short = True
            i += 1
        elif w == "near" and word(i + 1) == "ptr":
            i += 2
        elif (w in SEGMENTS or w == "flat") and i + 1 < len(toks) and toks[i + 1].text == ":":
            if w != "flat":
                seg = w
            i += 2
        else:
            break
    rest = toks[i:]
    if not rest:
        raise ParseError("missing operand expression", toks[-1].col)
    if (len(rest) == 4 and rest[0].kind == "NAME" and rest[0].text.lower() == "st" and rest[1].text == "("
            and rest[2].kind == "NUM" and rest[3].text == ")" and isinstance(rest[2].value, int) and 0 <= rest[2].value < 8):
        # The x87 stack register st(i) is one name, not a call of `st' (tc-i386-intel.c).
        return OperandSyntax(("reg", f"st({rest[2].value})", rest[0].col), col, size, offset, seg, short, text)
    parser = ExprParser(rest, 0, registers=True)
    try:
        node = parser.parse()
    except ExprError as exc:
        raise ParseError(str(exc), exc.col or col) from None
    if parser.pos != len(rest):
        bad = rest[parser.pos]
        raise ParseError(f"junk `{bad.text}' after operand", bad.col)
    size = size if size is not None else parser.size
    seg = seg if seg is not None else parser.seg
    return OperandSyntax(node, col, size, offset, seg, short, text)


def parse_statement(text: str, col0: int) -> Statement:
    """Parse one statement (one ``;``-separated piece of a line)."""
    try:
        toks = tokenize(text, col0)
    except LexError as exc:
        raise ParseError(str(exc), exc.col) from None
    st = Statement()
    i = 0
    # Labels: "name:" or "N:" (numeric local label), possibly several.
    while i + 1 < len(toks) and toks[i + 1].kind == "OP" and toks[i + 1].text == ":" and (
            toks[i].kind == "NAME" or (toks[i].kind == "NUM" and toks[i].text.isdigit())):
        if toks[i].kind == "NAME" and toks[i].text.lower() in SEGMENTS:
            break
        st.labels.append((toks[i].text, toks[i].col))
        i += 2
    if i >= len(toks):
        return st
    head = toks[i]
    if head.kind != "NAME":
        raise ParseError(f"junk `{head.text}' at start of statement", head.col)
    st.col = head.col
    body = toks[i + 1:]
    raw_start = (body[0].col - col0) if body else len(text)
    st.rest = text[raw_start:].strip() if body else ""
    if body and body[0].kind == "OP" and body[0].text == "=" and not (len(body) > 1 and body[1].text == "="):
        st.kind, st.name = "assign", head.text
        st.args = [body[1:]]
        return st
    if head.text.startswith("."):
        st.kind, st.name = "directive", head.text.lower()
        st.args = split_commas(body)
        return st
    # Instruction: prefix words, mnemonic, operands.
    st.kind = "insn"
    words = [head] + body
    k = 0
    while k < len(words) - 1 and words[k].kind == "NAME" and words[k].text.lower() in PREFIX_WORDS \
            and words[k + 1].kind == "NAME" and words[k + 1].text.lower() not in SIZE_KEYWORDS \
            and not (k + 2 < len(words) and words[k + 2].text == ":"):
        st.prefixes.append(words[k].text.lower())
        k += 1
    mn = words[k]
    if mn.kind != "NAME":
        raise ParseError(f"junk `{mn.text}' where a mnemonic was expected", mn.col)
    st.name = mn.text.lower()
    st.col = mn.col
    ops = words[k + 1:]
    for group in split_commas(ops):
        if not group:
            raise ParseError("missing operand", mn.col)
        start = group[0].col - col0
        end = group[-1].col - col0 + len(group[-1].text)
        st.operands.append(parse_operand(group, text[start:end]))
    return st
