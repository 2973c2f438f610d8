"""Expressions of GNU as: parsing and evaluation to linear values.

An expression evaluates to a :class:`Value`: a constant plus a linear
combination of symbols (``sym`` with coefficient +1 is a relocatable
reference, ``a - b`` a difference resolved once both labels have addresses),
plus, inside Intel memory operands, registers with their scale.

Operator precedence and semantics are gas's (gas/expr.c ``op_rank``):
``* / % << >>`` bind tightest, then ``| ^ & !``, then ``+ -``, then the
comparisons (true is -1, as in gas), then ``&&``, then ``||``.  Arithmetic is
done on 64-bit ``offsetT`` as gas does on a 64-bit host; ``>>`` is a logical
shift of the unsigned value (expr.c: ``(valueT) left >> (valueT) right``).
"""
from __future__ import annotations

from typing import Callable

from events.record import Record
from vmdebug.isa.lexer import Token
from vmdebug.isa.operands import REGISTERS

MASK64 = (1 << 64) - 1
SIZE_WORDS = {"byte": 8, "word": 16, "dword": 32, "fword": 48, "qword": 64, "tbyte": 80, "xmmword": 128}
SEGMENT_WORDS = ("es", "cs", "ss", "ds", "fs", "gs")


def wrap64(v: int) -> int:
    """Wrap to a signed 64-bit integer (gas's offsetT)."""
    v &= MASK64
    return v - (1 << 64) if v >> 63 else v


class ExprError(Exception):
    """A malformed or unevaluable expression; ``col`` is 1-based (0 if unknown)."""

    def __init__(self, message: str, col: int = 0) -> None:
        super().__init__(message)
        self.col = col


# AST nodes are tuples, cheap to build for tens of thousands of .loc/.byte lines:
#   ("num", value)  ("sym", name, col)  ("reg", name, col)  ("dot", col)
#   ("un", op, node)  ("bin", op, left, right, col)  ("mem", node)
Node = tuple

BINARY_RANK = {
    "||": 1, "&&": 2,
    "==": 3, "!=": 3, "<>": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
    "+": 4, "-": 4,
    "|": 5, "^": 5, "&": 5, "!": 5,
    "*": 6, "/": 6, "%": 6, "<<": 6, ">>": 6,
}


#: Parentheses, brackets and unary operators nest at most this deep.  gcc's output
#: nests a few levels; a limit keeps a hostile file's recursion short of Python's.
MAX_EXPR_DEPTH = 200


class ExprParser:
    """A precedence-climbing parser over a token list, starting at ``pos``.

    ``registers`` makes register names atoms (Intel operands); brackets are
    then allowed and mean "memory", and ``sym[reg]`` is ``sym + [reg]``.
    """

    def __init__(self, toks: list[Token], pos: int = 0, registers: bool = False) -> None:
        self.toks = toks
        self.pos = pos
        self.registers = registers
        # Intel operands may say "DWORD PTR" or "es:" inside brackets too:
        # "call [DWORD PTR tbl[eax*4]]" (tc-i386-intel.c treats PTR and ':' as operators).
        self.size: int | None = None
        self.seg: str | None = None
        self.depth = -1             # the outermost parse is level 0

    def peek(self) -> Token | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def _err_col(self) -> int:
        tok = self.peek()
        if tok is not None:
            return tok.col
        return self.toks[-1].col + len(self.toks[-1].text) if self.toks else 0

    def _nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_EXPR_DEPTH:
            raise ExprError(f"expression nested too deeply (more than {MAX_EXPR_DEPTH} levels)", self._err_col())

    def parse(self, min_rank: int = 1) -> Node:
        self._nest()
        left = self.unary()
        while True:
            tok = self.peek()
            if tok is None or tok.kind != "OP" or tok.text not in BINARY_RANK:
                break
            rank = BINARY_RANK[tok.text]
            if rank < min_rank:
                break
            self.pos += 1
            right = self.parse(rank + 1)
            left = ("bin", tok.text, left, right, tok.col)
        self.depth -= 1
        return left

    def unary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise ExprError("missing operand", self._err_col())
        if tok.kind == "OP" and tok.text in ("-", "~", "!", "+"):
            self.pos += 1
            self._nest()
            node = ("un", tok.text, self.unary())
            self.depth -= 1
            return node
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while self.registers:
            tok = self.peek()
            if tok is None or tok.kind != "OP" or tok.text != "[":
                return node
            inner = self.bracket()
            node = ("bin", "+", node, inner, tok.col)
        return node

    def bracket(self) -> Node:
        self.pos += 1
        inner = self.parse()
        tok = self.peek()
        if tok is None or tok.text != "]":
            raise ExprError("missing `]'", self._err_col())
        self.pos += 1
        return ("mem", inner)

    def primary(self) -> Node:
        tok = self.peek()
        assert tok is not None
        if tok.kind == "NUM":
            self.pos += 1
            return ("num", int(tok.value))  # type: ignore[arg-type]
        if tok.kind == "LOCAL":
            self.pos += 1
            return ("sym", tok.text, tok.col)
        if tok.kind == "NAME" and self.registers:
            word = tok.text.lower()
            nxt = self.toks[self.pos + 1] if self.pos + 1 < len(self.toks) else None
            if word in SIZE_WORDS and nxt is not None and nxt.text.lower() == "ptr":
                self.size = SIZE_WORDS[word]
                self.pos += 2
                return self.unary()
            if word in SEGMENT_WORDS and nxt is not None and nxt.text == ":":
                self.seg = word
                self.pos += 2
                return self.unary()
        if tok.kind == "NAME":
            self.pos += 1
            if tok.text == ".":
                return ("dot", tok.col)
            if self.registers and tok.text.lower() in REGISTERS:
                return ("reg", tok.text.lower(), tok.col)
            return ("sym", tok.text, tok.col)
        if tok.kind == "OP" and tok.text == "(":
            self.pos += 1
            inner = self.parse()
            close = self.peek()
            if close is None or close.text != ")":
                raise ExprError("missing `)'", self._err_col())
            self.pos += 1
            return inner
        if tok.kind == "OP" and tok.text == "[" and self.registers:
            return self.bracket()
        raise ExprError(f"bad expression: unexpected `{tok.text}'", tok.col)


