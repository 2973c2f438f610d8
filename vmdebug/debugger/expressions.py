"""gdb's C expressions: ``$eax + 4``, ``*(int *)($esp + 8)``, ``root->left->key``, ``sizeof(struct node)``.

A precedence-climbing parser after gdb's c-exp.y: the operators and their
precedence (``@`` between the shifts and ``+``), C's literal typing (a
decimal literal is int, long long; a hex one may also be unsigned), and type
names, which need the program: an identifier is a type when the debug
information has a typedef of that name (gdb's lexer asks the symbol table the
same question), and ``struct``/``union``/``enum`` tags are looked up as they
are read.  Types are resolved while parsing, so ``ptype struct nosuch`` fails
with gdb's "No struct type named nosuch.".

The tree is made of tuples; :mod:`vmdebug.debugger.evaluate` walks it.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from vmdebug.debuginfo import ctype as T
from vmdebug.debuginfo.ctype import CType
from vmdebug.debugger.values import DebugError

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<float>(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?[fFlL]?|\d+[eE][-+]?\d+[fFlL]?)
  | (?P<num>0[xX][0-9a-fA-F]+[uUlL]*|0[bB][01]+[uUlL]*|\d+[uUlL]*)
  | (?P<char>'(?:\\.|[^\\'])+')
  | (?P<str>"(?:\\.|[^\\"])*")
  | (?P<dollar>\$\$?[A-Za-z_0-9]*)
  | (?P<ident>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<entry>@\s*entry(?![A-Za-z_0-9]))
  | (?P<op><<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||->|\+\+|--|::|[-+*/%&|^]=|[-+*/%&|^~!()\[\]<>,?:.=@{}])
""", re.X)

# c-exp.y precedence, loosest first (the comma and assignment are handled apart).
_BINARY = {
    "||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6, "<": 7, ">": 7, "<=": 7, ">=": 7,
    "<<": 8, ">>": 8, "@": 9, "+": 10, "-": 10, "*": 11, "/": 11, "%": 11,
}
_ASSIGN = {"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="}
_TYPE_WORDS = {"int", "char", "short", "long", "unsigned", "signed", "void", "float", "double", "_Bool",
               "struct", "union", "enum", "const", "volatile"}

_ESCAPES = {"n": 10, "t": 9, "r": 13, "a": 7, "b": 8, "f": 12, "v": 11, "e": 27, "\\": 92, "'": 39, '"': 34,
            "?": 63}


def tokenize(text: str) -> list[tuple[str, str]]:
    out = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is not None and m.lastgroup in ("num", "float"):
            # c-exp.y takes every letter and digit after a number's start into the number
            # and parse_number refuses what is not one ("0x", "12ab").
            end = m.end()
            while end < len(text) and (text[end].isalnum() or text[end] == "_"):
                end += 1
            if end > m.end():
                raise DebugError(f'Invalid number "{text[pos:end]}".')
        if m is None:
            # c-exp.y lex_one_token's words for an unclosed quote.
            if text.startswith("''", pos):
                raise DebugError("A character constant must contain at least one character.")
            if text[pos] == "'":
                raise DebugError("Unmatched single quote.")
            if text[pos] == '"':
                raise DebugError("Unterminated string in expression.")
            raise DebugError(f"Invalid character '{text[pos]}' in expression.")
        pos = m.end()
        kind = m.lastgroup or ""
        if kind != "ws":
            out.append((kind, m.group()))
    return out


def unescape(body: str) -> bytes:
    """C escapes in a char or string literal (gdb c-lang.c c_parse_escape)."""
    out = bytearray()
    i = 0
    raw = body.encode("utf-8", "surrogateescape")
    while i < len(raw):
        c = raw[i]
        if c != 0x5C or i + 1 >= len(raw):
            out.append(c)
            i += 1
            continue
        e = chr(raw[i + 1])
        if e in _ESCAPES:
            out.append(_ESCAPES[e])
            i += 2
        elif e == "x":
            j = i + 2
            while j < len(raw) and chr(raw[j]) in "0123456789abcdefABCDEF":
                j += 1
            if j == i + 2:
                raise DebugError("\\x escape without a following hex digit")
            out.append(int(raw[i + 2:j], 16) & 0xFF)
            i = j
        elif e in "01234567":
            j = i + 1
            while j < len(raw) and j < i + 4 and chr(raw[j]) in "01234567":
                j += 1
            out.append(int(raw[i + 1:j], 8) & 0xFF)
            i = j
        else:
            out.append(raw[i + 1])
            i += 2
    return bytes(out)


