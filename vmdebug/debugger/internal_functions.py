"""gdb's internal functions, computed from the recorded state.

``$_strlen``, ``$_streq``, ``$_memeq``, ``$_regex`` (gdb's python/lib/gdb/function/
strfns.py), ``$_as_string`` (as_string.py), ``$_caller_is``, ``$_caller_matches``,
``$_any_caller_is``, ``$_any_caller_matches`` (caller_is.py) and ``$_isvoid`` (value.c).
They read memory and frames and call nothing in the program, so they work in a replay
where calling the program's own functions cannot: ``break f if $_streq(name, "bob")``.

gdb runs most of them in Python: a wrong number of arguments, or an error inside, reaches
the user as ``Python Exception <class ...>: ...`` and ``Error occurred in Python: ...``.
The classes below keep gdb's class and parameter names, so Python's own TypeError says
the same words; their bodies are gdb's.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from vmdebug.debuginfo import ctype as T
from vmdebug.debugger import evaluate as EV
from vmdebug.debugger.values import DebugError, Value

if TYPE_CHECKING:
    from vmdebug.debugger.session import Debugger

#: gdb's value of a Python int: the target's long.
LONG = T.make_int("long", 4, True)
#: The type of ``$_streq`` itself (TYPE_CODE_INTERNAL_FUNCTION), for whatis and ptype.
INTERNAL_FUNCTION = T.CType("void", "<internal function>")


class GdbError(Exception):
    """gdb.error / gdb.MemoryError raised inside a Python function."""

    def __init__(self, message: str, memory: bool = False) -> None:
        super().__init__(message)
        self.kind = "gdb.MemoryError" if memory else "gdb.error"


class Arg:
    """The little of gdb.Value these functions use."""

    def __init__(self, dbg: "Debugger", ctx: EV.EvalContext, value: Value) -> None:
        self.dbg, self.ctx, self.value = dbg, ctx, value

    def string(self) -> str:
        """python/py-value.c valpy_string: c_get_string, then decoded as UTF-8 (strict)."""
        from vmdebug.debuginfo.typeprint import type_name
        from vmdebug.debuginfo.valprint import textual
        v, t = self.value, self.value.type.strip()
        if t.kind not in ("array", "pointer") or t.target is None or not textual(t.target, ""):
            raise GdbError(f"Trying to read string with inappropriate type `{type_name(v.type)}'.")
        width = t.target.strip().length
        if t.kind == "array" and (v.lval != "memory" or t.count is not None):
            data = self._fetch(v)           # its own contents, up to the first null
        else:
            addr = EV.as_int(v, self.ctx) if t.kind == "pointer" else (v.address or 0)
            data = self._read_until_null(addr, width)
        chars = [data[i:i + width] for i in range(0, len(data) - width + 1, width)]
        end = next((i for i, c in enumerate(chars) if not any(c)), len(chars))
        raw = b"".join(chars[:end])
        return raw.decode("utf-8") if width == 1 else raw.decode(f"utf-{8 * width}-le")

    def _fetch(self, v: Value) -> bytes:
        try:
            return EV.fetch(self.ctx, v)
        except DebugError as exc:
            raise GdbError(str(exc), memory=True) from None

    def _read_until_null(self, addr: int, width: int) -> bytes:
        out = bytearray()
        while True:
            try:
                c = self.ctx.read(addr + len(out), width)
            except DebugError:
                raise GdbError(f"Cannot access memory at address {addr + len(out):#x}", memory=True) from None
            if not any(c):
                return bytes(out)
            out += c

    def bytes_at(self, length: int) -> bytes:
        """``length`` bytes of what the value points to (reinterpret_cast to a char vector
        pointer, then dereference); a string or array not in memory: its own bytes."""
        v, t = self.value, self.value.type.strip()
        if t.kind == "array" and v.lval != "memory":
            data = self._fetch(v)
            if length > len(data):
                raise GdbError("Cannot access memory at address 0x0", memory=True)
            return data[:length]
        addr = v.address or 0 if t.kind == "array" else EV.as_int(v, self.ctx)
        try:
            return self.ctx.read(addr, length)
        except DebugError as exc:
            raise GdbError(str(exc), memory=True) from None

    def __int__(self) -> int:
        return EV.as_int(self.value, self.ctx)


def _frame_names(dbg: "Debugger") -> list[str | None]:
    """frame.name() from the selected frame outwards (None: no function known)."""
    frames = dbg.frames()
    start = dbg.selected_frame().level
    return [None if f.sigtramp or f.name == "??" else f.name for f in frames[start:]]


class _StrLen:
    def invoke(self, a: Arg) -> int:
        s = a.string()
        return len(s)


class _StrEq:
    def invoke(self, a: Arg, b: Arg) -> bool:
        return a.string() == b.string()


class _MemEq:
    def invoke(self, a: Arg, b: Arg, length: Arg) -> bool:
        n = int(length)
        if n < 0:
            raise ValueError("length must be non-negative")
        if n == 0:
            return True
        return a.bytes_at(n) == b.bytes_at(n)


class _RegEx:
    def invoke(self, string: Arg, regex: Arg) -> bool:
        s = string.string()
        r = re.compile(regex.string())
        return r.match(s) is not None


class _AsString:
    def invoke(self, val: Arg) -> str:
        return val.dbg.show_value(val.value, "", top_level=False)


def _nframes(n: "Arg | int") -> int:
    k = int(n)
    if k < 0:
        raise ValueError("nframes must be >= 0")
    return k


class CallerIs:
    def invoke(self, name: Arg, nframes: "Arg | int" = 1) -> bool:
        k, names = _nframes(nframes), _frame_names(name.dbg)
        return k < len(names) and names[k] == name.string()


class CallerMatches:
    def invoke(self, name: Arg, nframes: "Arg | int" = 1) -> bool:
        k, names = _nframes(nframes), _frame_names(name.dbg)
        return k < len(names) and names[k] is not None and re.match(name.string(), names[k]) is not None


class AnyCallerIs:
    def invoke(self, name: Arg, nframes: "Arg | int" = 1) -> bool:
        k, names = _nframes(nframes), _frame_names(name.dbg)
        return any(n == name.string() for n in names[:k + 1])


class AnyCallerMatches:
    def invoke(self, name: Arg, nframes: "Arg | int" = 1) -> bool:
        k, names = _nframes(nframes), _frame_names(name.dbg)
        pattern = re.compile(name.string())
        return any(n is not None and pattern.match(n) for n in names[:k + 1])


PYTHON_FUNCTIONS: dict[str, Any] = {
    "_strlen": _StrLen, "_streq": _StrEq, "_memeq": _MemEq, "_regex": _RegEx, "_as_string": _AsString,
    "_caller_is": CallerIs, "_caller_matches": CallerMatches, "_any_caller_is": AnyCallerIs,
    "_any_caller_matches": AnyCallerMatches,
}
NAMES = frozenset((*PYTHON_FUNCTIONS, "_isvoid"))


def bare_value(name: str) -> Value:
    """``$_streq`` itself: gdb prints ``<internal function _streq>``."""
    return Value(T.VOID, b"", name=f"<internal function {name}>")


def is_internal(v: Value) -> bool:
    return v.type.strip().kind == "void" and v.name.startswith("<internal function ")


def _args(ctx: EV.EvalContext, nodes: list[Any]) -> list[Value]:
    """eval.c evaluate_funcall: each argument evaluate_with_coercion, which decays an array
    a variable names (and no other array: a string literal stays one)."""
    out = []
    for node in nodes:
        v = EV.evaluate(node, ctx)
        if node[0] == "var" and v.type.strip().kind == "array" and v.lval == "memory":
            v = EV.coerce_array(ctx, v)
        out.append(v)
    return out


def call(dbg: "Debugger", ctx: EV.EvalContext, name: str, nodes: list[Any]) -> Value | None:
    """``$NAME(ARGS...)`` when NAME is an internal function (and not a convenience variable
    the user set), else None."""
    if name not in NAMES or name in ctx.convenience:
        return None
    values = _args(ctx, nodes)
    if ctx.types_only:                  # EVAL_AVOID_SIDE_EFFECTS: an int, not computed
        return EV.make_int(T.INT, 0)
    if name == "_isvoid":               # value.c isvoid_internal_fn
        if len(values) != 1:
            raise DebugError("You must provide one argument for $_isvoid.")
        v = values[0]
        return EV.make_int(T.INT, int(v.type.strip().kind == "void" and not is_internal(v)))
    fn = PYTHON_FUNCTIONS[name]()
    try:
        result = fn.invoke(*(Arg(dbg, ctx, v) for v in values))
    except GdbError as exc:
        raise _python_error(exc.kind, str(exc)) from None
    except (TypeError, ValueError, UnicodeDecodeError, re.error) as exc:
        kind = "re.error" if isinstance(exc, re.error) else type(exc).__name__
        raise _python_error(kind, str(exc)) from None
    if isinstance(result, bool):        # python/py-value.c: a bool is the language's bool (C: int)
        return EV.make_int(T.INT, int(result))
    if isinstance(result, int):
        return EV.make_int(LONG, result)
    data = result.encode("utf-8")       # value_cstring: the characters, no terminating null
    return Value(T.array_of(T.CHAR, len(data)), data)


def _python_error(kind: str, message: str) -> DebugError:
    """gdbpy_print_stack's two lines for an exception out of a Python function."""
    return DebugError(f"Python Exception <class '{kind}'>: {message}\nError occurred in Python: {message}")