def parse_expression(toks: list[Token], registers: bool = False) -> Node:
    """Parse a whole token list as one expression."""
    if not toks:
        raise ExprError("missing expression", 0)
    p = ExprParser(toks, 0, registers)
    node = p.parse()
    if p.pos != len(toks):
        raise ExprError(f"junk `{toks[p.pos].text}' after expression", toks[p.pos].col)
    return node


class Value(Record):
    """``const + sum(coef * symbol) + sum(scale * register)``; ``mem`` if brackets appeared."""

    __slots__ = (
        "const",
        "syms",
        "regs",   # (register, scale), as written
        "mem",
    )

    def __init__(self, const: int = 0, syms: dict[str, int] | None = None,
                 regs: list[tuple[str, int]] | None = None, mem: bool = False) -> None:
        self.const = const
        self.syms = {} if syms is None else syms
        self.regs = [] if regs is None else regs
        self.mem = mem

    @property
    def is_const(self) -> bool:
        return not self.syms and not self.regs

    def relocatable(self) -> str | None:
        """The symbol of a plain ``sym + const`` value, else None."""
        if len(self.syms) == 1 and not self.regs:
            (name, coef), = self.syms.items()
            if coef == 1:
                return name
        return None


def _combine(a: dict[str, int], b: dict[str, int], sign: int) -> dict[str, int]:
    out = dict(a)
    for k, v in b.items():
        nv = out.get(k, 0) + sign * v
        if nv:
            out[k] = nv
        else:
            out.pop(k, None)
    return out


def _scaled(d: dict[str, int], k: int) -> dict[str, int]:
    return {n: c * k for n, c in d.items()} if k else {}


# Lookup hook: returns the Value of an equated symbol (``.set x, 4``) or None
# to keep the symbol as a term.
Lookup = Callable[[str, int], "Value | None"]


Place = Callable[[str], "tuple[object, int] | None"]


def evaluate(node: Node, lookup: Lookup, dot: Callable[[int], str] | None = None,
             place: Place | None = None) -> Value:
    """Evaluate an AST to a :class:`Value`.

    ``dot`` names a label at the current location (for ``.``); ``lookup``
    substitutes equated symbols; ``place`` (see :func:`resolve_differences`)
    lets ``(b - a) / 2`` and the like fold label differences first.
    """
    kind = node[0]
    if kind == "num":
        return Value(wrap64(node[1]))
    if kind == "sym":
        found = lookup(node[1], node[2])
        if found is not None:
            return Value(found.const, dict(found.syms), list(found.regs), found.mem)
        return Value(0, {node[1]: 1})
    if kind == "dot":
        if dot is None:
            raise ExprError("`.' is not allowed here", node[1])
        return Value(0, {dot(node[1]): 1})
    if kind == "reg":
        return Value(0, {}, [(node[1], 1)])
    if kind == "mem":
        v = evaluate(node[1], lookup, dot, place)
        v.mem = True
        return v
    if kind == "un":
        v = evaluate(node[2], lookup, dot, place)
        if not v.is_const and place is not None and op_needs_const(node[1]):
            v = resolve_differences(v, place)
        op = node[1]
        if op == "+":
            return v
        if op == "-":
            return Value(wrap64(-v.const), _scaled(v.syms, -1), [(r, -k) for r, k in v.regs], v.mem)
        if not v.is_const:
            raise ExprError(f"invalid operand for unary `{op}'", 0)
        return Value(wrap64(~v.const) if op == "~" else int(v.const == 0), mem=v.mem)
    assert kind == "bin"
    # A chain like 1+2+3+... is a left spine as long as the chain: walk it without
    # recursing, so a 100k-term sum costs no stack.
    spine = []
    while node[0] == "bin":
        spine.append(node)
        node = node[2]
    a = evaluate(node, lookup, dot, place)
    for node in reversed(spine):
        a = _binary(node[1], node[4], a, evaluate(node[3], lookup, dot, place), place)
    return a


