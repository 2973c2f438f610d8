"""gdb's C-like expressions: ``$eax + 4``, ``*(int *)($esp + 8)``, ``&buf[2]``, ``$1 * 2``.

A small Pratt-style parser builds a tree of tuples; :func:`evaluate` walks it
against an :class:`EvalContext` that reads registers, memory, symbols, the
current frame's C parameters and the value history.  The context records
every register and memory range it reads, which is how watchpoints learn
what to watch (any write to one of those may change the value).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from vmdebug.debugger import values as V
from vmdebug.debugger.values import CType, DebugError, Value

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*)
  | (?P<char>'(?:\\.|[^\\'])+')
  | (?P<str>"(?:\\.|[^\\"])*")
  | (?P<dollar>\$\$?[A-Za-z_0-9]*)
  | (?P<ident>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op><<|>>|<=|>=|==|!=|&&|\|\||->|[-+*/%&|^~!()\[\]<>,?:.=@{}])
""", re.X)

_TYPE_WORDS = {"int", "char", "short", "long", "unsigned", "signed", "void", "struct", "const", "volatile",
               *V.BASE_TYPES}

_BINARY = {  # precedence (higher binds tighter)
    "||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6, "<": 7, ">": 7, "<=": 7, ">=": 7,
    "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10, "@": 11,
}