class TypeScope:
    """What the parser asks the program: typedef names and tags (None: no such type)."""

    def __init__(self, typedef: Callable[[str], CType | None] | None = None,
                 tag: Callable[[str, str], CType | None] | None = None,
                 symbol: Callable[[str], bool] | None = None) -> None:
        self.typedef = typedef or (lambda name: None)
        self.tag = tag or (lambda kind, name: None)
        # Whether a name is a symbol here: gdb's grammar looks a variable up as it
        # reduces it (c-exp.y variable: name_not_typename), so an unknown name is
        # reported before any later syntax error.
        self.symbol = symbol


#: bison's YYMAXDEPTH: gdb's C parser gives up ("memory exhausted") when its state
#: stack would reach this many entries.
MAX_PARSE_DEPTH = 10000


class _Pending:
    def __init__(self, parser: "_Parser", n: int) -> None:
        self.parser, self.n = parser, n

    def __enter__(self) -> None:
        self.parser.depth += self.n

    def __exit__(self, *exc: object) -> None:
        self.parser.depth -= self.n


class _Parser:
    """Recursive descent over c-exp.y's grammar.  ``depth`` mirrors the size of bison's
    state stack - the initial state plus every symbol shifted and not yet reduced -
    so that nesting fails exactly where gdb's parser runs out of stack."""

    def __init__(self, text: str, scope: TypeScope) -> None:
        self.text = text
        self.toks = tokenize(text)
        self.i = 0
        self.scope = scope
        self.depth = 1

    def peek(self, k: int = 0) -> tuple[str, str]:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else ("eof", "")

    def take(self) -> tuple[str, str]:
        if self.depth + 1 >= MAX_PARSE_DEPTH and self.i < len(self.toks):
            raise self.error("memory exhausted")
        t = self.peek()
        self.i += 1
        return t

    def pending(self, n: int) -> "_Pending":
        """While a construct holds ``n`` shifted symbols waiting for the rest of it."""
        return _Pending(self, n)

    def error(self, what: str = "syntax error") -> DebugError:
        rest = self.text
        # gdb quotes the input from the token that failed to the end.
        if self.i < len(self.toks):
            pos = 0
            for _ in range(self.i):
                m = _TOKEN.match(self.text, pos)
                while m is not None and m.lastgroup == "ws":
                    pos = m.end()
                    m = _TOKEN.match(self.text, pos)
                pos = m.end() if m is not None else pos
            rest = self.text[pos:].lstrip()
        else:
            rest = ""
        return DebugError(f"A {what} in expression, near `{rest}'.")

    def expect(self, op: str) -> None:
        if self.peek() != ("op", op):
            raise self.error()
        self.take()

    # ---- expressions --------------------------------------------------------------
    def parse(self) -> Any:
        if not self.toks:
            raise DebugError("Argument required (expression to compute).")
        if self.starts_type() and self._type_only():
            return ("type", self.type_name())
        node = self.comma()
        if self.peek()[0] != "eof":
            raise self.error()
        return node

    def _type_only(self) -> bool:
        """A whole expression that is a type name (``ptype struct node``, ``whatis int *``)."""
        save = self.i
        try:
            self.type_name()
            return self.peek()[0] == "eof"
        except DebugError as exc:
            if str(exc).startswith(("No struct type named", "No union type named", "No enum type named")):
                raise                      # c-exp.y looks the tag up as it reads it
            return False
        finally:
            self.i = save

    def comma(self) -> Any:
        node = self.assign()
        while self.peek() == ("op", ","):
            with self.pending(1):
                self.take()
                with self.pending(1):
                    node = ("comma", node, self.assign())
        return node

    def assign(self) -> Any:
        node = self.ternary()
        kind, op = self.peek()
        if kind == "op" and op in _ASSIGN:
            with self.pending(1):
                self.take()
                with self.pending(1):
                    return ("assign", op, node, self.assign())
        return node

    def ternary(self) -> Any:
        cond = self.binary(1)
        if self.peek() == ("op", "?"):
            with self.pending(1):
                self.take()
                with self.pending(1):
                    a = self.comma()
                    with self.pending(1):
                        self.expect(":")
                        with self.pending(1):
                            return ("?", cond, a, self.ternary())
        return cond

    def binary(self, min_prec: int) -> Any:
        left = self.unary()
        while True:
            kind, op = self.peek()
            prec = _BINARY.get(op) if kind == "op" else None
            if prec is None or prec < min_prec:
                return left
            with self.pending(1):
                self.take()
                with self.pending(1):
                    right = self.binary(prec + 1)
            left = ("bin", op, left, right)

    def starts_type(self, k: int = 0) -> bool:
        kind, v = self.peek(k)
        if kind != "ident":
            return False
        if v in _TYPE_WORDS:
            return True
        return self.scope.typedef(v) is not None

    def unary(self) -> Any:
        kind, v = self.peek()
        if kind == "op" and v in ("-", "+", "!", "~", "*", "&"):
            self.take()
            with self.pending(1):
                return ("un", v, self.unary())
        if kind == "op" and v in ("++", "--"):
            self.take()
            with self.pending(1):
                return ("pre", v, self.unary())
        if kind == "ident" and v in ("sizeof", "_Alignof", "alignof"):
            self.take()
            if self.peek() == ("op", "(") and self.starts_type(1):
                self.take()
                t = self.type_name()
                self.expect(")")
                return ("sizeof_type" if v == "sizeof" else "alignof_type", t)
            return ("sizeof" if v == "sizeof" else "alignof", self.unary())
        if kind == "op" and v == "(" and self.starts_type(1):
            self.take()
            t = self.type_name()
            self.expect(")")
            return ("cast", t, self.unary())
        if kind == "op" and v == "{" and self.starts_type(1):
            self.take()                                   # gdb's {TYPE} ADDR
            t = self.type_name()
            self.expect("}")
            return ("brace", t, self.unary())
        return self.postfix()

    def postfix(self) -> Any:
        node = self.primary()
        while True:
            kind, v = self.peek()
            if (kind, v) == ("op", "["):
                with self.pending(1):
                    self.take()
                    with self.pending(1):
                        idx = self.comma()
                        with self.pending(1):
                            self.expect("]")
                node = ("index", node, idx)
            elif kind == "op" and v in (".", "->"):
                self.take()
                k2, name = self.take()
                if k2 != "ident":
                    self.i -= 1
                    raise self.error()
                node = ("member" if v == "." else "ptrmember", node, name)
            elif (kind, v) == ("op", "("):
                self.take()
                args = []
                if self.peek() != ("op", ")"):
                    args.append(self.assign())
                    while self.peek() == ("op", ","):
                        self.take()
                        args.append(self.assign())
                self.expect(")")
                node = ("call", node, args)
            elif kind == "op" and v in ("++", "--"):
                self.take()
                node = ("post", v, node)
            else:
                return node

    def primary(self) -> Any:
        kind, v = self.take()
        if kind == "num":
            return number(v)
        if kind == "float":
            return float_literal(v)
        if kind == "char":
            data = unescape(v[1:-1])
            if len(data) != 1:
                raise DebugError("Invalid character constant.")
            c = data[0]
            return ("num", c - 256 if c >= 128 else c, T.CHAR)
        if kind == "str":
            data = unescape(v[1:-1])
            while self.peek()[0] == "str":                 # "a" "b" concatenates
                data += unescape(self.take()[1][1:-1])
            return ("str", data)
        if kind == "dollar":
            return ("dollar", v)
        if (kind, v) == ("op", "::") or (kind == "ident" and self.peek() == ("op", "::")):
            # c-exp.y ``COLONCOLON name`` (a global, past any local of that name) and
            # ``block COLONCOLON name`` (a function's own variable, a static one too).
            if kind == "ident":
                self.take()
            name_kind, name = self.take()
            if name_kind != "ident":
                self.i -= 1
                raise self.error()
            return ("scope", v if kind == "ident" else "", name)
        if kind == "ident":
            if v in ("struct", "union", "enum") and self.peek()[0] != "ident":
                raise self.error()          # c-exp.y: STRUCT name; gdb reports what follows
            if v in _TYPE_WORDS or self.scope.typedef(v) is not None:
                self.i -= 1
                raise DebugError("Attempt to use a type name as an expression")
            if self.peek()[0] == "entry":
                # c-exp.y ``variable: name_not_typename ENTRY`` (the lexer takes ``@entry``,
                # spaces allowed after the @): the parameter's value on entry.
                self.take()
                return ("entry", v)
            if self.scope.symbol is not None and not self.scope.symbol(v):
                raise DebugError(f'No symbol "{v}" in current context.')
            return ("var", v)
        if (kind, v) == ("op", "("):
            with self.pending(1):
                node = self.comma()
                with self.pending(1):
                    self.expect(")")
            return node
        self.i -= 1
        raise self.error()

    # ---- types ------------------------------------------------------------------------
    def type_name(self) -> CType:
        """Specifiers, then an abstract declarator (``int``, ``struct node *``, ``char (*)[4]``)."""
        base = self.specifiers()
        return self.abstract(base)

    def specifiers(self) -> CType:
        const = volatile = False
        words: list[str] = []
        base: CType | None = None
        while self.peek()[0] == "ident":
            v = self.peek()[1]
            if v == "const":
                const = True
            elif v == "volatile":
                volatile = True
            elif v in ("struct", "union", "enum"):
                if base is not None or words:
                    break
                self.take()
                k, name = self.take()
                if k != "ident":
                    self.i -= 1
                    raise self.error()
                base = self.scope.tag(v, name)
                if base is None:
                    raise DebugError(f"No {v} type named {name}.")
                continue
            elif v in ("int", "char", "short", "long", "unsigned", "signed", "float", "double", "_Bool", "void"):
                if base is not None:
                    break
                words.append(v)
            elif not words and base is None and self.scope.typedef(v) is not None:
                base = self.scope.typedef(v)
            else:
                break
            self.take()
        if words:
            key = " ".join(words)
            base = self.scope.typedef(key) if len(words) == 1 and words[0] not in ("unsigned", "signed") else None
            if base is None:
                base = _primitive(words)
            if base is None:
                raise DebugError(f"A syntax error in expression, near `{self._rest()}'.")
        if base is None:
            raise self.error()
        if const or volatile:
            base = T.qualified(base, const or base.const, volatile or base.volatile)
        return base

    def _rest(self) -> str:
        return " ".join(v for _, v in self.toks[self.i:])

    def abstract(self, base: CType) -> CType:
        """Pointers, then an optional parenthesised declarator, then arrays and
        parameter lists (applied inside out, as C reads them)."""
        t = base
        while self.peek() == ("op", "*"):
            self.take()
            t = T.pointer_to(t)
            const = volatile = False
            while self.peek()[0] == "ident" and self.peek()[1] in ("const", "volatile"):
                if self.take()[1] == "const":
                    const = True
                else:
                    volatile = True
            if const or volatile:
                t = T.qualified(t, const, volatile)
        inner: list[Any] | None = None
        if self.peek() == ("op", "(") and self.peek(1) in (("op", "*"), ("op", "(")):
            self.take()
            inner = self._collect_inner()
            self.expect(")")
        t = self._suffixes(t)
        if inner is not None:
            t = self._apply_inner(t, inner)
        return t

    def _collect_inner(self) -> list[Any]:
        """The tokens of ``(*...)`` in an abstract declarator, as a list of actions."""
        actions: list[Any] = []
        while self.peek() == ("op", "*"):
            self.take()
            actions.append("*")
        if self.peek() == ("op", "("):
            self.take()
            nested = self._collect_inner()
            self.expect(")")
            actions.append(("nested", nested))
        while self.peek() in (("op", "["), ("op", "(")):
            actions.append(("suffix", self._one_suffix()))
        return actions

    def _apply_inner(self, t: CType, actions: list[Any]) -> CType:
        stars = [a for a in actions if a == "*"]
        nested = [a for a in actions if isinstance(a, tuple) and a[0] == "nested"]
        suffixes = [a[1] for a in actions if isinstance(a, tuple) and a[0] == "suffix"]
        for _ in stars:
            t = T.pointer_to(t)
        for s in reversed(suffixes):
            t = s(t)
        for n in nested:
            t = self._apply_inner(t, n[1])
        return t

    def _one_suffix(self) -> Callable[[CType], CType]:
        if self.peek() == ("op", "["):
            self.take()
            count = None
            if self.peek()[0] == "num":
                count = number(self.take()[1])[1]
            self.expect("]")
            return lambda t, n=count: _array(t, n)
        self.take()                                         # "(": a parameter list
        params: list[CType] = []
        varargs = False
        if self.peek() != ("op", ")"):
            while True:
                if self.peek() == ("op", "."):
                    for _ in range(3):
                        self.expect(".")
                    varargs = True
                    break
                params.append(self.type_name())
                if self.peek() != ("op", ","):
                    break
                self.take()
        self.expect(")")
        if len(params) == 1 and params[0].code == "void" and params[0].name == "void":
            params = []
        return lambda t, p=params, va=varargs: T.func_type(t, p, va, True)

    def _suffixes(self, t: CType) -> CType:
        suffixes = []
        while self.peek() in (("op", "["), ("op", "(")):
            if self.peek() == ("op", "(") and not (self.starts_type(1) or self.peek(1) == ("op", ")")):
                break
            suffixes.append(self._one_suffix())
        for s in reversed(suffixes):
            t = s(t)
        return t