def _binary(op: str, col: int, a: Value, b: Value, place: Place | None) -> Value:
    if op not in ("+", "-") and place is not None:
        if not a.is_const:
            a = resolve_differences(a, place)
        if not b.is_const:
            b = resolve_differences(b, place)
    mem = a.mem or b.mem
    if op in ("+", "-"):
        sign = 1 if op == "+" else -1
        return Value(wrap64(a.const + sign * b.const), _combine(a.syms, b.syms, sign),
                     a.regs + [(r, sign * k) for r, k in b.regs], mem)
    if op == "*":
        if b.is_const:
            a, b = b, a
        if a.is_const:
            k = a.const
            return Value(wrap64(k * b.const), _scaled(b.syms, k), [(r, s * k) for r, s in b.regs], mem)
    if not (a.is_const and b.is_const):
        raise ExprError(f"invalid operands for `{op}'", col)
    x, y = a.const, b.const
    if op in ("/", "%"):
        if y == 0:
            raise ExprError("division by zero", col)
        q = abs(x) // abs(y)
        q = q if (x < 0) == (y < 0) else -q          # C truncating division
        r = wrap64(q) if op == "/" else wrap64(x - q * y)
        return Value(r, mem=mem)
    if op == "<<":
        return Value(wrap64(x << y) if 0 <= y < 64 else 0, mem=mem)
    if op == ">>":
        return Value(wrap64((x & MASK64) >> y) if 0 <= y < 64 else 0, mem=mem)
    simple: dict[str, Callable[[int, int], int]] = {
        "|": lambda p, q: p | q, "^": lambda p, q: p ^ q, "&": lambda p, q: p & q,
        "!": lambda p, q: p | ~q,
        "==": lambda p, q: -int(p == q), "!=": lambda p, q: -int(p != q), "<>": lambda p, q: -int(p != q),
        "<": lambda p, q: -int(p < q), "<=": lambda p, q: -int(p <= q),
        ">": lambda p, q: -int(p > q), ">=": lambda p, q: -int(p >= q),
        "&&": lambda p, q: int(bool(p) and bool(q)), "||": lambda p, q: int(bool(p) or bool(q)),
    }
    return Value(wrap64(simple[op](x, y)), mem=mem)


def op_needs_const(op: str) -> bool:
    return op in ("~", "!")


def resolve_differences(v: Value, place: Callable[[str], tuple[object, int] | None]) -> Value:
    """Cancel ``a - b`` pairs whose labels share a "place" with a known offset.

    ``place(name)`` returns (key, offset): labels with equal keys have a
    fixed distance ``offset_a - offset_b``.  During parsing the key is the
    (section, frag) pair, as in gas's ``frag_offset_fixed_p``; after layout
    it is the section.
    """
    if len(v.syms) < 2 and not any(c < 0 for c in v.syms.values()):
        return v
    syms = dict(v.syms)
    const = v.const
    placed: dict[str, tuple[object, int]] = {}
    for name in syms:
        p = place(name)
        if p is not None:
            placed[name] = p
    changed = True
    while changed:
        changed = False
        pos = [n for n, c in syms.items() if c > 0 and n in placed]
        neg = [n for n, c in syms.items() if c < 0 and n in placed]
        for a in pos:
            for b in neg:
                if placed[a][0] == placed[b][0]:
                    const += placed[a][1] - placed[b][1]
                    for n, d in ((a, -1), (b, 1)):
                        syms[n] += d
                        if not syms[n]:
                            del syms[n]
                    changed = True
                    break
            if changed:
                break
    return Value(wrap64(const), syms, list(v.regs), v.mem)