def tokenize(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise DebugError(f"Invalid character '{text[pos]}' in expression.")
        pos = m.end()
        kind = m.lastgroup or ""
        if kind != "ws":
            out.append((kind, m.group()))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = tokenize(text)
        self.i = 0

    def peek(self, k: int = 0) -> tuple[str, str]:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else ("eof", "")

    def take(self) -> tuple[str, str]:
        t = self.peek()
        self.i += 1
        return t

    def error(self) -> DebugError:
        rest = " ".join(v for _, v in self.toks[self.i:])
        return DebugError(f"A syntax error in expression, near `{rest}'.")

    def expect(self, op: str) -> None:
        if self.peek() != ("op", op):
            raise self.error()
        self.i += 1

    def parse(self) -> Any:
        if not self.toks:
            raise DebugError("Argument required (expression to compute).")
        node = self.expr()
        if self.peek()[0] != "eof":
            raise self.error()
        return node

    def expr(self) -> Any:
        node = self.ternary()
        if self.peek() == ("op", "="):
            self.take()
            return ("assign", node, self.expr())
        return node

    def ternary(self) -> Any:
        cond = self.binary(1)
        if self.peek() == ("op", "?"):
            self.take()
            a = self.expr()
            self.expect(":")
            return ("?", cond, a, self.ternary())
        return cond

    def binary(self, min_prec: int) -> Any:
        left = self.unary()
        while True:
            kind, op = self.peek()
            prec = _BINARY.get(op) if kind == "op" else None
            if prec is None or prec < min_prec:
                return left
            self.take()
            right = self.binary(prec + 1)
            left = ("bin", op, left, right)

    def is_type_start(self) -> bool:
        kind, v = self.peek(1)
        return self.peek() == ("op", "(") and kind == "ident" and v in _TYPE_WORDS

    def ctype(self) -> CType:
        words = []
        while self.peek()[0] == "ident" or self.peek() == ("op", "*"):
            words.append(self.take()[1])
        return V.parse_ctype(" ".join(words))

    def unary(self) -> Any:
        kind, v = self.peek()
        if kind == "op" and v in ("-", "+", "!", "~", "*", "&"):
            self.take()
            return ("un", v, self.unary())
        if kind == "ident" and v == "sizeof":
            self.take()
            if self.is_type_start():
                self.take()
                t = self.ctype()
                self.expect(")")
                return ("num", t.size, V.UINT)
            return ("sizeof", self.unary())
        if self.is_type_start():
            self.take()
            t = self.ctype()
            self.expect(")")
            return ("cast", t, self.unary())
        return self.postfix()

    def postfix(self) -> Any:
        node = self.primary()
        while self.peek() in (("op", "["), ("op", "."), ("op", "->")):
            op = self.take()[1]
            if op == "[":
                idx = self.expr()
                self.expect("]")
                node = ("un", "*", ("bin", "+", node, idx))
                continue
            kind, name = self.take()
            if kind != "ident":
                self.i -= 1
                raise self.error()
            node = ("member", ("un", "*", node) if op == "->" else node, name)
        return node

    def primary(self) -> Any:
        kind, v = self.take()
        if kind == "num":
            digits = v.rstrip("uUlL")
            n = int(digits, 16) if digits[:2].lower() == "0x" else (int(digits, 8) if len(digits) > 1 and
                                                                    digits[0] == "0" else int(digits))
            # C's rules (C11 6.4.4.1) with i386 sizes: a decimal literal is int, else long
            # long; a hex or octal one may also be unsigned int; a 'u' suffix makes it unsigned.
            decimal = not (digits[:2].lower() == "0x" or (len(digits) > 1 and digits[0] == "0"))
            suffix = v[len(digits):].lower()
            if "ll" in suffix:
                t = V.ULONGLONG if "u" in suffix else V.LONGLONG
            elif "u" in suffix:
                t = V.UINT if n <= 0xFFFFFFFF else V.ULONGLONG
            elif n <= 0x7FFFFFFF:
                t = V.INT
            elif n <= 0xFFFFFFFF and not decimal:
                t = V.UINT
            else:
                t = V.LONGLONG if n <= 0x7FFFFFFFFFFFFFFF else V.ULONGLONG
            return ("num", n, t)
        if kind == "char":
            body = v[1:-1].encode().decode("unicode_escape")
            return ("num", ord(body[0]) if body else 0, V.CHAR)
        if kind == "str":
            return ("str", v[1:-1].encode().decode("unicode_escape"))
        if kind == "dollar":
            return ("dollar", v)
        if kind == "ident":
            return ("sym", v)
        if (kind, v) == ("op", "("):
            node = self.expr()
            self.expect(")")
            return node
        self.i -= 1
        raise self.error()


def parse(text: str) -> Any:
    return _Parser(text).parse()


@dataclass
class EvalContext:
    """What an expression can see.  Subclassed/filled by the debugger."""

    read_reg: Callable[[str], Value | None]
    read_mem: Callable[[int, int], bytes]           # raises DebugError when unmapped
    lookup_symbol: Callable[[str], Value | None]
    history: list[Value] = field(default_factory=list)
    convenience: dict[str, Value] = field(default_factory=dict)
    regs_read: set[str] = field(default_factory=set)
    mem_read: list[tuple[int, int]] = field(default_factory=list)

    def load(self, t: CType, addr: int) -> Value:
        t = V.resolve_struct(t)
        if t.is_struct or t.is_array:
            self.read_mem(addr & 0xFFFFFFFF, max(min(t.size, 4), 1))   # must be readable
            self.mem_read.append((addr & 0xFFFFFFFF, t.size))
            return Value(t, addr & 0xFFFFFFFF, addr & 0xFFFFFFFF)
        size = t.size if t.size > 0 else 4
        data = self.read_mem(addr & 0xFFFFFFFF, size)
        self.mem_read.append((addr & 0xFFFFFFFF, size))
        return Value(t, V.wrap(int.from_bytes(data, "little"), t), addr & 0xFFFFFFFF)


def _rvalue(ctx: EvalContext, v: Value) -> Value:
    if v.type.name == "nodebug":
        raise DebugError(f"'{v.name}' has unknown type; cast it to its declared type")
    if v.type.is_array and v.type.target is not None:   # an array decays to a pointer to its first element
        return Value(V.ptr_to(v.type.target), v.address or 0)
    return v


def _arith_type(a: CType, b: CType) -> CType:
    if a.size == 8 or b.size == 8:
        return V.ULONGLONG if (not a.signed and a.size == 8) or (not b.signed and b.size == 8) else V.LONGLONG
    if (not a.signed and a.size >= 4) or (not b.signed and b.size >= 4):
        return V.UINT
    return V.INT


def _binop(op: str, a: Value, b: Value) -> Value:
    ta, tb = a.type, b.type
    if op in ("+", "-") and ta.is_ptr and tb.is_int:
        step = max(ta.target.size, 1) if ta.target and ta.target.name not in ("void", "func") else 1
        n = a.value + (b.value * step if op == "+" else -b.value * step)
        return Value(ta, n & 0xFFFFFFFF)
    if op == "+" and tb.is_ptr and ta.is_int:
        return _binop("+", b, a)
    if op == "-" and ta.is_ptr and tb.is_ptr:
        step = max(ta.target.size, 1) if ta.target and ta.target.name not in ("void", "func") else 1
        return Value(V.INT, V.wrap((a.value - b.value) // step, V.INT))
    x = a.unsigned if ta.is_ptr else a.value
    y = b.unsigned if tb.is_ptr else b.value
    t = V.UINT if ta.is_ptr or tb.is_ptr else _arith_type(ta, tb)
    if not t.signed:
        x &= (1 << (8 * t.size)) - 1
        y &= (1 << (8 * t.size)) - 1
    if op in ("==", "!=", "<", ">", "<=", ">=", "&&", "||"):
        r = {"==": x == y, "!=": x != y, "<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y,
             "&&": bool(x) and bool(y), "||": bool(x) or bool(y)}[op]
        return Value(V.INT, int(r))
    if op in ("/", "%") and y == 0:
        raise DebugError("Division by zero")
    if op == "/":
        r = abs(x) // abs(y) * (1 if (x < 0) == (y < 0) else -1)
    elif op == "%":
        r = abs(x) % abs(y) * (1 if x >= 0 else -1)
    else:
        r = {"+": lambda: x + y, "-": lambda: x - y, "*": lambda: x * y, "&": lambda: x & y,
             "|": lambda: x | y, "^": lambda: x ^ y, "<<": lambda: x << (y & 63),
             ">>": lambda: x >> (y & 63)}[op]()
    if op in ("<<", ">>"):
        t = V.INT if ta.size < 4 else (ta if ta.is_int else V.UINT)
    return Value(t, V.wrap(r, t))


def evaluate(node: Any, ctx: EvalContext) -> Value:
    kind = node[0]
    if kind == "num":
        return Value(node[2], V.wrap(node[1], node[2]))
    if kind == "str":
        raise DebugError("evaluation of this expression requires the program to have a function \"malloc\".")
    if kind == "dollar":
        return _dollar(node[1], ctx)
    if kind == "sym":
        v = ctx.lookup_symbol(node[1])
        if v is None:
            raise DebugError(f'No symbol "{node[1]}" in current context.')
        return v
    if kind == "un":
        op = node[1]
        if op == "&":
            inner = evaluate(node[2], ctx)
            if inner.type.name == "func" or inner.type.name == "nodebug_text":
                return Value(V.CODE_PTR, inner.value)
            if inner.address is None:
                raise DebugError("Attempt to take address of value not located in memory.")
            return Value(V.ptr_to(inner.type), inner.address)
        v = _rvalue(ctx, evaluate(node[2], ctx))
        if op == "*":
            if v.type.is_ptr:
                target = v.type.target
                assert target is not None
                if target.name == "void":
                    raise DebugError("Attempt to take contents of a non-pointer value.")
                if target.name == "func":
                    return Value(V.FUNC, v.unsigned, v.unsigned)
                return ctx.load(target, v.unsigned)
            if v.type.is_int:
                return ctx.load(V.INT, v.unsigned)
            raise DebugError("Attempt to take contents of a non-pointer value.")
        if op == "-":
            t = V.INT if v.type.size < 4 else v.type
            return Value(t, V.wrap(-v.value, t))
        if op == "+":
            return v
        if op == "!":
            return Value(V.INT, int(not v.value))
        if op == "~":
            t = V.INT if v.type.size < 4 else v.type
            return Value(t, V.wrap(~v.value, t))
    if kind == "bin" and node[1] == "@":  # gdb's artificial array: *p@4
        left = evaluate(node[2], ctx)
        n = _rvalue(ctx, evaluate(node[3], ctx)).value
        if left.address is None:
            raise DebugError("Only values in memory can be extended with '@'.")
        if n <= 0:
            raise DebugError("Only values in memory can be extended with '@'.")
        return ctx.load(V.array_of(left.type, n), left.address)
    if kind == "bin":
        op = node[1]
        a = _rvalue(ctx, evaluate(node[2], ctx))
        if op == "&&" and not a.value:
            return Value(V.INT, 0)
        if op == "||" and a.value:
            return Value(V.INT, 1)
        b = _rvalue(ctx, evaluate(node[3], ctx))
        return _binop(op, a, b)
    if kind == "?":
        c = _rvalue(ctx, evaluate(node[1], ctx))
        return evaluate(node[2] if c.value else node[3], ctx)
    if kind == "cast":
        t: CType = node[1]
        inner = evaluate(node[2], ctx)
        if inner.type.name == "nodebug":
            return ctx.load(t, inner.address or 0)
        return Value(t, V.wrap(inner.value, t) if t.size else inner.value, None)
    if kind == "member":
        base = evaluate(node[1], ctx)
        t = V.resolve_struct(base.type)
        if not t.is_struct:
            raise DebugError(f"Attempt to extract a component of a value that is not a structure"
                             f"{' pointer' if base.type.is_ptr else ''}.")
        if not t.fields:
            raise DebugError(f"The layout of {t.name} is unknown.")
        for fname, ftype, off in t.fields:
            if fname == node[2]:
                if base.address is None:
                    raise DebugError("Attempt to take address of value not located in memory.")
                return ctx.load(ftype, base.address + off)
        raise DebugError(f"There is no member named {node[2]}.")
    if kind == "sizeof":
        v = evaluate(node[1], ctx)
        return Value(V.UINT, max(v.type.size, 1))
    if kind == "assign":
        raise DebugError("Cannot change the past: the history is read-only (vmdebug replays a recording).")
    raise DebugError("A syntax error in expression.")


_REG8 = {"al": ("eax", 0), "cl": ("ecx", 0), "dl": ("edx", 0), "bl": ("ebx", 0),
         "ah": ("eax", 8), "ch": ("ecx", 8), "dh": ("edx", 8), "bh": ("ebx", 8)}
_REG16 = {"ax": "eax", "cx": "ecx", "dx": "edx", "bx": "ebx", "sp": "esp", "bp": "ebp", "si": "esi",
          "di": "edi"}


def _dollar(name: str, ctx: EvalContext) -> Value:
    body = name[1:]
    hist = ctx.history
    if body == "" or body.startswith("$"):
        back = body[1:]
        k = (int(back) if back else 1) if body.startswith("$") else 0
        if not hist and k <= 1:
            raise DebugError("The history is empty.")
        if k >= len(hist):
            raise DebugError(f"History does not go back to $${k}.")
        return hist[-1 - k]
    if body.isdigit():
        n = int(body)
        if n == 0 or n > len(hist):
            raise DebugError(f"History has not yet reached ${n}.")
        return hist[n - 1]
    reg = {"pc": "eip", "sp": "esp", "fp": "ebp", "ps": "eflags"}.get(body, body)
    v = ctx.read_reg(reg)
    if v is not None:
        ctx.regs_read.add(reg)
        return v
    if body in _REG16:
        full = ctx.read_reg(_REG16[body])
        if full is not None:
            ctx.regs_read.add(_REG16[body])
            return Value(V.INT16, V.wrap(full.unsigned & 0xFFFF, V.INT16))
    if body in _REG8:
        r, shift = _REG8[body]
        full = ctx.read_reg(r)
        if full is not None:
            ctx.regs_read.add(r)
            return Value(V.INT8, V.wrap(full.unsigned >> shift & 0xFF, V.INT8))
    if body in ctx.convenience:
        return ctx.convenience[body]
    return Value(V.VOID, 0)