def _array(t: CType, count: int | None) -> CType:
    a = CType("array", None, 0, t)
    a.count = count
    a.size = (count or 0) * t.length
    return a


def _primitive(words: list[str]) -> CType | None:
    """gdb's C type keywords in any order (c-exp.y typebase)."""
    key = " ".join(words)
    found = T.PRIMITIVES.get(key)
    if found is not None:
        return found
    unsigned = "unsigned" in words
    signed = "signed" in words
    longs = words.count("long")
    if "char" in words:
        return T.UCHAR if unsigned else T.SCHAR if signed else T.CHAR
    if "short" in words:
        return T.USHORT if unsigned else T.SHORT
    if "double" in words:
        return T.LONG_DOUBLE if longs else T.DOUBLE
    if longs >= 2:
        return T.ULONGLONG if unsigned else T.LONGLONG
    if longs == 1:
        return T.ULONG if unsigned else T.LONG
    if set(words) <= {"int", "unsigned", "signed"}:
        return T.UINT if unsigned else T.INT
    return None


def _digits_value(digits: str, base: int) -> int:
    """c-exp.y parse_number's accumulation in a 64-bit ULONGEST: a digit that does not
    make the value grow is "Numeric constant too large." (gdb's own overflow test,
    which lets some hexadecimal constants wrap)."""
    n = prev = 0
    for c in digits:
        n = (n * base + int(c, 16)) & 0xFFFFFFFFFFFFFFFF
        if not (prev == 0 and n == 0) and prev >= n:
            raise DebugError("Numeric constant too large.")
        prev = n
    return n


def number(text: str) -> tuple[str, int, CType]:
    """An integer literal with C's typing (C11 6.4.4.1, i386 sizes) as gdb 13 types it."""
    digits = text.rstrip("uUlL")
    suffix = text[len(digits):].lower()
    low = digits.lower()
    if low.startswith("0x"):
        n, decimal = _digits_value(digits[2:], 16), False
    elif low.startswith("0b"):
        n, decimal = _digits_value(digits[2:], 2), False
    elif len(digits) > 1 and digits[0] == "0":
        if any(c in "89" for c in digits):
            raise DebugError(f"Invalid number \"{text}\".")
        n, decimal = _digits_value(digits, 8), False
    else:
        n, decimal = _digits_value(digits, 10), True
    if "ll" in suffix:
        t = T.ULONGLONG if "u" in suffix or n > 0x7FFFFFFFFFFFFFFF else T.LONGLONG
    elif "l" in suffix:
        if "u" in suffix:
            t = T.ULONG if n <= 0xFFFFFFFF else T.ULONGLONG
        else:
            t = T.LONG if n <= 0x7FFFFFFF else (T.ULONG if n <= 0xFFFFFFFF and not decimal else
                                              T.LONGLONG if n <= 0x7FFFFFFFFFFFFFFF else T.ULONGLONG)
    elif "u" in suffix:
        t = T.UINT if n <= 0xFFFFFFFF else T.ULONGLONG
    elif n <= 0x7FFFFFFF:
        t = T.INT
    elif n <= 0xFFFFFFFF and not decimal:
        t = T.UINT
    elif n <= 0x7FFFFFFFFFFFFFFF:
        t = T.LONGLONG
    elif not decimal or n <= 0xFFFFFFFFFFFFFFFF:
        t = T.ULONGLONG
    else:
        raise DebugError("Numeric constant too large.")
    return ("num", n, t)


def float_literal(text: str) -> tuple[str, float, CType]:
    suffix = text[-1].lower() if text[-1] in "fFlL" else ""
    body = text[:-1] if suffix else text
    t = T.FLOAT if suffix == "f" else T.LONG_DOUBLE if suffix == "l" else T.DOUBLE
    return ("float", float(body), t)


def parse(text: str, scope: TypeScope | None = None) -> Any:
    deep_recursion()
    return _Parser(text, scope or TypeScope()).parse()


def deep_recursion() -> None:
    """Let parsing and evaluation recurse as deep as gdb's parser nests (MAX_PARSE_DEPTH
    levels, several Python frames each).  Python 3.11 keeps Python-to-Python calls off
    the C stack, so a high limit is safe for this code."""
    import sys
    if sys.getrecursionlimit() < 200_000:
        sys.setrecursionlimit(200_000)
